# Unit tests of the reference allocator, through the kas_port table (ref port).
if(TARGET kas_port_ref)
  file(GLOB KAS_IMPL_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/test_impl_*.c)
  foreach(src ${KAS_IMPL_TESTS})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_link_libraries(${name} PRIVATE kas_port_ref kas_refalloc)
    kas_add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS impl TIMEOUT 300)
  endforeach()

  # Debug mode under Valgrind: silent on correct usage, loud on a use after free.
  find_program(KAS_VALGRIND valgrind)
  if(KAS_VALGRIND AND KAS_REF_DEBUG AND NOT KAS_SANITIZE AND TARGET test_impl_debug)
    kas_add_test(NAME impl_valgrind_clean
             COMMAND ${KAS_VALGRIND} -q --error-exitcode=42 $<TARGET_FILE:test_impl_debug> clean)
    kas_add_test(NAME impl_valgrind_uaf
             COMMAND ${KAS_VALGRIND} -q $<TARGET_FILE:test_impl_debug> uaf)
    set_tests_properties(impl_valgrind_clean impl_valgrind_uaf PROPERTIES LABELS impl TIMEOUT 300)
    set_tests_properties(impl_valgrind_uaf PROPERTIES
                         PASS_REGULAR_EXPRESSION "Invalid read of size 1")
  endif()
endif()

# vmalloc really scatters its frames and kmalloc really does not (issue: the
# reference allocator; witness corpora/witness/PHYS-1.ktrace).
if(TARGET kas_port_ref AND TARGET kallocspec-cli)
  kas_add_test(NAME impl_phys_layout
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/phys_layout_check.sh $<TARGET_FILE:kallocspec-cli>
                   ${PROJECT_SOURCE_DIR}/corpora/witness/PHYS-1.ktrace)
  set_tests_properties(impl_phys_layout PROPERTIES LABELS impl TIMEOUT 120)
endif()

# The reference allocator takes object memory only from its simulated pool:
# its library references none of the C heap's entry points.
find_program(KAS_NM NAMES nm)
if(TARGET kas_refalloc AND KAS_NM)
  kas_add_test(NAME impl_no_libc_heap
           COMMAND sh -c "u=$(\"$0\" -u \"$1\" | grep -wE 'malloc|calloc|realloc|free|posix_memalign|aligned_alloc|memalign|reallocarray' | sort -u); \
                          [ -z \"$u\" ] || { echo \"heap symbols used: $u\"; exit 1; }; echo 'no libc heap symbols'"
                   ${KAS_NM} $<TARGET_FILE:kas_refalloc>)
  set_tests_properties(impl_no_libc_heap PROPERTIES LABELS impl TIMEOUT 60)
endif()
