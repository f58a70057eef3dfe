/* SPDX-License-Identifier: MIT */
/* `kallocspec replay`: run text traces on a port and show each failure. */
#include "cli.h"
#include "fault_rules.h"

#include <kallocspec/harness.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: kallocspec replay TRACE... --port P [--profile P] [-v] [-q] [--no-isolate]\n"
	"                         [--timeout MS] [--mem SIZE] [--content sampled|full]\n"
	"                         [--expect RULE-ID]\n"
	"\n"
	"Runs each text trace (\"-\" = stdin) on port P (a built-in name or a path to\n"
	"a .so) and prints every rule it fails: ID, title, source, message and the\n"
	"failing op.  The profile is --profile, else the trace's `profile` line,\n"
	"else linux-latest.  The machine size and the content sample are the\n"
	"options, else the trace's `# mem:` and `# content-seed:` lines (which\n"
	"`check` writes into every counterexample), else 1G and seed 0.\n"
	"  -v, --verbose   log every op with its result and verdicts\n"
	"  -q, --quiet     print only errors (for --expect)\n"
	"  --no-isolate    run in this process (default: a child process, so a port\n"
	"                  that crashes or hangs is reported as CRASH / HANG)\n"
	"  --timeout MS    a port call running longer is a HANG (default 10000)\n"
	"  --mem SIZE      the machine size (0 = no limit; see `check --help`)\n"
	"  --content M     sampled or full (see `check --help`)\n"
	"  --expect ID     exit 0 when every trace FAILs rule ID, 1 when one does not\n";

/* Print the failures one trace produced; returns the number of failing rules. */
static unsigned report_failures(const struct kas_spec *spec, const char *path, bool quiet)
{
	unsigned bad = 0;

	for (size_t i = 0; i < kas_rule_count(); i++) {
		enum kas_status st = kas_spec_status(spec, i);
		const struct kas_rule *r = kas_rule_at(i);
		const struct kas_tally *t = kas_spec_tally(spec, i);

		if (st != KAS_FAIL && st != KAS_CRASH && st != KAS_HANG)
			continue;
		bad++;
		if (quiet)
			continue;
		printf("%s: %s %s  %s\n", path, kas_status_name(st), r->id, r->title);
		cli_print_rule_source(stdout, r, "  ");
		if (t && t->message[0])
			printf("  %s\n", t->message);
		if (t && t->has_counterexample && t->fail_op < t->counterexample.nops) {
			char op[256];
			const struct kas_op *o = &t->counterexample.ops[t->fail_op];

			kas_op_format(&t->counterexample, t->fail_op, op, sizeof(op));
			if (o->line)
				printf("  at %s:%u: %s\n", path, o->line, op);
			else
				printf("  at op %zu: %s\n", t->fail_op + 1, op);
		}
		if (t && t->failed > 1)
			printf("  (%llu failing calls)\n", (unsigned long long)t->failed);
	}
	return bad;
}

/* 0 = ran without failures, 1 = a rule failed, 2 = bad input. */
struct replay_opts {
	bool verbose, isolate, quiet, content_full;
	unsigned timeout_ms;
	bool mem_given;
	size_t mem_bytes;
	int expect;             /* rule index for --expect, or -1 */
};

/* Why ops were UNSUPPORTED: what the port lacks for each kind of op the
 * trace has and the port cannot run (the rules they feed stay unjudged). */
static void print_unsupported(const char *path, const struct kas_port *port,
			      const struct kas_trace *t)
{
	uint32_t seen = 0;

	for (size_t i = 0; i < t->nops; i++) {
		uint32_t cap = kas_op_table[t->ops[i].code].cap;
		char why[512];

		if (!cap || (seen & cap) || !kas_port_missing(port, cap, why, sizeof(why)))
			continue;
		seen |= cap;
		printf("%s: not run (UNSUPPORTED): %s ops: %s\n", path, kas_cap_name(cap), why);
	}
}

