// SPDX-License-Identifier: MIT
//
// kas-props: rapidcheck property tests over the kallocspec spine.
//
// Stateful properties generate a sequence of trace ops (commands), print it
// as a .ktrace, parse it with the trace library and run it with the
// harness on the port under a fresh spec: the property holds when no rule
// FAILs.  The generation state below only knows which handles are
// statically live (what a kernel caller could still pass); every judgement
// comes from the spec's rules, every observation from the harness.
#ifndef KAS_PROPS_H
#define KAS_PROPS_H

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <kallocspec/harness.h>
#include <kallocspec/port.h>
#include <kallocspec/profile.h>
#include <kallocspec/spec.h>
#include <kallocspec/trace.h>

namespace kasprops {

// ---- run configuration (set once by main) ----
struct Config {
	const kas_port *port = nullptr;
	std::string port_name;
	const kas_profile *profile = nullptr;
	uint32_t caps = 0;                   // effective caps of the port
	std::string out_dir;                 // where failure traces go (main sets it)
	std::vector<std::string> rules;      // --rule: only these rule IDs count as failures
	std::vector<std::string> set_aside;  // rules a property already reported: not failures now
	std::size_t pool_bytes = 0;
	bool fork = false;                   // --fork: each trace in a child process
	unsigned timeout_s = 10;             // --timeout: a forked run is a HANG after this
	std::size_t mem_bytes = KAS_DEFAULT_MEM_BYTES;   // --mem: the machine size
};
extern Config g_cfg;

// ---- generation state: what is statically live ----
enum class Fam : uint8_t {
	Kmalloc,     // kmalloc family, krealloc results: kfree / kvfree
	Vmalloc,     // vfree / kvfree
	Kvmalloc,    // kvfree
	PagesPage,   // alloc_pages: __free_pages with the order
	PagesAddr,   // __get_free_pages, get_zeroed_page: free_pages with the order
	CacheObj,    // kmem_cache_alloc: kmem_cache_free on its cache
	BulkGroup,   // kmem_cache_alloc_bulk: kmem_cache_free_bulk on its cache
};
inline unsigned famBit(Fam f) { return 1u << static_cast<unsigned>(f); }

struct GObj {
	Fam fam = Fam::Kmalloc;
	int cache = -1;       // owning cache id (CacheObj, BulkGroup)
	unsigned order = 0;   // page order (Pages*)
};
struct GCache {
	unsigned size = 0;
	bool ctor = false;
};

struct GenState {
	std::map<int, GObj> objs;       // live objects and bulk groups by id
	std::map<int, GCache> caches;   // live caches by id
	std::set<int> used;             // every id ever bound (ids are never reused)
	int next_id = 0;
	// The world: saved-flags handles of open memalloc_*_save scopes
	// (innermost last) with the save op of each, and context depths.
	std::vector<int> scopes;
	std::map<int, int> scopeSave;   // flags id -> opcode of its save
	unsigned preempt = 0, spin = 0, irq = 0;
	// A pressure group draws the masks and orders whose policies differ
	// at the watermarks (groups with poolBytes set); `exhaust` has run.
	bool pressure = false;
	bool exhausted = false;
	// The group ends grace periods (synchronize_rcu): the RCU-typed
	// caches (SLAB_TYPESAFE_BY_RCU) are drawn more often.
	bool grace = false;
	// Objects handed to kfree_rcu / kvfree_rcu per cache id since the last
	// grace period (synchronize_rcu, rcu_barrier): dead for the generator
	// (never named again) but not yet freed.  Before 6.12 a cache with such
	// objects is not idle: kmem_cache_destroy warns and leaks it (CACHE-3);
	// from 6.12 it waits for them (kvfree_rcu_barrier, CACHE-4).
	std::map<int, unsigned> rcuPending;
	int liveInCache(int cache) const;
	// kmem_cache_destroy of this cache is the documented, silent case.
	bool cacheIdle(int cache) const;
	bool atomic() const { return preempt || spin || irq; }
};

// One handle argument's requirement, re-checked while shrinking.
struct Need {
	int id;
	unsigned fams;        // allowed families (famBit mask); 0 = a cache handle
	int cache = -1;       // must belong to this cache
	int order = -1;       // must have this page order
	int scopeSave = -1;   // a flags handle: the innermost open scope, saved by this op
};

// One fixed argument as written in the trace.
struct Arg {
	uint8_t ref = KAS_REF_VALUE;   // enum kas_ref
	uint64_t v = 0;                // value, flags; unused for handles
	int id = -1;                   // handle id for KAS_REF_HANDLE
};

struct TraceBuilder;

// A trace op as a rapidcheck command.
struct OpCmd : rc::state::Command<GenState, TraceBuilder> {
	kas_opcode code = KAS_OP_KMALLOC;
	std::vector<Arg> args;
	std::vector<int> list;         // AK_LIST handle ids
	std::string cacheName;         // AK_NAME
	bool ctor = false;
	std::vector<Need> needs;
	std::vector<int> kills;        // object ids dead afterwards
	int killsCache = -1;           // cache id destroyed
	int rcuCache = -1;             // kfree_rcu / kvfree_rcu of an object of this cache
	// kmem_cache_destroy of a cache with live objects (CACHE-3: the kernel
	// warns and leaks the cache); its objects are never named again.
	bool destroysLive = false;
	int bind = -1;                 // id bound by the op (-1: none)
	bool bindsCache = false;
	bool bindsFlags = false;       // memalloc_*_save: opens a scope
	bool popsScope = false;        // memalloc_*_restore: closes the innermost one
	int depthDelta[3] = { 0, 0, 0 };   // preempt, spin, irq (+1 enter, -1 leave)
	// exhaust only: then this many non-reclaiming order-0 allocations
	// (unbound lines) take what the ballast's zones left above the min
	// watermark of GFP_KERNEL's zones (their lowmem reserves differ).
	unsigned drain = 0;
	GObj newObj;
	GCache newCache;

