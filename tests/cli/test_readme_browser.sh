#!/bin/sh
# The README says how to get the browser the HTML check needs, and what that
# check asserts, and both are true: the command it names installs Chromium
# (ci/deps's browser group), the test it names exists and is registered
# with the Chromium path the group installs, and each thing the README says
# the check asserts is a check in that test.
#   test_readme_browser.sh SOURCE-DIR
set -u
src=$1
fails=0
no() { echo "FAIL: $*"; fails=$((fails + 1)); }
readme=$src/README.md
grep -q 'KAS_DEPS_EXTRA=browser ci/deps' "$readme" || no "the README does not say to run 'KAS_DEPS_EXTRA=browser ci/deps'"
grep -Eq '^ *browser\) PACKAGES\+=\(chromium[ )]' "$src/ci/deps" ||
	no "ci/deps has no browser group installing chromium"
grep -q '`report_browser`' "$readme" || no "the README does not name the report_browser test"
grep -q 'report_browser' "$src/tests/report/report.cmake" || no "no report_browser test is registered"
grep -q '/usr/bin/chromium' "$src/tests/report/report.cmake" || no "report_browser does not use /usr/bin/chromium"
t=$src/tests/report/test_report_browser.sh
# what the README says the check asserts -> the check in the test
while IFS='|' read -r claim check; do
	grep -q -- "$claim" "$readme" || no "the README does not say the check asserts: $claim"
	grep -Eq -- "$check" "$t" || no "test_report_browser.sh has no check for: $claim"
done <<'CLAIMS'
every rule row renders|rows rendered
exactly the failed rules|#status=FAIL
loads nothing from outside|external src/href
screenshot|--screenshot
CLAIMS
[ "$fails" -eq 0 ] && echo "ok: the README's browser set-up and the report_browser claims hold"
[ "$fails" -eq 0 ]
