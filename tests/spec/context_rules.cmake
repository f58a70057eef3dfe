# SCOPE-3..7, CONTEXT-2..7 (issue 4): each witness passes on ref and a
# wrapper around ref with one deliberate mistake fails the rule.
if(TARGET kas_port_ref)
  add_executable(test_context_rules ${CMAKE_CURRENT_LIST_DIR}/test_context_rules.c)
  target_link_libraries(test_context_rules PRIVATE kallocspec_ports kallocspec)
  target_compile_definitions(test_context_rules PRIVATE
    KAS_WITNESS_DIR="${KAS_SOURCE_DIR}/corpora/witness")
  kas_add_test(NAME context_rules COMMAND test_context_rules)
endif()
