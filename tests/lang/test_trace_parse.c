/* SPDX-License-Identifier: MIT */
/*
 * The .ktrace parser and printer: round trips over traces that use every
 * op and argument kind, exact positions and messages for malformed input,
 * value checks, and the printer's renaming of rebound names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kallocspec/trace.h>
#include "trace_samples.h"
#include "kas_test.h"



static int parse(struct kas_trace *t, const char *text, struct kas_parse_error *err)
{
	return kas_trace_parse(t, text, strlen(text), "t.ktrace", NULL, NULL, err);
}

static void fmt_err(const struct kas_parse_error *e, char *buf, size_t n)
{
	kas_parse_error_format(e, buf, n);
}

/* parse -> print -> parse gives an equal trace and the same text again. */
static void check_round_trip(const char *text, int idx)
{
	struct kas_trace a, b;
	struct kas_parse_error err;
	char msg[512];
	kas_trace_init(&a);
	kas_trace_init(&b);
	int rc = parse(&a, text, &err);
	fmt_err(&err, msg, sizeof(msg));
	CHECK(rc == 0, "sample %d: %s", idx, msg);
	char *p1 = kas_trace_to_string(&a, SIZE_MAX);
	CHECK(p1 != NULL, "sample %d: print failed", idx);
	rc = kas_trace_parse(&b, p1, strlen(p1), "printed", NULL, NULL, &err);
	fmt_err(&err, msg, sizeof(msg));
	CHECK(rc == 0, "sample %d: reparse: %s\n%s", idx, msg, p1);
	CHECK(kas_trace_equal(&a, &b), "sample %d: not equal after round trip\n%s", idx, p1);
	char *p2 = kas_trace_to_string(&b, SIZE_MAX);
	CHECK(p2 && strcmp(p1, p2) == 0, "sample %d: printing is not stable\n%s\n---\n%s", idx,
	      p1, p2 ? p2 : "");

	/* A copy is equal; a prefix copy is a prefix. */
	struct kas_trace c;
	kas_trace_init(&c);
	CHECK(kas_trace_copy(&c, &a, SIZE_MAX) == 0 && kas_trace_equal(&a, &c),
	      "sample %d: copy differs", idx);
	if (a.nops > 2) {
		CHECK(kas_trace_copy(&c, &a, a.nops / 2) == 0 && c.nops == a.nops / 2,
		      "sample %d: prefix copy", idx);
		char *pp = kas_trace_to_string(&c, SIZE_MAX);
		char *pa = kas_trace_to_string(&a, a.nops / 2);
		CHECK(pp && pa && strcmp(pp, pa) == 0, "sample %d: prefix print\n%s---\n%s", idx,
		      pp, pa);
		free(pp);
		free(pa);
	}
	free(p1);
	free(p2);
	kas_trace_free(&a);
	kas_trace_free(&b);
	kas_trace_free(&c);
}

static void test_samples(void)
{
	bool used[KAS_OP__COUNT] = { false };
	bool kinds[AK_FLAGS + 1] = { false };
	for (size_t i = 0; i < KAS_TEST_NSAMPLES; i++) {
		check_round_trip(kas_test_samples[i], (int)i);
		struct kas_trace t;
		kas_trace_init(&t);
		if (parse(&t, kas_test_samples[i], NULL) == 0) {
			for (size_t k = 0; k < t.nops; k++) {
				used[t.ops[k].code] = true;
				const struct kas_op_info *oi = &kas_op_table[t.ops[k].code];
				for (unsigned j = 0; j < oi->nargs; j++)
					kinds[oi->args[j]] = true;
			}
		}
		kas_trace_free(&t);
	}
	for (int op = 0; op < KAS_OP__COUNT; op++)
		CHECK(used[op], "op '%s' not covered by the samples", kas_op_table[op].name);
	for (int k = AK_SIZE; k <= AK_FLAGS; k++)
		CHECK(kinds[k], "arg kind %d not covered", k);
}

