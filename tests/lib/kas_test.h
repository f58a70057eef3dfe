/* SPDX-License-Identifier: MIT */
/*
 * What every C test shares: CHECK, which records a failure and goes on (a
 * test reports all it finds in one run), the failure count a test's main()
 * turns into its exit status, and a deterministic number stream.
 *
 *   CHECK(cond);                          file:line: CHECK(cond) failed
 *   CHECK(cond, "size %zu", n);           file:line: CHECK(cond) failed: size 16
 */
#ifndef KAS_TEST_H
#define KAS_TEST_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int failures;

__attribute__((format(printf, 4, 5), unused))
static void kas_test_failed(const char *file, int line, const char *cond, const char *fmt, ...)
{
	failures++;
	fprintf(stderr, "%s:%d: CHECK(%s) failed", file, line, cond);
	if (strcmp(fmt, ": ") != 0) {   /* a message follows the ": " */
		va_list ap;
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fputc('\n', stderr);
}

/* The message, if any, is glued to ": " so the format stays a literal. */
#define CHECK(cond, ...) do { if (!(cond)) \
	kas_test_failed(__FILE__, __LINE__, #cond, ":" " " __VA_ARGS__); } while (0)

/* xorshift64*: a deterministic number stream for randomised tests. */
static inline uint64_t kas_test_rng(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

#ifdef KAS_WITNESS_DIR
/* The text of corpora/witness/<name> (static storage, one at a time), or
 * NULL after a failed CHECK. */
static inline const char *kas_test_witness(const char *name)
{
	static char text[16384];
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", KAS_WITNESS_DIR, name);
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL, "no witness %s", path);
	if (!f)
		return NULL;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}
#endif

#endif
