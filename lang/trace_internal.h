/* SPDX-License-Identifier: MIT */
/*
 * Private helpers shared by the trace sources (trace.c, trace_parse.c,
 * trace_print.c, trace_codec.c).  Not part of the public API.
 *
 * Storage conventions of struct kas_trace that these helpers maintain:
 *  - every array grows geometrically and new capacity is zero-filled;
 *  - kas_trace_clear() only resets the counts: the name / string buffers of
 *    slots[nslots..slots_cap) and strings[nstrings..strings_cap) stay
 *    allocated as spares and are reused by the next push, so a decoder that
 *    clears and refills the same trace stops calling malloc once warm;
 *  - kas_trace_free() releases the spares too.
 *
 * Argument encoding in struct kas_op (shared by parser, printer, codec):
 *  - op->nargs is always kas_op_table[code].nargs (no argument is optional);
 *  - AK_SIZE / AK_GFP / AK_SLAB / AK_ORDER: ref = KAS_REF_VALUE, v = value;
 *  - AK_NAME: ref = KAS_REF_VALUE, v = index into t->strings;
 *  - AK_PTR / AK_CACHE: ref = KAS_REF_HANDLE with v = slot index, or
 *    KAS_REF_NULL with v = 0, or (AK_PTR only) KAS_REF_ZSP with
 *    v = KAS_ZERO_SIZE_PTR;
 *  - AK_LIST: ref = KAS_REF_VALUE, v = list_len; the entries live in
 *    t->list[list_off .. list_off + list_len).
 *  - ops with an R_PTR / R_CACHE / R_BULK result always bind a slot (named
 *    or anonymous); other ops have slot = -1.
 */
#ifndef KALLOCSPEC_TRACE_INTERNAL_H
#define KALLOCSPEC_TRACE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kallocspec/trace.h"

/* Grow *arr (element size elem) so that it holds at least need elements;
 * new elements are zeroed.  Returns 0 or -1 on OOM. */
int kas__grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Replace *dst by a copy of s[0..len) (reusing *dst when it is big enough). */
int kas__set_str(char **dst, const char *s, size_t len);

/* Appends an op (zeroed, slot = -1); NULL on OOM. */
struct kas_op *kas__push_op(struct kas_trace *t, enum kas_opcode code);
/* Appends a slot; name NULL = anonymous.  Returns the slot index or -1. */
int32_t kas__push_slot(struct kas_trace *t, uint8_t kind, uint32_t def_op,
		       const char *name, size_t len);
/* Appends a list entry; returns 0 or -1. */
int kas__push_list(struct kas_trace *t, uint8_t ref, uint32_t slot);
/* Appends an AK_NAME string; returns its index or -1. */
int64_t kas__push_string(struct kas_trace *t, const char *s, size_t len);
int kas__push_meta(struct kas_trace *t, const char *key, size_t klen,
		   const char *value, size_t vlen);

/* The profile a trace's names resolve in (never NULL). */
const struct kas_profile *kas__trace_profile(const struct kas_trace *t);

/* The slot kind an op's result binds, or 0 for ops that bind nothing. */
uint8_t kas__result_slot_kind(enum kas_opcode code);

/* A C-like identifier usable as a handle name (and not a reserved word). */
bool kas__valid_handle_name(const char *s, size_t len);

/* Small string -> int32 hash map (names are borrowed, not copied). */
struct kas__name_entry {
	const char *name;
	size_t len;
	int32_t value;
};
struct kas__name_map {
	struct kas__name_entry *tab;
	size_t cap, count;
};
void kas__name_map_init(struct kas__name_map *m);
void kas__name_map_free(struct kas__name_map *m);
/* Insert or overwrite; returns 0 or -1 on OOM. */
int kas__name_map_put(struct kas__name_map *m, const char *name, size_t len, int32_t value);
/* Value for name, or -1. */
int32_t kas__name_map_get(const struct kas__name_map *m, const char *name, size_t len);

/* Growable output buffer (printer, encoder). */
struct kas__buf {
	char *p;
	size_t len, cap;
	bool oom;
};
void kas__buf_put(struct kas__buf *b, const void *s, size_t n);
void kas__buf_puts(struct kas__buf *b, const char *s);
void kas__buf_printf(struct kas__buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
