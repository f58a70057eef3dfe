#!/bin/sh
# Hostile ports (tests/cli/hostile/hostile_port.c): each must end in a verdict
# (FAIL or CRASH, exit 1) and a complete JSON report, and must not take
# kallocspec down or lose its output.
#   test_reliability_hostile.sh KALLOCSPEC MODULE-DIR TMPDIR
set -u
ks=$1 mods=$2 tmp=$3
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
rm -rf "$tmp"
mkdir -p "$tmp/corpus"
fails=0 cases=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
json_has() {   # FILE PYTHON-EXPR over r (the report)
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}

cat >"$tmp/corpus/a-three.ktrace" <<'T'
profile linux-6.12
a = kmalloc 64 GFP_KERNEL
b = kmalloc 64 GFP_KERNEL
c = kmalloc 64 GFP_KERNEL
kfree a
kfree b
kfree c
T

# hostile NAME EXPECTED-STDOUT-REGEX JSON-CONDITION
hostile() {
	name=$1 want=$2 cond=$3
	so=$mods/libkas-hostile-$name.so
	cases=$((cases + 1))
	rm -f "$tmp/$name.json"
	"$ks" check --port "$so" --profile linux-6.12 --corpus "$tmp/corpus" --ops 300 \
		--timeout 5000 --json "$tmp/$name.json" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	[ "$rc" -eq 1 ] || { fail "$name: check exited $rc, want 1"; tail -5 "$tmp/$name.err"; }
	grep -Eq "$want" "$tmp/$name.out" || { fail "$name: stdout lacks /$want/"; tail -20 "$tmp/$name.out"; }
	grep -Eq '^[0-9]+ passed, [1-9][0-9]* failed$' "$tmp/$name.out" ||
		fail "$name: no 'N passed, M failed' line with M > 0"
	if ! json_ok "$tmp/$name.json"; then
		fail "$name: the JSON report is missing or does not parse"
	elif ! json_has "$tmp/$name.json" "$cond"; then
		fail "$name: JSON report lacks: $cond"
	fi
}

# writes the byte before each new object: the previous object's pattern breaks
hostile scribble '^FAIL (INTEGRITY-1|NO-OVERLAP) ' \
	'any(x["id"] in ("INTEGRITY-1", "NO-OVERLAP") and x["status"] == "FAIL" for x in r["rules"])'
# objects 8 bytes apart
hostile overlap '^FAIL NO-OVERLAP ' \
	'any(x["id"] == "NO-OVERLAP" and x["status"] == "FAIL" for x in r["rules"])'
# exit(3) in the third kmalloc: a CRASH named "exit 3"
hostile exit '^CRASH .*the port died of exit 3' \
	'r["totals"]["CRASH"] >= 1 and r["faults"][0]["signal"] == "exit 3"'
# close(1) in kfree: the child's stdout goes, the parent's must not
hostile close-stdout '^PASS ZERO-4 ' \
	'any(x["id"] == "ZERO-4" and x["status"] == "PASS" for x in r["rules"])'
# fork in the first kmalloc: the second process must not double the verdicts
hostile fork '^(PASS|FAIL) NO-OVERLAP ' \
	'any(x["id"] == "NO-OVERLAP" for x in r["rules"])'

# replay prints its verdict line for each hostile port as well
for name in scribble overlap exit close-stdout fork; do
	cases=$((cases + 1))
	"$ks" replay "$tmp/corpus/a-three.ktrace" --port "$mods/libkas-hostile-$name.so" \
		--timeout 5000 >"$tmp/replay-$name.out" 2>"$tmp/replay-$name.err"
	rc=$?
	[ "$rc" -le 1 ] || { fail "replay $name exited $rc"; cat "$tmp/replay-$name.err"; }
	grep -q "a-three.ktrace: [0-9]* ops run, .*: \(FAIL\|no rule failed\)$" "$tmp/replay-$name.out" ||
		{ fail "replay $name: no verdict line"; cat "$tmp/replay-$name.out"; }
done

