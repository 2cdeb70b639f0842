#!/usr/bin/env bash
# Sets everything up on a Debian machine and runs the whole test suite
# (unit, MPI integration, Python analysis and batch-system tests) through ctest,
# then the generic C++ kernels against the vector ones (scripts/test-generic.sh), then the
# unit and MPI engine tests again against MPICH (scripts/test-mpich.sh;
# ROPESWEEP_TEST_MPICH=0 leaves that out). Arguments go to the first ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mpich=${ROPESWEEP_TEST_MPICH:-1}
deps=(--slurm)
[[ $mpich == 0 ]] || deps+=(--mpich)
"$here/scripts/install-deps.sh" "${deps[@]}"
"$here/scripts/build.sh"
status=0
(cd "${ROPESWEEP_BUILD_DIR:-$here/build}" && ctest --output-on-failure --timeout 1800 "$@") ||
  status=1
echo "run-tests: Open MPI suite $( ((status)) && echo FAILED || echo passed) after ${SECONDS} s"
# One job after the suite: its script, its name in the summary line.
run_job() {
  local start=$SECONDS job_status=0
  "$1" || job_status=1
  echo "run-tests: $2 $( ((job_status)) && echo FAILED || echo passed) in $((SECONDS - start)) s"
  ((job_status == 0)) || status=1
}
run_job "$here/scripts/test-generic.sh" "generic kernels"
[[ $mpich == 0 ]] || run_job "$here/scripts/test-mpich.sh" "MPICH job"
exit "$status"
