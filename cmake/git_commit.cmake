# Run at every build (cmake -P): writes OUTPUT, a source defining kGitCommit and
# kGitDirty for the checkout at SOURCE_DIR, and rewrites it only when they change, so
# that an unchanged checkout recompiles nothing. Taken at build time, not at configure
# time: a commit or an edit after configuring still shows in the results files.
execute_process(COMMAND git rev-parse --short=12 HEAD
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE failed ERROR_QUIET)
set(dirty false)
if(failed OR NOT commit)
  set(commit "unknown")
else()
  # Tracked files that differ from the commit; untracked files are not part of a build.
  execute_process(COMMAND git status --porcelain --untracked-files=no
                  WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(changes)
    set(dirty true)
  endif()
endif()
set(text "// Generated at build time by cmake/git_commit.cmake.
#include \"ropesweep/core/build_info.hpp\"

namespace ropesweep {
const char* const kGitCommit = \"${commit}\";
const bool kGitDirty = ${dirty};
}  // namespace ropesweep
")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} previous)
endif()
if(NOT "${previous}" STREQUAL "${text}")
  file(WRITE ${OUTPUT} "${text}")
endif()
