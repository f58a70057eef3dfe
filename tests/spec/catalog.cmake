# Every rule is reachable from its ID: catalog fields, a witness, a mutant.
# And the catalog's files follow its categories.
find_package(Python3 COMPONENTS Interpreter QUIET)
if(Python3_Interpreter_FOUND AND TARGET kallocspec-cli)
  kas_add_test(NAME catalog_complete
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/catalog_complete.py
                   $<TARGET_FILE:kallocspec-cli> ${PROJECT_SOURCE_DIR})
  set_tests_properties(catalog_complete PROPERTIES LABELS spec TIMEOUT 60)
  # The catalog laid out by category, in catalog order (spec/rules.def).
  kas_add_test(NAME catalog_layout
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/catalog_layout.py
                   $<TARGET_FILE:kallocspec-cli> ${PROJECT_SOURCE_DIR})
  set_tests_properties(catalog_layout PROPERTIES LABELS spec TIMEOUT 60)
endif()
