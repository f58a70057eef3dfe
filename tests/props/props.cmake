# Property tests (kas-props, rapidcheck; props/).  Label: props.
#  - every property on ref with the CI seed and 1,000 cases: must pass;
#    and all of them on the other profiles with 200 cases;
#  - libc-naive: the kmalloc properties must fail, and the kmalloc
#    alignment failure must shrink to <= 2 ops;
#  - mut-krealloc-half-prefix (ref with a krealloc that keeps half the
#    prefix): caught, shrunk to <= 3 ops, and `kallocspec replay` reproduces it;
#  - mut-kfree-sensitive-crash under --fork: a CRASH, shrunk to <= 2 ops;
#  - the same seed gives the same counterexample; bad input exits 2;
#  - `kallocspec props` passes its options through to kas-props.
# kas-props exists only when rapidcheck is installed (props/CMakeLists.txt).
find_package(rapidcheck CONFIG QUIET)
if(NOT rapidcheck_FOUND)
  return()
endif()

set(KAS_PROPS_CI_SEED 20261122 CACHE STRING "rapidcheck seed of the props CTest runs")
# Sanitizer builds run ~5x slower: fewer cases keep each test well inside its timeout.
if(KAS_SANITIZE)
  set(KAS_PROPS_CASES 200)
else()
  set(KAS_PROPS_CASES 1000)
endif()
set(KAS_PROPS_BIN $<TARGET_FILE:kas-props>)
set(KAS_PROPS_TMP ${CMAKE_CURRENT_BINARY_DIR}/props-tmp)
set(KAS_PROPS_DIR ${KAS_SOURCE_DIR}/props)
# RC_PARAMS from the environment would override --seed/--cases.
set(KAS_PROPS_ENV "RC_PARAMS=")

set(KAS_PROPS_ALL kmalloc krealloc cache usercopy vmalloc kvmalloc pages bulk overflow-ops mixed
    scopes pressure rcu overflow-helpers gfp-roundtrip gfp-composites roundup-classes
    ksize-roundup)
