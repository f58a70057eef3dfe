/* SPDX-License-Identifier: MIT */
/*
 * Traces: the unit of testing.  A text form (.ktrace) for people and a
 * compact binary form for fuzzers; both decode to the same struct kas_trace.
 *
 * Text form, one op per line, '#' starts a comment:
 *
 *     # kallocspec trace v1
 *     profile linux-6.12
 *     a = kmalloc 64 GFP_KERNEL|__GFP_ZERO
 *     b = krealloc a 200 GFP_KERNEL
 *     c = kmem_cache_create foo 48 8 SLAB_HWCACHE_ALIGN ctor
 *     kfree b
 *
 * Handles are SSA-like slots: every binding creates a new slot; a name
 * refers to the most recent slot bound to it.  Whether the object behind a
 * handle is still live is a run-time question (a krealloc may or may not
 * move); the harness skips ops on dead handles.
 *
 * Header comments of the form `# key: value` before the first op are kept
 * as metadata (e.g. `# exercises: ALIGN-2 ALIGN-1`, `# port: libc-naive`).
 */
#ifndef KALLOCSPEC_TRACE_H
#define KALLOCSPEC_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "gfp.h"
#include "profile.h"

#ifdef __cplusplus
extern "C" {
#endif

enum kas_opcode {
#define OP(E, NAME, RES, SINCE, UNTIL, CAP, NARGS, A1, A2, A3, A4, A5, A6) KAS_OP_##E,
#include "ops.def"
#undef OP
	KAS_OP__COUNT
};

/* R_FLAGS (appended): binds a saved-flags handle (memalloc_*_save). */
enum kas_result_kind { R_NONE, R_PTR, R_CACHE, R_BULK, R_VALUE, R_FLAGS };
/* Appended for the world: AK_KIND a ballast kind word (enum kas_ballast_kind,
 * world.h), AK_FLAGS a saved-flags handle (KAS_SLOT_FLAGS). */
enum kas_arg_type { AK__, AK_SIZE, AK_GFP, AK_PTR, AK_CACHE, AK_NAME, AK_SLAB, AK_ORDER, AK_LIST,
		    AK_KIND, AK_FLAGS };

#define KAS_MAX_ARGS 6

struct kas_op_info {
	const char *name;
	uint8_t result;            /* enum kas_result_kind */
	uint8_t nargs;
	uint8_t args[KAS_MAX_ARGS];/* enum kas_arg_type */
	uint32_t since, until;     /* kver range the function exists in (0 = open) */
	uint32_t cap;              /* KAS_CAP_* needed */
};
extern const struct kas_op_info kas_op_table[KAS_OP__COUNT];
/* Opcode for a kernel function name, or -1. */
int kas_op_lookup(const char *name, size_t len);
bool kas_op_in_kver(enum kas_opcode op, uint32_t kver);
/* Is the op a free function (kfree, vfree, kmem_cache_free,
 * free_pages, the RCU and bulk frees, ...)?  A second one is a double free. */
bool kas_op_is_free(enum kas_opcode op);

/* How one argument was written. */
enum kas_ref {
	KAS_REF_VALUE = 0,  /* v is the number / flags / string index */
	KAS_REF_HANDLE,     /* v is a slot index */
	KAS_REF_NULL,       /* the literal NULL */
	KAS_REF_ZSP,        /* the literal ZERO_SIZE_PTR */
};

#define KAS_OPF_CTOR 0x01u   /* cache ops: `ctor` keyword given */

struct kas_op {
	uint16_t code;             /* enum kas_opcode */
	uint8_t flags;             /* KAS_OPF_* */
	uint8_t nargs;             /* fixed arguments present */
	int32_t slot;              /* slot bound by this op, -1 if none */
	uint32_t line;             /* 1-based source line, 0 if generated */
	uint32_t list_off;         /* AK_LIST entries: t->list[list_off .. +list_len] */
	uint32_t list_len;
	uint8_t ref[KAS_MAX_ARGS]; /* enum kas_ref per fixed argument */
	uint64_t v[KAS_MAX_ARGS];
};

/* One AK_LIST entry: always a handle, a NULL or a ZERO_SIZE_PTR. */
struct kas_list_ref {
	uint8_t ref;               /* enum kas_ref */
	uint32_t slot;
};

/* KAS_SLOT_FLAGS (appended): the value a memalloc_*_save returned. */
enum kas_slot_kind { KAS_SLOT_OBJ = 1, KAS_SLOT_CACHE, KAS_SLOT_BULK, KAS_SLOT_FLAGS };

struct kas_slot {
	char *name;                /* NULL for an anonymous binding */
	uint8_t kind;              /* enum kas_slot_kind */
	uint32_t def_op;           /* op index that binds it */
};

struct kas_meta {
	char *key;
	char *value;
};

struct kas_trace {
	char *source;              /* file name for messages ("<stdin>", "<decoded>") */
	char *profile_name;        /* as written in the `profile` line, or NULL */
	const struct kas_profile *profile; /* profile the GFP names were resolved in */
	struct kas_op *ops;
	size_t nops, ops_cap;
	struct kas_slot *slots;
	size_t nslots, slots_cap;
	struct kas_list_ref *list;
	size_t nlist, list_cap;
	char **strings;            /* AK_NAME values */
	size_t nstrings, strings_cap;
	struct kas_meta *meta;
	size_t nmeta, meta_cap;
};

void kas_trace_init(struct kas_trace *t);
void kas_trace_free(struct kas_trace *t);
/* Deep copy of the first nops ops (all of them if nops >= t->nops). */
int kas_trace_copy(struct kas_trace *dst, const struct kas_trace *src, size_t nops);
/* Structural equality (ops, slots, names, strings, lists, profile, metadata). */
bool kas_trace_equal(const struct kas_trace *a, const struct kas_trace *b);
/* Metadata value for key, or NULL. */
const char *kas_trace_meta(const struct kas_trace *t, const char *key);

/* ---- text form ---- */
struct kas_parse_error {
	char file[256];
	unsigned line, col;        /* 1-based */
	char msg[256];             /* "expected ..." */
};
/* Formats "file:line:col: msg". */
void kas_parse_error_format(const struct kas_parse_error *e, char *buf, size_t len);

/*
 * Parse text.  GFP names resolve in: `force` if non-NULL, else the trace's
 * `profile` line, else `dflt` (if NULL, kas_profile_default()).  The
 * `profile` line must precede the first op.  Returns 0, or -1 with *err set
 * (unknown op, unknown flag name, unknown handle, missing/extra argument,
 * integer overflow, unknown profile, ...).
 */
int kas_trace_parse(struct kas_trace *t, const char *text, size_t len, const char *source,
		    const struct kas_profile *force, const struct kas_profile *dflt,
		    struct kas_parse_error *err);
/* Reads the file (or stdin for "-") and parses it. */
int kas_trace_parse_file(struct kas_trace *t, const char *path,
			 const struct kas_profile *force, const struct kas_profile *dflt,
			 struct kas_parse_error *err);

/* Print the first nops ops (all if nops >= t->nops) with header and metadata. */
void kas_trace_print(const struct kas_trace *t, FILE *out, size_t nops);
/* Print into a malloc'ed string (caller frees). */
char *kas_trace_to_string(const struct kas_trace *t, size_t nops);
/* Print one op (no newline) into buf; returns snprintf-style length. */
size_t kas_op_format(const struct kas_trace *t, size_t op_index, char *buf, size_t len);

/* ---- binary form (fuzzers) ---- */
/*
 * Every byte string decodes to a valid trace: handle references wrap over
 * the handles that are statically live at that point, sizes come from
 * interesting classes, and an op whose arguments cannot be formed (a free
 * with nothing live) is dropped.  At most max_ops ops are decoded (0 = no
 * limit).  The trace's profile is `profile`.  Never fails except on OOM
 * (-1).
 */
int kas_trace_decode(struct kas_trace *t, const uint8_t *data, size_t len,
		     const struct kas_profile *profile, size_t max_ops);
/*
 * Encode a trace so that decoding gives an equal trace up to handle names
 * (decoded handles are named h0, h1, ...).  Fails (-1, message in err) when
 * the trace refers to a handle that is not statically live.
 */
int kas_trace_encode(const struct kas_trace *t, uint8_t **out, size_t *outlen,
		     char *err, size_t errlen);

/* ---- additions (trace library) ---- */
/*
 * Forget the contents (ops, slots, lists, strings, metadata, profile) but
 * keep the allocated capacity, so a trace reused for millions of decodes
 * stops calling malloc once warm.  kas_trace_parse, kas_trace_decode and
 * kas_trace_copy clear their destination first; it must have been
 * initialised with kas_trace_init (or be a previously used trace).
 */
void kas_trace_clear(struct kas_trace *t);

/* kas_trace_equal with parts left out of the comparison. */
#define KAS_EQ_IGNORE_NAMES 0x1u  /* slot names and AK_NAME strings (cache names) */
#define KAS_EQ_IGNORE_META  0x2u  /* `# key: value` metadata */
bool kas_trace_equal_ex(const struct kas_trace *a, const struct kas_trace *b, unsigned ignore);

/*
 * Parse a GFP expression as written in traces (no spaces): flag names
 * resolved for kver with kas_gfp_lookup, decimal / 0x integers, `|`, `&~`
 * and parentheses, left to right.  Returns 0, or -1 with the byte offset of
 * the offending character in *err_off and a message in err.
 */
int kas_gfp_parse(const char *s, size_t len, uint32_t kver, kas_gfp_t *out,
		  size_t *err_off, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
