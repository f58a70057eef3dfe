/* SPDX-License-Identifier: MIT */
/*
 * The binary trace form: every byte string decodes, decoded traces print
 * and re-parse to equal traces, encode is the inverse of decode, the
 * hand-written sample traces survive encode -> decode, and a warm trace is
 * refilled without reallocating.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kallocspec/trace.h>
#include "trace_samples.h"
#include "kas_test.h"



static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rng(void)
{
	return kas_test_rng(&rng_state);
}

static void dump_hex(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%02x", d[i]);
	fputc('\n', stderr);
}

/* Decode, print, re-parse, encode, decode again. */
static bool check_bytes(const uint8_t *data, size_t len, const struct kas_profile *p,
			struct kas_trace *t, struct kas_trace *u, bool *op_seen)
{
	bool ok = true;
	if (kas_trace_decode(t, data, len, p, 0) != 0) {
		CHECK(false, "decode failed");
		return false;
	}
	CHECK(t->profile == p, "profile");
	for (size_t i = 0; i < t->nops; i++)
		op_seen[t->ops[i].code] = true;

	char *text = kas_trace_to_string(t, SIZE_MAX);
	struct kas_parse_error err;
	if (!text || kas_trace_parse(u, text, strlen(text), "decoded", NULL, NULL, &err) != 0) {
		char msg[512];
		kas_parse_error_format(&err, msg, sizeof(msg));
		CHECK(false, "decoded trace does not re-parse: %s\n%s", msg, text ? text : "");
		ok = false;
	} else if (!kas_trace_equal(t, u)) {
		CHECK(false, "print/parse not equal\n%s", text);
		ok = false;
	}

	uint8_t *enc = NULL;
	size_t enclen = 0;
	char emsg[256];
	if (kas_trace_encode(t, &enc, &enclen, emsg, sizeof(emsg)) != 0) {
		CHECK(false, "encode of a decoded trace failed: %s\n%s", emsg, text ? text : "");
		ok = false;
	} else {
		CHECK(enclen <= len + t->nops * 2 + 16, "encoding is not compact: %zu for %zu", enclen,
		      len);
		if (kas_trace_decode(u, enc, enclen, p, 0) != 0 || !kas_trace_equal(t, u)) {
			CHECK(false, "decode(encode(t)) != t\n%s", text ? text : "");
			ok = false;
		}
	}
	if (!ok)
		dump_hex(data, len);
	free(enc);
	free(text);
	return ok;
}

static void test_random(void)
{
	struct kas_trace t, u;
	kas_trace_init(&t);
	kas_trace_init(&u);
	bool op_seen[KAS_OP__COUNT] = { false };
	uint8_t buf[300];
	size_t total_ops = 0, empty = 0;
	for (int iter = 0; iter < 100000; iter++) {
		size_t len = (size_t)(rng() % 301);
		/* Mostly uniform bytes; every fourth input favours small values so
		 * that handles get reused and lists stay short. */
		for (size_t i = 0; i < len; i++) {
			uint64_t r = rng();
			buf[i] = (uint8_t)(iter % 4 == 3 ? r % 8 : r);
		}
		const struct kas_profile *p = kas_profile_at((size_t)iter % kas_profile_count());
		if (!check_bytes(buf, len, p, &t, &u, op_seen) && failures > 10)
			break;
		total_ops += t.nops;
		empty += t.nops == 0;
	}
	for (int op = 0; op < KAS_OP__COUNT; op++)
		CHECK(op_seen[op], "op '%s' never decoded", kas_op_table[op].name);
	CHECK(total_ops > 100000 * 20, "too few ops decoded: %zu", total_ops);
	printf("random: %zu ops decoded, %zu empty traces\n", total_ops, empty);
	kas_trace_free(&t);
	kas_trace_free(&u);
}

