# Runs one command and checks how it ended (cmake -P), for CTest cases whose
# success is a crash or a failure with a given message.
#   CMD     the command, arguments separated by "|"
#   ENV     optional NAME=VALUE pairs separated by "|"
#   EXPECT  ok (exit 0) | fail (non-zero exit or a signal)
#   REGEX   optional: the combined output must match
#   NOREGEX optional: the combined output must not match
string(REPLACE "|" ";" cmd "${CMD}")
set(envcmd "")
if(ENV)
  string(REPLACE "|" ";" envlist "${ENV}")
  set(envcmd ${CMAKE_COMMAND} -E env ${envlist})
endif()
execute_process(COMMAND ${envcmd} ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(EXPECT STREQUAL "ok" AND NOT rc STREQUAL "0")
  message(FATAL_ERROR "expected success, got '${rc}':\n${all}")
endif()
if(EXPECT STREQUAL "fail" AND rc STREQUAL "0")
  message(FATAL_ERROR "expected a failure, got exit 0:\n${all}")
endif()
if(REGEX AND NOT all MATCHES "${REGEX}")
  message(FATAL_ERROR "output does not match '${REGEX}':\n${all}")
endif()
if(NOREGEX AND all MATCHES "${NOREGEX}")
  message(FATAL_ERROR "output matches '${NOREGEX}':\n${all}")
endif()
message(STATUS "ok (${rc})")
