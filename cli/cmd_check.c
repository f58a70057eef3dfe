/* SPDX-License-Identifier: MIT */
/*
 * `kallocspec check`: the conformance run.  Every witness trace of the
 * corpus, then random traces from the binary decoder, all judged by one
 * spec; then one line per rule, and for each failure the rule's source and
 * a minimised counterexample.
 */
#include "check.h"
#include "fault_rules.h"

#include <kallocspec/harness.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KAS_SOURCE_DIR
#define KAS_SOURCE_DIR "."
#endif

#define RANDOM_TRACE_OPS 50     /* ops per random trace */
#define RANDOM_TRACE_BYTES 1024 /* decoder input per random trace */

static const char usage[] =
	"usage: kallocspec check --port P [--profile P] [--seed N] [--ops N]\n"
	"                        [--json FILE] [--corpus DIR] [--save-counterexamples DIR]\n"
	"                        [--mem SIZE] [--time S] [--content sampled|full]\n"
	"                        [--no-isolate] [--timeout MS] [-q] [-v]\n"
	"\n"
	"Runs every witness trace (*.ktrace) of the corpus, then N random ops\n"
	"(default 5000, in traces of ~50 ops, seeded by --seed, default 1) on\n"
	"port P, and reports every rule of the profile (default: linux-latest)\n"
	"as PASS, FAIL, UNTESTED, UNSUPPORTED, CRASH or HANG.  Each failure comes\n"
	"with the rule's source and a minimised trace that `kallocspec replay`\n"
	"reproduces.  Progress and each FAIL, CRASH or HANG as it happens go to\n"
	"stderr.\n"
	"  --corpus DIR   witness traces (default: $KALLOCSPEC_CORPUS, else the\n"
	"                 installed share/kallocspec/corpora/witness next to this\n"
	"                 command, else the source tree's corpora/witness)\n"
	"  --json FILE    also write the report as JSON (kallocspec-report/1)\n"
	"  --save-counterexamples DIR\n"
	"                 write each failure's trace to DIR/<RULE-ID>.ktrace\n"
	"  --mem SIZE     the machine size: the port's process may map at most\n"
	"                 SIZE more private memory (default 1G; 0 = no limit), so\n"
	"                 a 16 GiB request fails as on a machine that small\n"
	"  --time S       stop starting traces and minimisations after S seconds\n"
	"                 and say what was left out (default: no limit)\n"
	"  --no-minimise  report each failure with the trace it failed in, as it\n"
	"                 ran (faster: minimising a failure can take seconds)\n"
	"  --content M    sampled (default): objects above 4 KiB are examined at\n"
	"                 both ends and on a fixed, seeded sample of pages; full:\n"
	"                 every byte of every object (slow on large objects)\n"
	"  --no-isolate   run traces in this process (faster, but a port that\n"
	"                 crashes takes kallocspec down; default: each trace in a\n"
	"                 child process, crashes and hangs reported as CRASH/HANG)\n"
	"  --timeout MS   a port call running longer is a HANG (default 10000)\n"
	"  -q, --quiet    no progress on stderr\n"
	"  -v, --verbose  name each trace as it runs\n";


