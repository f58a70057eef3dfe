#!/bin/sh
# A port module whose constructor crashes (SIGSEGV) or exits while it is
# loaded: `check` and `replay` report a CRASH of the port with a message and
# exit 1 (the port's fault), instead of dying with it (exit 139/134/3).
#   test_cli_load_crash.sh KALLOCSPEC CTOR-CRASH-SO CTOR-EXIT-SO TMPDIR
set -u
ks=$1 crash=$2 exits=$3 tmp=$4
rm -rf "$tmp" && mkdir -p "$tmp" || exit 2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
printf 'a = kmalloc 8 GFP_KERNEL\nkfree a\n' >"$tmp/t.ktrace"
# try WHAT-SO MESSAGE CMD...
try() {
	so=$1 msg=$2; shift 2
	"$@" --port "$so" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "$* --port $so: exit $rc, want 1"
	grep -q "^CRASH $so: $msg" "$tmp/out" || fail "$*: no 'CRASH $so: $msg' line: $(cat "$tmp/out")"
	grep -q "$so: $msg" "$tmp/err" || fail "$*: no message on stderr"
}
# (under a sanitizer its own SIGSEGV handler turns the crash into exit 1)
crashed="the port \(crashed\|exited with status 1\) while loading"
try "$crash" "$crashed" "$ks" check --ops 10
try "$crash" "$crashed" "$ks" replay "$tmp/t.ktrace"
try "$exits" "the port exited with status 3 while loading" "$ks" check --ops 10
[ "$fails" -eq 0 ] && echo "ok: ports that die while loading are a CRASH of the port, exit 1"
[ "$fails" -eq 0 ]
