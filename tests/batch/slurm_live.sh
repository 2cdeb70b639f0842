#!/usr/bin/env bash
# Live Slurm test: a single-node cluster on localhost (tests/slurm/cluster.sh)
# runs jobscripts/slurm.sbatch for real.
#
#  1. The small sweep with 2 tasks: the job completes and its file is complete,
#     says ranks=2 and is bitwise identical to a local 2-rank run.
#  2. jobscripts/slurm-array.sbatch: the small sweep as 3 shards in a job array,
#     merged by a dependent job; the merged file is identical to the local run.
#  3. A sweep of about 50 s on 2 ranks (sized on this machine) under a 1-minute
#     time limit with an early SIGTERM: the run flushes and exits 75, the job
#     requeues itself and resumes until done; the final file is complete and
#     identical to a local run.
#  4. scancel of a running job (a sweep of about 12 s): it flushes and ends
#     CANCELLED, never requeued; the same command submitted again resumes the
#     file to the identical result.
#
# Skips (exit 77) only when the daemons cannot run here at all, and says why.
# Every daemon it starts is stopped by PID on exit, whatever happened.
#   slurm_live.sh ROPESWEEP MPIEXEC_RANKS PYTHON SOURCE_DIR
set -uo pipefail
exe=$1 mpiexec=$2 python=$3 source_dir=$4
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
say() { echo "slurm_live: $*"; }

