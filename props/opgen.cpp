// SPDX-License-Identifier: MIT
//
// Per-op command generation: which statically live handles an op may take
// (and consume), how its other arguments are drawn, and what it binds.
#include "opgen.h"

#include <kallocspec/world.h>

#include <algorithm>
#include <cstring>

namespace kasprops {

namespace gen = rc::gen;

bool opAvailable(kas_opcode op)
{
	return (kas_op_table[op].cap & g_cfg.caps) == kas_op_table[op].cap &&
	       kas_op_in_kver(op, g_cfg.profile->kver);
}

bool contextOp(kas_opcode op)
{
	switch (op) {
	case KAS_OP_PREEMPT_DISABLE: case KAS_OP_PREEMPT_ENABLE: case KAS_OP_SPIN_LOCK:
	case KAS_OP_SPIN_UNLOCK: case KAS_OP_IRQ_ENTER: case KAS_OP_IRQ_EXIT:
	case KAS_OP_MEMALLOC_NOFS_SAVE: case KAS_OP_MEMALLOC_NOFS_RESTORE:
	case KAS_OP_MEMALLOC_NOIO_SAVE: case KAS_OP_MEMALLOC_NOIO_RESTORE:
	case KAS_OP_MEMALLOC_NORECLAIM_SAVE: case KAS_OP_MEMALLOC_NORECLAIM_RESTORE:
	case KAS_OP_MEMALLOC_PIN_SAVE: case KAS_OP_MEMALLOC_PIN_RESTORE:
		return true;
	default:
		return false;
	}
}

std::vector<int> liveOf(const GenState &s, unsigned fams, int cache)
{
	std::vector<int> ids;
	for (const auto &kv : s.objs)
		if ((famBit(kv.second.fam) & fams) && (cache < 0 || kv.second.cache == cache))
			ids.push_back(kv.first);
	return ids;
}

static std::vector<int> cachesWhere(const GenState &s, bool (*ok)(const GenState &, int, const GCache &))
{
	std::vector<int> ids;
	for (const auto &kv : s.caches)
		if (ok(s, kv.first, kv.second))
			ids.push_back(kv.first);
	return ids;
}

static bool anyCache(const GenState &, int, const GCache &) { return true; }
static bool plainCache(const GenState &, int, const GCache &c) { return !c.ctor; }
static bool idleCache(const GenState &s, int id, const GCache &) { return s.cacheIdle(id); }
static bool notIdleCache(const GenState &s, int id, const GCache &) { return !s.cacheIdle(id); }
static bool busyCache(const GenState &s, int id, const GCache &) { return s.liveInCache(id) > 0; }

// The mask of an allocation: under pressure the policy classes, else the
// ordinary mix; in atomic context mostly the non-blocking masks.
static rc::Gen<kas_gfp_t> gfpFor(const GenState &s)
{
	return s.pressure ? genPressureGfp(s.atomic()) : genGfpIn(s.atomic());
}

// A page allocation's mask: the same, plus user-page masks in process
// context (GFP_HIGHUSER_MOVABLE and, outside pressure, GFP_USER and
// GFP_HIGHUSER).
static rc::Gen<kas_gfp_t> pageGfpFor(const GenState &s)
{
	return s.pressure ? genPressureGfp(s.atomic(), true) : genGfpIn(s.atomic(), true);
}

// Under pressure the zone modifier is for the page allocator's lowmem
// policy (no OOM kill): slab requests keep to ZONE_NORMAL, since slab
// strips __GFP_DMA32 with a "Fix your code!" warning (ZONE-1, judged in
// the other groups).
static kas_gfp_t slabGfp(const GenState &s)
{
	kas_gfp_t g = *gfpFor(s);
	return s.pressure ? g & ~(kas_gfp_t)__GFP_DMA32 : g;
}

static Arg val(uint64_t v)
{
	Arg a;
	a.v = v;
	return a;
}

static Arg handle(int id)
{
	Arg a;
	a.ref = KAS_REF_HANDLE;
	a.id = id;
	return a;
}

static Arg special(uint8_t ref)
{
	Arg a;
	a.ref = ref;
	a.v = ref == KAS_REF_ZSP ? KAS_ZERO_SIZE_PTR : 0;
	return a;
}


unsigned kfreeFams()
{
	// kfree of kmem_cache objects is documented from 6.4 (FREE-1).
	return kKmallocLike |
	       (g_cfg.profile->kver >= KAS_KVER(6, 4) ? famBit(Fam::CacheObj) : 0u);
}

unsigned kvfreeFams()
{
	// kvfree ends in kfree for slab memory: cache objects from 6.4 too.
	return kKvfreeable |
	       (g_cfg.profile->kver >= KAS_KVER(6, 4) ? famBit(Fam::CacheObj) : 0u);
}

// An object argument: a live handle of one of fams, or (rarely, or when
// nothing fits) NULL / ZERO_SIZE_PTR if the op accepts them.
static void objectArg(OpCmd &c, const GenState &s, unsigned fams, bool nullOk, bool zspOk,
		      bool consumes)
{
	std::vector<int> ids = liveOf(s, fams);
	unsigned pick = 0;
	if (nullOk || zspOk) {
		pick = *weighted<unsigned>(
			{ { ids.empty() ? 0u : 10u, 0 }, { nullOk ? 1u : 0u, 1 }, { zspOk ? 1u : 0u, 2 } });
	}
	if (pick == 1) {
		c.args.push_back(special(KAS_REF_NULL));
		return;
	}
	if (pick == 2) {
		c.args.push_back(special(KAS_REF_ZSP));
		return;
	}
	int id = *gen::elementOf(ids);
	c.args.push_back(handle(id));
	c.needs.push_back(Need{ id, fams });
	if (consumes)
		c.kills.push_back(id);
}

static void bindObj(OpCmd &c, const GenState &s, Fam fam, int cache = -1, unsigned order = 0)
{
	c.bind = s.next_id;
	c.newObj.fam = fam;
	c.newObj.cache = cache;
	c.newObj.order = order;
}

static kas_gfp_t cacheGfp(const GenState &s, int cache)
{
	kas_gfp_t g = slabGfp(s);
	// __GFP_ZERO on a cache with a constructor is not a supported
	// combination (CALLER-17); leave it out rather than test a misuse.
	if (s.caches.at(cache).ctor)
		g &= ~(kas_gfp_t)__GFP_ZERO;
	return g;
}

// A byte window [off, off + len) over an object of `size` bytes: inside it
// `inside` times in inside + 1, else one that may run past the end (length
// at least minOutsideLen).  Usercopy regions and copy_to_user share it.
static void genWindow(unsigned size, unsigned inside, unsigned minOutsideLen, unsigned &off,
		      unsigned &len)
{
	if (*weighted<bool>({ { inside, true }, { 1, false } })) {
		off = *gen::inRange<unsigned>(0, size + 1);
		len = *gen::inRange<unsigned>(0, size - off + 1);
	} else {
		off = *gen::inRange<unsigned>(0, size + 64);
		len = *gen::inRange<unsigned>(minOutsideLen, 2 * size + 1);
	}
}

static void genCacheCreate(OpCmd &c, const GenState &s, bool usercopy)
{
	const unsigned size = *weightedGen<unsigned>({
		{ 3, gen::inRange<unsigned>(1, 513) },
		{ 4, pick<unsigned>({8, 16, 24, 48, 64, 96, 100, 192, 256, 1000, 4096, 4097,
					    8192, 20000}) },
	});
	const unsigned align = *pick<unsigned>({0, 8, 16, 32, 64, 128, 256, 4096});
	c.cacheName = "kc" + std::to_string(s.next_id);
	c.args.push_back(val(0));   // AK_NAME: the text comes from cacheName
	c.args.push_back(val(size));
	c.args.push_back(val(align));
	// SLAB_TYPESAFE_BY_RCU: often where grace periods end, else now and
	// then; not under pressure, where its empty slabs (waiting for a
	// grace period) would be memory the reclaim rules do not expect
	c.args.push_back(val(genSlabFlags(s.pressure ? 0 : s.grace ? 2 : 5)));
	if (usercopy) {
		unsigned off, len;
		genWindow(size, 6, 0, off, len);
		c.args.push_back(val(off));
		c.args.push_back(val(len));
	}
	c.ctor = size >= KAS_CTOR_BYTES && *weighted<bool>({ { 3, false }, { 1, true } });
	c.bind = s.next_id;
	c.bindsCache = true;
	c.newCache.size = size;
	c.newCache.ctor = c.ctor;
}

// A subset (possibly empty) of ids, in order; shrinks toward fewer entries.
static std::vector<int> genSubset(const std::vector<int> &ids)
{
	std::vector<int> out;
	for (size_t i = 0; i < ids.size() && i < 8; i++)
		if (*weighted<bool>({ { 1, false }, { 2, true } }))
			out.push_back(ids[i]);
	return out;
}

// The save op whose flags a restore op takes.
static int saveOf(kas_opcode restore)
{
	switch (restore) {
	case KAS_OP_MEMALLOC_NOFS_RESTORE: return KAS_OP_MEMALLOC_NOFS_SAVE;
	case KAS_OP_MEMALLOC_NOIO_RESTORE: return KAS_OP_MEMALLOC_NOIO_SAVE;
	case KAS_OP_MEMALLOC_PIN_RESTORE: return KAS_OP_MEMALLOC_PIN_SAVE;
	default: return KAS_OP_MEMALLOC_NORECLAIM_SAVE;
	}
}

// Could op be generated in state s (its handle arguments exist)?
bool possible(kas_opcode op, const GenState &s)
{
	switch (op) {
	case KAS_OP_KFREE_SENSITIVE:
		return !liveOf(s, kKmallocLike).empty();
	case KAS_OP_VFREE:
	case KAS_OP_KVFREE:
		// vfree(NULL) is a documented no-op; both may sleep, so not in
		// atomic process context (an interrupt defers the free instead).
		return !((s.preempt || s.spin) && !s.irq);
	case KAS_OP_VMALLOC: case KAS_OP_VZALLOC: case KAS_OP_VMALLOC_GFP:
	case KAS_OP_VMALLOC_NODE: case KAS_OP_VREALLOC:
	case KAS_OP_KFREE_RCU: case KAS_OP_KVFREE_RCU:
		// vmalloc maps with GFP_KERNEL page tables; kfree_rcu may sleep
		// for its headless form: process context only.
		return !s.atomic();
	case KAS_OP_KMEM_CACHE_CREATE:
	case KAS_OP_KMEM_CACHE_CREATE_USERCOPY:
	case KAS_OP_KMEM_CACHE_DESTROY:
		// they take slab_mutex (destroy also waits for RCU): they
		// sleep, so process context only
		return !s.atomic();
	case KAS_OP_KMEM_CACHE_ALLOC:
		return !s.caches.empty();
	case KAS_OP_KMEM_CACHE_ALLOC_BULK:
		// the bulk functions need interrupts on: not in an interrupt
		// (under a spinlock or preempt_disable they are fine, CONTEXT-7)
		return !s.caches.empty() && !s.irq;
	case KAS_OP_KFREE_BULK:
		return !s.irq;
	case KAS_OP_KMEM_CACHE_ZALLOC:
		return !cachesWhere(s, plainCache).empty();
	case KAS_OP_KMEM_CACHE_FREE:
		return !liveOf(s, famBit(Fam::CacheObj)).empty();
	case KAS_OP_COPY_TO_USER:
		return !liveOf(s, famBit(Fam::Kmalloc) | famBit(Fam::CacheObj)).empty();
	case KAS_OP_KMEM_CACHE_FREE_BULK:
		return !cachesWhere(s, busyCache).empty() && !s.irq;
	case KAS_OP_FREE_PAGES:
		return !liveOf(s, famBit(Fam::PagesAddr)).empty();
	case KAS_OP___FREE_PAGES:
		return !liveOf(s, famBit(Fam::PagesPage)).empty();
	case KAS_OP_MEMALLOC_NOFS_RESTORE:
	case KAS_OP_MEMALLOC_NOIO_RESTORE:
	case KAS_OP_MEMALLOC_NORECLAIM_RESTORE:
	case KAS_OP_MEMALLOC_PIN_RESTORE:
		return !s.scopes.empty() && s.scopeSave.at(s.scopes.back()) == saveOf(op);
	case KAS_OP_BALLAST:
	case KAS_OP_EXHAUST: {
		// Ballast is other tasks' memory, but the world allocates it
		// through the port's gfp_context hook, which applies THIS task's
		// scopes: inside memalloc_noreclaim_save it would take the
		// reserves unseen (no call records it) and SCOPE-5's "reserves
		// still intact" premise breaks; inside memalloc_pin_save the
		// movable ballast would lose __GFP_MOVABLE and leave
		// ZONE_MOVABLE empty.  Not generated there until the world stops
		// applying scopes to its own allocations.
		for (int id : s.scopes)
			if (s.scopeSave.at(id) == KAS_OP_MEMALLOC_NORECLAIM_SAVE ||
			    s.scopeSave.at(id) == KAS_OP_MEMALLOC_PIN_SAVE)
				return false;
		return true;
	}
	case KAS_OP_PREEMPT_ENABLE:
		return s.preempt > 0;
	case KAS_OP_SPIN_UNLOCK:
		return s.spin > 0;
	case KAS_OP_IRQ_EXIT:
		return s.irq > 0;
	default:
		return true;
	}
}

void genOp(kas_opcode op, OpCmd &c, const GenState &s)
{
	c.code = op;
	switch (op) {
	case KAS_OP_KMALLOC:
	case KAS_OP_KZALLOC:
	case KAS_OP_KVMALLOC:
	case KAS_OP_KVZALLOC:
		c.args = { val(op == KAS_OP_KMALLOC || op == KAS_OP_KZALLOC ? *genKmallocSize()
			       : s.pressure ? *genPressureKvmallocSize()
					    : *genKvmallocSize()),
			   val(slabGfp(s)) };
		bindObj(c, s, op == KAS_OP_KMALLOC || op == KAS_OP_KZALLOC ? Fam::Kmalloc : Fam::Kvmalloc);
		break;
	case KAS_OP_KMALLOC_ARRAY:
	case KAS_OP_KCALLOC:
	case KAS_OP_KVMALLOC_ARRAY:
	case KAS_OP_KVCALLOC: {
		auto d = *genArrayDims();
		c.args = { val(d.first), val(d.second), val(slabGfp(s)) };
		bindObj(c, s, op == KAS_OP_KMALLOC_ARRAY || op == KAS_OP_KCALLOC ? Fam::Kmalloc
										  : Fam::Kvmalloc);
		break;
	}
	case KAS_OP_KREALLOC:
		objectArg(c, s, kKmallocLike, true, true, true);
		c.args.push_back(val(*genKmallocSize()));
		c.args.push_back(val(slabGfp(s)));
		bindObj(c, s, Fam::Kmalloc);
		break;
	case KAS_OP_KREALLOC_ARRAY: {
		objectArg(c, s, kKmallocLike, true, true, true);
		auto d = *genArrayDims();
		c.args.push_back(val(d.first));
		c.args.push_back(val(d.second));
		c.args.push_back(val(slabGfp(s)));
		bindObj(c, s, Fam::Kmalloc);
		break;
	}
	case KAS_OP_KFREE:
		objectArg(c, s, kfreeFams(), true, true, true);
		break;
	case KAS_OP_KVFREE:
		objectArg(c, s, kvfreeFams(), true, true, true);
		break;
	case KAS_OP_KFREE_SENSITIVE:
		objectArg(c, s, kKmallocLike, false, false, true);
		break;
	case KAS_OP_KSIZE:
		objectArg(c, s, kKmallocLike | famBit(Fam::CacheObj), true, true, false);
		break;
	case KAS_OP_KMALLOC_SIZE_ROUNDUP:
		c.args = { val(*genKmallocSize()) };
		break;
	case KAS_OP_VMALLOC:
	case KAS_OP_VZALLOC:
		c.args = { val(*genVmallocSize()) };
		bindObj(c, s, Fam::Vmalloc);
		break;
	case KAS_OP_VMALLOC_GFP:
		c.args = { val(*genVmallocSize()), val(*gfpFor(s)) };
		bindObj(c, s, Fam::Vmalloc);
		break;
	case KAS_OP_VMALLOC_NODE: {
		const uint64_t align = *pick<uint64_t>({1, 8, 16, 64, 4096, 8192, 65536,
							       UINT64_C(1) << 21});
		c.args = { val(*genVmallocSize()), val(align), val(*gfpFor(s)) };
		bindObj(c, s, Fam::Vmalloc);
		break;
	}
	case KAS_OP_VREALLOC:
		objectArg(c, s, famBit(Fam::Vmalloc), true, false, true);
		c.args.push_back(val(*weightedGen<uint64_t>(
			{ { 6, genVmallocSize() }, { 1, gen::just<uint64_t>(0) } })));
		c.args.push_back(val(*gfpFor(s)));
		bindObj(c, s, Fam::Vmalloc);
		break;
	case KAS_OP_VFREE:
		objectArg(c, s, famBit(Fam::Vmalloc), true, false, true);
		break;
	case KAS_OP_KVREALLOC:
		objectArg(c, s, kKvfreeable, true, false, true);
		c.args.push_back(val(*genKvmallocSize()));
		c.args.push_back(val(slabGfp(s)));
		bindObj(c, s, Fam::Kvmalloc);
		break;
	case KAS_OP_KMEM_CACHE_CREATE:
	case KAS_OP_KMEM_CACHE_CREATE_USERCOPY:
		genCacheCreate(c, s, op == KAS_OP_KMEM_CACHE_CREATE_USERCOPY);
		break;
	case KAS_OP_KMEM_CACHE_ALLOC:
	case KAS_OP_KMEM_CACHE_ZALLOC: {
		auto ids = cachesWhere(s, op == KAS_OP_KMEM_CACHE_ZALLOC ? plainCache : anyCache);
		int k = *gen::elementOf(ids);
		c.args = { handle(k), val(cacheGfp(s, k)) };
		c.needs.push_back(Need{ k, 0 });
		bindObj(c, s, Fam::CacheObj, k);
		break;
	}
	case KAS_OP_KMEM_CACHE_FREE: {
		int id = *gen::elementOf(liveOf(s, famBit(Fam::CacheObj)));
		int k = s.objs.at(id).cache;
		c.args = { handle(k), handle(id) };
		c.needs.push_back(Need{ k, 0 });
		c.needs.push_back(Need{ id, famBit(Fam::CacheObj), k });
		c.kills.push_back(id);
		break;
	}
	case KAS_OP_KMEM_CACHE_DESTROY: {
		// Mostly an idle cache (6.12+: also one whose last objects wait
		// in kfree_rcu, CACHE-4); sometimes one with live objects (before
		// 6.12 also objects in kfree_rcu), the misuse the kernel answers
		// with a warning and a leaked cache (CACHE-3); sometimes NULL, a
		// documented no-op.
		auto idle = cachesWhere(s, idleCache), busy = cachesWhere(s, notIdleCache);
		const unsigned pick = *weighted<unsigned>({ { idle.empty() ? 0u : 6u, 0 },
							    { busy.empty() ? 0u : 2u, 1 },
							    { 1, 2 } });
		if (pick == 2) {
			c.args = { special(KAS_REF_NULL) };
			break;
		}
		int k = *gen::elementOf(pick == 0 ? idle : busy);
		c.args = { handle(k) };
		c.needs.push_back(Need{ k, 0 });
		c.killsCache = k;
		c.destroysLive = pick == 1;
		break;
	}
	case KAS_OP_COPY_TO_USER: {
		// Hardened usercopy over a kmalloc or cache object: mostly a
		// window inside the object (inside or outside a cache's usercopy
		// region), sometimes one that runs past its end (USERCOPY-1,
		// CACHE-7).
		const unsigned fams = famBit(Fam::Kmalloc) | famBit(Fam::CacheObj);
		int id = *gen::elementOf(liveOf(s, fams));
		const GObj &o = s.objs.at(id);
		// kmalloc request sizes are not tracked here; 64 reaches past the
		// smallest objects and stays inside most.
		const unsigned size = o.fam == Fam::CacheObj ? s.caches.at(o.cache).size : 64;
		unsigned off, len;
		genWindow(size, 4, 1, off, len);
		c.args = { handle(id), val(off), val(len) };
		c.needs.push_back(Need{ id, fams });
		break;
	}
	case KAS_OP_KMEM_CACHE_ALLOC_BULK: {
		int k = *gen::elementOf(cachesWhere(s, anyCache));
		const uint64_t n = *weightedGen<uint64_t>(
			{ { 6, gen::inRange<uint64_t>(0, 20) }, { 1, pick<uint64_t>({64, 500}) } });
		c.args = { handle(k), val(cacheGfp(s, k)), val(n) };
		c.needs.push_back(Need{ k, 0 });
		bindObj(c, s, Fam::BulkGroup, k);
		break;
	}
	case KAS_OP_KMEM_CACHE_FREE_BULK: {
		int k = *gen::elementOf(cachesWhere(s, busyCache));
		const unsigned fams = famBit(Fam::CacheObj) | famBit(Fam::BulkGroup);
		c.args = { handle(k), val(0) };
		c.needs.push_back(Need{ k, 0 });
		c.list = genSubset(liveOf(s, fams, k));
		for (int id : c.list) {
			c.needs.push_back(Need{ id, fams, k });
			c.kills.push_back(id);
		}
		c.args[1].v = c.list.size();
		break;
	}
	case KAS_OP_KFREE_BULK:
		// kmalloc objects, and kmem_cache objects from 6.4 on (FREE-6):
		// a cache whose objects all went through kfree_bulk must then
		// be destroyed without a warning (CACHE-3)
		c.list = genSubset(liveOf(s, kfreeFams()));
		for (int id : c.list) {
			c.needs.push_back(Need{ id, kfreeFams() });
			c.kills.push_back(id);
		}
		c.args = { val(c.list.size()) };
		break;
	case KAS_OP_ALLOC_PAGES:
	case KAS_OP_GET_FREE_PAGES: {
		const unsigned order = s.pressure ? *genPressureOrder() : *genOrder();
		c.args = { val(*pageGfpFor(s)), val(order) };
		bindObj(c, s, op == KAS_OP_ALLOC_PAGES ? Fam::PagesPage : Fam::PagesAddr, -1, order);
		break;
	}
	case KAS_OP_GET_ZEROED_PAGE:
		c.args = { val(*gfpFor(s)) };
		bindObj(c, s, Fam::PagesAddr, -1, 0);
		break;
	case KAS_OP_FREE_PAGES:
	case KAS_OP___FREE_PAGES: {
		const Fam fam = op == KAS_OP_FREE_PAGES ? Fam::PagesAddr : Fam::PagesPage;
		int id = *gen::elementOf(liveOf(s, famBit(fam)));
		const unsigned order = s.objs.at(id).order;
		c.args = { handle(id), val(order) };
		c.needs.push_back(Need{ id, famBit(fam), -1, static_cast<int>(order) });
		c.kills.push_back(id);
		break;
	}
	case KAS_OP_SIZE_MUL:
	case KAS_OP_SIZE_ADD:
	case KAS_OP_SIZE_SUB:
	case KAS_OP_ARRAY_SIZE:
		c.args = { val(*genSizeOperand()), val(*genSizeOperand()) };
		break;
	case KAS_OP_ARRAY3_SIZE:
	case KAS_OP_STRUCT_SIZE:
		c.args = { val(*genSizeOperand()), val(*genSizeOperand()), val(*genSizeOperand()) };
		break;
	// ---- the world: scopes, contexts, pressure, RCU ----
	case KAS_OP_MEMALLOC_NOFS_SAVE:
	case KAS_OP_MEMALLOC_NOIO_SAVE:
	case KAS_OP_MEMALLOC_NORECLAIM_SAVE:
	case KAS_OP_MEMALLOC_PIN_SAVE:
		c.bind = s.next_id;
		c.bindsFlags = true;
		break;
	case KAS_OP_MEMALLOC_NOFS_RESTORE:
	case KAS_OP_MEMALLOC_NOIO_RESTORE:
	case KAS_OP_MEMALLOC_NORECLAIM_RESTORE:
	case KAS_OP_MEMALLOC_PIN_RESTORE: {
		const int id = s.scopes.back();
		c.args = { handle(id) };
		c.needs.push_back(Need{ id, 0, -1, -1, saveOf(op) });
		c.popsScope = true;
		break;
	}
	case KAS_OP_PREEMPT_DISABLE: c.depthDelta[0] = 1; break;
	case KAS_OP_PREEMPT_ENABLE: c.depthDelta[0] = -1; break;
	case KAS_OP_SPIN_LOCK: c.depthDelta[1] = 1; break;
	case KAS_OP_SPIN_UNLOCK: c.depthDelta[1] = -1; break;
	case KAS_OP_IRQ_ENTER: c.depthDelta[2] = 1; break;
	case KAS_OP_IRQ_EXIT: c.depthDelta[2] = -1; break;
	case KAS_OP_CURRENT_GFP_CONTEXT:
		// only computes, but the spec's atomic-context veto (CONTEXT-1)
		// skips any op with a sleeping mask there: draw the context's
		c.args = { val(*genGfpIn(s.atomic())) };
		break;
	case KAS_OP_BALLAST: {
		const unsigned kind = *weighted<unsigned>({ { 3, KAS_BALLAST_CLEAN },
							    { 2, KAS_BALLAST_FS_DIRTY },
							    { 2, KAS_BALLAST_IO_DIRTY },
							    { 2, KAS_BALLAST_ANON },
							    { 1, KAS_BALLAST_PINNED } });
		const uint64_t pages = *weightedGen<uint64_t>(
			{ { 6, gen::inRange<uint64_t>(1, 257) }, { 1, pick<uint64_t>({ 1024, 4096 }) } });
		c.args = { val(kind), val(pages) };
		break;
	}
	case KAS_OP_OOM_VICTIMS:
		// 0: nothing left to kill, so the OOM path cannot make progress
		c.args = { val(*weighted<uint64_t>({ { 2, 0 }, { 2, 1 }, { 1, 2 }, { 1, 3 } })) };
		break;
	case KAS_OP_MEMCG_LIMIT:
		c.args = { val(*weightedGen<uint64_t>({ { 4, gen::inRange<uint64_t>(0, 257) },
							{ 1, pick<uint64_t>({ 1024, UINT64_C(1) << 30 }) } })) };
		break;
	case KAS_OP_EXHAUST:
		// Mostly drained down to GFP_KERNEL's min watermark: where the
		// masks' policies (reclaim rounds, OOM, reserves) part.
		c.drain = *weighted<unsigned>({ { 1, 0 }, { 4, 16 } });   // shrinks to 0
		break;
	case KAS_OP_SYNCHRONIZE_RCU:
	case KAS_OP_RCU_BARRIER:
		break;
	case KAS_OP_CONCURRENT_KMALLOC:
		// Other tasks at the same time (ports with KAS_CAP_THREADS):
		// mostly two threads long enough to overlap in time, sometimes
		// many threads or a few rounds; sizes of the small classes,
		// where per-cpu caches and lock-free fast paths are.
		c.args = { val(*weighted<uint64_t>({ { 4, 2 }, { 1, 3 }, { 2, 4 }, { 1, 8 }, { 1, 1 } })),
			   val(*weightedGen<uint64_t>({ { 2, gen::inRange<uint64_t>(1, 65) },
							{ 3, pick<uint64_t>({ 500, 2000, 10000 }) } })),
			   val(*weightedGen<uint64_t>({ { 3, pick<uint64_t>({ 8, 16, 32, 64, 96, 192, 256 }) },
							{ 1, gen::inRange<uint64_t>(1, 8193) } })) };
		break;
	case KAS_OP_KFREE_RCU:
	case KAS_OP_KVFREE_RCU:
		// what kfree / kvfree take: kmem_cache objects too from 6.4
		// (RCU-2), which their cache then waits for (CACHE-4)
		objectArg(c, s, op == KAS_OP_KFREE_RCU ? kfreeFams() : kvfreeFams(), true, false,
			  true);
		if (!c.kills.empty() && s.objs.at(c.kills[0]).fam == Fam::CacheObj)
			c.rcuCache = s.objs.at(c.kills[0]).cache;
		break;
	default:
		RC_DISCARD("op not generated");
	}
}

} // namespace kasprops