/* Values the parser computed for the samples. */
static void test_values(void)
{
	struct kas_trace t;
	kas_trace_init(&t);
	CHECK(parse(&t, kas_test_samples[0], NULL) == 0, "sample 0");
	CHECK(t.nops == 16, "nops %zu", t.nops);
	CHECK(strcmp(t.profile->name, "linux-6.12") == 0, "profile");
	CHECK(strcmp(t.profile_name, "linux-6.12") == 0, "profile name");
	CHECK(t.nmeta == 2 && strcmp(kas_trace_meta(&t, "exercises"), "ALIGN-1 ZERO-1") == 0 &&
	      strcmp(kas_trace_meta(&t, "port"), "libc-naive") == 0 && !kas_trace_meta(&t, "x"),
	      "meta");
	CHECK(t.ops[0].code == KAS_OP_KMALLOC && t.ops[0].v[0] == 64 &&
	      t.ops[0].v[1] == (KAS_GFP_KERNEL | __GFP_ZERO) && t.ops[0].line == 6, "kmalloc");
	CHECK(t.ops[1].v[1] == 0x2800, "GFP_NOWAIT 6.12 %#llx", (unsigned long long)t.ops[1].v[1]);
	CHECK(t.ops[2].v[1] == 4096, "PAGE_SIZE");
	CHECK(t.ops[3].v[0] == 8192 && t.ops[3].v[2] == __GFP_KSWAPD_RECLAIM, "kcalloc");
	CHECK(t.ops[4].ref[0] == KAS_REF_HANDLE && t.ops[4].v[0] == 0 && t.ops[4].slot == 4,
	      "krealloc refers to the old a");
	CHECK(t.ops[5].ref[0] == KAS_REF_NULL && t.ops[5].v[2] == (4u << 20) + 1 &&
	      t.ops[5].v[3] == ((KAS_GFP_KERNEL | __GFP_NOWARN) & ~__GFP_FS), "krealloc_array");
	CHECK(t.ops[6].ref[0] == KAS_REF_HANDLE && t.ops[6].v[0] == 4 && t.ops[6].slot == -1,
	      "ksize refers to the new a");
	CHECK(t.ops[7].v[0] == 8191, "KMALLOC_MAX_CACHE_SIZE-1");
	CHECK(t.ops[11].ref[0] == KAS_REF_ZSP && t.ops[12].ref[0] == KAS_REF_NULL, "ZSP/NULL");
	CHECK(t.ops[15].slot == 6 && t.slots[6].name == NULL && t.slots[6].kind == KAS_SLOT_OBJ,
	      "anonymous slot");
	CHECK(t.nslots == 7 && strcmp(t.slots[4].name, "a") == 0 && t.slots[4].def_op == 4,
	      "slots");

	CHECK(parse(&t, kas_test_samples[1], NULL) == 0, "sample 1");
	CHECK(strcmp(t.profile->name, "linux-latest") == 0 && strcmp(t.profile_name, "latest") == 0,
	      "latest alias");
	CHECK(t.nmeta == 0, "no meta");
	CHECK(t.ops[6].v[0] == UINT64_MAX && t.ops[7].v[0] == 0x80000000ull &&
	      t.ops[8].v[1] == 0x100000000ull, "sizes");

	CHECK(parse(&t, kas_test_samples[2], NULL) == 0, "sample 2");
	CHECK(t.ops[0].flags == KAS_OPF_CTOR && strcmp(t.strings[t.ops[0].v[0]], "foo") == 0 &&
	      t.ops[0].v[3] == KAS_SLAB_HWCACHE_ALIGN, "ctor cache");
	CHECK(t.ops[1].flags == 0 && strcmp(t.strings[t.ops[1].v[0]], "bar-cache") == 0 &&
	      t.ops[1].v[3] == (KAS_SLAB_ACCOUNT | KAS_SLAB_RED_ZONE) && t.ops[1].v[5] == 32,
	      "usercopy cache");
	const struct kas_op *fb = &t.ops[8];
	CHECK(fb->code == KAS_OP_KFREE_BULK && fb->list_len == 4 &&
	      t.list[fb->list_off].ref == KAS_REF_HANDLE &&
	      t.slots[t.list[fb->list_off].slot].kind == KAS_SLOT_OBJ &&
	      t.list[fb->list_off + 1].ref == KAS_REF_NULL &&
	      t.slots[t.list[fb->list_off + 2].slot].kind == KAS_SLOT_BULK &&
	      t.list[fb->list_off + 3].ref == KAS_REF_ZSP, "kfree_bulk list");
	CHECK(t.ops[15].list_len == 0 && t.ops[16].list_len == 0, "empty lists");
	CHECK(t.ops[17].slot >= 0 && t.slots[t.ops[17].slot].name == NULL &&
	      t.slots[t.ops[17].slot].kind == KAS_SLOT_CACHE, "anonymous cache");

	CHECK(parse(&t, kas_test_samples[3], NULL) == 0, "sample 3");
	CHECK(t.ops[0].v[1] == 3 && t.ops[1].v[0] == 0xA20, "GFP_ATOMIC 5.15 %#llx",
	      (unsigned long long)t.ops[1].v[0]);
	CHECK(t.ops[12].v[0] == (__GFP_ATOMIC | __GFP_HIGH | 0x1000000), "literal gfp bit");

	CHECK(parse(&t, kas_test_samples[4], NULL) == 0, "sample 4");
	CHECK(t.nmeta == 1 && strcmp(kas_trace_meta(&t, "note"), "rebinding keeps the older slot alive") == 0,
	      "meta only before ops");
	CHECK(t.ops[2].v[0] == 1 && t.ops[4].v[0] == 3 && t.ops[5].v[0] == 2, "rebinding");

	/* force overrides the trace's profile; dflt applies without one. */
	const struct kas_profile *p61 = kas_profile_find("linux-6.1");
	CHECK(kas_trace_parse(&t, kas_test_samples[0], strlen(kas_test_samples[0]), "x", p61, NULL,
			      NULL) == 0 && t.profile == p61 && t.ops[1].v[1] == 0x800, "force");
	const char *np = "x = kzalloc 1 GFP_NOWAIT\n";
	CHECK(kas_trace_parse(&t, np, strlen(np), "x", NULL, p61, NULL) == 0 && t.profile == p61 &&
	      t.ops[0].v[1] == 0x800, "dflt");
	CHECK(kas_trace_parse(&t, np, strlen(np), "x", NULL, NULL, NULL) == 0 &&
	      t.profile == kas_profile_default(), "default profile");
	/* CRLF, tabs, no final newline, arithmetic left to right. */
	const char *misc = "a\t=\tkmalloc  2+3*4  GFP_KERNEL\r\nkfree a";
	CHECK(parse(&t, misc, NULL) == 0 && t.nops == 2 && t.ops[0].v[0] == 20, "misc");
	CHECK(parse(&t, "\xEF\xBB\xBFkfree NULL\n", NULL) == 0 && t.nops == 1, "byte order mark");
	CHECK(parse(&t, "#k:v\n#  k2:   two words  \n# Not: meta\n# k3:\n", NULL) == 0 &&
	      t.nmeta == 3 && !strcmp(kas_trace_meta(&t, "k"), "v") &&
	      !strcmp(kas_trace_meta(&t, "k2"), "two words") && !strcmp(kas_trace_meta(&t, "k3"), "") &&
	      !kas_trace_meta(&t, "Not"), "meta spellings");
	char *mt = kas_trace_to_string(&t, SIZE_MAX);
	CHECK(mt && !strcmp(mt, "# kallocspec trace v1\n# k: v\n# k2: two words\n# k3:\nprofile linux-latest\n"),
	      "meta printing:\n%s", mt ? mt : "");
	free(mt);
	kas_trace_clear(&t);
	CHECK(t.nops == 0 && t.nmeta == 0 && t.nslots == 0 && !t.profile, "clear");
	kas_trace_free(&t);
}

