#!/bin/sh
# Capabilities per function (#24.2): a port with kmalloc_array but no kcalloc
# gets REALLOC-8 judged on its kmalloc_array calls (it used to be UNSUPPORTED
# for the whole group), and every UNSUPPORTED says which function or
# declaration the port lacks, in check's text and JSON and in replay.
#   test_cli_per_function.sh KALLOCSPEC C-COMPILER SOURCE-DIR TMPDIR
set -u
ks=$1 cc=$2 src=$3 tmp=$4
rm -rf "$tmp"; mkdir -p "$tmp/corpus"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
cat >"$tmp/half.c" <<'SRC'
#include <kallocspec/port.h>
#include <stdlib.h>
static int h_init(const struct kas_port_env *env) { (void)env; return 0; }
static void *h_kmalloc(size_t n, kas_gfp_t gfp)
{
	(void)gfp;
	return n == 0 ? ZERO_SIZE_PTR : n > ((size_t)1 << 22) ? NULL : malloc(n);
}
/* the product is not checked for overflow: REALLOC-8 */
static void *h_kmalloc_array(size_t n, size_t size, kas_gfp_t gfp) { return h_kmalloc(n * size, gfp); }
static void h_kfree(const void *p) { if (p && p != ZERO_SIZE_PTR) free((void *)p); }
static const struct kas_port half = {
	KAS_PORT_HEADER("half", "kmalloc_array without kcalloc"),
	.caps = KAS_CAP_KMALLOC | KAS_CAP_KMALLOC_ARRAY,
	.init = h_init, .kmalloc = h_kmalloc, .kfree = h_kfree,
	.kmalloc_array = h_kmalloc_array,   /* no kcalloc */
};
KAS_PORT_EXPORT(half)
SRC
"$cc" -shared -fPIC -I "$src/include" "$tmp/half.c" -o "$tmp/half.so" || { echo "FAIL: port does not build"; exit 1; }
printf 'a = kmalloc_array 0x8000000000000001 2 GFP_KERNEL\nb = kmalloc_array 4 8 GFP_KERNEL\nkfree b\n' \
	>"$tmp/corpus/overflow.ktrace"
"$ks" check --port "$tmp/half.so" --profile linux-6.12 --ops 0 --corpus "$tmp/corpus" \
	--json "$tmp/r.json" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "check did not exit 1"
grep -q "^FAIL REALLOC-8  " "$tmp/out" || { fail "REALLOC-8 not judged on kmalloc_array"; grep REALLOC-8 "$tmp/out"; }
grep -A1 "^UNSUPPORTED ALIGN-7  " "$tmp/out" | grep -q "^  why: no vmalloc" ||
	fail "UNSUPPORTED ALIGN-7 does not say the port has no vmalloc"
grep -A1 "^UNSUPPORTED SIZE-5W  " "$tmp/out" | grep -q "^  why: not declared: obs_warn" ||
	fail "UNSUPPORTED SIZE-5W does not say obs_warn is not declared"
python3 - "$tmp/r.json" <<'PY' || fail "the JSON report's UNSUPPORTED rows do not say why"
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))["rules"] if r["status"] == "UNSUPPORTED"]
bad = [r["id"] for r in rows if not (r.get("message") or "").strip()]
sys.exit(1 if not rows or bad else 0)
PY
printf 'a = kcalloc 4 8 GFP_KERNEL\nb = kmalloc 16 GFP_KERNEL\nkfree a\nkfree b\n' >"$tmp/kcalloc.ktrace"
"$ks" replay "$tmp/kcalloc.ktrace" --port "$tmp/half.so" >"$tmp/replay.out" 2>&1
grep -q "not run (UNSUPPORTED): kmalloc_array ops: no kcalloc" "$tmp/replay.out" ||
	{ fail "replay does not say the kcalloc op lacked kcalloc"; cat "$tmp/replay.out"; }
[ "$fails" -eq 0 ] && echo "ok: rules judged per function, every UNSUPPORTED says why"
[ "$fails" -eq 0 ]
