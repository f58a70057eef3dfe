/* SPDX-License-Identifier: MIT */
/*
 * GFP and SLAB names: single bits <-> names per version, composite values
 * per version (include/linux/gfp_types.h), and kas_gfp_format output parsing
 * back to the same value for many random values in every profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kallocspec/trace.h>
#include "kas_test.h"



static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
	return kas_test_rng(&rng_state);
}

static const struct kas_profile *prof(const char *name)
{
	const struct kas_profile *p = kas_profile_find(name);
	if (!p) {
		fprintf(stderr, "profile %s missing\n", name);
		exit(1);
	}
	return p;
}

static bool in_range(const struct kas_flag_name *f, uint32_t kver)
{
	return (!f->since || kver >= f->since) && (!f->until || kver < f->until);
}

static void test_single_bits(void)
{
	for (size_t pi = 0; pi < kas_profile_count(); pi++) {
		const struct kas_profile *p = kas_profile_at(pi);
		uint32_t seen = 0;
		for (const struct kas_flag_name *f = kas_gfp_bits; f->name; f++) {
			kas_gfp_t v = 0;
			bool ok = kas_gfp_lookup(f->name, strlen(f->name), p->kver, &v);
			CHECK(__builtin_popcount(f->value) == 1, "%s is not a single bit", f->name);
			CHECK((seen & f->value) == 0, "%s: bit used twice", f->name);
			seen |= f->value;
			if (!in_range(f, p->kver)) {
				CHECK(!ok, "%s should not exist in %s", f->name, p->name);
				continue;
			}
			CHECK(ok && v == f->value, "%s in %s: %#x", f->name, p->name, v);
			/* bit -> name: the formatted bit names it (directly or through a
			 * composite of the same value). */
			char buf[128];
			kas_gfp_format(f->value, p->kver, buf, sizeof(buf));
			kas_gfp_t back = 0;
			CHECK(kas_gfp_lookup(buf, strlen(buf), p->kver, &back) && back == f->value,
			      "format(%s) = %s", f->name, buf);
		}
		CHECK((seen & ~KAS_GFP_ALL_BITS) == 0, "bits outside KAS_GFP_ALL_BITS");
	}
	/* The exact spellings. */
	char buf[128];
	kas_gfp_format(__GFP_ZERO, KAS_KVER(6, 12), buf, sizeof(buf));
	CHECK(strcmp(buf, "__GFP_ZERO") == 0, "%s", buf);
	kas_gfp_format(__GFP_NOFAIL, KAS_KVER(6, 12), buf, sizeof(buf));
	CHECK(strcmp(buf, "__GFP_NOFAIL") == 0, "%s", buf);
	kas_gfp_format(0, KAS_KVER(6, 12), buf, sizeof(buf));
	CHECK(strcmp(buf, "0") == 0, "%s", buf);
	kas_gfp_format(KAS_GFP_KERNEL | __GFP_ZERO, KAS_KVER(6, 12), buf, sizeof(buf));
	CHECK(strcmp(buf, "GFP_KERNEL|__GFP_ZERO") == 0, "%s", buf);
	kas_gfp_format(__GFP_ATOMIC, KAS_KVER(6, 12), buf, sizeof(buf));
	CHECK(strcmp(buf, "0x200") == 0, "__GFP_ATOMIC in 6.12 formats as %s", buf);
	kas_gfp_format(__GFP_ATOMIC, KAS_KVER(6, 1), buf, sizeof(buf));
	CHECK(strcmp(buf, "__GFP_ATOMIC") == 0, "%s", buf);
}

