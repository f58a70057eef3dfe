/* SPDX-License-Identifier: MIT */
/*
 * kmalloc/kfree of the reference allocator against general-purpose
 * allocators, side by side in one run: glibc malloc/free, and mimalloc and
 * jemalloc without replacing the process's malloc: mimalloc is dlopen()ed
 * (RTLD_LOCAL, mi_malloc/mi_free); Debian's jemalloc uses static TLS and
 * cannot be dlopen()ed, so its column is measured by re-running this
 * program with LD_PRELOAD=libjemalloc.so.2 (mallocx/dallocx).
 *
 *   bench_kmalloc [--ops N] [--threads T] [--out reports/perf.md]
 *
 * Workloads (per thread):
 *   pair64   kmalloc(64) immediately freed, N times
 *   batch    1000 allocations of 8..1024 bytes, then all freed; N/1000 rounds
 *   mixed    a pool of 4096 slots, each op frees or allocates 8..4096 bytes
 * Reported: nanoseconds per operation (an allocation or a free), best of 3.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kallocspec/port.h>

extern const struct kas_port kas_port_ref;

struct allocator {
	const char *name;
	void *(*alloc)(size_t);
	void (*release)(void *);
	bool ok;
};

static void *ref_alloc(size_t n) { return kas_port_ref.kmalloc(n, KAS_GFP_KERNEL); }
static void ref_release(void *p) { kas_port_ref.kfree(p); }
static void *libc_alloc(size_t n) { return malloc(n); }
static void libc_release(void *p) { free(p); }

static void *(*mi_malloc_fn)(size_t);
static void (*mi_free_fn)(void *);
static void *mi_alloc(size_t n) { return mi_malloc_fn(n); }
static void mi_release(void *p) { mi_free_fn(p); }

static void *(*je_mallocx_fn)(size_t, int);
static void (*je_dallocx_fn)(void *, int);
static void *je_alloc(size_t n) { return je_mallocx_fn(n, 0); }
static void je_release(void *p) { je_dallocx_fn(p, 0); }

static struct allocator allocators[] = {
	{ "ref kmalloc/kfree", ref_alloc, ref_release, true },
	{ "glibc malloc/free", libc_alloc, libc_release, true },
	{ "mimalloc mi_malloc/mi_free", mi_alloc, mi_release, false },
	{ "jemalloc mallocx/dallocx", je_alloc, je_release, false },
};
#define NALLOC (sizeof(allocators) / sizeof(allocators[0]))

#define JEMALLOC_SO "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"

static void load_others(bool jemalloc_child)
{
	if (jemalloc_child) {
		je_mallocx_fn = (void *(*)(size_t, int))dlsym(RTLD_DEFAULT, "mallocx");
		je_dallocx_fn = (void (*)(void *, int))dlsym(RTLD_DEFAULT, "dallocx");
		allocators[3].ok = je_mallocx_fn && je_dallocx_fn;
		return;
	}
	void *h = dlopen("libmimalloc.so.2", RTLD_NOW | RTLD_LOCAL);
	if (h) {
		mi_malloc_fn = (void *(*)(size_t))dlsym(h, "mi_malloc");
		mi_free_fn = (void (*)(void *))dlsym(h, "mi_free");
		allocators[2].ok = mi_malloc_fn && mi_free_fn;
	}
	h = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_LOCAL);
	if (h) {
		je_mallocx_fn = (void *(*)(size_t, int))dlsym(h, "mallocx");
		je_dallocx_fn = (void (*)(void *, int))dlsym(h, "dallocx");
		allocators[3].ok = je_mallocx_fn && je_dallocx_fn;
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct job {
	const struct allocator *a;
	int workload;
	long ops;
	uint64_t seed;
	long done;
};

static void touch(void *p) { *(volatile char *)p = 1; }

static void *run_job(void *arg)
{
	struct job *j = arg;
	const struct allocator *a = j->a;
	long ops = 0;
	if (j->workload == 0) {
		for (long i = 0; i < j->ops / 2; i++) {
			void *p = a->alloc(64);
			touch(p);
			a->release(p);
		}
		ops = j->ops / 2 * 2;
	} else if (j->workload == 1) {
		static __thread void *v[1000];
		for (long r = 0; r < j->ops / 2000; r++) {
			for (int i = 0; i < 1000; i++) {
				v[i] = a->alloc(8 + rnd(&j->seed) % 1017);
				touch(v[i]);
			}
			for (int i = 0; i < 1000; i++)
				a->release(v[i]);
			ops += 2000;
		}
	} else {
		static __thread void *slot[4096];
		memset(slot, 0, sizeof(slot));
		for (long i = 0; i < j->ops; i++) {
			uint64_t r = rnd(&j->seed);
			void **s = &slot[r % 4096];
			if (*s) {
				a->release(*s);
				*s = NULL;
			} else {
				*s = a->alloc(8 + (r >> 12) % 4089);
				touch(*s);
			}
		}
		for (int i = 0; i < 4096; i++)
			if (slot[i])
				a->release(slot[i]);
		ops = j->ops;
	}
	j->done = ops;
	return NULL;
}

static double measure(const struct allocator *a, int workload, long ops, int threads)
{
	double best = 1e30;
	for (int rep = 0; rep < 3; rep++) {
		pthread_t t[64];
		struct job j[64];
		double t0 = now();
		for (int i = 0; i < threads; i++) {
			j[i] = (struct job){ a, workload, ops, 0x1234567ull + (uint64_t)i * 7919, 0 };
			pthread_create(&t[i], NULL, run_job, &j[i]);
		}
		long total = 0;
		for (int i = 0; i < threads; i++) {
			pthread_join(t[i], NULL);
			total += j[i].done;
		}
		double ns = (now() - t0) * 1e9 / (double)total;
		if (ns < best)
			best = ns;
	}
	return best;
}

/* jemalloc's numbers from a child running under LD_PRELOAD */
static bool jemalloc_in_child(const char *self, long ops, int threads, double r[3])
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "LD_PRELOAD=%s '%s' --jemalloc-child --ops %ld --threads %d",
		 JEMALLOC_SO, self, ops, threads);
	FILE *f = popen(cmd, "r");
	if (!f)
		return false;
	int n = fscanf(f, "%lf %lf %lf", &r[0], &r[1], &r[2]);
	return pclose(f) == 0 && n == 3;
}

