/* SPDX-License-Identifier: MIT */
/*
 * kas-fuzz-triage: turns a fuzzer input for the `ops` target into findings.
 *
 *   kas-fuzz-triage [--port P] [--profile P] [--max-ops N] [--text]
 *                   [--minimize --rules ID,... --out-dir DIR [--found-by TEXT]]
 *                   [--crash KEY --out-dir DIR [--found-by TEXT]]
 *                   INPUT
 *
 * Decodes INPUT exactly as the target does (binary, at most --max-ops ops;
 * --text: INPUT is a .ktrace), runs it on the port with a fresh spec and
 * prints one line per failing rule:
 *     FAIL <RULE-ID> op=<n> <message>
 * With --minimize, each listed rule that fails is shrunk with kas_minimize,
 * checked to still fail after printing and re-parsing, and written to
 * DIR/<RULE-ID>-<hash>.ktrace with `# port:`, `# rule:` and `# found-by:`
 * header lines; a line "WROTE <RULE-ID> <path>" reports each file.
 * With --crash, INPUT crashes the port: it is not run here but shrunk to
 * the smallest trace that still crashes (every candidate in a child
 * process) and written to DIR/<KEY>-<hash>.ktrace with `# crashes: yes`.
 * Exit: 0 no rule failed, 1 a rule failed, 2 usage or set-up error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <kallocspec/harness.h>
#include <kallocspec/minimize.h>
#include <kallocspec/spec.h>
#include <kallocspec/trace.h>

#include "fuzz_common.h"

struct triage {
	const struct kas_port *port;
	const struct kas_profile *profile;
	size_t max_ops;
	bool text;
	bool minimize;
	const char *rules;       /* comma list, NULL = every failing rule */
	const char *out_dir;
	const char *found_by;
	const char *crash_key;   /* --crash: the finding's key */
	size_t pool;             /* pool-bytes the runs use (0 = port default) */
};

