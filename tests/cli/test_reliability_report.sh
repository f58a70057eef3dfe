#!/bin/sh
# The JSON report is all or nothing (docs/exit-codes.md): a report that
# cannot be written makes `check` exit 2 with a message, leaves no partial
# file behind and never touches an existing report.
#   test_reliability_report.sh KALLOCSPEC TMPDIR
set -u
ks=$1 tmp=$2
rm -rf "$tmp"
mkdir -p "$tmp/corpus" "$tmp/out"
fails=0 cases=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }

printf 'profile linux-6.12\nz = kmalloc 0 GFP_KERNEL\nkfree z\n' >"$tmp/corpus/a.ktrace"
# check_json JSON-PATH: runs a small check writing the report there
check_json() {
	"$ks" check --port libc-naive --profile linux-6.12 --corpus "$tmp/corpus" --ops 0 \
		--json "$1" >/dev/null 2>"$tmp/err"
}

# a good report to protect
cases=$((cases + 1))
check_json "$tmp/out/r.json"
rc=$?
[ "$rc" -eq 1 ] || fail "baseline check exited $rc (libc-naive fails ZERO-1: want 1)"
json_ok "$tmp/out/r.json" || fail "baseline report does not parse"
cp "$tmp/out/r.json" "$tmp/r.orig"

# a folder that does not exist (and cannot: /proc refuses new entries, even to root)
cases=$((cases + 1))
check_json /proc/kallocspec-no-such/y.json
rc=$?
[ "$rc" -eq 2 ] || fail "--json /proc/...: exit $rc, want 2"
grep -qF "kallocspec: /proc/kallocspec-no-such/y.json: cannot create temporary file: No such file or directory" \
	"$tmp/err" || { fail "--json /proc/...: message"; cat "$tmp/err"; }

# a folder the run may not write to (only meaningful when not root)
if [ "$(id -u)" -ne 0 ]; then
	cases=$((cases + 1))
	mkdir -p "$tmp/locked" && chmod 000 "$tmp/locked"
	check_json "$tmp/locked/y.json"
	rc=$?
	chmod 755 "$tmp/locked"
	[ "$rc" -eq 2 ] || fail "--json in a chmod 000 folder: exit $rc, want 2"
	grep -qF "cannot create temporary file: Permission denied" "$tmp/err" ||
		{ fail "chmod 000: message"; cat "$tmp/err"; }
fi

# the target is a directory: refused before anything is written
cases=$((cases + 1))
mkdir -p "$tmp/out/isdir.json"
check_json "$tmp/out/isdir.json"
rc=$?
[ "$rc" -eq 2 ] || fail "--json DIR: exit $rc, want 2"
grep -qF "kallocspec: $tmp/out/isdir.json: is a directory" "$tmp/err" ||
	{ fail "--json DIR: message"; cat "$tmp/err"; }
[ -d "$tmp/out/isdir.json" ] || fail "--json DIR: the folder was replaced"

# disk full: a file size limit of 16 KiB, SIGXFSZ ignored so write() fails
# with EFBIG the way it fails with ENOSPC on a full disk
cases=$((cases + 1))
(
	trap '' XFSZ
	ulimit -f 8   # 4 or 8 KiB (dash counts 512-byte blocks, bash 1024); the report is ~20 KiB
	check_json "$tmp/out/r.json"
	echo $? >"$tmp/rc"
)
rc=$(cat "$tmp/rc")
[ "$rc" -eq 2 ] || fail "disk full: exit $rc, want 2"
grep -q "^kallocspec: $tmp/out/r.json.tmp.[A-Za-z0-9]*: write failed: File too large$" "$tmp/err" ||
	{ fail "disk full: message"; cat "$tmp/err"; }
cmp -s "$tmp/out/r.json" "$tmp/r.orig" || fail "disk full: the existing report was changed"

# disk full with the default SIGXFSZ action: the process is killed in
# mid-write; the existing report must still be whole
cases=$((cases + 1))
(
	ulimit -f 8   # 4 or 8 KiB (dash counts 512-byte blocks, bash 1024); the report is ~20 KiB
	exec "$ks" check --port libc-naive --profile linux-6.12 --corpus "$tmp/corpus" \
		--ops 0 --json "$tmp/out/r.json" >/dev/null 2>"$tmp/err"
)
rc=$?
[ "$rc" -ne 0 ] || fail "SIGXFSZ: exit 0"
cmp -s "$tmp/out/r.json" "$tmp/r.orig" || fail "SIGXFSZ: the existing report was changed"
json_ok "$tmp/out/r.json" || fail "SIGXFSZ: the existing report does not parse"

# With SIGXFSZ at its default the process is killed mid-write; the CLI
# ignores the signal so write() fails with EFBIG and the report writer
# removes its temporary file.
cases=$((cases + 1))
left=$(ls "$tmp/out" | grep -c '\.tmp\.' || true)
[ "$left" -eq 0 ] || fail "SIGXFSZ: $left temporary file(s) left in $tmp/out"

echo "$cases cases, $fails failure(s)"
[ "$fails" -eq 0 ]
