# Runs kas-props expecting a property failure, then checks the shrunk
# counterexample(s) it wrote: at most MAX_OPS ops each, and (optionally)
# that `kallocspec replay FILE --port REPLAY_PORT` fails on them too.
#
#   cmake -DPROPS=<kas-props> -DARGS=<;-list> -DOUT=<dir> -DMAX_OPS=<n>
#         [-DPATTERN=<glob>] [-DREPLAY=<kallocspec> -DREPLAY_PORT=<port>]
#         -P expect_failure.cmake
foreach(v PROPS ARGS OUT MAX_OPS)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "expect_failure.cmake: ${v} is not set")
  endif()
endforeach()
if(NOT DEFINED PATTERN)
  set(PATTERN "props-failure-*.ktrace")
endif()

file(REMOVE_RECURSE "${OUT}")
execute_process(COMMAND ${PROPS} ${ARGS} --out ${OUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "kas-props exited with '${rc}', expected 1 (a property fails)\n${out}\n${err}")
endif()

file(GLOB traces "${OUT}/${PATTERN}")
if(NOT traces)
  message(FATAL_ERROR "no ${PATTERN} written in ${OUT}\n${out}")
endif()
foreach(t ${traces})
  file(STRINGS "${t}" lines)
  set(nops 0)
  foreach(l IN LISTS lines)
    string(STRIP "${l}" l)
    if(l STREQUAL "" OR l MATCHES "^#" OR l MATCHES "^profile ")
      continue()
    endif()
    math(EXPR nops "${nops} + 1")
  endforeach()
  file(READ "${t}" text)
  if(nops EQUAL 0 OR nops GREATER MAX_OPS)
    message(FATAL_ERROR "${t}: ${nops} ops after shrinking, expected 1..${MAX_OPS}\n${text}")
  endif()
  message(STATUS "${t}: ${nops} op(s)\n${text}")
  if(DEFINED REPLAY AND EXISTS "${REPLAY}")
    execute_process(COMMAND ${REPLAY} replay ${t} --port ${REPLAY_PORT}
                    RESULT_VARIABLE rrc OUTPUT_VARIABLE rout ERROR_VARIABLE rerr)
    if(NOT rrc EQUAL 1)
      message(FATAL_ERROR "kallocspec replay ${t} --port ${REPLAY_PORT} exited '${rrc}', expected 1\n${rout}\n${rerr}")
    endif()
    message(STATUS "replay reproduces it:\n${rout}")
  endif()
endforeach()
