/* SPDX-License-Identifier: MIT */
/* The op table, generated from ops.def. */
#include <string.h>
#include "kallocspec/trace.h"
#include "kallocspec/port.h"

const struct kas_op_info kas_op_table[KAS_OP__COUNT] = {
#define OP(E, NAME, RES, SINCE, UNTIL, CAP, NARGS, A1, A2, A3, A4, A5, A6) \
	[KAS_OP_##E] = { NAME, RES, NARGS, { A1, A2, A3, A4, A5, A6 }, SINCE, UNTIL, CAP },
#include "kallocspec/ops.def"
#undef OP
};

int kas_op_lookup(const char *name, size_t len)
{
	for (int i = 0; i < KAS_OP__COUNT; i++) {
		const char *n = kas_op_table[i].name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return i;
	}
	return -1;
}

bool kas_op_in_kver(enum kas_opcode op, uint32_t kver)
{
	const struct kas_op_info *oi = &kas_op_table[op];
	if (oi->since && kver < oi->since)
		return false;
	if (oi->until && kver >= oi->until)
		return false;
	return true;
}

bool kas_op_is_free(enum kas_opcode op)
{
	switch (op) {
	case KAS_OP_KFREE: case KAS_OP_KFREE_SENSITIVE: case KAS_OP_KFREE_RCU:
	case KAS_OP_KVFREE: case KAS_OP_KVFREE_RCU: case KAS_OP_KVFREE_RCU_ARG_2:
	case KAS_OP_VFREE: case KAS_OP_KMEM_CACHE_FREE: case KAS_OP_FREE_PAGES:
	case KAS_OP___FREE_PAGES: case KAS_OP_FREE_PAGES_EXACT:
	case KAS_OP_KMEM_CACHE_FREE_BULK: case KAS_OP_KFREE_BULK:
		return true;
	default:
		return false;
	}
}
