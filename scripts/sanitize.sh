#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (option ROPESWEEP_SANITIZE) in build-asan/. Any UBSan report stops the
# program (halt_on_error), so a finding fails its test.
#   scripts/sanitize.sh [ctest arguments...]     JOBS=N to build in parallel (default 1)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-asan
# Open MPI's own leaks and HDF5's are suppressed (tests/sanitizers/lsan.supp explains);
# the variables reach every rank: mpirun passes the environment to local processes.
# Open MPI is built without frame pointers: only the slow unwinder gives the full
# allocation stacks the suppressions match (the fast one stops at "<unknown module>").
export ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_string_checks=1:fast_unwind_on_malloc=0
export LSAN_OPTIONS=suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROPESWEEP_SANITIZE=ON \
  -DROPESWEEP_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"${JOBS:-1}"
cd "$build"
exec ctest --output-on-failure "$@"
