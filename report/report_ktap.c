/* SPDX-License-Identifier: MIT */
/*
 * KTAP v1 (the kernel's Documentation/dev-tools/ktap.rst format), so kernel
 * tooling can read a port's conformance like a KUnit run:
 *
 *   KTAP version 1
 *   1..N
 *   ok 1 ALIGN-1
 *   not ok 2 ALIGN-2
 *   # ALIGN-2: kmalloc of power-of-two size 128 returned ..., not aligned
 *   # | a = kmalloc 128 GFP_KERNEL
 *   ok 3 KVMALLOC-3 # SKIP UNSUPPORTED: the port lacks a capability
 *
 * One test per rule, then one per trace-level fault (a HANG carries the
 * TIMEOUT directive, a lane error the ERROR directive).  Skipped tests are
 * "ok ... # SKIP": KTAP does not count them as failures, and neither do we
 * count them as passes (the closing diagnostic says how many passed).
 */
#include <kallocspec/report.h>

#include <inttypes.h>
#include <string.h>

/* A description or diagnostic: one line, no '#' (it would start a directive). */
static void ktap_text(FILE *out, const char *s)
{
	for (; s && *s; s++)
		putc(*s == '\n' || *s == '\r' ? ' ' : *s == '#' ? '_' : *s, out);
}

/* Each line of a multi-line text as a diagnostic line "# | ...". */
static void ktap_block(FILE *out, const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		fprintf(out, "# | %.*s\n", (int)n, p);
		p = nl ? nl + 1 : NULL;
	}
}

int kas_rep_write_ktap(FILE *out, const struct kas_rep *r)
{
	size_t n = 0;
	uint64_t passed, failed, skipped = 0;

	kas_rep_counts(r, &passed, &failed);
	fputs("KTAP version 1\n", out);
	/* a diagnostic line, which KTAP parsers pass over: who made the report */
	fputs("# ", out);
	ktap_text(out, r->tool ? r->tool : "kallocspec");
	fputs("\n", out);
	for (size_t i = 0; i < kas_caller_rule_count() && i < KAS_CALLER_RULES_MAX; i++)
		if (r->caller_refused[i])
			fprintf(out, "# refused %" PRIu64 " call(s) as %s: %s\n", r->caller_refused[i],
				kas_caller_rule_at(i)->id, kas_caller_rule_at(i)->title);
	fprintf(out, "1..%zu\n", r->nrules + r->nfaults);
	for (size_t i = 0; i < r->nrules; i++) {
		const struct kas_rep_rule *x = &r->rules[i];

		n++;
		switch (x->status) {
		case KAS_PASS:
			fprintf(out, "ok %zu ", n);
			ktap_text(out, x->id);
			putc('\n', out);
			break;
		case KAS_UNSUPPORTED:
		case KAS_UNTESTED:
			skipped++;
			fprintf(out, "ok %zu ", n);
			ktap_text(out, x->id);
			fprintf(out, " # SKIP %s: %s\n", kas_status_name(x->status),
				x->status == KAS_UNSUPPORTED ? "the port lacks a capability the rule needs"
							     : "no trace exercised the rule");
			break;
		default:
			fprintf(out, "not ok %zu ", n);
			ktap_text(out, x->id);
			fprintf(out, "%s\n", x->status == KAS_HANG ? " # TIMEOUT" : "");
			fprintf(out, "# %s %s: ", x->id, kas_status_name(x->status));
			ktap_text(out, x->title);
			fputs("\n# source: ", out);
			ktap_text(out, x->source);
			fputs(", ", out);
			ktap_text(out, x->section);
			putc('\n', out);
			if (x->message) {
				fputs("# ", out);
				ktap_text(out, x->message);
				putc('\n', out);
			}
			ktap_block(out, x->counterexample);
		}
	}
	for (size_t i = 0; i < r->nfaults; i++) {
		const struct kas_rep_fault *f = &r->faults[i];
		bool hang = f->status && strcmp(f->status, "HANG") == 0;
		bool crash = f->status && strcmp(f->status, "CRASH") == 0;

		n++;
		fprintf(out, "not ok %zu fault-%zu%s\n", n, i + 1,
			hang ? " # TIMEOUT" : crash ? "" : " # ERROR");
		fputs("# ", out);
		ktap_text(out, f->status);
		fputs(" in lane ", out);
		ktap_text(out, f->lane ? f->lane : "check");
		fputs(": ", out);
		ktap_text(out, f->trace);
		if (f->signal) {
			putc(' ', out);
			ktap_text(out, f->signal);
		}
		if (f->message) {
			fputs(": ", out);
			ktap_text(out, f->message);
		}
		putc('\n', out);
		ktap_block(out, f->counterexample);
	}
	for (size_t l = 0; l < r->nlanes; l++) {
		fputs("# lane ", out);
		ktap_text(out, r->lanes[l].name);
		fprintf(out, ": %s", kas_lane_state_name(r->lanes[l].state));
		if (r->lanes[l].seconds >= 0)
			fprintf(out, " in %.1f s", r->lanes[l].seconds);
		if (r->lanes[l].reason) {
			fputs(" (", out);
			ktap_text(out, r->lanes[l].reason);
			putc(')', out);
		}
		putc('\n', out);
	}
	fprintf(out, "# port ");
	ktap_text(out, r->port);
	fputs(", profile ", out);
	ktap_text(out, r->profile);
	fprintf(out, ": %" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n", passed,
		failed, skipped);
	return ferror(out) ? -1 : 0;
}
