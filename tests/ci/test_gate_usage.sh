#!/bin/sh
# ci/gate: a bad --profile, --port, lane or option is a bad run (exit 2,
# docs/exit-codes.md), refused before any report folder is made; --out D
# puts a profile's reports in D/<profile>/, as the gate's closing line says.
# Runs from the build under test as it is (--no-build).
#   test_gate_usage.sh SOURCE-DIR BUILD-DIR TMPDIR
set -u
src=$1 build=$2 tmp=$3
rm -rf "$tmp" && mkdir -p "$tmp" || exit 2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
gate() { "$src/ci/gate" --no-build --build-dir "$build" --lanes witness "$@" >"$tmp/out" 2>&1; }

gate --profile nope --out "$tmp/nope"
rc=$?
[ "$rc" -eq 2 ] || fail "--profile nope exited $rc, expected 2"
grep -q "unknown profile 'nope'" "$tmp/out" || fail "--profile nope: no reason given"
[ -e "$tmp/nope" ] && fail "--profile nope made $tmp/nope"

gate --port nonexistent --out "$tmp/noport"
rc=$?
[ "$rc" -eq 2 ] || fail "--port nonexistent exited $rc, expected 2"
grep -q "unknown port 'nonexistent'" "$tmp/out" || fail "--port nonexistent: no reason given"
[ -e "$tmp/noport" ] && fail "--port nonexistent made $tmp/noport"

gate --port ./no-such-module.so --out "$tmp/nomod"
rc=$?
[ "$rc" -eq 2 ] || fail "--port ./no-such-module.so exited $rc, expected 2"

gate --lanes nonsense
rc=$?
[ "$rc" -eq 2 ] || fail "--lanes nonsense exited $rc, expected 2"
gate --bogus-option
rc=$?
[ "$rc" -eq 2 ] || fail "--bogus-option exited $rc, expected 2"

# one profile with --out D: D/<profile>/, and the closing line says so
gate --profile linux-6.12 --out "$tmp/one"
rc=$?
[ "$rc" -eq 0 ] || { fail "--profile linux-6.12 --lanes witness exited $rc"; tail -5 "$tmp/out"; }
[ -f "$tmp/one/linux-6.12/report.json" ] || fail "--out D --profile P: no D/P/report.json"
[ -f "$tmp/one/report.json" ] && fail "--out D --profile P: reports written into D itself"
grep -q "reports in $tmp/one/<profile>/" "$tmp/out" || fail "the closing line names another folder"

[ "$fails" -eq 0 ] && echo "ok: ci/gate exits 2 on bad usage before making folders; --out D holds D/<profile>/"
[ "$fails" -eq 0 ]
