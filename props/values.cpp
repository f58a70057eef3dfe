// SPDX-License-Identifier: MIT
//
// Value generators: sizes, array dimensions, GFP masks and page orders from
// the classes where allocators differ (bucket edges, the kmalloc/page
// boundary, KMALLOC_MAX_SIZE, INT_MAX, overflow).  Every generator lists
// its small, ordinary values first so that shrinking moves toward them.
#include "props.h"

#include <climits>
#include <cstdint>
#include <cstring>

namespace kasprops {

namespace gen = rc::gen;

static std::vector<uint64_t> bucketEdges()
{
	std::vector<uint64_t> v = { 1, 2, 3, 4, 7, 8, 9, 12, 16, 17, 24, 32, 33, 48, 64, 65,
				    96, 97, 127, 128, 129, 192, 193 };
	for (uint64_t p = 256; p <= 8192; p <<= 1) {
		v.push_back(p - 1);
		v.push_back(p);
		v.push_back(p + 1);
	}
	return v;
}

static std::vector<uint64_t> pageEdges()
{
	const kas_profile *p = g_cfg.profile;
	const uint64_t page = p->page_size, cache_max = p->kmalloc_max_cache_size;
	return { page - 1, page, page + 1, 3 * page, cache_max - 1, cache_max, cache_max + 1,
		 4 * page, 16 * page, 16 * page + 1, 64 * page };
}

static std::vector<uint64_t> hugeSizes()
{
	const uint64_t kmax = g_cfg.profile->kmalloc_max_size;
	return { kmax - 1, kmax, kmax + 1, 2 * kmax, (uint64_t)INT_MAX, (uint64_t)INT_MAX + 1,
		 SIZE_MAX - 1, SIZE_MAX };
}

rc::Gen<uint64_t> genKmallocSize()
{
	return weightedGen<uint64_t>({
		{ 8, gen::inRange<uint64_t>(0, 300) },
		{ 1, gen::just<uint64_t>(0) },
		{ 8, gen::elementOf(bucketEdges()) },
		{ 3, gen::elementOf(pageEdges()) },
		{ 1, gen::elementOf(hugeSizes()) },
	});
}

// kvmalloc: the same classes, but multi-megabyte sizes (served by vmalloc,
// every page filled and checked) three times rarer than for kmalloc.
rc::Gen<uint64_t> genKvmallocSize()
{
	return weightedGen<uint64_t>({
		{ 24, gen::inRange<uint64_t>(0, 300) },
		{ 3, gen::just<uint64_t>(0) },
		{ 24, gen::elementOf(bucketEdges()) },
		{ 9, gen::elementOf(pageEdges()) },
		{ 1, gen::elementOf(hugeSizes()) },
	});
}

// Under pressure a kvmalloc outcome is decided where the kmalloc attempt
// may fail and the vmalloc fallback takes over (KVMALLOC-3, KVMALLOC-7):
// above a page and up to the 64 KiB the NOFAIL rule judges.
rc::Gen<uint64_t> genPressureKvmallocSize()
{
	const uint64_t page = g_cfg.profile->page_size;
	return weightedGen<uint64_t>({
		{ 1, genKvmallocSize() },
		{ 3, gen::inRange<uint64_t>(page + 1, 16 * page + 1) },
	});
}

rc::Gen<uint64_t> genVmallocSize()
{
	const uint64_t page = g_cfg.profile->page_size;
	// Multi-megabyte areas are rare (about 1 draw in 40, the 4 MiB one in
	// 160): each costs a page fault per page, a sampled pattern fill and a
	// TLB shootdown when unmapped, and they made up most of the vmalloc
	// group's time at 1 in 14.
	return weightedGen<uint64_t>({
		{ 18, gen::inRange<uint64_t>(1, 3 * page) },
		{ 12, pick<uint64_t>({ page, 2 * page, 3 * page + 7, 16 * page }) },
		{ 1, weighted<uint64_t>({ { 3, 256 * page }, { 1, 1024 * page } }) },
		{ 6, pick<uint64_t>({ 0, 1, page - 1, page + 1 }) },
		{ 3, pick<uint64_t>({ SIZE_MAX / 2, SIZE_MAX }) },
	});
}

// (n, size) pairs: small arrays, and products that overflow size_t or land
// just beside it.
rc::Gen<std::pair<uint64_t, uint64_t>> genArrayDims()
{
	using P = std::pair<uint64_t, uint64_t>;
	const uint64_t half = (SIZE_MAX >> 1) + 1, root = UINT64_C(1) << 32;
	return weightedGen<P>({
		{ 8, gen::pair(gen::inRange<uint64_t>(0, 17), gen::elementOf(bucketEdges())) },
		{ 2, gen::pair(pick<uint64_t>({0, 1, 2, 3}), gen::elementOf(pageEdges())) },
		{ 2, pick<P>({P(half, 2), P(2, half), P(root, root), P(3, SIZE_MAX / 3 + 1),
				     P(SIZE_MAX, 2), P(root + 1, root - 1), P(SIZE_MAX, 1),
				     P(1, SIZE_MAX), P(SIZE_MAX / 3, 3), P(0, SIZE_MAX)}) },
	});
}

// Operands of the overflow helpers.
rc::Gen<uint64_t> genSizeOperand()
{
	const uint64_t root = UINT64_C(1) << 32;
	return weightedGen<uint64_t>({
		{ 4, gen::inRange<uint64_t>(0, 1000) },
		{ 3, pick<uint64_t>({0, 1, 2, root - 1, root, root + 1, SIZE_MAX / 2,
					    SIZE_MAX / 2 + 1, SIZE_MAX / 3 + 1, SIZE_MAX - 1, SIZE_MAX}) },
		{ 3, gen::arbitrary<uint64_t>() },
		{ 2, gen::map(gen::inRange<unsigned>(0, 64),
			      [](unsigned k) { return k == 64 ? SIZE_MAX : UINT64_C(1) << k; }) },
	});
}

static kas_gfp_t composite(const char *name)
{
	kas_gfp_t v = 0;
	if (!kas_gfp_composite(name, g_cfg.profile->kver, &v))
		return 0;
	return v;
}

// A base context mask, an optional zone, and modifiers each set rarely.
// A page allocation in process context may also take a user-page base
// (GFP_USER, GFP_HIGHUSER, GFP_HIGHUSER_MOVABLE: ZONE_HIGHMEM and
// ZONE_MOVABLE placement, the memalloc_pin scope's ~__GFP_MOVABLE); it
// gets no GFP_DMA / GFP_DMA32 on top (two zone modifiers are a caller bug).
rc::Gen<kas_gfp_t> genGfpIn(bool atomic, bool pages)
{
	return gen::exec([atomic, pages] {
		static const char *const bases[] = { "GFP_KERNEL", "GFP_NOWAIT", "GFP_ATOMIC",
						     "GFP_NOFS", "GFP_NOIO", "GFP_USER",
						     "GFP_HIGHUSER", "GFP_HIGHUSER_MOVABLE" };
		const unsigned user = pages && !atomic ? 1 : 0;
		const unsigned b =
			atomic ? *weighted<unsigned>({ { 4, 2 }, { 3, 1 } })
			       : *weighted<unsigned>({ { 8, 0 }, { 2, 1 }, { 2, 2 }, { 1, 3 }, { 1, 4 },
						       { user, 5 }, { user, 6 }, { 2 * user, 7 } });
		kas_gfp_t g = composite(bases[b]);
		const unsigned zone =
			b >= 5 ? 0 : *weighted<unsigned>({ { 12, 0 }, { 1, 1 }, { 1, 2 } });
		if (zone == 1)
			g |= composite("GFP_DMA");
		else if (zone == 2)
			g |= composite("GFP_DMA32");
		struct Mod {
			kas_gfp_t bit;
			unsigned oneIn;
		};
		static const Mod mods[] = { { __GFP_ZERO, 4 },          { __GFP_NOWARN, 6 },
					    { __GFP_NORETRY, 12 },      { __GFP_RETRY_MAYFAIL, 12 },
					    { __GFP_NOFAIL, 20 },       { __GFP_ACCOUNT, 10 } };
		for (const Mod &m : mods)
			if (*oneIn(m.oneIn))
				g |= m.bit;
		return g;
	});
}

rc::Gen<kas_gfp_t> genGfp() { return genGfpIn(false); }

// Under pressure the slow path decides by mask: each policy class is a
// base of its own so a handful of cases meets every one of them at the
// watermarks.  Modifiers stay rare apart from the retry policy.
rc::Gen<kas_gfp_t> genPressureGfp(bool atomic, bool pages)
{
	return gen::exec([atomic, pages] {
		static const char *const bases[] = { "GFP_KERNEL", "GFP_NOWAIT", "GFP_ATOMIC",
						     "GFP_NOFS", "GFP_NOIO" };
		// 5: GFP_KERNEL & ~__GFP_RECLAIM (neither reclaim nor reserves);
		// 6: GFP_HIGHUSER_MOVABLE, page allocations in process context
		// only (ZONE_MOVABLE, and what a memalloc_pin scope removes)
		const unsigned movable = pages && !atomic ? 3 : 0;
		const unsigned b =
			atomic ? *weighted<unsigned>({ { 4, 2 }, { 3, 1 }, { 1, 5 } })
			       : *weighted<unsigned>({ { 6, 0 }, { 3, 1 }, { 3, 2 }, { 3, 3 },
						       { 1, 4 }, { 2, 5 }, { movable, 6 } });
		kas_gfp_t g = b == 5   ? composite("GFP_KERNEL") & ~(kas_gfp_t)__GFP_RECLAIM
			      : b == 6 ? composite("GFP_HIGHUSER_MOVABLE")
				       : composite(bases[b]);
		// the retry policy: default, NORETRY, RETRY_MAYFAIL, NOFAIL, and
		// NOFAIL with NORETRY (gives up reclaiming at once, then NOFAIL's
		// fallback must still deliver)
		const unsigned retry =
			*weighted<unsigned>({ { 4, 0 }, { 2, 1 }, { 2, 2 }, { 1, 3 }, { 1, 4 } });
		static const kas_gfp_t retryBit[] = { 0, __GFP_NORETRY, __GFP_RETRY_MAYFAIL,
						      __GFP_NOFAIL, __GFP_NOFAIL | __GFP_NORETRY };
		g |= retryBit[retry];
		if (*oneIn(12) && b != 6)
			g |= composite("GFP_DMA32");
		if (*oneIn(3))
			g |= __GFP_NOWARN;
		if (*oneIn(8))
			g |= __GFP_ACCOUNT;
		if (*oneIn(12))
			g |= __GFP_NOMEMALLOC;
		return g;
	});
}

rc::Gen<unsigned> genPressureOrder()
{
	const unsigned max = g_cfg.profile->max_page_order;
	return weightedGen<unsigned>({
		{ 8, gen::just<unsigned>(0) },
		{ 4, gen::inRange<unsigned>(1, 4) },
		{ 1, pick<unsigned>({ 4, 5, max }) },
	});
}

rc::Gen<unsigned> genOrder()
{
	const unsigned max = g_cfg.profile->max_page_order;
	return weightedGen<unsigned>({
		{ 10, gen::inRange<unsigned>(0, 4) },
		{ 2, pick<unsigned>({max - 1, max, max + 1, 40}) },
	});
}

// SLAB_* flags of a new cache, each rarely, only the names the profile knows.
// SLAB_TYPESAFE_BY_RCU one time in typesafeOneIn, never for 0: its empty
// slabs stay out of the page allocator until a grace period (CACHE-6).
uint32_t genSlabFlags(unsigned typesafeOneIn)
{
	struct F {
		uint32_t bit;
		unsigned oneIn;
	};
	static const F flags[] = { { KAS_SLAB_HWCACHE_ALIGN, 3 }, { KAS_SLAB_ACCOUNT, 6 },
				   { KAS_SLAB_RECLAIM_ACCOUNT, 8 }, { KAS_SLAB_NO_MERGE, 8 },
				   { KAS_SLAB_POISON, 10 }, { KAS_SLAB_RED_ZONE, 10 },
				   { KAS_SLAB_STORE_USER, 10 }, { KAS_SLAB_CACHE_DMA, 12 },
				   { KAS_SLAB_CACHE_DMA32, 12 }, { KAS_SLAB_TYPESAFE_BY_RCU, 0 } };
	uint32_t v = 0;
	for (const F &f : flags) {
		const unsigned every = f.bit == KAS_SLAB_TYPESAFE_BY_RCU ? typesafeOneIn : f.oneIn;
		if (!every)
			continue;
		uint32_t known = 0;
		char name[64];
		kas_slab_flags_format(f.bit, g_cfg.profile->kver, name, sizeof(name));
		if (!kas_slab_flag_lookup(name, strlen(name), g_cfg.profile->kver, &known))
			continue;   // not a name in this kernel version
		if (*weighted<bool>({ { every - 1, false }, { 1, true } }))
			v |= f.bit;
	}
	return v;
}

std::string gfpText(kas_gfp_t gfp)
{
	std::string out(kas_gfp_format(gfp, g_cfg.profile->kver, nullptr, 0) + 1, '\0');
	size_t n = kas_gfp_format(gfp, g_cfg.profile->kver, &out[0], out.size());
	out.resize(n);
	return out;
}

} // namespace kasprops
