#!/bin/sh
# decode/encode round trip: any bytes decode to a trace; encoding that trace
# and decoding it again gives the same text; decoded traces replay.
#   test_cli_codec.sh KALLOCSPEC TMPDIR
set -u
ks=$1 tmp=$2
mkdir -p "$tmp"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# deterministic pseudo-random input: a slice of the binary itself
head -c 4000 "$ks" | tail -c 1500 >"$tmp/in.bin"
"$ks" decode "$tmp/in.bin" --profile linux-6.12 -o "$tmp/a.ktrace" || fail "decode exited $?"
grep -q '^profile linux-6.12$' "$tmp/a.ktrace" || fail "decoded trace names no profile"
[ "$(grep -cv '^\(#\|profile \|$\)' "$tmp/a.ktrace")" -ge 1 ] || fail "decoded no ops"
"$ks" encode "$tmp/a.ktrace" -o "$tmp/a.bin" || fail "encode exited $?"
"$ks" decode --profile linux-6.12 <"$tmp/a.bin" >"$tmp/b.ktrace" || fail "decode from stdin exited $?"
cmp -s "$tmp/a.ktrace" "$tmp/b.ktrace" || { fail "round trip differs"; diff "$tmp/a.ktrace" "$tmp/b.ktrace"; }
"$ks" encode - <"$tmp/a.ktrace" | cmp -s - "$tmp/a.bin" || fail "encode from stdin differs"

"$ks" replay "$tmp/a.ktrace" --port libc-naive >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -le 1 ] || { fail "decoded trace replays with exit $rc"; cat "$tmp/err"; }

# empty input is a valid (empty) trace
: >"$tmp/empty.bin"
"$ks" decode "$tmp/empty.bin" -o "$tmp/e.ktrace" || fail "decode of empty input exited $?"
"$ks" decode "$tmp" >/dev/null 2>"$tmp/err" && fail "decode of a directory succeeded"
"$ks" encode "$tmp/no-such.ktrace" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "encode of a missing file did not exit 2"

[ "$fails" -eq 0 ] && echo "ok: codec"
[ "$fails" -eq 0 ]