struct bad_case {
	const char *text;
	const char *want;   /* full "file:line:col: message" */
};

static const struct bad_case bad_cases[] = {
	/* the world's ops */
	{ "ballast dirty 5\n",
	  "t.ktrace:1:9: expected a ballast kind (pinned, clean, fs_dirty, io_dirty, anon), found 'dirty'" },
	{ "ballast clean\n", "t.ktrace:1:14: expected a size after the ballast kind, found end of line" },
	{ "a = kmalloc 8 GFP_KERNEL\nmemalloc_nofs_restore a\n",
	  "t.ktrace:2:23: expected a saved-flags handle (from memalloc_*_save), found object handle 'a'" },
	{ "f = memalloc_noio_save\nkfree f\n",
	  "t.ktrace:2:7: expected an object handle, NULL or ZERO_SIZE_PTR, found saved-flags handle 'f'" },
	{ "x = synchronize_rcu\n", "t.ktrace:1:1: 'synchronize_rcu' returns nothing and cannot be bound to a handle name" },
	{ "exhaust 5\n", "t.ktrace:1:9: expected end of line after 'exhaust', found '5'" },
	{ "profile linux-6.1\nkmaloc 8 GFP_KERNEL\n", "t.ktrace:2:1: unknown op 'kmaloc'" },
	{ "a = kmalloc 8 GFP_KERNL\n", "t.ktrace:1:15: unknown GFP flag 'GFP_KERNL'" },
	{ "a = kmalloc 8 GFP_KERNEL|__GFP_BOGUS|__GFP_ZERO\n",
	  "t.ktrace:1:26: unknown GFP flag '__GFP_BOGUS'" },
	{ "profile linux-6.12\na = kmalloc 8 GFP_KERNEL|__GFP_ATOMIC\n",
	  "t.ktrace:2:26: GFP flag '__GFP_ATOMIC' does not exist in linux-6.12 (only in linux-5.15, linux-6.1)" },
	{ "kfree x\n", "t.ktrace:1:7: unknown handle 'x'" },
	{ "c = kmem_cache_create foo 8 8 0\nkfree c\n",
	  "t.ktrace:2:7: expected an object handle, NULL or ZERO_SIZE_PTR, found cache handle 'c'" },
	{ "a = kmalloc 8 GFP_KERNEL\nkmem_cache_alloc a GFP_KERNEL\n",
	  "t.ktrace:2:18: expected a cache handle or NULL, found object handle 'a'" },
	{ "c = kmem_cache_create foo 8 8 0\nkfree_bulk NULL c\n",
	  "t.ktrace:2:17: expected an object or bulk handle, NULL or ZERO_SIZE_PTR, found cache handle 'c'" },
	{ "# header\n\na = kmalloc 64\n",
	  "t.ktrace:3:15: expected GFP flags after the size, found end of line" },
	{ "kfree   # nothing\n",
	  "t.ktrace:1:6: expected a pointer (handle, NULL or ZERO_SIZE_PTR) after 'kfree', found end of line" },
	{ "c = kmem_cache_create foo 8\n",
	  "t.ktrace:1:28: expected a size after the size, found end of line" },
	{ "a = kmalloc 8 GFP_KERNEL 9\n",
	  "t.ktrace:1:26: expected end of line after the GFP flags, found '9'" },
	{ "a = kmalloc 8 GFP_KERNEL ctor\n",
	  "t.ktrace:1:26: expected end of line after the GFP flags, found 'ctor'" },
	{ "c = kmem_cache_create foo 8 8 0 ctr\n",
	  "t.ktrace:1:33: expected end of line or 'ctor' after the SLAB flags, found 'ctr'" },
	{ "c = kmem_cache_create foo 8 8 0 ctor ctor\n",
	  "t.ktrace:1:38: expected end of line after 'ctor', found 'ctor'" },
	{ "a = kmalloc 18446744073709551616 GFP_KERNEL\n", "t.ktrace:1:13: integer overflow" },
	{ "a = kmalloc SIZE_MAX+1 GFP_KERNEL\n", "t.ktrace:1:13: integer overflow" },
	{ "a = kmalloc 0x10000000000000000 GFP_KERNEL\n", "t.ktrace:1:13: integer overflow" },
	{ "a = kmalloc_array INT_MAX*0x300000000 2 GFP_KERNEL\n", "t.ktrace:1:19: integer overflow" },
	{ "a = kmalloc 0-1 GFP_KERNEL\n", "t.ktrace:1:13: integer overflow" },
	{ "a = kmalloc 12abc GFP_KERNEL\n",
	  "t.ktrace:1:15: expected '+', '-', '*' or the end of the number, found 'a'" },
	{ "a = kmalloc PAGESIZE GFP_KERNEL\n",
	  "t.ktrace:1:13: expected a number or one of SIZE_MAX, INT_MAX, PAGE_SIZE, KMALLOC_MAX_SIZE, KMALLOC_MAX_CACHE_SIZE, found 'PAGESIZE'" },
	{ "a = kmalloc 8+ GFP_KERNEL\n", "t.ktrace:1:15: expected a number after '+'" },
	{ "a = kmalloc 8 0x100000000\n",
	  "t.ktrace:1:15: GFP value '0x100000000' does not fit in 32 bits" },
	{ "a = kmalloc 8 (GFP_KERNEL\n", "t.ktrace:1:26: expected ')' to match '(', found end of GFP flags" },
	{ "a = kmalloc 8 GFP_KERNEL)\n", "t.ktrace:1:25: unmatched ')' in GFP flags" },
	{ "a = kmalloc 8 GFP_KERNEL||__GFP_ZERO\n",
	  "t.ktrace:1:26: expected a GFP flag name, a number or '(', found '|'" },
	{ "a = kmalloc 8 GFP_KERNEL&__GFP_ZERO\n",
	  "t.ktrace:1:25: expected '|' or '&~' between GFP flags, found '&'" },
	{ "profile linux-9.9\n",
	  "t.ktrace:1:9: unknown profile 'linux-9.9' (known: linux-5.15, linux-6.1, linux-6.6, linux-6.12, linux-latest, latest)" },
	{ "a = kmalloc 8 GFP_KERNEL\nprofile linux-6.1\n",
	  "t.ktrace:2:1: the profile line must come before the first op" },
	{ "profile linux-6.1\nprofile linux-6.6\n", "t.ktrace:2:1: expected only one profile line" },
	{ "profile\n", "t.ktrace:1:8: expected a profile name after 'profile', found end of line" },
	{ "profile linux-6.1 x\n",
	  "t.ktrace:1:19: expected end of line after the profile name, found 'x'" },
	{ "x = kfree NULL\n", "t.ktrace:1:1: 'kfree' returns nothing and cannot be bound to a handle name" },
	{ "n = ksize NULL\n",
	  "t.ktrace:1:1: 'ksize' returns a plain value and cannot be bound to a handle name" },
	{ "a = kmalloc 8 GFP_KERNEL\x01\n", "t.ktrace:1:25: unexpected byte 0x01" },
	{ "kfree NULL\xc3\xa9\n", "t.ktrace:1:11: unexpected byte 0xC3" },
	{ "kfree NULL # caf\xe9\n", "t.ktrace:1:17: unexpected byte 0xE9 (not valid UTF-8)" },
	{ "kfree NULL # ok: caf\xc3\xa9\nkfree NULL # \xc3\n",
	  "t.ktrace:2:14: unexpected byte 0xC3 (not valid UTF-8)" },
	{ "kfree NULL # \x7f\n", "t.ktrace:1:14: unexpected byte 0x7F" },
	{ "\x00", "t.ktrace:1:1: unexpected byte 0x00" },
	{ "p = alloc_pages GFP_KERNEL 64\n", "t.ktrace:1:28: expected a page order 0..63, found 64" },
	{ "a =\n", "t.ktrace:1:4: expected an op name after '=', found end of line" },
	{ "a=kmalloc 8 GFP_KERNEL\n",
	  "t.ktrace:1:1: expected 'NAME = OP ...' with spaces around '=', found 'a=kmalloc'" },
	{ "NULL = kmalloc 8 GFP_KERNEL\n",
	  "t.ktrace:1:1: expected a handle name (letters, digits, '_'; not NULL or ZERO_SIZE_PTR), found 'NULL'" },
	{ "kfree 12\n", "t.ktrace:1:7: expected an object handle, NULL or ZERO_SIZE_PTR, found '12'" },
	{ "kmem_cache_destroy ZERO_SIZE_PTR\n",
	  "t.ktrace:1:20: expected a cache handle or NULL, found 'ZERO_SIZE_PTR'" },
	{ "profile linux-6.1\nc = kmem_cache_create x 8 8 SLAB_NO_MERGE\n",
	  "t.ktrace:2:29: SLAB flag 'SLAB_NO_MERGE' does not exist in linux-6.1" },
	{ "c = kmem_cache_create x 8 8 SLAB_PANIC|SLAB_FOO\n",
	  "t.ktrace:1:40: unknown SLAB flag 'SLAB_FOO'" },
	{ "c = kmem_cache_create x 8 8 SLAB_PANIC|\n",
	  "t.ktrace:1:40: expected a SLAB_* flag name or 0 after '|'" },
	{ "# kallocspec trace v2\n", "t.ktrace:1:20: unsupported trace format 'v2' (expected v1)" },
	{ "a = kmalloc 8 GFP_KERNEL\nb = krealloc a 0x 0\n",
	  "t.ktrace:2:18: expected hex digits after '0x'" },
};

