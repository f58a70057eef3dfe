/* SPDX-License-Identifier: MIT */
/*
 * The oracle's serial capture -> per-op records.
 *
 *   === uname R / === cmdline C      boot facts
 *   T n / "<i> ok k=v ..." / E n     the module's result lines per trace
 *   === dmesg, then the kernel log   "kas: op n.i" markers precede each op;
 *                                    WARNING / BUG / allocation-failure lines
 *                                    after a marker belong to that op
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <kallocspec/port.h>
#include "kernel_oracle.h"

static struct ko_trace_recs *trace_get(struct ko_results *r, unsigned no, int create)
{
	for (size_t i = 0; i < r->ntr; i++)
		if (r->tr[i].no == no)
			return &r->tr[i];
	if (!create)
		return NULL;
	struct ko_trace_recs *n = realloc(r->tr, (r->ntr + 1) * sizeof(*n));
	if (!n)
		return NULL;
	r->tr = n;
	memset(&n[r->ntr], 0, sizeof(n[0]));
	n[r->ntr].no = no;
	return &n[r->ntr++];
}

static struct ko_rec *rec_get(struct ko_trace_recs *t, size_t i)
{
	if (i >= t->nrec) {
		size_t n = i + 1 > t->nrec * 2 ? i + 1 : t->nrec * 2;
		struct ko_rec *v = realloc(t->rec, n * sizeof(*v));
		if (!v)
			return NULL;
		for (size_t j = t->nrec; j < n; j++) {
			memset(&v[j], 0, sizeof(v[j]));
			v[j].z = v[j].pf = v[j].pt = v[j].kp = v[j].ct = KO_ABSENT;
		}
		t->rec = v;
		t->nrec = n;
	}
	return &t->rec[i];
}

static void parse_bulk(struct ko_rec *rc, const char *s)
{
	size_t n = *s ? 1 : 0;
	for (const char *p = s; *p; p++)
		n += *p == ',';
	rc->bulk = calloc(n ? n : 1, sizeof(uint64_t));
	if (!rc->bulk)
		return;
	char *end;
	for (rc->nbulk = 0; *s && rc->nbulk < n; s = *end ? end + 1 : end) {
		rc->bulk[rc->nbulk++] = strtoull(s, &end, 16);
		if (end == s)
			break;
	}
}

static void parse_result(struct ko_trace_recs *t, char *line)
{
	char *save, *tok = strtok_r(line, " ", &save);
	size_t idx = strtoull(tok, NULL, 10);
	struct ko_rec *rc = rec_get(t, idx);

	if (!rc)
		return;
	rc->status = KO_OK;
	while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
		if (!strcmp(tok, "ref")) {
			rc->status = KO_REFUSED;
			tok = strtok_r(NULL, " ", &save);
			snprintf(rc->why, sizeof(rc->why), "%s", tok ? tok : "?");
			return;
		}
		if (!strcmp(tok, "uns")) {
			rc->status = KO_UNSUPPORTED;
			return;
		}
		char *eq = strchr(tok, '=');
		if (!eq)
			continue;
		*eq++ = 0;
		if (!strcmp(tok, "r"))
			rc->cls = *eq;
		else if (!strcmp(tok, "a"))
			rc->a = strtoull(eq, NULL, 16);
		else if (!strcmp(tok, "v"))
			rc->v = strtoull(eq, NULL, 10);
		else if (!strcmp(tok, "pa"))
			rc->pa = strtoull(eq, NULL, 16);
		else if (!strcmp(tok, "ks"))
			rc->ks = strtoull(eq, NULL, 10);
		else if (!strcmp(tok, "vm"))
			rc->vm = atoi(eq);
		else if (!strcmp(tok, "pc"))
			rc->pc = atoi(eq);
		else if (!strcmp(tok, "same"))
			rc->same = atoi(eq);
		else if (!strcmp(tok, "z"))
			rc->z = strtol(eq, NULL, 10);
		else if (!strcmp(tok, "pf"))
			rc->pf = strtol(eq, NULL, 10);
		else if (!strcmp(tok, "pt"))
			rc->pt = strtol(eq, NULL, 10);
		else if (!strcmp(tok, "kp"))
			rc->kp = strtol(eq, NULL, 10);
		else if (!strcmp(tok, "ct"))
			rc->ct = strtol(eq, NULL, 10);
		else if (!strcmp(tok, "cc"))
			rc->cc = (uint32_t)strtoul(eq, NULL, 10);
		else if (!strcmp(tok, "cr"))
			rc->cr = (uint32_t)strtoul(eq, NULL, 10);
		else if (!strcmp(tok, "b"))
			parse_bulk(rc, eq);
	}
}

static void parse_dmesg(struct ko_results *r, char *line, struct ko_rec **cur)
{
	char *msg = line;
	unsigned no;
	size_t idx;

	if (*msg == '[') {                     /* "[    3.123456] text" */
		char *e = strchr(msg, ']');
		if (!e)
			return;
		msg = e + 1;
		while (*msg == ' ')
			msg++;
	}
	if (sscanf(msg, "kas: op %u.%zu", &no, &idx) == 2) {
		struct ko_trace_recs *t = trace_get(r, no, 1);
		*cur = t ? rec_get(t, idx) : NULL;
		return;
	}
	if (!strncmp(msg, "kas: trace ", 11) || !strncmp(msg, "kas: end ", 9)) {
		*cur = NULL;
		return;
	}
	int k = kas_warn_kind_of(msg);   /* lang/warn_text.c */
	if (k < 0 || !*cur)
		return;
	(*cur)->warns++;
	(*cur)->warn_kinds |= 1u << k;
	if (!(*cur)->warn_text)
		(*cur)->warn_text = strdup(msg);
}

