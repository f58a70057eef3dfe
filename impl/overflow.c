/* SPDX-License-Identifier: MIT */
/* include/linux/overflow.h helpers: saturate at SIZE_MAX. */
#include "ref.h"
#include "ref_mutant.h"

size_t ref_size_mul(size_t a, size_t b)
{
	size_t r;
	if (REF_MUTANT(OVERFLOW_MUL_WRAPS)) { /* mutant: the product wraps instead of saturating */
		return a * b;
	}
	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

size_t ref_size_add(size_t a, size_t b)
{
	size_t r;
	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

/* SIZE_MAX in either argument stays SIZE_MAX so the helpers compose */
size_t ref_size_sub(size_t a, size_t b)
{
	size_t r;
	/* mutant OVERFLOW_SUB_NOT_STICKY: only a < b saturates */
	bool sticky = !REF_MUTANT(OVERFLOW_SUB_NOT_STICKY);
	if ((sticky && (a == SIZE_MAX || b == SIZE_MAX)) || __builtin_sub_overflow(a, b, &r))
		return SIZE_MAX;
	return r;
}

size_t ref_array3_size(size_t a, size_t b, size_t c)
{
	return ref_size_mul(ref_size_mul(a, b), c);
}

size_t ref_struct_size(size_t header, size_t elem, size_t count)
{
	if (REF_MUTANT(STRUCT_SIZE_ADD_WRAPS)) { /* mutant: the header is added with a plain +, so a saturated product wraps */
		return header + ref_size_mul(count, elem);
	}
	return ref_size_add(header, ref_size_mul(count, elem));
}
