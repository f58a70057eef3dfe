/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared state of the kas_oracle module: trace slots (handles), objects,
 * caches and bulk groups of the trace being replayed.
 */
#ifndef KAS_ORACLE_H
#define KAS_ORACLE_H

#include <linux/types.h>

#define KAS_NONE ((u32)-1)
#define KAS_CTOR_BYTES 8
#define KAS_CTOR_BYTE 0xC7
#define KAS_CTOR_LOG 1024

enum { KAS_FAM_KMALLOC = 1, KAS_FAM_VMALLOC, KAS_FAM_KVMALLOC, KAS_FAM_CACHE, KAS_FAM_PAGES };
enum { KAS_SL_NONE = 0, KAS_SL_OBJ, KAS_SL_CACHE, KAS_SL_BULK, KAS_SL_ZSP };

struct kas_slot {
	u8 kind;
	u32 idx;          /* object, cache or bulk index */
};

struct kas_obj {
	void *p;
	size_t size;
	u64 id;           /* pattern seed (per trace, counts from 1 like the harness) */
	u32 cache;
	u8 fam, live, order;
};

struct kas_cache {
	struct kmem_cache *c;
	unsigned int size;
	size_t footprint;     /* bytes one object really takes, for the budget */
	u8 ctor, live;
};

struct kas_bulk {
	u32 *objs;
	u32 n;
};

struct kas_state {
	struct kas_slot *slots;
	u32 nslots_cap;
	struct kas_obj *objs;
	u32 nobjs, nobjs_cap;
	struct kas_cache *caches;
	u32 ncaches, ncaches_cap;
	struct kas_bulk *bulks;
	u32 nbulks, nbulks_cap;
	u64 next_id;
	size_t live_bytes;
	unsigned int trace_no;
	u32 ctor_calls;
	u32 ctor_log_n;
	void *ctor_log[KAS_CTOR_LOG];
};

struct kas_state *kas_st(void);
void kas_out(const char *fmt, ...) __printf(1, 2);
struct kas_slot *kas_slot(u32 i);
u32 kas_new_obj(void *p, size_t size, u8 fam, u32 cache, u8 order);
struct kas_obj *kas_obj(u32 i);
void kas_kill_obj(struct kas_obj *o);
u32 kas_new_cache(struct kmem_cache *c, unsigned int size, bool ctor);
struct kas_cache *kas_cache(u32 i);
u32 kas_new_bulk(u32 *objs, u32 n);
struct kas_bulk *kas_bulk(u32 i);
void kas_ctor(void *obj);
void kas_run_op(char *line);

#endif
