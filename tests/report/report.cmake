# Reports of the gate (issue 9): the report document and JSON reader
# (C unit test), `kallocspec report` end to end in all five formats with
# JUnit schema and KTAP v1 validation, the KTAP checker itself, and the HTML
# page in headless Chromium (label browser; only when /usr/bin/chromium
# exists: `KAS_DEPS_EXTRA=browser ci/deps` installs it).
set(KAS_REPORT_TMP ${CMAKE_CURRENT_BINARY_DIR}/report-tmp)
set(KAS_REPORT_TESTS ${CMAKE_CURRENT_LIST_DIR})

add_executable(test_report_doc ${KAS_REPORT_TESTS}/test_report_doc.c)
target_link_libraries(test_report_doc PRIVATE kallocspec)
kas_add_test(NAME report_doc COMMAND test_report_doc ${KAS_REPORT_TMP})
set_tests_properties(report_doc PROPERTIES LABELS report)
file(MAKE_DIRECTORY ${KAS_REPORT_TMP})

kas_add_test(NAME report_formats
  COMMAND sh ${KAS_REPORT_TESTS}/test_report.sh $<TARGET_FILE:kallocspec-cli> ${KAS_REPORT_TESTS}
          ${KAS_REPORT_TMP}/formats)
set_tests_properties(report_formats PROPERTIES LABELS report TIMEOUT 120)

# The checker rejects what is not KTAP v1 (so its passes mean something).
foreach(bad "ok 1 a" "KTAP version 1\\nok 1 a" "KTAP version 1\\n1..2\\nok 1 a\\nok 3 b"
            "KTAP version 1\\n1..1\\nnot ok 1 a # SKIP why" "KTAP version 1\\n1..1\\nok 1 a # FROB"
            "KTAP version 1\\n1..2\\nok 1 a" "KTAP version 1\\n1..1\\nok 1 a\\nrandom text")
  string(MAKE_C_IDENTIFIER "${bad}" tag)
  string(SUBSTRING "${tag}" 0 40 tag)
  kas_add_test(NAME report_ktap_rejects_${tag}
    COMMAND sh -c "f=\"$1\"; printf \"$0\\\\n\" > \"$f\"; sh \"$2\" \"$f\" 2>/dev/null; test $? -eq 1"
            "${bad}" ${KAS_REPORT_TMP}/bad-${tag}.ktap ${KAS_REPORT_TESTS}/ktap_check.sh)
  set_tests_properties(report_ktap_rejects_${tag} PROPERTIES LABELS report)
endforeach()

if(EXISTS /usr/bin/chromium)
  kas_add_test(NAME report_browser
    COMMAND sh ${KAS_REPORT_TESTS}/test_report_browser.sh /usr/bin/chromium
            $<TARGET_FILE:kallocspec-cli> ${KAS_REPORT_TMP}/browser)
  set_tests_properties(report_browser PROPERTIES LABELS "report;browser" TIMEOUT 300)
endif()
