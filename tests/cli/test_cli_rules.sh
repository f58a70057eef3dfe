#!/bin/sh
# `rules` lists the catalog with sources, as text and as JSON.
#   test_cli_rules.sh KALLOCSPEC TMPDIR
set -u
ks=$1 tmp=$2
mkdir -p "$tmp"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$ks" rules --format json >"$tmp/rules.json" || fail "rules --format json exited $?"
n=$(grep -c '"id": "[A-Z-]*[0-9W]*", "title": .*"category"' "$tmp/rules.json")
nc=$(grep -c '"id": "CALLER-' "$tmp/rules.json")
[ "$n" -ge 35 ] || fail "only $n rules in JSON"
grep -q '"source": null' "$tmp/rules.json" && fail "a rule without source"
grep -q '"section": null' "$tmp/rules.json" && fail "a rule without section"
srcs=$(grep -c '"source": "' "$tmp/rules.json")
[ "$srcs" -eq $((n + nc)) ] || fail "$srcs sources for $n rules and $nc caller rules"
grep -q '"id": "ALIGN-2"' "$tmp/rules.json" || fail "ALIGN-2 missing"
if command -v jq >/dev/null 2>&1; then
	jq -e '.schema == "kallocspec-rules/1" and (.rules | length >= 35)
	       and all(.rules[]; (.source | length > 0) and (.quote | type == "string")
	                        and (.versions | length > 0) and (.caps | type == "array"))' \
		"$tmp/rules.json" >/dev/null || fail "JSON does not validate with jq"
fi

"$ks" rules >"$tmp/rules.txt" || fail "rules exited $?"
grep -q '^ALIGN-2 ' "$tmp/rules.txt" || fail "text lacks ALIGN-2"
grep -q '  source: ' "$tmp/rules.txt" || fail "text lacks sources"
grep -q 'versions: ' "$tmp/rules.txt" || fail "text lacks versions"
grep -q "^$n rules\$" "$tmp/rules.txt" || fail "text count differs from JSON count $n"
grep -q "^$nc caller rules\$" "$tmp/rules.txt" || fail "text caller count differs from JSON count $nc"
grep -q '^CALLER-1 ' "$tmp/rules.txt" || fail "text lacks the caller rules"

# a profile selects a subset, never more
for p in $("$ks" profiles | awk '{ print $1 }'); do
	"$ks" rules --profile $p --format json >"$tmp/p.json" || fail "rules --profile $p exited $?"
	m=$(grep -c '"id": "[A-Z-]*[0-9W]*", "title": .*"category"' "$tmp/p.json")
	[ "$m" -ge 1 ] && [ "$m" -le "$n" ] || fail "$p lists $m of $n rules"
	grep -q "\"profile\": \"$p\"" "$tmp/p.json" || fail "$p not named in JSON"
done

[ "$fails" -eq 0 ] && echo "ok: $n rules"
[ "$fails" -eq 0 ]
