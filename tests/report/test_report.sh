#!/bin/sh
# `kallocspec report` end to end: lanes of a failing port (libc-naive) and a
# conforming one (ref) merged into all five formats; the JUnit validates
# against tests/report/junit.xsd (when xmllint is installed), the KTAP parses as
# KTAP v1, the HTML refers to nothing outside itself, the JSON re-renders
# identically, the matrix lists both ports, and bad input exits 2.
#   test_report.sh KALLOCSPEC TESTS_DIR SCRATCH
set -u
bin=$1 tests=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
fail=0
no() { echo "FAIL: $*" >&2; fail=1; }

"$bin" check --port libc-naive --ops 0 --json "$tmp/naive-witness.json" >/dev/null
"$bin" check --port libc-naive --ops 300 --corpus "$tmp/none" --json "$tmp/naive-random.json" \
  >/dev/null 2>&1
"$bin" check --port ref --ops 0 --json "$tmp/ref-witness.json" >/dev/null || no "ref witness run failed"
mkdir -p "$tmp/findings"
printf '# kallocspec trace v1\n# port: libc-naive\n# rule: crash-deadbeef\nprofile linux-latest\na = kmalloc 8 GFP_KERNEL\n' \
  > "$tmp/findings/crash-deadbeef-0123456789ab.ktrace"
printf '# kallocspec trace v1\nprofile linux-latest\na = kmalloc 96 GFP_KERNEL\n' \
  > "$tmp/findings/props-failure-kmalloc-ZERO-3.ktrace"

"$bin" report --out "$tmp/naive" --wall-seconds 42 \
  --lane witness:failed:1.0 --lane-report "witness:$tmp/naive-witness.json" \
  --lane random:failed:2.0 --lane-report "random:$tmp/naive-random.json" \
  --lane props:failed:3.0 --lane-findings "props:$tmp/findings" \
  --lane "valgrind:skipped:0:valgrind is not installed" > "$tmp/naive.out"
rc=$?
[ $rc -eq 1 ] || no "libc-naive report: exit $rc, expected 1"
"$bin" report --out "$tmp/ref" --lane witness:passed:1.0 --lane-report "witness:$tmp/ref-witness.json" \
  --lane "fuzz:skipped:0:not run" > "$tmp/ref.out"
rc=$?
[ $rc -eq 0 ] || no "ref report: exit $rc, expected 0"

for d in naive ref; do
  for f in report.json junit.xml report.ktap report.md report.html; do
    [ -s "$tmp/$d/$f" ] || no "$d: $f missing or empty"
  done
  ls "$tmp/$d" | grep -q tmp && no "$d: a temporary file was left behind"
  grep -q '"schema": "kallocspec-report/1"' "$tmp/$d/report.json" || no "$d: schema"
  grep -q '"lanes": \[' "$tmp/$d/report.json" || no "$d: no lanes in report.json"
  # KTAP v1
  sh "$tests/ktap_check.sh" "$tmp/$d/report.ktap" > "$tmp/$d.ktapcheck" || no "$d: KTAP does not parse"
  # JUnit against the schema
  if command -v xmllint >/dev/null; then
    xmllint --noout --schema "$tests/junit.xsd" "$tmp/$d/junit.xml" 2>"$tmp/$d.xsd" ||
      { no "$d: junit.xml does not validate"; cat "$tmp/$d.xsd" >&2; }
  else
    echo "note: xmllint not installed; JUnit schema validation skipped"
  fi
  # Self-contained HTML: no URL at all, src= and href= only data: or #fragments.
  grep -Eq 'https?://' "$tmp/$d/report.html" && no "$d: report.html mentions a URL"
  grep -Eo '(src|href)="[^"]*' "$tmp/$d/report.html" | grep -Ev '="(data:|#)' && no "$d: external src/href"
done

# libc-naive: the same failures in every format.
nfail=$(grep -c '"status": "FAIL", "exercised"' "$tmp/naive/report.json")   # rules, not the gate
[ "$nfail" -ge 5 ] || no "libc-naive: only $nfail FAIL rules"
jfail=$(grep -c '<failure type="FAIL"' "$tmp/naive/junit.xml")
[ "$jfail" -eq "$nfail" ] || no "junit lists $jfail failed rules, report.json $nfail"
grep -q 'classname="ALIGN"' "$tmp/naive/junit.xml" || no "junit classname is not the category"
grep -q '# kallocspec trace v1' "$tmp/naive/junit.xml" || no "junit failures carry no trace"
grep -q '<skipped message="UNSUPPORTED' "$tmp/naive/junit.xml" || no "junit: UNSUPPORTED not skipped"
grep -q 'ZERO-3 FAIL: props finding' "$tmp/naive/junit.xml" || no "props finding (from the file name) not a ZERO-3 failure"
grep -q '<error type="CRASH"' "$tmp/naive/junit.xml" || no "crash finding not a junit error"
grep -q '<testcase name="lane valgrind" classname="lanes" time="0.0">' "$tmp/naive/junit.xml" &&
  grep -A1 'lane valgrind' "$tmp/naive/junit.xml" | grep -q '<skipped message="valgrind is not installed"' ||
  no "skipped lane not reported as skipped with its reason"
