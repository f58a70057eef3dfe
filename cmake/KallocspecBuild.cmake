# In-tree side of the port machinery: the header-only target every adapter
# compiles against (kallocspec::headers, the same name the installed package
# exports) and kallocspec_add_port().  Included by the top-level CMakeLists.
add_library(kallocspec_headers INTERFACE)
target_include_directories(kallocspec_headers INTERFACE
  $<BUILD_INTERFACE:${KAS_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:include>)
set_target_properties(kallocspec_headers PROPERTIES EXPORT_NAME headers)
add_library(kallocspec::headers ALIAS kallocspec_headers)

set(KAS_PORT_IN_TREE ON)   # kallocspec_add_port() also registers built-in ports
include(${CMAKE_CURRENT_LIST_DIR}/KallocspecPort.cmake)
