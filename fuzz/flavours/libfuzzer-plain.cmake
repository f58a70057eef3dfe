# Initial cache for a libFuzzer build without sanitizers
# (cmake -C fuzz/flavours/libfuzzer-plain.cmake; kallocspec fuzz --flavour
# plain): clang-14 -O2 with coverage instrumentation of every library.  A
# malloc-backed port then runs on its real allocator (ASan's would fill new
# memory and hide missing zeroing), and the target runs at full speed.
# $CC / $CFLAGS / $LIB_FUZZING_ENGINE from the environment win (OSS-Fuzz).
if(DEFINED ENV{CC})
  set(CMAKE_C_COMPILER "$ENV{CC}" CACHE STRING "")
else()
  set(CMAKE_C_COMPILER clang-14 CACHE STRING "")
endif()
if(DEFINED ENV{CXX})
  set(CMAKE_CXX_COMPILER "$ENV{CXX}" CACHE STRING "")
else()
  set(CMAKE_CXX_COMPILER clang++-14 CACHE STRING "")
endif()
get_filename_component(_kas_fuzz_dir "${CMAKE_CURRENT_LIST_DIR}" DIRECTORY)
set(_kas_flags "-g -O2 -fsanitize=fuzzer-no-link -fsanitize-coverage-ignorelist=${_kas_fuzz_dir}/coverage-ignore.txt")
if(NOT DEFINED ENV{CFLAGS})
  set(CMAKE_C_FLAGS "${_kas_flags}" CACHE STRING "")
endif()
if(NOT DEFINED ENV{CXXFLAGS})
  set(CMAKE_CXX_FLAGS "${_kas_flags}" CACHE STRING "")
endif()
set(CMAKE_BUILD_TYPE "" CACHE STRING "")
set(KAS_FUZZ libfuzzer CACHE STRING "")
set(KAS_BUILD_TESTS OFF CACHE BOOL "")
set(KAS_WERROR OFF CACHE BOOL "")
