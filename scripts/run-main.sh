#!/usr/bin/env bash
# Sets everything up on a Debian machine and runs the main job.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh"
exe="${ROPESWEEP_BUILD_DIR:-$here/build}/ropesweep"
"$exe" decay --base 10000 --dim 128 --length 100000 --train-length 4096 --format csv
"$exe" bmin --dim 128 --lengths 1024,4096,16384,65536 --resolution 0.01 --format csv
