/* SPDX-License-Identifier: MIT */
/*
 * The call record: what the harness did for one trace op and what it saw.
 * Produced by the harness, judged by the spec's rules, never touched by a
 * port.  All observations are facts ("the first non-zero byte in [from,to)
 * is at offset k"); whether a fact breaks a rule is the spec's business.
 */
#ifndef KALLOCSPEC_CALL_H
#define KALLOCSPEC_CALL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "gfp.h"
#include "trace.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

enum kas_call_status {
	KAS_CALL_DONE = 0,      /* the port was called */
	KAS_CALL_UNSUPPORTED,   /* the port lacks the function */
	KAS_CALL_SKIPPED,       /* not executed, see skip */
};

enum kas_skip_reason {
	KAS_SKIP_NONE = 0,
	KAS_SKIP_DEAD_HANDLE,   /* an argument's object was already freed */
	KAS_SKIP_NOT_IN_PROFILE,/* the function does not exist in this kernel version */
	KAS_SKIP_UNDEFINED,     /* the spec classifies the call as undefined behaviour */
	KAS_SKIP_BAD_ARG,       /* e.g. ctor on a cache smaller than 8 bytes, unbound handle */
};

#define KAS_NOT_FOUND SIZE_MAX

/* A byte-range examination: was [from, to) as expected?  first_bad is the
 * offset of the first wrong byte or KAS_NOT_FOUND. */
struct kas_range_obs {
	uint8_t checked;
	size_t from, to;
	size_t first_bad;
};

struct kas_obs {
	struct kas_range_obs zero;     /* new object: zero bytes where __GFP_ZERO applies */
	struct kas_range_obs prefix;   /* realloc result: old object's pattern preserved */
	struct kas_range_obs pattern;  /* object about to be freed/reallocated: pattern intact */
	struct kas_range_obs kept;     /* realloc input after a NULL result: pattern still intact */
	struct kas_range_obs ctor;     /* cache object: constructor pattern present */
	uint32_t ctor_calls;           /* constructor invocations during the call */
	uint32_t ctor_on_result;       /* ... of which on the returned object */
	uint8_t vmaddr_known, is_vmalloc;   /* port's is_vmalloc_addr(result) */
	uint8_t phys_known, phys_contig;    /* result's frames physically contiguous */
	uint64_t phys;                 /* physical address of the result */
	uint32_t warns;                /* warn hook calls during the call */
	uint32_t warn_kinds;           /* bit per enum kas_warn_kind */
};

struct kas_call {
	const struct kas_trace *trace;
	const struct kas_op *op;
	size_t index;                  /* op index in the trace */
	uint8_t status;                /* enum kas_call_status */
	uint8_t skip;                  /* enum kas_skip_reason */
	uint64_t arg[KAS_MAX_ARGS];    /* resolved arguments: numbers, flags, pointers */
	kas_gfp_t gfp;                 /* the gfp argument as given (0 if none) */
	/* Bytes the caller asked for: the size of the object a successful call
	 * creates (n * size wrapped for array calls, the cache's object size,
	 * PAGE_SIZE << order).  The spec's commit uses this, never its own sum. */
	size_t req_size;
	uintptr_t ret;                 /* returned pointer or value */
	/* Input object (first AK_PTR argument bound to a handle), as the model
	 * had it before the call; in_obj == KAS_NO_OBJ if none. */
	uint32_t in_obj;
	struct kas_obj in;
	/* Cache argument (AK_CACHE bound to a handle); KAS_NO_OBJ if none. */
	uint32_t in_cache;
	/* AK_LIST arguments resolved to object indices (harness-owned). */
	const uint32_t *list_objs;
	uint32_t nlist;
	/* Bulk allocation results (harness-owned), count = ret when > 0. */
	void **bulk;
	size_t bulk_cap;
	/* Filled by kas_spec_commit: objects created by the call. */
	uint32_t out_obj;              /* KAS_NO_OBJ if none */
	uint32_t out_bulk;             /* bulk index for R_BULK, else KAS_NO_OBJ */
	struct kas_obs obs;
};

#ifdef __cplusplus
}
#endif
#endif
