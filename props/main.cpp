// SPDX-License-Identifier: MIT
//
// kas-props: property tests of a port against the spec.
//
//   kas-props [--port P] [--profile P] [--seed N] [--cases N] [--long]
//             [--out DIR] [--only NAME,...] [--rule ID,...] [--list]
//
// Exit status: 0 every property passed (or is unsupported by the port),
// 1 a property failed, 2 bad input.  Each failure prints the shrunk trace,
// writes it to DIR/props-failure-<property>-<rule>.ktrace (replayable with
// `kallocspec replay FILE --port P`), and rapidcheck prints the
// RC_PARAMS="reproduce=..." string when the program exits.
#include "props.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>


namespace kasprops {
namespace {

const char kUsage[] =
	"usage: kas-props [--port P] [--profile P] [--seed N] [--cases N] [--long]\n"
	"                 [--out DIR] [--only NAME,...] [--rule ID,...] [--fork]\n"
	"                 [--timeout S] [--mem SIZE] [--list]\n"
	"  --port P      built-in port name or path to a port module (default: ref);\n"
	"                planted bugs of ref are the mut-* ports (`kallocspec ports`),\n"
	"                e.g. mut-krealloc-half-prefix, mut-kfree-sensitive-crash\n"
	"  --profile P   kernel profile (default: the library default)\n"
	"  --seed N      rapidcheck seed (default: random, printed)\n"
	"  --cases N     successful cases per property (default 100; --long 10000)\n"
	"  --out DIR     where failure traces are written (default: props-failures/\n"
	"                next to kas-props, i.e. in the build directory)\n"
	"  --only LIST   run only these properties (see --list)\n"
	"  --rule LIST   count only these rule IDs as failures (stateful properties)\n"
	"  --fork        run each trace in a child process: a crash or hang becomes a\n"
	"                CRASH / HANG failure that is shrunk like any other\n"
	"  --timeout S   seconds before a forked trace counts as a HANG (default 10)\n"
	"  --mem SIZE    the machine size the port runs on (default 1G, 0 = no\n"
	"                limit; see `kallocspec check --help`)\n"
	"  --sample N    print N generated traces per stateful property, run nothing\n"
	"  --coverage    list the rule IDs each stateful property exercised, and a\n"
	"                verdict per rule over all stateful properties run\n"
	"  RC_PARAMS, when set, is used as given and --seed/--cases/--long are ignored.\n";

// --any-caps (development): run groups whose capabilities the port does not
// declare, to exercise generation and the harness before a port has them.
bool anyCaps = false;

struct Options {
	std::string port = "ref", profile, out, seed, only, rules, mem;
	long cases = -1, timeout = -1, sample = 0;
	bool longRun = false, list = false, fork = false, rulesList = false;
};

int usageError(const char *fmt, const char *arg)
{
	fprintf(stderr, "kas-props: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", kUsage);
	return 2;
}

std::vector<std::string> splitList(const std::string &s)
{
	std::vector<std::string> out;
	std::stringstream ss(s);
	std::string item;
	while (std::getline(ss, item, ','))
		if (!item.empty())
			out.push_back(item);
	return out;
}

bool isDigits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

// Returns -1 to go on, else an exit status.
int parseArgs(int argc, char **argv, Options &o)
{
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		auto value = [&](const char *opt) -> const char * {
			if (i + 1 >= argc)
				return nullptr;
			(void)opt;
			return argv[++i];
		};
		const char *v = nullptr;
		if (a == "--help" || a == "-h") {
			fputs(kUsage, stdout);
			return 0;
		} else if (a == "--long") {
			o.longRun = true;
		} else if (a == "--list") {
			o.list = true;
		} else if (a == "--fork") {
			o.fork = true;
		} else if (a == "--coverage") {
			o.rulesList = true;
		} else if (a == "--any-caps") {
			anyCaps = true;
		} else if (a == "--port" || a == "--profile" || a == "--seed" || a == "--cases" ||
			   a == "--out" || a == "--only" || a == "--rule" || a == "--timeout" ||
			   a == "--sample" || a == "--mem") {
			if (!(v = value(a.c_str())))
				return usageError("%s needs a value", a.c_str());
			if (a == "--port")
				o.port = v;
			else if (a == "--profile")
				o.profile = v;
			else if (a == "--out")
				o.out = v;
			else if (a == "--only")
				o.only = v;
			else if (a == "--rule")
				o.rules = v;
			else if (a == "--mem")
				o.mem = v;
			else if (!isDigits(v))
				return usageError("%s needs a non-negative integer", a.c_str());
			else if (a == "--seed")
				o.seed = v;
			else if (a == "--timeout")
				o.timeout = strtol(v, nullptr, 10);
			else if (a == "--sample")
				o.sample = strtol(v, nullptr, 10);
			else
				o.cases = strtol(v, nullptr, 10);
		} else {
			return usageError("unknown argument '%s'", a.c_str());
		}
	}
	return -1;
}

const kas_port *openPort(const std::string &name)
{
	char err[512] = "";
	const kas_port *p = kas_port_open(name.c_str(), err, sizeof(err));
	if (!p)
		fprintf(stderr, "kas-props: cannot open port '%s': %s\n", name.c_str(), err);
	return p;
}

// RC_PARAMS from our options, unless the user set it.
void configureRapidcheck(const Options &o)
{
	const char *given = getenv("RC_PARAMS");
	if (given && *given) {
		printf("kas-props: RC_PARAMS given (\"%s\"); --seed/--cases/--long ignored\n", given);
		return;
	}
	long cases = o.cases >= 0 ? o.cases : o.longRun ? 10000 : 100;
	std::string params = "max_success=" + std::to_string(cases);
	if (!o.seed.empty())
		params += " seed=" + o.seed;
	setenv("RC_PARAMS", params.c_str(), 1);
}

bool wanted(const std::vector<std::string> &only, const char *name)
{
	if (only.empty())
		return true;
	for (const auto &n : only)
		if (n == name)
			return true;
	return false;
}

std::string fileSafe(const std::string &s)
{
	std::string out;
	for (char ch : s)
		out += (isalnum((unsigned char)ch) || ch == '-' || ch == '_') ? ch : '_';
	return out;
}

// mkdir -p
void makeDirs(const std::string &dir)
{
	for (size_t i = 1; i <= dir.size(); i++)
		if (i == dir.size() || dir[i] == '/')
			mkdir(dir.substr(0, i).c_str(), 0777);
}

// The directory kas-props runs from (the build directory), or "".
std::string exeDir()
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return "";
	self[n] = '\0';
	std::string dir(self);
	dir.erase(dir.rfind('/'));
	return dir;
}