if(TARGET kas_port_ref)
  foreach(p ${KAS_PROPS_ALL})
    kas_add_test(NAME props_ref_${p}
      COMMAND ${KAS_PROPS_BIN} --port ref --only ${p} --seed ${KAS_PROPS_CI_SEED}
              --cases ${KAS_PROPS_CASES} --out ${KAS_PROPS_TMP}/ref-${p})
    set_tests_properties(props_ref_${p} PROPERTIES LABELS props ENVIRONMENT "${KAS_PROPS_ENV}"
                         TIMEOUT 120)
  endforeach()

  # A property added to kas-props but not to the list above would never
  # run in CTest: the list must name exactly what --list prints.
  string(REPLACE ";" " " _props_expected "${KAS_PROPS_ALL}")
  kas_add_test(NAME props_list_complete
    COMMAND sh -c "got=$(\"$0\" --list | awk '{print $1}' | sort | tr '\\n' ' '); want=$(printf '%s\\n' $1 | sort | tr '\\n' ' '); [ \"$got\" = \"$want\" ] || { echo \"kas-props --list: $got\"; echo \"tests/props/props.cmake: $want\"; exit 1; }"
            ${KAS_PROPS_BIN} "${_props_expected}")
  set_tests_properties(props_list_complete PROPERTIES LABELS props)

  # The other kernel profiles (behaviour splits by version): every property,
  # fewer cases each, one process per profile.
  # (linux-latest is the default profile, run above)
  set(_kas_other_profiles ${KAS_PROFILES})
  list(REMOVE_ITEM _kas_other_profiles linux-latest)
  foreach(prof ${_kas_other_profiles})
    kas_add_test(NAME props_ref_profile_${prof}
      COMMAND ${KAS_PROPS_BIN} --port ref --profile ${prof} --seed ${KAS_PROPS_CI_SEED}
              --cases 200 --out ${KAS_PROPS_TMP}/ref-${prof})
    set_tests_properties(props_ref_profile_${prof} PROPERTIES LABELS props
                         ENVIRONMENT "${KAS_PROPS_ENV}" TIMEOUT 120)
  endforeach()

  kas_add_test(NAME props_broken_krealloc_shrinks
    COMMAND ${CMAKE_COMMAND} -DPROPS=${KAS_PROPS_BIN}
            "-DARGS=--port;mut-krealloc-half-prefix;--only;krealloc;--seed;${KAS_PROPS_CI_SEED};--cases;${KAS_PROPS_CASES}"
            -DOUT=${KAS_PROPS_TMP}/broken -DMAX_OPS=3 "-DPATTERN=props-failure-krealloc-REALLOC-*.ktrace"
            -DREPLAY=$<TARGET_FILE:kallocspec-cli>
            -DREPLAY_PORT=mut-krealloc-half-prefix
            -P ${KAS_PROPS_DIR}/expect_failure.cmake)
  kas_add_test(NAME props_same_seed_same_counterexample
    COMMAND ${CMAKE_COMMAND} -DPROPS=${KAS_PROPS_BIN}
            "-DARGS=--port;mut-krealloc-half-prefix;--only;krealloc,mixed;--seed;${KAS_PROPS_CI_SEED};--cases;${KAS_PROPS_CASES}"
            -DOUT=${KAS_PROPS_TMP}/determinism -P ${KAS_PROPS_DIR}/same_output.cmake)
  # The pressure generators reach the slow path's decisions on ref: each
  # reclaim-policy rule judged generated calls and passed (--coverage
  # verdicts), so a mutant of that policy has something to fail.
  kas_add_test(NAME props_pressure_reaches_reclaim
    COMMAND sh -c "out=$(\"$0\" --port ref --only pressure,scopes --seed $1 --cases 200 --coverage --out \"$2\") || exit 1; for r in RECLAIM-1 RECLAIM-2 RECLAIM-3 RECLAIM-5 RECLAIM-7 RECLAIM-8 RECLAIM-14 RECLAIM-16 SCOPE-1 SCOPE-2; do echo \"$out\" | grep -q \"^rule $r  *PASS\" || { echo \"$r not exercised\"; exit 1; }; done"
            ${KAS_PROPS_BIN} ${KAS_PROPS_CI_SEED} ${KAS_PROPS_TMP}/reach)
  set_tests_properties(props_pressure_reaches_reclaim PROPERTIES LABELS props
                       ENVIRONMENT "${KAS_PROPS_ENV}" TIMEOUT 120)

  # The context, scope and RCU generators reach their rules on ref: the
  # pin scope over movable page allocations under pressure (SCOPE-4), bulk
  # calls under a spinlock or preempt_disable (CONTEXT-7), kfree_rcu of
  # cache objects (RCU-2), destroys while objects wait in kfree_rcu
  # (CACHE-4, 6.12+) and SLAB_TYPESAFE_BY_RCU caches (CACHE-6) each judged
  # generated calls and passed.
  kas_add_test(NAME props_reaches_context_rcu
    COMMAND sh -c "out=$(\"$0\" --port ref --profile linux-6.12 --only scopes,bulk,rcu --seed $1 --cases 200 --coverage --out \"$2\") || exit 1; for r in SCOPE-4 CONTEXT-7 RCU-2 CACHE-4 CACHE-6; do echo \"$out\" | grep -q \"^rule $r  *PASS\" || { echo \"$r not exercised\"; exit 1; }; done"
            ${KAS_PROPS_BIN} ${KAS_PROPS_CI_SEED} ${KAS_PROPS_TMP}/reach-context-rcu)
  set_tests_properties(props_reaches_context_rcu PROPERTIES LABELS props
                       ENVIRONMENT "${KAS_PROPS_ENV}" TIMEOUT 120)

  # With the mutant ports: one group kills each of the scope, context,
  # RCU and typesafe-cache mutants on the rule it breaks (mutant, group,
  # rule).
  foreach(entry "pin-scope-ignored:scopes:SCOPE-4" "bulk-free-resched:bulk:CONTEXT-7"
                "kfree-rcu-cache-refused:rcu:RCU-2" "destroy-no-rcu-barrier:rcu:CACHE-4"
                "typesafe-slab-freed-at-once:rcu:CACHE-6")
    string(REPLACE ":" ";" entry "${entry}")
    list(GET entry 0 m)
    list(GET entry 1 g)
    list(GET entry 2 r)
    string(REPLACE "-" "_" cm "${m}")
    if(TARGET kas_port_mutants)
      kas_add_test(NAME props_${g}_kills_mut_${cm}
        COMMAND ${CMAKE_COMMAND} -DPROPS=${KAS_PROPS_BIN}
                "-DARGS=--port;mut-${m};--profile;linux-6.12;--only;${g};--rule;${r};--seed;${KAS_PROPS_CI_SEED};--cases;200"
                -DOUT=${KAS_PROPS_TMP}/mut-${m} -DMAX_OPS=8
                "-DPATTERN=props-failure-${g}-${r}.ktrace"
                -P ${KAS_PROPS_DIR}/expect_failure.cmake)
      set_tests_properties(props_${g}_kills_mut_${cm} PROPERTIES LABELS "props;mutants"
                           ENVIRONMENT "${KAS_PROPS_ENV}" TIMEOUT 120)
    endif()
  endforeach()

  # The pressure group alone kills
  # the slow-path mutants (ports/mutants/mutants.def).  The counterexample
  # may keep the exhaust's 16 drain lines.
  foreach(m noretry-two-rounds retry-mayfail-oom oom-nofs nowait-reserves
            nomemalloc-scope-reclaims nowait-reclaims noreclaim-wakes-kswapd nofail-null)
    string(REPLACE "-" "_" cm "${m}")
    if(TARGET kas_port_mutants)
      kas_add_test(NAME props_pressure_kills_mut_${cm}
        COMMAND ${CMAKE_COMMAND} -DPROPS=${KAS_PROPS_BIN}
                "-DARGS=--port;mut-${m};--only;pressure;--seed;${KAS_PROPS_CI_SEED};--cases;200"
                -DOUT=${KAS_PROPS_TMP}/mut-${m} -DMAX_OPS=20
                "-DPATTERN=props-failure-pressure-*.ktrace"
                -P ${KAS_PROPS_DIR}/expect_failure.cmake)
      set_tests_properties(props_pressure_kills_mut_${cm} PROPERTIES LABELS "props;mutants"
                           ENVIRONMENT "${KAS_PROPS_ENV}" TIMEOUT 120)
    endif()
  endforeach()

  # --fork: a port that crashes is a CRASH failure, shrunk like the others.
  kas_add_test(NAME props_fork_crash_shrinks
    COMMAND ${CMAKE_COMMAND} -DPROPS=${KAS_PROPS_BIN}
            "-DARGS=--port;mut-kfree-sensitive-crash;--fork;--only;kmalloc;--seed;${KAS_PROPS_CI_SEED};--cases;${KAS_PROPS_CASES}"
            -DOUT=${KAS_PROPS_TMP}/crash -DMAX_OPS=2 "-DPATTERN=props-failure-kmalloc-CRASH.ktrace"
            -P ${KAS_PROPS_DIR}/expect_failure.cmake)
  set_tests_properties(props_fork_crash_shrinks props_broken_krealloc_shrinks
                       props_same_seed_same_counterexample
                       PROPERTIES LABELS props ENVIRONMENT "${KAS_PROPS_ENV}" TIMEOUT 120)