	void checkPreconditions(const GenState &s) const override;
	void apply(GenState &s) const override;
	void run(const GenState &s, TraceBuilder &tb) const override;
	void show(std::ostream &os) const override;
};
using CmdSP = std::shared_ptr<const rc::state::Command<GenState, TraceBuilder>>;

// The system under test while commands run: the .ktrace text being built.
struct TraceBuilder {
	std::string body;
	std::map<int, std::string> names;
	unsigned nobj = 0, ncache = 0, ngroup = 0;
	unsigned nflags = 0;
	std::string nameFor(int id, char kind);   // kind 'p', 'c', 'g' or 'f'
	std::string lookup(int id) const;
	void append(const OpCmd &c);
};

// ---- judging ----
struct Failure {
	std::string property;
	std::string rule;              // first failing rule ID ("PARSE", "INIT" for harness problems)
	std::string messages;          // "RULE: message" lines
	std::string trace;             // .ktrace text (kas_trace_print)
	std::size_t nops = 0;
};
// Parse the text and run it on the port with a fresh spec (in a child
// process with --fork: a crash or hang is then a CRASH / HANG failure that
// rapidcheck shrinks).  Returns true when no (selected) rule failed;
// otherwise fills *f.
bool judgeTrace(const std::string &property, const std::string &text, Failure *f);

// ---- progress on stderr (progress.cpp): the property running, traces and
// ops judged, failures so far, elapsed time; one updating line on a
// terminal, a line every 10 s and per property otherwise.
void progressProperty(const char *name);
void progressTrace(std::size_t ops);
void progressFailure(const std::string &property, const std::string &rule);
void progressEnd();

// The header every generated trace starts with (with the group's pool size).
std::string traceHeader(const std::string &property);

// ---- property groups ----
struct OpWeight {
	kas_opcode op;
	unsigned weight;
};
struct Group {
	const char *name;
	uint32_t needCaps;             // all required, else UNSUPPORTED
	std::vector<OpWeight> ops;
	const char *about;
	// A small machine (`# pool-bytes:` of every trace) that `exhaust` can
	// fill to the watermarks; 0 = the port's default pool.  Also selects
	// the pressure style of masks and orders (GenState::pressure).
	std::size_t poolBytes = 0;
};
// The stateful groups (kmalloc, krealloc, cache, ...).
const std::vector<Group> &statefulGroups();
const Group *findGroup(const std::string &name);   // nullptr: not a stateful group
// The generation state a case of the group starts from.
GenState initialState(const Group &g);
// Generator for the next command in a group, given the state.
rc::Gen<CmdSP> genCommand(const GenState &s, const Group &g);
// Can op be generated by this port/profile at all?
bool opAvailable(kas_opcode op);

// ---- shrinking weighted choice ----
// rapidcheck's weightedElement does not shrink; these pick through an index
// into the cumulative weights, which shrinks toward the first choice.  List
// the ordinary choice first.
template <typename T> rc::Gen<T> weighted(std::vector<std::pair<unsigned, T>> choices)
{
	unsigned total = 0;
	for (const auto &c : choices)
		total += c.first;
	// Full range at every size (inRange alone would favour the first
	// choice while rapidcheck's size is small); shrinking still goes to 0.
	auto index = rc::gen::resize(rc::kNominalSize, rc::gen::inRange<unsigned>(0, total));
	return rc::gen::map(index, [choices](unsigned x) {
		for (const auto &c : choices) {
			if (x < c.first)
				return c.second;
			x -= c.first;
		}
		return choices.back().second;
	});
}
template <typename T> rc::Gen<T> weightedGen(std::vector<std::pair<unsigned, rc::Gen<T>>> choices)
{
	return rc::gen::join(weighted<rc::Gen<T>>(std::move(choices)));
}
// One of the values, shrinking toward the first.
template <typename T> rc::Gen<T> pick(std::vector<T> v) { return rc::gen::elementOf(std::move(v)); }
// true one time in n, shrinking to false.
inline rc::Gen<bool> oneIn(unsigned n) { return weighted<bool>({ { n - 1, false }, { 1, true } }); }

// ---- value generators (interesting classes, profile-aware) ----
rc::Gen<uint64_t> genKmallocSize();
rc::Gen<uint64_t> genKvmallocSize();
rc::Gen<uint64_t> genPressureKvmallocSize();
rc::Gen<uint64_t> genVmallocSize();
rc::Gen<std::pair<uint64_t, uint64_t>> genArrayDims();
rc::Gen<kas_gfp_t> genGfp();
// In atomic or interrupt context a caller uses GFP_ATOMIC / GFP_NOWAIT:
// a sleeping mask there is a caller bug, not a property of the port.
// pages: the mask of a page allocation, which in process context may also
// be a user-page mask (GFP_USER, GFP_HIGHUSER, GFP_HIGHUSER_MOVABLE; no
// other zone modifier with these).
rc::Gen<kas_gfp_t> genGfpIn(bool atomic, bool pages = false);
// The masks whose slow paths differ at the watermarks: NORETRY,
// RETRY_MAYFAIL, NOFAIL, NOFS/NOIO, ATOMIC (reserves), NOWAIT and
// GFP_KERNEL & ~__GFP_RECLAIM (no reserves, no reclaim); for page
// allocations in process context also GFP_HIGHUSER_MOVABLE.
rc::Gen<kas_gfp_t> genPressureGfp(bool atomic, bool pages = false);
// Order 0 mostly, then 1..3, rarely a costly order.
rc::Gen<unsigned> genPressureOrder();
rc::Gen<unsigned> genOrder();
rc::Gen<uint64_t> genSizeOperand();
std::string gfpText(kas_gfp_t gfp);
// SLAB_* flags for kmem_cache_create (call inside gen::exec: uses *gen).
// SLAB_TYPESAFE_BY_RCU one time in typesafeOneIn (0: never).
uint32_t genSlabFlags(unsigned typesafeOneIn);

// ---- pure properties (no traces) ----
enum class Outcome { Pass, Fail, Unsupported };
struct PureProp {
	const char *name;
	const char *about;
	// Returns Unsupported without calling rc::check when the port lacks
	// what the property needs.
	Outcome (*run)(const char *name);
};
const std::vector<PureProp> &pureProps();

// What the traces of a property did, over all its cases (shrinking
// included): evidence that the generated ops reach the port and the rules.
struct Coverage {
	uint64_t traces = 0, opsRun = 0, opsSkipped = 0, opsUnsupported = 0;
	std::map<std::string, uint64_t> rules;   // rule ID -> calls it judged (PASS or FAIL)
	std::set<std::string> failed;            // rule IDs that failed in some trace
};
extern std::map<std::string, Coverage> g_coverage;

// Last failure seen per property (rapidcheck's last failing run is the
// shrunk counterexample).
extern std::map<std::string, Failure> g_failures;

} // namespace kasprops

#endif