// Failure traces go to --out, else to props-failures/ in the build
// directory: never loose into whatever directory kas-props was run from
// (a run from the source tree once left them at its root).  An installed
// kas-props (no CMakeCache.txt next to it) writes into the directory it is
// run from: an install prefix's bin/ is no place for them.
std::string defaultOutDir()
{
	const std::string dir = exeDir();
	if (dir.empty() || access((dir + "/CMakeCache.txt").c_str(), F_OK) != 0)
		return "./props-failures";
	return dir + "/props-failures";
}

// --coverage: one verdict per rule over every stateful property run.
// FAIL: it failed in some trace (counting only --rule's rules); PASS: it
// judged calls and never failed; rules no generated call reached are not
// listed (UNTESTED by props).  Lines start with "rule " so that nothing
// reading the summary rows mistakes them for properties.
void printRuleVerdicts()
{
	std::map<std::string, std::pair<uint64_t, std::string>> calls;   // id -> (calls, properties)
	std::set<std::string> failed;
	const auto requested = [](const std::string &id) {
		return g_cfg.rules.empty() ||
		       std::find(g_cfg.rules.begin(), g_cfg.rules.end(), id) != g_cfg.rules.end();
	};
	for (const auto &kv : g_coverage) {
		for (const auto &r : kv.second.rules) {
			if (!requested(r.first))   // --rule: only the rules asked for
				continue;
			auto &e = calls[r.first];
			e.first += r.second;
			e.second += (e.second.empty() ? "" : ",") + kv.first;
		}
		failed.insert(kv.second.failed.begin(), kv.second.failed.end());
	}
	size_t pass = 0;
	printf("\nrule verdicts (stateful properties; calls judged, properties that reached it):\n");
	for (const auto &kv : calls) {
		const bool fail = failed.count(kv.first) != 0;
		pass += !fail;
		printf("rule %-14s %-4s %10llu calls  %s\n", kv.first.c_str(), fail ? "FAIL" : "PASS",
		       (unsigned long long)kv.second.first, kv.second.second.c_str());
	}
	const size_t asked = g_cfg.rules.empty() ? kas_rule_count() : g_cfg.rules.size();
	printf("rules: %zu PASS, %zu FAIL, %zu of %zu %s not reached by these properties\n", pass,
	       calls.size() - pass, asked - calls.size(), asked,
	       g_cfg.rules.empty() ? "rules" : "rules asked for (--rule)");
}

