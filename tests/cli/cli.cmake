# Tests of the kallocspec command, the port registry, the report writer and
# the minimiser.  Shell scripts get the binary and a scratch directory.
set(KAS_CLI_BIN $<TARGET_FILE:kallocspec-cli>)
set(KAS_CLI_TMP ${CMAKE_CURRENT_BINARY_DIR}/cli-tmp)
set(KAS_CLI_TESTS ${CMAKE_CURRENT_LIST_DIR})

kas_add_test(NAME cli_usage
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_usage.sh ${KAS_CLI_BIN} ${KAS_CLI_TMP}/usage)
kas_add_test(NAME cli_rules
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_rules.sh ${KAS_CLI_BIN} ${KAS_CLI_TMP}/rules)
kas_add_test(NAME cli_bad_input
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_bad_input.sh ${KAS_CLI_BIN}
          ${KAS_CLI_TESTS}/bad-input ${KAS_CLI_TMP}/bad-input)
kas_add_test(NAME cli_codec
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_codec.sh ${KAS_CLI_BIN} ${KAS_CLI_TMP}/codec)
kas_add_test(NAME cli_check_libc_naive
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_check_naive.sh ${KAS_CLI_BIN} libc-naive
          ${KAS_CLI_TMP}/check-naive)

# Broken loadable ports the registry must refuse.
add_library(kas-test-not-a-port MODULE ${KAS_CLI_TESTS}/test_cli_badport.c)
add_library(kas-test-old-abi MODULE ${KAS_CLI_TESTS}/test_cli_badport.c)
target_compile_definitions(kas-test-old-abi PRIVATE KAS_BADPORT_OLD_ABI=1)
add_library(kas-test-small-port MODULE ${KAS_CLI_TESTS}/test_cli_badport.c)
target_compile_definitions(kas-test-small-port PRIVATE KAS_BADPORT_SMALL=1)
add_library(kas-test-crashy-port MODULE ${KAS_CLI_TESTS}/test_cli_badport.c)
target_compile_definitions(kas-test-crashy-port PRIVATE KAS_BADPORT_CRASHY=1)
add_library(kas-test-ctor-crash-port MODULE ${KAS_CLI_TESTS}/test_cli_badport.c)
target_compile_definitions(kas-test-ctor-crash-port PRIVATE KAS_BADPORT_CTOR_CRASH=1)
add_library(kas-test-ctor-exit-port MODULE ${KAS_CLI_TESTS}/test_cli_badport.c)
target_compile_definitions(kas-test-ctor-exit-port PRIVATE KAS_BADPORT_CTOR_EXIT=1)
# A port that dies while being loaded is a CRASH of the port (exit 1), with
# a message; kallocspec itself survives it.
kas_add_test(NAME cli_port_dies_loading
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_load_crash.sh ${KAS_CLI_BIN}
          $<TARGET_FILE:kas-test-ctor-crash-port> $<TARGET_FILE:kas-test-ctor-exit-port>
          ${KAS_CLI_TMP}/load-crash)
kas_add_test(NAME cli_faults
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_faults.sh ${KAS_CLI_BIN}
          $<TARGET_FILE:kas-test-crashy-port> ${KAS_CLI_TMP}/faults)
kas_add_test(NAME cli_dlopen
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_dlopen.sh ${KAS_CLI_BIN}
          $<TARGET_FILE:kas-port-libc-naive> $<TARGET_FILE:kas-test-not-a-port>
          $<TARGET_FILE:kas-test-old-abi> $<TARGET_FILE:kas-test-small-port>
          ${KAS_CLI_TMP}/dlopen)
# The same end-to-end check with the port loaded from its module.
kas_add_test(NAME cli_check_libc_naive_module
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_check_naive.sh ${KAS_CLI_BIN}
          $<TARGET_FILE:kas-port-libc-naive> ${KAS_CLI_TMP}/check-naive-module)

add_executable(test_cli_minimize ${KAS_CLI_TESTS}/test_cli_minimize.c)
target_link_libraries(test_cli_minimize PRIVATE kallocspec_ports kallocspec)
kas_add_test(NAME cli_minimize COMMAND test_cli_minimize)

