# Robustness: bad inputs (one line, exit code, nothing written or changed), the
# spec fuzz corpus replayed as a regression test, and kills at random moments.
set(ROBUST_DIR ${CMAKE_SOURCE_DIR}/tests/robustness)
set(ROBUST_WORK ${CMAKE_CURRENT_BINARY_DIR}/robustness)

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
                 --mpiexec ${ROPESWEEP_MPIEXEC_RANKS} --work ${ROBUST_WORK}/bad-inputs)
set_tests_properties(robustness.bad_inputs PROPERTIES LABELS "robustness;mpi" TIMEOUT 300)
# docs/bad-inputs.md is generated from the same table and must be regenerated with it.
add_test(NAME robustness.bad_inputs_docs
         COMMAND ${ROPESWEEP_PYTHON} ${ROBUST_DIR}/bad_inputs.py docs --check
                 ${ROBUST_DIR}/bad_inputs.tsv ${CMAKE_SOURCE_DIR}/docs/bad-inputs.md)
set_tests_properties(robustness.bad_inputs_docs PROPERTIES LABELS robustness)

# SIGKILL of one rank or the whole job at random moments (fixed seed, >= 12 kills), resume
# each time; every finished file bitwise identical to an uninterrupted run.
add_test(NAME robustness.fault_injection
         COMMAND ${ROPESWEEP_PYTHON} ${ROBUST_DIR}/fault_injection.py --exe ${ROPESWEEP_EXE}
                 --mpiexec ${ROPESWEEP_MPIEXEC_RANKS} --spec ${ROBUST_DIR}/faults.yaml
                 --work ${ROBUST_WORK}/faults --kills 12)
set_tests_properties(robustness.fault_injection PROPERTIES LABELS "robustness;mpi"
                     RESOURCE_LOCK engine_cores TIMEOUT 300)
# Disk full on a small tmpfs (mounting needs root, as in CI containers; skipped otherwise).
add_test(NAME robustness.disk_full
         COMMAND ${ROPESWEEP_PYTHON} ${ROBUST_DIR}/disk_full.py --exe ${ROPESWEEP_EXE}
                 --spec ${ROBUST_DIR}/disk_full.yaml --work ${ROBUST_WORK}/disk-full)
set_tests_properties(robustness.disk_full PROPERTIES LABELS robustness SKIP_RETURN_CODE 77)
ropesweep_python_tests(robustness.bad_inputs robustness.bad_inputs_docs robustness.fault_injection
                       robustness.disk_full)

# The MPI run of a small sweep under valgrind (memcheck): any error fails the test.
# Suppressions: with Open MPI its own file plus tests/sanitizers/valgrind.supp (PMIx);
# MPICH 4.0 needs none.
find_program(VALGRIND valgrind)
if(VALGRIND AND NOT ROPESWEEP_SANITIZE AND NOT ROPESWEEP_FUZZ)
  set(VALGRIND_SUPPRESSIONS "")
  if(ROPESWEEP_MPI_IS_OPENMPI)
    set(VALGRIND_SUPPRESSIONS --suppressions=/usr/share/openmpi/openmpi-valgrind.supp
                              --suppressions=${CMAKE_SOURCE_DIR}/tests/sanitizers/valgrind.supp)
  endif()
  add_test(NAME robustness.valgrind_mpi
           COMMAND ${ROPESWEEP_MPIEXEC_RANKS} 2 ${VALGRIND} -q --error-exitcode=1
                   ${VALGRIND_SUPPRESSIONS}
                   ${ROPESWEEP_EXE} run ${ROBUST_DIR}/good.yaml -o ${ROBUST_WORK}/valgrind.h5
                   --overwrite --no-calibrate -q)
  set_tests_properties(robustness.valgrind_mpi PROPERTIES LABELS "robustness;mpi;valgrind"
                       RESOURCE_LOCK engine_cores TIMEOUT 300)
endif()
