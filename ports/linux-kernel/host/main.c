/* SPDX-License-Identifier: MIT */
/*
 * kas-kernel: the host half of the kernel oracle.
 *
 *   kas-kernel encode --out DIR [--profile P] TRACE...
 *       writes DIR/NNNN.wire (one per trace, for the initramfs) and
 *       DIR/manifest (number <TAB> trace path)
 *   kas-kernel judge --manifest FILE --capture FILE... [--profile P]
 *                    [--json OUT] [--md OUT] [--traces OUT]
 *       judges the kernel's behaviour recorded in the serial capture(s)
 *       (one per boot; all must hold every trace) with the spec: the
 *       replay port gives the harness what the kernel returned.
 * Exit status: 0 no rule failed, 1 a rule failed, 2 usage / bad input.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <kallocspec/harness.h>
#include <kallocspec/report.h>
#include <kallocspec/spec.h>
#include "kernel_oracle.h"

static int usage(void)
{
	fprintf(stderr, "usage: kas-kernel encode --out DIR [--profile P] TRACE...\n"
			"       kas-kernel judge --manifest FILE --capture FILE [--capture FILE]...\n"
			"                        [--profile P] [--json OUT] [--md OUT] [--traces OUT]\n");
	return 2;
}

static const struct kas_profile *profile_arg(const char *name)
{
	const struct kas_profile *p = kas_profile_find(name);
	if (!p)
		fprintf(stderr, "kas-kernel: unknown profile %s\n", name);
	return p;
}

static int parse_trace(struct kas_trace *t, const char *path, const struct kas_profile *p)
{
	struct kas_parse_error e;
	char msg[600];

	kas_trace_init(t);
	if (kas_trace_parse_file(t, path, p, p, &e) == 0)
		return 0;
	kas_parse_error_format(&e, msg, sizeof(msg));
	fprintf(stderr, "kas-kernel: %s\n", msg);
	kas_trace_free(t);
	return -1;
}

static int cmd_encode(int argc, char **argv)
{
	const char *out = NULL, *prof = "linux-6.1";
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			prof = argv[++i];
		else
			return usage();
	}
	const struct kas_profile *p = profile_arg(prof);
	if (!out || !p)
		return usage();
	mkdir(out, 0755);
	char path[4096];
	snprintf(path, sizeof(path), "%s/manifest", out);
	FILE *man = fopen(path, "w");
	if (!man) {
		fprintf(stderr, "kas-kernel: %s: %s\n", path, strerror(errno));
		return 2;
	}
	unsigned no = 0, bad = 0;
	for (; i < argc; i++) {
		struct kas_trace t;
		if (parse_trace(&t, argv[i], p)) {
			bad++;
			continue;
		}
		no++;
		snprintf(path, sizeof(path), "%s/%05u.wire", out, no);
		FILE *w = fopen(path, "w");
		if (!w || ko_wire_write(w, &t, no)) {
			fprintf(stderr, "kas-kernel: cannot write %s\n", path);
			if (w)
				fclose(w);
			kas_trace_free(&t);
			fclose(man);
			return 2;
		}
		fclose(w);
		fprintf(man, "%u\t%s\n", no, argv[i]);
		kas_trace_free(&t);
	}
	fclose(man);
	fprintf(stderr, "kas-kernel: %u trace(s) encoded into %s%s\n", no, out,
		bad ? " (some did not parse)" : "");
	return bad ? 2 : 0;
}

/* ---------------- judge ---------------- */

struct judged {
	char *path;
	unsigned no;
	size_t nops, cut;
	const char *cut_why;
	unsigned fails;
	char failed_rules[512];
	char warnings[512];
	long module_pattern_bad;   /* the module's own pattern-before-free verdict */
};

static void note_warnings(struct judged *j, const struct ko_trace_recs *tr)
{
	size_t len = 0;
	j->warnings[0] = 0;
	j->module_pattern_bad = -1;
	for (size_t i = 0; tr && i < tr->nrec; i++) {
		const struct ko_rec *rc = &tr->rec[i];
		if (rc->pt >= 0 && j->module_pattern_bad < 0)
			j->module_pattern_bad = (long)i;
		if (rc->warns && len < sizeof(j->warnings) - 64)
			len += (size_t)snprintf(j->warnings + len, sizeof(j->warnings) - len,
						"%sop %zu: %.100s", len ? "; " : "", i,
						rc->warn_text ? rc->warn_text : "?");
	}
}