endif()

# libc-naive: kmalloc's alignment rules fail and shrink to one or two ops;
# any kmalloc-group failure at all shrinks as far.
kas_add_test(NAME props_libc_naive_align_shrinks
  COMMAND ${CMAKE_COMMAND} -DPROPS=${KAS_PROPS_BIN}
          "-DARGS=--port;libc-naive;--only;kmalloc;--rule;ALIGN-1,ALIGN-2,ALIGN-3;--seed;${KAS_PROPS_CI_SEED};--cases;${KAS_PROPS_CASES}"
          -DOUT=${KAS_PROPS_TMP}/naive-align -DMAX_OPS=2 -P ${KAS_PROPS_DIR}/expect_failure.cmake)
kas_add_test(NAME props_libc_naive_kmalloc_shrinks
  COMMAND ${CMAKE_COMMAND} -DPROPS=${KAS_PROPS_BIN}
          "-DARGS=--port;libc-naive;--only;kmalloc,krealloc,kvmalloc;--seed;${KAS_PROPS_CI_SEED};--cases;${KAS_PROPS_CASES}"
          -DOUT=${KAS_PROPS_TMP}/naive -DMAX_OPS=2 -P ${KAS_PROPS_DIR}/expect_failure.cmake)
set_tests_properties(props_libc_naive_align_shrinks props_libc_naive_kmalloc_shrinks
                     PROPERTIES LABELS props ENVIRONMENT "${KAS_PROPS_ENV}" TIMEOUT 120)

