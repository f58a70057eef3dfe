# Fuzzing (fuzz/): the targets replayed on their seed corpora, the triage
# path from fuzzer input to replayable .ktrace, and the regression corpus
# corpora/regress/ replayed on the port each file names and on ref.
if(KAS_FUZZ STREQUAL "off")
  return()
endif()
set(_fz ${CMAKE_BINARY_DIR}/fuzz)
set(_fz_run ${KAS_SOURCE_DIR}/fuzz/cmake/run_expect.cmake)

# Seeds on the default port (ref): no target may report anything.
foreach(t ops overflow gfp trace_parser decoder)
  kas_add_test(NAME fuzz_seeds_${t}
           COMMAND ${CMAKE_COMMAND} -DCMD=$<TARGET_FILE:fuzz_${t}_replay>|${_fz}/seeds/${t}
                   -DENV=KAS_FUZZ_PORT=ref -DEXPECT=ok -DNOREGEX=KAS-FUZZ-FAIL -P ${_fz_run})
endforeach()

# The same seeds through the ops target on libc-naive must abort with a rule.
kas_add_test(NAME fuzz_ops_finds_libc_naive
         COMMAND ${CMAKE_COMMAND} -DCMD=$<TARGET_FILE:fuzz_ops_replay>|${_fz}/seeds/ops
                 -DENV=KAS_FUZZ_PORT=libc-naive -DEXPECT=fail
                 "-DREGEX=KAS-FUZZ-FAIL [A-Z]+-[0-9]+ port=libc-naive" -P ${_fz_run})

# KAS_FUZZ_ONLY naming no rule silences every finding (the filter the
# campaign uses while minimising one rule).
kas_add_test(NAME fuzz_ops_only_filter
         COMMAND ${CMAKE_COMMAND} -DCMD=$<TARGET_FILE:fuzz_ops_replay>|${_fz}/seeds/ops/seeds-kmalloc-basic.bin
                 "-DENV=KAS_FUZZ_PORT=libc-naive|KAS_FUZZ_ONLY=NO-SUCH-RULE" -DEXPECT=ok
                 -DNOREGEX=KAS-FUZZ-FAIL -P ${_fz_run})

# Fuzzer input -> minimised .ktrace -> `kallocspec replay` reproduces it.
kas_add_test(NAME fuzz_triage_to_ktrace
         COMMAND ${CMAKE_COMMAND} -DTRIAGE=$<TARGET_FILE:kas-fuzz-triage>
                 -DCLI=$<TARGET_FILE:kallocspec-cli>
                 -DINPUT=${_fz}/seeds/ops/seeds-kmalloc-basic.bin
                 -DTMP=${CMAKE_CURRENT_BINARY_DIR}/fuzz-triage
                 -P ${KAS_SOURCE_DIR}/fuzz/cmake/test_triage.cmake)

# The campaign driver parses its options and draws a plot.
find_program(KAS_PYTHON3 NAMES python3)
if(KAS_PYTHON3)
  kas_add_test(NAME fuzz_driver_help COMMAND ${KAS_PYTHON3} ${KAS_SOURCE_DIR}/fuzz/kas-fuzz --help)
  set_tests_properties(fuzz_driver_help PROPERTIES PASS_REGULAR_EXPRESSION "--engine")
  kas_add_test(NAME fuzz_plot_svg
           COMMAND ${KAS_PYTHON3} -c "import sys; sys.path.insert(0, '${KAS_SOURCE_DIR}/fuzz'); import kas_fuzz_plot as p; p.write_svg('${CMAKE_CURRENT_BINARY_DIR}/fuzz-plot.svg', [(0,0,10,0.0),(1,500,20,500.0),(2,1500,25,1000.0)], 'test'); t=open('${CMAKE_CURRENT_BINARY_DIR}/fuzz-plot.svg').read(); assert t.count('<polyline') == 2 and t.rstrip().endswith('</svg>'), t")
endif()

# Regression corpus: every finding replays on ref without a failure, and
# on the port it was found on it still shows its rule.
file(GLOB _fz_regress CONFIGURE_DEPENDS ${KAS_SOURCE_DIR}/corpora/regress/*.ktrace)
foreach(f ${_fz_regress})
  get_filename_component(name ${f} NAME_WE)
  file(STRINGS ${f} _fz_meta REGEX "^# (port|rule):")
  set(port "")
  set(rule "")
  foreach(m ${_fz_meta})
    if(m MATCHES "^# port: *([^ ]+)")
      set(port ${CMAKE_MATCH_1})
    elseif(m MATCHES "^# rule: *([^ ]+)")
      set(rule ${CMAKE_MATCH_1})
    endif()
  endforeach()
  kas_add_test(NAME fuzz_regress_${name}_ref COMMAND kallocspec-cli replay --port ref ${f})
  set_tests_properties(fuzz_regress_${name}_ref PROPERTIES TIMEOUT 60)
  if(port AND NOT port STREQUAL "ref" AND rule MATCHES "^[A-Z]+-[0-9]+$")
    kas_add_test(NAME fuzz_regress_${name}_${port} COMMAND kallocspec-cli replay --port ${port} ${f})
    set_tests_properties(fuzz_regress_${name}_${port} PROPERTIES
      PASS_REGULAR_EXPRESSION "FAIL ${rule} " TIMEOUT 60)
  endif()
endforeach()

# Campaigns from an install of this build: AFL++'s live execution counts,
# the end time, findings named by whole rule IDs; libFuzzer's crash findings
# shrunk to the crashing op (exit 77: afl++ missing).
kas_add_test(NAME fuzz_campaign_from_prefix
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/test_campaign.sh ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/fuzz-campaign)
set_tests_properties(fuzz_campaign_from_prefix PROPERTIES TIMEOUT 900 SKIP_RETURN_CODE 77)
