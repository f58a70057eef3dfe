#!/bin/sh
# Hostile input that is too big or too odd to commit (tests/cli/bad-input holds
# the small cases; test_cli_bad_input.sh checks those, test_cli_dlopen.sh the
# ports that cannot be loaded: missing .so, no kallocspec_port symbol, ABI
# major mismatch, table too small, unknown built-in name).
#   test_reliability_input.sh KALLOCSPEC BAD-INPUT-DIR TMPDIR
set -u
ks=$1 dir=$2 tmp=$3
rm -rf "$tmp"
mkdir -p "$tmp"
fails=0 cases=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# big_line FILE PREFIX BYTE SUFFIX: a trace whose second line is PREFIX,
# then 100 MiB of BYTE, then SUFFIX
big_line() {
	{ printf 'profile linux-6.12\n%s' "$2"; head -c 104857600 /dev/zero | tr '\0' "$3"; printf '%s' "$4"; } >"$1"
}
# replay_expect FILE RC STDERR-TEXT|'' STDOUT-TEXT|''
replay_expect() {
	cases=$((cases + 1))
	"$ks" replay "$1" --port libc-naive >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq "$2" ] || { fail "$1: exit $rc, want $2"; head -c 400 "$tmp/err"; return; }
	[ -z "$3" ] || grep -qF -- "$3" "$tmp/err" || { fail "$1: stderr lacks '$3'"; head -c 400 "$tmp/err"; }
	[ -z "$4" ] || grep -qF -- "$4" "$tmp/out" || { fail "$1: stdout lacks '$4'"; tail -3 "$tmp/out"; }
	# a message quoting a 100 MiB token must stay readable
	[ "$(wc -c <"$tmp/err")" -lt 4096 ] || fail "$1: stderr is $(wc -c <"$tmp/err") bytes"
}

# 100 MiB of trailing blanks on one op line: parsed, run, nothing failed
# (kmalloc 8 is aligned by malloc too)
big_line "$tmp/blanks.ktrace" 'a = kmalloc 8 GFP_KERNEL' ' ' '
kfree a
'
replay_expect "$tmp/blanks.ktrace" 0 "" "blanks.ktrace: 2 ops run, 0 skipped, 0 unsupported: no rule failed"
# a 100 MiB comment line
big_line "$tmp/comment.ktrace" '# ' 'x' '
a = kmalloc 8 GFP_KERNEL
kfree a
'
replay_expect "$tmp/comment.ktrace" 0 "" "comment.ktrace: 2 ops run"
# a 100 MiB number: an overflow at its first digit's column
big_line "$tmp/number.ktrace" 'a = kmalloc 1' '0' ' GFP_KERNEL
'
replay_expect "$tmp/number.ktrace" 2 "$tmp/number.ktrace:2:13: integer overflow" ""
# a 100 MiB flag name: refused, and the message is cut short
big_line "$tmp/flag.ktrace" 'a = kmalloc 8 GFP_' 'K' '
'
replay_expect "$tmp/flag.ktrace" 2 "$tmp/flag.ktrace:2:15: unknown GFP flag 'GFP_KKKK" ""
# 100 MiB line without a final newline, ending the file
big_line "$tmp/noeol.ktrace" 'a = kmalloc 8 GFP_KERNEL' ' ' ''
replay_expect "$tmp/noeol.ktrace" 0 "" "noeol.ktrace: 2 ops run, 0 skipped, 0 unsupported: no rule failed"
rm -f "$tmp"/*.ktrace

# the same bad bytes through stdin
cases=$((cases + 1))
"$ks" replay - --port libc-naive <"$dir/invalid-utf8.ktrace" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -qF -- "<stdin>:3:26: unexpected byte 0xFF" "$tmp/err" ||
	{ fail "stdin invalid UTF-8: exit $rc"; cat "$tmp/err"; }
# a truly empty file (0 bytes; tests/cli/bad-input/empty.ktrace has a comment)
: >"$tmp/zero-bytes.ktrace"
# has nothing to judge: exit 2, said so
replay_expect "$tmp/zero-bytes.ktrace" 2 "zero-bytes.ktrace: the trace has no ops: nothing to judge" ""
# /dev/null and a FIFO are not regular files but can be read (and /dev/null
# holds no op)
replay_expect /dev/null 2 "/dev/null: the trace has no ops: nothing to judge" ""
# a directory as --corpus is fine; a file as --corpus is bad input
cases=$((cases + 1))
: >"$tmp/not-a-dir"
"$ks" check --port libc-naive --corpus "$tmp/not-a-dir" --ops 0 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -qF "kallocspec: corpus $tmp/not-a-dir: Not a directory" "$tmp/err" ||
	{ fail "check --corpus FILE: exit $rc"; cat "$tmp/err"; }
# an unknown port and profile (the dlopen failures are in test_cli_dlopen.sh)
cases=$((cases + 1))
"$ks" check --port no-such-port --ops 0 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -qF "unknown port 'no-such-port'" "$tmp/err" || { fail "unknown port: exit $rc"; cat "$tmp/err"; }
cases=$((cases + 1))
"$ks" check --port libc-naive --profile linux-0.1 --ops 0 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -qF "unknown profile 'linux-0.1'" "$tmp/err" || { fail "unknown profile: exit $rc"; cat "$tmp/err"; }
# --save-counterexamples into a folder that cannot be made: exit 2 before anything runs;
# a folder that does not exist yet is made
cases=$((cases + 1))
printf 'profile linux-6.12\nz = kmalloc 0 GFP_KERNEL\nkfree z\n' >"$tmp/zero.ktrace"
mkdir -p "$tmp/c" && cp "$tmp/zero.ktrace" "$tmp/c/"
"$ks" check --port libc-naive --profile linux-6.12 --corpus "$tmp/c" --ops 0 \
	--save-counterexamples /proc/kallocspec-no-such >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -qF "kallocspec: check: --save-counterexamples /proc/kallocspec-no-such: No such file or directory" "$tmp/err" &&
	! grep -q "^FAIL" "$tmp/out" ||
	{ fail "--save-counterexamples /proc/...: exit $rc"; cat "$tmp/err"; }

cases=$((cases + 1))
"$ks" check --port libc-naive --profile linux-6.12 --corpus "$tmp/c" --ops 0 \
	--save-counterexamples "$tmp/new-cex" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && [ -s "$tmp/new-cex/ZERO-1.ktrace" ] ||
	{ fail "--save-counterexamples into a new folder: exit $rc"; cat "$tmp/err"; }

echo "$cases cases, $fails failure(s)"
[ "$fails" -eq 0 ]
