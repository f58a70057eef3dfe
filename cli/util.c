/* SPDX-License-Identifier: MIT */
/* Helpers shared by the kallocspec commands. */
#include "cli.h"

#include <kallocspec/harness.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("kallocspec: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("kallocspec: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return KAS_EXIT_USAGE;
}

int cli_bad_option(const char *usage, const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return cli_usage_error(usage, "%s: option '%s' needs a value", cmd, arg);
	if (optopt && arg[0] == '-' && arg[1] != '-')
		return cli_usage_error(usage, "%s: unknown option '-%c'", cmd, optopt);
	return cli_usage_error(usage, "%s: unknown option '%s'", cmd, arg);
}

const struct kas_profile *cli_profile(const char *name)
{
	const struct kas_profile *p = kas_profile_find(name);
	char names[512];
	size_t n = 0;

	if (p)
		return p;
	names[0] = '\0';
	for (size_t i = 0; i < kas_profile_count() && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", i ? ", " : "",
				      kas_profile_at(i)->name);
	cli_error("unknown profile '%s' (profiles: %s)", name, names);
	return NULL;
}

const struct kas_port *cli_port(const char *name, int *exit_code)
{
	char err[512];
	bool crashed = false;
	const struct kas_port *p = kas_port_load(name, err, sizeof(err), &crashed);

	if (!p && crashed) {
		/* the port's fault: a verdict on it, not a usage error */
		printf("CRASH %s\n", err);
		fflush(stdout);
		cli_error("%s", err);
		*exit_code = KAS_EXIT_FAIL;
	} else if (!p) {
		cli_error("%s", err);
		*exit_code = KAS_EXIT_USAGE;
	}
	return p;
}

void cli_format_kver(uint32_t kver, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u", KAS_KVER_MAJOR(kver), KAS_KVER_MINOR(kver));
}

bool cli_trace_path_ok(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return true;   /* missing files: the parser says so itself */
	fprintf(stderr, "%s: cannot open: %s\n", path, strerror(EISDIR));
	return false;
}

int cli_read_all(const char *path, uint8_t **data, size_t *len)
{
	bool use_stdin = !path || strcmp(path, "-") == 0;
	FILE *f = use_stdin ? stdin : fopen(path, "rb");
	size_t cap = 4096, n = 0;
	uint8_t *buf;
	struct stat st;

	if (!f) {
		cli_error("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!use_stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_error("%s: cannot open: %s", path, strerror(EISDIR));
		fclose(f);
		return -1;
	}
	buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (n < cap)
			break;
		cap *= 2;
		uint8_t *bigger = realloc(buf, cap);
		if (!bigger) {
			free(buf);
			buf = NULL;
		}
		buf = bigger;
	}
	if (!buf || ferror(f)) {
		cli_error("%s: %s", use_stdin ? "<stdin>" : path, buf ? strerror(errno) : "out of memory");
		free(buf);
		if (!use_stdin)
			fclose(f);
		return -1;
	}
	if (!use_stdin)
		fclose(f);
	*data = buf;
	*len = n;
	return 0;
}

FILE *cli_open_out(const char *path)
{
	FILE *f;

	if (!path || strcmp(path, "-") == 0)
		return stdout;
	f = fopen(path, "wb");
	if (!f)
		cli_error("%s: %s", path, strerror(errno));
	return f;
}

int cli_close_out(FILE *f, const char *path)
{
	int bad = fflush(f) != 0 || ferror(f);

	if (f != stdout && fclose(f) != 0)
		bad = 1;
	if (bad) {
		cli_error("%s: write error: %s", path && strcmp(path, "-") ? path : "<stdout>",
			  strerror(errno));
		return -1;
	}
	return 0;
}

void cli_print_rule_source(FILE *out, const struct kas_rule *r, const char *indent)
{
	fprintf(out, "%ssource: %s", indent, r->doc ? r->doc : "(unknown)");
	if (r->section && *r->section)
		fprintf(out, ", %s", r->section);
	if (r->quote && *r->quote)
		fprintf(out, ": \"%s\"", r->quote);
	fputc('\n', out);
}

void cli_print_trace_indented(FILE *out, const struct kas_trace *t, const char *indent)
{
	char *text = kas_trace_to_string(t, SIZE_MAX);
	const char *line;

	if (!text) {
		kas_trace_print(t, out, SIZE_MAX);
		return;
	}
	line = text;
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		fprintf(out, "%s%.*s\n", indent, (int)n, line);
		line += n + (nl ? 1 : 0);
	}
	free(text);
}

int cli_set_meta(struct kas_trace *t, const char *const *kv)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nmeta; i++) {
		free(t->meta[i].key);
		free(t->meta[i].value);
	}
	t->nmeta = 0;
	while (kv[2 * n])
		n++;
	if (n > t->meta_cap) {
		struct kas_meta *m = realloc(t->meta, n * sizeof(*m));

		if (!m)
			return -1;
		t->meta = m;
		t->meta_cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		t->meta[i].key = strdup(kv[2 * i]);
		t->meta[i].value = strdup(kv[2 * i + 1] ? kv[2 * i + 1] : "");
		t->nmeta = i + 1;
		if (!t->meta[i].key || !t->meta[i].value)
			return -1;
	}
	return 0;
}

int cli_opt_mem(const char *usage, const char *cmd, const char *arg, size_t *mem)
{
	if (kas_parse_size(arg, mem) == 0)
		return 0;
	return cli_usage_error(usage, "%s: bad --mem '%s' (e.g. 1G, 512M, 0)", cmd, arg);
}

int cli_opt_content(const char *usage, const char *cmd, const char *arg, bool *full)
{
	if (strcmp(arg, "full") == 0 || strcmp(arg, "sampled") == 0) {
		*full = strcmp(arg, "full") == 0;
		return 0;
	}
	return cli_usage_error(usage, "%s: bad --content '%s' (sampled or full)", cmd, arg);
}

void cli_print_refused(FILE *out, const uint64_t *counts)
{
	bool any = false;

	for (size_t i = 0; i < kas_caller_rule_count() && i < KAS_CALLER_RULES_MAX; i++) {
		const struct kas_caller_rule *r = kas_caller_rule_at(i);

		if (!counts[i])
			continue;
		if (!any)
			fputs("calls refused as caller errors (not run):\n", out);
		fprintf(out, "  %-10s x%-4" PRIu64 " %s\n", r->id, counts[i], r->title);
		any = true;
	}
}