knot=$(grep -c '^not ok' "$tmp/naive/report.ktap")
ksum=$(grep -o '[0-9]* passed, [0-9]* failed' "$tmp/naive/report.md" | tail -1)
kfailed=${ksum#* passed, }; kfailed=${kfailed% failed}
[ "$knot" -eq "$kfailed" ] || no "KTAP has $knot 'not ok', the summary says $kfailed failed"
grep -q "^ok [0-9]* OVERFLOW-1 # SKIP UNSUPPORTED" "$tmp/naive/report.ktap" || no "KTAP: no SKIP for UNSUPPORTED"
tail -1 "$tmp/naive/report.md" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$' || no "report.md does not end with the counts"
grep -q 'gate wall time 42.0 s' "$tmp/naive/report.md" || no "wall time not in report.md"
grep -q 'download="ALIGN-2.ktrace" href="data:text/plain' "$tmp/naive/report.html" || no "no downloadable trace"
grep -q '<svg id="chart"' "$tmp/naive/report.html" || no "no status chart"
grep -q 'The allocated object address is aligned' "$tmp/naive/report.html" || no "quote missing from the HTML"
# ref: nothing fails, UNTESTED/UNSUPPORTED never counted as passed.
grep -q '"status": "FAIL"' "$tmp/ref/report.json" && no "ref: a FAIL"
grep -q 'not ok' "$tmp/ref/report.ktap" && no "ref: a 'not ok'"

# Re-rendering a merged report.json gives the same JSON.
"$bin" report "$tmp/naive/report.json" --out "$tmp/again" >/dev/null
cmp -s "$tmp/naive/report.json" "$tmp/again/report.json" || no "report.json does not round-trip"
"$bin" report "$tmp/naive-witness.json" --out "$tmp/plain" --formats junit,ktap >/dev/null
[ -s "$tmp/plain/junit.xml" ] && [ ! -e "$tmp/plain/report.html" ] || no "--formats not honoured"

# Matrix.
"$bin" report --matrix "$tmp/ref/report.json" "$tmp/naive/report.json" -o "$tmp/matrix.md" ||
  no "matrix.md"
"$bin" report --matrix "$tmp/ref/report.json" "$tmp/naive/report.json" -o "$tmp/matrix.html" ||
  no "matrix.html"
grep -q '| ALIGN-2 | .* | 5.4+ | PASS | \*\*FAIL\*\* |' "$tmp/matrix.md" || no "matrix.md row for ALIGN-2"
grep -c 'class="rule"' "$tmp/matrix.html" | grep -q '^[1-9]' || no "matrix.html has no rows"

# Rules in catalog order (`kallocspec rules`), whatever order the lanes
# came in: here a findings lane (ZERO-3) declared before the report lane.
"$bin" rules | awk '/^[A-Z]/ {print $1}' > "$tmp/catalog.ids"
"$bin" report --out "$tmp/order" --formats json --lane props:failed:1 \
  --lane-findings "props:$tmp/findings" --lane witness:failed:1 \
  --lane-report "witness:$tmp/naive-witness.json" >/dev/null
grep -o '{"id": "[^"]*"' "$tmp/order/report.json" | cut -d'"' -f4 > "$tmp/order.ids"
[ -s "$tmp/order.ids" ] && grep -Fxf "$tmp/order.ids" "$tmp/catalog.ids" | cmp -s - "$tmp/order.ids" ||
  no "report.json does not list the rules in catalog order"
grep -o '^| [A-Z][A-Z0-9-]* |' "$tmp/matrix.md" | cut -d' ' -f2 > "$tmp/matrix.ids"
[ -s "$tmp/matrix.ids" ] && grep -Fxf "$tmp/matrix.ids" "$tmp/catalog.ids" | cmp -s - "$tmp/matrix.ids" ||
  no "matrix.md does not list the rules in catalog order"

# Bad input: exit 2 and a reason.
"$bin" report --out "$tmp/x" /nonexistent.json 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q nonexistent "$tmp/err" || no "missing input: exit $rc"
echo '{"schema": "other/1"}' > "$tmp/other.json"
"$bin" report --out "$tmp/x" "$tmp/other.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'not a kallocspec-report/1' "$tmp/err" || no "foreign schema: exit $rc"
echo '{"schema": "kallocspec-report/1", "rules": [' > "$tmp/trunc.json"
"$bin" report --out "$tmp/x" "$tmp/trunc.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'bad JSON' "$tmp/err" || no "truncated JSON: exit $rc"
"$bin" report --lane 'witness:maybe:1' 2>/dev/null; [ $? -eq 2 ] || no "bad lane state accepted"
"$bin" report --lane-report 'x:y.json' 2>/dev/null; [ $? -eq 2 ] || no "undeclared lane accepted"
"$bin" report --out "$tmp/x" --lane w:passed:1 --lane-report "w:$tmp/missing.json" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || no "a lane whose report is missing must fail the gate (exit $rc)"

[ $fail -eq 0 ] && echo "report: all checks passed"
exit $fail
