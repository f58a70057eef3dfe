# Harness tests: observations reach the spec; the mutant ports' planted bugs are caught.
add_executable(test_harness ${CMAKE_CURRENT_LIST_DIR}/test_harness.c)
target_link_libraries(test_harness PRIVATE kallocspec_ports kallocspec)
kas_add_test(NAME harness COMMAND test_harness)

# concurrent_kmalloc: thread-safe, shared-buffer and scribbling ports, and ref.
add_executable(test_concurrent ${CMAKE_CURRENT_LIST_DIR}/test_concurrent.c)
target_link_libraries(test_concurrent PRIVATE kallocspec kallocspec_ports kas_port_ref kas_refalloc)
kas_add_test(NAME harness_concurrent COMMAND test_concurrent)
