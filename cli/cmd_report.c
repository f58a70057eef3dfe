/* SPDX-License-Identifier: MIT */
/*
 * `kallocspec report`: turn the gate's lane results into one report per
 * port and profile (JSON, JUnit XML, KTAP, Markdown, HTML), or several
 * reports into a port x rule matrix.  The gate (ci/gate) runs the lanes and
 * calls this once per profile; it can also re-render any report.json.
 */
#include "cli.h"
#include "cmd_report.h"
#include <kallocspec/version.h>

#include <kallocspec/report.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


static const char usage[] =
	"usage: kallocspec report [--out DIR] [--formats LIST] [REPORT.json]\n"
	"                         [--lane NAME:STATE:SECONDS[:REASON]]...\n"
	"                         [--lane-report NAME:FILE]... [--lane-findings NAME:DIR]...\n"
	"                         [--lane-error NAME:MESSAGE]... [--fuzz-plot FILE.svg]\n"
	"                         [--wall-seconds S] [--port NAME] [--profile NAME]\n"
	"       kallocspec report --matrix REPORT.json... -o FILE.html|FILE.md [--title T]\n"
	"\n"
	"Writes a conformance report in every format under DIR (default .):\n"
	"report.json (kallocspec-report/1, reports/SCHEMA.md), junit.xml,\n"
	"report.ktap (KTAP v1), report.md and report.html (one static page).\n"
	"The input is a report.json, or lanes: each --lane declares one (STATE is\n"
	"passed, failed, skipped or error), --lane-report adds a lane's per-rule\n"
	"results (a `kallocspec check --json` file), --lane-findings a folder of\n"
	"finding traces (*.ktrace: a rule ID in `# fails:`/`# rule:` or the file\n"
	"name makes the rule FAIL, anything else is a fault), --lane-error a\n"
	"failure outside any rule.  A rule's status is merged over the lanes:\n"
	"FAIL > CRASH > HANG > PASS > UNSUPPORTED > UNTESTED.\n"
	"  --formats LIST  comma-separated subset of json,junit,ktap,md,html\n"
	"  --matrix        one table of rules x reports (ports, profiles)\n"
	"exit status: 0 nothing failed, 1 something failed, 2 bad input\n";

#define MAX_INPUTS 64

enum { F_JSON = 1, F_JUNIT = 2, F_KTAP = 4, F_MD = 8, F_HTML = 16, F_ALL = 31 };

static const struct {
	const char *name, *file;
	int bit;
	int (*write)(FILE *, const struct kas_rep *);
} formats[] = {
	{ "json", "report.json", F_JSON, kas_rep_write_json },
	{ "junit", "junit.xml", F_JUNIT, kas_rep_write_junit },
	{ "ktap", "report.ktap", F_KTAP, kas_rep_write_ktap },
	{ "md", "report.md", F_MD, kas_rep_write_markdown },
	{ "html", "report.html", F_HTML, kas_rep_write_html },
};

static int parse_formats(const char *list)
{
	int bits = 0;
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (strcmp(tok, formats[i].name) == 0)
				break;
		if (i == sizeof(formats) / sizeof(formats[0]))
			return -1;
		bits |= formats[i].bit;
	}
	return bits;
}

/* "NAME:REST": the lane index of NAME (declared first) and REST. */
static int lane_arg(struct kas_rep *r, const char *arg, const char **rest)
{
	const char *colon = strchr(arg, ':');

	if (!colon || colon == arg)
		return -1;
	for (size_t l = 0; l < r->nlanes; l++)
		if (strlen(r->lanes[l].name) == (size_t)(colon - arg) &&
		    strncmp(r->lanes[l].name, arg, (size_t)(colon - arg)) == 0) {
			*rest = colon + 1;
			return (int)l;
		}
	return -2;
}

/* --lane NAME:STATE:SECONDS[:REASON] */
static int declare_lane(struct kas_rep *r, const char *arg)
{
	char name[64], state[16];
	const char *p = arg, *q;
	double secs;
	char *end;
	int st;

	if (!(q = strchr(p, ':')) || q == p || (size_t)(q - p) >= sizeof(name))
		return -1;
	snprintf(name, sizeof(name), "%.*s", (int)(q - p), p);
	p = q + 1;
	if (!(q = strchr(p, ':')) || (size_t)(q - p) >= sizeof(state))
		return -1;
	snprintf(state, sizeof(state), "%.*s", (int)(q - p), p);
	if ((st = kas_lane_state_parse(state)) < 0)
		return -1;
	p = q + 1;
	secs = strtod(p, &end);
	if (end == p || (*end && *end != ':'))
		return -1;
	return kas_rep_add_lane(r, name, (enum kas_lane_state)st, secs,
				*end == ':' && end[1] ? end + 1 : NULL) < 0 ? -1 : 0;
}

