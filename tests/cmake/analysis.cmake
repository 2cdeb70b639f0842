# Python analysis tests (tests/analysis, pytest): they run `ropesweep run` on a tiny
# spec, then the report and the frontier checks on the file it writes. The package
# under test (python/ropesweep_analysis) is found through PYTHONPATH, uninstalled.
add_test(NAME analysis.pytest
         COMMAND ${ROPESWEEP_PYTHON} -m pytest -q -p no:cacheprovider ${CMAKE_SOURCE_DIR}/tests/analysis)
set_tests_properties(analysis.pytest PROPERTIES
  ENVIRONMENT "PYTHONPATH=${CMAKE_SOURCE_DIR}/python;ROPESWEEP_EXE=${ROPESWEEP_EXE};PYTHONDONTWRITEBYTECODE=1;MPLBACKEND=Agg"
  LABELS analysis
  TIMEOUT 300)
ropesweep_python_tests(analysis.pytest)
