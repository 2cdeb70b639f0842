# The transformer probe: results are bitwise identical on 1 and 2 MPI ranks.
add_test(NAME probe.rank_invariance
         COMMAND ${ROPESWEEP_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/probe/rank_invariance.py
                 ${ROPESWEEP_EXE} ${ROPESWEEP_MPIEXEC_RANKS}
                 ${CMAKE_CURRENT_SOURCE_DIR}/probe/rank_invariance.yaml
                 ${CMAKE_CURRENT_BINARY_DIR}/probe_rank_invariance)
set_tests_properties(probe.rank_invariance PROPERTIES LABELS "mpi;probe" TIMEOUT 120)
ropesweep_python_tests(probe.rank_invariance)

# The probe on every vector path: its own bits per path, recorded, repeatable, and agreed
# over ranks.
add_test(NAME probe.vector_paths
         COMMAND ${ROPESWEEP_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/probe/vector_paths.py
                 ${ROPESWEEP_EXE} ${ROPESWEEP_MPIEXEC_RANKS}
                 ${CMAKE_CURRENT_SOURCE_DIR}/probe/vector_paths.yaml
                 ${CMAKE_CURRENT_BINARY_DIR}/probe_vector_paths)
set_tests_properties(probe.vector_paths PROPERTIES LABELS "mpi;probe" TIMEOUT 300)
ropesweep_python_tests(probe.vector_paths)
