#!/bin/sh
# An out-of-tree port: install this build into a temporary prefix, write a
# tiny adapter + CMakeLists.txt that uses find_package(kallocspec) and
# kallocspec_add_port(), build it, and check it with the *installed* CLI.
# Then the pkg-config route: the same adapter compiled with
# `pkg-config --cflags kallocspec`, and a program linked with --libs.
# Then the port template (ports/template/) built the same way, and `props`
# and `fuzz` run from the install prefix, with no source tree to fall
# back on.
#   test_outoftree.sh CMAKE BUILD-DIR C-COMPILER TMPDIR SOURCE-DIR
set -u
cmake=$1 build=$2 cc=$3 tmp=$4 src=$5
rm -rf "$tmp"
mkdir -p "$tmp/myport"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
prefix=$tmp/prefix

"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; echo "FAIL: cmake --install"; exit 1; }
ks=$prefix/bin/kallocspec
corpus=$prefix/share/kallocspec/corpora/witness
[ -x "$ks" ] || fail "no installed kallocspec command"
[ -f "$prefix/include/kallocspec/port.h" ] || fail "no installed port.h"
ls "$corpus"/*.ktrace >/dev/null 2>&1 || fail "no installed witness corpus"
ls "$prefix"/lib*/kallocspec/ports/kas-port-libc-naive.so >/dev/null 2>&1 ||
	fail "built-in port modules not installed"

# The adapter: a malloc-based "port" that gets ZERO_SIZE_PTR and __GFP_ZERO
# right but not power-of-two alignment, and has no vmalloc (UNSUPPORTED).
cat >"$tmp/myport/myport.c" <<'SRC'
#include <kallocspec/port.h>
#include <stdlib.h>
#include <string.h>

/* ZERO_SIZE_PTR comes from port.h */

static int my_init(const struct kas_port_env *env) { (void)env; return 0; }
static void my_fini(void) { }
static void *my_kmalloc(size_t size, kas_gfp_t gfp)
{
	void *p;
	if (size == 0)
		return ZERO_SIZE_PTR;
	if (size > ((size_t)4 << 20))
		return NULL;
	p = malloc(size);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}
static void *my_kzalloc(size_t size, kas_gfp_t gfp) { return my_kmalloc(size, gfp | __GFP_ZERO); }
static void my_kfree(const void *p) { if (p != NULL && p != ZERO_SIZE_PTR) free((void *)p); }

const struct kas_port kas_port_myport = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "myport",
	.description = "out-of-tree test port",
	.caps = KAS_CAP_KMALLOC | KAS_CAP_VMALLOC,
	.init = my_init, .fini = my_fini,
	.kmalloc = my_kmalloc, .kzalloc = my_kzalloc, .kfree = my_kfree,
};
SRC
cat >"$tmp/myport/CMakeLists.txt" <<'SRC'
cmake_minimum_required(VERSION 3.20)
project(myport C)
find_package(kallocspec 0.1 REQUIRED)
kallocspec_add_port(NAME myport SOURCES myport.c)
# the package's other targets are usable too
add_executable(uses-core uses_core.c)
target_link_libraries(uses-core PRIVATE kallocspec::kallocspec)
SRC
cat >"$tmp/myport/uses_core.c" <<'SRC'
#include <kallocspec/profile.h>
#include <stdio.h>
int main(void)
{
	const struct kas_profile *p = kas_profile_find("linux-6.12");
	return p ? (puts("linux-6.12 found"), 0) : 1;
}
SRC

"$cmake" -S "$tmp/myport" -B "$tmp/myport/build" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_C_COMPILER="$cc" >"$tmp/configure.log" 2>&1 ||
	{ cat "$tmp/configure.log"; fail "out-of-tree configure"; }
"$cmake" --build "$tmp/myport/build" >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; fail "out-of-tree build"; }
so=$tmp/myport/build/kas-port-myport.so
[ -f "$so" ] || fail "no kas-port-myport.so"
"$tmp/myport/build/uses-core" >/dev/null || fail "program linked with kallocspec::kallocspec failed"

check() {   # check SO LABEL
	"$ks" check --port "$1" --profile linux-6.12 --ops 500 --corpus "$corpus" \
		>"$tmp/$2.out" 2>"$tmp/$2.err"
	rc=$?
	[ "$rc" -eq 1 ] || { fail "$2: check exited $rc, expected 1"; cat "$tmp/$2.err"; }
	grep -q "^port myport, profile linux-6.12: " "$tmp/$2.out" || fail "$2: port not named myport"
	grep -q "^FAIL ALIGN-2  " "$tmp/$2.out" || fail "$2: ALIGN-2 not FAIL"
	grep -q "^PASS ZERO-1  " "$tmp/$2.out" || fail "$2: ZERO-1 not PASS"
	grep -q "^UNSUPPORTED ALIGN-7  " "$tmp/$2.out" || fail "$2: ALIGN-7 (vmalloc) not UNSUPPORTED"
}
[ -f "$so" ] && check "$so" cmake

# Without --corpus the installed command uses the installed corpus (next to
# it), not the source tree it was built from: a trace only the installed
# corpus has must be counted.
ntraces() {   # ntraces [check args]: the trace count of `check --ops 0`
	env -u KALLOCSPEC_CORPUS "$ks" check --port "$so" --profile linux-6.12 --ops 0 "$@" 2>/dev/null |
		sed -n 's/^port myport, profile linux-6.12: \([0-9]*\) traces.*/\1/p'
}
if [ -f "$so" ]; then
	before=$(ntraces --corpus "$corpus")
	printf 'profile linux-6.12\na = kmalloc 24 GFP_KERNEL\nkfree a\n' >"$corpus/zz-installed-only.ktrace"
	after=$(ntraces --corpus "$corpus")
	default=$(ntraces)
	[ -n "$before" ] && [ "$after" = "$((before + 1))" ] ||
		fail "installed corpus: extra trace not counted ($before -> $after)"
	[ "$default" = "$after" ] ||
		fail "installed CLI's default corpus is not the installed one ($default traces, installed: $after)"
