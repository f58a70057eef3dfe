// SPDX-License-Identifier: MIT
//
// Pure properties: functions of their arguments alone, checked against an
// independent oracle (128-bit arithmetic, the GFP parser, algebraic laws of
// size classes) rather than through traces.
#include "props.h"

#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <functional>
#include <sstream>

namespace kasprops {

namespace gen = rc::gen;

__extension__ typedef unsigned __int128 u128;

// init()/fini() around the direct calls of one property.  A failing case
// runs its trace through the harness, which needs the port to itself: the
// session steps aside for that (suspend/resume).
class PortSession {
public:
	PortSession()
	{
		world_.size = sizeof(world_);
		world_.warn = [](void *, kas_warn_kind, const char *) {};
		env_.size = sizeof(env_);
		env_.kver = g_cfg.profile->kver;
		env_.profile = g_cfg.profile->name;
		env_.pool_bytes = g_cfg.pool_bytes;
		env_.world = &world_;
		resume();
		current = this;
	}
	~PortSession()
	{
		suspend();
		current = nullptr;
	}
	bool ok() const { return ok_; }
	void suspend()
	{
		if (ok_ && g_cfg.port->fini)
			g_cfg.port->fini();
		ok_ = false;
	}
	void resume() { ok_ = !g_cfg.port->init || g_cfg.port->init(&env_) == 0; }
	static PortSession *current;

private:
	kas_world_hooks world_{};
	kas_port_env env_{};
	bool ok_ = false;
};
PortSession *PortSession::current = nullptr;

static uint64_t saturate(u128 v) { return v > SIZE_MAX ? SIZE_MAX : (uint64_t)v; }

static Outcome outcome(bool passed) { return passed ? Outcome::Pass : Outcome::Fail; }

static std::string num(uint64_t v) { return std::to_string(v); }

// Value ops whose result differs from the oracle.  On failure the ops are
// kept as a .ktrace (so the shrunk case can be replayed and the spec's own
// rules consulted) and the property fails with every mismatch listed.
class Mismatches {
public:
	void check(const std::string &op, uint64_t got, uint64_t want)
	{
		if (got == want)
			return;
		ops_ += op + "\n";
		msgs_ += op + " returned " + num(got) + ", the oracle says " + num(want) + "\n";
	}
	void add(const std::string &ops, const std::string &msg)
	{
		ops_ += ops;
		msgs_ += msg + "\n";
	}
	void assertNone(const std::string &property) const
	{
		if (msgs_.empty())
			return;
		Failure f;
		const std::string text = traceHeader(property) + ops_;
		if (PortSession::current)
			PortSession::current->suspend();
		const bool specPasses = judgeTrace(property, text, &f);
		if (PortSession::current)
			PortSession::current->resume();
		if (specPasses) {
			// The spec's rules do not flag the trace: only the oracle did.
			f.rule = "ORACLE";
			f.messages = msgs_ + "(the spec's rules do not flag this trace)\n";
			f.trace = text;
			f.nops = std::count(ops_.begin(), ops_.end(), '\n');
		} else {
			f.messages = msgs_ + "spec: " + f.messages;
		}
		g_failures[property] = f;
		RC_FAIL(msgs_);
	}

private:
	std::string ops_, msgs_;
};

// ---- overflow helpers against 128-bit arithmetic (OVERFLOW-1..5) ----
static Outcome overflowHelpers(const char *name)
{
	const kas_port *p = g_cfg.port;
	const bool has518 = g_cfg.profile->kver >= KAS_KVER(5, 18);
	if (!(g_cfg.caps & KAS_CAP_OVERFLOW) ||
	    !(p->array_size || p->array3_size || p->struct_size ||
	      (has518 && (p->size_mul || p->size_add || p->size_sub))))
		return Outcome::Unsupported;
	// Helpers the port leaves out are named, not silently passed.
	const struct {
		const char *fn;
		bool missing;
	} parts[] = { { "size_mul", has518 && !p->size_mul }, { "size_add", has518 && !p->size_add },
		      { "size_sub", has518 && !p->size_sub }, { "array_size", !p->array_size },
		      { "array3_size", !p->array3_size }, { "struct_size", !p->struct_size } };
	for (const auto &part : parts)
		if (part.missing)
			printf("%s: %s UNSUPPORTED by port %s (not checked)\n", name, part.fn,
			       g_cfg.port_name.c_str());
	PortSession ps;
	if (!ps.ok())
		return Outcome::Fail;
	return outcome(rc::check(name, [&] {
		const uint64_t a = *genSizeOperand(), b = *genSizeOperand(), c = *genSizeOperand();
		const u128 A = a, B = b, C = c;
		Mismatches bad;
		const std::string ab = num(a) + " " + num(b), abc = ab + " " + num(c);
		if (has518 && p->size_mul)
			bad.check("size_mul " + ab, p->size_mul(a, b), saturate(A * B));
		if (has518 && p->size_add)
			bad.check("size_add " + ab, p->size_add(a, b), saturate(A + B));
		if (has518 && p->size_sub)
			bad.check("size_sub " + ab, p->size_sub(a, b),
				  (a == SIZE_MAX || b == SIZE_MAX || a < b) ? SIZE_MAX : a - b);
		if (p->array_size)
			bad.check("array_size " + ab, p->array_size(a, b), saturate(A * B));
		if (p->array3_size) {
			// v5.18+: size_mul(size_mul(a, b), c), so a saturated a*b
			// times 0 is 0.  Older code returned SIZE_MAX on any
			// intermediate overflow, where the exact product (0 when
			// c == 0) also fits: both accepted, as in the spec.
			const uint64_t got = p->array3_size(a, b, c);
			const uint64_t want = saturate((u128)saturate(A * B) * C);
			if (!(has518 || A * B <= SIZE_MAX) && got == SIZE_MAX)
				bad.check("array3_size " + abc, got, SIZE_MAX);
			else
				bad.check("array3_size " + abc, got, want);
		}
		if (p->struct_size)   // header + elem * count
			bad.check("struct_size " + abc, p->struct_size(a, b, c),
				  B * C > SIZE_MAX ? SIZE_MAX : saturate(A + B * C));
		bad.assertNone(name);
	}));
}

// ---- GFP names: format -> parse round trip in the profile ----

// Every single bit that has a name in this kernel version, plus bit 9 (an
// unnamed bit from 6.4 on: it must survive formatting as hex).
static kas_gfp_t namedBits()
{
	kas_gfp_t all = __GFP_ATOMIC;
	for (const kas_flag_name *f = kas_gfp_bits; f->name; f++) {
		kas_gfp_t v;
		if (kas_gfp_lookup(f->name, strlen(f->name), g_cfg.profile->kver, &v))
			all |= v;
	}
	return all;
}

// Splits "A|B|0x200" and resolves each token with kas_gfp_lookup.
static bool lookupExpr(const std::string &text, kas_gfp_t *out)
{
	kas_gfp_t v = 0;
	size_t start = 0;
	while (start <= text.size()) {
		size_t bar = text.find('|', start);
		std::string tok = text.substr(start, bar == std::string::npos ? std::string::npos
									       : bar - start);
		kas_gfp_t t = 0;
		if (tok.size() > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X'))
			t = (kas_gfp_t)strtoul(tok.c_str(), nullptr, 16);
		else if (tok == "0")
			t = 0;
		else if (!kas_gfp_lookup(tok.data(), tok.size(), g_cfg.profile->kver, &t))
			return false;
		v |= t;
		if (bar == std::string::npos)
			break;
		start = bar + 1;
	}
	*out = v;
	return true;
}

static Outcome gfpRoundTrip(const char *name)
{
	const kas_gfp_t bits = namedBits();
	return outcome(rc::check(name, [bits] {
		const kas_gfp_t g = *gen::arbitrary<kas_gfp_t>() & bits;
		const std::string text = gfpText(g);
		RC_LOG() << "formatted: " << text << "\n";
		kas_gfp_t back = 0;
		RC_ASSERT(lookupExpr(text, &back));
		RC_ASSERT(back == g);
		// kas_gfp_parse, the expression parser traces use, agrees.
		kas_gfp_t parsedExpr = 0;
		size_t errOff = 0;
		char errMsg[128];
		RC_ASSERT(kas_gfp_parse(text.data(), text.size(), g_cfg.profile->kver, &parsedExpr,
					&errOff, errMsg, sizeof(errMsg)) == 0);
		RC_ASSERT(parsedExpr == g);
		// The trace parser reads the same text to the same value.
		const std::string line = std::string("profile ") + g_cfg.profile->name +
					 "\np = kmalloc 8 " + text + "\n";
		kas_trace t;
		kas_parse_error err;
		kas_trace_init(&t);
		const int rc = kas_trace_parse(&t, line.data(), line.size(), "<gfp>", g_cfg.profile,
					       g_cfg.profile, &err);
		const bool parsed = rc == 0 && t.nops == 1;
		const uint64_t v = parsed ? t.ops[0].v[1] : 0;
		kas_trace_free(&t);
		RC_ASSERT(parsed);
		RC_ASSERT(v == (uint64_t)g);
	}));
}

// ---- composites: inclusions and values per profile (include/linux/gfp_types.h) ----
static Outcome gfpComposites(const char *name)
{
	struct Sub {
		const char *small, *big;
		bool strict;
	};
	static const Sub subs[] = {
		{ "GFP_NOIO", "GFP_NOFS", true },       { "GFP_NOFS", "GFP_KERNEL", true },
		{ "GFP_KERNEL", "GFP_USER", true },     { "GFP_USER", "GFP_HIGHUSER", true },
		{ "GFP_HIGHUSER", "GFP_HIGHUSER_MOVABLE", true },
		{ "GFP_KERNEL", "GFP_KERNEL_ACCOUNT", true },
		{ "GFP_TRANSHUGE_LIGHT", "GFP_TRANSHUGE", true },
		{ "__GFP_RECLAIM", "GFP_NOIO", false }, { "GFP_DMA", "GFP_DMA", false },
	};
	const uint32_t kver = g_cfg.profile->kver;
	return outcome(rc::check(name, [kver] {
		const Sub &s = *gen::elementOf(std::vector<Sub>(std::begin(subs), std::end(subs)));
		kas_gfp_t a = 0, b = 0;
		RC_LOG() << s.small << " vs " << s.big << "\n";
		RC_ASSERT(kas_gfp_composite(s.small, kver, &a));
		RC_ASSERT(kas_gfp_composite(s.big, kver, &b));
		RC_ASSERT((a & ~b) == 0u);
		if (s.strict)
			RC_ASSERT(a != b);
		// Numeric anchors (computed from the kernel definitions).
		const unsigned which = *gen::inRange(0, 6);
		static const char *const names[] = { "GFP_KERNEL", "GFP_NOIO", "GFP_NOFS",
						     "GFP_USER", "GFP_ATOMIC", "GFP_NOWAIT" };
		const kas_gfp_t want[] = { 0xCC0, 0xC00, 0xC40, 0x100CC0,
					   kver >= KAS_KVER(6, 4) ? 0x820u : 0xA20u,
					   kver >= KAS_KVER(6, 8) ? 0x2800u : 0x800u };
		kas_gfp_t v = 0;
		RC_LOG() << names[which] << "\n";
		RC_ASSERT(kas_gfp_composite(names[which], kver, &v));
		RC_ASSERT(v == want[which]);
		// Sleeping contexts may block, atomic ones may not.
		RC_ASSERT(kas_gfp_allows_blocking(want[0]) && kas_gfp_allows_blocking(want[1]) &&
			  kas_gfp_allows_blocking(want[2]));
		RC_ASSERT(!kas_gfp_allows_blocking(want[4]) && !kas_gfp_allows_blocking(want[5]));
	}));
}

// ---- size classes of kmalloc_size_roundup (SIZE-2) ----
static Outcome roundupClasses(const char *name)
{
	const kas_port *p = g_cfg.port;
	if (!(g_cfg.caps & KAS_CAP_ROUNDUP) || !p->kmalloc_size_roundup ||
	    !kas_op_in_kver(KAS_OP_KMALLOC_SIZE_ROUNDUP, g_cfg.profile->kver))
		return Outcome::Unsupported;
	PortSession ps;
	if (!ps.ok())
		return Outcome::Fail;
	return outcome(rc::check(name, [p, name] {
		const uint64_t n = *genKmallocSize(), m = *genKmallocSize();
		// 6.1-6.5 have no KMALLOC_MAX_SIZE cap: above 2^63 (SIZE_MAX
		// aside) PAGE_SIZE << get_order(n) wraps to 0, a kernel fact SIZE-2
		// judges in the trace groups.  The order properties hold below.
		auto wraps = [](uint64_t x) {
			return g_cfg.profile->kver < KAS_KVER(6, 6) && x > (UINT64_C(1) << 63) &&
			       x != SIZE_MAX;
		};
		const bool ordered = !wraps(n) && !wraps(m);
		RC_PRE(ordered);
		const uint64_t rn = p->kmalloc_size_roundup(n), rm = p->kmalloc_size_roundup(m);
		Mismatches bad;
		const std::string ops = "kmalloc_size_roundup " + num(n) + "\nkmalloc_size_roundup " +
					num(m) + "\nkmalloc_size_roundup " + num(rn) + "\n";
		const std::string vals = "roundup(" + num(n) + ") = " + num(rn) + ", roundup(" + num(m) +
					 ") = " + num(rm);
		if (rn < n || rm < m)
			bad.add(ops, vals + ": below the request");
		else if (p->kmalloc_size_roundup(rn) != rn)
			bad.add(ops, vals + ": roundup(roundup(n)) != roundup(n)");
		else if ((n <= m && rn > rm) || (m <= n && rm > rn))
			bad.add(ops, vals + ": not monotone");
		bad.assertNone(name);
	}));
}

// ---- ksize(kmalloc(n)) == kmalloc_size_roundup(n) (SIZE-2) ----
static Outcome ksizeMatchesRoundup(const char *name)
{
	const kas_port *p = g_cfg.port;
	const uint32_t need = KAS_CAP_KMALLOC | KAS_CAP_KSIZE | KAS_CAP_ROUNDUP;
	if ((g_cfg.caps & need) != need || !p->ksize || !p->kmalloc_size_roundup ||
	    !kas_op_in_kver(KAS_OP_KMALLOC_SIZE_ROUNDUP, g_cfg.profile->kver))
		return Outcome::Unsupported;
	PortSession ps;
	if (!ps.ok())
		return Outcome::Fail;
	const uint64_t kmax = g_cfg.profile->kmalloc_max_size;
	return outcome(rc::check(name, [p, kmax, name] {
		const uint64_t n = *gen::suchThat(genKmallocSize(), [kmax](uint64_t v) {
			return v >= 1 && v <= kmax;
		});
		void *obj = p->kmalloc(n, KAS_GFP_KERNEL);
		const bool got = obj != nullptr;
		RC_PRE(got);   // memory may run out; that is not this property
		const size_t ks = p->ksize(obj), rs = p->kmalloc_size_roundup(n);
		p->kfree(obj);
		Mismatches bad;
		if (ks != rs)
			bad.add("p = kmalloc " + num(n) + " GFP_KERNEL\nksize p\nkmalloc_size_roundup " +
					num(n) + "\n",
				"ksize(kmalloc(" + num(n) + ")) = " + num(ks) +
					", kmalloc_size_roundup = " + num(rs));
		bad.assertNone(name);
	}));
}

const std::vector<PureProp> &pureProps()
{
	static const std::vector<PureProp> props = {
		{ "overflow-helpers", "size_mul/add/sub, array_size, array3_size, struct_size vs 128-bit",
		  overflowHelpers },
		{ "gfp-roundtrip", "kas_gfp_format -> kas_gfp_lookup and the trace parser", gfpRoundTrip },
		{ "gfp-composites", "composite inclusions (GFP_KERNEL in GFP_USER, ...) and values",
		  gfpComposites },
		{ "roundup-classes", "kmalloc_size_roundup: >= n, idempotent, monotone", roundupClasses },
		{ "ksize-roundup", "ksize(kmalloc(n)) == kmalloc_size_roundup(n)", ksizeMatchesRoundup },
	};
	return props;
}

} // namespace kasprops