add_executable(test_cli_report ${KAS_CLI_TESTS}/test_cli_report.c)
target_link_libraries(test_cli_report PRIVATE kallocspec_ports kallocspec)
kas_add_test(NAME cli_report COMMAND test_cli_report ${KAS_CLI_TMP}/report)

# The reference port conforms under every profile (once it is built in).
if(TARGET kas_port_ref)
  foreach(profile ${KAS_PROFILES})
    kas_add_test(NAME cli_check_ref_${profile}
      COMMAND sh ${KAS_CLI_TESTS}/test_cli_check_ref.sh ${KAS_CLI_BIN} ${profile}
              ${KAS_CLI_TMP}/check-ref)
  endforeach()
endif()

# Time budget, progress on stderr, the machine size in counterexamples,
# replay --expect (issue 21).
kas_add_test(NAME cli_bounded
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_bounded.sh ${KAS_CLI_BIN} ${KAS_CLI_TMP}/bounded)

# The README's sample output is what the binary prints.
kas_add_test(NAME cli_readme_sample
  COMMAND sh ${KAS_CLI_TESTS}/test_readme_sample.sh ${KAS_CLI_BIN} ${KAS_SOURCE_DIR}/README.md
          ${KAS_CLI_TMP}/readme)
# The README's browser set-up for the HTML check, and what it says the check asserts.
kas_add_test(NAME cli_readme_browser
  COMMAND sh ${KAS_CLI_TESTS}/test_readme_browser.sh ${KAS_SOURCE_DIR})
kas_add_test(NAME cli_readme_layout
  COMMAND sh ${KAS_CLI_TESTS}/test_readme_layout.sh ${KAS_SOURCE_DIR})
# docs/rules.md is `kallocspec rules --format markdown`, regenerated with it.
kas_add_test(NAME cli_rules_doc_current
  COMMAND sh -c "\"$0\" rules --format markdown | diff -u \"$1\" - >/dev/null || { echo \"docs/rules.md is stale: run build/kallocspec rules --format markdown > docs/rules.md\"; exit 1; }"
          ${KAS_CLI_BIN} ${KAS_SOURCE_DIR}/docs/rules.md)
# Output paths: symlinks, FIFOs and devices stay what they are.
kas_add_test(NAME cli_output_paths
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_outputs.sh ${KAS_CLI_BIN} ${KAS_CLI_TMP}/outputs)
# The README's port adapter builds with its own command and is a port.
kas_add_test(NAME cli_readme_port
  COMMAND sh ${KAS_CLI_TESTS}/test_readme_port.sh ${KAS_CLI_BIN} ${KAS_SOURCE_DIR}
          ${KAS_CLI_TMP}/readme-port ${CMAKE_C_COMPILER})
# Nothing judged is not success; refusals are named by their caller rule.
kas_add_test(NAME cli_nothing_judged
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_nothing_judged.sh ${KAS_CLI_BIN}
          ${KAS_SOURCE_DIR}/corpora/caller ${KAS_CLI_TMP}/nothing-judged)
# A failing rule's message and counterexample come from the same call.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
kas_add_test(NAME cli_message_matches_counterexample
  COMMAND ${Python3_EXECUTABLE} ${KAS_CLI_TESTS}/message_matches_cex.py ${KAS_CLI_BIN} libc-naive
          ${KAS_CLI_TMP}/message-cex)

# A crash, hang or exit fails the rules its op exercises (cli/fault_rules.c).
kas_add_test(NAME cli_fault_fails_rules
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_fault_rules.sh ${KAS_CLI_BIN} ${CMAKE_C_COMPILER}
          ${KAS_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/fault-rules)

# Capabilities per function: a rule is judged on the functions a port has,
# and every UNSUPPORTED says what is missing.
kas_add_test(NAME cli_per_function_caps
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_per_function.sh ${KAS_CLI_BIN} ${CMAKE_C_COMPILER}
          ${KAS_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/per-function)

# Warnings a shim prints on stderr (KAS_CAP_WARN_STDERR) are the warn observation.
kas_add_test(NAME cli_warn_stderr
  COMMAND sh ${KAS_CLI_TESTS}/test_cli_warn_stderr.sh ${KAS_CLI_BIN} ${CMAKE_C_COMPILER}
          ${KAS_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/warn-stderr)
