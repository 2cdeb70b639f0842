#!/usr/bin/env bash
# How close `ropesweep plan` comes to the wall time of a run: for each sweep,
# `plan --ranks 2` (its predicted wall time of `mpirun -np 2 ropesweep run`, launch to
# exit) and then that run, timed from launch to exit; one table row per sweep and
# repetition with predicted and measured seconds and their ratio, then the medians.
# The sweeps, a few seconds to a minute each on 2 cores:
#   quick         sweeps/quick.yaml, the README's default: three kinds, its time set by
#                 one expensive bmin point that calibration cannot afford to time
#                 (extrapolated from cheaper ones);
#   decay_heavy   bench/plan_accuracy/decay.yaml: 10 000 cheap decay points whose cost
#                 spans three decades (fixed cost per point against cost per work; writes);
#   probe_bench   bench/plan_accuracy/probe.yaml: 36 transformer-probe points computed in
#                 batches, the largest timed with their samples cut down.
# The load average (1, 5, 15 min) is printed before each run: plan times compute on
# this machine as it is loaded when it runs, and other work on the cores slows both.
#
# Usage: bench/plan_accuracy.sh [BUILD_DIR]
#   env: REPEATS (default 3), MPIRUN (the launcher with its options, default
#        "mpirun --allow-run-as-root --oversubscribe"; it is given -np 2), TIMEOUT
#        (seconds per run, default 600)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
exe=$build/ropesweep
[[ -x $exe ]] || { echo "no $exe: build the ropesweep target first" >&2; exit 2; }
read -r -a mpirun <<<"${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}"
repeats=${REPEATS:-3}
limit=${TIMEOUT:-600}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { echo "$EPOCHREALTIME"; }
# Median of the arguments (numbers).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v p="$1" -v m="$2" 'BEGIN { printf "%.2f", p / m }'; }
# The predicted wall time of the plan's one row, in seconds ("1m05s", "2.4s", ...).
seconds_of() {
  awk '{ s = 0; t = $0
         while (match(t, /[0-9.]+[dhms]/)) {
           v = substr(t, RSTART, RLENGTH - 1); u = substr(t, RSTART + RLENGTH - 1, 1)
           s += v * (u == "d" ? 86400 : u == "h" ? 3600 : u == "m" ? 60 : 1)
           t = substr(t, RSTART + RLENGTH) }
         print s }' <<<"$1"
}

sweeps=("quick $root/sweeps/quick.yaml" "decay_heavy $here/plan_accuracy/decay.yaml"
  "probe_bench $here/plan_accuracy/probe.yaml")
echo "-- $("$exe" --version 2>/dev/null | head -n 1); $(nproc) cores; run: ${mpirun[*]} -np 2; $repeats repetition(s)"
rows=()
declare -A ratios predicted measured
for ((r = 1; r <= repeats; ++r)); do
  for entry in "${sweeps[@]}"; do
    read -r name spec <<<"$entry"
    before=$(load)
    if ! "$exe" plan "$spec" --ranks 2 -o "$work/out.h5" >"$work/plan.txt" 2>&1; then
      sed 's/^/    /' "$work/plan.txt" >&2
      continue
    fi
    # The row of 2 ranks: ranks makespan efficiency chunks set-up writes finish wall-time
    row=$(awk '$1 == "2" && NF >= 8' "$work/plan.txt" | tail -n 1)
    read -r _ makespan _ _ setup writes finish wall <<<"$row"
    p=$(seconds_of "$wall")
    rm -rf "$work/out.h5" "$work/out.h5.journal"
    start=$(now)
    if ! timeout "$limit" "${mpirun[@]}" -np 2 "$exe" run "$spec" -o "$work/out.h5" -q \
      >"$work/run.txt" 2>&1; then
      sed 's/^/    /' "$work/run.txt" >&2
      continue
    fi
    m=$(awk -v a="$(now)" -v b="$start" 'BEGIN { printf "%.2f", a - b }')
    q=$(ratio "$p" "$m")
    predicted[$name]+="$p " measured[$name]+="$m " ratios[$name]+="$q "
    echo "   $r $name: predicted $p s (set-up $setup, compute $makespan, writes $writes, finish $finish), measured $m s, ratio $q; load before $before"
    rows+=("| $name | $r | $before | $setup | $makespan | $writes | $finish | $p | $m | $q |")
  done
done
echo
echo "| sweep | run | load before (1, 5, 15 min) | set-up | compute | writes | finish | predicted s | measured s | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "| sweep | runs | median predicted s | median measured s | median ratio | ratios |"
echo "|---|---|---|---|---|---|"
for entry in "${sweeps[@]}"; do
  read -r name _ <<<"$entry"
  [[ -n ${ratios[$name]:-} ]] || { echo "| $name | 0 | | | | |"; continue; }
  read -r -a qs <<<"${ratios[$name]}"
  read -r -a ps <<<"${predicted[$name]}"
  read -r -a ms <<<"${measured[$name]}"
  echo "| $name | ${#qs[@]} | $(median "${ps[@]}") | $(median "${ms[@]}") | $(median "${qs[@]}") | ${qs[*]} |"
done
