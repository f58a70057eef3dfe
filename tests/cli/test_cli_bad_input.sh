#!/bin/sh
# Every trace in tests/cli/bad-input whose first line is "# expect-error: L:C: text"
# makes `replay` exit 2 with "FILE:L:C: text..." on stderr; one whose first
# line is "# expect-output: text" is accepted: exit 0 and "FILE: text" on
# stdout.  A file with neither (only empty.ktrace, comments and no op) has
# nothing to judge: exit 2 and "FILE: the trace has no ops: nothing to
# judge".  Directories and missing files are bad input too.
#   test_cli_bad_input.sh KALLOCSPEC BAD-INPUT-DIR TMPDIR
set -u
ks=$1 dir=$2 tmp=$3
mkdir -p "$tmp"
fails=0 cases=0

for f in "$dir"/*.ktrace; do
	cases=$((cases + 1))
	exp=$(sed -n '1s/^# expect-error: //p' "$f" | tr -d '\r')
	out=$(sed -n '1s/^# expect-output: //p' "$f" | tr -d '\r')
	"$ks" replay "$f" --port libc-naive >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ -z "$exp$out" ]; then
		if [ "$rc" -ne 2 ] || ! grep -qF -- "$f: the trace has no ops: nothing to judge" "$tmp/err"; then
			echo "FAIL: $f: no ops: exit $rc (want 2), stderr:"; cat "$tmp/err"; fails=$((fails + 1))
		fi
	elif [ -z "$exp" ]; then
		if [ "$rc" -ne 0 ]; then
			echo "FAIL: $f: exit $rc, expected 0"; cat "$tmp/err"; fails=$((fails + 1))
		elif ! grep -qxF -- "$f: $out" "$tmp/out"; then
			echo "FAIL: $f: stdout lacks the line '$f: $out':"; cat "$tmp/out"
			fails=$((fails + 1))
		fi
	elif [ "$rc" -ne 2 ]; then
		echo "FAIL: $f: exit $rc, expected 2"; cat "$tmp/err"; fails=$((fails + 1))
	elif ! grep -qF -- "$f:$exp" "$tmp/err"; then
		echo "FAIL: $f: stderr lacks '$f:$exp':"; cat "$tmp/err"; fails=$((fails + 1))
	fi
done

# expect-2 PATH MESSAGE
bad_path() {
	cases=$((cases + 1))
	"$ks" replay "$1" --port libc-naive >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 2 ] || ! grep -qF -- "$1: $2" "$tmp/err"; then
		echo "FAIL: replay $1: exit $rc (want 2), stderr:"; cat "$tmp/err"; fails=$((fails + 1))
	fi
}
bad_path "$dir" "cannot open: Is a directory"
bad_path "$tmp/no-such.ktrace" "cannot open: No such file or directory"

# bad input outranks failures: a good trace next to a bad one still exits 2
cases=$((cases + 1))
printf 'a = kmalloc 0 GFP_KERNEL\n' >"$tmp/zero.ktrace"
"$ks" replay "$tmp/zero.ktrace" "$dir/bad-op.ktrace" --port libc-naive >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || { echo "FAIL: good + bad trace exited $rc"; fails=$((fails + 1)); }

echo "$cases cases, $fails failure(s)"
[ "$cases" -ge 10 ] && [ "$fails" -eq 0 ]
