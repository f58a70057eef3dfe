#!/bin/sh
# Ports given as paths are dlopen()ed; broken ones are refused with exit 2.
#   test_cli_dlopen.sh KALLOCSPEC NAIVE-SO NOT-A-PORT-SO OLD-ABI-SO SMALL-SO TMPDIR
set -u
ks=$1 naive=$2 notaport=$3 oldabi=$4 small=$5 tmp=$6
mkdir -p "$tmp"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

printf 'profile linux-6.12\nz = kmalloc 0 GFP_KERNEL\nkfree z\n' >"$tmp/zero.ktrace"
"$ks" replay "$tmp/zero.ktrace" --port "$naive" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || { fail "replay via $naive exited $rc"; cat "$tmp/err"; }
grep -q "FAIL ZERO-1  " "$tmp/out" || fail "ZERO-1 not reproduced through the module"

# in-process this time (the isolated path is covered by test_cli_check_naive.sh)
"$ks" check --port "$naive" --profile linux-6.12 --ops 100 --no-isolate >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || { fail "check via $naive exited $rc"; cat "$tmp/err"; }
grep -q "^port libc-naive, " "$tmp/out" || fail "module port not named libc-naive"

# refuse RC MESSAGE PORT
refuse() {
	"$ks" replay "$tmp/zero.ktrace" --port "$1" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 2 ] || ! grep -qF -- "$2" "$tmp/err"; then
		fail "port $1: exit $rc (want 2), stderr:"; cat "$tmp/err"
	fi
}
refuse "$tmp/missing.so" "$tmp/missing.so: cannot load port: No such file or directory"
printf 'not an ELF file\n' >"$tmp/garbage.so"
refuse "$tmp/garbage.so" "$tmp/garbage.so: cannot load port: "
refuse "$tmp" "cannot load port: is a directory"
refuse "$notaport" "not a kallocspec port: no symbol 'kallocspec_port'"
refuse "$oldabi" "port ABI version 2.0, kallocspec needs 1.x"
refuse "$small" "struct kas_port is 16 bytes, at least"
refuse "no-such-port" "unknown port 'no-such-port' (built-in ports: "

[ "$fails" -eq 0 ] && echo "ok: dlopen"
[ "$fails" -eq 0 ]
