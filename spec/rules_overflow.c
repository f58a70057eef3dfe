/* SPDX-License-Identifier: MIT */
/* OVERFLOW-1 .. -5 and -7: the size helpers against exact arithmetic. */
#include <inttypes.h>
#include <stdio.h>
#include "spec_internal.h"

typedef unsigned __int128 u128;

#define SMAX ((u128)SIZE_MAX)

static uint64_t sat(u128 v) { return v > SMAX ? SIZE_MAX : (uint64_t)v; }
static uint64_t sat_mul(uint64_t a, uint64_t b) { return sat((u128)a * b); }
static uint64_t sat_add(uint64_t a, uint64_t b) { return sat((u128)a + b); }

static enum kas_verdict expect(struct kas_check *cx, const struct kas_call *c, uint64_t want)
{
	if (!kas_done(c))
		return KAS_V_NA;
	if (c->ret != want) {
		char args[96];
		if (c->op->code == KAS_OP_ARRAY3_SIZE || c->op->code == KAS_OP_STRUCT_SIZE)
			snprintf(args, sizeof(args), "%" PRIu64 ", %" PRIu64 ", %" PRIu64,
				 c->arg[0], c->arg[1], c->arg[2]);
		else
			snprintf(args, sizeof(args), "%" PRIu64 ", %" PRIu64, c->arg[0], c->arg[1]);
		return kas_fail(cx, "%s(%s) returned %" PRIuPTR ", expected %" PRIu64,
				kas_opname(c), args, c->ret, want);
	}
	return KAS_V_PASS;
}

/* OVERFLOW-1: array_size(a, b) = a * b or SIZE_MAX. */
KAS_RULE_NEEDS(kas_chk_overflow_1, 0);
enum kas_verdict kas_chk_overflow_1(struct kas_check *cx, const struct kas_call *c)
{
	return expect(cx, c, sat_mul(c->arg[0], c->arg[1]));
}

/* OVERFLOW-2: array3_size.  v5.18+ composes size_mul, so an overflowing
 * a*b times c == 0 is 0.  Before, the code returned SIZE_MAX on any
 * intermediate overflow while the doc ("number of bytes needed ... or
 * SIZE_MAX on overflow") gives 0 for c == 0: both are accepted there. */
KAS_RULE_NEEDS(kas_chk_overflow_2, 0);
enum kas_verdict kas_chk_overflow_2(struct kas_check *cx, const struct kas_call *c)
{
	uint64_t a = c->arg[0], b = c->arg[1], k = c->arg[2];
	uint64_t want = sat_mul(sat_mul(a, b), k);
	if (kas_cx_kver(cx) < KAS_KVER(5, 18) && (u128)a * b > SMAX && kas_done(c) &&
	    c->ret == SIZE_MAX)
		return KAS_V_PASS;
	return expect(cx, c, want);
}

/* OVERFLOW-3: size_mul and size_add saturate. */
KAS_RULE_NEEDS(kas_chk_overflow_3, 0);
enum kas_verdict kas_chk_overflow_3(struct kas_check *cx, const struct kas_call *c)
{
	uint64_t a = c->arg[0], b = c->arg[1];
	return expect(cx, c, c->op->code == KAS_OP_SIZE_MUL ? sat_mul(a, b) : sat_add(a, b));
}

/* OVERFLOW-4: size_sub with SIZE_MAX absorbing and underflow to SIZE_MAX. */
KAS_RULE_NEEDS(kas_chk_overflow_4, 0);
enum kas_verdict kas_chk_overflow_4(struct kas_check *cx, const struct kas_call *c)
{
	uint64_t a = c->arg[0], b = c->arg[1];
	uint64_t want = (a == SIZE_MAX || b == SIZE_MAX || a < b) ? SIZE_MAX : a - b;
	return expect(cx, c, want);
}

/* OVERFLOW-5: struct_size(header, elem, count) = header + count * elem, saturating. */
KAS_RULE_NEEDS(kas_chk_overflow_5, 0);
enum kas_verdict kas_chk_overflow_5(struct kas_check *cx, const struct kas_call *c)
{
	uint64_t header = c->arg[0], elem = c->arg[1], count = c->arg[2];
	return expect(cx, c, sat_add(header, sat_mul(count, elem)));
}

/* OVERFLOW-7: a saturated size never allocates. */
KAS_RULE_NEEDS(kas_chk_overflow_7, KAS_F(REQ_HUGE));
enum kas_verdict kas_chk_overflow_7(struct kas_check *cx, const struct kas_call *c)
{
	if (!kas_done(c) || c->arg[0] != SIZE_MAX)
		return KAS_V_NA;
	if (c->ret != 0)
		return kas_fail(cx, "%s(SIZE_MAX) returned %#" PRIxPTR ", expected NULL",
				kas_opname(c), c->ret);
	return KAS_V_PASS;
}