static int replay_one(const char *path, const struct kas_port *port,
		      const struct kas_profile *force, const struct replay_opts *ro)
{
	int rc;
	struct kas_parse_error perr;
	struct kas_trace t;
	struct kas_trace_result res;
	struct kas_harness_opts opts;
	struct kas_spec *spec;
	unsigned bad;

	if (!cli_trace_path_ok(path))
		return KAS_EXIT_USAGE;
	memset(&perr, 0, sizeof(perr));
	kas_trace_init(&t);
	if (kas_trace_parse_file(&t, path, force, kas_profile_find("linux-latest"), &perr) != 0) {
		char msg[600];

		kas_parse_error_format(&perr, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		kas_trace_free(&t);
		return KAS_EXIT_USAGE;
	}
	/* nothing to judge is not a success */
	if (t.nops == 0) {
		cli_error("%s: the trace has no ops: nothing to judge", path);
		kas_trace_free(&t);
		return KAS_EXIT_USAGE;
	}
	spec = kas_spec_new(t.profile, kas_port_effective_caps(port));
	if (!spec) {
		cli_error("out of memory");
		kas_trace_free(&t);
		return KAS_EXIT_USAGE;
	}
	memset(&opts, 0, sizeof(opts));
	memset(&res, 0, sizeof(res));
	opts.log = ro->verbose ? stdout : NULL;
	if (ro->verbose)
		printf("%s: %zu ops, profile %s, port %s\n", path, t.nops, t.profile->name, port->name);
	opts.call_timeout_ms = ro->timeout_ms;
	opts.content_full = ro->content_full;
	/* --mem, else the trace's `# mem:` line (the harness reads it), else
	 * the default machine */
	if (ro->mem_given)
		opts.mem_bytes = ro->mem_bytes;
	else if (!kas_trace_meta(&t, "mem"))
		opts.mem_bytes = KAS_DEFAULT_MEM_BYTES;
	if (!ro->isolate) {
		size_t mem = opts.mem_bytes;
		size_t v;
		const char *meta = kas_trace_meta(&t, "mem");
		if (!mem && !ro->mem_given && meta && kas_parse_size(meta, &v) == 0)
			mem = v;
		kas_mem_limit(mem);
	}
	rc = ro->isolate ? kas_run_trace_isolated(port, spec, &t, &opts, &res)
			 : kas_run_trace(port, spec, &t, &opts, &res);
	if (rc != 0) {
		if (rc == -2)
			cli_error("%s: cannot start a child process", path);
		else
			cli_error("%s: port '%s' failed to initialise (%d)", path, port->name,
				  res.init_error);
		kas_spec_free(spec);
		kas_trace_free(&t);
		return KAS_EXIT_USAGE;
	}
	char blocked[256] = "";
	if (res.status != KAS_RUN_OK)   /* the rules the op exercises fail (fault_rules.c) */
		cli_charge_fault(spec, &t, res.fault_op, res.status == KAS_RUN_HANG, res.signal_name,
				 &opts, blocked, sizeof(blocked));
	bad = report_failures(spec, path, ro->quiet);
	if (res.status != KAS_RUN_OK) {
		char op[256] = "";

		bad++;
		if (res.fault_op < t.nops)
			kas_op_format(&t, res.fault_op, op, sizeof(op));
		if (!ro->quiet) {
			if (res.status == KAS_RUN_HANG)
				printf("%s: HANG  a port call did not return", path);
			else
				printf("%s: CRASH %s", path, res.signal_name);
			printf("%s%s\n",
			       res.fault_op < t.nops ? " at: " :
			       res.fault_op == t.nops ? " in teardown" : "", op);
			if (blocked[0])
				printf("%s: the crash or hang fails the rules that op exercises: %s\n",
				       path, blocked);
		}
	}
	if (!ro->quiet)
		printf("%s: %zu ops run, %zu skipped, %zu unsupported: %s\n", path, res.ops_run,
		       res.ops_skipped, res.ops_unsupported, bad ? "FAIL" : "no rule failed");
	if (!ro->quiet && res.ops_unsupported)
		print_unsupported(path, port, &t);
	if (!ro->quiet) {
		uint64_t refused[KAS_CALLER_RULES_MAX];

		for (size_t i = 0; i < KAS_CALLER_RULES_MAX; i++)
			refused[i] = res.refused[i];
		cli_print_refused(stdout, refused);
	}
	if (ro->expect >= 0)
		bad = kas_spec_status(spec, (size_t)ro->expect) == KAS_FAIL ? 0 : 1;
	if (res.ops_run == 0 && res.status == KAS_RUN_OK) {
		cli_error("%s: no call ran (%zu refused or skipped, %zu unsupported): nothing was "
			  "judged", path, res.ops_skipped, res.ops_unsupported);
		kas_spec_free(spec);
		kas_trace_free(&t);
		return KAS_EXIT_USAGE;
	}
	kas_spec_free(spec);
	kas_trace_free(&t);
	return bad ? KAS_EXIT_FAIL : KAS_EXIT_OK;
}

int kas_cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'P' },
		{ "profile", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-isolate", no_argument, NULL, 'I' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "mem", required_argument, NULL, 'M' },
		{ "content", required_argument, NULL, 'C' },
		{ "expect", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *port_name = NULL, *profile_name = NULL;
	const struct kas_profile *force = NULL;
	const struct kas_port *port;
	struct replay_opts ro = { .isolate = true, .expect = -1 };
	int c, rc = KAS_EXIT_OK;
	char *end;
	unsigned long ms;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hvqIp:P:T:M:C:E:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return KAS_EXIT_OK;
		case 'P':
			port_name = optarg;
			break;
		case 'p':
			profile_name = optarg;
			break;
		case 'v':
			ro.verbose = true;
			break;
		case 'I':
			ro.isolate = false;
			break;
		case 'q':
			ro.quiet = true;
			break;
		case 'M':
			if (cli_opt_mem(usage, "replay", optarg, &ro.mem_bytes))
				return KAS_EXIT_USAGE;
			ro.mem_given = true;
			break;
		case 'C':
			if (cli_opt_content(usage, "replay", optarg, &ro.content_full))
				return KAS_EXIT_USAGE;
			break;
		case 'E':
			if ((ro.expect = kas_rule_index(optarg)) < 0)
				return cli_usage_error(usage, "replay: --expect: no rule '%s'", optarg);
			break;
		case 'T':
			ms = strtoul(optarg, &end, 10);
			if (!optarg[0] || *end || ms == 0 || ms > UINT32_MAX)
				return cli_usage_error(usage, "replay: bad --timeout '%s'", optarg);
			ro.timeout_ms = (unsigned)ms;
			break;
		default:
			return cli_bad_option(usage, "replay", c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(usage, "replay: no trace given");
	if (!port_name)
		return cli_usage_error(usage, "replay: --port is required");
	if (profile_name && !(force = cli_profile(profile_name)))
		return KAS_EXIT_USAGE;
	int port_rc;
	if (!(port = cli_port(port_name, &port_rc)))
		return port_rc;

	for (int i = optind; i < argc; i++) {
		int one = replay_one(argv[i], port, force, &ro);

		/* bad input outranks a failed rule */
		if (one == KAS_EXIT_USAGE || (one == KAS_EXIT_FAIL && rc == KAS_EXIT_OK))
			rc = one;
	}
	fflush(stdout);
	return rc;
}
