#!/bin/sh
# Usage errors exit 2 with a message; --help exits 0.
#   test_cli_usage.sh KALLOCSPEC TMPDIR
set -u
ks=$1 tmp=$2
mkdir -p "$tmp"
fails=0

# expect RC STDERR-SUBSTRING CMD...
expect() {
	want=$1 msg=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL: '$*' exited $rc, expected $want"; cat "$tmp/err"; fails=$((fails + 1))
	elif [ -n "$msg" ] && ! grep -qF -- "$msg" "$tmp/err"; then
		echo "FAIL: '$*': stderr lacks '$msg':"; cat "$tmp/err"; fails=$((fails + 1))
	fi
}

expect 2 "usage: kallocspec" "$ks"
expect 2 "unknown command 'frobnicate'" "$ks" frobnicate
expect 2 "unknown option '--frob'" "$ks" --frob
expect 0 "" "$ks" --help
grep -q "usage: kallocspec <command>" "$tmp/out" || { echo "FAIL: --help prints no usage"; fails=$((fails + 1)); }
for c in check replay rules ports decode encode; do
	expect 0 "" "$ks" $c --help
	grep -q "usage: kallocspec $c" "$tmp/out" || { echo "FAIL: $c --help"; fails=$((fails + 1)); }
	expect 2 "unknown option '--no-such-option'" "$ks" $c --no-such-option
done
expect 2 "unknown profile 'linux-9.9'" "$ks" rules --profile linux-9.9
expect 2 "linux-6.12" "$ks" rules --profile linux-9.9
expect 2 "unknown format 'xml'" "$ks" rules --format xml
expect 2 "needs a value" "$ks" rules --profile
expect 2 "--port is required" "$ks" check
expect 2 "unknown port 'nope'" "$ks" check --port nope
expect 2 "libc-naive" "$ks" check --port nope
expect 2 "unknown profile 'bogus'" "$ks" check --port libc-naive --profile bogus
expect 2 "bad --ops" "$ks" check --port libc-naive --ops many
expect 2 "bad --timeout '0'" "$ks" check --port libc-naive --timeout 0
expect 2 "bad --timeout 'x'" "$ks" replay x.ktrace --port libc-naive --timeout x
expect 2 "unexpected argument 'extra'" "$ks" check --port libc-naive extra
expect 2 "no trace given" "$ks" replay --port libc-naive
expect 2 "--port is required" "$ks" replay x.ktrace
expect 2 "unknown port 'nope'" "$ks" replay x.ktrace --port nope
expect 2 "unknown profile 'bogus'" "$ks" replay x.ktrace --port libc-naive --profile bogus
expect 2 "corpus $tmp/no-corpus" "$ks" check --port libc-naive --corpus "$tmp/no-corpus" --ops 10
expect 2 "unknown option '--profile'" "$ks" encode --profile linux-6.12
expect 0 "" "$ks" ports
grep -q "^libc-naive" "$tmp/out" || { echo "FAIL: ports does not list libc-naive"; fails=$((fails + 1)); }
grep -q "caps: kmalloc,kmalloc_array" "$tmp/out" || { echo "FAIL: ports shows no caps"; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] && echo "ok: usage" || echo "$fails failure(s)"
[ "$fails" -eq 0 ]
