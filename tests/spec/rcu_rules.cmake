# RCU-2/3, CACHE-3/4/6, FREE-3, KVMALLOC-5/7/8, SIZE-2: each rule's
# witness FAILs on a broken variant of the reference port and passes on ref.
if(TARGET kas_port_ref)
  add_executable(test_rcu_rules ${CMAKE_CURRENT_LIST_DIR}/test_rcu_rules.c)
  target_link_libraries(test_rcu_rules PRIVATE kallocspec_ports kallocspec)
  target_compile_definitions(test_rcu_rules PRIVATE
    KAS_WITNESS_DIR="${KAS_SOURCE_DIR}/corpora/witness")
  kas_add_test(NAME spec_rcu_rules COMMAND test_rcu_rules)
endif()
