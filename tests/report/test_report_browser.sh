#!/bin/sh
# The HTML report in a real browser (headless Chromium): the page renders
# every rule row, its filter script runs (and filters: #status=FAIL shows
# exactly the failed rules), it refers to no external resource, and a
# screenshot can be taken.
#   test_report_browser.sh CHROMIUM KALLOCSPEC SCRATCH [SCREENSHOT.png]
set -u
chromium=$1 bin=$2 tmp=$3 shot=${4:-$3/report.png}
rm -rf "$tmp"; mkdir -p "$tmp"
fail=0
no() { echo "FAIL: $*" >&2; fail=1; }
browse() {   # extra chromium arguments...; the page URL last
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --no-first-run --user-data-dir="$tmp/profile" "$@" 2>>"$tmp/chromium.log"
}

"$bin" check --port libc-naive --ops 0 --json "$tmp/witness.json" >/dev/null
"$bin" report --out "$tmp/r" --lane witness:failed:1 --lane-report "witness:$tmp/witness.json" \
  --lane "valgrind:skipped:0:not run here" >/dev/null
page=$tmp/r/report.html
[ -s "$page" ] || { echo "FAIL: no report.html" >&2; exit 1; }
rules=$(grep -c '"status": "[A-Z]*", "exercised"' "$tmp/r/report.json")
fails=$(grep -c '"status": "FAIL", "exercised"' "$tmp/r/report.json")

# Nothing outside the page: no URL, src/href only data: URIs or fragments.
grep -Eq 'https?://|//[a-z0-9.-]+\.[a-z]{2,}/' "$page" && no "the page mentions a URL"
grep -Eo '(src|href)="[^"]*' "$page" | grep -Ev '="(data:|#)' && no "external src/href"
grep -Eqi '<link|@import|url\(' "$page" && no "a stylesheet link, @import or url()"

browse --dump-dom "file://$page" > "$tmp/dom.html"
rows=$(grep -o '<tr class="rule"' "$tmp/dom.html" | wc -l)
[ "$rows" -eq "$rules" ] && [ "$rows" -gt 0 ] || no "rendered $rows rule rows, the report has $rules"
grep -q '<body data-filters="ready"' "$tmp/dom.html" || no "the filter script did not run"
grep -q ">$rules of $rules rules shown<" "$tmp/dom.html" || no "the row count line is missing"

browse --dump-dom "file://$page#status=FAIL" > "$tmp/dom-fail.html"
grep -q ">$fails of $rules rules shown<" "$tmp/dom-fail.html" || no "#status=FAIL did not show $fails rows"
hidden=$(grep -o '<tr class="rule"[^>]*hidden' "$tmp/dom-fail.html" | wc -l)
[ "$hidden" -eq $((rules - fails)) ] || no "#status=FAIL hid $hidden rows, expected $((rules - fails))"
grep -o '<tr class="rule"[^>]*hidden[^>]*>' "$tmp/dom-fail.html" | grep -q 'data-status="FAIL"' &&
  no "a FAIL row was hidden"

rm -f "$shot"
browse --screenshot="$shot" --window-size=1400,1000 "file://$page" >/dev/null
[ -s "$shot" ] && [ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
  no "no PNG screenshot at $shot"

[ $fail -eq 0 ] && echo "browser: $rows rows rendered, filter ok, no external resources, screenshot $shot"
exit $fail
