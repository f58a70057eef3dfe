/* SPDX-License-Identifier: MIT */
/*
 * Value tables of the binary trace form, shared by the decoder and the
 * encoder (trace_codec.c).  See the format description there.
 */
#ifndef KALLOCSPEC_TRACE_CODEC_TABLES_H
#define KALLOCSPEC_TRACE_CODEC_TABLES_H

#include "trace_internal.h"
#include "kallocspec/world.h"

/* Opcode byte: code = b % KAS__OPCODE_MOD.  code < KAS__NCORE_OPS is that
 * op; code == KAS__OP_WORLD_ESC reads one more byte w and means op
 * KAS__NCORE_OPS + w % KAS__NWORLD_OPS (the world's ops, appended to ops.def
 * after the original 42, so byte strings written before keep decoding the
 * same unless they used code 62); any other code is FREE_AUTO. */
#define KAS__OPCODE_MOD 64
#define KAS__NCORE_OPS ((unsigned)KAS_OP_BALLAST)
#define KAS__NWORLD_OPS ((unsigned)KAS_OP__COUNT - KAS__NCORE_OPS)
#define KAS__OP_WORLD_ESC 62u
_Static_assert(KAS_OP_BALLAST == 42, "the core ops keep their byte codes");
_Static_assert(KAS__OP_WORLD_ESC >= KAS__NCORE_OPS, "escape must not shadow a core op");

/* The size arguments that are counts of work, and the most the binary
 * form holds (0: not a count): bulk objects, and rounds of other tasks
 * (enough for a race in a per-cpu cache to show, a few milliseconds). */
#define KAS__COUNT_MAX 256u    /* longest list, largest bulk count */
#define KAS__ROUNDS_MAX 256u
static inline uint64_t kas__codec_count_max(unsigned code, unsigned arg)
{
	if (code == KAS_OP_KMEM_CACHE_ALLOC_BULK && arg == 2)
		return KAS__COUNT_MAX;
	if (code == KAS_OP_CONCURRENT_KMALLOC && arg == 1)
		return KAS__ROUNDS_MAX;
	return 0;
}

/* Size byte classes. */
#define KAS__SIZE_SMALL_END 0x40     /* 0x00..0x3f: the value itself */
#define KAS__SIZE_LIT4 0xFD
#define KAS__SIZE_LIT2 0xFE
#define KAS__SIZE_LIT8 0xFF
/* Sizes worth hitting that are not a power of two or next to one. */
static const uint64_t kas__size_fixed[] = {
	24, 40, 48, 56, 72, 80, 96, 100, 112, 120, 144, 160, 192, 200, 250, 384, 500, 768,
	1000, 1500, 3000, 5000, 10000, 100000, 1000000, 10000000,
	0x7fffffffull,                        /* INT_MAX (INT_MAX + 1 is 2^31) */
	UINT64_MAX, UINT64_MAX - 1,           /* SIZE_MAX */
	UINT64_MAX / 2, UINT64_MAX / 3, UINT64_MAX / 4 + 1, UINT64_MAX / 8 + 1,
	UINT64_MAX / 16 + 1, UINT64_MAX / 24 + 1, UINT64_MAX / 100 + 1,
};
#define KAS__SIZE_NFIXED (sizeof(kas__size_fixed) / sizeof(kas__size_fixed[0]))
static const uint8_t kas__size_pages[] = { 3, 5, 6, 7, 9, 10, 12, 15, 17, 31, 33, 100 };
#define KAS__SIZE_NPAGES (sizeof(kas__size_pages) / sizeof(kas__size_pages[0]))
/* 0x40..0xfc index the classes (modulo their count). */
#define KAS__SIZE_NCLASS (58 + 2 * 27 + KAS__SIZE_NPAGES + 7 + KAS__SIZE_NFIXED)

/* Class idx: 2^k (k = 6..63), 2^k - 1 and 2^k + 1 (k = 6..32), page
 * multiples, KMALLOC_MAX_CACHE_SIZE and KMALLOC_MAX_SIZE with +-1,
 * SIZE_MAX / PAGE_SIZE + 1, then the fixed list. */
static inline uint64_t kas__size_class(unsigned idx, const struct kas_profile *pr)
{
	idx %= KAS__SIZE_NCLASS;
	if (idx < 58)
		return 1ull << (6 + idx);
	idx -= 58;
	if (idx < 27)
		return (1ull << (6 + idx)) - 1;
	idx -= 27;
	if (idx < 27)
		return (1ull << (6 + idx)) + 1;
	idx -= 27;
	if (idx < KAS__SIZE_NPAGES)
		return kas__size_pages[idx] * pr->page_size;
	idx -= KAS__SIZE_NPAGES;
	switch (idx) {
	case 0: return pr->kmalloc_max_cache_size;
	case 1: return pr->kmalloc_max_cache_size - 1;
	case 2: return pr->kmalloc_max_cache_size + 1;
	case 3: return pr->kmalloc_max_size;
	case 4: return pr->kmalloc_max_size - 1;
	case 5: return pr->kmalloc_max_size + 1;
	case 6: return UINT64_MAX / (pr->page_size ? pr->page_size : 1) + 1;
	default: return kas__size_fixed[idx - 7];
	}
}

_Static_assert(KAS__SIZE_NCLASS <= 0xFD - 0x40, "size classes must fit in 0x40..0xfc");

/* GFP byte: 0xff = 4-byte literal; else bit 7 = a modifier byte follows,
 * bits 0..6 index the base table (mod its size). */
