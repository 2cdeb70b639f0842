# Robustness: bad inputs (one line, exit code, nothing written or changed), the
# spec fuzz corpus replayed as a regression test, and kills at random moments.
set(ROBUST_DIR ${CMAKE_SOURCE_DIR}/tests/robustness)
set(ROBUST_WORK ${CMAKE_CURRENT_BINARY_DIR}/robustness)
set(ROBUST_ENV "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1")

# The fuzz target's body, driven by a plain main() over the stored corpus.
add_executable(spec_corpus ${CMAKE_SOURCE_DIR}/tests/fuzz/spec_target.cpp
                           ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus_main.cpp)
target_link_libraries(spec_corpus PRIVATE ropesweep::sweep ropesweep::experiments)
add_test(NAME fuzz.spec_corpus COMMAND spec_corpus ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus)
set_tests_properties(fuzz.spec_corpus PROPERTIES LABELS robustness)
if(ROPESWEEP_FUZZ)
  add_executable(fuzz_spec ${CMAKE_SOURCE_DIR}/tests/fuzz/spec_target.cpp)
  target_link_libraries(fuzz_spec PRIVATE ropesweep::sweep ropesweep::experiments)
  target_link_options(fuzz_spec PRIVATE -fsanitize=fuzzer)
endif()

# Every row of bad_inputs.tsv: one line on stderr, its exit code, no file written or changed.
add_test(NAME robustness.bad_inputs
         COMMAND ${ROPESWEEP_PYTHON} ${ROBUST_DIR}/bad_inputs.py check --exe ${ROPESWEEP_EXE}
                 --mpirun ${ROPESWEEP_MPIRUN} --work ${ROBUST_WORK}/bad-inputs)
set_tests_properties(robustness.bad_inputs PROPERTIES LABELS "robustness;mpi"
                     ENVIRONMENT "${ROBUST_ENV}" TIMEOUT 300)
# docs/bad-inputs.md is generated from the same table and must be regenerated with it.
add_test(NAME robustness.bad_inputs_docs
         COMMAND ${ROPESWEEP_PYTHON} ${ROBUST_DIR}/bad_inputs.py docs --check
                 ${ROBUST_DIR}/bad_inputs.tsv ${CMAKE_SOURCE_DIR}/docs/bad-inputs.md)
set_tests_properties(robustness.bad_inputs_docs PROPERTIES LABELS robustness)

# SIGKILL of one rank or the whole job at random moments (fixed seed, >= 12 kills), resume
# each time; every finished file bitwise identical to an uninterrupted run.
add_test(NAME robustness.fault_injection
         COMMAND ${ROPESWEEP_PYTHON} ${ROBUST_DIR}/fault_injection.py --exe ${ROPESWEEP_EXE}
                 --mpirun ${ROPESWEEP_MPIRUN} --spec ${ROBUST_DIR}/faults.yaml
                 --work ${ROBUST_WORK}/faults --kills 12)
set_tests_properties(robustness.fault_injection PROPERTIES LABELS "robustness;mpi"
                     ENVIRONMENT "${ROBUST_ENV}" RESOURCE_LOCK engine_cores TIMEOUT 300)
# Disk full on a small tmpfs (mounting needs root, as in CI containers; skipped otherwise).
add_test(NAME robustness.disk_full
         COMMAND ${ROPESWEEP_PYTHON} ${ROBUST_DIR}/disk_full.py --exe ${ROPESWEEP_EXE}
                 --spec ${ROBUST_DIR}/disk_full.yaml --work ${ROBUST_WORK}/disk-full)
set_tests_properties(robustness.disk_full PROPERTIES LABELS robustness SKIP_RETURN_CODE 77
                     ENVIRONMENT "${ROBUST_ENV}")

# The MPI run of a small sweep under valgrind (memcheck): any error fails the test.
# Suppressions: Open MPI's own file plus tests/sanitizers/valgrind.supp (PMIx).
find_program(VALGRIND valgrind)
if(VALGRIND AND NOT ROPESWEEP_SANITIZE AND NOT ROPESWEEP_FUZZ)
  set(OMPI_VALGRIND_SUPP /usr/share/openmpi/openmpi-valgrind.supp)
  add_test(NAME robustness.valgrind_mpi
           COMMAND ${ROPESWEEP_MPIRUN} -np 2 --oversubscribe ${VALGRIND} -q --error-exitcode=1
                   --suppressions=${OMPI_VALGRIND_SUPP}
                   --suppressions=${CMAKE_SOURCE_DIR}/tests/sanitizers/valgrind.supp
                   ${ROPESWEEP_EXE} run ${ROBUST_DIR}/good.yaml -o ${ROBUST_WORK}/valgrind.h5
                   --overwrite --no-calibrate -q)
  set_tests_properties(robustness.valgrind_mpi PROPERTIES LABELS "robustness;mpi;valgrind"
                       ENVIRONMENT "${ROBUST_ENV}" RESOURCE_LOCK engine_cores TIMEOUT 300)
endif()