static void test_composites(void)
{
	struct { const char *name, *profile; kas_gfp_t want; } cases[] = {
		{ "GFP_NOWAIT", "linux-5.15", 0x800 },
		{ "GFP_NOWAIT", "linux-6.1", 0x800 },
		{ "GFP_NOWAIT", "linux-6.6", 0x800 },
		{ "GFP_NOWAIT", "linux-6.12", 0x2800 },
		{ "GFP_NOWAIT", "linux-latest", 0x2800 },
		{ "GFP_ATOMIC", "linux-5.15", 0xA20 },
		{ "GFP_ATOMIC", "linux-6.1", 0xA20 },
		{ "GFP_ATOMIC", "linux-6.6", 0x820 },
		{ "GFP_ATOMIC", "linux-6.12", 0x820 },
		{ "GFP_ATOMIC", "linux-latest", 0x820 },
		{ "GFP_KERNEL", "linux-5.15", 0xCC0 },
		{ "GFP_KERNEL", "linux-6.1", 0xCC0 },
		{ "GFP_KERNEL", "linux-6.12", 0xCC0 },
		{ "GFP_NOIO", "linux-6.12", 0xC00 },
		{ "GFP_NOFS", "linux-6.12", 0xC40 },
		{ "GFP_USER", "linux-6.12", 0x100CC0 },
		{ "GFP_KERNEL_ACCOUNT", "linux-6.12", 0x400CC0 },
		{ "GFP_HIGHUSER", "linux-6.12", 0x100CC2 },
		{ "GFP_HIGHUSER_MOVABLE", "linux-6.12", 0x100CCA },
		{ "GFP_DMA", "linux-6.1", 0x1 },
		{ "GFP_DMA32", "linux-6.1", 0x4 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kas_profile *p = prof(cases[i].profile);
		kas_gfp_t v = 0, c = 0;
		bool ok = kas_gfp_lookup(cases[i].name, strlen(cases[i].name), p->kver, &v);
		CHECK(ok && v == cases[i].want, "%s in %s = %#x, want %#x", cases[i].name, p->name, v,
		      cases[i].want);
		CHECK(kas_gfp_composite(cases[i].name, p->kver, &c) && c == v, "composite %s",
		      cases[i].name);
	}
	kas_gfp_t v;
	CHECK(!kas_gfp_lookup("__GFP_ATOMIC", 12, prof("linux-6.12")->kver, &v), "__GFP_ATOMIC in 6.12");
	CHECK(!kas_gfp_lookup("__GFP_ATOMIC", 12, prof("linux-6.6")->kver, &v), "__GFP_ATOMIC in 6.6");
	CHECK(kas_gfp_lookup("__GFP_ATOMIC", 12, prof("linux-6.1")->kver, &v) && v == 0x200,
	      "__GFP_ATOMIC in 6.1");
	CHECK(!kas_gfp_lookup("GFP_KERNL", 9, prof("linux-6.1")->kver, &v), "typo");
	CHECK(!kas_gfp_lookup("GFP_KERNEL", 6, prof("linux-6.1")->kver, &v), "prefix only");
	CHECK(!kas_gfp_composite("__GFP_ZERO", KAS_KVER(6, 1), &v), "not a composite");
}

/* Split a formatted value on '|' and look each part up (or read it as hex). */
static bool parts_value(const char *s, uint32_t kver, kas_gfp_t *out)
{
	kas_gfp_t acc = 0;
	while (*s) {
		const char *bar = strchr(s, '|');
		size_t n = bar ? (size_t)(bar - s) : strlen(s);
		kas_gfp_t v;
		if (n > 2 && s[0] == '0' && s[1] == 'x') {
			char tmp[32];
			if (n >= sizeof(tmp))
				return false;
			memcpy(tmp, s, n);
			tmp[n] = '\0';
			v = (kas_gfp_t)strtoul(tmp, NULL, 16);
		} else if (n == 1 && s[0] == '0') {
			v = 0;
		} else if (!kas_gfp_lookup(s, n, kver, &v)) {
			return false;
		}
		acc |= v;
		s += n;
		if (*s == '|')
			s++;
	}
	*out = acc;
	return true;
}

static void test_format_round_trip(void)
{
	for (size_t pi = 0; pi < kas_profile_count(); pi++) {
		const struct kas_profile *p = kas_profile_at(pi);
		for (int i = 0; i < 20000; i++) {
			uint64_t r = rng();
			kas_gfp_t v;
			switch (i % 4) {
			case 0: v = (kas_gfp_t)r; break;                        /* any 32 bits */
			case 1: v = (kas_gfp_t)r & KAS_GFP_ALL_BITS; break;     /* known bits */
			case 2: v = (kas_gfp_t)(r & (r >> 32)) & KAS_GFP_ALL_BITS; break; /* sparse */
			default: {                                              /* composite-ish */
				static const char *const names[] = {
					"GFP_KERNEL", "GFP_ATOMIC", "GFP_NOWAIT", "GFP_USER",
					"GFP_HIGHUSER_MOVABLE", "GFP_TRANSHUGE", "GFP_NOFS",
				};
				kas_gfp_composite(names[r % 7], p->kver, &v);
				v |= (kas_gfp_t)(r >> 8) & (kas_gfp_t)(r >> 40) & KAS_GFP_ALL_BITS;
			}
			}
			char buf[512], msg[128];
			size_t n = kas_gfp_format(v, p->kver, buf, sizeof(buf));
			CHECK(n == strlen(buf), "format length");
			kas_gfp_t back = 0, back2 = 0;
			size_t off = 0;
			int rc = kas_gfp_parse(buf, n, p->kver, &back, &off, msg, sizeof(msg));
			CHECK(rc == 0 && back == v, "%s: %#x -> '%s' -> %#x (%s)", p->name, v, buf, back,
			      rc ? msg : "");
			CHECK(parts_value(buf, p->kver, &back2) && back2 == v, "%s: parts of '%s'",
			      p->name, buf);
			/* snprintf convention on a short buffer */
			char small[6];
			size_t n2 = kas_gfp_format(v, p->kver, small, sizeof(small));
			CHECK(n2 == n && strlen(small) == (n < 5 ? n : 5) && !strncmp(small, buf, 5),
			      "truncation");
			if (failures > 20)
				return;
		}
	}
}

static void test_gfp_parse(void)
{
	uint32_t k612 = KAS_KVER(6, 12), k61 = KAS_KVER(6, 1);
	struct { const char *s; uint32_t kver; kas_gfp_t want; } ok[] = {
		{ "GFP_KERNEL", k612, 0xCC0 },
		{ "GFP_KERNEL&~__GFP_RECLAIM", k612, 0xC0 },
		{ "GFP_KERNEL&~__GFP_DIRECT_RECLAIM|__GFP_NOWARN", k612, 0x28C0 },
		{ "GFP_KERNEL&~(__GFP_DIRECT_RECLAIM|__GFP_NOWARN)", k612, 0x8C0 },
		{ "(GFP_NOWAIT)", k61, 0x800 },
		{ "GFP_NOWAIT", k612, 0x2800 },
		{ "0x200|GFP_ATOMIC", k612, 0xA20 },
		{ "GFP_ATOMIC&~__GFP_ATOMIC", k61, 0x820 },
		{ "0", k612, 0 },
		{ "4096", k612, 0x1000 },
		{ "0xffffffff", k612, 0xffffffff },
		{ "((((__GFP_ZERO))))", k612, 0x100 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		kas_gfp_t v = 0;
		char msg[128] = "";
		int rc = kas_gfp_parse(ok[i].s, strlen(ok[i].s), ok[i].kver, &v, NULL, msg, sizeof(msg));
		CHECK(rc == 0 && v == ok[i].want, "'%s' = %#x (%s)", ok[i].s, v, msg);
	}
	struct { const char *s; size_t off; const char *msg; } bad[] = {
		{ "", 0, "expected a GFP flag name, a number or '(', found end of GFP flags" },
		{ "GFP_KERNEL|", 11, "expected a GFP flag name, a number or '(', found end of GFP flags" },
		{ "GFP_KERNEL|__GFP_ATOMIC", 11,
		  "GFP flag '__GFP_ATOMIC' does not exist in linux-6.12 (only in linux-5.15, linux-6.1)" },
		{ "__GFP_NOWARN|gfp_kernel", 13, "unknown GFP flag 'gfp_kernel'" },
		{ "0x1ffffffff", 0, "GFP value '0x1ffffffff' does not fit in 32 bits" },
		{ "(GFP_KERNEL", 11, "expected ')' to match '(', found end of GFP flags" },
		{ "GFP_KERNEL~__GFP_IO", 10, "expected '|' or '&~' between GFP flags, found '~'" },
		{ "GFP_KERNEL)", 10, "unmatched ')' in GFP flags" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kas_gfp_t v = 0;
		char msg[128] = "";
		size_t off = 99;
		int rc = kas_gfp_parse(bad[i].s, strlen(bad[i].s), k612, &v, &off, msg, sizeof(msg));
		CHECK(rc == -1 && off == bad[i].off && strcmp(msg, bad[i].msg) == 0,
		      "'%s': rc %d off %zu msg '%s'", bad[i].s, rc, off, msg);
	}
	/* Deep nesting is refused, not a stack overflow. */
	char deep[400];
	memset(deep, '(', 200);
	strcpy(deep + 200, "0");
	kas_gfp_t v;
	CHECK(kas_gfp_parse(deep, strlen(deep), k612, &v, NULL, NULL, 0) == -1, "deep nesting");
}

static void test_slab(void)
{
	for (size_t pi = 0; pi < kas_profile_count(); pi++) {
		const struct kas_profile *p = kas_profile_at(pi);
		uint32_t all = 0;
		for (const struct kas_flag_name *f = kas_slab_flags; f->name; f++) {
			uint32_t v = 0;
			bool ok = kas_slab_flag_lookup(f->name, strlen(f->name), p->kver, &v);
			CHECK(ok == in_range(f, p->kver), "%s in %s", f->name, p->name);
			if (ok) {
				CHECK(v == f->value, "%s value", f->name);
				char buf[64];
				kas_slab_flags_format(v, p->kver, buf, sizeof(buf));
				CHECK(strcmp(buf, f->name) == 0, "format %s = %s", f->name, buf);
				all |= v;
			}
		}
		/* Random flag sets print and parse back through a trace line. */
		for (int i = 0; i < 2000; i++) {
			uint32_t v = (uint32_t)rng() & all;
			char buf[512], text[700];
			kas_slab_flags_format(v, p->kver, buf, sizeof(buf));
			snprintf(text, sizeof(text), "profile %s\nc = kmem_cache_create x 8 8 %s\n", p->name,
				 buf);
			struct kas_trace t;
			struct kas_parse_error err;
			kas_trace_init(&t);
			int rc = kas_trace_parse(&t, text, strlen(text), "slab", NULL, NULL, &err);
			CHECK(rc == 0 && t.ops[0].v[3] == v, "%s: '%s' (%s)", p->name, buf, rc ? err.msg : "");
			kas_trace_free(&t);
			if (failures > 20)
				return;
		}
	}
	char buf[16];
	kas_slab_flags_format(0, KAS_KVER(6, 1), buf, sizeof(buf));
	CHECK(strcmp(buf, "0") == 0, "slab 0 = %s", buf);
	uint32_t v;
	CHECK(!kas_slab_flag_lookup("SLAB_NO_MERGE", 13, KAS_KVER(6, 1), &v) &&
	      kas_slab_flag_lookup("SLAB_NO_MERGE", 13, KAS_KVER(6, 6), &v), "SLAB_NO_MERGE since 6.5");
}

int main(void)
{
	test_single_bits();
	test_composites();
	test_format_round_trip();
	test_gfp_parse();
	test_slab();
	if (failures) {
		fprintf(stderr, "test_gfp: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_gfp: ok\n");
	return 0;
}