static char *read_text(const char *path)
{
	uint8_t *data;
	size_t len;
	char *s;

	if (cli_read_all(path, &data, &len) != 0)
		return NULL;
	s = realloc(data, len + 1);
	if (!s) {
		free(data);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

/* The rule a finding is about: `# fails: ID` / `# rule: ID`, else a run of
 * '-'-separated words of the file name that is a rule ID (fuzz findings are
 * RULE-ID-<hash>, property failures props-failure-<property>-<RULE-ID>). */
static int finding_rule(const char *text, const char *file, char *key, size_t keylen)
{
	static const char *const tags[] = { "\n# fails: ", "\n# rule: " };
	char base[256];
	size_t n;

	for (size_t t = 0; t < 2; t++) {
		const char *m = strstr(text, tags[t]);

		if (m) {
			m += strlen(tags[t]);
			n = strcspn(m, " \n\r");
			snprintf(key, keylen, "%.*s", (int)n, m);
			if (kas_rule_index(key) >= 0)
				return kas_rule_index(key);
		}
	}
	snprintf(base, sizeof(base), "%s", file);
	n = strlen(base);
	if (n > 7 && strcmp(base + n - 7, ".ktrace") == 0)
		base[n - 7] = '\0';
	for (char *a = base; a; a = strchr(a, '-') ? strchr(a, '-') + 1 : NULL) {
		for (char *e = a + strlen(a); e > a; ) {
			char save = *e;
			int idx;

			*e = '\0';
			idx = kas_rule_index(a);
			*e = save;
			if (idx >= 0) {
				snprintf(key, keylen, "%s", kas_rule_at((size_t)idx)->id);
				return idx;
			}
			while (--e > a && *e != '-')
				;
		}
	}
	if (!key[0])
		snprintf(key, keylen, "%s", base);
	return -1;
}

static int ktrace_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 7 && strcmp(d->d_name + n - 7, ".ktrace") == 0;
}

static int add_findings(struct kas_rep *r, int lane, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, ktrace_filter, alphasort);

	if (n < 0)
		return errno == ENOENT ? 0 : -1;   /* no findings folder: nothing found */
	for (int i = 0; i < n; i++) {
		char path[4096], key[128] = "";
		char *text;
		int idx;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		text = read_text(path);
		if (text) {
			idx = finding_rule(text, names[i]->d_name, key, sizeof(key));
			if (idx >= 0) {
				char msg[300];

				snprintf(msg, sizeof(msg), "%s finding %s", r->lanes[lane].name,
					 names[i]->d_name);
				kas_rep_add_verdict(r, lane, key, KAS_FAIL, msg, text);
			} else {
				const char *st = strstr(key, "hang") || strstr(key, "timeout") ? "HANG"
						 : strstr(key, "crash") || strstr(key, "CRASH") ? "CRASH"
						 : "ERROR";

				kas_rep_add_fault(r, st, r->lanes[lane].name, names[i]->d_name, key, text);
			}
			free(text);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

/* Position of a rule in the catalog this binary was built with; IDs it
 * does not know come last. */
static int catalog_pos(const char *id)
{
	int i = kas_rule_index(id);

	return i < 0 ? INT_MAX : i;
}

/* Rules in catalog order (kas_rule_at), as `kallocspec check` writes them,
 * whatever order the input listed them in: a findings lane declared before
 * the report lanes, a report.json written with an older catalog.  Stable:
 * IDs the catalog does not know keep their order, at the end. */
static void order_by_catalog(struct kas_rep *r)
{
	for (size_t i = 1; i < r->nrules; i++) {
		struct kas_rep_rule x = r->rules[i];
		int pos = catalog_pos(x.id);
		size_t j = i;

		for (; j > 0 && catalog_pos(r->rules[j - 1].id) > pos; j--)
			r->rules[j] = r->rules[j - 1];
		r->rules[j] = x;
	}
}

/* A lane that failed without naming a rule or a fault still fails the gate. */
static void lane_failures_counted(struct kas_rep *r)
{
	for (size_t l = 0; l < r->nlanes; l++) {
		bool seen = false;

		if (r->lanes[l].state != KAS_LANE_FAILED && r->lanes[l].state != KAS_LANE_ERROR)
			continue;
		for (size_t i = 0; i < r->nrules && !seen; i++)
			seen = r->rules[i].lane_status[l] == KAS_FAIL ||
			       r->rules[i].lane_status[l] == KAS_CRASH ||
			       r->rules[i].lane_status[l] == KAS_HANG;
		for (size_t i = 0; i < r->nfaults && !seen; i++)
			seen = r->faults[i].lane && strcmp(r->faults[i].lane, r->lanes[l].name) == 0;
		if (!seen)
			kas_rep_add_fault(r, "ERROR", r->lanes[l].name, NULL,
					  r->lanes[l].reason ? r->lanes[l].reason
							     : "the lane failed (see its log)", NULL);
	}
}

static int write_one(FILE *out, const void *arg)
{
	const void *const *pair = arg;
	int (*fn)(FILE *, const struct kas_rep *) =
		(int (*)(FILE *, const struct kas_rep *))(uintptr_t)pair[0];

	return fn(out, pair[1]);
}

struct matrix_arg {
	const struct kas_rep *const *reps;
	size_t n;
	const char *title;
};

static int write_matrix_html(FILE *out, const void *arg)
{
	const struct matrix_arg *m = arg;

	return kas_rep_write_matrix_html(out, m->reps, m->n, m->title);
}

static int write_matrix_md(FILE *out, const void *arg)
{
	const struct matrix_arg *m = arg;

	return kas_rep_write_matrix_markdown(out, m->reps, m->n, m->title);
}

static int run_matrix(char **files, int nfiles, const char *out_path, const char *title)
{
	struct kas_rep reps[MAX_INPUTS];
	const struct kas_rep *ptrs[MAX_INPUTS];
	struct matrix_arg m = { ptrs, 0, title };
	size_t n = strlen(out_path);
	char err[600];
	int rc = KAS_EXIT_OK;

	if (nfiles > MAX_INPUTS) {
		cli_error("report: at most %d reports in a matrix", MAX_INPUTS);
		return KAS_EXIT_USAGE;
	}
	for (int i = 0; i < nfiles; i++) {
		kas_rep_init(&reps[i]);
		if (kas_rep_load(&reps[i], files[i], err, sizeof(err)) != 0) {
			cli_error("%s", err);
			rc = KAS_EXIT_USAGE;
		}
		kas_rep_fill_from_catalog(&reps[i]);
		order_by_catalog(&reps[i]);
		ptrs[i] = &reps[i];
	}
	m.n = (size_t)nfiles;
	if (rc == KAS_EXIT_OK &&
	    kas_write_file_atomic(out_path, n > 3 && strcmp(out_path + n - 3, ".md") == 0
					    ? write_matrix_md : write_matrix_html,
				  &m, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		rc = KAS_EXIT_USAGE;
	}
	for (int i = 0; i < nfiles; i++)
		kas_rep_free(&reps[i]);
	return rc;
}

static int write_all(struct kas_rep *r, const char *dir, int which)
{
	char path[4096], err[600];

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		cli_error("report: %s: %s", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		const void *pair[2] = { (const void *)(uintptr_t)formats[i].write, r };

		if (!(which & formats[i].bit))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, formats[i].file);
		if (kas_write_file_atomic(path, write_one, pair, err, sizeof(err)) != 0) {
			cli_error("%s", err);
			return -1;
		}
	}
	return 0;
}

int kas_cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "formats", required_argument, NULL, 'f' },
		{ "lane", required_argument, NULL, 'L' },
		{ "lane-report", required_argument, NULL, 'R' },
		{ "lane-findings", required_argument, NULL, 'F' },
		{ "lane-error", required_argument, NULL, 'E' },
		{ "fuzz-plot", required_argument, NULL, 'P' },
		{ "wall-seconds", required_argument, NULL, 'w' },
		{ "matrix", no_argument, NULL, 'm' },
		{ "title", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = ".", *out_path = NULL, *title = NULL, *rest;
	int which = F_ALL, c, lane, rc = KAS_EXIT_OK;
	bool matrix = false;
	struct kas_rep r, part;
	char err[600], when[32];
	uint64_t passed, failed;

	kas_rep_init(&r);
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hmd:o:f:L:R:F:E:P:w:t:p:r:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			kas_rep_free(&r);
			return KAS_EXIT_OK;
		case 'd': dir = optarg; break;
		case 'o': out_path = optarg; break;
		case 't': title = optarg; break;
		case 'm': matrix = true; break;
		case 'p':
			free(r.port);
			r.port = strdup(optarg);
			break;
		case 'r':
			free(r.profile);
			r.profile = strdup(optarg);
			break;
		case 'f':
			if ((which = parse_formats(optarg)) <= 0) {
				kas_rep_free(&r);
				return cli_usage_error(usage, "report: bad --formats '%s'", optarg);
			}
			break;
		case 'w': r.wall_seconds = strtod(optarg, NULL); break;
		case 'L':
			if (declare_lane(&r, optarg) != 0) {
				kas_rep_free(&r);
				return cli_usage_error(usage, "report: bad --lane '%s' (NAME:STATE:SECONDS"
							      "[:REASON])", optarg);
			}
			break;
		case 'R':
		case 'F':
		case 'E':
			if ((lane = lane_arg(&r, optarg, &rest)) < 0) {
				kas_rep_free(&r);
				return cli_usage_error(usage, "report: '%s': declare the lane with --lane "
							      "first", optarg);
			}
			if (c == 'E') {
				kas_rep_add_fault(&r, "ERROR", r.lanes[lane].name, NULL, rest, NULL);
			} else if (c == 'F') {
				if (add_findings(&r, lane, rest) != 0) {
					cli_error("report: %s: %s", rest, strerror(errno));
					rc = KAS_EXIT_USAGE;
				}
			} else {
				kas_rep_init(&part);
				if (kas_rep_load(&part, rest, err, sizeof(err)) != 0) {
					/* A lane that wrote no report is a failed lane. */
					kas_rep_add_fault(&r, "ERROR", r.lanes[lane].name, NULL, err, NULL);
				} else if (kas_rep_merge(&r, lane, &part) != 0) {
					cli_error("report: out of memory");
					rc = KAS_EXIT_USAGE;
				}
				kas_rep_free(&part);
			}
			break;
		case 'P': {
			char *svg = read_text(optarg);

			if (!svg)
				rc = KAS_EXIT_USAGE;
			free(r.fuzz_plot_svg);
			r.fuzz_plot_svg = svg;
			break;
		}
		default:
			kas_rep_free(&r);
			return cli_bad_option(usage, "report", c, argv);
		}
	}
	if (matrix) {
		kas_rep_free(&r);
		if (optind >= argc || !out_path)
			return cli_usage_error(usage, "report: --matrix needs reports and -o FILE");
		return run_matrix(argv + optind, argc - optind, out_path, title);
	}
	if (optind + 1 < argc || (optind < argc && r.nlanes)) {
		kas_rep_free(&r);
		return cli_usage_error(usage, "report: one REPORT.json, or lanes (not both)");
	}
	if (optind < argc) {
		double wall = r.wall_seconds;

		if (kas_rep_load(&r, argv[optind], err, sizeof(err)) != 0) {
			cli_error("%s", err);
			kas_rep_free(&r);
			return KAS_EXIT_USAGE;
		}
		if (wall >= 0)
			r.wall_seconds = wall;
	} else if (!r.nlanes) {
		kas_rep_free(&r);
		return cli_usage_error(usage, "report: no input (a REPORT.json or --lane ...)");
	}
	kas_rep_fill_from_catalog(&r);
	order_by_catalog(&r);
	lane_failures_counted(&r);
	kas_rep_recompute(&r);
	if (!r.generated) {
		kas_iso8601_utc(time(NULL), when, sizeof(when));
		r.generated = strdup(when);
	}
	if (!r.tool) {
		char tool[128];

		snprintf(tool, sizeof(tool), "%s (%zu rules, port ABI %u.%u)",
			 kas_tool_string(), kas_rule_count(), KAS_PORT_ABI_MAJOR(KAS_PORT_ABI_VERSION),
			 KAS_PORT_ABI_VERSION & 0xffffu);
		r.tool = strdup(tool);
	}
	if (write_all(&r, dir, which) != 0)
		rc = KAS_EXIT_USAGE;
	kas_rep_counts(&r, &passed, &failed);
	printf("report: %s / %s: %" PRIu64 " passed, %" PRIu64 " failed -> %s\n",
	       r.port ? r.port : "?", r.profile ? r.profile : "?", passed, failed, dir);
	if (rc == KAS_EXIT_OK && failed)
		rc = KAS_EXIT_FAIL;
	kas_rep_free(&r);
	return rc;
}
