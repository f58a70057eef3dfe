// SPDX-License-Identifier: MIT
//
// Trace ops as rapidcheck commands: preconditions (re-checked while
// shrinking), the static-liveness update, and the .ktrace line each op
// appends to the trace being built.
#include "props.h"

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

void OpCmd::checkPreconditions(const GenState &s) const
{
	RC_PRE(opAvailable(code));
	for (const Need &n : needs) {
		if (n.scopeSave >= 0) {
			RC_PRE(!s.scopes.empty() && s.scopes.back() == n.id);
			RC_PRE(s.scopeSave.at(n.id) == n.scopeSave);
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
	// A cache is destroyed only once nothing of it is live (a live object
	// would make the destroy a documented misuse, not a property).
	if (killsCache >= 0)
		RC_PRE(s.liveInCache(killsCache) == 0);
	if (bind >= 0)
		RC_PRE(s.used.count(bind) == 0u);
	// Leaving a context needs a matching enter before it.
	RC_PRE(depthDelta[0] >= 0 || s.preempt > 0);
	RC_PRE(depthDelta[1] >= 0 || s.spin > 0);
	RC_PRE(depthDelta[2] >= 0 || s.irq > 0);
}

void OpCmd::apply(GenState &s) const
{
	for (int id : kills)
		s.objs.erase(id);
	if (killsCache >= 0)
		s.caches.erase(killsCache);
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

// Handles show as their generation ids ("h12"): the shrunk command list
// rapidcheck prints then lines up with the renamed .ktrace.
void OpCmd::show(std::ostream &os) const
{
	auto byId = [](int id) { return "h" + std::to_string(id); };
	os << formatOp(*this, byId, bind >= 0 ? byId(bind) : std::string());
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
}

} // namespace kasprops
