# Builds the seed corpora (cmake -P).  Inputs:
#   ENCODER     the kallocspec binary (`kallocspec encode`); empty = skip ops seeds
#   TRACES      "|"-separated .ktrace files (witness corpus + fuzz/seeds)
#   TEXT_SEEDS  fuzz/seeds (holds <target>/*.seed text inputs for gfp/overflow)
#   OUT         <build>/fuzz/seeds
# Produces OUT/ops/<name>.bin (encoded traces; also OUT/decoder/), OUT/trace_parser/<name>.ktrace,
# OUT/gfp/*, OUT/overflow/* and OUT/stamp.  A trace that does not encode (a
# handle not statically live) is skipped with a message, not an error.
string(REPLACE "|" ";" traces "${TRACES}")
foreach(d ops decoder trace_parser gfp overflow)
  file(REMOVE_RECURSE ${OUT}/${d})
  file(MAKE_DIRECTORY ${OUT}/${d})
endforeach()
set(encoded 0)
set(skipped 0)
foreach(tr ${traces})
  get_filename_component(stem ${tr} NAME_WE)
  get_filename_component(dir ${tr} DIRECTORY)
  get_filename_component(parent ${dir} NAME)
  set(name ${parent}-${stem})
  file(COPY_FILE ${tr} ${OUT}/trace_parser/${name}.ktrace)
  if(ENCODER)
    execute_process(
      COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
              ${ENCODER} encode ${tr} -o ${OUT}/ops/${name}.bin
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(rc EQUAL 0)
      math(EXPR encoded "${encoded} + 1")
      # the decoder target reads the same bytes as ops
      file(COPY_FILE ${OUT}/ops/${name}.bin ${OUT}/decoder/${name}.bin)
    else()
      file(REMOVE ${OUT}/ops/${name}.bin)
      math(EXPR skipped "${skipped} + 1")
      string(STRIP "${err}" err)
      message(STATUS "fuzz seeds: ${tr} not encoded: ${err}")
    endif()
  endif()
endforeach()
foreach(d gfp overflow)
  file(GLOB extra ${TEXT_SEEDS}/${d}/*.seed)
  foreach(s ${extra})
    get_filename_component(n ${s} NAME_WE)
    file(COPY_FILE ${s} ${OUT}/${d}/${n})
  endforeach()
endforeach()
if(NOT ENCODER)
  message(STATUS "fuzz seeds: no kallocspec binary; ops seeds not generated")
endif()
message(STATUS "fuzz seeds: ${encoded} traces encoded, ${skipped} skipped")
file(WRITE ${OUT}/stamp "${encoded} encoded\n")
