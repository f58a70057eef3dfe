# Zone, memcg and usercopy rules (ZONE-1..4, 7, 8, ACCOUNT-2/3, USERCOPY-1):
# broken variants of the reference port caught per rule, and the
# witnesses' contrasts hold on ref.
if(TARGET kas_port_ref)
  add_executable(test_zone_rules ${CMAKE_CURRENT_LIST_DIR}/test_zone_rules.c)
  target_link_libraries(test_zone_rules PRIVATE kallocspec_ports kallocspec)
  target_compile_definitions(test_zone_rules PRIVATE
    KAS_WITNESS_DIR="${KAS_SOURCE_DIR}/corpora/witness")
  kas_add_test(NAME zone_rules COMMAND test_zone_rules)
endif()