/* splitmix64: small, fast, and the same sequence everywhere for a seed. */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Keeps the first CHECK_MAX_FAULTS crashing or hanging traces. */
static void note_fault(struct check_run *cr, const struct kas_trace *t, const char *name,
		       const struct kas_trace_result *res)
{
	struct check_fault *f;
	struct kas_harness_opts opts;
	char blocked[256] = "";

	if (res->status == KAS_RUN_CRASH)
		cr->crashes++;
	else
		cr->hangs++;
	/* the rules the op exercises fail (fault_rules.c) */
	check_harness_opts(cr, &opts);
	cli_charge_fault(cr->spec, t, res->fault_op, res->status == KAS_RUN_HANG, res->signal_name,
			 &opts, blocked, sizeof(blocked));
	cr->progress.faults++;
	cli_progress_note(&cr->progress, "%s %s%s at op %zu", name,
			  res->status == KAS_RUN_CRASH ? "CRASH " : "HANG",
			  res->status == KAS_RUN_CRASH ? res->signal_name : "", res->fault_op);
	if (cr->nfaults >= CHECK_MAX_FAULTS)
		return;
	f = &cr->faults[cr->nfaults];
	memset(f, 0, sizeof(*f));
	kas_trace_init(&f->trace);
	if (kas_trace_copy(&f->trace, t, SIZE_MAX) != 0) {
		kas_trace_free(&f->trace);
		return;
	}
	f->status = res->status;
	f->op = res->fault_op;
	snprintf(f->blocked, sizeof(f->blocked), "%s", blocked);
	snprintf(f->signal, sizeof(f->signal), "%s", res->signal_name);
	snprintf(f->name, sizeof(f->name), "%s", name);
	cr->nfaults++;
}

static int run_trace(struct check_run *cr, const struct kas_trace *t, const char *name)
{
	struct kas_harness_opts opts;
	struct kas_trace_result res;
	int rc;

	check_harness_opts(cr, &opts);
	memset(&res, 0, sizeof(res));
	rc = cr->isolate ? kas_run_trace_isolated(cr->port, cr->spec, t, &opts, &res)
			 : kas_run_trace(cr->port, cr->spec, t, &opts, &res);
	if (rc == -2) {
		cli_error("%s: cannot start a child process: %s", name, strerror(errno));
		return -1;
	}
	if (rc != 0) {
		cli_error("%s: port '%s' failed to initialise (%d)", name, cr->port->name,
			  res.init_error);
		return -1;
	}
	if (res.status != KAS_RUN_OK)
		note_fault(cr, t, name, &res);
	for (size_t i = 0; i < KAS_CALLER_RULES_MAX; i++)
		cr->refused[i] += res.refused[i];
	cr->calls_run += res.ops_run;
	cr->traces++;
	cr->ops += t->nops;
	cr->progress.traces = cr->traces;
	cr->progress.ops = cr->ops;
	/* every trace, also one that crashed: its failures were merged too */
	for (size_t i = 0; i < kas_rule_count(); i++) {
		const struct kas_tally *tally = kas_spec_tally(cr->spec, i);
		uint64_t fails = tally ? tally->failed - cr->failed_before[i] : 0;
		struct kas_trace *copy;

		if (!tally)
			continue;
		if (tally->failed && !cr->failed_before[i]) {
			/* a FAIL is final as soon as it happens: say so now */
			cr->progress.failed_rules++;
			cli_progress_note(&cr->progress, "FAIL %s  %s (%s): %s", kas_rule_at(i)->id,
					  kas_rule_at(i)->title, name, tally->message);
		}
		cr->failed_before[i] = tally->failed;
		if (fails <= cr->best_fails[i])
			continue;
		copy = malloc(sizeof(*copy));
		if (!copy)
			continue;   /* the tally's prefix will do */
		kas_trace_init(copy);
		if (kas_trace_copy(copy, t, SIZE_MAX) != 0) {
			kas_trace_free(copy);
			free(copy);
			continue;
		}
		if (cr->worst_trace[i]) {
			kas_trace_free(cr->worst_trace[i]);
			free(cr->worst_trace[i]);
		}
		cr->worst_trace[i] = copy;
		cr->best_fails[i] = fails;
	}
	if (cr->verbose)
		fprintf(stderr, "  %s: %zu ops, %u failing calls\n", name, t->nops, res.fails);
	return 0;
}

static int ktrace_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 7 && strcmp(d->d_name + n - 7, ".ktrace") == 0;
}

/*
 * The default corpus.  An installed kallocspec (PREFIX/bin/kallocspec) has
 * its corpus in PREFIX/share/kallocspec/corpora/witness; the path is taken
 * relative to the running binary (KAS_CORPUS_FROM_BINDIR, set by the
 * install rules) so a relocated install still finds it.  A binary in a
 * build tree has no such folder next to it and uses the source tree's.
 */
