#!/usr/bin/env bash
# Interrupts a 2-rank run of SPEC at a given moment, resumes it on 3 ranks, and
# checks the result is bitwise identical to an uninterrupted run (REFERENCE).
#   MODE kill-rank: SIGKILL one rank once PERCENT of the points are done
#        kill-job:  SIGKILL every rank and the launcher
#        term:      SIGTERM every rank (what Slurm sends): exit code 75 expected
#        corrupt:   kill-job, then cut the file short: resume rebuilds it from the journal
#        kill-timed: kill-job with only time-based flushing (every 0.3 s, no point limit)
# usage: kill_resume.sh MODE PERCENT EXE MPIEXEC_RANKS PYTHON SPEC WORKDIR REFERENCE
# (MPIEXEC_RANKS: the build's tests/mpiexec-ranks, which takes the rank count first)
set -euo pipefail
mode=$1 percent=$2 exe=$3 mpiexec=$4 python=$5 spec=$6 work=$7 reference=$8
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
out="$work/$mode.h5"
rm -rf "$out" "$out.journal" "$out.unreadable"

progress() {  # prints "done total" from `ropesweep info`, or nothing
  "$exe" info "$out" 2>/dev/null | sed -n 's|^total: \([0-9]*\)/\([0-9]*\) .*|\1 \2|p'
}

flush=(--flush-points 1)
[[ $mode == kill-timed ]] && flush=(--flush-points 1000000 --flush-seconds 0.3)
source "$here/job_processes.sh"

"$mpiexec" 2 "$exe" run "$spec" -o "$out" "${flush[@]}" -q &
launcher=$!
job="" ranks=""
while :; do
  if ! kill -0 "$launcher" 2>/dev/null; then
    echo "FAIL: the run ended before reaching $percent% (make the spec slower)"
    exit 1
  fi
  # Looked up before the moment comes, so that the signal follows it at once.
  [[ $(wc -w <<<"$ranks") -ge 2 ]] || find_job
  read -r done total < <(progress || true; echo "0 1") || true
  if [[ -n "${done:-}" && $((100 * done)) -ge $((percent * total)) ]]; then break; fi
  sleep 0.05
done
[[ -n "$ranks" ]] || { echo "FAIL: no rank processes found under $launcher"; exit 1; }
echo "interrupting ($mode) at $done/$total points; ranks: $(echo $ranks)"
case $mode in
  kill-rank) kill -KILL $(echo $ranks | awk '{print $NF}') ;;
  kill-job | corrupt | kill-timed) kill -KILL $job "$launcher" 2>/dev/null || true ;;
  term) kill -TERM $ranks ;;
esac
set +e
wait "$launcher"
status=$?
set -e
echo "interrupted run exited with $status"
wait_until_gone
if [[ $mode == term && $status -ne 75 ]]; then
  echo "FAIL: SIGTERM should give exit code 75"
  exit 1
fi
[[ $status -ne 0 ]] || { echo "FAIL: the interrupted run claimed success"; exit 1; }
read -r kept total < <(progress)
echo "kept after the interruption: $kept/$total points"
[[ $kept -lt $total ]] || { echo "FAIL: nothing was left to resume"; exit 1; }
if [[ $mode == term ]]; then
  # SIGTERM flushes: nothing computed before the signal is lost.
  [[ $kept -ge $done ]] || { echo "FAIL: SIGTERM lost points ($kept < $done)"; exit 1; }
fi
if [[ $mode == corrupt ]]; then
  size=$(stat -c %s "$out")
  head -c $((size / 2)) "$out" > "$out.cut" && mv "$out.cut" "$out"
  if "$exe" info "$out" >/dev/null 2>&1; then echo "FAIL: the cut file still reads"; exit 1; fi
fi

"$mpiexec" 3 "$exe" run "$spec" -o "$out" --resume -q
"$python" "$here/check_outputs.py" complete "$out"
"$python" "$here/check_outputs.py" identical "$reference" "$out"
if [[ $mode == corrupt ]]; then
  [[ -f "$out.unreadable" ]] || { echo "FAIL: the unreadable file was not kept"; exit 1; }
fi
[[ ! -d "$out.journal" ]] || { echo "FAIL: journal left behind after completion"; exit 1; }
echo "PASS: $mode at $percent%"
