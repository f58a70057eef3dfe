# CTest (cmake -P): the triage tool turns a fuzzer input that libc-naive
# fails into a minimised .ktrace that names its port and rule, that
# `kallocspec replay` reproduces on libc-naive, and that passes on ref.
#   TRIAGE  kas-fuzz-triage     CLI  kallocspec     INPUT  fuzzer input     TMP  scratch dir
file(REMOVE_RECURSE ${TMP})
file(MAKE_DIRECTORY ${TMP})
execute_process(COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
                ${TRIAGE} --port libc-naive --profile linux-latest ${INPUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT out MATCHES "FAIL ([A-Z]+-[0-9]+)")
  message(FATAL_ERROR "triage found no failing rule on libc-naive (rc ${rc}):\n${out}${err}")
endif()
set(rule ${CMAKE_MATCH_1})
execute_process(COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
                ${TRIAGE} --port libc-naive --profile linux-latest --minimize --rules ${rule}
                --out-dir ${TMP} --found-by ctest ${INPUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT out MATCHES "WROTE ${rule} ([^ \n]+) ops=([0-9]+)->([0-9]+)")
  message(FATAL_ERROR "no trace written for ${rule}:\n${out}${err}")
endif()
set(file ${CMAKE_MATCH_1})
if(CMAKE_MATCH_3 GREATER CMAKE_MATCH_2)
  message(FATAL_ERROR "the minimised trace is longer than the input")
endif()
file(READ ${file} text)
foreach(want "# port: libc-naive" "# rule: ${rule}" "\nprofile linux-latest")
  string(FIND "${text}" "${want}" at)
  if(at LESS 0)
    message(FATAL_ERROR "${file} lacks '${want}':\n${text}")
  endif()
endforeach()
execute_process(COMMAND ${CLI} replay --port libc-naive ${file}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT out MATCHES "FAIL ${rule}")
  message(FATAL_ERROR "replay on libc-naive does not reproduce ${rule} (rc ${rc}):\n${out}${err}")
endif()
execute_process(COMMAND ${CLI} replay --port ref ${file}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the finding fails on ref too (rc ${rc}):\n${out}${err}")
endif()
message(STATUS "${rule}: ${file}")
