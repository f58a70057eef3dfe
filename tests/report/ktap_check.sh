#!/bin/sh
# A KTAP v1 checker (Documentation/dev-tools/ktap.rst), for the flat
# documents kallocspec writes:
#   - the first line is "KTAP version 1";
#   - then the plan "1..N" (before any result);
#   - results "ok N [description][ # DIRECTIVE [diagnostic]]" or "not ok ...",
#     numbered 1, 2, 3 ... without gaps; directives SKIP TODO XFAIL TIMEOUT ERROR;
#   - "# ..." diagnostic lines and empty lines anywhere after the version;
#   - nothing else (no nesting: kallocspec writes none), and exactly N results.
# Prints "ktap: N tests, P ok (S skipped), F not ok" and exits 0, or the first
# problem as FILE:LINE: reason and exits 1.
#   tests/report/ktap_check.sh FILE
set -eu
[ $# -eq 1 ] || { echo "usage: ktap_check.sh FILE" >&2; exit 2; }
awk -v file="$1" '
function bad(msg) { printf "%s:%d: %s\n", file, NR, msg > "/dev/stderr"; failed = 1; exit 1 }
NR == 1 { if ($0 != "KTAP version 1") bad("first line must be \"KTAP version 1\""); next }
/^#( |$)/ || /^$/ { next }
/^1\.\.[0-9]+$/ {
	if (plan != "") bad("a second plan line")
	if (n > 0) bad("the plan must come before the results")
	plan = substr($0, 4) + 0; next
}
/^(not )?ok [0-9]+/ {
	line = $0
	notok = sub(/^not ok /, "", line)
	if (!notok) sub(/^ok /, "", line)
	num = line; sub(/[^0-9].*$/, "", num)
	rest = substr(line, length(num) + 1)
	if (rest != "" && substr(rest, 1, 1) != " ") bad("no space after the test number")
	if (num + 0 != n + 1) bad("test number " num " out of sequence (expected " n + 1 ")")
	n++
	if (plan == "") bad("a result before the plan")
	d = index(rest, " # ")
	if (d > 0) {
		dir = substr(rest, d + 3); sub(/ .*$/, "", dir)
		if (dir !~ /^(SKIP|TODO|XFAIL|TIMEOUT|ERROR)$/ && dir != "") bad("unknown directive \"" dir "\"")
		if (dir == "SKIP") { if (notok) bad("\"not ok\" with SKIP"); skip++ }
	}
	desc = d > 0 ? substr(rest, 1, d - 1) : rest
	if (desc ~ /#/) bad("\"#\" inside a description")
	if (notok) nok++; else ok++
	next
}
{ bad("not a KTAP v1 line: " $0) }
END {
	if (failed) exit 1
	if (NR == 0) { printf "%s: empty\n", file > "/dev/stderr"; exit 1 }
	if (plan == "") { printf "%s: no plan line\n", file > "/dev/stderr"; exit 1 }
	if (n != plan) { printf "%s: plan says %d tests, found %d\n", file, plan, n > "/dev/stderr"; exit 1 }
	printf "ktap: %d tests, %d ok (%d skipped), %d not ok\n", n, ok, skip, nok
}' "$1"
