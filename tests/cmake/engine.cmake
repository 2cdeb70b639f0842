# Sweep engine integration tests: runs on 1-4 MPI ranks, bitwise-identical
# results for every rank count, interruption and resume, spec and file errors.
set(ENGINE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/engine)
set(ENGINE_WORK ${CMAKE_CURRENT_BINARY_DIR}/engine)
set(ENGINE_CHECK ${ROPESWEEP_PYTHON} ${ENGINE_DIR}/check_outputs.py)
file(MAKE_DIRECTORY ${ENGINE_WORK})

set(ENGINE_MINI_FILES "")
foreach(np RANGE 1 ${ROPESWEEP_TEST_MAX_RANKS})
  list(APPEND ENGINE_MINI_FILES ${ENGINE_WORK}/mini_np${np}.h5)
  add_test(NAME engine.run_np${np}
           COMMAND ${ROPESWEEP_MPIEXEC_RANKS} ${np} ${ROPESWEEP_EXE} run
                   ${ENGINE_DIR}/mini.yaml -o ${ENGINE_WORK}/mini_np${np}.h5 --overwrite -q)
  set_tests_properties(engine.run_np${np} PROPERTIES LABELS "engine;mpi"
                       FIXTURES_SETUP engine_mini RESOURCE_LOCK engine_cores)
endforeach()

add_test(NAME engine.identical_across_ranks
         COMMAND ${ENGINE_CHECK} identical ${ENGINE_MINI_FILES})
add_test(NAME engine.h5diff_np1_np3
         COMMAND h5diff ${ENGINE_WORK}/mini_np1.h5 ${ENGINE_WORK}/mini_np3.h5 /pairwise /pairwise)
add_test(NAME engine.complete_file COMMAND ${ENGINE_CHECK} complete ${ENGINE_WORK}/mini_np2.h5)
add_test(NAME engine.xarray_labelled COMMAND ${ENGINE_CHECK} xarray ${ENGINE_WORK}/mini_np3.h5)
add_test(NAME engine.info COMMAND ${ROPESWEEP_EXE} info ${ENGINE_WORK}/mini_np2.h5)
set_tests_properties(engine.identical_across_ranks engine.h5diff_np1_np3 engine.complete_file
                     engine.xarray_labelled engine.info
                     PROPERTIES LABELS engine FIXTURES_REQUIRED engine_mini)
ropesweep_python_tests(engine.identical_across_ranks engine.complete_file engine.xarray_labelled)
set_tests_properties(engine.info PROPERTIES PASS_REGULAR_EXPRESSION
  "/pairwise \\(pairwise\\): 18/18 points done \\(100.0%\\)\n  dimensions: base\\[3\\] x length\\[3\\] x precision\\[2\\]")

# An existing file is never replaced without --resume or --overwrite, and stays untouched.
add_test(NAME engine.refuses_existing_output
         COMMAND ${CMAKE_COMMAND} -DEXE=${ROPESWEEP_EXE} -DSPEC=${ENGINE_DIR}/mini.yaml
                 -DOUT=${ENGINE_WORK}/mini_np1.h5 -P ${ENGINE_DIR}/refuses_existing.cmake)
set_tests_properties(engine.refuses_existing_output PROPERTIES LABELS engine
                     FIXTURES_REQUIRED engine_mini)

add_test(NAME engine.resume_refuses_other_spec
         COMMAND ${CMAKE_COMMAND} -DEXE=${ROPESWEEP_EXE} -DSPEC=${ENGINE_DIR}/mini.yaml
                 -DWORK=${ENGINE_WORK} -DOUT=${ENGINE_WORK}/mini_np2.h5
                 -P ${ENGINE_DIR}/resume_other_spec.cmake)
set_tests_properties(engine.resume_refuses_other_spec PROPERTIES LABELS engine
                     FIXTURES_REQUIRED engine_mini)

# Spec errors: every problem on its own line with file:line:column; run writes nothing.
add_test(NAME engine.validate_reports_every_problem
         COMMAND ${ROPESWEEP_EXE} validate ${ENGINE_DIR}/bad.yaml)
set_tests_properties(engine.validate_reports_every_problem PROPERTIES LABELS engine
  PASS_REGULAR_EXPRESSION
  "bad.yaml:5:17: head_dim must be even and >= 2 \\(got 63\\)\n.*bad.yaml:7:14: base must be > 1 \\(got 1\\)\n.*bad.yaml:8:16: length must be >= 2 \\(got 1\\)\n.*bad.yaml:9:23: rho must be in \\[0, 1\\] \\(got 1.5\\) from linspace\n.*bad.yaml:10:24: unknown encoding 'xpos'.*\n.*bad.yaml:11:7: axis 'heads' is not a parameter of experiment 'pairwise'.*\n.*bad.yaml:12:16: axis 'samples' is empty\nropesweep: error: 7 problems in .*bad.yaml\n$")