static int judge_one(struct kas_spec *spec, const struct kas_profile *p, struct kas_trace *t,
		     const struct ko_trace_recs *tr, struct judged *j)
{
	const struct kas_port *port = ko_replay_port();
	struct kas_harness_opts o = { 0 };
	struct kas_trace_result res;

	o.on_call = ko_replay_on_call;
	/* pass 1 on a scratch spec: where does the kernel's run stop matching? */
	struct kas_spec *scratch = kas_spec_new(p, port->caps);
	if (!scratch)
		return -1;
	ko_replay_begin(tr, t, t->nops);
	kas_run_trace(port, scratch, t, &o, &res);
	kas_spec_free(scratch);
	j->cut = ko_replay_cut(&j->cut_why);
	if (tr && tr->hung && j->cut != SIZE_MAX)
		j->cut_why = "HANG: the kernel stopped in this trace (VM killed)";
	j->nops = t->nops;

	/* pass 2: judge the ops the kernel ran as asked */
	struct kas_trace cut;
	const struct kas_trace *run = t;
	kas_trace_init(&cut);
	if (j->cut != SIZE_MAX) {
		if (kas_trace_copy(&cut, t, j->cut))
			return -1;
		run = &cut;
	}
	size_t nr = kas_rule_count();
	uint64_t *before = calloc(nr, sizeof(uint64_t));
	for (size_t r = 0; before && r < nr; r++)
		before[r] = kas_spec_tally(spec, r)->failed;
	ko_replay_begin(tr, run, run->nops);
	kas_run_trace(port, spec, run, &o, &res);
	j->fails = res.fails;
	size_t len = 0;
	j->failed_rules[0] = 0;
	for (size_t r = 0; before && r < nr; r++)
		if (kas_spec_tally(spec, r)->failed > before[r] && len < sizeof(j->failed_rules) - 32)
			len += (size_t)snprintf(j->failed_rules + len, sizeof(j->failed_rules) - len,
						"%s%s", len ? "," : "", kas_rule_at(r)->id);
	free(before);
	kas_trace_free(&cut);
	return 0;
}

static void write_md(FILE *f, const struct kas_spec *spec, const struct kas_profile *p,
		     const struct ko_results *caps, size_t ncap, const struct judged *js, size_t nj)
{
	size_t nr = kas_rule_count();
	unsigned count[KAS_STATUS__COUNT] = { 0 };

	fprintf(f, "# The real Linux kernel judged by the spec (profile %s)\n\n", p->name);
	for (size_t c = 0; c < ncap; c++)
		fprintf(f, "- boot %zu: `uname -r` = %s; command line `%s`\n", c + 1,
			caps[c].uname, caps[c].cmdline);
	fprintf(f, "\n| rule | status | judged | failed | first failure |\n|---|---|---|---|---|\n");
	for (size_t r = 0; r < nr; r++) {
		const struct kas_rule *rule = kas_rule_at(r);
		if (!kas_rule_in_profile(rule, p))
			continue;
		enum kas_status st = kas_spec_status(spec, r);
		const struct kas_tally *t = kas_spec_tally(spec, r);
		count[st]++;
		fprintf(f, "| %s | %s | %llu | %llu | %s |\n", rule->id, kas_status_name(st),
			(unsigned long long)t->exercised, (unsigned long long)t->failed,
			t->failed ? t->message : "");
	}
	fprintf(f, "\nTotals:");
	for (int s = 0; s < KAS_STATUS__COUNT; s++)
		if (count[s])
			fprintf(f, " %s %u", kas_status_name((enum kas_status)s), count[s]);
	fprintf(f, "\n\n## Traces\n\n| trace | ops | judged ops | stopped because | failed rules | kernel warnings |\n|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < nj; i++) {
		const struct judged *j = &js[i];
		const char *base = strrchr(j->path, '/');
		fprintf(f, "| %s | %zu | %zu | %s | %s | %s |\n", base ? base + 1 : j->path, j->nops,
			j->cut == SIZE_MAX ? j->nops : j->cut,
			j->cut == SIZE_MAX ? "" : (j->cut_why ? j->cut_why : "?"),
			j->failed_rules, j->warnings);
	}
}

