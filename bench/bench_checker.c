/* SPDX-License-Identifier: MIT */
/*
 * What the checker costs: harness + spec (kas_run_trace) against the bare
 * ref port running the same op sequence.
 *
 *   bench_checker [--quick] [--max-ops N] [--json FILE] [--seed S]
 *
 * Sections (all on the ref port, profile linux-6.12, one thread):
 *   synthetic  kmalloc/kzalloc/kfree of 8..1024 bytes with ~1000 objects
 *              live, trace lengths 1k..max: checked and bare ops/s, ratio.
 *   live       N objects kept live (N = 1k..max), then 100k steady ops
 *              (free a random live object, allocate a new one): per-op cost
 *              of the steady part, checked and bare, and the RSS the
 *              harness + model add per live object (RSS delta of the
 *              checked run minus that of the bare run, after N allocations).
 *   decoded    kas_trace_decode of seeded pseudo-random bytes (the fuzzer's
 *              op mix: vmalloc, caches, bulk, pages, ...), checked only: the
 *              decoder's op vocabulary has no bare replayer here.
 * An "op" is a trace op or a teardown free; both runs count the same ones.
 * --quick is the fixed small workload `ci/bench --check` runs under
 * callgrind.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kallocspec/harness.h>
#include <kallocspec/model.h>
#include <kallocspec/port.h>
#include <kallocspec/profile.h>
#include <kallocspec/spec.h>
#include <kallocspec/trace.h>

extern const struct kas_port kas_port_ref;

#define POOL_BYTES ((size_t)1 << 30)
#define STEADY_OPS 100000u

static uint64_t rng_state;
static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long rss_bytes(void)
{
	long pages_total = 0, pages_res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages_total, &pages_res) != 2)
		pages_res = 0;
	fclose(f);
	return pages_res * sysconf(_SC_PAGESIZE);
}

/* One op of a synthetic trace, for the bare replay. */
struct sop {
	uint8_t is_free, zero;
	uint32_t slot;
	uint32_t size;
};

struct synth {
	struct sop *ops;
	size_t nops, nslots;
	char *text;
	size_t len, cap;
};

static void emit(struct synth *s, const char *line)
{
	size_t n = strlen(line);
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->cap + n + 1) * 2;
		s->text = realloc(s->text, s->cap);
		if (!s->text)
			abort();
	}
	memcpy(s->text + s->len, line, n + 1);
	s->len += n;
}

static void add_alloc(struct synth *s, uint32_t *live, size_t pos, size_t min, size_t span)
{
	char line[80];
	struct sop *o = &s->ops[s->nops++];
	o->is_free = 0;
	o->zero = (rnd() & 3) == 0;
	o->slot = (uint32_t)s->nslots++;
	o->size = (uint32_t)(min + rnd() % span);
	live[pos] = o->slot;
	snprintf(line, sizeof(line), "h%u = %s %u GFP_KERNEL\n", o->slot,
		 o->zero ? "kzalloc" : "kmalloc", o->size);
	emit(s, line);
}

/* nlive allocations, then `steady` ops alternating free-random / alloc. */
static void synth_make(struct synth *s, size_t nlive, size_t steady, size_t min, size_t span)
{
	memset(s, 0, sizeof(*s));
	s->ops = malloc((nlive + steady + 2) * sizeof(*s->ops));
	uint32_t *live = malloc((nlive + 1) * sizeof(*live));
	if (!s->ops || !live)
		abort();
	emit(s, "profile linux-6.12\n");
	for (size_t i = 0; i < nlive; i++)
		add_alloc(s, live, i, min, span);
	for (size_t i = 0; i < steady; i += 2) {
		size_t j = rnd() % nlive;
		char line[48];
		struct sop *o = &s->ops[s->nops++];
		o->is_free = 1;
		o->slot = live[j];
		snprintf(line, sizeof(line), "kfree h%u\n", o->slot);
		emit(s, line);
		add_alloc(s, live, j, min, span);
	}
	free(live);
}

static void synth_free(struct synth *s)
{
	free(s->ops);
	free(s->text);
}

static struct kas_world_hooks bare_world = { .size = sizeof(bare_world) };

/* Bare: the same calls straight into the port table.  Returns seconds;
 * *rss_after_setup = RSS growth after the first nlive allocations. */
static double bare_steady_s, checked_steady_s;