add_test(NAME engine.validate_exit_code COMMAND ${ROPESWEEP_EXE} validate ${ENGINE_DIR}/bad.yaml)
set_tests_properties(engine.validate_exit_code PROPERTIES LABELS engine WILL_FAIL TRUE)
add_test(NAME engine.run_bad_spec_writes_nothing
         COMMAND ${CMAKE_COMMAND} -DEXE=${ROPESWEEP_EXE} -DSPEC=${ENGINE_DIR}/bad.yaml
                 -DOUT=${ENGINE_WORK}/never.h5 -P ${ENGINE_DIR}/bad_spec_run.cmake)
set_tests_properties(engine.run_bad_spec_writes_nothing PROPERTIES LABELS engine)
add_test(NAME engine.info_rejects_foreign_file COMMAND ${ROPESWEEP_EXE} info ${ENGINE_DIR}/mini.yaml)
set_tests_properties(engine.info_rejects_foreign_file PROPERTIES LABELS engine
  PASS_REGULAR_EXPRESSION "^ropesweep: error: .*mini.yaml: not a ropesweep results file \\(not HDF5\\)\n$")

# Interrupt at different moments, resume on another rank count, compare bitwise.
add_test(NAME engine.kill_reference
         COMMAND ${ROPESWEEP_EXE} run ${ENGINE_DIR}/slow.yaml -o ${ENGINE_WORK}/slow_reference.h5
                 --overwrite -q)
set_tests_properties(engine.kill_reference PROPERTIES LABELS engine FIXTURES_SETUP engine_slow
                     RESOURCE_LOCK engine_cores)
foreach(case "kill-rank;20" "kill-job;65" "term;40" "corrupt;50" "kill-timed;35")
  list(GET case 0 mode)
  list(GET case 1 percent)
  add_test(NAME engine.resume_after_${mode}
           COMMAND bash ${ENGINE_DIR}/kill_resume.sh ${mode} ${percent} ${ROPESWEEP_EXE}
                   ${ROPESWEEP_MPIEXEC_RANKS} ${ROPESWEEP_PYTHON} ${ENGINE_DIR}/slow.yaml
                   ${ENGINE_WORK} ${ENGINE_WORK}/slow_reference.h5)
  set_tests_properties(engine.resume_after_${mode} PROPERTIES LABELS "engine;mpi"
                       FIXTURES_REQUIRED engine_slow RESOURCE_LOCK engine_cores TIMEOUT 300)
  ropesweep_python_tests(engine.resume_after_${mode})
endforeach()

# Points computed in batches: the same bits on 1-4 ranks and in two task orders, and a
# SIGKILL in the middle of a point resumes from the batches the journal holds.
add_test(NAME engine.batches_invariant
         COMMAND bash ${ENGINE_DIR}/batch_invariance.sh ${ROPESWEEP_EXE} ${ROPESWEEP_MPIEXEC_RANKS}
                 ${ROPESWEEP_PYTHON} ${ENGINE_DIR}/batched.yaml ${ENGINE_WORK}/batches)
add_test(NAME engine.resume_mid_point
         COMMAND bash ${ENGINE_DIR}/kill_mid_point.sh ${ROPESWEEP_EXE} ${ROPESWEEP_MPIEXEC_RANKS}
                 ${ROPESWEEP_PYTHON} ${ENGINE_DIR}/one_long_point.yaml ${ENGINE_WORK}/mid_point)
foreach(test engine.batches_invariant engine.resume_mid_point)
  set_tests_properties(${test} PROPERTIES LABELS "engine;mpi" RESOURCE_LOCK engine_cores
                       TIMEOUT 300)
  ropesweep_python_tests(${test})
endforeach()

# The results file grows with the work done: an interrupted run's file is small,
# shard files are about 1/N of the whole; resumed and merged, bitwise one run.
foreach(mode interrupted shards)
  add_test(NAME engine.file_grows_${mode}
           COMMAND bash ${ENGINE_DIR}/grows_with_work.sh ${mode} ${ROPESWEEP_EXE}
                   ${ROPESWEEP_MPIEXEC_RANKS} ${ROPESWEEP_PYTHON} ${ENGINE_DIR}/decay_million.yaml
                   ${ENGINE_DIR}/check_outputs.py ${ENGINE_WORK}/grows_${mode})
  set_tests_properties(engine.file_grows_${mode} PROPERTIES LABELS "engine;mpi"
                       RESOURCE_LOCK engine_cores TIMEOUT 600)
  ropesweep_python_tests(engine.file_grows_${mode})
endforeach()