static void test_errors(void)
{
	struct kas_trace t;
	kas_trace_init(&t);
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		struct kas_parse_error err;
		char msg[600];
		/* The NUL case needs an explicit length. */
		size_t len = bc->text[0] ? strlen(bc->text) : 1;
		int rc = kas_trace_parse(&t, bc->text, len, "t.ktrace", NULL, NULL, &err);
		fmt_err(&err, msg, sizeof(msg));
		CHECK(rc == -1, "case %zu should fail: %s", i, bc->text);
		CHECK(rc == -1 && strcmp(msg, bc->want) == 0, "case %zu:\n  got  %s\n  want %s", i, msg,
		      bc->want);
	}
	kas_trace_free(&t);
}

/* A program-built trace that rebinds a name while the older slot is still
 * referenced, and references an anonymous slot: the printer renames so the
 * text resolves to the same slots. */
static void test_rename(void)
{
	struct kas_trace t, u;
	kas_trace_init(&t);
	kas_trace_init(&u);
	const char *src = "a = kmalloc 1 GFP_KERNEL\n"
			  "b = kmalloc 2 GFP_KERNEL\n"
			  "a_2 = kmalloc 3 GFP_KERNEL\n"
			  "c = kmalloc 4 GFP_KERNEL\n"
			  "kfree a\n"
			  "kfree b\n"
			  "kfree c\n"
			  "kfree a_2\n";
	CHECK(parse(&t, src, NULL) == 0, "rename source");
	free(t.slots[1].name);          /* b becomes a second "a" */
	t.slots[1].name = strdup("a");
	free(t.slots[3].name);          /* c becomes anonymous but is referenced */
	t.slots[3].name = NULL;
	char *text = kas_trace_to_string(&t, SIZE_MAX);
	CHECK(text != NULL, "print");
	const char *want = "# kallocspec trace v1\n"
			   "profile linux-latest\n"
			   "a = kmalloc 1 GFP_KERNEL\n"
			   "a_2 = kmalloc 2 GFP_KERNEL\n"
			   "a_2_2 = kmalloc 3 GFP_KERNEL\n"
			   "_s3 = kmalloc 4 GFP_KERNEL\n"
			   "kfree a\n"
			   "kfree a_2\n"
			   "kfree _s3\n"
			   "kfree a_2_2\n";
	CHECK(text && strcmp(text, want) == 0, "renamed print:\n%s", text ? text : "");
	struct kas_parse_error err;
	CHECK(text && parse(&u, text, &err) == 0, "reparse");
	CHECK(kas_trace_equal_ex(&t, &u, KAS_EQ_IGNORE_NAMES), "equal modulo names");
	CHECK(!kas_trace_equal(&t, &u), "names differ");

	/* kas_op_format uses the slot's own name. */
	char buf[64];
	size_t n = kas_op_format(&t, 5, buf, sizeof(buf));
	CHECK(n == strlen("kfree a") && strcmp(buf, "kfree a") == 0, "op format '%s'", buf);
	n = kas_op_format(&t, 6, buf, 4);
	CHECK(n == strlen("kfree _s3") && strcmp(buf, "kfr") == 0, "op format truncated '%s'", buf);
	free(text);
	kas_trace_free(&t);
	kas_trace_free(&u);
}

