#!/bin/bash
# ropesweep as one PBS Pro / Torque MPI job, launched with mpiexec over
# $PBS_NODEFILE, that finishes itself across walltime limits: shortly before the
# limit the run flushes its results and exits 75, and the job submits its own
# continuation, which resumes the file.
#
# Submit it by running it (outside a job) with the resources in qsub syntax.
# The walltime then comes from `ropesweep plan SPEC --ranks N --format slurm-time`
# (N = select chunks x mpiprocs, or nodes x ppn), unless you give one:
#
#   jobscripts/pbs.sh SPEC OUT.h5 [qsub options...]
#   jobscripts/pbs.sh sweeps/quick.yaml /scratch/$USER/quick.h5 -l select=2:ncpus=32:mpiprocs=32
#   jobscripts/pbs.sh sweeps/quick.yaml /scratch/$USER/quick.h5 -l nodes=2:ppn=32 -q batch
#
# or with qsub directly (no automatic continuation then, resubmit by hand):
#
#   qsub -l select=1:ncpus=8:mpiprocs=8 -l walltime=02:00:00 \
#        -v ROPESWEEP_SPEC=$PWD/sweeps/quick.yaml,ROPESWEEP_OUT=$PWD/quick.h5 jobscripts/pbs.sh
#
# Settings, from the environment of the job (qsub -v, or exported before a
# submission through this script, which passes them on):
#   ROPESWEEP_SPEC, ROPESWEEP_OUT  the sweep and the results file (absolute paths)
#   ROPESWEEP                      the executable (default: `ropesweep` on PATH)
#   ROPESWEEP_MPIEXEC              default: mpiexec
#   ROPESWEEP_RANKS                rank count (default: lines of $PBS_NODEFILE)
#   ROPESWEEP_RUN_ARGS             extra arguments for `ropesweep run`
#   ROPESWEEP_STOP_BEFORE          seconds before the walltime to stop (default 120)
#   ROPESWEEP_MAX_RESTARTS         continuations at most (default 20)
#
# Restarting: if OUT exists the run is resumed (`run --resume`); completed points
# are never recomputed and a file from a different sweep is refused. PBS has no
# early-warning signal, so the job arms its own timer from the walltime; the
# continuation is the same qsub command (kept in OUT.pbs-submit), made to wait
# for this job with -W depend=afterany.
#
#PBS -N ropesweep
#PBS -j oe
#PBS -r y
set -uo pipefail

log() { echo "pbs.sh: $*" >&2; }
die() { log "error: $*"; exit 2; }

exe=${ROPESWEEP:-ropesweep}

