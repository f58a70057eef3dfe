# Install rules: headers, the core library, the kallocspec command, the
# built-in port modules, the witness corpus, a CMake package
# (find_package(kallocspec): kallocspec::kallocspec, kallocspec::headers,
# kallocspec_add_port) and kallocspec.pc.  Everything is relocatable:
# `cmake --install build --prefix /any/where` works.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KAS_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/kallocspec)
set(KAS_INSTALL_PORTSDIR ${CMAKE_INSTALL_LIBDIR}/kallocspec/ports)
set(KAS_INSTALL_CORPUSDIR ${CMAKE_INSTALL_DATADIR}/kallocspec/corpora/witness)

# The installed command defaults to the installed corpus, found relative to
# its own bin/ folder so the install relocates (cli/cmd_check.c).
if(TARGET kallocspec-cli)
  if(IS_ABSOLUTE "${KAS_INSTALL_CORPUSDIR}")
    set(_kas_corpus_rel "${KAS_INSTALL_CORPUSDIR}")
  else()
    file(RELATIVE_PATH _kas_corpus_rel /kas-prefix/${CMAKE_INSTALL_BINDIR}
         /kas-prefix/${KAS_INSTALL_CORPUSDIR})
  endif()
  target_compile_definitions(kallocspec-cli PRIVATE KAS_CORPUS_FROM_BINDIR="${_kas_corpus_rel}")
endif()

# The layers give the library its include path as a source-tree path, which an
# exported target may not carry: the same path at build time, the installed
# one for users of the package.
set_property(TARGET kallocspec PROPERTY INTERFACE_INCLUDE_DIRECTORIES
  "$<BUILD_INTERFACE:${KAS_SOURCE_DIR}/include>;$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")

# A sanitizer build's library needs the sanitizer runtimes wherever it is linked.
set(KAS_PC_LIBS_EXTRA "")
if(KAS_SANITIZE)
  set_property(TARGET kallocspec APPEND PROPERTY INTERFACE_LINK_OPTIONS
    "$<INSTALL_INTERFACE:-fsanitize=address,undefined>")
  set(KAS_PC_LIBS_EXTRA " -fsanitize=address,undefined")
endif()

install(DIRECTORY ${KAS_SOURCE_DIR}/include/kallocspec DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS kallocspec kallocspec_headers EXPORT kallocspecTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT kallocspecTargets NAMESPACE kallocspec:: DESTINATION ${KAS_INSTALL_CMAKEDIR})

if(TARGET kallocspec-cli)
  install(TARGETS kallocspec-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
# `kallocspec props` runs the kas-props next to it (built with rapidcheck)
if(TARGET kas-props)
  install(TARGETS kas-props RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
get_property(_kas_port_names GLOBAL PROPERTY KAS_BUILTIN_PORT_NAMES)
foreach(n ${_kas_port_names})
  string(REPLACE "_" "-" _mod kas-port-${n})
  if(TARGET ${_mod})
    install(TARGETS ${_mod} LIBRARY DESTINATION ${KAS_INSTALL_PORTSDIR})
  endif()
endforeach()
install(DIRECTORY ${KAS_SOURCE_DIR}/corpora/witness/ DESTINATION ${KAS_INSTALL_CORPUSDIR}
  FILES_MATCHING PATTERN "*.ktrace")

# The fuzz kit: `kallocspec fuzz` from an install prefix builds the fuzz
# targets from share/kallocspec/fuzz/src against this package
# (fuzz/installed/CMakeLists.txt) and runs the campaign driver installed here.
if(TARGET fuzz_seeds)
  set(_kas_fuzz_kit ${CMAKE_INSTALL_DATADIR}/kallocspec/fuzz)
  install(PROGRAMS ${KAS_SOURCE_DIR}/fuzz/kas-fuzz DESTINATION ${_kas_fuzz_kit})
  install(FILES ${KAS_SOURCE_DIR}/fuzz/kas_fuzz_plot.py ${KAS_SOURCE_DIR}/fuzz/gfp.dict
                ${KAS_SOURCE_DIR}/fuzz/trace_parser.dict ${CMAKE_BINARY_DIR}/fuzz/ops.dict
          DESTINATION ${_kas_fuzz_kit})
  install(DIRECTORY ${CMAKE_BINARY_DIR}/fuzz/seeds/ DESTINATION ${_kas_fuzz_kit}/seeds
          PATTERN stamp EXCLUDE)
  file(GLOB _kas_fuzz_srcs ${KAS_SOURCE_DIR}/fuzz/fuzz_*.c ${KAS_SOURCE_DIR}/fuzz/fuzz_common.h)
  install(FILES ${_kas_fuzz_srcs} ${KAS_SOURCE_DIR}/fuzz/replay_main.c
                ${KAS_SOURCE_DIR}/fuzz/triage_main.c ${KAS_SOURCE_DIR}/ports/registry.c
                ${KAS_SOURCE_DIR}/fuzz/installed/CMakeLists.txt
          DESTINATION ${_kas_fuzz_kit}/src)
endif()

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/kallocspecConfig.cmake.in
  ${CMAKE_BINARY_DIR}/pkg/kallocspecConfig.cmake
  INSTALL_DESTINATION ${KAS_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR KAS_INSTALL_PORTSDIR KAS_INSTALL_CORPUSDIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/pkg/kallocspecConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/pkg/kallocspecConfig.cmake
              ${CMAKE_BINARY_DIR}/pkg/kallocspecConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/KallocspecPort.cmake
              ${CMAKE_CURRENT_LIST_DIR}/kas_port_export.c.in
  DESTINATION ${KAS_INSTALL_CMAKEDIR})

# pkg-config: prefix relative to the .pc file, so the install relocates.
file(RELATIVE_PATH KAS_PC_UP /kas-prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /kas-prefix)
string(REGEX REPLACE "/$" "" KAS_PC_UP "${KAS_PC_UP}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/kallocspec.pc.in ${CMAKE_BINARY_DIR}/pkg/kallocspec.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/pkg/kallocspec.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
