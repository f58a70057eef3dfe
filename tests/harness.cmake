# Harness tests (the lead's): observations reach the spec; planted bugs are caught.
add_executable(test_harness ${CMAKE_CURRENT_SOURCE_DIR}/test_harness.c)
target_link_libraries(test_harness PRIVATE kallocspec)
add_test(NAME harness COMMAND test_harness)
