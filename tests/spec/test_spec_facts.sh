#!/bin/sh
# The dispatcher passes over a rule whose needs (KAS_RULE_NEEDS) a call
# lacks.  Two ways a wrong mask shows, both checked here on several ports (a
# failing port and a crashing one reach other early exits than ref) under
# three profiles, witnesses and random traces:
#  1. KAS_SPEC_VERIFY_FACTS=1 calls the passed-over checkers anyway and
#     aborts with "internal error: rule ... needs facts" on any verdict but
#     NA, in whichever process judged the call.
#  2. A checker that keeps state across calls can be wrong without ever
#     answering: skipping it changes what it sees later.  So the verify run
#     (every checker called, as with no masks) and a normal run must give
#     every rule the same status and the same exercised and failed counts.
#     Both run with address randomisation off where setarch can, so that a
#     malloc-backed port's addresses are the same in both.
#   test_spec_facts.sh KALLOCSPEC TMPDIR PORT...
set -u
ks=$1 tmp=$2
shift 2
rm -rf "$tmp" && mkdir -p "$tmp"
norand=
setarch "$(uname -m)" -R true 2>/dev/null && norand="setarch $(uname -m) -R"
# rule id, status, exercised, failed: one line per rule
counts() {
	python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["rules"]:
    print(r["id"], r["status"], r["exercised"], r["failed"])' "$1"
}
fails=0
profiles="linux-5.15 linux-6.12 linux-latest"
# a sanitizer build runs every check several times slower: one port, one
# profile (the plain lane covers the rest)
if [ -n "${KAS_TEST_SANITIZED:-}" ]; then
	set -- "$1"
	profiles=linux-6.12
fi
for port in "$@"; do
	for profile in $profiles; do
		out=$tmp/$(basename "$port")-$profile
		KAS_SPEC_VERIFY_FACTS=1 $norand "$ks" check --port "$port" --profile "$profile" \
			--ops 2000 --seed 7 -q --json "$out.all.json" >"$out.all.out" 2>"$out.all.err"
		rc=$?
		$norand "$ks" check --port "$port" --profile "$profile" --ops 2000 --seed 7 -q \
			--json "$out.json" >"$out.out" 2>"$out.err"
		rc2=$?
		if grep -q "internal error: rule" "$out.all.err" "$out.all.out"; then
			echo "FAIL: $port $profile: a rule's needs hide a verdict:"
			grep -h "internal error: rule" "$out.all.err" "$out.all.out" | sort -u | head -5
			fails=$((fails + 1))
		elif [ "$rc" -gt 1 ] || [ "$rc2" -gt 1 ]; then
			echo "FAIL: $port $profile: check exited $rc / $rc2"; tail -3 "$out.all.err"
			fails=$((fails + 1))
		fi
		counts "$out.all.json" >"$out.all.counts"
		counts "$out.json" >"$out.counts"
		if [ ! -s "$out.counts" ]; then
			echo "FAIL: $port $profile: no rule lines read from $out.json"
			fails=$((fails + 1))
		elif ! cmp -s "$out.all.counts" "$out.counts"; then
			echo "FAIL: $port $profile: skipping rules changed verdicts or counts:"
			diff "$out.all.counts" "$out.counts" | head -8
			fails=$((fails + 1))
		fi
	done
done
[ "$fails" -eq 0 ] && echo "ok: every rule passed over would have answered NA and kept its state"
[ "$fails" -eq 0 ]