// Print and save the shrunk counterexample of a failed stateful property.
void reportFailure(const std::string &property)
{
	auto it = g_failures.find(property);
	if (it == g_failures.end())
		return;
	const Failure &f = it->second;
	makeDirs(g_cfg.out_dir);
	std::string path = g_cfg.out_dir + "/props-failure-" + fileSafe(property) + "-" +
			   fileSafe(f.rule) + ".ktrace";
	std::ofstream out(path);
	out << f.trace;
	out.close();
	printf("\n== %s: FAIL %s after shrinking to %zu op%s\n%s", property.c_str(), f.rule.c_str(),
	       f.nops, f.nops == 1 ? "" : "s", f.messages.c_str());
	printf("---- counterexample (.ktrace) ----\n%s----\n", f.trace.c_str());
	if (out)
		printf("written to %s\nreplay:   kallocspec replay %s --port %s\n", path.c_str(),
		       path.c_str(), g_cfg.port_name.c_str());
	else
		printf("kas-props: could not write %s\n", path.c_str());
}

// The most rules one stateful property reports in a run.
constexpr int kMaxRulesPerProperty = 8;

Outcome runGroup(const Group &g)
{
	if ((g_cfg.caps & g.needCaps) != g.needCaps && !anyCaps)
		return Outcome::Unsupported;
	const std::string name = g.name;
	// A property stops at its first failing rule.  To report every rule a
	// run breaks, it runs again (same seed) with the rules found so far set
	// aside, until it passes, crashes or hangs, or kMaxRulesPerProperty are in.
	const size_t aside = g_cfg.set_aside.size();
	bool failed = false;
	for (int round = 0; round < kMaxRulesPerProperty; round++) {
		const bool ok = rc::check(name, [&g, name] {
			const GenState s0 = initialState(g);
			const auto cmds = *rc::state::gen::commands(
				s0, [&g](const GenState &s) { return genCommand(s, g); });
			TraceBuilder tb;
			rc::state::runAll(cmds, s0, tb);
			Failure f;
			const std::string text = traceHeader(name) + tb.body;
			if (!judgeTrace(name, text, &f)) {
				g_failures[name] = f;
				RC_FAIL(f.rule + " failed\n" + f.messages + f.trace);
			}
		});
		if (ok)
			break;
		failed = true;
		reportFailure(name);
		auto it = g_failures.find(name);
		if (it == g_failures.end() || it->second.rule == "CRASH" || it->second.rule == "HANG")
			break;
		g_cfg.set_aside.push_back(it->second.rule);
		g_failures.erase(it);
		if (round + 1 < kMaxRulesPerProperty)
			printf("kas-props: %s: looking for other rules it breaks (%s set aside)\n",
			       name.c_str(), g_cfg.set_aside.back().c_str());
	}
	g_cfg.set_aside.resize(aside);
	return failed ? Outcome::Fail : Outcome::Pass;
}

// --sample: what the generators produce, without running anything.
void printSamples(const Group &g, long n, uint64_t seed)
{
	const GenState s0 = initialState(g);
	const auto gen = rc::state::gen::commands(
		s0, [&g](const GenState &s) { return genCommand(s, g); });
	for (long i = 0; i < n; i++) {
		const auto cmds = gen(rc::Random(seed + (uint64_t)i), 30).value();
		TraceBuilder tb;
		rc::state::runAll(cmds, s0, tb);
		printf("%s%s\n", traceHeader(g.name).c_str(), tb.body.c_str());
	}
}

const char *outcomeName(Outcome o)
{
	return o == Outcome::Pass ? "PASS" : o == Outcome::Fail ? "FAIL" : "UNSUPPORTED";
}

} // namespace
} // namespace kasprops

