# Tests of the third-party ports (built from Debian packages when present:
# KAS_DEPS_EXTRA=ports ci/deps) and of the out-of-tree port route
# (cmake --install + find_package(kallocspec) / pkg-config).
set(KAS_PORTS_TMP ${CMAKE_CURRENT_BINARY_DIR}/ports-tmp)
set(KAS_PORTS_TESTS ${CMAKE_CURRENT_LIST_DIR})
set(KAS_PORTS_REPORTS ${KAS_SOURCE_DIR}/reports/ports)

# check exits 1 and reports these rules with replayable counterexamples;
# the known crash is reported as CRASH with its one-line trace.
if(TARGET kas_port_linux_tools_shim)
  foreach(how name module)
    if(how STREQUAL "name")
      set(_port linux-tools-shim)
    else()
      set(_port $<TARGET_FILE:kas-port-linux-tools-shim>)
    endif()
    kas_add_test(NAME ports_check_linux_tools_shim_${how}
      COMMAND sh ${KAS_PORTS_TESTS}/test_ports_check.sh $<TARGET_FILE:kallocspec-cli> ${_port}
              ${KAS_PORTS_TMP}/lts-${how} "ZERO-1 ALIGN-2 ALIGN-5 SIZE-5" "kfree ZERO_SIZE_PTR")
  endforeach()
  # port-specific findings the random phase may miss: a traced ZERO-4 failure
  kas_add_test(NAME ports_replay_linux_tools_shim_zero4
    COMMAND sh -c "\"$0\" replay \"$1\" --port linux-tools-shim > \"$2\"; rc=$?; cat \"$2\"; \
                   [ $rc -eq 1 ] && grep -q 'FAIL ZERO-4  ' \"$2\""
            $<TARGET_FILE:kallocspec-cli>
            ${KAS_PORTS_REPORTS}/linux-tools-shim/traces/ZERO-4-recycled.ktrace
            ${CMAKE_CURRENT_BINARY_DIR}/ports-zero4.out)
  # ASan-only: the shim's free list writes past an 8-byte object.
  if(KAS_SANITIZE)
    kas_add_test(NAME ports_replay_linux_tools_shim_asan_tiny_cache
      COMMAND sh -c "\"$0\" replay \"$1\" --port linux-tools-shim > \"$2\" 2>/dev/null; rc=$?; \
                     cat \"$2\"; [ $rc -eq 1 ] && grep -q 'CRASH .*kmem_cache_free c a' \"$2\""
              $<TARGET_FILE:kallocspec-cli>
              ${KAS_PORTS_REPORTS}/linux-tools-shim/traces/ASAN-tiny-cache.ktrace
              ${CMAKE_CURRENT_BINARY_DIR}/ports-tiny.out)
  endif()
endif()
if(TARGET kas_port_btrfs_kerncompat)
  kas_add_test(NAME ports_check_btrfs_kerncompat
    COMMAND sh ${KAS_PORTS_TESTS}/test_ports_check.sh $<TARGET_FILE:kallocspec-cli> btrfs-kerncompat
            ${KAS_PORTS_TMP}/btrfs "ZERO-1 ALIGN-2 ALIGN-7 ZERO-4 ZERO-6 SIZE-5" "kfree ZERO_SIZE_PTR")
endif()

# Out-of-tree port against an install of this build (find_package + pkg-config),
# the port template, and props and fuzz run from the install prefix.
kas_add_test(NAME ports_outoftree
  COMMAND sh ${KAS_PORTS_TESTS}/test_outoftree.sh ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR}
          ${CMAKE_C_COMPILER} ${KAS_PORTS_TMP}/outoftree ${KAS_SOURCE_DIR})
set_tests_properties(ports_outoftree PROPERTIES TIMEOUT 900)

# A port that forwards every size to malloc: check stays within the machine
# size, with and without --mem, and 16 GiB objects cost a bounded sample.
kas_add_test(NAME ports_check_malloc_passthrough
  COMMAND sh ${KAS_PORTS_TESTS}/test_ports_passthrough.sh $<TARGET_FILE:kallocspec-cli>
          ${KAS_PORTS_TESTS} ${KAS_PORTS_TMP}/passthrough)
# three checks of a port whose every 2 GiB request reaches the allocator:
# minutes under ASan, whose allocator poisons the shadow of each
set_tests_properties(ports_check_malloc_passthrough PROPERTIES TIMEOUT 900)

# Under ASan a huge malloc aborts unless the allocator may return NULL, as
# glibc's does; leaks of the ports' never-destroyed caches are not findings.
if(KAS_SANITIZE)
  get_property(_kas_ports_tests DIRECTORY PROPERTY TESTS)
  foreach(t ${_kas_ports_tests})
    if(t MATCHES "^ports_")
      set_tests_properties(${t} PROPERTIES
        ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1")
    endif()
  endforeach()
endif()

