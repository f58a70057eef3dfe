#!/bin/sh
# test_layers.sh CC UPWARD-SOURCE TMPDIR "LANG-OBJECTS;..." [LIBS...]
# The lang layer links alone with --no-undefined; with one more object that
# calls kas_run_trace (the run layer) the link fails and names the symbol.
set -u
cc=$1 src=$2 tmp=$3 objs=$4
shift 4
libs="$* -lpthread"   # what the lang layer links from outside
inc=$(dirname "$0")/../../include
rm -rf "$tmp" && mkdir -p "$tmp" || exit 2
old_ifs=$IFS; IFS=';'; set -- $objs; IFS=$old_ifs
[ $# -gt 0 ] || { echo "no lang objects given"; exit 2; }
fails=0
"$cc" -shared -Wl,--no-undefined -o "$tmp/lang.so" "$@" $libs >"$tmp/alone.log" 2>&1 ||
	{ echo "FAIL: the lang layer does not link alone:"; head -5 "$tmp/alone.log"; fails=1; }
"$cc" -c -fPIC -I "$inc" -o "$tmp/upward.o" "$src" || exit 2
if "$cc" -shared -Wl,--no-undefined -o "$tmp/upward.so" "$@" "$tmp/upward.o" $libs \
	>"$tmp/upward.log" 2>&1; then
	echo "FAIL: a lang object calling kas_run_trace linked"; fails=1
elif ! grep -q "undefined reference to .kas_run_trace" "$tmp/upward.log"; then
	echo "FAIL: the link failed, but not on kas_run_trace:"; head -5 "$tmp/upward.log"; fails=1
fi
[ "$fails" -eq 0 ] && echo "ok: lang links alone; an upward call to kas_run_trace does not link"
exit "$fails"