# A property reports every rule a run breaks, not only its first: the
# kmalloc group on libc-naive writes a shrunk counterexample for each of
# ZERO-1, ALIGN-2 and SIZE-5 (at most 2 ops each); and --rule with
# --coverage lists only the rules asked for.
kas_add_test(NAME props_reports_every_rule
  COMMAND sh -c "out=$(\"$0\" --port libc-naive --only kmalloc --seed $1 --cases 200 --out \"$2\") ; for r in ZERO-1 ALIGN-2 SIZE-5; do test -f \"$2/props-failure-kmalloc-$r.ktrace\" || { echo \"no counterexample for $r\"; echo \"$out\" | tail -20; exit 1; }; done; n=$(ls \"$2\" | grep -c '^props-failure-kmalloc-'); echo \"$n rules reported by one property\"; test $n -ge 3"
          ${KAS_PROPS_BIN} ${KAS_PROPS_CI_SEED} ${KAS_PROPS_TMP}/every-rule)
kas_add_test(NAME props_rule_coverage_only_asked
  COMMAND sh -c "out=$(\"$0\" --port ref --only kmalloc --rule ALIGN-2 --seed $1 --cases 50 --coverage --out \"$2\") || exit 1; echo \"$out\" | grep '^rule [A-Z]' ; test \"$(echo \"$out\" | grep '^rule [A-Z]' | grep -vc '^rule ALIGN-2 ')\" -eq 0 && echo \"$out\" | grep -q '^rule ALIGN-2  *PASS'"
          ${KAS_PROPS_BIN} ${KAS_PROPS_CI_SEED} ${KAS_PROPS_TMP}/coverage-asked)
set_tests_properties(props_reports_every_rule props_rule_coverage_only_asked PROPERTIES
                     LABELS props ENVIRONMENT "${KAS_PROPS_ENV}" TIMEOUT 300)

# `kallocspec props` runs the kas-props next to it with the same options.
if(TARGET kas_port_ref)
  kas_add_test(NAME props_cli_passthrough
    COMMAND ${CMAKE_COMMAND} -DPROPS=$<TARGET_FILE:kallocspec-cli>
            "-DARGS=props;--port;mut-krealloc-half-prefix;--only;krealloc;--seed;${KAS_PROPS_CI_SEED}"
            -DOUT=${KAS_PROPS_TMP}/cli -DMAX_OPS=3 -P ${KAS_PROPS_DIR}/expect_failure.cmake)
  set_tests_properties(props_cli_passthrough PROPERTIES LABELS props ENVIRONMENT "${KAS_PROPS_ENV}")
endif()
kas_add_test(NAME props_cli_bad_port
  COMMAND sh -c "\"$0\" props --port no-such-port >/dev/null 2>&1; test $? -eq 2"
          $<TARGET_FILE:kallocspec-cli>)
set_tests_properties(props_cli_bad_port PROPERTIES LABELS props)

# Bad input: exit status 2 exactly (1 would mean a property failed).
foreach(bad "--port;no-such-port" "--profile;linux-0.1" "--only;no-such-property" "--cases;many"
            "--rule;NO-SUCH-RULE" "--frobnicate")
  string(REGEX REPLACE "[^a-zA-Z0-9]+" "_" tag "${bad}")
  kas_add_test(NAME props_bad_input${tag}
    COMMAND sh -c "\"$0\" \"$@\" >/dev/null 2>&1; test $? -eq 2" ${KAS_PROPS_BIN} ${bad})
  set_tests_properties(props_bad_input${tag} PROPERTIES LABELS props)
endforeach()
