#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script.  Honours the standard variables:
#   $CC $CXX $CFLAGS $CXXFLAGS  compilers and flags (sanitizers, coverage)
#   $LIB_FUZZING_ENGINE         what the fuzz targets link (libFuzzer, AFL++ driver, ...)
#   $SRC                        where the source is ($SRC/kallocspec)
#   $OUT                        where the targets, dictionaries and seed zips go
#   $WORK                       scratch (the CMake build directory)
# Runs the same outside the builder image, e.g.:
#   CC=clang-14 CXX=clang++-14 CFLAGS="-O1 -g -fsanitize=address,undefined,fuzzer-no-link" \
#   CXXFLAGS="$CFLAGS" LIB_FUZZING_ENGINE=-fsanitize=fuzzer SRC=/path/to OUT=/tmp/out \
#   .clusterfuzzlite/build.sh
here=$(cd "$(dirname "$0")/.." && pwd)
src=${SRC:-$(dirname "$here")}/kallocspec
[ -f "$src/CMakeLists.txt" ] || src=$here
work=${WORK:-${OUT:?set OUT}/../work}
build=$work/kallocspec-build
mkdir -p "$OUT" "$build"

# $CC/$CFLAGS/$LIB_FUZZING_ENGINE reach CMake through the environment.
cmake -S "$src" -B "$build" -DKAS_FUZZ=libfuzzer -DKAS_BUILD_TESTS=OFF -DKAS_WERROR=OFF \
      -DCMAKE_BUILD_TYPE=
targets="ops overflow gfp trace_parser decoder"
cmake --build "$build" -j"$(nproc)" --target fuzz_seeds \
      $(for t in $targets; do printf 'fuzz_%s ' "$t"; done)

for t in $targets; do
  name=kallocspec_$t
  cp "$build/fuzz/fuzz_$t" "$OUT/$name"
  dict=""
  d=$t; [ "$t" = decoder ] && d=ops   # same bytes as ops, same dictionary
  if [ -f "$build/fuzz/$d.dict" ]; then dict=$build/fuzz/$d.dict
  elif [ -f "$src/fuzz/$d.dict" ]; then dict=$src/fuzz/$d.dict; fi
  if [ -n "$dict" ]; then
    cp "$dict" "$OUT/$name.dict"
    printf '[libfuzzer]\ndict = %s.dict\nmax_len = 1024\n' "$name" > "$OUT/$name.options"
  fi
  seeds=$build/fuzz/seeds/$t
  if [ -d "$seeds" ] && [ -n "$(ls -A "$seeds")" ]; then
    rm -f "$OUT/${name}_seed_corpus.zip"
    (cd "$seeds" && cmake -E tar cf "$OUT/${name}_seed_corpus.zip" --format=zip -- *)
  fi
done
echo "build.sh: $(ls "$OUT" | wc -l) files in $OUT"
