# Tests of the spec: catalog sanity, the model, checkers that can fail
# (the mutant ports), precheck/commit semantics, and the witness
# corpus run on the reference port.
set(KAS_SPEC_TEST_DEFS KAS_WITNESS_DIR="${KAS_SOURCE_DIR}/corpora/witness")

foreach(t catalog model check)
  add_executable(test_spec_${t} ${CMAKE_CURRENT_LIST_DIR}/test_spec_${t}.c)
  target_link_libraries(test_spec_${t} PRIVATE kallocspec)
  target_compile_definitions(test_spec_${t} PRIVATE ${KAS_SPEC_TEST_DEFS})
  kas_add_test(NAME spec_${t} COMMAND test_spec_${t})
endforeach()

# Checkers that can fail: short traces on the mutant ports (ports/mutants/).
if(TARGET kas_port_mutants)
  add_executable(test_spec_mutants ${CMAKE_CURRENT_LIST_DIR}/test_spec_mutants.c)
  target_link_libraries(test_spec_mutants PRIVATE kallocspec_ports kallocspec)
  kas_add_test(NAME spec_mutants COMMAND test_spec_mutants)
endif()

# The witnesses must pass on the reference port (when it is built).
if(TARGET kas_port_ref)
  add_executable(test_spec_witness ${CMAKE_CURRENT_LIST_DIR}/test_spec_witness.c)
  target_link_libraries(test_spec_witness PRIVATE kallocspec_ports kallocspec)
  target_compile_definitions(test_spec_witness PRIVATE ${KAS_SPEC_TEST_DEFS})
  kas_add_test(NAME spec_witness COMMAND test_spec_witness)
endif()

# World rules (H11): broken toy ports caught per rule, the reclaim-modes
# witness differs per mode on ref.
if(TARGET kas_port_ref)
  add_executable(test_spec_world ${CMAKE_CURRENT_LIST_DIR}/test_spec_world.c)
  target_link_libraries(test_spec_world PRIVATE kallocspec_ports kallocspec)
  target_compile_definitions(test_spec_world PRIVATE ${KAS_SPEC_TEST_DEFS})
  kas_add_test(NAME spec_world COMMAND test_spec_world)
endif()

# Every rule's needs (KAS_RULE_NEEDS) restate its checker's early exits:
# with KAS_SPEC_VERIFY_FACTS the passed-over checkers run anyway.
set(_kas_facts_ports ref libc-naive malloc-passthrough)
foreach(_p linux-tools-shim btrfs-kerncompat)
  string(REPLACE "-" "_" _c ${_p})
  if(TARGET kas_port_${_c})
    list(APPEND _kas_facts_ports ${_p})
  endif()
endforeach()
kas_add_test(NAME spec_facts_hide_nothing
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/test_spec_facts.sh $<TARGET_FILE:kallocspec-cli>
          ${CMAKE_CURRENT_BINARY_DIR}/spec-facts ${_kas_facts_ports})
set_tests_properties(spec_facts_hide_nothing PROPERTIES LABELS spec TIMEOUT 600)