int main(int argc, char **argv)
{
	using namespace kasprops;
	Options o;
	int st = parseArgs(argc, argv, o);
	if (st >= 0)
		return st;

	if (o.list) {
		for (const Group &g : statefulGroups())
			printf("%-18s stateful  %s\n", g.name, g.about);
		for (const PureProp &p : pureProps())
			printf("%-18s pure      %s\n", p.name, p.about);
		return 0;
	}
	g_cfg.port = openPort(o.port);
	if (!g_cfg.port)
		return 2;
	g_cfg.port_name = o.port;
	g_cfg.profile = o.profile.empty() ? kas_profile_default() : kas_profile_find(o.profile.c_str());
	if (!g_cfg.profile) {
		fprintf(stderr, "kas-props: unknown profile '%s'; known:", o.profile.c_str());
		for (size_t i = 0; i < kas_profile_count(); i++)
			fprintf(stderr, " %s", kas_profile_at(i)->name);
		fprintf(stderr, "\n");
		return 2;
	}
	g_cfg.caps = kas_port_effective_caps(g_cfg.port);
	g_cfg.out_dir = o.out.empty() ? defaultOutDir() : o.out;
	g_cfg.fork = o.fork;
	if (o.timeout > 0)
		g_cfg.timeout_s = (unsigned)o.timeout;
	if (!o.mem.empty() && kas_parse_size(o.mem.c_str(), &g_cfg.mem_bytes) != 0)
		return usageError("bad --mem '%s' (e.g. 1G, 512M, 0)", o.mem.c_str());
	// forked runs limit each child (the harness); in this process, once
	if (!g_cfg.fork && g_cfg.mem_bytes && kas_mem_limit(g_cfg.mem_bytes) != 0)
		fprintf(stderr, "kas-props: note: cannot set the --mem limit here\n");
	g_cfg.rules = splitList(o.rules);
	for (const auto &r : g_cfg.rules)
		if (kas_rule_index(r.c_str()) < 0)
			return usageError("unknown rule ID '%s'", r.c_str());
	const auto only = splitList(o.only);
	for (const auto &n : only) {
		bool known = false;
		for (const Group &g : statefulGroups())
			known |= n == g.name;
		for (const PureProp &p : pureProps())
			known |= n == p.name;
		if (!known)
			return usageError("unknown property '%s' (see --list)", n.c_str());
	}
	if (o.sample > 0) {
		for (const Group &g : statefulGroups())
			if (wanted(only, g.name))
				printSamples(g, o.sample, o.seed.empty() ? 1 : strtoull(o.seed.c_str(), nullptr, 10));
		return 0;
	}
	configureRapidcheck(o);
	printf("kas-props: port %s, profile %s, RC_PARAMS=\"%s\"\n", g_cfg.port_name.c_str(),
	       g_cfg.profile->name, getenv("RC_PARAMS"));
	fflush(stdout);

	struct Row {
		std::string name;
		Outcome outcome;
		double secs;
	};
	std::vector<Row> rows;
	auto timed = [&rows](const char *name, const std::function<Outcome()> &fn) {
		auto t0 = std::chrono::steady_clock::now();
		progressProperty(name);
		Outcome r = fn();
		double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
		if (r == Outcome::Unsupported)
			printf("- %s\nUNSUPPORTED by port %s (missing capability or function)\n", name,
			       g_cfg.port_name.c_str());
		rows.push_back({ name, r, s });
		fflush(stdout);
	};
	for (const Group &g : statefulGroups())
		if (wanted(only, g.name))
			timed(g.name, [&g] { return runGroup(g); });
	for (const PureProp &p : pureProps())
		if (wanted(only, p.name))
			timed(p.name, [&p] {
				Outcome r = p.run(p.name);
				if (r == Outcome::Fail)
					reportFailure(p.name);
				return r;
			});

	progressEnd();
	int fails = 0;
	double total = 0;
	printf("\nkas-props summary (port %s, profile %s):\n", g_cfg.port_name.c_str(),
	       g_cfg.profile->name);
	printf("  %-18s %-12s %8s  %s\n", "property", "result", "time",
	       "traces, ops run/skipped/unsupported, rules exercised (stateful)");
	for (const Row &r : rows) {
		printf("  %-18s %-12s %7.2fs", r.name.c_str(), outcomeName(r.outcome), r.secs);
		auto cov = g_coverage.find(r.name);
		if (cov != g_coverage.end() && cov->second.traces)
			printf("  %llu, %llu/%llu/%llu, %zu", (unsigned long long)cov->second.traces,
			       (unsigned long long)cov->second.opsRun,
			       (unsigned long long)cov->second.opsSkipped,
			       (unsigned long long)cov->second.opsUnsupported, cov->second.rules.size());
		printf("\n");
		fails += r.outcome == Outcome::Fail;
		total += r.secs;
	}
	printf("  %d failed, %.2fs total\n", fails, total);
	if (o.rulesList) {
		printf("\nrules exercised:\n");
		for (const auto &kv : g_coverage) {
			printf("  %-18s", kv.first.c_str());
			for (const auto &r : kv.second.rules)
				printf(" %s", r.first.c_str());
			printf("\n");
		}
		printRuleVerdicts();
	}
	fflush(stdout);
	return fails ? 1 : 0;
}
