// SPDX-License-Identifier: MIT
//
// The API groups, each a weighted set of ops, and the command generator
// that picks the next op from the state.  The weights of frees grow with
// what is live, so sequences keep a working set instead of piling up or
// starving.
#include "opgen.h"

#include <algorithm>

namespace kasprops {

namespace gen = rc::gen;

// The families an object-consuming op takes (0: not such an op).
static unsigned consumes(kas_opcode op)
{
	switch (op) {
	case KAS_OP_KFREE: case KAS_OP_KFREE_RCU: case KAS_OP_KFREE_BULK: return kfreeFams();
	case KAS_OP_KVFREE: case KAS_OP_KVFREE_RCU: return kvfreeFams();
	case KAS_OP_KVREALLOC: return kKvfreeable;
	case KAS_OP_KREALLOC: case KAS_OP_KREALLOC_ARRAY:
		return kKmallocLike;
	case KAS_OP_VFREE: case KAS_OP_VREALLOC: return famBit(Fam::Vmalloc);
	default: return 0;
	}
}

// Frees and other consumers weigh more as more is live; with nothing of
// their kind live they only do the NULL / ZERO_SIZE_PTR case, rarely.
static unsigned stateWeight(kas_opcode op, unsigned base, const GenState &s)
{
	const unsigned fams = consumes(op);
	const unsigned live = static_cast<unsigned>(
		std::min<size_t>(fams ? liveOf(s, fams).size() : s.objs.size(), 8));
	if (fams && live == 0)
		return 1;
	switch (op) {
	case KAS_OP_KFREE: case KAS_OP_KVFREE: case KAS_OP_VFREE: case KAS_OP_KMEM_CACHE_FREE:
	case KAS_OP_FREE_PAGES: case KAS_OP___FREE_PAGES: case KAS_OP_KMEM_CACHE_FREE_BULK:
	case KAS_OP_KFREE_BULK: case KAS_OP_KREALLOC: case KAS_OP_KREALLOC_ARRAY:
	case KAS_OP_VREALLOC: case KAS_OP_KVREALLOC:
		return base * (1 + live) / 2;
	case KAS_OP_MEMALLOC_NOFS_RESTORE: case KAS_OP_MEMALLOC_NOIO_RESTORE:
	case KAS_OP_MEMALLOC_NORECLAIM_RESTORE: case KAS_OP_MEMALLOC_PIN_RESTORE:
	case KAS_OP_PREEMPT_ENABLE:
	case KAS_OP_SPIN_UNLOCK: case KAS_OP_IRQ_EXIT:
		return base * 2;   // scopes and contexts stay short
	case KAS_OP_KMEM_CACHE_CREATE: case KAS_OP_KMEM_CACHE_CREATE_USERCOPY:
		return s.caches.size() >= 3 ? 1 : base * (s.caches.empty() ? 4 : 1);
	case KAS_OP_KMEM_CACHE_DESTROY:
		return s.caches.empty() ? 1 : base;   // no cache: only the NULL no-op
	case KAS_OP_EXHAUST:
		// Pressure first: most sequences reach the watermarks early, so
		// the calls after it meet the slow path.
		return s.exhausted ? 1 : base * 4;
	default:
		return base;
	}
}

GenState initialState(const Group &g)
{
	GenState s;
	s.pressure = g.poolBytes != 0;
	for (const OpWeight &w : g.ops)
		s.grace |= w.op == KAS_OP_SYNCHRONIZE_RCU;
	return s;
}

rc::Gen<CmdSP> genCommand(const GenState &s, const Group &g)
{
	// Contexts and scopes mean something only to a port that calls the
	// world hooks: a group that does not need the world leaves them out
	// for other ports (a world group on such a port is UNSUPPORTED, or
	// runs them as given under --any-caps).
	const bool world = (g_cfg.caps & KAS_CAP_WORLD) || (g.needCaps & KAS_CAP_WORLD);
	return gen::exec([s, &g, world]() -> CmdSP {
		std::vector<std::pair<unsigned, kas_opcode>> choices;
		unsigned total = 0;
		for (const OpWeight &w : g.ops) {
			if (!opAvailable(w.op) || !possible(w.op, s) || (!world && contextOp(w.op)))
				continue;
			unsigned wt = stateWeight(w.op, w.weight, s);
			choices.emplace_back(wt, w.op);
			total += wt;
		}
		RC_PRE(total > 0u);
		unsigned pick = *gen::resize(rc::kNominalSize, gen::inRange<unsigned>(0, total));
		kas_opcode op = choices.back().second;
		for (const auto &ch : choices) {
			if (pick < ch.first) {
				op = ch.second;
				break;
			}
			pick -= ch.first;
		}
		auto c = std::make_shared<OpCmd>();
		genOp(op, *c, s);
		return c;
	});
}

// 8 MiB, as the pressure witnesses use: small enough that `exhaust` fills
// it to the watermarks within the world's ballast limit.
static const std::size_t kPressurePool = std::size_t(8) << 20;

const std::vector<Group> &statefulGroups()
{
	using O = OpWeight;
	static const std::vector<Group> groups = {
		{ "kmalloc", KAS_CAP_KMALLOC,
		  { O{ KAS_OP_KMALLOC, 6 }, O{ KAS_OP_KZALLOC, 3 }, O{ KAS_OP_KMALLOC_ARRAY, 2 },
		    O{ KAS_OP_KCALLOC, 2 }, O{ KAS_OP_KFREE, 6 }, O{ KAS_OP_KVFREE, 1 },
		    O{ KAS_OP_KFREE_SENSITIVE, 1 }, O{ KAS_OP_KSIZE, 2 },
		    O{ KAS_OP_KMALLOC_SIZE_ROUNDUP, 1 }, O{ KAS_OP_CONCURRENT_KMALLOC, 1 } },
		  "kmalloc, kzalloc, kmalloc_array, kcalloc, kfree, kvfree, kfree_sensitive, ksize; "
		  "concurrent_kmalloc (other tasks at the same time) on ports with KAS_CAP_THREADS" },
		{ "krealloc", KAS_CAP_KMALLOC | KAS_CAP_KREALLOC,
		  { O{ KAS_OP_KMALLOC, 4 }, O{ KAS_OP_KZALLOC, 1 }, O{ KAS_OP_KREALLOC, 6 },
		    O{ KAS_OP_KREALLOC_ARRAY, 2 }, O{ KAS_OP_KFREE, 3 }, O{ KAS_OP_KSIZE, 1 } },
		  "krealloc, krealloc_array over kmalloc objects, NULL and ZERO_SIZE_PTR" },
		{ "cache", KAS_CAP_CACHE,
		  { O{ KAS_OP_KMEM_CACHE_CREATE, 3 }, O{ KAS_OP_KMEM_CACHE_CREATE_USERCOPY, 1 },
		    O{ KAS_OP_KMEM_CACHE_ALLOC, 6 }, O{ KAS_OP_KMEM_CACHE_ZALLOC, 2 },
		    O{ KAS_OP_KMEM_CACHE_FREE, 5 }, O{ KAS_OP_KMEM_CACHE_DESTROY, 1 },
		    O{ KAS_OP_KFREE, 1 }, O{ KAS_OP_KSIZE, 1 } },
		  "kmem_cache_create(_usercopy), alloc, zalloc, free, destroy, kfree of objects" },
		{ "usercopy", KAS_CAP_USERCOPY | KAS_CAP_CACHE | KAS_CAP_KMALLOC,
		  { O{ KAS_OP_KMEM_CACHE_CREATE_USERCOPY, 3 }, O{ KAS_OP_KMEM_CACHE_CREATE, 1 },
		    O{ KAS_OP_KMEM_CACHE_ALLOC, 4 }, O{ KAS_OP_KMALLOC, 2 },
		    O{ KAS_OP_COPY_TO_USER, 6 }, O{ KAS_OP_KMEM_CACHE_FREE, 2 },
		    O{ KAS_OP_KFREE, 2 }, O{ KAS_OP_KMEM_CACHE_DESTROY, 1 } },
		  "copy_to_user (hardened usercopy) over kmalloc objects and caches with and "
		  "without a usercopy window" },
		{ "vmalloc", KAS_CAP_VMALLOC,
		  { O{ KAS_OP_VMALLOC, 3 }, O{ KAS_OP_VZALLOC, 2 }, O{ KAS_OP_VMALLOC_GFP, 2 },
		    O{ KAS_OP_VMALLOC_NODE, 2 }, O{ KAS_OP_VREALLOC, 3 }, O{ KAS_OP_VFREE, 5 },
		    O{ KAS_OP_KVFREE, 1 } },
		  "vmalloc, vzalloc, __vmalloc, __vmalloc_node, vrealloc, vfree" },
		{ "kvmalloc", KAS_CAP_KVMALLOC,
		  { O{ KAS_OP_KVMALLOC, 4 }, O{ KAS_OP_KVZALLOC, 2 }, O{ KAS_OP_KVMALLOC_ARRAY, 2 },
		    O{ KAS_OP_KVCALLOC, 1 }, O{ KAS_OP_KVREALLOC, 3 }, O{ KAS_OP_KVFREE, 6 },
		    O{ KAS_OP_KMALLOC, 1 }, O{ KAS_OP_VMALLOC, 1 } },
		  "kvmalloc, kvzalloc, kvmalloc_array, kvcalloc, kvrealloc, kvfree" },
		{ "pages", KAS_CAP_PAGES,
		  { O{ KAS_OP_ALLOC_PAGES, 4 }, O{ KAS_OP_GET_FREE_PAGES, 3 },
		    O{ KAS_OP_GET_ZEROED_PAGE, 1 }, O{ KAS_OP_FREE_PAGES, 4 },
		    O{ KAS_OP___FREE_PAGES, 4 } },
		  "alloc_pages, __get_free_pages, get_zeroed_page, free_pages, __free_pages" },
		// The bulk functions may be called under a spinlock or with
		// preemption off (interrupts on) and must not sleep there
		// (CONTEXT-7): balanced spin and preempt sections, with a port
		// that calls the world hooks.
		{ "bulk", KAS_CAP_BULK | KAS_CAP_CACHE | KAS_CAP_KMALLOC,
		  { O{ KAS_OP_KMEM_CACHE_CREATE, 2 }, O{ KAS_OP_KMEM_CACHE_ALLOC_BULK, 5 },
		    O{ KAS_OP_KMEM_CACHE_FREE_BULK, 5 }, O{ KAS_OP_KMEM_CACHE_ALLOC, 2 },
		    O{ KAS_OP_KMEM_CACHE_FREE, 1 }, O{ KAS_OP_KMEM_CACHE_DESTROY, 1 },
		    O{ KAS_OP_KMALLOC, 3 }, O{ KAS_OP_KFREE_BULK, 4 },
		    O{ KAS_OP_SPIN_LOCK, 1 }, O{ KAS_OP_SPIN_UNLOCK, 1 },
		    O{ KAS_OP_PREEMPT_DISABLE, 1 }, O{ KAS_OP_PREEMPT_ENABLE, 1 } },
		  "kmem_cache_alloc_bulk, kmem_cache_free_bulk, kfree_bulk, also under spin_lock "
		  "and preempt_disable" },
		{ "overflow-ops", KAS_CAP_OVERFLOW,
		  { O{ KAS_OP_SIZE_MUL, 1 }, O{ KAS_OP_SIZE_ADD, 1 }, O{ KAS_OP_SIZE_SUB, 1 },
		    O{ KAS_OP_ARRAY_SIZE, 1 }, O{ KAS_OP_ARRAY3_SIZE, 1 },
		    O{ KAS_OP_STRUCT_SIZE, 1 } },
		  "size_mul, size_add, size_sub, array_size, array3_size, struct_size as trace ops" },
		{ "mixed", KAS_CAP_KMALLOC,
		  { O{ KAS_OP_KMALLOC, 4 }, O{ KAS_OP_KZALLOC, 1 }, O{ KAS_OP_KCALLOC, 1 },
		    O{ KAS_OP_KREALLOC, 3 }, O{ KAS_OP_KFREE, 4 }, O{ KAS_OP_KVFREE, 2 },
		    O{ KAS_OP_KSIZE, 1 }, O{ KAS_OP_VMALLOC, 2 }, O{ KAS_OP_VFREE, 2 },
		    O{ KAS_OP_KVMALLOC, 2 }, O{ KAS_OP_KVREALLOC, 1 },
		    O{ KAS_OP_KMEM_CACHE_CREATE, 1 }, O{ KAS_OP_KMEM_CACHE_ALLOC, 2 },
		    O{ KAS_OP_KMEM_CACHE_FREE, 2 }, O{ KAS_OP_KMEM_CACHE_DESTROY, 1 },
		    O{ KAS_OP_KMEM_CACHE_ALLOC_BULK, 1 }, O{ KAS_OP_KMEM_CACHE_FREE_BULK, 1 },
		    O{ KAS_OP_KFREE_BULK, 1 }, O{ KAS_OP_ALLOC_PAGES, 1 },
		    O{ KAS_OP_GET_FREE_PAGES, 1 }, O{ KAS_OP_FREE_PAGES, 1 },
		    O{ KAS_OP___FREE_PAGES, 1 }, O{ KAS_OP_CONCURRENT_KMALLOC, 1 } },
		  "every group interleaved (cross-family frees, shared address space)" },
		// The world (world.h): the harness runs these ops itself; their
		// rules need a port that calls the world hooks (KAS_CAP_WORLD), so
		// without it the group is UNSUPPORTED rather than a vacuous pass.
		{ "scopes", KAS_CAP_WORLD | KAS_CAP_KMALLOC,
		  { O{ KAS_OP_EXHAUST, 1 },
		    O{ KAS_OP_MEMALLOC_NOFS_SAVE, 2 }, O{ KAS_OP_MEMALLOC_NOFS_RESTORE, 2 },
		    O{ KAS_OP_MEMALLOC_NOIO_SAVE, 2 }, O{ KAS_OP_MEMALLOC_NOIO_RESTORE, 2 },
		    O{ KAS_OP_MEMALLOC_NORECLAIM_SAVE, 1 }, O{ KAS_OP_MEMALLOC_NORECLAIM_RESTORE, 1 },
		    O{ KAS_OP_MEMALLOC_PIN_SAVE, 2 }, O{ KAS_OP_MEMALLOC_PIN_RESTORE, 2 },
		    O{ KAS_OP_PREEMPT_DISABLE, 1 }, O{ KAS_OP_PREEMPT_ENABLE, 1 },
		    O{ KAS_OP_SPIN_LOCK, 1 }, O{ KAS_OP_SPIN_UNLOCK, 1 }, O{ KAS_OP_IRQ_ENTER, 1 },
		    O{ KAS_OP_IRQ_EXIT, 1 }, O{ KAS_OP_CURRENT_GFP_CONTEXT, 2 },
		    O{ KAS_OP_BALLAST, 2 }, O{ KAS_OP_KMALLOC, 4 }, O{ KAS_OP_KFREE, 3 },
		    O{ KAS_OP_KVMALLOC, 2 }, O{ KAS_OP_KVFREE, 2 }, O{ KAS_OP_ALLOC_PAGES, 3 },
		    O{ KAS_OP___FREE_PAGES, 1 } },
		  "memalloc_{nofs,noio,noreclaim,pin}_save/restore, preempt/spin/irq contexts, "
		  "allocations inside them",
		  kPressurePool },
		// Pressure: a small machine filled to the watermarks (exhaust and
		// its drain), reclaimable ballast of each kind, OOM victims or none,
		// memcg limits; then allocations whose masks differ exactly there
		// (NORETRY, RETRY_MAYFAIL, NOFAIL, NOFS/NOIO, ATOMIC, NOWAIT), in
		// scopes (noreclaim: PF_MEMALLOC) and atomic or irq context.
		{ "pressure", KAS_CAP_WORLD | KAS_CAP_KMALLOC,
		  { O{ KAS_OP_BALLAST, 3 }, O{ KAS_OP_EXHAUST, 2 }, O{ KAS_OP_OOM_VICTIMS, 1 },
		    O{ KAS_OP_MEMCG_LIMIT, 1 }, O{ KAS_OP_ALLOC_PAGES, 6 }, O{ KAS_OP___FREE_PAGES, 1 },
		    O{ KAS_OP_KMEM_CACHE_CREATE, 1 }, O{ KAS_OP_KMEM_CACHE_ALLOC_BULK, 2 },
		    O{ KAS_OP_KMEM_CACHE_FREE_BULK, 1 },
		    O{ KAS_OP_KMALLOC, 3 }, O{ KAS_OP_KFREE, 1 }, O{ KAS_OP_KVMALLOC, 2 },
		    O{ KAS_OP_KVFREE, 1 }, O{ KAS_OP_MEMALLOC_NOFS_SAVE, 1 },
		    O{ KAS_OP_MEMALLOC_NOFS_RESTORE, 1 }, O{ KAS_OP_MEMALLOC_NOIO_SAVE, 1 },
		    O{ KAS_OP_MEMALLOC_NOIO_RESTORE, 1 }, O{ KAS_OP_MEMALLOC_NORECLAIM_SAVE, 1 },
		    O{ KAS_OP_MEMALLOC_NORECLAIM_RESTORE, 1 }, O{ KAS_OP_MEMALLOC_PIN_SAVE, 1 },
		    O{ KAS_OP_MEMALLOC_PIN_RESTORE, 1 }, O{ KAS_OP_IRQ_ENTER, 1 },
		    O{ KAS_OP_IRQ_EXIT, 1 }, O{ KAS_OP_PREEMPT_DISABLE, 1 },
		    O{ KAS_OP_PREEMPT_ENABLE, 1 } },
		  "exhaust, ballast, OOM victims, memcg limits, then allocations at the watermarks: "
		  "reclaim rounds, OOM killer and reserves per mask, scope and context; bulk "
		  "allocations that run out part-way (all or nothing)",
		  kPressurePool },
		// kfree_rcu / kvfree_rcu of kmalloc, kvmalloc and (6.4+) cache
		// objects; caches destroyed while their objects wait in kfree_rcu
		// (CACHE-4), SLAB_TYPESAFE_BY_RCU caches whose freed memory must
		// not reach the page allocator (alloc_pages, large kmalloc)
		// before a grace period (CACHE-6).  The cache and page ops need
		// their own capabilities; without them the group is as before.
		{ "rcu", KAS_CAP_RCU | KAS_CAP_KMALLOC,
		  { O{ KAS_OP_KMALLOC, 4 }, O{ KAS_OP_KVMALLOC, 2 }, O{ KAS_OP_KFREE_RCU, 4 },
		    O{ KAS_OP_KVFREE_RCU, 2 }, O{ KAS_OP_SYNCHRONIZE_RCU, 2 },
		    O{ KAS_OP_RCU_BARRIER, 1 }, O{ KAS_OP_KFREE, 2 }, O{ KAS_OP_KVFREE, 1 },
		    O{ KAS_OP_KMEM_CACHE_CREATE, 1 }, O{ KAS_OP_KMEM_CACHE_ALLOC, 3 },
		    O{ KAS_OP_KMEM_CACHE_FREE, 2 }, O{ KAS_OP_KMEM_CACHE_DESTROY, 2 },
		    O{ KAS_OP_ALLOC_PAGES, 2 }, O{ KAS_OP___FREE_PAGES, 1 } },
		  "kfree_rcu, kvfree_rcu (kmalloc, kvmalloc, kmem_cache objects from 6.4), "
		  "synchronize_rcu, rcu_barrier, caches (SLAB_TYPESAFE_BY_RCU too) destroyed "
		  "with objects in flight, page allocations before a grace period" },
	};
	return groups;
}

} // namespace kasprops
