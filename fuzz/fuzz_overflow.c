/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target `overflow`: the port's size helpers (size_mul, size_add,
 * size_sub, array_size, array3_size, struct_size) against exact arithmetic
 * in unsigned __int128.  The oracle is include/linux/overflow.h as the rule
 * catalog states it (OVERFLOW-1..5):
 *   - exact result when it fits in size_t, SIZE_MAX otherwise;
 *   - size_sub: SIZE_MAX also when either argument is SIZE_MAX;
 *   - since 5.18 array3_size is size_mul(size_mul(a, b), c), so a
 *     saturated a*b times c == 0 is 0; before, any overflow gave SIZE_MAX
 *     (with c == 0 the spec also accepts 0, see OVERFLOW-2's notes);
 *   - struct_size(header, elem, n) = size_add(header, size_mul(elem, n)).
 * Helpers the port leaves NULL, or that the profile's kernel lacks, are
 * skipped.  The profile comes from the first input byte so one campaign
 * covers every kernel version.
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>

#include <kallocspec/port.h>
#include <kallocspec/profile.h>

typedef unsigned __int128 u128;

#define SIZE_MUL_SINCE KAS_KVER(5, 18)

/* Interesting operands: the edges where wrap-around hides. */
static size_t pick_operand(struct kas_fuzz_bytes *b)
{
	static const size_t edges[] = {
		0, 1, 2, 3, 8, 4096, SIZE_MAX, SIZE_MAX - 1, SIZE_MAX / 2, SIZE_MAX / 2 + 1,
		(size_t)1 << 32, ((size_t)1 << 32) - 1, ((size_t)1 << 32) + 1, (size_t)INT32_MAX,
		(size_t)1 << 63, (size_t)4 << 20, ((size_t)4 << 20) + 1,
	};
	unsigned kind = (unsigned)kas_fuzz_take(b, 1);
	size_t nedges = sizeof(edges) / sizeof(edges[0]);

	if (kind < 96)
		return edges[kind % nedges];
	if (kind < 160)
		return (size_t)kas_fuzz_take(b, 2);          /* small */
	if (kind < 192)
		return SIZE_MAX - (size_t)kas_fuzz_take(b, 2); /* just below the top */
	return (size_t)kas_fuzz_take(b, 8);               /* anything */
}

static size_t sat(u128 v)
{
	return v > SIZE_MAX ? SIZE_MAX : (size_t)v;
}

static const struct kas_profile *profile;

static void check(const char *rule, const char *expr, size_t got, size_t want)
{
	if (got == want || kas_fuzz_ignored(rule))
		return;
	kas_fuzz_report(profile, rule, "%s = %zu (0x%zx), expected %zu (0x%zx)", expr, got, got, want,
			want);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kas_fuzz_count_exec();
	const struct kas_port *port = kas_fuzz_port();
	struct kas_fuzz_bytes b = { data, size };
	size_t a, x, c;
	char expr[160];
	bool new_helpers;

	if (size == 0)
		return 0;
	profile = kas_profile_at(data[0] % kas_profile_count());
	b.data++;
	b.len--;
	a = pick_operand(&b);
	x = pick_operand(&b);
	c = pick_operand(&b);
	new_helpers = profile->kver >= SIZE_MUL_SINCE;

	if (new_helpers && port->size_mul) {
		snprintf(expr, sizeof(expr), "size_mul(%zu, %zu)", a, x);
		check("OVERFLOW-3", expr, port->size_mul(a, x), sat((u128)a * x));
	}
	if (new_helpers && port->size_add) {
		snprintf(expr, sizeof(expr), "size_add(%zu, %zu)", a, x);
		check("OVERFLOW-3", expr, port->size_add(a, x), sat((u128)a + x));
	}
	if (new_helpers && port->size_sub) {
		size_t want = (a == SIZE_MAX || x == SIZE_MAX || a < x) ? SIZE_MAX : a - x;

		snprintf(expr, sizeof(expr), "size_sub(%zu, %zu)", a, x);
		check("OVERFLOW-4", expr, port->size_sub(a, x), want);
	}
	if (port->array_size) {
		snprintf(expr, sizeof(expr), "array_size(%zu, %zu)", a, x);
		check("OVERFLOW-1", expr, port->array_size(a, x), sat((u128)a * x));
	}
	if (port->array3_size) {
		u128 ab = (u128)a * x;
		size_t want;

		if (new_helpers)
			want = sat((u128)sat(ab) * c);
		else
			want = ab > SIZE_MAX ? SIZE_MAX : sat(ab * c);
		snprintf(expr, sizeof(expr), "array3_size(%zu, %zu, %zu)", a, x, c);
		size_t got = port->array3_size(a, x, c);
		/* Before 5.18 with a*b overflowing and c == 0 the old code says
		 * SIZE_MAX and the kernel-doc's product says 0: the spec accepts
		 * both (OVERFLOW-2's notes), and so does this oracle. */
		if (!new_helpers && ab > SIZE_MAX && c == 0 && got == 0)
			want = 0;
		check("OVERFLOW-2", expr, got, want);
	}
	if (port->struct_size) {
		/* header and element sizes are sizeof() values: keep them
		 * realistic (< 64 KiB), the count is the attacker's. */
		size_t header = a & 0xffff, elem = x & 0xffff;
		size_t want = sat((u128)header + sat((u128)elem * c));

		snprintf(expr, sizeof(expr), "struct_size(header %zu, elem %zu, count %zu)", header, elem, c);
		check("OVERFLOW-5", expr, port->struct_size(header, elem, c), want);
	}
	return 0;
}
