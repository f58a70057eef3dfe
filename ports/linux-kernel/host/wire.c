/* SPDX-License-Identifier: MIT */
/*
 * A parsed trace as the module's wire lines: every argument resolved
 * (numbers in decimal, flags as single-flag names the module maps to the
 * running kernel's bits, handles as slot numbers).
 */
#include <string.h>
#include <kallocspec/gfp.h>
#include "kernel_oracle.h"

/* "A|B|C" from single bits, so composites never depend on kallocspec's
 * definition of them. */
static void flags_out(FILE *out, uint64_t v, uint32_t kver, int slab)
{
	char name[96];
	int first = 1;

	if (!v) {
		fputc('0', out);
		return;
	}
	for (int b = 0; b < 64; b++) {
		if (!(v >> b & 1))
			continue;
		if (slab)
			kas_slab_flags_format((uint32_t)(1ull << b), kver, name, sizeof(name));
		else
			kas_gfp_format((kas_gfp_t)(1ull << b), kver, name, sizeof(name));
		fprintf(out, "%s%s", first ? "" : "|", name);
		first = 0;
	}
}

static void ref_out(FILE *out, uint8_t ref, uint64_t slot)
{
	if (ref == KAS_REF_NULL)
		fputc('N', out);
	else if (ref == KAS_REF_ZSP)
		fputc('Z', out);
	else
		fprintf(out, "h%llu", (unsigned long long)slot);
}

int ko_wire_write(FILE *out, const struct kas_trace *t, unsigned trace_no)
{
	uint32_t kver = t->profile ? t->profile->kver : KAS_KVER(6, 1);

	fprintf(out, "T %u\n", trace_no);
	for (size_t i = 0; i < t->nops; i++) {
		const struct kas_op *op = &t->ops[i];
		const struct kas_op_info *oi = &kas_op_table[op->code];

		fprintf(out, "%zu ", i);
		if (op->slot >= 0)
			fprintf(out, "%d", op->slot);
		else
			fputc('-', out);
		fprintf(out, " %s", oi->name);
		for (unsigned a = 0; a < oi->nargs; a++) {
			fputc(' ', out);
			switch (oi->args[a]) {
			case AK_SIZE: case AK_ORDER:
				fprintf(out, "%llu", (unsigned long long)op->v[a]);
				break;
			case AK_GFP:
				fputs("g:", out);
				flags_out(out, op->v[a], kver, 0);
				break;
			case AK_SLAB:
				fputs("s:", out);
				flags_out(out, op->v[a], kver, 1);
				break;
			case AK_PTR: case AK_CACHE: case AK_FLAGS:
				ref_out(out, op->ref[a], op->v[a]);
				break;
			case AK_NAME:
				fprintf(out, "n:%s", op->v[a] < t->nstrings ? t->strings[op->v[a]] : "x");
				break;
			case AK_LIST:
				fputs("L:", out);
				for (uint32_t j = 0; j < op->list_len; j++) {
					const struct kas_list_ref *l = &t->list[op->list_off + j];
					if (j)
						fputc(',', out);
					ref_out(out, l->ref, l->slot);
				}
				break;
			default:
				fprintf(out, "%llu", (unsigned long long)op->v[a]);
				break;
			}
		}
		if (op->flags & KAS_OPF_CTOR)
			fputs(" ctor", out);
		fputc('\n', out);
	}
	fputs("E\n", out);
	return ferror(out) ? -1 : 0;
}