static int read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	uint8_t *buf;

	if (!f) {
		fprintf(stderr, "kas-fuzz-triage: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(cap + 1);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (n < cap)
			break;
		cap *= 2;
		uint8_t *nb = realloc(buf, cap + 1);
		if (!nb)
			free(buf);
		buf = nb;
	}
	fclose(f);
	if (!buf)
		return -1;
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

/* Runs t with a fresh spec; returns the spec (caller frees) or NULL. */
static struct kas_spec *run(const struct triage *tr, const struct kas_trace *t)
{
	struct kas_spec *spec = kas_spec_new(t->profile ? t->profile : tr->profile,
					     kas_port_effective_caps(tr->port));
	struct kas_harness_opts opts = { 0 };
	struct kas_trace_result res;

	if (!spec)
		return NULL;
	opts.pool_bytes = tr->pool;
	if (kas_run_trace(tr->port, spec, t, &opts, &res) != 0) {
		fprintf(stderr, "kas-fuzz-triage: port '%s' failed to initialise (%d)\n", tr->port->name,
			res.init_error);
		kas_spec_free(spec);
		return NULL;
	}
	return spec;
}

static bool listed(const char *list, const char *id)
{
	size_t n = strlen(id);

	while (list && *list) {
		const char *end = strchr(list, ',');
		size_t len = end ? (size_t)(end - list) : strlen(list);

		if (len == n && memcmp(list, id, n) == 0)
			return true;
		list = end ? end + 1 : NULL;
	}
	return false;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

/* The text of t with our metadata lines after the "# kallocspec trace" line. */
static char *with_meta(const struct kas_trace *t, const struct triage *tr, const char *rule)
{
	char *body = kas_trace_to_string(t, SIZE_MAX), *out;
	const char *rest = body;
	char head[1024];
	size_t need;

	if (!body)
		return NULL;
	if (strncmp(body, "# kallocspec trace", 18) == 0) {
		const char *nl = strchr(body, '\n');

		rest = nl ? nl + 1 : body + strlen(body);
	}
	snprintf(head, sizeof(head), "# kallocspec trace v1\n# port: %s\n# rule: %s\n# found-by: %s\n",
		 tr->port->name, rule, tr->found_by ? tr->found_by : "kallocspec fuzz");
	/* the machine size the finding needs, for `kallocspec replay` */
	if (tr->pool && !kas_trace_meta(t, "pool-bytes"))
		snprintf(head + strlen(head), sizeof(head) - strlen(head), "# pool-bytes: %zu\n",
			 tr->pool);
	need = strlen(head) + strlen(rest) + 1;
	out = malloc(need);
	if (out)
		snprintf(out, need, "%s%s", head, rest);
	free(body);
	return out;
}

/* Does the text reproduce a failure of rule when parsed and run afresh?
 * Some violations depend on heap state (a malloc-based port's alignment),
 * so a few attempts are made, as kas_minimize does. */
static bool text_fails_once(const struct triage *tr, const char *text, size_t rule);

/* How often the text form fails the rule in `replays` runs: a failure that
 * depends on heap layout fails in some of them only. */
#define TRIAGE_REPLAYS 10
static unsigned text_fail_count(const struct triage *tr, const char *text, size_t rule,
				unsigned replays)
{
	unsigned n = 0;

	for (unsigned i = 0; i < replays; i++)
		n += text_fails_once(tr, text, rule);
	return n;
}

static bool text_fails_once(const struct triage *tr, const char *text, size_t rule)
{
	struct kas_trace t;
	struct kas_parse_error err;
	struct kas_spec *spec;
	bool fails = false;

	kas_trace_init(&t);
	if (kas_trace_parse(&t, text, strlen(text), "<minimised>", NULL, tr->profile, &err) == 0 &&
	    (spec = run(tr, &t)) != NULL) {
		const struct kas_tally *tl = kas_spec_tally(spec, rule);

		fails = tl && tl->failed;
		kas_spec_free(spec);
	}
	kas_trace_free(&t);
	return fails;
}

static int write_finding(const struct triage *tr, const struct kas_trace *t, size_t rule)
{
	const char *id = kas_rule_at(rule)->id;
	struct kas_minimize_opts mo = { .pool_bytes = tr->pool };
	struct kas_minimize_stats st = { 0 };
	struct kas_trace small;
	char *text = NULL, path[4096];
	const struct kas_trace *best = t;
	FILE *f;
	int rc = -1;

	if (kas_minimize(tr->port, t->profile, t, rule, &mo, &small, &st) == 0)
		best = &small;
	unsigned fails = 0;

	text = with_meta(best, tr, id);
	if (text)
		fails = text_fail_count(tr, text, rule, TRIAGE_REPLAYS);
	if (text && best != t && fails < TRIAGE_REPLAYS) {
		/* The shrunk trace fails less often once printed (state the text
		 * form does not carry): the whole trace, if it does better. */
		char *whole = with_meta(t, tr, id);
		unsigned whole_fails = whole ? text_fail_count(tr, whole, rule, TRIAGE_REPLAYS) : 0;

		if (whole && whole_fails > fails) {
			free(text);
			text = whole;
			best = t;
			fails = whole_fails;
		} else {
			free(whole);
		}
	}
	if (!text)
		goto out;
	if (fails < TRIAGE_REPLAYS) {
		/* Kept all the same, saying how often it fails: something to act on. */
		char *noted;
		char line[96];
		size_t need;

		snprintf(line, sizeof(line), "# fails-in: %u of %u replays\n", fails, TRIAGE_REPLAYS);
		need = strlen(text) + strlen(line) + 1;
		noted = malloc(need);
		if (!noted)
			goto out;
		const char *nl = strchr(text, '\n');
		size_t head = nl ? (size_t)(nl - text) + 1 : 0;
		snprintf(noted, need, "%.*s%s%s", (int)head, text, line, text + head);
		free(text);
		text = noted;
		printf("NOTE %s fails in %u of %u replays of its text form: %s\n", id, fails,
		       TRIAGE_REPLAYS, fails ? "it depends on the heap layout of the process"
		       : "it depends on state the trace does not carry (the fuzzer's heap or process); "
		       "the raw input reproduces it with fuzz_ops_replay");
		if (!fails)
			printf("UNREPRODUCIBLE %s\n", id);
	}
	mkdir(tr->out_dir, 0777);
	snprintf(path, sizeof(path), "%s/%s-%012llx.ktrace", tr->out_dir, id,
		 (unsigned long long)(fnv1a(text) & 0xffffffffffffull));
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "kas-fuzz-triage: %s: %s\n", path, strerror(errno));
		goto out;
	}
	printf("WROTE %s %s ops=%zu->%zu runs=%zu fails-in=%u/%u\n", id, path, t->nops, best->nops,
	       st.runs, fails, TRIAGE_REPLAYS);
	rc = 0;
out:
	free(text);
	kas_trace_free(&small);   /* kas_minimize leaves it freeable whatever it returned */
	return rc;
}

/* --crash: the smallest trace that still crashes the port, written with
 * its key.  Every candidate runs in a child: the input crashes. */
