#!/bin/bash
# ropesweep on one machine with mpirun (workstation, laptop, or a node you are
# logged in to).
#
#   jobscripts/local.sh SPEC OUT.h5 [-n RANKS] [--oversubscribe] [-- RUN ARGS...]
#   jobscripts/local.sh sweeps/quick.yaml quick.h5
#   jobscripts/local.sh sweeps/quick.yaml quick.h5 -n 2
#
# RANKS defaults to every core this process may use (physical cores, as Open
# MPI counts slots). More ranks than cores is refused unless you pass
# --oversubscribe, and then it says so. As root, Open MPI's --allow-run-as-root
# is added (and announced).
#
# Environment: ROPESWEEP (the executable, default: `ropesweep` on PATH),
# ROPESWEEP_MPIRUN (default: mpirun; Open MPI is what this is tested with).
#
# Ctrl-C, SIGTERM or SIGHUP stop the run cleanly: every rank writes what it has
# and the run exits 75. Running the same command again resumes the file
# (`run --resume`, chosen automatically when OUT exists); completed points are
# never recomputed, and a file from a different sweep is refused.
set -uo pipefail

log() { echo "local.sh: $*" >&2; }
die() { log "error: $*"; exit 2; }
usage() { die "usage: $0 SPEC OUT.h5 [-n RANKS] [--oversubscribe] [-- RUN ARGS...]"; }

[[ $# -ge 2 ]] || usage
spec=$1 out=$2
shift 2
ranks="" oversubscribe=0 extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    -n | --ranks | -np) [[ $# -ge 2 ]] || usage; ranks=$2; shift ;;
    --oversubscribe) oversubscribe=1 ;;
    --) shift; extra=("$@"); break ;;
    *) usage ;;
  esac
  shift
done

exe=${ROPESWEEP:-ropesweep}
mpirun=${ROPESWEEP_MPIRUN:-mpirun}
command -v "$exe" >/dev/null || die "$exe: not found (set ROPESWEEP to the ropesweep executable)"
command -v "$mpirun" >/dev/null || die "$mpirun: not found (install Open MPI or set ROPESWEEP_MPIRUN)"
[[ -r $spec ]] || die "$spec: sweep spec not found"

# Cores this process may run on: the affinity mask (nproc) capped by the number
# of physical cores, since hardware threads are not separate slots to Open MPI.
cpus=$(nproc)
physical=$(lscpu -p=core,socket 2>/dev/null | grep -v '^#' | sort -u | wc -l)
cores=$cpus
[[ $physical -ge 1 && $physical -lt $cpus ]] && cores=$physical
[[ -n $ranks ]] || ranks=$cores
[[ $ranks =~ ^[0-9]+$ && $ranks -ge 1 ]] || die "-n $ranks: the rank count must be a positive integer"

launcher=("$mpirun" -np "$ranks")
if "$mpirun" --version 2>/dev/null | grep -qE 'Open MPI|OpenRTE|open-mpi'; then
  if [[ $ranks -gt $cores ]]; then
    [[ $oversubscribe -eq 1 ]] ||
      die "$ranks ranks but only $cores cores; use -n $cores or fewer, or pass --oversubscribe"
    log "oversubscribed: $ranks ranks on $cores cores; each rank gets less than a core"
    launcher+=(--oversubscribe)
  fi
  if [[ $(id -u) -eq 0 ]]; then
    log "running as root: adding --allow-run-as-root"
    launcher+=(--allow-run-as-root)
  fi
elif [[ $ranks -gt $cores ]]; then
  log "warning: $ranks ranks on $cores cores (oversubscribed)"
fi

resume=()
[[ -e $out ]] && resume=(--resume)
mkdir -p "$(dirname "$out")" || die "cannot create the directory of $out"
log "$ranks ranks, $(date -u +%FT%TZ): ${resume[*]:-new run} $out"

# mpirun answers SIGTERM/SIGINT by killing the ranks almost at once, too soon to
# flush. It forwards SIGUSR1 untouched, so each rank runs under a small shell
# that turns SIGUSR1 into SIGTERM for ropesweep (which ignores SIGUSR1 itself,
# as mpirun may signal the rank's whole process group). mpirun gets its own
# process group (set -m) so a Ctrl-C reaches only this script.
rank_shell='trap "kill -TERM \$child 2>/dev/null" USR1 TERM
(trap "" USR1; exec "$@") &
child=$!
while :; do wait $child; rc=$?; kill -0 $child 2>/dev/null || exit $rc; done'

set -m
"${launcher[@]}" bash -c "$rank_shell" ropesweep-rank \
  "$exe" run "$spec" -o "$out" "${resume[@]}" "${extra[@]}" &
job=$!
set +m
on_stop() {
  log "stopping: asking the ranks to flush"
  kill -USR1 "$job" 2>/dev/null || true
}
trap on_stop INT TERM HUP
while :; do
  wait "$job"
  rc=$?
  kill -0 "$job" 2>/dev/null || break
done

case $rc in
  0) log "complete: $out" ;;
  75) log "interrupted with results flushed; run the same command again to resume $out" ;;
  *) log "ropesweep run failed with exit code $rc" ;;
esac
exit "$rc"
