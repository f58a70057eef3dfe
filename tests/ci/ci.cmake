# The CI scripts (ci/): ci/gate's exit status for bad usage and its --out.
kas_add_test(NAME ci_gate_usage
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/test_gate_usage.sh ${KAS_SOURCE_DIR} ${CMAKE_BINARY_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/gate-usage)
# gates of one port share <build>/gate-work/<port>: one at a time
set_tests_properties(ci_gate_usage PROPERTIES LABELS ci TIMEOUT 300 RESOURCE_LOCK gate_work)
kas_add_test(NAME ci_gate_valgrind_sizes
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/test_gate_valgrind.sh ${KAS_SOURCE_DIR}
          $<TARGET_FILE:kallocspec-cli> ${CMAKE_CURRENT_BINARY_DIR}/gate-valgrind)
set_tests_properties(ci_gate_valgrind_sizes PROPERTIES LABELS ci TIMEOUT 120)
kas_add_test(NAME ci_checkout_stays_clean
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/test_checkout_clean.sh ${KAS_SOURCE_DIR} ${CMAKE_BINARY_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/checkout-clean)
set_tests_properties(ci_checkout_stays_clean PROPERTIES LABELS ci TIMEOUT 300 RESOURCE_LOCK gate_work)
