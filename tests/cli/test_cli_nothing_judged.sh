#!/bin/sh
# Nothing judged is not success: an empty trace, a corpus whose every trace
# is malformed, and a trace whose every call is refused exit 2 and say so;
# a trace with a double free among judged calls runs, and the refusal is
# reported by its caller rule (CALLER-1), not silently skipped.
#   test_cli_nothing_judged.sh KALLOCSPEC CALLER-CORPUS TMPDIR
set -u
ks=$1 callers=$2 tmp=$3
rm -rf "$tmp" && mkdir -p "$tmp/bad" "$tmp/none" || exit 2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() {   # expect RC STDERR-TEXT CMD...
	want=$1 text=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$*: exit $rc, want $want"
	[ -z "$text" ] || grep -qF -- "$text" "$tmp/err" || fail "$*: stderr lacks '$text': $(cat "$tmp/err")"
}
printf '# kallocspec trace v1\n# a comment, no op\n' >"$tmp/empty.ktrace"
expect 2 "the trace has no ops: nothing to judge" "$ks" replay "$tmp/empty.ktrace" --port ref
printf 'bogus op\n' >"$tmp/bad/a.ktrace"
printf 'kmalloc\n' >"$tmp/bad/b.ktrace"
expect 2 "nothing was judged: no trace ran (2 of the corpus did not parse" \
	"$ks" check --port ref --corpus "$tmp/bad" --ops 0 -q
expect 2 "nothing was judged: no trace ran" "$ks" check --port ref --corpus "$tmp/none" --ops 0 -q
expect 2 "no call ran (1 refused or skipped" "$ks" replay "$callers/CALLER-25.ktrace" --port ref
# a double free among judged calls: exit 0, and the summary names CALLER-1
expect 0 "" "$ks" replay "$callers/CALLER-1.ktrace" --port ref
grep -q "^  CALLER-1 .*an object is freed twice" "$tmp/out" || fail "the double free is not reported as CALLER-1"
[ "$fails" -eq 0 ] && echo "ok: nothing judged exits 2; refusals are named"
[ "$fails" -eq 0 ]