# "D-HH:MM:SS", "HH:MM:SS", "MM:SS" or minutes to seconds.
time_to_seconds() {
  local t=$1 days=0 h=0 m=0 s=0
  if [[ $t == *-* ]]; then days=${t%%-*}; t=${t#*-}; IFS=: read -r h m s <<<"$t"
  else
    local parts
    IFS=: read -ra parts <<<"$t"
    case ${#parts[@]} in
      1) m=${parts[0]} ;;
      2) m=${parts[0]}; s=${parts[1]} ;;
      3) h=${parts[0]}; m=${parts[1]}; s=${parts[2]} ;;
      *) return 1 ;;
    esac
  fi
  echo $(((10#${days:-0} * 24 + 10#${h:-0}) * 3600 + 10#${m:-0} * 60 + 10#${s:-0}))
}
seconds_to_hms() { printf '%d:%02d:%02d\n' $(($1 / 3600)) $(($1 % 3600 / 60)) $(($1 % 60)); }

# ---------------------------------------------------------------- submission
if [[ -z ${PBS_JOBID:-} ]]; then
  [[ $# -ge 2 ]] || die "usage: $0 SPEC OUT.h5 [qsub options...]"
  spec=$(realpath -e -- "$1") || die "$1: sweep spec not found"
  out=$(realpath -m -- "$2")
  shift 2
  command -v "$exe" >/dev/null || die "$exe: not found (set ROPESWEEP to the ropesweep executable)"
  exe=$(realpath -e -- "$(command -v "$exe")")

  ranks=${ROPESWEEP_RANKS:-} have_walltime=0
  for arg in "$@"; do
    [[ $arg == *walltime=* ]] && have_walltime=1
    if [[ -z ${ROPESWEEP_RANKS:-} && $arg =~ select=([0-9]+):.*mpiprocs=([0-9]+) ]]; then
      ranks=$((BASH_REMATCH[1] * BASH_REMATCH[2]))
    elif [[ -z ${ROPESWEEP_RANKS:-} && $arg =~ nodes=([0-9]+):ppn=([0-9]+) ]]; then
      ranks=$((BASH_REMATCH[1] * BASH_REMATCH[2]))
    fi
  done
  walltime_args=()
  if [[ $have_walltime -eq 0 ]]; then
    [[ $ranks =~ ^[0-9]+$ && $ranks -ge 1 ]] ||
      die "cannot tell the rank count: give -l select=N:ncpus=C:mpiprocs=P, -l nodes=N:ppn=P or ROPESWEEP_RANKS"
    limit=$("$exe" plan "$spec" --ranks "$ranks" --format slurm-time) ||
      die "ropesweep plan failed; pass -l walltime=HH:MM:SS yourself"
    seconds=$(time_to_seconds "$limit") || die "ropesweep plan printed '$limit', not a time"
    walltime_args=(-l "walltime=$(seconds_to_hms "$seconds")")
    log "ropesweep plan: $ranks ranks need walltime $(seconds_to_hms "$seconds")"
  fi
  mkdir -p "$(dirname "$out")"
  script=$(realpath -e -- "$0")
  vars="ROPESWEEP_SPEC=$spec,ROPESWEEP_OUT=$out,ROPESWEEP=$exe,ROPESWEEP_ATTEMPT=1"
  for name in ROPESWEEP_MPIEXEC ROPESWEEP_RANKS ROPESWEEP_RUN_ARGS ROPESWEEP_STOP_BEFORE \
    ROPESWEEP_MAX_RESTARTS; do
    [[ -n ${!name:-} ]] && vars+=",$name=${!name}"
  done
  command=(qsub "${walltime_args[@]}" "$@" -v "$vars" "$script")
  # The continuation repeats this command; the job adds the dependency and the attempt.
  printf '%q ' "${command[@]}" >"$out.pbs-submit"
  echo >>"$out.pbs-submit"
  exec "${command[@]}"
fi

# ---------------------------------------------------------------- the job
spec=${ROPESWEEP_SPEC:-}
out=${ROPESWEEP_OUT:-}
[[ -n $spec && -n $out ]] || die "no sweep: qsub -v ROPESWEEP_SPEC=...,ROPESWEEP_OUT=... (absolute paths)"
cd "${PBS_O_WORKDIR:-.}" || true
command -v "$exe" >/dev/null || die "$exe: not found (set ROPESWEEP to the ropesweep executable)"
mpiexec=${ROPESWEEP_MPIEXEC:-mpiexec}
[[ -r ${PBS_NODEFILE:-} ]] || die "PBS_NODEFILE is not set or not readable"
ranks=${ROPESWEEP_RANKS:-$(wc -l <"$PBS_NODEFILE")}
attempt=${ROPESWEEP_ATTEMPT:-1}
max_restarts=${ROPESWEEP_MAX_RESTARTS:-20}
stop_before=${ROPESWEEP_STOP_BEFORE:-120}
mkdir -p "$(dirname "$out")" || die "cannot create the directory of $out"
resume=()
[[ -e $out ]] && resume=(--resume)
# shellcheck disable=SC2206  # extra arguments are split on purpose
extra=(${ROPESWEEP_RUN_ARGS:-})
log "job $PBS_JOBID attempt $attempt, $ranks ranks on $(sort -u "$PBS_NODEFILE" | paste -sd, -)," \
  "$(date -u +%FT%TZ): ${resume[*]:-new run} $out"

# The walltime: Torque exports PBS_WALLTIME (seconds); otherwise ask qstat.
walltime=${PBS_WALLTIME:-}
if [[ -z $walltime ]]; then
  w=$(qstat -f "$PBS_JOBID" 2>/dev/null | sed -n 's/^ *Resource_List.walltime = //p' | head -n 1)
  [[ -n $w ]] && walltime=$(time_to_seconds "$w")
fi

launcher=("$mpiexec" -np "$ranks" -machinefile "$PBS_NODEFILE")
[[ $(id -u) -eq 0 ]] && "$mpiexec" --version 2>/dev/null | grep -qE 'Open MPI|OpenRTE|open-mpi' &&
  launcher+=(--allow-run-as-root)

# mpiexec answers SIGTERM by killing the ranks almost at once, too soon to
# flush; it forwards SIGUSR1 untouched, so each rank runs under a small shell
# that turns SIGUSR1 into SIGTERM for ropesweep (which ignores SIGUSR1 itself,
# as the whole process group of a rank may receive it).
rank_shell='trap "kill -TERM \$child 2>/dev/null" USR1 TERM
(trap "" USR1; exec "$@") &
child=$!
while :; do wait $child; rc=$?; kill -0 $child 2>/dev/null || exit $rc; done'

set -m
"${launcher[@]}" bash -c "$rank_shell" ropesweep-rank \
  "$exe" run "$spec" -o "$out" "${resume[@]}" "${extra[@]}" &
job=$!
set +m
stopping=0
stop() {
  stopping=1
  log "$1 at $(date -u +%FT%TZ): asking the ranks to flush and stop"
  kill -USR1 "$job" 2>/dev/null || true
}
# Only our own timer leads to a continuation; a SIGTERM from PBS (qdel, or the
# walltime reached without the timer) stops the run, and a continuation is
# left to the user.
timer_fired=0
trap 'stop SIGTERM' TERM
trap 'timer_fired=1; stop "the walltime timer"' USR2
timer=""
if [[ -n $walltime && $walltime -gt 0 ]]; then
  # Seconds this job has already used (PBS started counting before this script).
  used=$(qstat -f "$PBS_JOBID" 2>/dev/null | sed -n 's/^ *resources_used.walltime = //p' | head -n 1)
  used=$([[ -n $used ]] && time_to_seconds "$used" || echo 0)
  delay=$((walltime - used - stop_before))
  ((delay < 0)) && delay=0
  log "walltime $(seconds_to_hms "$walltime"): stopping in $(seconds_to_hms "$delay") if not done"
  (sleep "$delay" && kill -USR2 $$) &
  timer=$!
else
  log "walltime unknown: no early stop (PBS's own SIGTERM at the limit may cut the last results)"
fi
while :; do
  wait "$job"
  rc=$?
  kill -0 "$job" 2>/dev/null || break
done
[[ -n $timer ]] && { pkill -P "$timer" 2>/dev/null; kill "$timer" 2>/dev/null; }

# A stop we asked for that hit the ranks before ropesweep had installed its
# handler (a walltime shorter than ROPESWEEP_STOP_BEFORE) ends
# the step by the signal instead of exit 75; it is still an interruption,
# and resuming is safe whatever the file holds (the run's journal covers it).
if [[ $stopping -eq 1 && $rc -ne 0 && $rc -ne 75 ]]; then
  log "the step ended with code $rc after the stop request; treating it as interrupted"
  rc=75
fi

case $rc in
  0)
    log "complete: $out ($(date -u +%FT%TZ))"
    exit 0
    ;;
  75)
    if [[ $attempt -gt $max_restarts ]]; then
      log "stopped after $attempt attempts (ROPESWEEP_MAX_RESTARTS=$max_restarts); submit again to continue"
      exit 75
    fi
    if [[ $timer_fired -eq 0 ]]; then
      log "stopped by SIGTERM with results flushed; submit again to resume $out"
      exit 75
    fi
    if [[ ! -r $out.pbs-submit ]]; then
      log "interrupted with results flushed; submit again to resume $out"
      exit 75
    fi
    # Same command, one attempt further on, starting after this job ends.
    continuation=$(sed "s/ROPESWEEP_ATTEMPT=[0-9]*/ROPESWEEP_ATTEMPT=$((attempt + 1))/" "$out.pbs-submit")
    continuation=${continuation/qsub /qsub -W depend=afterany:$PBS_JOBID }
    if next=$(eval "$continuation"); then
      log "interrupted with results flushed; continuation is job $next"
      exit 0
    fi
    log "interrupted with results flushed; qsub refused the continuation, submit again to resume $out"
    exit 75
    ;;
  *)
    log "ropesweep run failed with exit code $rc"
    exit "$rc"
    ;;
esac
