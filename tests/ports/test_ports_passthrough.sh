#!/bin/sh
# The malloc-passthrough port forwards every size to malloc, 16 GiB and
# SIZE_MAX/2 included.  `check` on it must end (CTest's timeout bounds it)
# with every port process below the machine size plus the harness's
# headroom, with and without a machine size; the machine size must make a
# 16 GiB kzalloc fail; and counterexamples must carry it for replay.
#   test_ports_passthrough.sh KALLOCSPEC TRACES-DIR TMPDIR
set -u
ks=$1 tests=$2 tmp=$3
rm -rf "$tmp"
mkdir -p "$tmp/huge" "$tmp/cex"
cp "$tests/huge-objects.ktrace" "$tmp/huge/"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
limit_mib=1536   # 1 GiB machine + the harness's headroom, with room to spare
# Under a sanitizer every huge block costs ASan's allocator a shadow of an
# eighth of its size: the peaks measure ASan, not the harness, and a full
# check takes many minutes.  There the verdicts are checked on a short run.
sanitized=${KAS_TEST_SANITIZED:-}
ops=; [ -n "$sanitized" ] && ops="--ops 300 --corpus $tmp/huge"
peak_within() {   # MiB LIMIT WHAT
	[ -n "$sanitized" ] && return 0
	[ -n "$1" ] && [ "$1" -le "$2" ] || fail "$3: peak RSS '$1' MiB, want <= $2"
}

peak_of() {   # output file -> peak MiB of a port process
	sed -n 's/^peak resident memory of a port process: \([0-9]*\) MiB$/\1/p' "$1"
}

# 1. The whole check, default machine size (1G).
"$ks" check --port malloc-passthrough --profile linux-6.12 --json "$tmp/report.json" $ops \
	--save-counterexamples "$tmp/cex" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || { fail "check exited $rc, expected 1"; tail -5 "$tmp/err"; }
tail -n 1 "$tmp/out" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$' || fail "check did not end"
peak_within "$(peak_of "$tmp/out")" "$limit_mib" "check"
grep -q '"mem_bytes": 1073741824' "$tmp/report.json" || fail "the report does not state the machine size"
grep -q "machine size 1G" "$tmp/out" || fail "the header does not state the machine size"
for f in "$tmp"/cex/*.ktrace; do
	grep -q '^# mem: 1G$' "$f" || fail "$f has no '# mem: 1G' line"
done

# 2. The same without a machine size: overcommit hands the port terabytes,
# and the harness still touches a bounded sample of each object.  (Not
# under a sanitizer: ASan's own allocator touches the shadow of every huge
# block and quarantines it, which is ASan's memory, not the harness's.
# Likewise the 16 GiB objects of step 3 without a machine size.)
if [ -n "$sanitized" ]; then
	echo "note: step 2 (--mem 0) skipped in a sanitizer build"
else
"$ks" check --port malloc-passthrough --profile linux-6.12 --mem 0 --ops 2000 \
	>"$tmp/out0" 2>"$tmp/err0"
rc=$?
[ "$rc" -eq 1 ] || fail "check --mem 0 exited $rc, expected 1"
peak_within "$(peak_of "$tmp/out0")" "$limit_mib" "--mem 0"
fi

# 3. 16 GiB objects: handed out without a machine size (SIZE-5 fails on the
# 16 GiB kzalloc), refused with one (the same request gets NULL).
if [ -z "$sanitized" ]; then
"$ks" check --port malloc-passthrough --profile linux-6.12 --corpus "$tmp/huge" --ops 0 \
	--mem 0 >"$tmp/huge0" 2>&1
peak_within "$(peak_of "$tmp/huge0")" 256 "16 GiB objects"
grep -q "^FAIL SIZE-5 " "$tmp/huge0" || fail "no machine size: the 16 GiB kzalloc did not fail SIZE-5"
fi
"$ks" replay "$tmp/huge/huge-objects.ktrace" --port malloc-passthrough --mem 1G >"$tmp/huge1" 2>&1
grep -q "FAIL SIZE-5 " "$tmp/huge1" && fail "--mem 1G: a 16 GiB request was handed out"
grep -q "FAIL ALIGN-3 " "$tmp/huge1" || fail "--mem 1G: the 4 KiB kmalloc was not judged"

[ "$fails" -eq 0 ] && echo "ok: malloc-passthrough checked within $limit_mib MiB, with and without --mem"
[ "$fails" -eq 0 ]