fi

# pkg-config route
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$(ls "$prefix"/lib*/pkgconfig/kallocspec.pc | head -n 1)")
cflags=$(pkg-config --cflags kallocspec) || fail "pkg-config --cflags"
libs=$(pkg-config --libs kallocspec) || fail "pkg-config --libs"
# the module's entry point, as port.h says to write it
printf '#include <kallocspec/port.h>\nextern const struct kas_port kas_port_myport;\nKAS_PORT_EXPORT(kas_port_myport)\n' \
	>"$tmp/myport/export.c"
# shellcheck disable=SC2086
"$cc" -shared -fPIC -fvisibility=hidden $cflags "$tmp/myport/myport.c" "$tmp/myport/export.c" \
	-o "$tmp/libmyport-pc.so" || fail "pkg-config: adapter does not compile"
# shellcheck disable=SC2086
"$cc" $cflags "$tmp/myport/uses_core.c" -o "$tmp/uses-core-pc" $libs ||
	fail "pkg-config: program does not link"
[ -x "$tmp/uses-core-pc" ] && { "$tmp/uses-core-pc" >/dev/null || fail "pkg-config program failed"; }
[ -f "$tmp/libmyport-pc.so" ] && check "$tmp/libmyport-pc.so" pkgconfig

# The port template, copied out of the tree and built against the prefix.
cp -r "$src/ports/template" "$tmp/template"
"$cmake" -S "$tmp/template" -B "$tmp/template/build" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_C_COMPILER="$cc" >"$tmp/template-configure.log" 2>&1 ||
	{ cat "$tmp/template-configure.log"; fail "template: configure"; }
"$cmake" --build "$tmp/template/build" >"$tmp/template-build.log" 2>&1 ||
	{ cat "$tmp/template-build.log"; fail "template: build"; }
tso=$tmp/template/build/kas-port-template.so
if [ -f "$tso" ]; then
	"$ks" check --port "$tso" --profile linux-6.12 --ops 500 --corpus "$corpus" \
		>"$tmp/template.out" 2>"$tmp/template.err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "template: check exited $rc, expected 1 (glibc breaks ALIGN-2)"
	for want in "PASS ZERO-1" "PASS REALLOC-8" "FAIL ALIGN-2" "UNSUPPORTED ALIGN-6"; do
		grep -q "^$want  " "$tmp/template.out" || fail "template: no '$want' line"
	done
else
	fail "no kas-port-template.so"
fi

# props and fuzz from the prefix, run from a scratch directory: the source
# tree's driver and build are out of reach (KAS_FUZZ_DRIVER, KAS_PROPS_BIN
# unset; the fuzz build goes to XDG_CACHE_HOME).
mkdir -p "$tmp/run"
if [ -x "$prefix/bin/kas-props" ]; then
	(cd "$tmp/run" && env -u KAS_PROPS_BIN "$ks" props --port "$tso" --only kmalloc \
		--cases 50 --seed 1 >"$tmp/props.out" 2>&1)
	rc=$?
	[ "$rc" -eq 1 ] || { cat "$tmp/props.out"; fail "props from the prefix exited $rc, expected 1"; }
	ls "$tmp/run/props-failures/"*.ktrace >/dev/null 2>&1 ||
		fail "props from the prefix wrote no failure trace into ./props-failures"
else
	echo "note: kas-props not installed (no librapidcheck-dev): props from the prefix not run"
fi
# (--flavour plain: CTest caps the test's data size, which ASan's shadow
# memory cannot live under)
if command -v clang-14 >/dev/null 2>&1; then
	(cd "$tmp/run" && env -u KAS_FUZZ_DRIVER XDG_CACHE_HOME="$tmp/cache" timeout 600 \
		"$ks" fuzz --port "$tso" --flavour plain --time 5 --out "$tmp/fuzz" >"$tmp/fuzz.out" 2>&1)
	rc=$?
	[ "$rc" -eq 1 ] || { tail -20 "$tmp/fuzz.out"; fail "fuzz from the prefix exited $rc, expected 1 (findings)"; }
	grep -q "configuring .* against the kallocspec in $prefix" "$tmp/fuzz.out" ||
		fail "fuzz did not build its targets against the installed package"
	ls "$tmp/fuzz/traces/"*.ktrace >/dev/null 2>&1 || fail "fuzz from the prefix kept no finding"
else
	# without the compiler it must say which package is missing
	(cd "$tmp/run" && env -u KAS_FUZZ_DRIVER XDG_CACHE_HOME="$tmp/cache" \
		"$ks" fuzz --port "$tso" --time 5 --out "$tmp/fuzz" >"$tmp/fuzz.out" 2>&1)
	rc=$?
	[ "$rc" -eq 2 ] && grep -q "apt-get install clang-14" "$tmp/fuzz.out" ||
		fail "fuzz without clang-14: exit $rc, $(cat "$tmp/fuzz.out")"
fi

[ "$fails" -eq 0 ] && echo "ok: out-of-tree port built with find_package and pkg-config, checked by the installed CLI"
[ "$fails" -eq 0 ]
