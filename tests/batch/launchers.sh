#!/usr/bin/env bash
# jobscripts/local.sh and jobscripts/pbs.sh with the real engine and mpirun:
#
#  - local.sh, stopped with SIGTERM mid-run, exits 75 leaving a partial file;
#    the same command resumes it to completion.
#  - pbs.sh as a PBS job (PBS_JOBID, PBS_NODEFILE set; qstat and qsub replaced by
#    stand-ins that report a walltime and record submissions): its own timer stops
#    the run before the walltime, it submits its continuation with
#    -W depend=afterany and attempt 2; that one, stopped by a SIGTERM (qdel),
#    flushes and submits nothing; submitted again, the job completes the file.
#
# Both final files must be complete and bitwise identical to a plain 2-rank run.
#   launchers.sh ROPESWEEP MPIEXEC_RANKS PYTHON SOURCE_DIR
set -uo pipefail
exe=$1 mpiexec=$2 python=$3 source_dir=$4
compare=$source_dir/tests/batch/compare_results.py
fail() { echo "FAIL: $*"; exit 1; }
say() { echo "launchers: $*"; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ropesweep-launchers.XXXXXX")
launched=""
cleanup() {
  [[ -n $launched ]] && kill "$launched" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
export ROPESWEEP=$exe

incomplete() {  # incomplete FILE: a results file with some but not all points done
  "$python" - "$1" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    done = f["pairwise/done"][()]
    end = f.attrs["end_time"]
    end = end.decode() if isinstance(end, bytes) else end
    print(f"launchers: {sys.argv[1]}: {int(done.sum())} of {done.size} points done, end_time '{end}'")
    sys.exit(0 if 0 < done.sum() < done.size and not end else 1)
PY
}

# shellcheck source=sizing.sh
source "$source_dir/tests/batch/sizing.sh"
measure_sampling_cost
sized_spec 12 medium.yaml
spec=$work/medium.yaml
"$mpiexec" 2 "$exe" run "$spec" -o reference.h5 -q || fail "reference run failed"

# ---------------------------------------------------------------- local.sh
"$source_dir/jobscripts/local.sh" "$spec" local.h5 -n 2 >local.log 2>&1 &
launched=$!
for _ in $(seq 300); do [[ -e local.h5 ]] && break; sleep 0.1; done
[[ -e local.h5 ]] || { cat local.log; fail "local.sh did not create its file within 30 s"; }
sleep 3
kill -TERM "$launched"
wait "$launched"
rc=$?
launched=""
[[ $rc -eq 75 ]] || { cat local.log; fail "local.sh exited $rc after SIGTERM, expected 75"; }
say "local.sh stopped by SIGTERM: exit 75"
incomplete local.h5 || fail "the stopped run should leave a partial file"
"$source_dir/jobscripts/local.sh" "$spec" local.h5 -n 2 >>local.log 2>&1 ||
  { cat local.log; fail "local.sh did not resume to completion"; }
grep -q -- '--resume' local.log || fail "the second local.sh run did not resume"
"$python" "$compare" reference.h5 local.h5 --ranks 2 || fail "local.sh result differs"

# More ranks than cores: with Open MPI refused unless asked for, and then
# announced; other MPIs oversubscribe unasked, and local.sh warns.
cores=$(($(nproc) + 1))
if [[ ${ROPESWEEP_MPI_IS_OPENMPI:-1} == 1 ]]; then
  if "$source_dir/jobscripts/local.sh" "$spec" over.h5 -n $cores >over.log 2>&1; then
    fail "local.sh ran $cores ranks without --oversubscribe"
  fi
  grep -q "pass --oversubscribe" over.log || { cat over.log; fail "no clear refusal: $(cat over.log)"; }
  [[ ! -e over.h5 ]] || fail "a refused local.sh run created its file"
  say "refused as expected: $(cat over.log)"
else
  "$source_dir/jobscripts/local.sh" "$source_dir/tests/batch/small.yaml" over.h5 -n $cores \
    >over.log 2>&1 || { cat over.log; fail "local.sh failed with $cores ranks"; }
  grep -q "warning: $cores ranks on .* cores (oversubscribed)" over.log ||
    { cat over.log; fail "no warning about $cores ranks"; }
  say "oversubscribed with a warning: $(grep warning over.log)"
fi

# ---------------------------------------------------------------- pbs.sh
mkdir stubs
cat >stubs/qstat <<'STUB'
#!/bin/bash
echo "Job Id: $2"
echo "    Resource_List.walltime = $STUB_WALLTIME"
echo "    resources_used.walltime = 00:00:00"
STUB
cat >stubs/qsub <<'STUB'
#!/bin/bash
n=$(($(ls "$STUB_DIR"/qsub.* 2>/dev/null | wc -l) + 1))
printf '%s\n' "$@" >"$STUB_DIR/qsub.$n"
echo "$n.stub"
STUB
chmod +x stubs/qstat stubs/qsub
export STUB_DIR=$work/stubs PATH=$work/stubs:$PATH
printf 'localhost\nlocalhost\n' >nodefile

# Submission mode: resources in PBS Pro syntax, walltime from the planner.
"$source_dir/jobscripts/pbs.sh" "$spec" pbs.h5 -l select=1:ncpus=2:mpiprocs=2 >pbs.log 2>&1 ||
  { cat pbs.log; fail "pbs.sh submission failed"; }
grep -q '^walltime=' stubs/qsub.1 || { cat stubs/qsub.1; fail "no walltime in the submission"; }
vars=$(grep -A1 '^-v$' stubs/qsub.1 | tail -n 1)
say "submitted: qsub $(paste -sd' ' stubs/qsub.1)"

# The job, attempt 1: a 2m10s walltime and a stop 127 s before it, i.e. after 3 s.
IFS=, read -ra assignments <<<"$vars"
env "${assignments[@]}" PBS_JOBID=1.stub PBS_NODEFILE="$work/nodefile" PBS_O_WORKDIR="$work" \
  STUB_WALLTIME=00:02:10 ROPESWEEP_STOP_BEFORE=127 bash "$source_dir/jobscripts/pbs.sh" >>pbs.log 2>&1
rc=$?
[[ $rc -eq 0 ]] || { cat pbs.log; fail "pbs.sh attempt 1 exited $rc"; }
grep -q 'walltime timer' pbs.log || { cat pbs.log; fail "the walltime timer did not stop the run"; }
incomplete pbs.h5 || fail "the stopped PBS run should leave a partial file"
[[ -e stubs/qsub.2 ]] || { cat pbs.log; fail "no continuation was submitted"; }
grep -q '^depend=afterany:1.stub$' stubs/qsub.2 || fail "the continuation does not wait for job 1"
vars=$(grep -A1 '^-v$' stubs/qsub.2 | tail -n 1)
[[ $vars == *ROPESWEEP_ATTEMPT=2* ]] || fail "the continuation is not attempt 2: $vars"
say "continuation: qsub $(paste -sd' ' stubs/qsub.2)"

# The continuation, stopped by a SIGTERM from PBS (qdel): it flushes, exits 75
# and submits nothing.
IFS=, read -ra assignments <<<"$vars"
env "${assignments[@]}" PBS_JOBID=2.stub PBS_NODEFILE="$work/nodefile" PBS_O_WORKDIR="$work" \
  STUB_WALLTIME=01:00:00 bash "$source_dir/jobscripts/pbs.sh" >>pbs.log 2>&1 &
launched=$!
sleep 4
kill -TERM "$launched"
wait "$launched"
rc=$?
launched=""
[[ $rc -eq 75 ]] || { cat pbs.log; fail "pbs.sh stopped by SIGTERM exited $rc, expected 75"; }
[[ ! -e stubs/qsub.3 ]] || fail "a job stopped by SIGTERM (qdel) submitted a continuation"
grep -q 'attempt 2, 2 ranks.*--resume' pbs.log || { cat pbs.log; fail "attempt 2 did not resume"; }

# Submitted again by hand (attempt 3 of the same command): it completes.
env "${assignments[@]/ROPESWEEP_ATTEMPT=2/ROPESWEEP_ATTEMPT=3}" PBS_JOBID=3.stub \
  PBS_NODEFILE="$work/nodefile" PBS_O_WORKDIR="$work" STUB_WALLTIME=01:00:00 \
  bash "$source_dir/jobscripts/pbs.sh" >>pbs.log 2>&1 || { cat pbs.log; fail "pbs.sh attempt 3 failed"; }
[[ ! -e stubs/qsub.3 ]] || fail "a completed job submitted another continuation"
grep -E '^pbs.sh: (job|walltime|the walltime|SIGTERM|interrupted|stopped|complete)' pbs.log | sed 's/^/    /'
"$python" "$compare" reference.h5 pbs.h5 --ranks 2 || fail "pbs.sh result differs"
say "PASS"
