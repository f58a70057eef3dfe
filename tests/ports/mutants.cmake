# The mutant ports (ports/mutants/): ref with one planted bug each, built
# into every build.  Label: mutants.
#  - every mutant is registered: `kallocspec ports --mutants` lists
#    mut-<name> for each MUTANT() row of mutants.def;
#  - mutants_witness: every mutant fails the rules its row names on the
#    witnesses of those rules (or crashes/hangs where that is its outcome),
#    and ref passes the same traces (tests/ports/mutants_witness.py);
#  - with KAS_MUTANTS=ON only (long): ci/mutants --quick over the whole
#    catalogue, every lane but fuzz.  Its reports go to the build tree.
if(NOT TARGET kallocspec-cli OR NOT TARGET kas_port_mutants)
  return()
endif()
find_package(Python3 COMPONENTS Interpreter REQUIRED)

file(STRINGS ${KAS_SOURCE_DIR}/ports/mutants/mutants.def _kas_mut_rows REGEX "^MUTANT\\(")
list(LENGTH _kas_mut_rows _kas_mut_n)
kas_add_test(NAME mutants_registered
  COMMAND sh -c "n=$($<TARGET_FILE:kallocspec-cli> ports --mutants | grep -c '^mut-'); echo \"$n mutant ports\"; test \"$n\" -eq ${_kas_mut_n}")
set_tests_properties(mutants_registered PROPERTIES LABELS mutants)

# One mutant through the CLI end to end: kmalloc(0) == NULL must FAIL ZERO-1.
kas_add_test(NAME mutants_check_kmalloc0_null
  COMMAND sh -c "$<TARGET_FILE:kallocspec-cli> check --port mut-kmalloc0-null --ops 0 | grep '^FAIL ZERO-1'")
set_tests_properties(mutants_check_kmalloc0_null PROPERTIES LABELS mutants)

kas_add_test(NAME mutants_witness
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/mutants_witness.py
          $<TARGET_FILE:kallocspec-cli> ${KAS_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/mutants-witness)
set_tests_properties(mutants_witness PROPERTIES LABELS mutants TIMEOUT 1500)

# kas-props is defined after tests/ (props/), and only with rapidcheck
find_package(rapidcheck CONFIG QUIET)
if(rapidcheck_FOUND AND KAS_MUTANTS)
  kas_add_test(NAME mutants_quick
    COMMAND ${Python3_EXECUTABLE} ${KAS_SOURCE_DIR}/ci/mutants --quick --no-build --no-fuzz
            --build-dir ${CMAKE_BINARY_DIR} --out ${CMAKE_CURRENT_BINARY_DIR}/mutants-report)
  set_tests_properties(mutants_quick PROPERTIES LABELS mutants TIMEOUT 3600)
endif()