/* Equality looks at what it should and nothing else. */
static void test_equal(void)
{
	struct kas_trace a, b;
	kas_trace_init(&a);
	kas_trace_init(&b);
	const char *x = "# k: v\nc = kmem_cache_create foo 8 8 0\n";
	CHECK(parse(&a, x, NULL) == 0 && parse(&b, "\n\n# k: v\nc = kmem_cache_create foo 8 8 0 # x\n", NULL) == 0,
	      "parse");
	CHECK(kas_trace_equal(&a, &b), "lines and comments do not matter");
	CHECK(parse(&b, "# k: w\nc = kmem_cache_create foo 8 8 0\n", NULL) == 0 && !kas_trace_equal(&a, &b) &&
	      kas_trace_equal_ex(&a, &b, KAS_EQ_IGNORE_META), "meta");
	CHECK(parse(&b, "# k: v\nc = kmem_cache_create bar 8 8 0\n", NULL) == 0 && !kas_trace_equal(&a, &b) &&
	      kas_trace_equal_ex(&a, &b, KAS_EQ_IGNORE_NAMES), "cache name");
	CHECK(parse(&b, "# k: v\nc = kmem_cache_create foo 8 8 0 ctor\n", NULL) == 0 &&
	      !kas_trace_equal_ex(&a, &b, KAS_EQ_IGNORE_NAMES), "ctor flag");
	CHECK(parse(&b, "# k: v\nprofile linux-6.1\nc = kmem_cache_create foo 8 8 0\n", NULL) == 0 &&
	      !kas_trace_equal(&a, &b), "profile");
	CHECK(parse(&b, "# k: v\nd = kmem_cache_create foo 8 8 0\n", NULL) == 0 && !kas_trace_equal(&a, &b) &&
	      kas_trace_equal_ex(&a, &b, KAS_EQ_IGNORE_NAMES), "slot name");
	CHECK(parse(&b, "# k: v\nd = kmem_cache_create foo 8 16 0\n", NULL) == 0 &&
	      !kas_trace_equal_ex(&a, &b, KAS_EQ_IGNORE_NAMES), "value");
	kas_trace_free(&a);
	kas_trace_free(&b);
}

