/* SPDX-License-Identifier: MIT */
/* The JSON report writer: escaping, layout, atomic save. */
#include <kallocspec/port.h>
#include <kallocspec/report.h>
#include <kallocspec/spec.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "kas_test.h"



static char *json_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	kas_json_string(f, s);
	fclose(f);
	return buf;
}

static void test_escaping(void)
{
	char *j;

	j = json_of("plain");
	CHECK(strcmp(j, "\"plain\"") == 0);
	free(j);
	j = json_of("q\"b\\s\nn\tt\x01\x1f\x7f \xc3\xa9");
	CHECK(strcmp(j, "\"q\\\"b\\\\s\\nn\\tt\\u0001\\u001f\\u007f \xc3\xa9\"") == 0);
	free(j);
	j = json_of(NULL);
	CHECK(strcmp(j, "null") == 0);
	free(j);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* mkdir -p: the folder's parent is shared with the shell tests, which a
 * lane running only the C tests (ci/test --memcheck) never starts. */
static void make_dirs(const char *dir)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *q = buf + 1; *q; q++)
		if (*q == '/') {
			*q = '\0';
			mkdir(buf, 0755);
			*q = '/';
		}
	mkdir(buf, 0755);
}

static void test_save(const char *dir)
{
	const struct kas_profile *p = kas_profile_find("linux-6.12");
	struct kas_spec *s = kas_spec_new(p, KAS_CAP_KMALLOC);
	struct kas_report_meta m = { .port = "unit \"test\"", .seed = 7, .ops = 0, .traces = 0,
				     .generated = 86400 };
	char path[4096], bad[4200], err[512];
	char *text;
	size_t in_profile = 0;
	int entries = 0;
	DIR *d;
	struct dirent *e;

	CHECK(s != NULL);
	if (!s)
		return;
	make_dirs(dir);
	snprintf(path, sizeof(path), "%s/report.json", dir);
	remove(path);
	CHECK(kas_report_json_save(path, &m, s, NULL, err, sizeof(err)) == 0);
	/* a second save replaces the first */
	CHECK(kas_report_json_save(path, &m, s, NULL, err, sizeof(err)) == 0);
	text = slurp(path);
	CHECK(text != NULL);
	if (text) {
		CHECK(strncmp(text, "{\n  \"schema\": \"kallocspec-report/1\",", 36) == 0);
		CHECK(strstr(text, "\"port\": \"unit \\\"test\\\"\"") != NULL);
		CHECK(strstr(text, "\"profile\": \"linux-6.12\"") != NULL);
		CHECK(strstr(text, "\"generated\": \"1970-01-02T00:00:00Z\"") != NULL);
		CHECK(strstr(text, "\"seed\": 7,") != NULL);
		CHECK(strstr(text, "\"totals\": {\"PASS\": 0, \"FAIL\": 0, ") != NULL);
		CHECK(strstr(text, "\"counterexample\": \"") == NULL);
		for (size_t i = 0; i < kas_rule_count(); i++)
			in_profile += kas_rule_in_profile(kas_rule_at(i), p);
		size_t listed = 0;
		for (const char *q = text; (q = strstr(q, "{\"id\": ")); q++)
			listed++;
		CHECK(listed == in_profile);
		CHECK(text[strlen(text) - 1] == '\n');
	}
	free(text);
	/* nothing but the report is left in the directory */
	d = opendir(dir);
	CHECK(d != NULL);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			entries++;
	if (d)
		closedir(d);
	CHECK(entries == 1);

	snprintf(bad, sizeof(bad), "%s/no-such-dir/report.json", dir);
	err[0] = '\0';
	CHECK(kas_report_json_save(bad, &m, s, NULL, err, sizeof(err)) != 0);
	CHECK(strstr(err, "no-such-dir/report.json") != NULL);
	kas_spec_free(s);
}

int main(int argc, char **argv)
{
	test_escaping();
	test_save(argc > 1 ? argv[1] : "cli-report-tmp");
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("ok: report\n");
	return 0;
}
