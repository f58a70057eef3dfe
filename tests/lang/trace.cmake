# Trace library tests: text parser/printer, binary codec, GFP/SLAB names.
foreach(t test_trace_parse test_trace_codec test_gfp)
  add_executable(${t} ${CMAKE_CURRENT_LIST_DIR}/${t}.c)
  target_link_libraries(${t} PRIVATE kallocspec)
  kas_add_test(NAME ${t} COMMAND ${t})
endforeach()
set_tests_properties(test_trace_codec PROPERTIES TIMEOUT 600)
