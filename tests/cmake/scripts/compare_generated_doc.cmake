# -DEXE=ropesweep -DDOC=docs/parameters.md: the document equals what
# `ropesweep describe --markdown` prints now.
execute_process(COMMAND ${EXE} describe --markdown RESULT_VARIABLE status
                OUTPUT_VARIABLE generated ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "describe --markdown failed (${status}): ${err}")
endif()
file(READ ${DOC} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "${DOC} is stale: regenerate it with `ropesweep describe --markdown > ${DOC}`")
endif()
