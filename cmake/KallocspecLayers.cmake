# The library's layers, lowest first: lang (the trace language), spec (rules
# and checkers), run (the harness and everything that runs a port), report
# (documents and their writers).  Each layer is an OBJECT library in the
# folder of its name; `kallocspec`, which tools, tests and installed users
# link, is all of them in one archive.
#
# The linker keeps the order: for every layer a shared object made of the
# layer and the layers below it is linked with --no-undefined, so a call
# from a layer to one above it is a build error naming the symbol.  The
# check needs a plain build (a sanitizer or coverage runtime leaves its own
# symbols undefined in a shared object); KAS_LAYER_CHECK is off there.
set(_kas_layer_check_default ON)
if(KAS_SANITIZE OR CMAKE_C_FLAGS MATCHES "-fsanitize")
  set(_kas_layer_check_default OFF)
endif()
option(KAS_LAYER_CHECK "Link each library layer alone with --no-undefined" ${_kas_layer_check_default})

# What the layers link from outside (imported here, at the top, so every
# directory sees the targets): threads for concurrent_kmalloc, json-c for
# reading JSON documents.
find_package(Threads REQUIRED)
find_package(json-c CONFIG REQUIRED)

# kas_add_layer(<name> SOURCES <files...> [BELOW <layers it may use...>])
function(kas_add_layer name)
  cmake_parse_arguments(L "" "" "SOURCES;BELOW" ${ARGN})
  add_library(kas_layer_${name} OBJECT ${L_SOURCES})
  target_include_directories(kas_layer_${name} PUBLIC ${KAS_SOURCE_DIR}/include)
  set_property(GLOBAL APPEND PROPERTY KAS_LAYERS ${name})
  set_property(GLOBAL PROPERTY KAS_LAYER_BELOW_${name} ${L_BELOW})
endfunction()

# kas_layer_link(<name> <libraries...>): what a layer needs from outside
# the project; the library and the link checks link them too.
function(kas_layer_link name)
  target_link_libraries(kas_layer_${name} PUBLIC ${ARGN})
  set_property(GLOBAL APPEND PROPERTY KAS_LAYER_LIBS_${name} ${ARGN})
endfunction()

# The libraries a layer and the layers below it link.
function(kas_layer_libs out name)
  get_property(below GLOBAL PROPERTY KAS_LAYER_BELOW_${name})
  set(libs)
  foreach(l ${name} ${below})
    get_property(x GLOBAL PROPERTY KAS_LAYER_LIBS_${l})
    list(APPEND libs ${x})
  endforeach()
  list(REMOVE_DUPLICATES libs)
  set(${out} ${libs} PARENT_SCOPE)
endfunction()

# The objects of a layer and of every layer it may use, for link lines.
function(kas_layer_objects out name)
  get_property(below GLOBAL PROPERTY KAS_LAYER_BELOW_${name})
  set(objs $<TARGET_OBJECTS:kas_layer_${name}>)
  foreach(b ${below})
    list(APPEND objs $<TARGET_OBJECTS:kas_layer_${b}>)
  endforeach()
  set(${out} ${objs} PARENT_SCOPE)
endfunction()

# After every layer's folder: the library and the link checks.
function(kas_finish_layers)
  get_property(layers GLOBAL PROPERTY KAS_LAYERS)
  set(all)
  set(libs)
  foreach(l ${layers})
    list(APPEND all $<TARGET_OBJECTS:kas_layer_${l}>)
    get_property(x GLOBAL PROPERTY KAS_LAYER_LIBS_${l})
    list(APPEND libs ${x})
  endforeach()
  list(REMOVE_DUPLICATES libs)
  add_library(kallocspec STATIC ${all})
  target_include_directories(kallocspec PUBLIC ${KAS_SOURCE_DIR}/include)
  target_link_libraries(kallocspec PUBLIC ${libs})
  if(KAS_LAYER_CHECK)
    foreach(l ${layers})
      kas_layer_objects(objs ${l})
      add_library(kas_layer_check_${l} SHARED ${objs})
      target_link_options(kas_layer_check_${l} PRIVATE -Wl,--no-undefined)
      kas_layer_libs(libs_${l} ${l})
      target_link_libraries(kas_layer_check_${l} PRIVATE ${libs_${l}})
    endforeach()
  endif()
endfunction()
