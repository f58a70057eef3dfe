/* SPDX-License-Identifier: MIT */
/* Port, profile and reporting set-up shared by the fuzz targets. */
#include "fuzz_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The port the target was linked against (CMake KAS_FUZZ_PORT). */
#ifndef KAS_FUZZ_DEFAULT_PORT
#define KAS_FUZZ_DEFAULT_PORT "ref"
#endif
#ifdef KAS_FUZZ_PORT_TABLE
extern const struct kas_port KAS_FUZZ_PORT_TABLE;
#endif

const struct kas_port *kas_fuzz_port(void)
{
	static const struct kas_port *port;
	char err[256];
	const char *name;

	if (port)
		return port;
	name = getenv("KAS_FUZZ_PORT");
	if (!name || !*name) {
#ifdef KAS_FUZZ_PORT_TABLE
		port = &KAS_FUZZ_PORT_TABLE;
		return port;
#else
		name = KAS_FUZZ_DEFAULT_PORT;
#endif
	}
	port = kas_port_open(name, err, sizeof(err));
	if (!port) {
		/* A set-up error, not a finding: exit rather than abort so no
		 * engine records it as a crash. */
		fprintf(stderr, "kas-fuzz: cannot open port '%s': %s\n", name, err);
		exit(2);
	}
	return port;
}

const struct kas_profile *kas_fuzz_profile(void)
{
	static const struct kas_profile *prof;
	const char *name;

	if (prof)
		return prof;
	name = getenv("KAS_FUZZ_PROFILE");
	if (name && *name) {
		prof = kas_profile_find(name);
		if (!prof) {
			fprintf(stderr, "kas-fuzz: unknown profile '%s'\n", name);
			exit(2);
		}
	} else {
		prof = kas_profile_default();
	}
	return prof;
}

size_t kas_fuzz_max_ops(void)
{
	static size_t max_ops;
	const char *s;

	if (max_ops)
		return max_ops;
	s = getenv("KAS_FUZZ_MAX_OPS");
	max_ops = 64;
	if (s && *s) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);

		if (*end == '\0' && v > 0 && v < 1000000)
			max_ops = v;
	}
	return max_ops;
}

size_t kas_fuzz_pool_bytes(void)
{
	static size_t pool;
	static bool read;
	const char *s;

	if (read)
		return pool;
	read = true;
	pool = (size_t)8 << 20;
	s = getenv("KAS_FUZZ_POOL");
	if (s && *s) {
		char *end;
		unsigned long long v = strtoull(s, &end, 0);

		if (*end == '\0')
			pool = (size_t)v;
	}
	return pool;
}

static const char *ignore_list(void)
{
	static const char *list;
	static bool read;

	if (!read) {
		list = getenv("KAS_FUZZ_IGNORE");
		if (list && !*list)
			list = NULL;
		read = true;
	}
	return list;
}

bool kas_fuzz_ignoring_any(void)
{
	static int any = -1;

	if (any < 0) {
		const char *only = getenv("KAS_FUZZ_ONLY");

		any = ignore_list() != NULL || (only && *only);
	}
	return any;
}

bool kas_fuzz_ignored(const char *id)
{
	static const char *only;
	static bool only_read;
	const char *p = ignore_list();
	size_t n = strlen(id);

	if (!only_read) {
		only = getenv("KAS_FUZZ_ONLY");
		if (only && !*only)
			only = NULL;
		only_read = true;
	}
	if (only && strcmp(only, id) != 0)
		return true;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, id, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

void kas_fuzz_report(const struct kas_profile *prof, const char *rule, const char *fmt, ...)
{
	va_list ap;

	if (!prof)
		prof = kas_fuzz_profile();
	fprintf(stderr, "%s %s port=%s profile=%s: ", KAS_FUZZ_TAG, rule, kas_fuzz_port()->name,
		prof->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t kas_fuzz_take(struct kas_fuzz_bytes *b, unsigned nbytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < nbytes && b->len > 0; i++) {
		v = (v << 8) | b->data[b->len - 1];
		b->len--;
	}
	return v;
}