static const char *default_corpus(char *buf, size_t len)
{
#ifdef KAS_CORPUS_FROM_BINDIR
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	if (n > 0) {
		char *slash;
		int w;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (KAS_CORPUS_FROM_BINDIR[0] == '/')
				w = snprintf(buf, len, "%s", KAS_CORPUS_FROM_BINDIR);
			else
				w = snprintf(buf, len, "%s/%s", exe, KAS_CORPUS_FROM_BINDIR);
			if (w > 0 && (size_t)w < len && stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
				return buf;
		}
	}
#else
	(void)buf;
	(void)len;
#endif
	return KAS_SOURCE_DIR "/corpora/witness";
}

/* Witness traces; a missing default corpus is only a note. */
static int run_corpus(struct check_run *cr, const char *dir, bool explicit_dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, ktrace_filter, alphasort);
	int rc = 0;

	if (n < 0) {
		if (explicit_dir) {
			cli_error("corpus %s: %s", dir, strerror(errno));
			return -2;
		}
		fprintf(stderr, "kallocspec: note: no witness corpus at %s (%s)\n", dir,
			strerror(errno));
		return 0;
	}
	cr->witness_total = (size_t)n;
	cr->progress.phase = "witness traces";
	cr->progress.total = (uint64_t)n;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct kas_trace t;
		struct kas_parse_error perr;

		cr->progress.done = (uint64_t)i;
		cli_progress_show(&cr->progress);
		if (check_out_of_time(cr)) {
			cr->witness_skipped++;
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		kas_trace_init(&t);
		memset(&perr, 0, sizeof(perr));
		/* Witnesses are run under the checked profile; one that does not
		 * parse there (a flag the version lacks) is skipped, not fatal. */
		if (kas_trace_parse_file(&t, path, cr->profile, NULL, &perr) != 0) {
			char msg[600];

			kas_parse_error_format(&perr, msg, sizeof(msg));
			fprintf(stderr, "kallocspec: note: skipping witness under %s: %s\n",
				cr->profile->name, msg);
			cr->unparsed++;
		} else if (rc == 0 && run_trace(cr, &t, path) != 0) {
			rc = -1;
		}
		kas_trace_free(&t);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int run_random(struct check_run *cr, uint64_t seed, uint64_t nops)
{
	uint64_t state = seed, done = 0;
	uint8_t buf[RANDOM_TRACE_BYTES];
	unsigned empty = 0;
	uint64_t index = 0;

	cr->progress.phase = "random ops";
	cr->progress.total = nops;
	while (done < nops) {
		struct kas_trace t;

		cr->progress.done = done;
		cli_progress_show(&cr->progress);
		if (check_out_of_time(cr)) {
			cr->random_ops_skipped = nops - done;
			break;
		}
		size_t want = nops - done < RANDOM_TRACE_OPS ? (size_t)(nops - done) : RANDOM_TRACE_OPS;
		char name[64];

		for (size_t i = 0; i < sizeof(buf); i += 8) {
			uint64_t r = splitmix64(&state);

			memcpy(buf + i, &r, sizeof(r));
		}
		kas_trace_init(&t);
		if (kas_trace_decode(&t, buf, sizeof(buf), cr->profile, want) != 0) {
			cli_error("random traces: out of memory");
			kas_trace_free(&t);
			return -1;
		}
		if (t.nops == 0) {
			kas_trace_free(&t);
			if (++empty > 1000)
				break;  /* the decoder keeps dropping everything: nothing to run */
			continue;
		}
		snprintf(name, sizeof(name), "random #%" PRIu64, index++);
		if (run_trace(cr, &t, name) != 0) {
			kas_trace_free(&t);
			return -1;
		}
		done += t.nops;
		kas_trace_free(&t);
	}
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s[0] || s[0] == '-')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

bool check_out_of_time(const struct check_run *cr)
{
	return cr->deadline > 0 && cli_now() > cr->deadline;
}

void check_harness_opts(const struct check_run *cr, struct kas_harness_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->call_timeout_ms = cr->timeout_ms;
	opts->mem_bytes = cr->mem_bytes;
	opts->content_full = cr->content_full;
	opts->content_seed = cr->seed;
}

int check_set_meta(const struct check_run *cr, struct kas_trace *t, const char *const *kv)
{
	const char *all[2 * 12 + 1];
	char mem[32], seed[32];
	size_t n = 0;

	while (kv[n] && n < 2 * 8) {
		all[n] = kv[n];
		all[n + 1] = kv[n + 1];
		n += 2;
	}
	if (cr->mem_bytes) {
		kas_format_size(cr->mem_bytes, mem, sizeof(mem));
		all[n++] = "mem";
		all[n++] = mem;
	}
	if (cr->content_full) {
		all[n++] = "content";
		all[n++] = "full";
	} else {
		snprintf(seed, sizeof(seed), "%llu", (unsigned long long)cr->seed);
		all[n++] = "content-seed";
		all[n++] = seed;
	}
	all[n] = NULL;
	return cli_set_meta(t, all);
}

/* cli/cmd_kernel.c: the real kernel runs in a VM, not as a loadable port */
int kas_cmd_check_is_kernel(int argc, char **argv);
int kas_cmd_check_kernel(int argc, char **argv);

int kas_cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'P' },
		{ "profile", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "json", required_argument, NULL, 'j' },
		{ "corpus", required_argument, NULL, 'c' },
		{ "save-counterexamples", required_argument, NULL, 'S' },
		{ "no-isolate", no_argument, NULL, 'I' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "mem", required_argument, NULL, 'M' },
		{ "time", required_argument, NULL, 't' },
		{ "content", required_argument, NULL, 'C' },
		{ "no-minimise", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *port_name = NULL, *profile_name = NULL, *json_path = NULL, *corpus = NULL;
	uint64_t seed = 1, nops = 5000, timeout = 0, time_budget = 0;
	size_t mem = KAS_DEFAULT_MEM_BYTES;
	struct check_run cr;
	bool explicit_corpus = true, quiet = false;
	char corpus_buf[2048]; /* short enough that corpus/name.ktrace fits a path buffer */
	int c, rc;

	if (kas_cmd_check_is_kernel(argc, argv))
		return kas_cmd_check_kernel(argc, argv);
	memset(&cr, 0, sizeof(cr));
	cr.isolate = true;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hvqINP:p:s:n:j:c:S:T:M:t:C:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return KAS_EXIT_OK;
		case 'P': port_name = optarg; break;
		case 'p': profile_name = optarg; break;
		case 'j': json_path = optarg; break;
		case 'c': corpus = optarg; break;
		case 'S': cr.save_dir = optarg; break;
		case 'I': cr.isolate = false; break;
		case 'T':
			if (parse_u64(optarg, &timeout) != 0 || timeout == 0 || timeout > UINT32_MAX)
				return cli_usage_error(usage, "check: bad --timeout '%s'", optarg);
			cr.timeout_ms = (unsigned)timeout;
			break;
		case 'v': cr.verbose = true; break;
		case 'q': quiet = true; break;
		case 'N': cr.no_minimise = true; break;
		case 'M':
			if (cli_opt_mem(usage, "check", optarg, &mem))
				return KAS_EXIT_USAGE;
			break;
		case 't':
			if (parse_u64(optarg, &time_budget) != 0 || time_budget == 0)
				return cli_usage_error(usage, "check: bad --time '%s' (seconds)", optarg);
			break;
		case 'C':
			if (cli_opt_content(usage, "check", optarg, &cr.content_full))
				return KAS_EXIT_USAGE;
			break;
		case 's':
			if (parse_u64(optarg, &seed) != 0)
				return cli_usage_error(usage, "check: bad --seed '%s'", optarg);
			break;
		case 'n':
			if (parse_u64(optarg, &nops) != 0)
				return cli_usage_error(usage, "check: bad --ops '%s'", optarg);
			break;
		default:
			return cli_bad_option(usage, "check", c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "check: unexpected argument '%s'", argv[optind]);
	if (!port_name)
		return cli_usage_error(usage, "check: --port is required");
	cr.profile = profile_name ? cli_profile(profile_name) : kas_profile_find("linux-latest");
	if (!cr.profile)
		return KAS_EXIT_USAGE;
	int port_rc;
	if (!(cr.port = cli_port(port_name, &port_rc)))
		return port_rc;
	cr.port_arg = port_name;
	/* before the run, not after it: a long check must not end in "No such
	 * file or directory" for every counterexample */
	if (cr.save_dir && mkdir(cr.save_dir, 0755) != 0 && errno != EEXIST) {
		cli_error("check: --save-counterexamples %s: %s", cr.save_dir, strerror(errno));
		return KAS_EXIT_USAGE;
	}
	if (!corpus) {
		corpus = getenv("KALLOCSPEC_CORPUS");
		if (!corpus || !*corpus) {
			corpus = default_corpus(corpus_buf, sizeof(corpus_buf));
			explicit_corpus = false;
		}
	}
	cr.spec = kas_spec_new(cr.profile, kas_port_effective_caps(cr.port));
	cr.worst_trace = calloc(kas_rule_count() + 1, sizeof(*cr.worst_trace));
	cr.best_fails = calloc(kas_rule_count() + 1, sizeof(*cr.best_fails));
	cr.failed_before = calloc(kas_rule_count() + 1, sizeof(*cr.failed_before));
	cr.faults = calloc(CHECK_MAX_FAULTS, sizeof(*cr.faults));
	if (!cr.spec || !cr.worst_trace || !cr.best_fails || !cr.failed_before || !cr.faults) {
		cli_error("out of memory");
		return KAS_EXIT_USAGE;
	}
	cr.seed = seed;
	cr.mem_bytes = mem;
	cr.time_budget_s = time_budget;
	cli_progress_init(&cr.progress, stderr, quiet);
	if (time_budget)
		cr.deadline = cr.progress.t0 + (double)time_budget;
	/* in this process, the machine size is this process's: set once */
	if (!cr.isolate && mem && kas_mem_limit(mem) != 0)
		cli_error("check: note: cannot set the --mem limit (RLIMIT_DATA) in this process");
	rc = run_corpus(&cr, corpus, explicit_corpus);
	if (rc == 0)
		rc = run_random(&cr, seed, nops);
	if (rc == 0)
		rc = check_report(&cr, json_path, seed);
	else
		rc = KAS_EXIT_USAGE;
	/* nothing judged is not a success: no trace ran, or no call in them */
	if (rc != KAS_EXIT_USAGE && cr.traces == 0) {
		cli_error("check: nothing was judged: no trace ran (%zu of the corpus did not parse, "
			  "%" PRIu64 " random ops asked for)", cr.unparsed, nops);
		rc = KAS_EXIT_USAGE;
	} else if (rc != KAS_EXIT_USAGE && cr.calls_run == 0) {
		cli_error("check: nothing was judged: no call ran in %" PRIu64 " traces (every one "
			  "refused, skipped or unsupported)", cr.traces);
		rc = KAS_EXIT_USAGE;
	}
	cli_progress_end(&cr.progress);
	for (size_t i = 0; cr.worst_trace && i < kas_rule_count(); i++)
		if (cr.worst_trace[i]) {
			kas_trace_free(cr.worst_trace[i]);
			free(cr.worst_trace[i]);
		}
	free(cr.worst_trace);
	free(cr.best_fails);
	free(cr.failed_before);
	for (size_t i = 0; i < cr.nfaults; i++)
		kas_trace_free(&cr.faults[i].trace);
	free(cr.faults);
	kas_spec_free(cr.spec);
	return rc;
}