static void test_file(void)
{
	char path[] = "/tmp/kas_test_trace_XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	if (fd < 0)
		return;
	FILE *f = fdopen(fd, "w");
	fputs(kas_test_samples[2], f);
	fclose(f);
	struct kas_trace t, u;
	struct kas_parse_error err;
	kas_trace_init(&t);
	kas_trace_init(&u);
	CHECK(kas_trace_parse_file(&t, path, NULL, NULL, &err) == 0 && strcmp(t.source, path) == 0,
	      "parse_file");
	CHECK(parse(&u, kas_test_samples[2], NULL) == 0 && kas_trace_equal(&t, &u), "file equal");
	remove(path);
	char msg[512];
	CHECK(kas_trace_parse_file(&t, path, NULL, NULL, &err) == -1, "missing file");
	fmt_err(&err, msg, sizeof(msg));
	CHECK(strstr(msg, "cannot open") != NULL && strncmp(msg, path, strlen(path)) == 0, "%s", msg);
	kas_trace_free(&t);
	kas_trace_free(&u);
}

static uint64_t rng_state = 0x853C49E6748FEA9Bull;

static uint64_t rng(void)
{
	return kas_test_rng(&rng_state);
}

/* Random edits of the samples: whatever parses must round-trip; whatever
 * fails must point inside the input. */