static double run_bare(const struct synth *s, size_t nlive, long *rss_after_setup)
{
	double t_setup = 0;
	struct kas_port_env env = { .size = sizeof(env), .kver = KAS_KVER(6, 12),
				    .profile = "linux-6.12", .pool_bytes = POOL_BYTES,
				    .world = &bare_world };
	void **ptr = calloc(s->nslots + 1, sizeof(*ptr));
	if (!ptr || kas_port_ref.init(&env) != 0)
		abort();
	long rss0 = rss_bytes();
	double t0 = now();
	for (size_t i = 0; i < s->nops; i++) {
		const struct sop *o = &s->ops[i];
		if (o->is_free) {
			kas_port_ref.kfree(ptr[o->slot]);
			ptr[o->slot] = NULL;
		} else {
			ptr[o->slot] = o->zero ? kas_port_ref.kzalloc(o->size, KAS_GFP_KERNEL)
					       : kas_port_ref.kmalloc(o->size, KAS_GFP_KERNEL);
		}
		if (i + 1 == nlive && rss_after_setup) {
			*rss_after_setup = rss_bytes() - rss0;
			t_setup = now();
		}
	}
	bare_steady_s = now() - t_setup;
	for (size_t i = 0; i < s->nslots; i++)
		if (ptr[i])
			kas_port_ref.kfree(ptr[i]);
	double dt = now() - t0;
	kas_port_ref.fini();
	free(ptr);
	return dt;
}

struct rss_probe {
	size_t calls, at, steady_end;
	long rss0, delta;
	double t_at, t_steady_end;
};

static void probe_call(void *arg, const struct kas_call *c)
{
	(void)c;
	struct rss_probe *p = arg;
	++p->calls;
	if (p->calls == p->at) {
		p->delta = rss_bytes() - p->rss0;
		p->t_at = now();
	}
	if (p->calls == p->steady_end)
		p->t_steady_end = now();
}

/* Checked: kas_run_trace with a fresh spec.  Returns seconds; *ops_out =
 * judged calls (trace ops + teardown frees). */
static double run_checked(const struct kas_trace *t, size_t pool, size_t nlive,
			  long *rss_after_setup, size_t *ops_out, unsigned *fails)
{
	const struct kas_profile *prof = t->profile ? t->profile : kas_profile_find("linux-6.12");
	struct kas_spec *spec = kas_spec_new(prof, kas_port_effective_caps(&kas_port_ref));
	struct rss_probe probe = { .at = nlive, .steady_end = nlive + STEADY_OPS };
	struct kas_harness_opts opts = { .pool_bytes = pool, .on_call = probe_call,
					 .on_call_arg = &probe };
	struct kas_trace_result res;
	memset(&res, 0, sizeof(res));
	probe.rss0 = rss_bytes();
	double t0 = now();
	if (kas_run_trace(&kas_port_ref, spec, t, &opts, &res) != 0) {
		fprintf(stderr, "bench_checker: port init failed\n");
		exit(1);
	}
	double dt = now() - t0;
	if (rss_after_setup)
		*rss_after_setup = probe.delta;
	checked_steady_s = probe.t_steady_end - probe.t_at;
	if (ops_out)
		*ops_out = probe.calls;
	if (fails)
		*fails = res.fails;
	kas_spec_free(spec);
	return dt;
}

static void parse_or_die(struct kas_trace *t, const struct synth *s)
{
	struct kas_parse_error err;
	kas_trace_init(t);
	if (kas_trace_parse(t, s->text, s->len, "<synthetic>", NULL, NULL, &err) != 0) {
		char buf[256];
		kas_parse_error_format(&err, buf, sizeof(buf));
		fprintf(stderr, "bench_checker: parse: %s\n", buf);
		exit(1);
	}
}

static FILE *json;
static int json_first = 1;
static void json_row(const char *section, size_t n, size_t ops, double checked_s, double bare_s,
		     double extra)
{
	if (!json)
		return;
	fprintf(json, "%s\n    {\"section\": \"%s\", \"n\": %zu, \"ops\": %zu, "
		"\"checked_ops_per_s\": %.0f, \"bare_ops_per_s\": %.0f, \"extra\": %.1f}",
		json_first ? "" : ",", section, n, ops, (double)ops / checked_s,
		bare_s > 0 ? (double)ops / bare_s : 0.0, extra);
	json_first = 0;
}

static void section_synthetic(size_t max_ops)
{
	printf("\n### synthetic trace: kmalloc/kzalloc/kfree 8..1024 B, ~1000 live\n\n");
	printf("| trace ops | judged calls | checked ops/s | bare ops/s | ratio | checked ns/op | FAILs |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|\n");
	for (size_t n = 1000; n <= max_ops; n *= 10) {
		struct synth s;
		struct kas_trace t;
		size_t nlive = n < 2000 ? n / 2 : 1000;
		synth_make(&s, nlive, n - nlive, 8, 1017);
		parse_or_die(&t, &s);
		size_t ops = 0;
		unsigned fails = 0;
		double tc = run_checked(&t, POOL_BYTES, 0, NULL, &ops, &fails);
		double tb = run_bare(&s, 0, NULL);
		printf("| %zu | %zu | %.0f | %.0f | %.1fx | %.0f | %u |\n", s.nops, ops,
		       (double)ops / tc, (double)ops / tb, tc / tb, tc * 1e9 / (double)ops, fails);
		fflush(stdout);
		json_row("synthetic", s.nops, ops, tc, tb, tc / tb);
		kas_trace_free(&t);
		synth_free(&s);
	}
}

