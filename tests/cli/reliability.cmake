# Issue 12 "Reliability": hostile ports and hostile inputs.  The CLI must
# reach a verdict, exit with the documented status (docs/exit-codes.md) and
# leave either a whole JSON report or none at all.
set(KAS_REL_BIN $<TARGET_FILE:kallocspec-cli>)
set(KAS_REL_TMP ${CMAKE_CURRENT_BINARY_DIR}/reliability-tmp)
set(KAS_REL_SRC ${CMAKE_CURRENT_LIST_DIR})

# One module per act of sabotage (tests/cli/hostile/hostile_port.c).
foreach(kind SCRIBBLE OVERLAP EXIT CLOSE_STDOUT FORK FORK_DAEMON)
  string(TOLOWER ${kind} lower)
  string(REPLACE "_" "-" lower ${lower})
  add_library(kas-hostile-${lower} MODULE ${KAS_REL_SRC}/hostile/hostile_port.c)
  target_compile_definitions(kas-hostile-${lower} PRIVATE HOSTILE_${kind}=1)
endforeach()

kas_add_test(NAME reliability_hostile_ports
  COMMAND sh ${KAS_REL_SRC}/test_reliability_hostile.sh ${KAS_REL_BIN}
          $<TARGET_FILE_DIR:kas-hostile-scribble> ${KAS_REL_TMP}/hostile)
kas_add_test(NAME reliability_bad_input
  COMMAND sh ${KAS_REL_SRC}/test_reliability_input.sh ${KAS_REL_BIN}
          ${KAS_REL_SRC}/bad-input ${KAS_REL_TMP}/input)
kas_add_test(NAME reliability_report_write
  COMMAND sh ${KAS_REL_SRC}/test_reliability_report.sh ${KAS_REL_BIN}
          ${KAS_REL_TMP}/report)
set_tests_properties(reliability_hostile_ports reliability_bad_input reliability_report_write
  PROPERTIES LABELS reliability TIMEOUT 300)
# About 100 s on two idle cores, five times that on a loaded machine.  A
# parent that waited for the hour-long helper of the fork-daemon port
# (tests/cli/hostile) would still never finish inside the timeout.
set_tests_properties(reliability_hostile_ports PROPERTIES TIMEOUT 900)