int ko_results_load(struct ko_results *r, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct ko_trace_recs *cur_t = NULL;
	struct ko_rec *cur_op = NULL;

	memset(r, 0, sizeof(*r));
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		char *s = line;
		while (*s == '\r')
			s++;
		if (!strncmp(s, "=== uname ", 10)) {
			/* a capture may hold several boots (resumed after a hang) */
			snprintf(r->uname, sizeof(r->uname), "%s", s + 10);
			r->dmesg_seen = 0;
			cur_op = NULL;
		} else if (!strncmp(s, "=== hang ", 9)) {
			struct ko_trace_recs *h = trace_get(r, (unsigned)strtoul(s + 9, NULL, 10), 1);
			if (h)
				h->hung = 1;
		} else if (!strncmp(s, "=== cmdline ", 12)) {
			snprintf(r->cmdline, sizeof(r->cmdline), "%s", s + 12);
		} else if (!strcmp(s, "=== dmesg")) {
			r->dmesg_seen = 1;
		} else if (!strcmp(s, "=== end")) {
			r->end_seen = 1;
		} else if (r->dmesg_seen) {
			parse_dmesg(r, s, &cur_op);
		} else if (s[0] == 'T' && s[1] == ' ') {
			cur_t = trace_get(r, (unsigned)strtoul(s + 2, NULL, 10), 1);
		} else if (s[0] == 'E' && s[1] == ' ') {
			if (cur_t)
				cur_t->ended = 1;
			cur_t = NULL;
		} else if (cur_t && s[0] >= '0' && s[0] <= '9') {
			parse_result(cur_t, s);
		}
	}
	free(line);
	fclose(f);
	if (!r->end_seen)
		snprintf(err, errlen, "%s: the capture has no end marker (the VM died early)", path);
	return 0;
}

void ko_results_free(struct ko_results *r)
{
	for (size_t i = 0; i < r->ntr; i++) {
		for (size_t j = 0; j < r->tr[i].nrec; j++) {
			free(r->tr[i].rec[j].bulk);
			free(r->tr[i].rec[j].warn_text);
		}
		free(r->tr[i].rec);
	}
	free(r->tr);
	memset(r, 0, sizeof(*r));
}

const struct ko_trace_recs *ko_results_trace(const struct ko_results *r, unsigned no)
{
	for (size_t i = 0; i < r->ntr; i++)
		if (r->tr[i].no == no)
			return &r->tr[i];
	return NULL;
}