static void section_live(size_t max_live)
{
	printf("\n### live objects: N live (8..64 B), then %u steady free/alloc ops\n\n", STEADY_OPS);
	printf("model structs: sizeof(struct kas_obj) %zu + treap node 40 (spec/model.c struct tnode:"
	       " start, end, subtree max end, 3 x u32) + sizeof(struct kas_binding) %zu per slot"
	       " = %zu B per object ever created\n\n",
	       sizeof(struct kas_obj), sizeof(struct kas_binding),
	       sizeof(struct kas_obj) + 40 + sizeof(struct kas_binding));
	printf("| N live | checked ns/op (steady) | bare ns/op (steady) | ratio | checked growth vs N=1k |"
	       " checked ns/op (incl. setup+teardown) | harness+model RSS B/live obj |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|\n");
	double base = 0;
	for (size_t n = 1000; n <= max_live; n *= 10) {
		struct synth s;
		struct kas_trace t;
		synth_make(&s, n, STEADY_OPS, 8, 57);
		parse_or_die(&t, &s);
		long rss_c = 0, rss_b = 0;
		size_t ops = 0;
		double tc = run_checked(&t, POOL_BYTES, n, &rss_c, &ops, NULL);
		double tb = run_bare(&s, n, &rss_b);
		(void)tb;
		double nsop = checked_steady_s * 1e9 / STEADY_OPS;
		double bare_nsop = bare_steady_s * 1e9 / STEADY_OPS;
		if (!base)
			base = nsop;
		double per_obj = (double)(rss_c - rss_b) / (double)n;
		printf("| %zu | %.0f | %.0f | %.1fx | %.2f | %.0f | %.0f |\n", n, nsop, bare_nsop,
		       nsop / bare_nsop, nsop / base, tc * 1e9 / (double)ops, per_obj);
		fflush(stdout);
		json_row("live", n, STEADY_OPS, checked_steady_s, bare_steady_s, per_obj);
		kas_trace_free(&t);
		synth_free(&s);
	}
}

static void section_decoded(size_t max_ops, uint64_t seed)
{
	printf("\n### decoded trace (kas_trace_decode of seeded bytes, seed %llu), checked only\n\n",
	       (unsigned long long)seed);
	printf("| trace ops | judged calls | checked ops/s | checked us/op | FAILs |\n");
	printf("|---:|---:|---:|---:|---:|\n");
	const struct kas_profile *prof = kas_profile_find("linux-6.12");
	for (size_t n = max_ops < 1000 ? max_ops : 1000; n && n <= max_ops; n *= 10) {
		size_t len = n * 64;  /* the decoder takes ~10-20 bytes per op */
		uint8_t *bytes = malloc(len);
		if (!bytes)
			abort();
		rng_state = seed;
		for (size_t i = 0; i < len; i++)
			bytes[i] = (uint8_t)(rnd() >> 56);
		struct kas_trace t;
		kas_trace_init(&t);
		if (kas_trace_decode(&t, bytes, len, prof, n) != 0)
			abort();
		size_t ops = 0;
		unsigned fails = 0;
		/* the port's default pool, as the fuzzer and `check` use: with 1 GiB
		 * the ref's page-by-page vmalloc mappings exhaust vm.max_map_count
		 * and malloc fails ("out of memory in the model") */
		double tc = run_checked(&t, 0, 0, NULL, &ops, &fails);
		printf("| %zu | %zu | %.0f | %.1f | %u |\n", t.nops, ops, (double)ops / tc,
		       tc * 1e6 / (double)ops, fails);
		fflush(stdout);
		json_row("decoded", t.nops, ops, tc, 0, 0);
		kas_trace_free(&t);
		free(bytes);
	}
}

int main(int argc, char **argv)
{
	size_t max_ops = 1000000, max_live = 1000000, max_decoded = 1000000;
	uint64_t seed = 11;
	const char *json_path = NULL;
	int quick = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else if (!strcmp(argv[i], "--max-ops") && i + 1 < argc)
			max_ops = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--max-live") && i + 1 < argc)
			max_live = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--max-decoded") && i + 1 < argc)
			max_decoded = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json_path = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--quick] [--max-ops N] [--max-live N] "
				"[--max-decoded N] [--seed S] [--json FILE]\n", argv[0]);
			return 2;
		}
	}
	if (quick) {
		max_ops = 10000;
		max_live = 1000;
		max_decoded = 0;  /* decoded traces map vmalloc memory page by page (impl/vmalloc.c):
				   even 200 ops overflow valgrind's segment table */
	}
	if (json_path) {
		json = fopen(json_path, "w");
		if (!json) {
			perror(json_path);
			return 1;
		}
		fprintf(json, "[");
	}
	rng_state = seed;
	section_synthetic(max_ops);
	rng_state = seed;
	section_live(max_live);
	section_decoded(max_decoded, seed);
	if (json) {
		fprintf(json, "\n]\n");
		fclose(json);
	}
	return 0;
}
