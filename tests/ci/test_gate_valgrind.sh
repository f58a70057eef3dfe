#!/bin/sh
# The gate's valgrind lane judges memory errors, not a port's arguments: a
# port that forwards kmalloc(SIZE_MAX) to malloc (memcheck: "fishy
# (possibly negative) value") is not failed for it.  Runs the lane's own
# memcheck command line (ci/gate) with its suppressions (ci/valgrind.supp).
#   test_gate_valgrind.sh SOURCE-DIR KALLOCSPEC TMPDIR
set -u
src=$1 ks=$2 tmp=$3
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 1; }
rm -rf "$tmp" && mkdir -p "$tmp/corpus" || exit 2
cp "$src/tests/ci/fishy-sizes.ktrace" "$tmp/corpus/"
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--suppressions="$src/ci/valgrind.supp" \
	"$ks" check --port malloc-passthrough --profile linux-6.12 --corpus "$tmp/corpus" --ops 0 \
	--no-isolate --seed 1 >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -eq 99 ]; then
	echo "FAIL: memcheck counted errors:"; grep '^==[0-9]*== [A-Z]' "$tmp/out" | head -3
	exit 1
fi
grep -q "fishy" "$tmp/out" && { echo "FAIL: a fishy-value report was printed"; exit 1; }
[ "$rc" -le 1 ] || { echo "FAIL: check under valgrind exited $rc"; tail -3 "$tmp/out"; exit 1; }
echo "ok: sizes above 2^63 reach malloc, calloc and realloc without a memcheck error"
