#!/bin/sh
# The README's "Checking your own port" works verbatim: its C adapter,
# compiled with the command the README gives, is a port `check` accepts,
# PASSing ZERO-1 (ZERO_SIZE_PTR from port.h) and SIZE-5, and reporting the
# functions it lacks as UNSUPPORTED.
#   test_readme_port.sh KALLOCSPEC SOURCE-DIR TMPDIR CC
set -u
ks=$1 src=$2 tmp=$3 cc=$4
rm -rf "$tmp" && mkdir -p "$tmp" || exit 2
sed -n '/^## Checking your own port/,/^## Layout/p' "$src/README.md" |
	sed -n '/^```c$/,/^```$/p' | sed '1d;$d' >"$tmp/myport_adapter.c"
[ -s "$tmp/myport_adapter.c" ] || { echo "FAIL: no C adapter in the README"; exit 1; }
cmd=$(sed -n '/^## Checking your own port/,/^## Layout/p' "$src/README.md" | grep '^cc -shared')
[ -n "$cmd" ] || { echo "FAIL: no build command in the README"; exit 1; }
# the README's command, run from the source tree, writing into the temp dir
(cd "$src" && eval "$(echo "$cmd" | sed "s|myport_adapter.c|$tmp/myport_adapter.c|; s|-o libmyport.so|-o $tmp/libmyport.so|; s|^cc |$cc |")") ||
	{ echo "FAIL: the README's adapter does not build"; exit 1; }
"$ks" check --port "$tmp/libmyport.so" --profile linux-6.12 --ops 300 >"$tmp/out" 2>"$tmp/err"
rc=$?
fails=0
[ "$rc" -le 1 ] || { echo "FAIL: check exited $rc"; cat "$tmp/err"; fails=1; }
for want in "PASS ZERO-1 " "PASS SIZE-5 " "UNSUPPORTED ALIGN-7 "; do
	grep -q "^$want" "$tmp/out" || { echo "FAIL: no '$want' line"; fails=1; }
done
[ "$fails" -eq 0 ] && echo "ok: the README's adapter builds and is checked as a port"
[ "$fails" -eq 0 ]