int main(int argc, char **argv)
{
	long ops = 2000000;
	int threads = 1;
	const char *out = NULL;
	bool child = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--jemalloc-child"))
			child = true;
		else if (!strcmp(argv[i], "--ops") && i + 1 < argc)
			ops = atol(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--ops N] [--threads T] [--out FILE]\n", argv[0]);
			return 2;
		}
	}
	if (threads < 1 || threads > 64)
		threads = 1;
	struct kas_world_hooks world = { .size = sizeof(world) };
	struct kas_port_env env = { .size = sizeof(env), .kver = KAS_KVER(6, 12),
				    .profile = "bench", .pool_bytes = (size_t)512 << 20,
				    .world = &world };
	if (kas_port_ref.init(&env) != 0) {
		fprintf(stderr, "ref init failed\n");
		return 1;
	}
	load_others(child);
	if (child) {
		if (!allocators[3].ok)
			return 1;
		for (int w = 0; w < 3; w++)
			printf("%f\n", measure(&allocators[3], w, ops, threads));
		return 0;
	}
	char table[4096];
	size_t len = 0;
	len += snprintf(table + len, sizeof(table) - len,
			"| allocator | pair64 ns/op | batch ns/op | mixed ns/op |\n|---|---:|---:|---:|\n");
	for (size_t a = 0; a < NALLOC; a++) {
		double r[3];
		if (a == 3 && !allocators[a].ok && jemalloc_in_child(argv[0], ops, threads, r)) {
			len += snprintf(table + len, sizeof(table) - len,
					"| %s (LD_PRELOAD child) | %.1f | %.1f | %.1f |\n",
					allocators[a].name, r[0], r[1], r[2]);
			continue;
		}
		if (!allocators[a].ok) {
			len += snprintf(table + len, sizeof(table) - len, "| %s | n/a | n/a | n/a |\n",
					allocators[a].name);
			continue;
		}
		for (int w = 0; w < 3; w++)
			r[w] = measure(&allocators[a], w, ops, threads);
		len += snprintf(table + len, sizeof(table) - len, "| %s | %.1f | %.1f | %.1f |\n",
				allocators[a].name, r[0], r[1], r[2]);
	}
	kas_port_ref.fini();
	printf("%d thread(s), %ld ops per thread per workload, best of 3\n\n%s", threads, ops,
	       table);
	if (out) {
		FILE *f = fopen(out, "a");
		if (!f) {
			perror(out);
			return 1;
		}
		fprintf(f, "\n### %d thread(s), %ld ops per thread per workload, best of 3\n\n",
			threads, ops);
		fprintf(f, "Command: `");
		for (int i = 0; i < argc; i++)
			fprintf(f, "%s%s", i ? " " : "", argv[i]);
		fprintf(f, "`\n\n%s", table);
		fclose(f);
	}
	return 0;
}
