#!/bin/sh
# Fuzz campaigns as a user runs them, from an install of this build (so no
# flavour build of the tree is needed).  An AFL++ campaign
# (`kallocspec fuzz --engine afl`):
#  - the status line counts executions live: the count rises between the
#    status lines 10 s apart (AFL++'s own files lag by a minute);
#  - the summary's count is at least the last live count;
#  - the campaign, triage included, ends within a few seconds of --time;
#  - every finding is named by a whole rule ID, and each kept trace is a
#    trace v1 naming that rule.
# A libFuzzer campaign on malloc-passthrough, which crashes on
# ZERO_SIZE_PTR: each crash finding is kept as a trace shrunk to the op
# that crashes (at most 2 ops), marked '# crashes: yes'.
#   test_campaign.sh CMAKE BUILD-DIR TMPDIR
set -u
cmake=$1 build=$2 tmp=$3
secs=25
rm -rf "$tmp"
mkdir -p "$tmp/run"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
command -v afl-clang-fast >/dev/null 2>&1 && command -v afl-fuzz >/dev/null 2>&1 ||
	{ echo "afl++ not installed (KAS_DEPS_EXTRA=fuzz ci/deps): skipped"; exit 77; }
"$cmake" --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; echo "FAIL: cmake --install"; exit 1; }
(cd "$tmp/run" && env -u KAS_FUZZ_DRIVER XDG_CACHE_HOME="$tmp/cache" timeout 600 \
	"$tmp/prefix/bin/kallocspec" fuzz --engine afl --flavour plain --port libc-naive \
	--time $secs --out "$tmp/out" >"$tmp/fuzz.out" 2>&1)
rc=$?
[ "$rc" -eq 1 ] || { tail -30 "$tmp/fuzz.out"; fail "exit $rc, expected 1 (findings)"; }
tr '\r' '\n' <"$tmp/fuzz.out" >"$tmp/lines"

# live counts: execs of the status lines, in k or plain
counts=$(sed -n 's/.*  execs \([0-9.]*k\{0,1\}\)  exec.*/\1/p' "$tmp/lines" |
	awk '{ n = $1; if (n ~ /k$/) { sub(/k$/, "", n); n *= 1000 } printf "%d\n", n }')
nlines=$(echo "$counts" | grep -c .)
[ "$nlines" -ge 3 ] || fail "only $nlines status lines in a ${secs} s campaign"
second=$(echo "$counts" | sed -n 2p) last=$(echo "$counts" | tail -n 1)
[ -n "$second" ] && [ -n "$last" ] && [ "$last" -gt "$second" ] ||
	fail "the live count did not rise between status lines ($(echo $counts))"
total=$(sed -n 's/^executions: \([0-9]*\) .*/\1/p' "$tmp/lines")
# the status line rounds to 3 digits (89.8k for 89797): 1 % of slack
[ -n "$total" ] && [ -n "$last" ] && [ "$((total * 100))" -ge "$((last * 99))" ] ||
	fail "summary executions ($total) below the last live count ($last)"

# the campaign's own wall time, mm:ss
wall=$(sed -n 's/^campaign: .*, \([0-9][0-9]\):\([0-9][0-9]\)$/\1 \2/p' "$tmp/lines" |
	awk '{ print $1 * 60 + $2 }')
[ -n "$wall" ] && [ "$wall" -le $((secs + 5)) ] || fail "the campaign took ${wall:-?} s for --time $secs"

# findings: whole rule IDs, traces that name them
ids=$(sed -n 's/^kas-fuzz: finding \([^ ]*\) .*/\1/p' "$tmp/lines")
[ -n "$ids" ] || fail "no finding on libc-naive"
"$tmp/prefix/bin/kallocspec" rules | awk '/^[A-Z][A-Z0-9]*-[A-Z0-9]/ { print $1 }' >"$tmp/rule-ids"
for id in $ids; do
	case "$id" in CRASH-*|HANG-*|crash-*|hang-*) continue ;; esac
	grep -qxF "$id" "$tmp/rule-ids" || fail "finding named '$id', not a whole rule ID of the catalog"
done
for t in "$tmp/out/traces/"*.ktrace; do
	[ -f "$t" ] || continue
	head -n 1 "$t" | grep -q '^# kallocspec trace v1$' || fail "$t is not a trace v1"
	rule=$(sed -n 's/^# rule: //p' "$t")
	case "$(basename "$t")" in "$rule"-*) ;; *) fail "$t names rule '$rule'" ;; esac
done
# crash findings are shrunk at the trace level
(cd "$tmp/run" && env -u KAS_FUZZ_DRIVER XDG_CACHE_HOME="$tmp/cache" timeout 600 \
	"$tmp/prefix/bin/kallocspec" fuzz --engine libfuzzer --flavour plain --port malloc-passthrough \
	--time 10 --out "$tmp/lf" >"$tmp/lf.out" 2>&1)
ncrash=0
for t in "$tmp/lf/traces/"CRASH-*.ktrace; do
	[ -f "$t" ] || continue
	ncrash=$((ncrash + 1))
	grep -q '^# crashes: yes$' "$t" || fail "$(basename "$t") lacks '# crashes: yes'"
	ops=$(grep -cv '^#\|^profile \|^$' "$t")
	[ "$ops" -le 2 ] || fail "$(basename "$t") has $ops ops: the crash was not shrunk"
done
[ "$ncrash" -ge 1 ] || { tail -20 "$tmp/lf.out"; fail "no crash finding on malloc-passthrough"; }
[ "$fails" -eq 0 ] && echo "ok: live counts $(echo $counts), $total executions, $wall s for --time $secs, findings: $(echo $ids); $ncrash crash findings shrunk"
[ "$fails" -eq 0 ]
