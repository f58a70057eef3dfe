# Determinism: two kas-props runs with the same arguments (and seed) write
# byte-identical counterexamples.
#   cmake -DPROPS=<kas-props> -DARGS=<;-list> -DOUT=<dir> -P same_output.cmake
file(REMOVE_RECURSE "${OUT}")
foreach(run a b)
  execute_process(COMMAND ${PROPS} ${ARGS} --out ${OUT}/${run}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 1)
    message(FATAL_ERROR "run ${run}: kas-props exited '${rc}', expected 1")
  endif()
  file(GLOB files_${run} RELATIVE "${OUT}/${run}" "${OUT}/${run}/*.ktrace")
endforeach()
if(NOT files_a OR NOT files_a STREQUAL files_b)
  message(FATAL_ERROR "different failure files: '${files_a}' vs '${files_b}'")
endif()
foreach(f ${files_a})
  file(READ "${OUT}/a/${f}" ta)
  file(READ "${OUT}/b/${f}" tb)
  if(NOT ta STREQUAL tb)
    message(FATAL_ERROR "${f} differs between runs with the same seed:\n${ta}\n---\n${tb}")
  endif()
endforeach()
message(STATUS "identical: ${files_a}")
