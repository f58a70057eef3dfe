/* SPDX-License-Identifier: MIT */
/* Port, profile and reporting set-up shared by the fuzz targets. */
#include "fuzz_common.h"

#include <kallocspec/harness.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

size_t kas_fuzz_mem_bytes(void)
{
	static size_t mem;
	static bool read;

	if (!read) {
		const char *s = getenv("KAS_FUZZ_MEM");
		read = true;
		mem = KAS_DEFAULT_MEM_BYTES;
		if (s && *s && kas_parse_size(s, &mem) != 0) {
			fprintf(stderr, "kas-fuzz: bad KAS_FUZZ_MEM '%s' (e.g. 1G, 512M, 0)\n", s);
			exit(2);
		}
	}
	return mem;
}

#if defined(__SANITIZE_ADDRESS__)
#define KAS_FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KAS_FUZZ_ASAN 1
#endif
#endif

void kas_fuzz_setup_mem(void)
{
#ifndef KAS_FUZZ_ASAN
	if (kas_fuzz_mem_bytes() && kas_mem_limit(kas_fuzz_mem_bytes()) != 0)
		fprintf(stderr, "kas-fuzz: note: cannot set the KAS_FUZZ_MEM limit\n");
#endif
}

/* FNV-1a: names a saved input by its bytes. */
static uint64_t fnv1a(const uint8_t *d, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 0x100000001b3ull;
	return h;
}

bool kas_fuzz_saving_found(void)
{
	static int saving = -1;
	if (saving < 0) {
		const char *dir = getenv("KAS_FUZZ_FOUND_DIR");
		saving = dir && *dir;
	}
	return saving;
}

bool kas_fuzz_found(const char *rule, const uint8_t *data, size_t size)
{
	/* rules saved by this process: a handful, a linear list will do */
	static char saved[128][24];
	static size_t nsaved;
	const char *dir = getenv("KAS_FUZZ_FOUND_DIR");

	if (!dir || !*dir)
		return true;
	for (size_t i = 0; i < nsaved; i++)
		if (strcmp(saved[i], rule) == 0)
			return false;
	char path[4096], tmp[4200];
	snprintf(path, sizeof(path), "%s/found-%s-%016llx", dir, rule,
		 (unsigned long long)fnv1a(data, size));
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return true;   /* cannot save it: let the engine record it */
	bool ok = fwrite(data, 1, size, f) == size;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		remove(tmp);
		return true;
	}
	if (nsaved < sizeof(saved) / sizeof(saved[0]))
		snprintf(saved[nsaved++], sizeof(saved[0]), "%s", rule);
	return false;
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

/* AFL++ 4.04c rewrites its fuzzer_stats about once a minute and its
 * plot_data only every few seconds, so a campaign's live count would stand
 * still: the target counts its own executions into $KAS_FUZZ_EXECS_FILE,
 * an 8-byte counter mapped shared, so that every process of one engine
 * instance (the fork server's children inherit or reopen the mapping) adds
 * to the same number, which fuzz/kas-fuzz reads. */
void kas_fuzz_count_exec(void)
{
	static uint64_t *counter;
	static bool tried;

	if (!tried) {
		const char *path = getenv("KAS_FUZZ_EXECS_FILE");
		struct stat st;
		int fd;

		tried = true;
		if (!path || !*path)
			return;
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return;
		if (fstat(fd, &st) == 0 && st.st_size < (off_t)sizeof(*counter) &&
		    ftruncate(fd, sizeof(*counter)) != 0) {
			close(fd);
			return;
		}
		void *m = mmap(NULL, sizeof(*counter), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (m != MAP_FAILED)
			counter = m;
	}
	if (counter)
		__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}