/* The hand-written traces survive encode -> decode up to names and meta. */
static void test_samples(void)
{
	for (size_t i = 0; i < KAS_TEST_NSAMPLES; i++) {
		struct kas_trace t, u;
		struct kas_parse_error err;
		kas_trace_init(&t);
		kas_trace_init(&u);
		const char *s = kas_test_samples[i];
		CHECK(kas_trace_parse(&t, s, strlen(s), "sample", NULL, NULL, &err) == 0, "sample %zu: %s",
		      i, err.msg);
		uint8_t *enc = NULL;
		size_t n = 0;
		char msg[256];
		int rc = kas_trace_encode(&t, &enc, &n, msg, sizeof(msg));
		CHECK(rc == 0, "sample %zu: encode: %s", i, msg);
		if (rc == 0) {
			CHECK(kas_trace_decode(&u, enc, n, t.profile, 0) == 0, "decode");
			CHECK(kas_trace_equal_ex(&t, &u, KAS_EQ_IGNORE_NAMES | KAS_EQ_IGNORE_META),
			      "sample %zu differs after encode/decode", i);
			CHECK(u.nops == t.nops && u.nmeta == 0, "sample %zu", i);
			/* max_ops cuts the decode short */
			CHECK(kas_trace_decode(&u, enc, n, t.profile, 3) == 0 && u.nops == 3, "max_ops");
		}
		free(enc);
		kas_trace_free(&t);
		kas_trace_free(&u);
	}
}

/* Long lists and more than 253 live handles need the escapes. */
static void test_big(void)
{
	char *text = malloc(64 * 1024);
	size_t n = 0;
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(text + n, "a%d = kmalloc %d GFP_KERNEL\n", i, i);
	n += (size_t)sprintf(text + n, "kfree a299\nksize a0\nkfree_bulk");
	for (int i = 0; i < 40; i++)
		n += (size_t)sprintf(text + n, " a%d", 250 + i);
	n += (size_t)sprintf(text + n, "\n");
	struct kas_trace t, u;
	kas_trace_init(&t);
	kas_trace_init(&u);
	CHECK(kas_trace_parse(&t, text, n, "big", NULL, NULL, NULL) == 0, "parse big");
	uint8_t *enc = NULL;
	size_t elen = 0;
	char msg[128];
	CHECK(kas_trace_encode(&t, &enc, &elen, msg, sizeof(msg)) == 0, "encode big: %s", msg);
	CHECK(kas_trace_decode(&u, enc, elen, t.profile, 0) == 0 &&
	      kas_trace_equal_ex(&t, &u, KAS_EQ_IGNORE_NAMES), "big round trip");
	CHECK(u.nops == 303 && u.ops[302].list_len == 40, "big list");
	free(enc);
	free(text);
	kas_trace_free(&t);
	kas_trace_free(&u);
}

static char *decode_text(const uint8_t *d, size_t n, const char *profile)
{
	struct kas_trace t;
	kas_trace_init(&t);
	kas_trace_decode(&t, d, n, kas_profile_find(profile), 0);
	char *s = kas_trace_to_string(&t, SIZE_MAX);
	kas_trace_free(&t);
	return s;
}

