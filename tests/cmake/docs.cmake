# docs/parameters.md is generated from the experiments' declarations: it fails
# here when a parameter or metric changed without regenerating it
# (`ropesweep describe --markdown > docs/parameters.md`).
add_test(NAME docs.parameters_current
         COMMAND ${CMAKE_COMMAND} -DEXE=${ROPESWEEP_EXE}
                 -DDOC=${CMAKE_SOURCE_DIR}/docs/parameters.md
                 -P ${CMAKE_SOURCE_DIR}/tests/cmake/scripts/compare_generated_doc.cmake)
set_tests_properties(docs.parameters_current PROPERTIES LABELS cli)
