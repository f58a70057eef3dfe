#!/bin/sh
# The reference port passes every rule of a profile: `check` exits 0.
#   test_cli_check_ref.sh KALLOCSPEC PROFILE TMPDIR
set -u
ks=$1 profile=$2 tmp=$3
mkdir -p "$tmp"
"$ks" check --port ref --profile "$profile" --json "$tmp/ref-$profile.json" >"$tmp/ref-$profile.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "FAIL: check --port ref --profile $profile exited $rc"
	grep -v '^PASS \|^UNTESTED \|^UNSUPPORTED ' "$tmp/ref-$profile.out"
	exit 1
fi
tail -n 2 "$tmp/ref-$profile.out"
grep -Eq '^[0-9]+ passed, 0 failed$' "$tmp/ref-$profile.out"
