#!/bin/sh
# Runs one CTest test under a memory cap, so that no test can exhaust the
# machine whatever a port under test hands out (tests/CMakeLists.txt adds it
# in front of every test's command).
#   capped.sh MIB plain|sanitizer COMMAND [ARG...]
# plain: RLIMIT_DATA (private memory: malloc, brk, anonymous maps) of MIB,
# inherited by every process the test starts.  sanitizer: the sanitizer's
# own hard_rss_limit_mb (a data limit would refuse ASan/TSan their shadow
# memory, which is terabytes of address space).
mib=$1 kind=$2
shift 2
case "$kind" in
  plain) ulimit -d $((mib * 1024)) || exit 2 ;;
  sanitizer)
    # at the cap an allocation returns NULL, as malloc does at a data limit
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=$mib:allocator_may_return_null=1"
    TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}hard_rss_limit_mb=$mib"
    UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}hard_rss_limit_mb=$mib"
    # tests that are slow or measure memory under a sanitizer scale down
    KAS_TEST_SANITIZED=1
    export ASAN_OPTIONS TSAN_OPTIONS UBSAN_OPTIONS KAS_TEST_SANITIZED ;;
  *) echo "capped.sh: unknown kind '$kind'" >&2; exit 2 ;;
esac
exec "$@"
