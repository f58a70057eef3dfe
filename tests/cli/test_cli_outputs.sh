#!/bin/sh
# Output paths keep being what the user named (issue: `--json /dev/full`
# replaced the device with a regular file, a symlink was replaced by a file):
# a symlink keeps pointing where it did and its target gets the report, a
# dangling one creates its target, a FIFO is written in place, a device is
# written in place (a full one fails with exit 2), a directory is refused
# with exit 2.  `report --matrix -o` goes through the same writer.
#   test_cli_outputs.sh KALLOCSPEC TMPDIR
set -u
ks=$1 tmp=$2
rm -rf "$tmp" && mkdir -p "$tmp/d" || exit 2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { "$ks" check --port ref --ops 20 -q --json "$@" >/dev/null 2>"$tmp/err"; }

# a symlink to an existing report, and a dangling one
echo old >"$tmp/real.json"
ln -s real.json "$tmp/link.json"
check "$tmp/link.json" || fail "--json through a symlink exited $?"
[ -L "$tmp/link.json" ] || fail "the symlink was replaced"
grep -q '"schema": "kallocspec-report/1"' "$tmp/real.json" || fail "the symlink's target holds no report"
ln -s d/new.json "$tmp/dangling.json"
check "$tmp/dangling.json" || fail "--json through a dangling symlink exited $?"
[ -L "$tmp/dangling.json" ] && [ -f "$tmp/d/new.json" ] || fail "the dangling symlink's target was not created"

# a FIFO with a reader
mkfifo "$tmp/fifo" || exit 2
timeout 60 cat "$tmp/fifo" >"$tmp/fifo.out" &
reader=$!
check "$tmp/fifo" || fail "--json to a FIFO exited $?"
[ -p "$tmp/fifo" ] || { fail "the FIFO was replaced"; kill "$reader" 2>/dev/null; }
wait "$reader"
grep -q '"schema": "kallocspec-report/1"' "$tmp/fifo.out" || fail "the FIFO's reader got no report"

# devices (nodes of their own here: a broken writer run as root must not
# replace the machine's /dev/null): a null device takes the report, a full
# one fails loudly, both stay devices
if mknod "$tmp/null" c 1 3 2>/dev/null && mknod "$tmp/full" c 1 7 2>/dev/null; then
	check "$tmp/null" || fail "--json to a null device exited $?"
	[ -c "$tmp/null" ] || fail "the null device was replaced by a regular file"
	check "$tmp/full"
	rc=$?
	[ "$rc" -eq 2 ] || fail "--json to a full device exited $rc, expected 2"
	grep -q "No space left on device" "$tmp/err" || fail "no reason given: $(cat "$tmp/err")"
	[ -c "$tmp/full" ] || fail "the device was replaced by a regular file"
else
	echo "note: mknod not permitted here: the full-device case was not run"
fi

# a directory is refused, untouched
check "$tmp/d"
rc=$?
[ "$rc" -eq 2 ] || fail "--json to a directory exited $rc, expected 2"
grep -q "is a directory" "$tmp/err" || fail "no reason given: $(cat "$tmp/err")"
[ -d "$tmp/d" ] || fail "the directory is gone"

# kallocspec report --matrix -o through a symlink
ln -s merged.md "$tmp/merged-link.md"
"$ks" report --matrix "$tmp/real.json" -o "$tmp/merged-link.md" >/dev/null 2>"$tmp/err" ||
	fail "report -o through a symlink exited $?: $(cat "$tmp/err")"
[ -L "$tmp/merged-link.md" ] && [ -s "$tmp/merged.md" ] || fail "report -o replaced the symlink"

[ "$fails" -eq 0 ] && echo "ok: symlinks, dangling symlinks, FIFOs, devices and directories"
[ "$fails" -eq 0 ]
