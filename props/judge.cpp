// SPDX-License-Identifier: MIT
//
// Running a generated trace: parse the text with the trace library, run it
// with the harness on the port under a fresh spec, and collect the rules
// that FAILed.  Nothing here judges a call itself.
#include "props.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace kasprops {

Config g_cfg;
std::map<std::string, Failure> g_failures;
std::map<std::string, Coverage> g_coverage;

std::string traceHeader(const std::string &property)
{
	std::string h = "# kallocspec trace v1\n";
	h += "# property: " + property + "\n";
	h += "# port: " + g_cfg.port_name + "\n";
	h += "# generator: kas-props\n";
	h += std::string("profile ") + g_cfg.profile->name + "\n";
	return h;
}

static bool ruleSelected(const char *id)
{
	if (g_cfg.rules.empty())
		return true;
	return std::find(g_cfg.rules.begin(), g_cfg.rules.end(), id) != g_cfg.rules.end();
}

// kas_trace_print output as a string.
static std::string printTrace(const kas_trace *t)
{
	char *s = kas_trace_to_string(t, SIZE_MAX);
	std::string out = s ? s : "";
	free(s);
	return out;
}

bool judgeTrace(const std::string &property, const std::string &text, Failure *f)
{
	kas_trace t;
	kas_parse_error perr;
	kas_trace_init(&t);
	f->property = property;
	if (kas_trace_parse(&t, text.data(), text.size(), "<kas-props>", g_cfg.profile,
			    g_cfg.profile, &perr) != 0) {
		// The generator wrote something the parser rejects: a bug in
		// kas-props or in the parser, reported as a failure of its own.
		char msg[600];
		kas_parse_error_format(&perr, msg, sizeof(msg));
		f->rule = "PARSE";
		f->messages = msg;
		f->trace = text;
		f->nops = 0;
		kas_trace_free(&t);
		return false;
	}

	kas_spec *spec = kas_spec_new(g_cfg.profile, g_cfg.caps);
	kas_harness_opts opts{};
	opts.pool_bytes = g_cfg.pool_bytes;
	opts.stop_at_first_fail = true;   // later ops cannot matter; shrinking drops them
	kas_trace_result res{};
	int rc = kas_run_trace(g_cfg.port, spec, &t, &opts, &res);

	Coverage &cov = g_coverage[property];
	cov.traces++;
	cov.opsRun += res.ops_run;
	cov.opsSkipped += res.ops_skipped;
	cov.opsUnsupported += res.ops_unsupported;
	for (size_t i = 0; i < kas_rule_count(); i++) {
		const kas_tally *tl = kas_spec_tally(spec, i);
		if (tl && tl->exercised)
			cov.rules.insert(kas_rule_at(i)->id);
	}

	bool ok = true;
	f->messages.clear();
	f->rule.clear();
	if (rc != 0) {
		ok = false;
		f->rule = "INIT";
		f->messages = "port init() failed with " + std::to_string(res.init_error);
	} else {
		for (size_t i = 0; i < kas_rule_count(); i++) {
			const kas_tally *tl = kas_spec_tally(spec, i);
			const kas_rule *r = kas_rule_at(i);
			if (!tl || !tl->failed || !ruleSelected(r->id))
				continue;
			if (ok)
				f->rule = r->id;
			ok = false;
			f->messages += std::string(r->id) + ": " + tl->message + "\n";
		}
	}
	if (!ok) {
		f->trace = printTrace(&t);
		f->nops = t.nops;
	}
	kas_spec_free(spec);
	kas_trace_free(&t);
	return ok;
}

// ---- crash and hang isolation (--fork) ----

static void putField(std::string &out, const std::string &s)
{
	out += std::to_string(s.size()) + ":" + s;
}

static bool getField(const std::string &in, size_t &pos, std::string &s)
{
	size_t colon = in.find(':', pos);
	if (colon == std::string::npos)
		return false;
	size_t n = strtoul(in.c_str() + pos, nullptr, 10);
	if (colon + 1 + n > in.size())
		return false;
	s = in.substr(colon + 1, n);
	pos = colon + 1 + n;
	return true;
}

