#!/bin/sh
# The README's Layout table names every top-level folder of the tree, and
# names none that is not there.
#   test_readme_layout.sh SOURCE-DIR
set -u
src=$1
fails=0
table=$(sed -n '/^## Layout/,/^## /p' "$src/README.md" | grep -o '^| `[a-z./-]*/`' | sed 's/^| `//; s/`$//')
# the tracked folders (a checkout may hold build trees and scratch folders)
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	dirs=$(git -C "$src" ls-files | grep / | cut -d/ -f1 | sort -u)
else
	dirs=$(cd "$src" && for d in */; do echo "${d%/}"; done | grep -v '^build')
fi
for name in $dirs; do
	echo "$table" | grep -q "^$name/" || { echo "FAIL: the Layout table does not list $name/"; fails=$((fails + 1)); }
done
for d in $table; do
	[ -d "$src/$d" ] || { echo "FAIL: the Layout table lists $d, which does not exist"; fails=$((fails + 1)); }
done
[ "$fails" -eq 0 ] && echo "ok: the Layout table lists every top-level folder"
[ "$fails" -eq 0 ]