# A port that forks: only the isolation child itself may report verdicts
# (a forked copy used to stream a second set, doubling every count).
"$ks" check --port "$mods/libkas-hostile-scribble.so" --profile linux-6.12 --corpus "$tmp/corpus" \
	--ops 0 --json "$tmp/plain.json" >/dev/null 2>&1
"$ks" check --port "$mods/libkas-hostile-fork.so" --profile linux-6.12 --corpus "$tmp/corpus" \
	--ops 0 --json "$tmp/forked.json" >/dev/null 2>&1
same_counts() {
	python3 - "$tmp/plain.json" "$tmp/forked.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
ea = {x["id"]: x["exercised"] for x in a["rules"]}
eb = {x["id"]: x["exercised"] for x in b["rules"]}
sys.exit(0 if ea["ALIGN-1"] == eb["ALIGN-1"] else 1)
PY
}
cases=$((cases + 1))
same_counts || fail "a port that forks doubled the tallies (each process reported verdicts)"

# A port whose helper process keeps the inherited pipe open for an hour
# (HOSTILE_FORK_DAEMON): the parent must wait for its child, not for end of
# file, and kill the child's process group.  Before that fix these runs
# took as long as the helper lived, i.e. until CTest's timeout.
pidfile=$tmp/daemon.pids
: >"$pidfile"
# alive PID: a forked kallocspec with that pid exists and is not a zombie
# awaiting its reaper (the name guards against the pid's reuse)
alive() { grep -q '^[0-9]* (kallocspec) [^Z]' "/proc/$1/stat" 2>/dev/null; }
daemons_gone() {   # WHAT: every helper recorded so far must be dead
	[ -s "$pidfile" ] || { fail "$1: the port recorded no helper (did it fork?)"; return; }
	while read -r dpid; do
		# SIGKILL takes effect asynchronously: allow a loaded machine 10 s
		n=0
		while alive "$dpid" && [ "$n" -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
		if alive "$dpid"; then
			fail "$1: helper $dpid outlived kallocspec"
			kill -9 "$dpid" 2>/dev/null
		fi
	done <"$pidfile"
	: >"$pidfile"
}
cases=$((cases + 1))
t0=$(date +%s)
KAS_HOSTILE_PIDFILE=$pidfile "$ks" replay "$tmp/corpus/a-three.ktrace" \
	--port "$mods/libkas-hostile-fork-daemon.so" --timeout 2000 >"$tmp/daemon.out" 2>&1
rc=$?
took=$(( $(date +%s) - t0 ))
[ "$took" -lt 30 ] || fail "replay fork-daemon took ${took}s: waited for the helper"
[ "$rc" -le 1 ] || fail "replay fork-daemon exited $rc"
grep -q "a-three.ktrace: [0-9]* ops run, .*: \(FAIL\|no rule failed\)$" "$tmp/daemon.out" ||
	{ fail "fork-daemon: no verdict line"; cat "$tmp/daemon.out"; }
daemons_gone "replay fork-daemon"
# the same through check: isolated traces, the forked minimiser
# (cli/check_minimise.c) and a whole JSON report
cases=$((cases + 1))
t0=$(date +%s)
KAS_HOSTILE_PIDFILE=$pidfile "$ks" check --port "$mods/libkas-hostile-fork-daemon.so" \
	--profile linux-6.12 --corpus "$tmp/corpus" --ops 300 --timeout 5000 \
	--json "$tmp/daemon.json" >"$tmp/daemon-check.out" 2>"$tmp/daemon-check.err"
rc=$?
took=$(( $(date +%s) - t0 ))
[ "$took" -lt 120 ] || fail "check fork-daemon took ${took}s: waited for a helper"
[ "$rc" -eq 1 ] || { fail "check fork-daemon exited $rc, want 1"; tail -5 "$tmp/daemon-check.err"; }
grep -Eq '^[0-9]+ passed, [0-9]+ failed$' "$tmp/daemon-check.out" ||
	fail "check fork-daemon: no 'N passed, M failed' line"
json_ok "$tmp/daemon.json" || fail "check fork-daemon: the JSON report is missing or does not parse"
daemons_gone "check fork-daemon"
echo "fork-daemon: replay and check done, helpers killed"

echo "$cases cases, $fails failure(s)"
[ "$fails" -eq 0 ]
