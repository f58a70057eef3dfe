#!/bin/sh
# The bounded-cost options of check and replay: --time stops and says what it
# left out (text and JSON); progress and each FAIL as it happens go to
# stderr; -q silences them; replay --expect answers with its exit status;
# counterexamples carry # mem: / # content-seed: and replay reads them;
# bad values are usage errors (exit 2).
#   test_cli_bounded.sh KALLOCSPEC TMPDIR
set -u
ks=$1 tmp=$2
rm -rf "$tmp" && mkdir -p "$tmp"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# --time: a one-second budget cannot run 200000 random ops on ref
"$ks" check --port ref --profile linux-6.12 --ops 200000 --time 1 --json "$tmp/t.json" \
	>"$tmp/t.out" 2>"$tmp/t.err"
rc=$?
[ "$rc" -eq 0 ] || fail "check --time 1 exited $rc"
grep -q '^left out by --time 1: .* random ops' "$tmp/t.out" || fail "no 'left out' line"
grep -q '"left_out": {"witness_traces": [0-9]*, "random_ops": [1-9]' "$tmp/t.json" ||
	fail "the JSON does not say what was left out"
grep -q '"time_budget_s": 1' "$tmp/t.json" || fail "the JSON does not state the budget"

# progress and streamed verdicts on stderr; nothing of it with -q
"$ks" check --port libc-naive --profile linux-6.12 --ops 200 --save-counterexamples "$tmp/cex" \
	>"$tmp/n.out" 2>"$tmp/n.err"
[ $? -eq 1 ] || fail "check on libc-naive did not exit 1"
grep -q '^kallocspec: \[ *[0-9.]*s\] witness traces' "$tmp/n.err" || fail "no progress line"
grep -q '^kallocspec: FAIL ALIGN-2 ' "$tmp/n.err" || fail "ALIGN-2's FAIL not streamed"
grep -q '^kallocspec: \[.*\] done' "$tmp/n.err" || fail "no final progress line"
"$ks" check --port libc-naive --profile linux-6.12 --ops 200 -q >/dev/null 2>"$tmp/q.err"
# (a sanitizer's own notes on refused huge allocations are not kallocspec's)
grep -v '^==[0-9]*==WARNING: AddressSanitizer failed to allocate' "$tmp/q.err" >"$tmp/q.own"
[ -s "$tmp/q.own" ] && { fail "-q still printed:"; head -3 "$tmp/q.own"; }

# the counterexample names its machine; replay applies it and --expect answers
f=$tmp/cex/ZERO-1.ktrace
grep -q '^# mem: 1G$' "$f" || fail "no '# mem: 1G' in $f"
grep -q '^# content-seed: 1$' "$f" || fail "no '# content-seed: 1' in $f"
"$ks" replay "$f" --port libc-naive --expect ZERO-1 -q; [ $? -eq 0 ] || fail "--expect ZERO-1 did not exit 0"
"$ks" replay "$f" --port libc-naive --expect ALIGN-7 -q; [ $? -eq 1 ] || fail "--expect ALIGN-7 did not exit 1"
"$ks" replay "$f" --port libc-naive --expect NO-SUCH-1 >/dev/null 2>&1; [ $? -eq 2 ] || fail "--expect of no rule not 2"

# usage errors
for bad in "--mem 12X" "--mem -1" "--time 0" "--content most"; do
	"$ks" check --port ref $bad >/dev/null 2>&1
	[ $? -eq 2 ] || fail "check $bad did not exit 2"
done
"$ks" replay "$f" --port ref --mem 3Q >/dev/null 2>&1; [ $? -eq 2 ] || fail "replay --mem 3Q not 2"

# --content full runs and judges like the sample on ref
"$ks" check --port ref --profile linux-6.12 --ops 300 --content full -q >"$tmp/full.out" 2>&1
[ $? -eq 0 ] || fail "check --content full on ref failed"
grep -q "content full" "$tmp/full.out" || fail "the header does not say content full"

[ "$fails" -eq 0 ] && echo "ok: time budget, progress, machine size and --expect"
[ "$fails" -eq 0 ]
