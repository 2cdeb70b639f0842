# Batch submission: shards merged equal one run, local.sh and pbs.sh stop and
# resume with the real engine, and the live Slurm test (a
# single-node cluster on localhost running jobscripts/slurm.sbatch, with a
# requeue across a time limit). The live test skips, saying why, only where the
# Slurm daemons cannot run at all. local.sh and pbs.sh get this build's launcher
# (ROPESWEEP_JOBSCRIPT_ENV, tests/harness.cmake).

add_test(NAME batch.shard_merge
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/batch/shard_merge.sh ${ROPESWEEP_EXE}
                 ${ROPESWEEP_MPIEXEC_RANKS} ${ROPESWEEP_PYTHON} ${CMAKE_SOURCE_DIR})
set_tests_properties(batch.shard_merge PROPERTIES LABELS "batch;mpi" TIMEOUT 300)

add_test(NAME batch.slurm_live
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/batch/slurm_live.sh ${ROPESWEEP_EXE}
                 ${ROPESWEEP_MPIEXEC_RANKS} ${ROPESWEEP_PYTHON} ${CMAKE_SOURCE_DIR})
# Serial: its time-limit scenario is timed against this machine's speed.
set_tests_properties(batch.slurm_live PROPERTIES LABELS "batch;slurm" TIMEOUT 600 RUN_SERIAL TRUE
  SKIP_RETURN_CODE 77)

add_test(NAME batch.launchers
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/batch/launchers.sh ${ROPESWEEP_EXE}
                 ${ROPESWEEP_MPIEXEC_RANKS} ${ROPESWEEP_PYTHON} ${CMAKE_SOURCE_DIR})
set_tests_properties(batch.launchers PROPERTIES LABELS "batch;mpi" TIMEOUT 300
  ENVIRONMENT "${ROPESWEEP_JOBSCRIPT_ENV}")
ropesweep_python_tests(batch.shard_merge batch.slurm_live batch.launchers)

# `plan --format slurm-time` prints one sbatch time limit; bad shard requests are one line.
add_test(NAME cli.plan_slurm_time
         COMMAND ${ROPESWEEP_EXE} plan ${CMAKE_CURRENT_SOURCE_DIR}/batch/small.yaml --ranks 2
                 --format slurm-time)
set_tests_properties(cli.plan_slurm_time PROPERTIES LABELS "batch;cli"
  PASS_REGULAR_EXPRESSION "^[0-9]+-[0-9][0-9]:[0-9][0-9]:00\n$")
add_test(NAME cli.plan_slurm_time_needs_one_rank_count
         COMMAND ${ROPESWEEP_EXE} plan ${CMAKE_CURRENT_SOURCE_DIR}/batch/small.yaml --ranks 1,2
                 --format slurm-time)
set_tests_properties(cli.plan_slurm_time_needs_one_rank_count PROPERTIES LABELS "batch;cli"
  PASS_REGULAR_EXPRESSION "^ropesweep: error: --format slurm-time needs exactly one --ranks value\n$")
add_test(NAME cli.run_rejects_shard_out_of_range
         COMMAND ${ROPESWEEP_EXE} run ${CMAKE_CURRENT_SOURCE_DIR}/batch/small.yaml -o unused.h5
                 --shard 3/3)
set_tests_properties(cli.run_rejects_shard_out_of_range PROPERTIES LABELS "batch;cli"
  PASS_REGULAR_EXPRESSION "^ropesweep: error: --shard 3/3: K must be below N \\(shards are numbered 0 to 2\\)\n$")