/* Pin the byte format with a few exact decodes. */
static void test_exact(void)
{
	const struct { uint8_t bytes[32]; size_t n; const char *profile, *want; } cases[] = {
		{ { 0 }, 0, "linux-6.12", "" },
		/* kmalloc 5 GFP_KERNEL; FREE_AUTO h0 choice 0 */
		{ { 0x00, 0x05, 0x00, 0x3f, 0x00, 0x00 }, 6, "linux-6.12",
		  "h0 = kmalloc 5 GFP_KERNEL\nkfree h0\n" },
		/* truncated: missing bytes read as zero */
		{ { 0x00 }, 1, "linux-6.12", "h0 = kmalloc 0 GFP_KERNEL\n" },
		/* kzalloc class 0x40 (64) GFP_NOWAIT|mods(ZERO,NOFAIL) ; kvfree via choice 1 */
		{ { 0x01, 0x40, 0x81, 0x11, 0x3f, 0x00, 0x01 }, 7, "linux-6.1",
		  "h0 = kzalloc 64 GFP_NOWAIT|__GFP_ZERO|__GFP_NOFAIL\nkvfree h0\n" },
		/* kfree with nothing live is dropped; kfree NULL is kept */
		{ { 0x06, 0x00, 0x06, 0xff }, 4, "linux-6.12", "kfree NULL\n" },
		/* size literals: 2-byte 1000, 8-byte SIZE_MAX, 4-byte 2^24 (GFP read past the end) */
		{ { 0x00, 0xfe, 0xe8, 0x03, 0x00,
		    0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
		    0x3f, 0x00, 0x00,
		    0x00, 0xfd, 0x00, 0x00, 0x00, 0x01 },
		  25, "linux-6.12",
		  "h0 = kmalloc 1000 GFP_KERNEL\nh1 = kmalloc SIZE_MAX GFP_KERNEL\nkfree h0\n"
		  "h2 = kmalloc 16777216 GFP_KERNEL\n" },
		/* cache with ctor, alloc from it, FREE_AUTO picks kmem_cache_free */
		{ { 0x16, 0x01, 0x30, 0x08, 0x01, 0x18, 0x00, 0x00, 0x3f, 0x00, 0x00 }, 11, "linux-6.6",
		  "c0 = kmem_cache_create c0 48 8 SLAB_HWCACHE_ALIGN ctor\n"
		  "h0 = kmem_cache_alloc c0 GFP_KERNEL\nkmem_cache_free c0 h0\n" },
		/* the world escape (code 62): ballast clean 5, two saves, FREE_AUTO on a
		 * saved-flags handle gives the matching restore */
		{ { 0x3e, 0x00, 0x01, 0x05, 0x3e, 0x0a, 0x7e, 0x0c, 0x3f, 0x00, 0x00 }, 11, "linux-6.12",
		  "ballast clean 5\nf0 = memalloc_nofs_save\nf1 = memalloc_noio_save\n"
		  "memalloc_nofs_restore f0\n" },
		/* kfree_rcu kills its handle statically; w wraps modulo the world ops */
		{ { 0x00, 0x05, 0x00, 0x3e, 0x13, 0x00, 0x06, 0x00, 0x3e,
		    (uint8_t)(KAS_OP__COUNT - KAS_OP_BALLAST + 1) }, 10, "linux-6.12",
		  "h0 = kmalloc 5 GFP_KERNEL\nkfree_rcu h0\nexhaust\n" },
		/* restore with no saved flags live is dropped */
		{ { 0x3e, 0x0b, 0x00, 0x3e, 0x15, 0xff, 0x08, 0x10 }, 8, "linux-6.12",
		  "copy_to_user NULL 8 16\n" },
		/* alloc_pages order 3, FREE_AUTO -> __free_pages with the order */
		{ { 0x1f, 0x00, 0x03, 0x3f, 0x00, 0x00 }, 6, "linux-6.6",
		  "h0 = alloc_pages GFP_KERNEL 3\n__free_pages h0 3\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = decode_text(cases[i].bytes, cases[i].n, cases[i].profile);
		char want[1024];
		snprintf(want, sizeof(want), "# kallocspec trace v1\nprofile %s\n%s", cases[i].profile,
			 cases[i].want);
		CHECK(s && strcmp(s, want) == 0, "case %zu:\n--- got\n%s--- want\n%s", i, s ? s : "",
		      want);
		free(s);
	}
}

/* Traces the encoder must refuse, with the line in the message. */
static void test_encode_errors(void)
{
	const struct { const char *text, *want; } cases[] = {
		{ "a = kmalloc 8 GFP_KERNEL\nkfree a\nkfree a\n",
		  "e.ktrace:3: handle 'a' is not statically live here" },
		{ "a = kmalloc 8 GFP_KERNEL\nb = krealloc a 16 GFP_KERNEL\nksize a\n",
		  "e.ktrace:3: handle 'a' is not statically live here" },
		{ "c = kmem_cache_create x 8 8 0\nkmem_cache_destroy c\nkmem_cache_alloc c GFP_KERNEL\n",
		  "e.ktrace:3: handle 'c' is not statically live here" },
		{ "c = kmem_cache_create x 8 8 0\ng = kmem_cache_alloc_bulk c GFP_KERNEL 4\n"
		  "kfree_bulk g\nkfree_bulk g\n",
		  "e.ktrace:4: handle 'g' is not statically live here" },
		{ "f = memalloc_nofs_save\nmemalloc_nofs_restore f\nmemalloc_nofs_restore f\n",
		  "e.ktrace:3: handle 'f' is not statically live here" },
		{ "a = kmalloc 8 GFP_KERNEL\nkvfree_rcu a\nksize a\n",
		  "e.ktrace:3: handle 'a' is not statically live here" },
		{ "c = kmem_cache_create x 8 8 0x800\n",
		  "e.ktrace:1: SLAB flags 0x800 have bits the binary form cannot carry" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kas_trace t;
		kas_trace_init(&t);
		struct kas_parse_error err;
		int rc = kas_trace_parse(&t, cases[i].text, strlen(cases[i].text), "e.ktrace", NULL,
					 NULL, &err);
		CHECK(rc == 0, "case %zu parse: %s", i, err.msg);
		uint8_t *enc = (uint8_t *)1;
		size_t n = 7;
		char msg[256];
		rc = kas_trace_encode(&t, &enc, &n, msg, sizeof(msg));
		CHECK(rc == -1 && enc == NULL && n == 0, "case %zu should fail", i);
		CHECK(strcmp(msg, cases[i].want) == 0, "case %zu:\n  got  %s\n  want %s", i, msg,
		      cases[i].want);
		kas_trace_free(&t);
	}
	/* An empty trace encodes to zero bytes and decodes to nothing. */
	struct kas_trace t;
	kas_trace_init(&t);
	uint8_t *enc = NULL;
	size_t n = 1;
	char msg[64];
	CHECK(kas_trace_encode(&t, &enc, &n, msg, sizeof(msg)) == 0 && enc && n == 0, "empty");
	free(enc);
	kas_trace_free(&t);
}

/* Refilling a warm trace reuses its arrays and name buffers. */
static void test_warm(void)
{
	uint8_t buf[256];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(rng() % 24);   /* allocation-heavy ops */
	struct kas_trace t;
	kas_trace_init(&t);
	const struct kas_profile *p = kas_profile_find("linux-6.12");
	CHECK(kas_trace_decode(&t, buf, sizeof(buf), p, 0) == 0 && t.nslots > 10, "decode %zu",
	      t.nslots);
	void *ops = t.ops, *slots = t.slots, *strings = t.strings;
	char *names[64];
	size_t nn = t.nslots < 64 ? t.nslots : 64;
	for (size_t i = 0; i < nn; i++)
		names[i] = t.slots[i].name;
	char *first = kas_trace_to_string(&t, SIZE_MAX);
	for (int round = 0; round < 3; round++)
		CHECK(kas_trace_decode(&t, buf, sizeof(buf), p, 0) == 0, "re-decode");
	CHECK(t.ops == ops && t.slots == slots && t.strings == strings, "arrays reallocated");
	bool same = true;
	for (size_t i = 0; i < nn; i++)
		same &= t.slots[i].name == names[i];
	CHECK(same, "slot names reallocated");
	char *again = kas_trace_to_string(&t, SIZE_MAX);
	CHECK(first && again && strcmp(first, again) == 0, "same result");
	free(first);
	free(again);
	kas_trace_clear(&t);
	CHECK(t.nops == 0 && t.nslots == 0 && t.ops == ops, "clear keeps capacity");
	kas_trace_free(&t);
}

int main(void)
{
	test_exact();
	test_samples();
	test_encode_errors();
	test_big();
	test_warm();
	test_random();
	if (failures) {
		fprintf(stderr, "test_trace_codec: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_trace_codec: ok\n");
	return 0;
}
