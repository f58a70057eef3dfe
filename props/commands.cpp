// SPDX-License-Identifier: MIT
//
// Trace ops as rapidcheck commands: preconditions (re-checked while
// shrinking), the static-liveness update, and the .ktrace line each op
// appends to the trace being built.
#include "opgen.h"

#include <kallocspec/world.h>

#include <cinttypes>
#include <functional>
#include <sstream>

namespace kasprops {

int GenState::liveInCache(int cache) const
{
	int n = 0;
	for (const auto &kv : objs)
		if ((kv.second.fam == Fam::CacheObj || kv.second.fam == Fam::BulkGroup) &&
		    kv.second.cache == cache)
			n++;
	return n;
}

bool GenState::cacheIdle(int cache) const
{
	if (liveInCache(cache))
		return false;
	// 6.12+: kmem_cache_destroy waits for the cache's objects in
	// kfree_rcu (kvfree_rcu_barrier); before, they count as left
	auto it = rcuPending.find(cache);
	return it == rcuPending.end() || it->second == 0 ||
	       g_cfg.profile->kver >= KAS_KVER(6, 12);
}

void OpCmd::checkPreconditions(const GenState &s) const
{
	RC_PRE(opAvailable(code));
	// What the generator required of the state (shrinking may drop the
	// ops that established it, e.g. the restore that closed a scope).
	const bool generable = possible(code, s);
	RC_PRE(generable);
	for (const Need &n : needs) {
		if (n.scopeSave >= 0) {
			// One plain bool per RC_PRE: rapidcheck captures the
			// expression and its overloaded && does not short-circuit,
			// so `!empty() && back()` would read back() of an empty
			// vector while shrinking.
			const bool innermost = !s.scopes.empty() && s.scopes.back() == n.id;
			RC_PRE(innermost);
			auto save = s.scopeSave.find(n.id);
			const bool sameSave = save != s.scopeSave.end() && save->second == n.scopeSave;
			RC_PRE(sameSave);
			continue;
		}
		if (n.fams == 0) {
			RC_PRE(s.caches.count(n.id) == 1u);
			continue;
		}
		auto it = s.objs.find(n.id);
		RC_PRE(it != s.objs.end());
		RC_PRE((famBit(it->second.fam) & n.fams) != 0u);
		if (n.cache >= 0)
			RC_PRE(it->second.cache == n.cache);
		if (n.order >= 0)
			RC_PRE(it->second.order == static_cast<unsigned>(n.order));
	}
	// A plain destroy needs an idle cache; one generated as a destroy with
	// live objects needs them still live (shrinking may have dropped the
	// allocations), or it would no longer test what it was drawn for.
	if (killsCache >= 0) {
		const bool idle = s.cacheIdle(killsCache);
		RC_PRE(idle != destroysLive);
	}
	if (bind >= 0)
		RC_PRE(s.used.count(bind) == 0u);
	// A mask that may sleep is a caller bug in atomic or irq context
	// (might_alloc's "sleeping function called from invalid context"):
	// never generated there, and not let in by shrinking either (dropping
	// a preempt_enable moves the later calls into atomic context).  This
	// holds for current_gfp_context too, which only computes: the spec's
	// veto skips every op with a sleeping mask there.
	if (s.atomic()) {
		const kas_op_info &oi = kas_op_table[code];
		for (unsigned i = 0; i < oi.nargs && i < args.size(); i++)
			if (oi.args[i] == AK_GFP) {
				const bool sleeps = (args[i].v & __GFP_DIRECT_RECLAIM) != 0;
				RC_PRE(!sleeps);
			}
	}
	// Leaving a context needs a matching enter before it.
	RC_PRE(depthDelta[0] >= 0 || s.preempt > 0);
	RC_PRE(depthDelta[1] >= 0 || s.spin > 0);
	RC_PRE(depthDelta[2] >= 0 || s.irq > 0);
}

void OpCmd::apply(GenState &s) const
{
	for (int id : kills)
		s.objs.erase(id);
	if (killsCache >= 0) {
		s.caches.erase(killsCache);
		s.rcuPending.erase(killsCache);
		for (auto it = s.objs.begin(); it != s.objs.end();)
			it = it->second.cache == killsCache ? s.objs.erase(it) : std::next(it);
	}
	if (rcuCache >= 0)
		s.rcuPending[rcuCache]++;
	if (code == KAS_OP_SYNCHRONIZE_RCU || code == KAS_OP_RCU_BARRIER)
		s.rcuPending.clear();   // the grace period ended: the deferred frees ran
	if (code == KAS_OP_EXHAUST)
		s.exhausted = true;
	s.preempt += depthDelta[0];
	s.spin += depthDelta[1];
	s.irq += depthDelta[2];
	if (popsScope && !s.scopes.empty()) {
		s.scopeSave.erase(s.scopes.back());
		s.scopes.pop_back();
	}
	if (bind >= 0) {
		s.used.insert(bind);
		if (bind >= s.next_id)
			s.next_id = bind + 1;
		if (bindsFlags) {
			s.scopes.push_back(bind);
			s.scopeSave[bind] = code;
		} else if (bindsCache)
			s.caches[bind] = newCache;
		else
			s.objs[bind] = newObj;
	}
}

static std::string formatOp(const OpCmd &c, const std::function<std::string(int)> &name,
			    const std::string &bound)
{
	const kas_op_info &oi = kas_op_table[c.code];
	std::string line;
	char buf[160];

	if (!bound.empty())
		line = bound + " = ";
	line += oi.name;
	for (unsigned i = 0; i < oi.nargs && i < c.args.size(); i++) {
		const Arg &a = c.args[i];
		if (oi.args[i] == AK_LIST && c.list.empty())
			break;   // an empty list is written as nothing at all
		line += ' ';
		switch (oi.args[i]) {
		case AK_KIND: {
			const char *kind = kas_ballast_kind_name(static_cast<unsigned>(a.v));
			line += kind ? kind : "?";
			break;
		}
		case AK_FLAGS:
		case AK_PTR:
		case AK_CACHE:
			if (a.ref == KAS_REF_NULL)
				line += "NULL";
			else if (a.ref == KAS_REF_ZSP)
				line += "ZERO_SIZE_PTR";
			else
				line += name(a.id);
			break;
		case AK_GFP:
			line += gfpText(static_cast<kas_gfp_t>(a.v));
			break;
		case AK_SLAB: {
			const uint32_t f = static_cast<uint32_t>(a.v), kv = g_cfg.profile->kver;
			std::string text(kas_slab_flags_format(f, kv, nullptr, 0) + 1, '\0');
			text.resize(kas_slab_flags_format(f, kv, &text[0], text.size()));
			line += text;
			break;
		}
		case AK_NAME:
			line += c.cacheName;
			break;
		case AK_LIST:
			for (size_t k = 0; k < c.list.size(); k++)
				line += (k ? " " : "") + name(c.list[k]);
			break;
		default:
			snprintf(buf, sizeof(buf), "%" PRIu64, a.v);
			line += buf;
			break;
		}
	}
	if (c.ctor)
		line += " ctor";
	return line;
}

// The drain lines after an exhaust: order-0 allocations that may neither
// reclaim nor dip into the reserves, quiet when refused.  Unbound: they
// stand for other tasks' memory and are freed at the end of the trace.
static std::string drainLines(unsigned n)
{
	std::string out;
	for (unsigned i = 0; i < n; i++)
		out += "alloc_pages GFP_KERNEL&~__GFP_RECLAIM|__GFP_NOWARN 0\n";
	return out;
}

// Handles show as their generation ids ("h12"): the shrunk command list
// rapidcheck prints then lines up with the renamed .ktrace.
void OpCmd::show(std::ostream &os) const
{
	auto byId = [](int id) { return "h" + std::to_string(id); };
	os << formatOp(*this, byId, bind >= 0 ? byId(bind) : std::string());
	if (drain)
		os << " (then " << drain << " draining alloc_pages)";
}

void OpCmd::run(const GenState &, TraceBuilder &tb) const
{
	tb.append(*this);
}

std::string TraceBuilder::nameFor(int id, char kind)
{
	unsigned n = kind == 'c' ? ncache++ : kind == 'g' ? ngroup++ : kind == 'f' ? nflags++ : nobj++;
	std::string s = std::string(1, kind) + std::to_string(n);
	names[id] = s;
	return s;
}

std::string TraceBuilder::lookup(int id) const
{
	auto it = names.find(id);
	return it != names.end() ? it->second : "h" + std::to_string(id);
}

void TraceBuilder::append(const OpCmd &c)
{
	std::string bound;
	// Look arguments up before binding: a realloc's result is a new name.
	auto byName = [this](int id) { return lookup(id); };
	std::string text = formatOp(c, byName, "");
	if (c.bind >= 0) {
		char kind = c.bindsCache ? 'c' : c.bindsFlags ? 'f'
					      : c.newObj.fam == Fam::BulkGroup ? 'g' : 'p';
		bound = nameFor(c.bind, kind);
		text = bound + " = " + text;
	}
	body += text;
	body += '\n';
	body += drainLines(c.drain);
}

} // namespace kasprops