# shellcheck source=../slurm/cluster.sh
source "$source_dir/tests/slurm/cluster.sh"
if ! reason=$(cluster_can_run); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "$reason; installing slurm-wlm and munge"
    "$source_dir/scripts/install-deps.sh" --slurm >/dev/null 2>&1 ||
      skip "$reason, and installing slurm-wlm and munge failed"
    reason=$(cluster_can_run) || skip "$reason"
  else
    skip "$reason"
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ropesweep-slurm.XXXXXX")
finish() {
  local status=$?
  cluster_stop
  if [[ $status -ne 0 && $status -ne 77 ]]; then
    for log in "$work"/cluster/log/*.log; do
      [[ -s $log ]] && { echo "--- tail of $log"; tail -n 15 "$log"; }
    done
  fi
  rm -rf "$work"
}
trap finish EXIT
trap 'exit 130' INT TERM
cd "$work" || fail "cannot enter $work"
mkdir cluster
cluster_start "$work/cluster" || fail "the single-node cluster did not start (logs below)"
say "cluster up: $(sinfo -h -o '%N %c CPUs %T')"
export ROPESWEEP=$exe

field() { scontrol show job "$1" 2>/dev/null | grep -oP "(?<=\b$2=)\S+" | head -n 1; }

# Waits for job $1 to end (at most $2 seconds), printing each state change.
wait_job() {
  local id=$1 limit=$2 start=$SECONDS last="" state now
  while :; do
    state="$(field "$id" JobState) $(field "$id" Reason) restarts=$(field "$id" Restarts)"
    if [[ $state != "$last" ]]; then
      say "  $(date -u +%T) job $id: $state"
      last=$state
    fi
    case $state in
      COMPLETED* | FAILED* | CANCELLED* | TIMEOUT* | NODE_FAIL* | OUT_OF_MEMORY* | BOOT_FAIL* | DEADLINE*)
        return 0 ;;
    esac
    now=$SECONDS
    if ((now - start > limit)); then
      say "job $id still '$state' after ${limit}s; its log:"
      cat "$work"/job-"$id".out 2>/dev/null
      return 1
    fi
    sleep 1
  done
}

# Submits through the script's own submission mode; prints the job id.
submit() {
  local output
  output=$("$source_dir/jobscripts/slurm.sbatch" "$@" --parsable --output="$work/job-%j.out") ||
    fail "submission failed: $output"
  echo "${output%%;*}"
}

report() {  # report ID WALL: the job's final state, restarts, exit code and times
  say "job $1: state $(field "$1" JobState), exit code $(field "$1" ExitCode)," \
    "restarts $(field "$1" Restarts), last attempt ran $(field "$1" RunTime)," \
    "time limit $(field "$1" TimeLimit), $2 s from submission to end"
}

# ------------------------------------------------------------ 1. small sweep
small=$source_dir/tests/batch/small.yaml
"$mpiexec" 2 "$exe" run "$small" -o local_small.h5 -q ||
  fail "local reference run failed"
t0=$SECONDS
job=$(submit "$small" "$work/slurm_small.h5" --ntasks=2)
say "submitted job $job (small sweep, 2 tasks, time limit from ropesweep plan)"
wait_job "$job" 180 || fail "job $job did not finish"
report "$job" $((SECONDS - t0))
[[ $(field "$job" JobState) == COMPLETED && $(field "$job" ExitCode) == 0:0 ]] ||
  { cat "$work/job-$job.out"; fail "job $job did not complete cleanly"; }
"$python" "$source_dir/tests/batch/compare_results.py" local_small.h5 slurm_small.h5 --ranks 2 ||
  fail "job $job's file differs from the local run"

# ------------------------------------------------------------ 2. job array
# 3 shards of the small sweep, one task each, then the merge job.
t0=$SECONDS
ids=$("$source_dir/jobscripts/slurm-array.sbatch" "$small" "$work/array_small.h5" 3 \
  --output="$work/job-%A_%a.out") || fail "array submission failed: $ids"
read -r array merge <<<"$ids"
say "submitted array job $array (3 shards, 1 task each) and merge job $merge (afterok)"
wait_job "$merge" 180 || fail "merge job $merge did not finish"
for k in 0 1 2; do
  say "array task ${array}_$k: state $(field "${array}_$k" JobState), exit code $(field "${array}_$k" ExitCode), ran $(field "${array}_$k" RunTime)"
done
report "$merge" $((SECONDS - t0))
[[ $(field "$merge" JobState) == COMPLETED ]] ||
  { cat "$work"/job-"${array}"_*.out "$work"/ropesweep-merge-"$merge".out; fail "merge job $merge did not complete"; }
"$python" "$source_dir/tests/batch/compare_results.py" local_small.h5 array_small.h5 --ranks 3 ||
  fail "the merged shards differ from the local run"

# ------------------------------------------------------------ 3. time limit
# source_dir is set by the caller.
# shellcheck source=sizing.sh
source "$source_dir/tests/batch/sizing.sh"
measure_sampling_cost
# 50 s of computing on 2 ranks: an attempt computes at most ~30 s (the signal
# comes at least 30 s before the 1-minute limit), so at least one requeue.
sized_spec 50 long.yaml
t=$SECONDS
"$mpiexec" 2 "$exe" run long.yaml -o local_long.h5 -q ||
  fail "local reference run failed"
local_seconds=$((SECONDS - t))
say "local reference: $((SECONDS - t))s on 2 ranks"

t0=$SECONDS
job=$(submit long.yaml "$work/slurm_long.h5" --ntasks=2 --time=1 --signal=B:TERM@30)
say "submitted job $job (requeue sweep, 2 tasks, --time=1 --signal=B:TERM@30)"
wait_job "$job" 420 || fail "job $job did not finish"
wall=$((SECONDS - t0))
report "$job" "$wall"
say "attempts, from the job's log:"
grep -E '^slurm.sbatch: (job|SIGTERM|interrupted|complete)' "$work/job-$job.out" | sed 's/^/    /'
[[ $(field "$job" JobState) == COMPLETED && $(field "$job" ExitCode) == 0:0 ]] ||
  { cat "$work/job-$job.out"; fail "job $job did not complete cleanly"; }
restarts=$(field "$job" Restarts)
if [[ ${restarts:-0} -lt 1 ]]; then
  fail "job $job finished within its first minute (local run: ${local_seconds}s), so no requeue was tested"
fi
grep -q 'exit code 75\|interrupted with results flushed' "$work/job-$job.out" ||
  fail "job $job was requeued, but not after a flushed stop"
"$python" "$source_dir/tests/batch/compare_results.py" local_long.h5 slurm_long.h5 --ranks 2 ||
  fail "job $job's file differs from the local run"
requeued_job=$job requeued_wall=$wall

# ------------------------------------------------------------ 4. cancel, resubmit
# scancel flushes but must not requeue; the same command submitted again resumes.
sized_spec 12 medium.yaml
medium=$work/medium.yaml
"$mpiexec" 2 "$exe" run "$medium" -o local_medium.h5 -q ||
  fail "local reference run failed"
t0=$SECONDS
job=$(submit "$medium" "$work/slurm_cancel.h5" --ntasks=2)
say "submitted job $job (medium sweep, 2 tasks, time limit from ropesweep plan)"
for _ in $(seq 120); do
  [[ $(field "$job" JobState) == RUNNING && -e slurm_cancel.h5 ]] && break
  sleep 0.5
done
sleep 2
scancel "$job"
say "scancel $job"
wait_job "$job" 120 || fail "cancelled job $job did not end"
report "$job" $((SECONDS - t0))
[[ $(field "$job" JobState) == CANCELLED && $(field "$job" Restarts) == 0 ]] ||
  { cat "$work/job-$job.out"; fail "job $job should be CANCELLED and never requeued"; }
grep -q 'so no requeue' "$work/job-$job.out" || { cat "$work/job-$job.out"; fail "job $job did not stop cleanly"; }
"$python" - slurm_cancel.h5 <<'PY' || fail "the cancelled job should leave a partial, flushed file"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    done = f["pairwise/done"][()]
    print(f"slurm_live: cancelled file: {int(done.sum())} of {done.size} points done")
    sys.exit(0 if 0 < done.sum() < done.size else 1)
PY
job=$(submit "$medium" "$work/slurm_cancel.h5" --ntasks=2)
say "resubmitted as job $job"
wait_job "$job" 300 || fail "job $job did not finish"
report "$job" $((SECONDS - t0))
grep -q -- "--resume" "$work/job-$job.out" || fail "job $job did not resume the file"
"$python" "$source_dir/tests/batch/compare_results.py" local_medium.h5 slurm_cancel.h5 --ranks 2 ||
  fail "the resumed file differs from the local run"

say "PASS: job $requeued_job completed after $restarts requeue(s) in ${requeued_wall}s, a cancelled" \
  "job stayed cancelled and its resubmission completed the file; all files identical to local runs"
