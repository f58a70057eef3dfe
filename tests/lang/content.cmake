# Object content patterns (the lead's): fill, verify, zero scan, windows.
add_executable(test_content ${CMAKE_CURRENT_LIST_DIR}/test_content.c)
target_link_libraries(test_content PRIVATE kallocspec)
kas_add_test(NAME content COMMAND test_content)
