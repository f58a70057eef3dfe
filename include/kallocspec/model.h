/* SPDX-License-Identifier: MIT */
/*
 * The abstract model: what the spec knows about a trace in progress,
 * independent of any port.  Every allocation the trace made (live or not),
 * every cache, every bulk group, and what each handle slot is bound to.
 * The spec updates it (kas_spec_commit); the harness reads it to resolve
 * handles and to know the size and content pattern of each object.
 *
 * Its size follows what is live, not what the trace ever made: the index
 * of a dead object is reused by a later object, from the next
 * kas_model_recycle() on (never within the call that killed it).  What
 * keeps an object across calls keeps its id too (unique within the
 * trace) and asks kas_model_obj_ref, which answers NULL once the index
 * belongs to another object.
 */
#ifndef KALLOCSPEC_MODEL_H
#define KALLOCSPEC_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "gfp.h"

#ifdef __cplusplus
extern "C" {
#endif

enum kas_family {
	KAS_FAM_NONE = 0,
	KAS_FAM_KMALLOC,   /* kmalloc family (incl. krealloc results) */
	KAS_FAM_CACHE,     /* kmem_cache_alloc */
	KAS_FAM_VMALLOC,   /* vmalloc family (incl. vrealloc) */
	KAS_FAM_KVMALLOC,  /* kvmalloc family (may be either underneath) */
	KAS_FAM_PAGES,     /* alloc_pages / __get_free_pages */
};

#define KAS_NO_OBJ UINT32_MAX

/* An object larger than this cannot be real on the machines we model: the
 * model records a port's claim of one with size 0, and the harness never
 * examines its bytes. */
#define KAS_SANE_OBJECT_SIZE ((size_t)1 << 40)

struct kas_obj {
	uint64_t id;        /* unique within the trace; seeds the content pattern */
	uintptr_t addr;
	size_t size;        /* bytes the caller may use (pages: PAGE_SIZE << order) */
	kas_gfp_t gfp;      /* gfp of the creating call */
	uint32_t def_op;    /* op index that created it */
	uint32_t cache;     /* cache index for KAS_FAM_CACHE, else KAS_NO_OBJ */
	uint8_t family;     /* enum kas_family */
	uint8_t op;         /* creating opcode (low 8 bits) */
	uint8_t order;      /* page order for KAS_FAM_PAGES */
	uint8_t live;
	uint8_t zero_all;   /* created zeroed and every krealloc since used __GFP_ZERO */
	uint8_t in_vmalloc; /* port said is_vmalloc_addr (when observable), 2 = unknown */
};

struct kas_cache {
	void *handle;       /* the port's cache pointer */
	uint32_t size, align, flags;
	uint32_t useroffset, usersize;
	uint32_t live_objs;
	uint32_t def_op;
	uint8_t live;       /* not destroyed */
	uint8_t ctor;       /* created with the harness constructor */
};

/* What a handle slot holds at run time. */
struct kas_binding {
	uintptr_t value;    /* the pointer (or 0/16 for NULL/ZERO_SIZE_PTR results) */
	uint32_t obj;       /* object (KAS_SLOT_OBJ), cache (KAS_SLOT_CACHE) or bulk index */
	uint8_t bound;      /* the binding op ran */
	uint64_t obj_id;    /* KAS_SLOT_OBJ: the object's id (its index may be reused) */
};

struct kas_bulk {
	uint32_t first;     /* into model->bulk_objs */
	uint32_t count;
};

struct kas_model;

struct kas_model *kas_model_new(void);
void kas_model_free(struct kas_model *m);
/* Forget everything (start of a trace); keeps allocated capacity. */
void kas_model_reset(struct kas_model *m, size_t nslots);

size_t kas_model_nobjs(const struct kas_model *m);
struct kas_obj *kas_model_obj(struct kas_model *m, uint32_t index);
struct kas_cache *kas_model_cache(struct kas_model *m, uint32_t index);
const struct kas_bulk *kas_model_bulk(const struct kas_model *m, uint32_t index);
/* Object index of the i-th member of a bulk group (KAS_NO_OBJ past its end,
 * or when the member's index now holds another object). */
uint32_t kas_model_bulk_obj(const struct kas_model *m, const struct kas_bulk *b, uint32_t i);
struct kas_binding *kas_model_binding(struct kas_model *m, uint32_t slot);

/* Add a live object and index its address range; returns its index.  The
 * model gives it the next id (o->id is ignored). */
uint32_t kas_model_add_obj(struct kas_model *m, const struct kas_obj *o);
/* The id the next kas_model_add_obj gives. */
uint64_t kas_model_next_id(const struct kas_model *m);
/* Mark dead and unindex; the index is reused after the next recycle. */
void kas_model_kill_obj(struct kas_model *m, uint32_t index);
/* Let the indices of objects killed so far be reused (a call boundary). */
void kas_model_recycle(struct kas_model *m);
/* The object at index if it is still the one with this id, else NULL. */
struct kas_obj *kas_model_obj_ref(struct kas_model *m, uint32_t index, uint64_t id);
/* Bytes of live objects of SLAB_ACCOUNT caches, __GFP_NOFAIL ones left out
 * (ACCOUNT-2), kept as objects come and go. */
size_t kas_model_accounted_bytes(const struct kas_model *m);
uint32_t kas_model_add_cache(struct kas_model *m, const struct kas_cache *c);
uint32_t kas_model_add_bulk(struct kas_model *m, const uint32_t *objs, uint32_t count);

/* A live object whose [addr, addr+size) intersects [addr, addr+len), other
 * than `except`; KAS_NO_OBJ if none.  O(log n). Zero-sized ranges never
 * intersect. */
uint32_t kas_model_find_overlap(const struct kas_model *m, uintptr_t addr, size_t len,
				uint32_t except);
/* The live object starting exactly at addr, or KAS_NO_OBJ. */
uint32_t kas_model_find_addr(const struct kas_model *m, uintptr_t addr);
size_t kas_model_live_count(const struct kas_model *m);

#ifdef __cplusplus
}
#endif
#endif
