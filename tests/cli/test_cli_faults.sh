#!/bin/sh
# A port that crashes or hangs does not take kallocspec down: `check` and
# `replay` report CRASH / HANG (exit 1), keep the verdicts of the other
# traces, minimise the crashing trace and list the faults in the JSON.
#   test_cli_faults.sh KALLOCSPEC CRASHY-SO TMPDIR
set -u
ks=$1 crashy=$2 tmp=$3
# ASan (the sanitizer build) would turn the port's SIGSEGV into exit 1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
rm -rf "$tmp"
mkdir -p "$tmp/corpus"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

cat >"$tmp/corpus/a-ok.ktrace" <<'T'
profile linux-6.12
a = kmalloc 0 GFP_KERNEL
b = kmalloc 64 GFP_KERNEL
kfree b
T
cat >"$tmp/corpus/b-crash.ktrace" <<'T'
profile linux-6.12
a = kmalloc 32 GFP_KERNEL
b = kmalloc 16 GFP_KERNEL
kfree a
c = kzalloc 8 GFP_KERNEL
kfree b
T
cat >"$tmp/hang.ktrace" <<'T'
profile linux-6.12
a = kmalloc 32 GFP_KERNEL
ksize a
T

"$ks" check --port "$crashy" --profile linux-6.12 --corpus "$tmp/corpus" --ops 0 \
	--json "$tmp/r.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || { fail "check exited $rc, expected 1"; cat "$tmp/err"; }
grep -q "^CRASH $tmp/corpus/b-crash.ktrace  the port died of SIGSEGV at: c = kzalloc 8 GFP_KERNEL" \
	"$tmp/out" || { fail "no CRASH line"; cat "$tmp/out"; }
# minimised to the one op that crashes.  Only the CRASH block's indented
# trace is searched: the port's malloc'd objects may also FAIL ALIGN-2/3
# (ASan's or glibc's heap layout decides), whose counterexamples print
# "a = kmalloc 32" too.
awk '/^CRASH /{f=1;next} f&&/^  fails the rules/{next} f&&/^    /{print;next} {f=0}' "$tmp/out" >"$tmp/crash"
grep -q "^    c = kzalloc 8 GFP_KERNEL\$" "$tmp/crash" || fail "crash trace lacks the kzalloc"
grep -q "^    a = kmalloc 32" "$tmp/crash" && fail "crash trace not minimised"
grep -q "^    # crashes: SIGSEGV\$" "$tmp/crash" || fail "no '# crashes:' metadata"
# the trace before the crash was still judged
grep -q "^PASS ZERO-1  " "$tmp/out" || fail "ZERO-1 not judged"
grep -q "; traces: 1 CRASH, 0 HANG" "$tmp/out" || fail "summary lacks the crash"
if command -v jq >/dev/null 2>&1; then
	jq -e '.totals.CRASH == 1 and (.faults | length == 1)
	       and .faults[0].status == "CRASH" and .faults[0].signal == "SIGSEGV"
	       and (.faults[0].counterexample | test("kzalloc 8"))' "$tmp/r.json" >/dev/null ||
		fail "faults not in the JSON report"
fi

"$ks" replay "$tmp/corpus/b-crash.ktrace" --port "$crashy" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "replay of the crash exited $rc"
grep -q "CRASH SIGSEGV at: c = kzalloc 8 GFP_KERNEL" "$tmp/out" || { fail "replay: no CRASH"; cat "$tmp/out"; }

"$ks" replay "$tmp/hang.ktrace" --port "$crashy" --timeout 300 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "replay of the hang exited $rc"
grep -q "HANG  a port call did not return at: ksize a" "$tmp/out" || { fail "replay: no HANG"; cat "$tmp/out"; }

cp "$tmp/hang.ktrace" "$tmp/corpus/c-hang.ktrace"
"$ks" check --port "$crashy" --profile linux-6.12 --corpus "$tmp/corpus" --ops 0 \
	--timeout 300 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "check with a hang exited $rc"
grep -q "; traces: 1 CRASH, 1 HANG" "$tmp/out" || { fail "summary lacks the hang"; cat "$tmp/out"; }

[ "$fails" -eq 0 ] && echo "ok: faults"
[ "$fails" -eq 0 ]
