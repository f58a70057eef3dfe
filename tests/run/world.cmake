# The world (memory pressure, reclaim, OOM, contexts, scopes, RCU, memcg)
# and process isolation (CRASH / HANG): a toy port drives the hooks, the
# mutant ports crash and hang.
foreach(t test_world test_world_isolate)
  add_executable(${t} ${CMAKE_CURRENT_LIST_DIR}/${t}.c)
  target_link_libraries(${t} PRIVATE kallocspec_ports kallocspec)
  kas_add_test(NAME ${t} COMMAND ${t})
endforeach()
set_tests_properties(test_world_isolate PROPERTIES TIMEOUT 120)
