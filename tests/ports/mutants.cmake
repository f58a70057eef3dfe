# Mutation self-test (ports/mutants/, ci/mutants).  Label: mutants.
# Only with KAS_MUTANTS=ON (the mutant ports are built then).
#  - every mutant is registered: `kallocspec ports` lists mut-<name> for each
#    MUTANT() row of mutants.def, and the normal ref stays first;
#  - ci/mutants --quick (one seed, short budgets) over the whole catalogue
#    in this build: exits 0 only when every mutant is killed.  Its reports
#    go to the build tree, not to reports/.
if(NOT KAS_MUTANTS OR NOT TARGET kallocspec-cli)
  return()
endif()
find_package(Python3 COMPONENTS Interpreter QUIET)

file(STRINGS ${KAS_SOURCE_DIR}/ports/mutants/mutants.def _kas_mut_rows REGEX "^MUTANT\\(")
list(LENGTH _kas_mut_rows _kas_mut_n)
kas_add_test(NAME mutants_registered
  COMMAND sh -c "n=$($<TARGET_FILE:kallocspec-cli> ports | grep -c '^mut-'); echo \"$n mutant ports\"; test \"$n\" -eq ${_kas_mut_n}")
set_tests_properties(mutants_registered PROPERTIES LABELS mutants)

# One mutant through the CLI end to end: kmalloc(0) == NULL must FAIL ZERO-1.
kas_add_test(NAME mutants_check_kmalloc0_null
  COMMAND sh -c "$<TARGET_FILE:kallocspec-cli> check --port mut-kmalloc0-null --ops 0 | grep '^FAIL ZERO-1'")
set_tests_properties(mutants_check_kmalloc0_null PROPERTIES LABELS mutants)

# kas-props is defined after tests/ (props/), and only with rapidcheck
find_package(rapidcheck CONFIG QUIET)
if(Python3_Interpreter_FOUND AND rapidcheck_FOUND)
  kas_add_test(NAME mutants_quick
    COMMAND ${Python3_EXECUTABLE} ${KAS_SOURCE_DIR}/ci/mutants --quick --no-build --no-fuzz
            --build-dir ${CMAKE_BINARY_DIR} --out ${CMAKE_CURRENT_BINARY_DIR}/mutants-report)
  set_tests_properties(mutants_quick PROPERTIES LABELS mutants TIMEOUT 3600)
endif()