#define KAS__GFP_LIT 0xFF
#define KAS__GFP_NBASE 18
static inline kas_gfp_t kas__gfp_base(unsigned idx, uint32_t kver)
{
	static const char *const names[] = {
		"GFP_KERNEL", "GFP_NOWAIT", "GFP_ATOMIC", "GFP_NOFS", "GFP_NOIO", "GFP_USER",
		"GFP_DMA", "GFP_DMA32", "GFP_KERNEL_ACCOUNT", "GFP_HIGHUSER",
		"GFP_HIGHUSER_MOVABLE", NULL /* GFP_KERNEL & ~__GFP_RECLAIM */,
		NULL /* GFP_KERNEL & ~__GFP_DIRECT_RECLAIM */, NULL /* 0 */,
		NULL /* GFP_KERNEL | __GFP_DMA */, NULL /* GFP_KERNEL | __GFP_DMA32 */,
		"GFP_TRANSHUGE_LIGHT", "GFP_TRANSHUGE",
	};
	kas_gfp_t v = 0;
	idx %= KAS__GFP_NBASE;
	switch (idx) {
	case 11: return KAS_GFP_KERNEL & ~__GFP_RECLAIM;
	case 12: return KAS_GFP_KERNEL & ~__GFP_DIRECT_RECLAIM;
	case 13: return 0;
	case 14: return KAS_GFP_KERNEL | __GFP_DMA;
	case 15: return KAS_GFP_KERNEL | __GFP_DMA32;
	default:
		if (!kas_gfp_composite(names[idx], kver, &v))
			v = 0;
		return v;
	}
}

/* Modifier byte bit i -> flag. */
static const kas_gfp_t kas__gfp_mods[8] = {
	__GFP_ZERO, __GFP_NOWARN, __GFP_NORETRY, __GFP_RETRY_MAYFAIL,
	__GFP_NOFAIL, __GFP_ACCOUNT, __GFP_COMP, __GFP_HIGHMEM,
};
#define KAS__GFP_MODMASK (__GFP_ZERO | __GFP_NOWARN | __GFP_NORETRY | __GFP_RETRY_MAYFAIL | \
			  __GFP_NOFAIL | __GFP_ACCOUNT | __GFP_COMP | __GFP_HIGHMEM)

/* Handle bytes. */
#define KAS__REF_NULL 0xFF
#define KAS__REF_ZSP 0xFE
#define KAS__REF_ESC 0xFD            /* a LEB128 index follows */
#define KAS__LIST_ESC 0xFF           /* list count: a LEB128 count follows */

/* Does argument i of op die (statically) when the op runs? */
static inline bool kas__arg_dies(enum kas_opcode code, unsigned i)
{
	switch (code) {
	case KAS_OP_KFREE: case KAS_OP_KVFREE: case KAS_OP_KFREE_SENSITIVE:
	case KAS_OP_VFREE: case KAS_OP_FREE_PAGES: case KAS_OP___FREE_PAGES:
	case KAS_OP_KREALLOC: case KAS_OP_KREALLOC_ARRAY: case KAS_OP_KVREALLOC:
	case KAS_OP_VREALLOC: case KAS_OP_KMEM_CACHE_DESTROY:
	case KAS_OP_KFREE_RCU: case KAS_OP_KVFREE_RCU: case KAS_OP_FREE_PAGES_EXACT:
	case KAS_OP_KVFREE_RCU_ARG_2:
	case KAS_OP_MEMALLOC_NOFS_RESTORE: case KAS_OP_MEMALLOC_NOIO_RESTORE:
	case KAS_OP_MEMALLOC_NORECLAIM_RESTORE: case KAS_OP_MEMALLOC_PIN_RESTORE:
		return i == 0;
	case KAS_OP_KMEM_CACHE_FREE:
		return i == 1;
	case KAS_OP_KFREE_BULK: case KAS_OP_KMEM_CACHE_FREE_BULK:
		return kas_op_table[code].args[i] == AK_LIST;
	default:
		return false;
	}
}

/*
 * Static liveness of handle slots while decoding / encoding: which slots of
 * each kind are live, the k-th live one, and the rank of a live one, in
 * O(log n) each (Fenwick trees over slot indices).
 */
#define KAS__LIVE_KINDS 4           /* KAS_SLOT_OBJ .. KAS_SLOT_FLAGS */
struct kas__live {
	uint32_t *tree[KAS__LIVE_KINDS]; /* per kind (KAS_SLOT_* - 1) */
	uint8_t *alive;              /* per slot */
	size_t cap;                  /* slots it can track */
	unsigned top;                /* highest power of two <= cap */
	uint32_t count[KAS__LIVE_KINDS];
	void *heap;
};
/* Bytes kas__live_init needs for cap slots. */
size_t kas__live_bytes(size_t cap);
/* Uses buf (of buflen bytes) when big enough, else the heap; -1 on OOM. */
int kas__live_init(struct kas__live *l, size_t cap, void *buf, size_t buflen);
void kas__live_fini(struct kas__live *l);
void kas__live_add(struct kas__live *l, uint32_t slot, uint8_t kind);
void kas__live_kill(struct kas__live *l, uint32_t slot, uint8_t kind);
/* End every handle op's arguments give up (kas__arg_dies), lists included:
 * the static liveness both the decoder and the encoder keep. */
void kas__live_kill_args(struct kas__live *l, const struct kas_trace *t, const struct kas_op *op);
bool kas__live_is(const struct kas__live *l, uint32_t slot);
uint32_t kas__live_count(const struct kas__live *l, uint8_t kind);
/* Slot of the k-th (0-based, k < count) live handle of kind. */
uint32_t kas__live_kth(const struct kas__live *l, uint8_t kind, uint32_t k);
/* Number of live handles of kind with a lower slot index. */
uint32_t kas__live_rank(const struct kas__live *l, uint8_t kind, uint32_t slot);

#endif
