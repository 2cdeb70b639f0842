#!/usr/bin/env bash
# SIGKILL in the middle of a point computed in batches, then --resume on another rank
# count: the file must be bitwise identical to an uninterrupted run's, and the resumed
# run must compute only the batches the journal does not hold.
# usage: kill_mid_point.sh EXE MPIEXEC_RANKS PYTHON SPEC WORKDIR
# SPEC: one pairwise point of many batches (tests/engine/one_long_point.yaml).
set -euo pipefail
exe=$1 mpiexec=$2 python=$3 spec=$4 work=$5
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
out="$work/mid_point.h5"
reference="$work/mid_point_reference.h5"
rm -rf "$out" "$out.journal"
"$exe" run "$spec" -o "$reference" --overwrite 2>"$work/mid_point_reference.log"
source "$here/job_processes.sh"

# A pairwise batch's journal record: 24-byte header and 4 x 4 moments.
record=$((24 + 16 * 8))
journaled() { cat "$out.journal"/*.bin 2>/dev/null | wc -c; }

"$mpiexec" 2 "$exe" run "$spec" -o "$out" --flush-points 1 -q &
launcher=$!
job="" ranks=""
while (( $(journaled) < 4 * record )); do
  kill -0 "$launcher" 2>/dev/null || { echo "FAIL: the run ended before 4 batches were journaled"; exit 1; }
  [[ $(wc -w <<<"$ranks") -ge 2 ]] || find_job
  sleep 0.02
done
kill -KILL $job "$launcher" 2>/dev/null || true
set +e
wait "$launcher"
set -e
wait_until_gone
kept=$(( $(journaled) / record ))
echo "killed with $kept batches journaled"

log="$work/mid_point_resume.log"
"$mpiexec" 3 "$exe" run "$spec" -o "$out" --resume 2>"$log"
tasks=$(sed -n 's/.* to do (\([0-9]*\) task.*/\1/p' "$log")
total=$(sed -n 's/.* to do (\([0-9]*\) task.*/\1/p' "$work/mid_point_reference.log")
echo "the resumed run computed $tasks of the point's $total batches"
[[ -n $tasks && -n $total ]] || { echo "FAIL: no task count in the run's output"; exit 1; }
(( tasks <= total - kept + 2 && tasks < total )) ||
  { echo "FAIL: the resumed run recomputed batches the journal held"; exit 1; }
"$python" "$here/check_outputs.py" complete "$out"
"$python" "$here/check_outputs.py" identical "$reference" "$out"
echo "PASS: killed mid-point, resumed from $kept journaled batches, identical"
