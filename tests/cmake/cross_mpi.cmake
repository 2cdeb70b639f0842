# Results do not depend on the MPI library. Given ROPESWEEP_REFERENCE_BUILD, the build
# directory of a ropesweep built against another MPI (scripts/test-mpich.sh passes the
# Open MPI build), the engine's and the probe's test sweeps run on 2 ranks with each
# build, each under its own launcher, must give bitwise identical files.
set(ROPESWEEP_REFERENCE_BUILD "" CACHE PATH
    "Build directory of a ropesweep built against another MPI, to compare results with")
if(ROPESWEEP_REFERENCE_BUILD)
  set(CROSS_WORK ${CMAKE_CURRENT_BINARY_DIR}/cross_mpi)
  file(MAKE_DIRECTORY ${CROSS_WORK})
  foreach(spec engine/mini.yaml probe/rank_invariance.yaml)
    get_filename_component(name ${spec} NAME_WE)
    add_test(NAME cross_mpi.reference_${name}
             COMMAND ${ROPESWEEP_REFERENCE_BUILD}/tests/mpiexec-ranks 2
                     ${ROPESWEEP_REFERENCE_BUILD}/ropesweep run ${CMAKE_CURRENT_SOURCE_DIR}/${spec}
                     -o ${CROSS_WORK}/${name}_reference.h5 --overwrite -q)
    add_test(NAME cross_mpi.run_${name}
             COMMAND ${ROPESWEEP_MPIEXEC_RANKS} 2 ${ROPESWEEP_EXE} run
                     ${CMAKE_CURRENT_SOURCE_DIR}/${spec} -o ${CROSS_WORK}/${name}.h5 --overwrite -q)
    set_tests_properties(cross_mpi.reference_${name} cross_mpi.run_${name} PROPERTIES
                         LABELS "cross_mpi;mpi" FIXTURES_SETUP cross_mpi_${name}
                         RESOURCE_LOCK engine_cores)
    add_test(NAME cross_mpi.identical_${name}
             COMMAND ${ROPESWEEP_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/batch/compare_results.py
                     ${CROSS_WORK}/${name}_reference.h5 ${CROSS_WORK}/${name}.h5 --ranks 2)
    set_tests_properties(cross_mpi.identical_${name} PROPERTIES LABELS cross_mpi
                         FIXTURES_REQUIRED cross_mpi_${name})
    ropesweep_python_tests(cross_mpi.identical_${name})
  endforeach()
endif()
