# --resume with a spec that describes another computation (here: another seed):
# exit 4, one line naming the difference, the file untouched.
file(READ ${SPEC} text)
string(REPLACE "seed: 4242" "seed: 4243" text "${text}")
file(WRITE ${WORK}/mini_other_seed.yaml "${text}")
file(SHA256 ${OUT} before)
execute_process(COMMAND ${EXE} run ${WORK}/mini_other_seed.yaml -o ${OUT} --resume -q
                RESULT_VARIABLE status ERROR_VARIABLE err)
file(SHA256 ${OUT} after)
if(NOT status EQUAL 4)
  message(FATAL_ERROR "expected exit code 4, got ${status}: ${err}")
endif()
if(NOT err MATCHES "^ropesweep: error: [^\n]*: was written for a different sweep \\(file has 'seed 4242', spec has 'seed 4243'\\); resume needs the same spec, or use --overwrite\n$")
  message(FATAL_ERROR "unexpected message: ${err}")
endif()
if(NOT before STREQUAL after)
  message(FATAL_ERROR "the file was modified")
endif()