#define TRIAGE_CRASH_MS 20000u
static int write_crash(const struct triage *tr, const struct kas_trace *t)
{
	struct kas_minimize_opts mo = { .pool_bytes = tr->pool, .isolate = true,
					.time_limit_ms = TRIAGE_CRASH_MS };
	struct kas_minimize_stats st = { 0 };
	struct kas_trace small;
	const struct kas_trace *best = t;
	char path[4096];
	int rc = -1;

	if (kas_minimize(tr->port, t->profile, t, KAS_MINIMIZE_CRASH, &mo, &small, &st) == 0)
		best = &small;
	char *text = with_meta(best, tr, tr->crash_key);
	if (text) {
		const char *nl = strchr(text, '\n');
		size_t head = nl ? (size_t)(nl - text) + 1 : 0, need = strlen(text) + 32;
		char *noted = malloc(need);
		if (noted) {
			snprintf(noted, need, "%.*s# crashes: yes\n%s", (int)head, text, text + head);
			free(text);
			text = noted;
		}
	}
	if (text) {
		mkdir(tr->out_dir, 0777);
		snprintf(path, sizeof(path), "%s/%s-%012llx.ktrace", tr->out_dir, tr->crash_key,
			 (unsigned long long)(fnv1a(text) & 0xffffffffffffull));
		FILE *f = fopen(path, "w");
		if (f && fputs(text, f) >= 0 && fclose(f) == 0) {
			printf("WROTE %s %s ops=%zu->%zu runs=%zu\n", tr->crash_key, path, t->nops,
			       best->nops, st.runs);
			rc = 0;
		} else {
			fprintf(stderr, "kas-fuzz-triage: %s: %s\n", path, strerror(errno));
			if (f)
				fclose(f);
		}
	}
	free(text);
	kas_trace_free(&small);
	return rc;
}

static const char usage[] =
	"usage: kas-fuzz-triage [--port P] [--profile P] [--max-ops N] [--text]\n"
	"                       [--minimize --rules ID,... --out-dir DIR [--found-by TEXT]]\n"
	"                       [--crash KEY --out-dir DIR [--found-by TEXT]] INPUT\n";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'P' },
		{ "profile", required_argument, NULL, 'p' },
		{ "max-ops", required_argument, NULL, 'n' },
		{ "text", no_argument, NULL, 't' },
		{ "minimize", no_argument, NULL, 'm' },
		{ "rules", required_argument, NULL, 'r' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "found-by", required_argument, NULL, 'f' },
		{ "crash", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct triage tr = { 0 };
	const char *port_name = "ref";
	char err[256];
	uint8_t *data;
	size_t len;
	struct kas_trace t;
	struct kas_spec *spec;
	int c, rc = 0;

	tr.profile = kas_profile_default();
	tr.max_ops = 64;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'P': port_name = optarg; break;
		case 'p':
			if (!(tr.profile = kas_profile_find(optarg))) {
				fprintf(stderr, "kas-fuzz-triage: unknown profile '%s'\n", optarg);
				return 2;
			}
			break;
		case 'n': tr.max_ops = strtoul(optarg, NULL, 10); break;
		case 't': tr.text = true; break;
		case 'm': tr.minimize = true; break;
		case 'r': tr.rules = optarg; break;
		case 'o': tr.out_dir = optarg; break;
		case 'f': tr.found_by = optarg; break;
		case 'c': tr.crash_key = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind + 1 != argc || ((tr.minimize || tr.crash_key) && !tr.out_dir)) {
		fputs(usage, stderr);
		return 2;
	}
	if (!(tr.port = kas_port_open(port_name, err, sizeof(err)))) {
		fprintf(stderr, "kas-fuzz-triage: port '%s': %s\n", port_name, err);
		return 2;
	}
	if (read_file(argv[optind], &data, &len) != 0)
		return 2;
	kas_trace_init(&t);
	if (tr.text) {
		struct kas_parse_error perr;

		if (kas_trace_parse(&t, (const char *)data, len, argv[optind], NULL, tr.profile, &perr) != 0) {
			char msg[600];

			kas_parse_error_format(&perr, msg, sizeof(msg));
			fprintf(stderr, "%s\n", msg);
			free(data);
			return 2;
		}
	} else if (kas_trace_decode(&t, data, len, tr.profile, tr.max_ops) != 0) {
		fprintf(stderr, "kas-fuzz-triage: out of memory decoding\n");
		free(data);
		return 2;
	}
	free(data);
	/* a text trace brings its own machine size (`# pool-bytes:`), a
	 * binary input runs as the fuzz target ran it */
	tr.pool = tr.text ? 0 : kas_fuzz_pool_bytes();
	if (tr.crash_key) {
		rc = write_crash(&tr, &t) == 0 ? 1 : 2;
		kas_trace_free(&t);
		return rc;
	}
	if (!(spec = run(&tr, &t))) {
		kas_trace_free(&t);
		return 2;
	}
	for (size_t i = 0; i < kas_rule_count(); i++) {
		const struct kas_tally *tl = kas_spec_tally(spec, i);
		const char *id = kas_rule_at(i)->id;

		if (!tl || !tl->failed)
			continue;
		rc = 1;
		printf("FAIL %s op=%zu %s\n", id, tl->fail_op + 1, tl->message);
		if (tr.minimize && (!tr.rules || listed(tr.rules, id)))
			write_finding(&tr, &t, i);
	}
	fflush(stdout);
	kas_spec_free(spec);
	kas_trace_free(&t);
	return rc;
}
