# Sourced by the check tests: replay_cex KALLOCSPEC TRACE PORT RULE OUTDIR
# replays a saved counterexample and leaves the exit status in $rc and the
# output in OUTDIR/replay.out and OUTDIR/replay.err.  A counterexample the
# check marked "# fails-in: N of M runs (depends on heap layout)" reproduces
# only some of the time, so it gets up to 8 replays and stops at the first
# that fails RULE (all 8 missing at 7 of 12 is under 0.1 %).
replay_cex() {
	_ks=$1 _trace=$2 _port=$3 _rule=$4 _out=$5
	_tries=1
	grep -q "^# fails-in: " "$_trace" && _tries=8
	while :; do
		"$_ks" replay "$_trace" --port "$_port" >"$_out/replay.out" 2>"$_out/replay.err"
		rc=$?
		_tries=$((_tries - 1))
		if [ "$rc" -eq 1 ] && grep -q "FAIL $_rule  " "$_out/replay.out"; then
			return 0
		fi
		[ "$_tries" -eq 0 ] && return 0
	done
}
