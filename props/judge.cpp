// SPDX-License-Identifier: MIT
//
// Running a generated trace: parse the text with the trace library, run it
// with the harness on the port under a fresh spec, and collect the rules
// that FAILed.  Nothing here judges a call itself.
#include "props.h"

#include <algorithm>
#include <cstdlib>

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
	// The harness gives the port this pool (the trace's pool-bytes), so
	// `exhaust` can fill it to the watermarks.
	const Group *g = findGroup(property);
	if (g && g->poolBytes)
		h += "# pool-bytes: " + std::to_string(g->poolBytes) + "\n";
	h += std::string("profile ") + g_cfg.profile->name + "\n";
	return h;
}

const Group *findGroup(const std::string &name)
{
	for (const Group &g : statefulGroups())
		if (name == g.name)
			return &g;
	return nullptr;
}

static bool ruleSelected(const char *id)
{
	if (std::find(g_cfg.set_aside.begin(), g_cfg.set_aside.end(), id) != g_cfg.set_aside.end())
		return false;
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
	// --fork: the harness runs the trace in a child process, so a port that
	// crashes or hangs is a CRASH / HANG result that rapidcheck shrinks.
	opts.call_timeout_ms = g_cfg.timeout_s * 1000u;
	opts.mem_bytes = g_cfg.mem_bytes;
	int rc = g_cfg.fork ? kas_run_trace_isolated(g_cfg.port, spec, &t, &opts, &res)
			    : kas_run_trace(g_cfg.port, spec, &t, &opts, &res);

	progressTrace(res.ops_run);
	Coverage &cov = g_coverage[property];
	cov.traces++;
	cov.opsRun += res.ops_run;
	cov.opsSkipped += res.ops_skipped;
	cov.opsUnsupported += res.ops_unsupported;
	for (size_t i = 0; i < kas_rule_count(); i++) {
		const kas_tally *tl = kas_spec_tally(spec, i);
		if (tl && tl->exercised)
			cov.rules[kas_rule_at(i)->id] += tl->exercised;
	}

	bool ok = true;
	f->messages.clear();
	f->rule.clear();
	if (rc != 0) {
		ok = false;
		f->rule = "INIT";
		f->messages = rc == -2 ? std::string("could not start the isolated run\n")
				       : "port init() failed with " + std::to_string(res.init_error) + "\n";
	} else {
		if (res.status == KAS_RUN_CRASH || res.status == KAS_RUN_HANG) {
			ok = false;
			const bool crash = res.status == KAS_RUN_CRASH;
			f->rule = crash ? "CRASH" : "HANG";
			std::string where = res.fault_op == KAS_NOT_FOUND ? std::string("an unknown op")
					    : res.fault_op >= t.nops ? std::string("the teardown")
					    : "op " + std::to_string(res.fault_op);
			f->messages = crash ? "CRASH: " + std::string(res.signal_name) + " in " + where + "\n"
					    : "HANG: a port call in " + where + " ran over " +
						      std::to_string(g_cfg.timeout_s) + " s\n";
		}
		for (size_t i = 0; i < kas_rule_count(); i++) {
			const kas_tally *tl = kas_spec_tally(spec, i);
			const kas_rule *r = kas_rule_at(i);
			if (!tl || !tl->failed || !ruleSelected(r->id))
				continue;
			if (ok)
				f->rule = r->id;
			ok = false;
			cov.failed.insert(r->id);
			f->messages += std::string(r->id) + ": " + tl->message + "\n";
		}
	}
	if (!ok) {
		f->trace = printTrace(&t);
		f->nops = t.nops;
		progressFailure(property, f->rule);
	}
	kas_spec_free(spec);
	kas_trace_free(&t);
	return ok;
}

} // namespace kasprops
