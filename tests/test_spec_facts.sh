#!/bin/sh
# The dispatcher passes over a rule whose needs (KAS_RULE_NEEDS) a call
# lacks.  With KAS_SPEC_VERIFY_FACTS=1 it calls those checkers anyway and
# aborts with "internal error: rule ... needs facts" on any verdict but NA.
# Run the witnesses and random traces that way on several ports (a failing
# port and a crashing one reach other early exits than ref) under four
# profiles: a wrong mask shows as that error, whichever process judged it.
#   test_spec_facts.sh KALLOCSPEC TMPDIR PORT...
set -u
ks=$1 tmp=$2
shift 2
rm -rf "$tmp" && mkdir -p "$tmp"
fails=0
for port in "$@"; do
	for profile in linux-5.15 linux-6.1 linux-6.12 linux-latest; do
		out=$tmp/$(basename "$port")-$profile
		KAS_SPEC_VERIFY_FACTS=1 "$ks" check --port "$port" --profile "$profile" --ops 3000 \
			--seed 7 -q --json "$out.json" >"$out.out" 2>"$out.err"
		rc=$?
		if grep -q "internal error: rule" "$out.err" "$out.out"; then
			echo "FAIL: $port $profile: a rule's needs hide a verdict:"
			grep -h "internal error: rule" "$out.err" "$out.out" | sort -u | head -5
			fails=$((fails + 1))
		elif [ "$rc" -gt 1 ]; then
			echo "FAIL: $port $profile: check exited $rc"; tail -3 "$out.err"
			fails=$((fails + 1))
		fi
	done
done
[ "$fails" -eq 0 ] && echo "ok: every rule the dispatcher passed over would have answered NA"
[ "$fails" -eq 0 ]
