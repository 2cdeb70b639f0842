#!/usr/bin/env bash
# Sets everything up on a Debian machine and runs the main job: the decay and
# b_min tables, then the quick sweep (sweeps/quick.yaml) on every local core into
# results/quick.h5. Running it again continues an interrupted sweep (--resume).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh"
exe="${ROPESWEEP_BUILD_DIR:-$here/build}/ropesweep"
"$exe" decay --base 10000 --dim 128 --length 100000 --train-length 4096 --format csv
"$exe" bmin --dim 128 --lengths 1024,4096,16384,65536 --format csv

# One rank per logical CPU. Open MPI counts physical cores as slots, so
# --oversubscribe lets it start one rank per hardware thread too; as root it also
# needs --allow-run-as-root.
mpirun_flags=(--oversubscribe)
[[ $(id -u) -eq 0 ]] && mpirun_flags+=(--allow-run-as-root)
mkdir -p "$here/results"
mpirun "${mpirun_flags[@]}" -np "$(nproc)" "$exe" run "$here/sweeps/quick.yaml" \
  -o "$here/results/quick.h5" --resume
"$exe" info "$here/results/quick.h5"

# The report: figures and a self-contained index.html for the quick sweep, from
# the analysis package in python/ (uninstalled, found through PYTHONPATH).
PYTHONPATH="$here/python${PYTHONPATH:+:$PYTHONPATH}" /usr/bin/python3 -m ropesweep_analysis.report \
  "$here/results/quick.h5" -o "$here/results/report"
