# The real Linux kernel as an oracle (issue 8).  The host tool is built
# from ports/linux-kernel (it must stay -Werror clean); the boot test runs only with
# -DKAS_KERNEL_TESTS=ON (it needs root, linux-headers, qemu and ~1 min).
option(KAS_KERNEL_TESTS "Boot the real kernel under QEMU in the test suite (label kernel)" OFF)
if(KAS_KERNEL_TESTS)
  kas_add_test(NAME kernel.oracle.witness
    COMMAND ${KAS_SOURCE_DIR}/ci/kernel-oracle --build ${CMAKE_BINARY_DIR}
            --out ${CMAKE_BINARY_DIR}/kernel-oracle-test --no-fuzz --expect-pass)
  set_tests_properties(kernel.oracle.witness PROPERTIES LABELS kernel TIMEOUT 600)
  kas_add_test(NAME kernel.oracle.vmalloc0_warning
    COMMAND ${KAS_SOURCE_DIR}/ci/kernel-oracle --build ${CMAKE_BINARY_DIR}
            --out ${CMAKE_BINARY_DIR}/kernel-oracle-warn --no-fuzz --boots 0
            --traces ${KAS_SOURCE_DIR}/ports/linux-kernel/tests/vmalloc0.ktrace
            --expect-warning "vmalloc0.ktrace:op 1")
  set_tests_properties(kernel.oracle.vmalloc0_warning PROPERTIES LABELS kernel TIMEOUT 300)
endif()
