#!/usr/bin/env bash
# Points computed in batches give the same bits whoever computes which batch, in any
# order: runs SPEC on 1, 2, 3 and 4 ranks largest task first, and on 2 and 3 ranks
# cheapest first (--task-order reversed), and compares every file bit for bit with the
# 1-rank one. The spec must hold points of several batches (tests/engine/batched.yaml).
# usage: batch_invariance.sh EXE MPIEXEC_RANKS PYTHON SPEC WORKDIR
set -euo pipefail
exe=$1 mpiexec=$2 python=$3 spec=$4 work=$5
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
files=()
for run in 1:cost 2:cost 3:cost 4:cost 2:reversed 3:reversed; do
  ranks=${run%%:*} order=${run#*:}
  out="$work/np$ranks-$order.h5"
  "$mpiexec" "$ranks" "$exe" run "$spec" -o "$out" --overwrite -q --task-order "$order" \
    --flush-points 1
  files+=("$out")
done
"$python" "$here/check_outputs.py" complete "${files[0]}"
"$python" "$here/check_outputs.py" identical "${files[@]}"
echo "PASS: ${#files[@]} runs (1-4 ranks, two task orders) bitwise identical"
