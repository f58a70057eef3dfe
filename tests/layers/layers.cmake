# The library's layers link only downward (cmake/KallocspecLayers.cmake).
# The build already links each layer alone with --no-undefined; this test
# shows that the check bites: the lang layer's objects link alone, and the
# same objects plus one that calls the harness (the run layer) do not.
if(KAS_LAYER_CHECK)
  kas_add_test(NAME layers_upward_call_fails_to_link
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/test_layers.sh ${CMAKE_C_COMPILER}
            ${CMAKE_CURRENT_LIST_DIR}/upward_call.c ${CMAKE_CURRENT_BINARY_DIR}/layers
            "$<TARGET_OBJECTS:kas_layer_lang>" $<TARGET_LINKER_FILE:json-c::json-c>)
  set_tests_properties(layers_upward_call_fails_to_link PROPERTIES LABELS lang TIMEOUT 60)
endif()
