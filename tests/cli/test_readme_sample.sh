#!/bin/sh
# The README's sample `check` output is the binary's: run the command the
# README shows and find each of its summary, PASS, FAIL and source lines,
# verbatim, in the output (addresses and counterexamples vary, and are left
# out of the comparison).
#   test_readme_sample.sh KALLOCSPEC README TMPDIR
set -u
ks=$1 readme=$2 tmp=$3
mkdir -p "$tmp" || exit 2
sed -n '/^\$ build\/kallocspec check/,/^```/p' "$readme" | sed '$d' >"$tmp/sample"
cmd=$(head -n 1 "$tmp/sample" | sed 's/^\$ build\/kallocspec //')
[ -n "$cmd" ] || { echo "FAIL: no sample command in $readme"; exit 1; }
# shellcheck disable=SC2086  # the README's words, split as a shell would
"$ks" $cmd -q >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: '$cmd' exited $rc, the sample shows failures (exit 1)"; exit 1; }
fails=0 n=0
grep -E '^(port |PASS |FAIL |  source: )' "$tmp/sample" >"$tmp/want"
while IFS= read -r line; do
	n=$((n + 1))
	grep -qxF -- "$line" "$tmp/out" || { echo "FAIL: README line not in the output: $line"; fails=$((fails + 1)); }
done <"$tmp/want"
[ "$n" -ge 4 ] || { echo "FAIL: only $n comparable lines in the README sample"; exit 1; }
[ "$fails" -eq 0 ] && echo "ok: the README's $n sample lines are what 'kallocspec $cmd' prints"
[ "$fails" -eq 0 ]
