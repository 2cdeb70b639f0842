#!/usr/bin/env bash
# Sets everything up on a Debian machine and runs the whole test suite
# (unit, MPI integration, Python analysis and batch-system tests) through ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh" --slurm
"$here/scripts/build.sh"
cd "${ROPESWEEP_BUILD_DIR:-$here/build}"
ctest --output-on-failure --timeout 1800 "$@"
