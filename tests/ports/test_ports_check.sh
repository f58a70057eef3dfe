#!/bin/sh
# `check` on a real third-party port (built from its Debian package) runs to
# completion, exits 1, reports the expected FAIL rules with counterexamples,
# and one saved counterexample fails again under `replay`.  Optionally a
# crash the port is known for must be reported as CRASH with its trace.
#   test_ports_check.sh KALLOCSPEC PORT-NAME-OR-SO TMPDIR "RULE..." [CRASH-OP-TEXT]
set -u
. "$(dirname "$0")/../lib/replay_cex.sh"
ks=$1 port=$2 tmp=$3 rules=$4 crash=${5:-}
rm -rf "$tmp"
mkdir -p "$tmp/cex"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$ks" check --port "$port" --profile linux-6.12 --json "$tmp/report.json" \
	--save-counterexamples "$tmp/cex" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || { fail "check exited $rc, expected 1"; cat "$tmp/err"; }
last=$(tail -n 1 "$tmp/out")
echo "$last" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$' || fail "did not run to the end: last line '$last'"
grep -Eq '^rules: [0-9]+ PASS, [0-9]+ FAIL, [0-9]+ UNTESTED, [0-9]+ UNSUPPORTED' "$tmp/out" ||
	fail "no summary line"
[ -s "$tmp/report.json" ] || fail "no JSON report"

for id in $rules; do
	grep -q "^FAIL $id  " "$tmp/out" || fail "$id not reported as FAIL"
	[ -s "$tmp/cex/$id.ktrace" ] || fail "no counterexample for $id"
done
# The absent API groups are UNSUPPORTED, never PASS (krealloc exists in
# neither port).
grep -q "^UNSUPPORTED REALLOC-1  " "$tmp/out" || fail "REALLOC-1 not UNSUPPORTED"

# Replay the first expected rule's counterexample: it must fail again.
first=${rules%% *}
f="$tmp/cex/$first.ktrace"
if [ -s "$f" ]; then
	replay_cex "$ks" "$f" "$port" $first "$tmp"
	[ "$rc" -eq 1 ] || { fail "replay $first exited $rc"; cat "$tmp/replay.err"; }
	grep -q "FAIL $first  " "$tmp/replay.out" || { fail "replay does not reproduce $first"; cat "$f"; }
fi

if [ -n "$crash" ]; then
	grep -q "^CRASH .*at: $crash\$" "$tmp/out" || fail "crash at '$crash' not reported"
	if command -v jq >/dev/null 2>&1; then
		jq -e --arg op "$crash" '[.faults[] | select(.status == "CRASH" and
			(.counterexample | contains($op)))] | length >= 1' "$tmp/report.json" \
			>/dev/null || fail "JSON has no CRASH fault with a trace containing '$crash'"
	fi
fi

if command -v jq >/dev/null 2>&1; then
	jq -e '.schema == "kallocspec-report/1" and .profile == "linux-6.12" and .totals.FAIL >= 1
	       and .totals.UNSUPPORTED >= 1' "$tmp/report.json" >/dev/null ||
		fail "report does not validate with jq"
fi

[ "$fails" -eq 0 ] && echo "ok: $port fails $rules reproducibly"
[ "$fails" -eq 0 ]