static int cmd_judge(int argc, char **argv)
{
	const char *manifest = NULL, *prof = "linux-6.1", *json = NULL, *md = NULL, *tlog = NULL;
	const char *capv[8];
	size_t ncap = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--manifest") && i + 1 < argc)
			manifest = argv[++i];
		else if (!strcmp(argv[i], "--capture") && i + 1 < argc && ncap < 8)
			capv[ncap++] = argv[++i];
		else if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			prof = argv[++i];
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--md") && i + 1 < argc)
			md = argv[++i];
		else if (!strcmp(argv[i], "--traces") && i + 1 < argc)
			tlog = argv[++i];
		else
			return usage();
	}
	const struct kas_profile *p = profile_arg(prof);
	if (!manifest || !ncap || !p)
		return usage();

	struct ko_results caps[8];
	char err[512];
	for (size_t c = 0; c < ncap; c++) {
		err[0] = 0;
		if (ko_results_load(&caps[c], capv[c], err, sizeof(err)) != 0) {
			fprintf(stderr, "kas-kernel: %s\n", err);
			return 2;
		}
		if (err[0])
			fprintf(stderr, "kas-kernel: warning: %s\n", err);
	}
	FILE *man = fopen(manifest, "r");
	if (!man) {
		fprintf(stderr, "kas-kernel: %s: %s\n", manifest, strerror(errno));
		return 2;
	}
	struct kas_spec *spec = kas_spec_new(p, ko_replay_port()->caps);
	struct judged *js = NULL;
	size_t nj = 0;
	char line[4200];
	FILE *tl = tlog ? fopen(tlog, "w") : NULL;
	uint64_t ops = 0;
	while (fgets(line, sizeof(line), man)) {
		unsigned no;
		char path[4096];
		if (sscanf(line, "%u\t%4095[^\n]", &no, path) != 2)
			continue;
		struct kas_trace t;
		if (parse_trace(&t, path, p))
			continue;
		for (size_t c = 0; c < ncap; c++) {
			struct judged *nv = realloc(js, (nj + 1) * sizeof(*js));
			if (!nv)
				break;
			js = nv;
			struct judged *j = &js[nj++];
			memset(j, 0, sizeof(*j));
			j->path = strdup(path);
			j->no = no;
			const struct ko_trace_recs *tr = ko_results_trace(&caps[c], no);
			note_warnings(j, tr);
			judge_one(spec, p, &t, tr, j);
			ops += j->cut == SIZE_MAX ? j->nops : j->cut;
			if (tl)
				fprintf(tl, "boot %zu\t%s\tops %zu\tjudged %zu\t%s\tfailed [%s]\tmodule-pattern-bad %ld\twarnings [%s]\n",
					c + 1, path, j->nops, j->cut == SIZE_MAX ? j->nops : j->cut,
					j->cut == SIZE_MAX ? "complete" : j->cut_why, j->failed_rules,
					j->module_pattern_bad, j->warnings);
		}
		kas_trace_free(&t);
	}
	fclose(man);
	if (tl)
		fclose(tl);

	int any_fail = 0;
	for (size_t r = 0; r < kas_rule_count(); r++)
		if (kas_rule_in_profile(kas_rule_at(r), p) && kas_spec_status(spec, r) == KAS_FAIL)
			any_fail = 1;
	if (json) {
		struct kas_report_meta m = { 0 };
		m.port = "linux-kernel";
		m.ops = ops;
		m.traces = nj;
		if (kas_report_json_save(json, &m, spec, NULL, err, sizeof(err)))
			fprintf(stderr, "kas-kernel: %s\n", err);
	}
	FILE *mf = md ? fopen(md, "w") : stdout;
	if (mf) {
		write_md(mf, spec, p, caps, ncap, js, nj);
		if (md)
			fclose(mf);
	}
	for (size_t i = 0; i < nj; i++)
		free(js[i].path);
	free(js);
	for (size_t c = 0; c < ncap; c++)
		ko_results_free(&caps[c]);
	kas_spec_free(spec);
	return any_fail;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "encode"))
		return cmd_encode(argc - 2, argv + 2);
	if (!strcmp(argv[1], "judge"))
		return cmd_judge(argc - 2, argv + 2);
	return usage();
}
