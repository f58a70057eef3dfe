#!/bin/sh
# Warnings on stderr (#24.8): a shim that prints the kernel's warning
# instead of calling the warn hook declares KAS_CAP_WARN_STDERR, and the
# warning rules are judged on what it prints: CACHE-3 passes for a shim
# whose kmem_cache_destroy prints "Slab cache still has objects", fails for
# one that prints nothing, and is UNSUPPORTED (saying why) for one that does
# not declare it.  Other lines it prints go on to stderr.
#   test_cli_warn_stderr.sh KALLOCSPEC C-COMPILER SOURCE-DIR TMPDIR
set -u
ks=$1 cc=$2 src=$3 tmp=$4
rm -rf "$tmp"; mkdir -p "$tmp"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
cat >"$tmp/shim.c" <<'SRC'
#include <kallocspec/port.h>
#include <stdio.h>
#include <stdlib.h>
struct cache { unsigned size, live; };
static int s_init(const struct kas_port_env *env) { (void)env; return 0; }
static void *s_kmalloc(size_t n, kas_gfp_t gfp) { (void)gfp; return n == 0 ? ZERO_SIZE_PTR : malloc(n); }
static void s_kfree(const void *p) { if (p && p != ZERO_SIZE_PTR) free((void *)p); }
static void *s_create(const char *name, unsigned size, unsigned align, uint32_t flags, kas_ctor_fn ctor)
{
	(void)name; (void)align; (void)flags; (void)ctor;
	struct cache *c = calloc(1, sizeof(*c));
	if (c)
		c->size = size ? size : 1;
	fprintf(stderr, "shim: cache made\n");   /* not a warning */
	return c;
}
static void *s_alloc(void *c, kas_gfp_t gfp) { (void)gfp; struct cache *k = c; void *p = malloc(k->size); if (p) k->live++; return p; }
static void s_free(void *c, void *o) { ((struct cache *)c)->live--; free(o); }
static void s_destroy(void *c)
{
	if (((struct cache *)c)->live && LOUD)
		fprintf(stderr, "kmem_cache_destroy %p: Slab cache still has objects\n", c);
	free(c);
}
static const struct kas_port shim = {
	KAS_PORT_HEADER("shim", "prints its warnings"),
	.caps = KAS_CAP_KMALLOC | KAS_CAP_CACHE | CAPS,
	.init = s_init, .kmalloc = s_kmalloc, .kfree = s_kfree,
	.kmem_cache_create = s_create, .kmem_cache_alloc = s_alloc,
	.kmem_cache_free = s_free, .kmem_cache_destroy = s_destroy,
};
KAS_PORT_EXPORT(shim)
SRC
build() { "$cc" -DLOUD="$2" -DCAPS="$3" -shared -fPIC -I "$src/include" "$tmp/shim.c" -o "$tmp/$1.so" ||
	fail "$1 does not build"; }
build loud 1 KAS_CAP_WARN_STDERR
build quiet 0 KAS_CAP_WARN_STDERR
build undeclared 1 0
w=$src/corpora/witness/CACHE-3.ktrace
status() {   # status PORT: CACHE-3's status in a check's JSON
	mkdir -p "$tmp/c"; cp "$w" "$tmp/c/"
	"$ks" check --port "$tmp/$1.so" --profile linux-6.12 --ops 0 --corpus "$tmp/c" \
		--json "$tmp/$1.json" >"$tmp/$1.out" 2>"$tmp/$1.err"
	python3 -c 'import json, sys
r = {x["id"]: x for x in json.load(open(sys.argv[1]))["rules"]}["CACHE-3"]
print(r["status"], r["exercised"])' "$tmp/$1.json"
}
s=$(status loud); case "$s" in "PASS "[1-9]*) ;; *) fail "loud shim: CACHE-3 is '$s', expected PASS" ;; esac
grep -q "shim: cache made" "$tmp/loud.err" || fail "a line that is not a warning was not passed on to stderr"
grep -q "still has objects" "$tmp/loud.err" && fail "the warning was also printed, not taken as the observation"
s=$(status quiet); case "$s" in "FAIL "*) ;; *) fail "quiet shim: CACHE-3 is '$s', expected FAIL" ;; esac
s=$(status undeclared); [ "$s" = "UNSUPPORTED 0" ] || fail "undeclared: CACHE-3 is '$s', expected UNSUPPORTED"
grep -A1 "^UNSUPPORTED CACHE-3  " "$tmp/undeclared.out" | grep -q "not declared: obs_warn" ||
	fail "undeclared: the UNSUPPORTED line does not say obs_warn is not declared"
[ "$fails" -eq 0 ] && echo "ok: warnings printed on stderr are judged as warnings"
[ "$fails" -eq 0 ]