static void writeAll(int fd, const std::string &s)
{
	for (size_t off = 0; off < s.size();) {
		ssize_t w = write(fd, s.data() + off, s.size() - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

// A CRASH or HANG: the generated text stands for the trace.
static void fatalFailure(const std::string &property, const std::string &text, const char *rule,
			 const std::string &msg, Failure *f)
{
	kas_trace t;
	kas_parse_error perr;
	kas_trace_init(&t);
	f->property = property;
	f->rule = rule;
	f->messages = std::string(rule) + ": " + msg + "\n";
	if (kas_trace_parse(&t, text.data(), text.size(), "<kas-props>", g_cfg.profile,
			    g_cfg.profile, &perr) == 0) {
		f->trace = printTrace(&t);
		f->nops = t.nops;
	} else {
		f->trace = text;
	}
	kas_trace_free(&t);
}

static double nowSeconds()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

bool judgeTraceIsolated(const std::string &property, const std::string &text, Failure *f)
{
	int fds[2];
	if (pipe(fds) != 0)
		return judgeTrace(property, text, f);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return judgeTrace(property, text, f);
	}
	if (pid == 0) {
		close(fds[0]);
		Failure cf;
		bool ok = judgeTrace(property, text, &cf);
		std::string out = ok ? "P" : "F";
		putField(out, cf.rule);
		putField(out, cf.messages);
		putField(out, cf.trace);
		putField(out, std::to_string(cf.nops));
		// The child's coverage of this one trace travels back too.
		const Coverage &cc = g_coverage[property];
		std::string rules;
		for (const auto &r : cc.rules)
			rules += r + ",";
		putField(out, std::to_string(cc.opsRun) + " " + std::to_string(cc.opsSkipped) + " " +
				      std::to_string(cc.opsUnsupported));
		putField(out, rules);
		writeAll(fds[1], out);
		_exit(0);
	}
	close(fds[1]);
	std::string got;
	char buf[4096];
	bool hung = false;
	const double deadline = nowSeconds() + g_cfg.timeout_s;
	for (;;) {
		const double left = deadline - nowSeconds();
		if (left <= 0) {
			hung = true;
			break;
		}
		pollfd pfd = { fds[0], POLLIN, 0 };
		int pr = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			continue;
		ssize_t n = read(fds[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got.append(buf, (size_t)n);
	}
	close(fds[0]);
	if (hung)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (hung) {
		fatalFailure(property, text, "HANG",
			     "no result within " + std::to_string(g_cfg.timeout_s) + " s", f);
		return false;
	}
	if (WIFSIGNALED(status)) {
		fatalFailure(property, text, "CRASH",
			     std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
				     strsignal(WTERMSIG(status)) + ")",
			     f);
		return false;
	}
	size_t pos = 1;
	std::string nops;
	f->property = property;
	if (got.empty() || !getField(got, pos, f->rule) || !getField(got, pos, f->messages) ||
	    !getField(got, pos, f->trace) || !getField(got, pos, nops)) {
		fatalFailure(property, text, "CRASH", "the run exited without a result", f);
		return false;
	}
	f->nops = strtoul(nops.c_str(), nullptr, 10);
	std::string counts, rules;
	if (getField(got, pos, counts) && getField(got, pos, rules)) {
		// The child started from a copy of the parent's coverage: take
		// only what this trace added.
		Coverage &cov = g_coverage[property];
		unsigned long long run = 0, skipped = 0, unsupported = 0;
		if (sscanf(counts.c_str(), "%llu %llu %llu", &run, &skipped, &unsupported) == 3) {
			cov.traces++;
			cov.opsRun = run;
			cov.opsSkipped = skipped;
			cov.opsUnsupported = unsupported;
		}
		for (size_t a = 0, b; (b = rules.find(',', a)) != std::string::npos; a = b + 1)
			cov.rules.insert(rules.substr(a, b - a));
	}
	return got[0] == 'P';
}

} // namespace kasprops
