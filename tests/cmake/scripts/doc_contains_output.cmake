# -DEXE=ropesweep -DARGS="models;--format;markdown" -DDOC=docs/models.md: the
# document contains, verbatim, what the command prints now (a generated part of a
# hand-written document).
execute_process(COMMAND ${EXE} ${ARGS} RESULT_VARIABLE status OUTPUT_VARIABLE generated
                ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "ropesweep ${ARGS} failed (${status}): ${err}")
endif()
file(READ ${DOC} committed)
string(FIND "${committed}" "${generated}" at)
if(at EQUAL -1)
  string(REPLACE ";" " " command "${ARGS}")
  message(FATAL_ERROR "${DOC} is stale: replace its table with the output of `ropesweep ${command}`")
endif()
