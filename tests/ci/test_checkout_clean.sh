#!/bin/sh
# No documented command writes into the checkout: in a fresh clone, run
# them the way the README and docs give them (reusing this build tree, so
# nothing is compiled) and require `git status --porcelain` to stay empty.
#   test_checkout_clean.sh SOURCE-DIR BUILD-DIR TMPDIR
# The fuzz campaign needs a libFuzzer flavour build: it runs when one
# exists next to the source (build-fuzz-libfuzzer-plain) and is said to be
# left out otherwise; so is ci/bench, which builds a tree of its own.
set -u
src=$1 build=$2 tmp=$3
command -v git >/dev/null || { echo "git is not installed"; exit 1; }
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || { echo "note: $src is not a git checkout"; exit 0; }
rm -rf "$tmp" && mkdir -p "$tmp" || exit 2
clone=$tmp/clone
git clone -q "$src" "$clone" || exit 2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
run() {   # run LOG WANT-EXITS CMD...: in the clone, output in TMPDIR/LOG; WANT-EXITS "0" or "0|1"
	log=$1 want=$2; shift 2
	(cd "$clone" && "$@") >"$tmp/$log" 2>&1
	rc=$?
	echo "ran: $* (exit $rc)"
	case "|$want|" in *"|$rc|"*) ;; *) fail "$*: exit $rc, want $want"; tail -5 "$tmp/$log" ;; esac
}
run gate-witness.log 0 ci/gate --no-build --build-dir "$build" --lanes witness --profile linux-6.12
run gate-nope.log 2 ci/gate --no-build --build-dir "$build" --profile nope
run check.log 0 "$build/kallocspec" check --port ref --ops 200 -q
run rules.log 0 "$build/kallocspec" rules --format markdown
fuzzb=$src/build-fuzz-libfuzzer-plain
if [ -x "$fuzzb/fuzz/fuzz_ops" ]; then
	# a finding (exit 1) is no matter here: where it is written is
	run fuzz.log "0|1" "$build/kallocspec" fuzz --engine libfuzzer --flavour plain --port ref --time 5 \
		--build-dir "$fuzzb" --replay-build none --no-build --quiet
else
	echo "note: no libFuzzer flavour build at $fuzzb: 'kallocspec fuzz' left out"
fi
# ci/bench configures its own tree from the source it runs in: a clone
# cannot reuse one, and a new one is minutes of building.  Left out here;
# it writes to <build>/bench-report (ci/bench --help).
echo "note: 'ci/bench --quick' left out (it builds a tree of its own)"
changed=$(git -C "$clone" status --porcelain)
[ -z "$changed" ] || fail "the checkout changed:
$changed"
[ "$fails" -eq 0 ] && echo "ok: the checkout is unchanged"
[ "$fails" -eq 0 ]
