# Initial cache for a libFuzzer build without sanitizers
# (cmake -C fuzz/flavours/libfuzzer-plain.cmake; kallocspec fuzz --flavour
# plain): clang-14 -O2 with coverage instrumentation of every library.  A
# malloc-backed port then runs on its real allocator (ASan's would fill new
# memory and hide missing zeroing), and the target runs at full speed.
set(_kas_fuzz_plain ON)
include(${CMAKE_CURRENT_LIST_DIR}/libfuzzer.cmake)
