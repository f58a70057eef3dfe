/* SPDX-License-Identifier: MIT */
/*
 * A main() for the fuzz targets without any fuzzing runtime: runs
 * LLVMFuzzerTestOneInput once on every file named (directories: every
 * regular file in them, in name order; "-": stdin).  CI and valgrind
 * replay corpora with it; a finding aborts exactly as under a fuzzer.
 *
 *   fuzz_ops_replay [-v] FILE|DIR|- ...
 *   fuzz_ops_replay --random N [--size B] [--seed S]
 *
 * --random runs N pseudo-random inputs of B bytes (default 128) drawn from
 * seed S (default 1) and prints the executions per second: the target's
 * own speed, without a fuzzing engine or file reads (ci/bench).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int verbose;
static unsigned long replayed;

static int run_stream(FILE *f, const char *name)
{
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);

	if (!buf)
		return -1;
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", name);
		free(buf);
		return -1;
	}
	if (verbose)
		fprintf(stderr, "replay: %s (%zu bytes)\n", name, len);
	/* Exact-size copy so ASan sees reads past the input's end. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact) {
			free(buf);
			return -1;
		}
		memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	replayed++;
	return 0;
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	int rc;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = run_stream(f, path);
	fclose(f);
	return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int run_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name), rc = 0;

	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    run_file(path) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int run_random(unsigned long n, size_t size, uint64_t seed)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct timespec t0, t1;

	if (!buf)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long k = 0; k < n; k++) {
		for (size_t i = 0; i < size; i += 8) {
			uint64_t r = splitmix64(&seed);
			memcpy(buf + i, &r, size - i < 8 ? size - i : 8);
		}
		LLVMFuzzerTestOneInput(buf, size);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	printf("replay: %lu random inputs of %zu bytes in %.3f s: %.0f exec/s\n", n, size, secs,
	       secs > 0 ? (double)n / secs : 0.0);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0, inputs = 0;

	if (argc >= 3 && strcmp(argv[1], "--random") == 0) {
		unsigned long n = strtoul(argv[2], NULL, 0);
		size_t size = 128;
		uint64_t seed = 1;
		for (int i = 3; i + 1 < argc; i += 2) {
			if (strcmp(argv[i], "--size") == 0)
				size = strtoul(argv[i + 1], NULL, 0);
			else if (strcmp(argv[i], "--seed") == 0)
				seed = strtoull(argv[i + 1], NULL, 0);
		}
		return run_random(n, size, seed);
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (strcmp(argv[i], "-v") == 0) {
			verbose = 1;
			continue;
		}
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: %s [-v] FILE|DIR|- ...\n"
			       "       %s --random N [--size B] [--seed S]\n"
			       "Runs the fuzz target once on each input; a finding aborts.\n"
			       "--random: N inputs of B pseudo-random bytes, then exec/s.\n",
			       argv[0], argv[0]);
			return 0;
		}
		inputs++;
		if (strcmp(argv[i], "-") == 0)
			rc |= run_stream(stdin, "<stdin>") != 0;
		else if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc |= run_dir(argv[i]) != 0;
		else
			rc |= run_file(argv[i]) != 0;
	}
	if (!inputs) {
		fprintf(stderr, "usage: %s [-v] FILE|DIR|- ...\n", argv[0]);
		return 2;
	}
	fprintf(stderr, "replay: %lu inputs, no finding\n", replayed);
	return rc ? 2 : 0;
}
