# Caller rules (spec/catalog/caller.def): every row has a trace in
# corpora/caller that breaks it, and the harness refuses that call naming
# the rule (SKIPPED CALLER-n: title) instead of running it.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
kas_add_test(NAME spec_caller_rules_named
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/caller_rules.py
          $<TARGET_FILE:kallocspec-cli> ${KAS_SOURCE_DIR}/corpora/caller)
set_tests_properties(spec_caller_rules_named PROPERTIES LABELS spec TIMEOUT 120)
