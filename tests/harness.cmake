# What the integration tests (tests/cmake/*.cmake and the scripts they call) run
# with: the MPI launcher of this build and a Python that imports what the checks
# import. Every MPI-specific choice of the suite is made here and nowhere else.

# ---------------------------------------------------------------- MPI launcher
# FindMPI's launcher and flags, in its order: MPIEXEC -n N PREFLAGS PROGRAM POSTFLAGS ARGS.
# The tests start up to 4 ranks, more than a small machine's cores. Open MPI refuses
# that without --oversubscribe, and refuses to start as root (CI containers) without
# --allow-run-as-root; MPICH, Intel MPI and Cray MPICH accept neither flag and need
# none. Known only from the launcher itself, so it is asked.
set(ROPESWEEP_TEST_MAX_RANKS 4)  # engine.run_np1 to _np4
execute_process(COMMAND ${MPIEXEC_EXECUTABLE} --version
                OUTPUT_VARIABLE launcher_version ERROR_VARIABLE launcher_version
                TIMEOUT 30)
if(launcher_version MATCHES "Open MPI|OpenRTE|open-mpi")
  set(ROPESWEEP_MPI_IS_OPENMPI TRUE)
  set(launcher_kind "Open MPI")
else()
  set(ROPESWEEP_MPI_IS_OPENMPI FALSE)
  set(launcher_kind "not Open MPI")
endif()

set(ROPESWEEP_MPIEXEC_FLAGS ${MPIEXEC_PREFLAGS})
if(ROPESWEEP_MPI_IS_OPENMPI)
  list(APPEND ROPESWEEP_MPIEXEC_FLAGS --oversubscribe --allow-run-as-root)
endif()

# tests/mpiexec-ranks RANKS PROGRAM [ARGS...] in the build directory: the one way
# fragments and scripts start an MPI run, generated from the lists above.
function(ropesweep_shell_words out)
  set(words "")
  foreach(word ${ARGN})
    string(REPLACE "'" "'\\''" word "${word}")
    string(APPEND words " '${word}'")
  endforeach()
  set(${out} "${words}" PARENT_SCOPE)
endfunction()
ropesweep_shell_words(MPIEXEC_WORDS ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG})
ropesweep_shell_words(PREFLAG_WORDS ${ROPESWEEP_MPIEXEC_FLAGS})
ropesweep_shell_words(POSTFLAG_WORDS ${MPIEXEC_POSTFLAGS})
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/mpiexec-ranks.in
               ${CMAKE_CURRENT_BINARY_DIR}/mpiexec-ranks @ONLY
               FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                WORLD_READ WORLD_EXECUTE)
set(ROPESWEEP_MPIEXEC_RANKS ${CMAKE_CURRENT_BINARY_DIR}/mpiexec-ranks)

# jobscripts/local.sh and pbs.sh pick their own flags but take the launcher from
# these variables; the batch tests point them at this build's MPI and know its kind.
if(ROPESWEEP_MPI_IS_OPENMPI)
  set(openmpi 1)
else()
  set(openmpi 0)
endif()
set(ROPESWEEP_JOBSCRIPT_ENV "ROPESWEEP_MPIRUN=${MPIEXEC_EXECUTABLE}"
    "ROPESWEEP_MPIEXEC=${MPIEXEC_EXECUTABLE}" "ROPESWEEP_MPI_IS_OPENMPI=${openmpi}")

string(JOIN " " launch_line ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} N
       ${ROPESWEEP_MPIEXEC_FLAGS} PROGRAM ${MPIEXEC_POSTFLAGS})
message(STATUS "Tests: MPI runs (${launcher_kind}): ${launch_line}; up to "
               "${ROPESWEEP_TEST_MAX_RANKS} ranks on MPIEXEC_MAX_NUMPROCS = ${MPIEXEC_MAX_NUMPROCS}")

# ---------------------------------------------------------------- Python
# The checks read results with h5py/numpy, the analysis tests need the rest.
# Without Python3_EXECUTABLE given, the first python3 on PATH that imports them all
# is taken, so a bare interpreter earlier on PATH (pyenv, a venv) does not hide the
# system one.
set(ROPESWEEP_PYTHON_MODULES h5py numpy xarray h5netcdf matplotlib pytest)
function(ropesweep_python_missing_modules out python)
  execute_process(
    COMMAND ${python} -c [[
import importlib, sys
missing = []
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception:
        missing.append(name)
print(";".join(missing), end="")
]] ${ROPESWEEP_PYTHON_MODULES}
    OUTPUT_VARIABLE missing RESULT_VARIABLE status ERROR_QUIET TIMEOUT 60)
  if(NOT status EQUAL 0)
    set(missing "${ROPESWEEP_PYTHON_MODULES}")
  endif()
  set(${out} "${missing}" PARENT_SCOPE)
endfunction()
function(ropesweep_python_validator result candidate)
  ropesweep_python_missing_modules(missing ${candidate})
  if(missing)
    set(${result} FALSE PARENT_SCOPE)
  endif()
endfunction()

if(NOT Python3_EXECUTABLE AND CMAKE_VERSION VERSION_GREATER_EQUAL 3.25)
  find_program(ROPESWEEP_PYTHON_WITH_MODULES NAMES python3 VALIDATOR ropesweep_python_validator
               DOC "The first python3 on PATH that imports the test suite's modules")
  if(ROPESWEEP_PYTHON_WITH_MODULES)
    set(Python3_EXECUTABLE ${ROPESWEEP_PYTHON_WITH_MODULES})
  endif()
endif()
find_package(Python3 COMPONENTS Interpreter)
set(ROPESWEEP_PYTHON_OK FALSE)
if(Python3_Interpreter_FOUND)
  set(ROPESWEEP_PYTHON ${Python3_EXECUTABLE})
  ropesweep_python_missing_modules(missing_modules ${Python3_EXECUTABLE})
  if(missing_modules)
    string(REPLACE ";" ", " missing_modules "${missing_modules}")
    set(python_problem "${Python3_EXECUTABLE} lacks ${missing_modules}")
  else()
    set(ROPESWEEP_PYTHON_OK TRUE)
    string(JOIN ", " modules ${ROPESWEEP_PYTHON_MODULES})
    message(STATUS "Tests: Python ${Python3_EXECUTABLE} (imports ${modules})")
  endif()
else()
  set(ROPESWEEP_PYTHON python3)
  set(python_problem "no Python 3 interpreter found")
endif()
if(NOT ROPESWEEP_PYTHON_OK)
  message(WARNING "Tests that need Python are disabled (ctest lists them as Not Run): "
                  "${python_problem}. Install python3-h5py python3-numpy python3-xarray "
                  "python3-h5netcdf python3-matplotlib python3-pytest (scripts/install-deps.sh), "
                  "or pass -DPython3_EXECUTABLE=/path/to/python3 with those modules.")
endif()

# ropesweep_python_tests(TEST...): the tests run Python (directly or from a
# script); labelled `python`, and disabled when the interpreter cannot run them.
function(ropesweep_python_tests)
  set_property(TEST ${ARGN} APPEND PROPERTY LABELS python)
  if(NOT ROPESWEEP_PYTHON_OK)
    set_tests_properties(${ARGN} PROPERTIES DISABLED TRUE)
  endif()
endfunction()