static void test_mutations(void)
{
	static const char alphabet[] = " \n\t#=|&~()+-*0123456789xabcz_AZ:\x01\xc3\xa9";
	static const char *const words[] = {
		" NULL", " a", " g", " c", " ZERO_SIZE_PTR", " ctor", "|__GFP_ZERO", "&~__GFP_FS",
		"\nprofile linux-6.1\n", "\n# k: v\n", " SIZE_MAX", "+1", "*2", " kfree", "a = ",
	};
	struct kas_trace t, u;
	kas_trace_init(&t);
	kas_trace_init(&u);
	char buf[4096];
	size_t accepted = 0;
	for (int iter = 0; iter < 30000 && failures < 10; iter++) {
		const char *src = kas_test_samples[rng() % KAS_TEST_NSAMPLES];
		size_t n = strlen(src);
		memcpy(buf, src, n);
		int edits = 1 + (int)(rng() % 3);
		for (int e = 0; e < edits && n > 0; e++) {
			size_t at = (size_t)(rng() % n);
			switch (rng() % 4) {
			case 0:
				buf[at] = alphabet[rng() % (sizeof(alphabet) - 1)];
				break;
			case 1:
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
				break;
			case 2: {
				const char *w = words[rng() % (sizeof(words) / sizeof(words[0]))];
				size_t wl = strlen(w);
				if (n + wl < sizeof(buf)) {
					memmove(buf + at + wl, buf + at, n - at);
					memcpy(buf + at, w, wl);
					n += wl;
				}
				break;
			}
			default: {   /* delete up to the end of the line */
				size_t end = at;
				while (end < n && buf[end] != '\n')
					end++;
				memmove(buf + at, buf + end, n - end);
				n -= end - at;
			}
			}
		}
		struct kas_parse_error err;
		if (kas_trace_parse(&t, buf, n, "m", NULL, NULL, &err) != 0) {
			unsigned lines = 1;
			size_t line_start = 0, line_len = 0;
			for (size_t i = 0; i < n; i++) {
				if (buf[i] == '\n') {
					if (lines == err.line)
						line_len = i - line_start;
					lines++;
					line_start = i + 1;
				}
			}
			if (lines == err.line)
				line_len = n - line_start;
			CHECK(err.line >= 1 && err.line <= lines && err.col >= 1 &&
			      err.col <= line_len + 1 && err.msg[0],
			      "error position %u:%u (%u lines, line length %zu): %s\n%.*s", err.line,
			      err.col, lines, line_len, err.msg, (int)n, buf);
			continue;
		}
		accepted++;
		char *text = kas_trace_to_string(&t, SIZE_MAX);
		int rc = text ? kas_trace_parse(&u, text, strlen(text), "p", NULL, NULL, &err) : -1;
		CHECK(rc == 0 && kas_trace_equal(&t, &u), "mutant does not round-trip\n%.*s\n---\n%s",
		      (int)n, buf, text ? text : "");
		free(text);
	}
	CHECK(accepted > 1000, "only %zu mutants parsed", accepted);
	kas_trace_free(&t);
	kas_trace_free(&u);
}

int main(void)
{
	test_samples();
	test_values();
	test_errors();
	test_rename();
	test_equal();
	test_file();
	test_mutations();
	if (failures) {
		fprintf(stderr, "test_trace_parse: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_trace_parse: ok\n");
	return 0;
}
