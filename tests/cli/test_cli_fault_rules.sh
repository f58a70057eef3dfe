#!/bin/sh
# A crash, hang or exit in an op fails the rules that op exercises (on ref),
# with the fault as the message -- never a PASS next to a CRASH line:
#  - kfree(ZERO_SIZE_PTR) that crashes (a signal, or an exit where a
#    sanitizer handles it; malloc-passthrough hands it to
#    free()) fails ZERO-3;
#  - ksize that never returns (mut-ksize-hang) fails SIZE-1;
#  - a port that calls exit(1) instead of returning NULL fails SIZE-5 and
#    RECLAIM-17 (an allocation that cannot be served returns NULL);
#  - check lists the charged rules under the CRASH line and reports them FAIL.
#   test_cli_fault_rules.sh KALLOCSPEC C-COMPILER SOURCE-DIR TMPDIR
set -u
ks=$1 cc=$2 src=$3 tmp=$4
rm -rf "$tmp"; mkdir -p "$tmp"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() {   # expect FILE WORDS...: every line must be in FILE
	f=$1; shift
	for want in "$@"; do
		grep -qF -- "$want" "$f" || { fail "'$want' not in $(basename "$f")"; cat "$f"; }
	done
}

printf 'a = kmalloc 64 GFP_KERNEL\nkfree ZERO_SIZE_PTR\nkfree a\n' >"$tmp/zsp.ktrace"
"$ks" replay "$tmp/zsp.ktrace" --port malloc-passthrough --profile linux-6.12 >"$tmp/zsp.out" 2>&1
[ $? -eq 1 ] || fail "replay of the crashing kfree did not exit 1"
expect "$tmp/zsp.out" "FAIL ZERO-3" "the port crashed (" "fails the rules that op exercises: ZERO-3"

printf 'a = kmalloc 2048 GFP_KERNEL\nksize a\nkfree a\n' >"$tmp/hang.ktrace"
"$ks" replay "$tmp/hang.ktrace" --port mut-ksize-hang --timeout 500 >"$tmp/hang.out" 2>&1
[ $? -eq 1 ] || fail "replay of the hanging ksize did not exit 1"
expect "$tmp/hang.out" "FAIL SIZE-1" "the port hung in op 2: ksize a"

cat >"$tmp/exiter.c" <<'SRC'
#include <kallocspec/port.h>
#include <stdlib.h>
static int ex_init(const struct kas_port_env *env) { (void)env; return 0; }
/* a shim that gives up the whole program when malloc cannot serve */
static void *ex_kmalloc(size_t n, kas_gfp_t gfp)
{
	(void)gfp;
	if (n == 0)
		return ZERO_SIZE_PTR;
	void *p = n > ((size_t)1 << 22) ? NULL : malloc(n);
	if (!p)
		exit(1);
	return p;
}
static void ex_kfree(const void *p) { if (p && p != ZERO_SIZE_PTR) free((void *)p); }
static const struct kas_port exiter = {
	KAS_PORT_HEADER("exiter", "exits when an allocation fails"),
	.caps = KAS_CAP_KMALLOC, .init = ex_init, .kmalloc = ex_kmalloc, .kfree = ex_kfree,
};
KAS_PORT_EXPORT(exiter)
SRC
"$cc" -shared -fPIC -I "$src/include" "$tmp/exiter.c" -o "$tmp/exiter.so" || fail "exiter does not build"
printf 'a = kmalloc 200000000 GFP_KERNEL|__GFP_NOWARN\n' >"$tmp/big.ktrace"
"$ks" replay "$tmp/big.ktrace" --port "$tmp/exiter.so" --profile linux-6.12 >"$tmp/exit.out" 2>&1
[ $? -eq 1 ] || fail "replay of the exiting kmalloc did not exit 1"
expect "$tmp/exit.out" "FAIL SIZE-5" "FAIL RECLAIM-17" "the port crashed (exit 1) in op 1"

mkdir -p "$tmp/corpus"
cp "$tmp/zsp.ktrace" "$tmp/corpus/"
"$ks" check --port malloc-passthrough --profile linux-6.12 --ops 0 --corpus "$tmp/corpus" \
	--json "$tmp/check.json" >"$tmp/check.out" 2>"$tmp/check.err"
[ $? -eq 1 ] || fail "check did not exit 1"
expect "$tmp/check.out" "FAIL ZERO-3" "fails the rules that op exercises: ZERO-3"
python3 - "$tmp/check.json" <<'PY' || fail "the JSON report does not show ZERO-3 FAIL with the crash"
import json, sys
r = {x["id"]: x for x in json.load(open(sys.argv[1]))["rules"]}
z = r["ZERO-3"]
sys.exit(0 if z["status"] == "FAIL" and "crashed" in (z["message"] or "") else 1)
PY
[ "$fails" -eq 0 ] && echo "ok: crashes, hangs and exits fail the rules their ops exercise"
[ "$fails" -eq 0 ]
