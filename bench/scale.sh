#!/usr/bin/env bash
# How set-up, planning and the results file scale with the grid: decay grids of
# 10^6, 10^7 and 10^8 cheap points (base x length, head_dim 8, cap 64), one table
# row each:
#   validate         wall time of `ropesweep validate`
#   plan, plan -nc   `plan --ranks 2` with and without --no-calibrate: wall time and
#                    peak RSS (/usr/bin/time -f '%e %M')
#   run              `run` on 2 ranks (default options, --progress-interval 0.05):
#                    set-up: launch to rank 0's first line ("... to do (N tasks) on 2 ranks"),
#                      printed once the work list is built and the file created;
#                    first point: launch to rank 0's first progress line counting a
#                      point done (an upper bound: lines are 0.05 s apart);
#                    rank-0 peak: VmHWM of rank 0's process (/proc/PID/status),
#                      read up to the moment the run is stopped;
#                    file at ~1%: the run is stopped with SIGTERM on its ranks once
#                      progress says 1% is done (they flush and exit 75), then the
#                      file's size and the points it holds (`ropesweep info`);
#   complete file    measured for 10^6 (a run to the end), else that size per point
#                    times the points (extrapolated, marked ~).
# Then plan's predicted wall time against the measured one for three sweeps on 2 ranks
# (bench/plan_accuracy.sh, REPEATS=1 unless set; SCALE_ACCURACY=0 skips it).
# Each stage is bounded by TIMEOUT seconds (default 600) and says "timeout" in its
# cell. 10^6 is the median of 3 repetitions, 10^7 and 10^8 single runs. The load
# average (uptime) is printed before each row. 10^8 runs only with SCALE_BIG=1:
# it takes minutes and several GB of memory.
#
# Usage: bench/scale.sh [BUILD_DIR]
#   env: SCALE_BIG=1, SCALE_SIZES (default "6 7 8": powers of ten), TIMEOUT,
#        MPIRUN (the launcher with its options, default
#        "mpirun --allow-run-as-root --oversubscribe"; it is given -np 2)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
exe=$build/ropesweep
[[ -x $exe ]] || { echo "no $exe: build the ropesweep target first" >&2; exit 2; }
read -r -a mpirun <<<"${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}"
limit=${TIMEOUT:-600}
sizes=${SCALE_SIZES:-6 7 8}
work=$(mktemp -d)
launcher=""
cleanup() {
  [[ -n $launcher ]] && kill -KILL $(descendants "$launcher") "$launcher" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { echo "$EPOCHREALTIME"; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }  # KiB -> MiB
# Median of the arguments; "timeout" if any is not a number (a stage that hung).
median() {
  local v
  for v in "$@"; do [[ $v =~ ^[0-9.]+$ ]] || { echo "$v"; return; }; done
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# spec FILE BASES LENGTHS: a decay grid of BASES x LENGTHS points.
spec() {
  cat >"$1" <<EOF
name: scale
seed: 1
experiments:
  decay:
    fixed: {head_dim: 8, cap: 64}
    axes:
      base: {logspace: [1, 6, $2]}
      length: {range: [2, $(($3 + 2)), 1]}
EOF
}

# timed CMD...: "SECONDS KIB" (wall time, peak RSS of the command and its children),
# or "timeout timeout", or "failed failed" (the command's error is shown).
timed() {
  local out=$work/time.txt status
  /usr/bin/time -f '%e %M' -o "$out" timeout "$limit" "$@" >"$work/stdout.txt" 2>"$work/stderr.txt"
  status=$?
  if ((status == 124)); then
    echo "timeout timeout"
  elif ((status != 0)); then
    sed 's/^/    /' "$work/stderr.txt" >&2
    echo "failed failed"
  else
    tail -n 1 "$out"
  fi
}

descendants() {
  local child
  for child in $(pgrep -P "$1"); do echo "$child"; descendants "$child"; done
}
# The `ropesweep run` processes below the launcher, rank 0 first.
rank_pids() {
  local pid rank
  for pid in $(descendants "$launcher"); do
    [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == "$exe run "* ]] || continue
    rank=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null |
      sed -n 's/^\(OMPI_COMM_WORLD_RANK\|PMI_RANK\)=//p' | head -n 1)
    echo "${rank:-9} $pid"
  done | sort -n | awk '{ print $2 }'
}
hwm_kib() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null; }

# run_to_one_percent SPEC OUT: "SETUP FIRST RANK0_KIB FILE_BYTES KEPT_PERCENT" (seconds
# from launch); a stage that did not finish within the limit says "timeout".
run_to_one_percent() {
  local spec=$1 out=$2 log=$work/run.log start setup=timeout first=timeout hwm=timeout
  local line stamp done total ranks rank0="" kib stopped=0 size kept
  rm -rf "$out" "$out.journal" "$log"
  start=$(now)
  "${mpirun[@]}" -np 2 "$exe" run "$spec" -o "$out" --progress-interval 0.05 \
    2> >(while IFS= read -r line; do echo "$EPOCHREALTIME $line"; done >"$log") &
  launcher=$!
  while kill -0 "$launcher" 2>/dev/null; do
    if [[ -z $rank0 ]]; then
      ranks=$(rank_pids)
      [[ $(wc -w <<<"$ranks") -ge 2 ]] && rank0=$(head -n 1 <<<"$ranks")
    fi
    [[ -n $rank0 ]] && kib=$(hwm_kib "$rank0") && [[ -n $kib ]] && hwm=$kib
    if [[ $setup == timeout ]] && read -r stamp _ < <(grep -m 1 ' to do ' "$log" 2>/dev/null); then
      setup=$(minus "$stamp" "$start")
    fi
    # The last progress line: "STAMP ropesweep: DONE/TOTAL points (P%), ..."
    if read -r stamp done total < <(sed -n 's|^\([0-9.]*\) ropesweep: \([0-9]*\)/\([0-9]*\) points .*|\1 \2 \3|p' \
      "$log" 2>/dev/null | tail -n 1); then
      if [[ $first == timeout ]] && ((done > 0)); then
        first=$(minus "$(sed -n 's|^\([0-9.]*\) ropesweep: [1-9][0-9]*/.*|\1|p' "$log" | head -n 1)" "$start")
      fi
      if ((100 * done >= total)); then
        kill -TERM $ranks 2>/dev/null
        stopped=1
        break
      fi
    fi
    if (($(minus "$(now)" "$start" | cut -d. -f1) >= limit)); then
      kill -KILL $(descendants "$launcher") "$launcher" 2>/dev/null
      break
    fi
    sleep 0.05
  done
  wait "$launcher" 2>/dev/null
  launcher=""
  if ((stopped)) || [[ -f $out ]]; then
    size=$(stat -c %s "$out" 2>/dev/null || echo 0)
    kept=$(timeout "$limit" "$exe" info "$out" 2>/dev/null |
      sed -n 's|^total: \([0-9]*\)/\([0-9]*\) .*|\1 \2|p' |
      awk '{ printf "%.2f", 100 * $1 / $2 }')
  fi
  if ((!stopped)); then size=timeout kept=timeout; fi
  echo "$setup $first $hwm ${size:-timeout} ${kept:-timeout}"
}

# complete_file SPEC OUT: bytes of the file of a run to the end, or "timeout".
complete_file() {
  rm -rf "$2" "$2.journal"
  if timeout "$limit" "${mpirun[@]}" -np 2 "$exe" run "$1" -o "$2" -q >/dev/null 2>&1; then
    stat -c %s "$2"
  else
    echo timeout
  fi
}

echo "-- $("$exe" --version 2>/dev/null | head -n 1); $(nproc) cores; $(free -g | awk '/^Mem:/ { print $2 " GB memory, " $7 " GB available" }')"
echo "-- decay grids (head_dim 8, cap 64); run: ${mpirun[*]} -np 2; stages bounded by $limit s"
header="| points | repetitions | load before (1, 5, 15 min) | validate s | plan s | plan MiB | plan --no-calibrate s | plan --no-calibrate MiB | run: set-up s | run: first point s | run: rank-0 peak MiB | file at ~1% MiB (points in it) | complete file MiB |"
rows=()
bytes_per_point=""
for exponent in $sizes; do
  points=$((10 ** exponent))
  case $exponent in
    6) bases=1000 lengths=1000 ;;
    7) bases=10000 lengths=1000 ;;
    8) bases=10000 lengths=10000 ;;
    *) echo "-- 10^$exponent: no grid for this size (6, 7 or 8)"; continue ;;
  esac
  if ((exponent == 8)) && [[ ${SCALE_BIG:-0} != 1 ]]; then
    echo "-- 10^8 skipped: set SCALE_BIG=1 (minutes per stage, several GB of memory; check free -g)"
    continue
  fi
  repeats=1
  ((exponent == 6)) && repeats=3
  spec "$work/scale.yaml" "$bases" "$lengths"
  row_load=$(load)
  echo "-- 10^$exponent points ($bases bases x $lengths lengths), $repeats run(s); load: $row_load"
  v=() ps=() pk=() ns=() nk=() su=() fp=() hw=() fs=() kp=()
  for ((r = 1; r <= repeats; ++r)); do
    read -r t _ < <(timed "$exe" validate "$work/scale.yaml")
    v+=("$t")
    read -r t k < <(timed "$exe" plan "$work/scale.yaml" --ranks 2)
    ps+=("$t") pk+=("$k")
    read -r t k < <(timed "$exe" plan "$work/scale.yaml" --ranks 2 --no-calibrate)
    ns+=("$t") nk+=("$k")
    read -r a b c d e < <(run_to_one_percent "$work/scale.yaml" "$work/scale.h5")
    su+=("$a") fp+=("$b") hw+=("$c") fs+=("$d") kp+=("$e")
    echo "   run $r: validate ${v[-1]} s; plan ${ps[-1]} s ${pk[-1]} KiB; --no-calibrate ${ns[-1]} s" \
      "${nk[-1]} KiB; run set-up $a s, first point $b s, rank 0 $c KiB, file $d B at $e% (load $(load))"
  done
  rm -rf "$work/scale.h5" "$work/scale.h5.journal"
  if ((exponent == 6)); then
    whole=$(complete_file "$work/scale.yaml" "$work/whole.h5")
    rm -f "$work/whole.h5"
    [[ $whole == timeout ]] || bytes_per_point=$(awk -v b="$whole" -v n="$points" 'BEGIN { print b / n }')
    complete=$([[ $whole == timeout ]] && echo timeout ||
      awk -v b="$whole" 'BEGIN { printf "%.1f", b / 1048576 }')
  elif [[ -n $bytes_per_point ]]; then
    complete="~$(awk -v b="$bytes_per_point" -v n="$points" 'BEGIN { printf "%.0f", b * n / 1048576 }')"
  else
    complete="?"
  fi
  show_kib() { [[ $1 =~ ^[0-9]+$ ]] && mib "$1" || echo "$1"; }
  file_cell=$(median "${fs[@]}")
  [[ $file_cell =~ ^[0-9]+$ ]] && file_cell="$(awk -v b="$file_cell" 'BEGIN { printf "%.1f", b / 1048576 }') ($(median "${kp[@]}")%)"
  rows+=("| 10^$exponent | $([[ $repeats == 1 ]] && echo "1 (single run)" || echo "$repeats (medians)") | $row_load | $(median "${v[@]}") | $(median "${ps[@]}") | $(show_kib "$(median "${pk[@]}")") | $(median "${ns[@]}") | $(show_kib "$(median "${nk[@]}")") | $(median "${su[@]}") | $(median "${fp[@]}") | $(show_kib "$(median "${hw[@]}")") | $file_cell | $complete |")
done
echo
echo "$header"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"

if [[ ${SCALE_ACCURACY:-1} != 0 ]]; then
  echo
  echo "plan's predicted wall time against the measured one (bench/plan_accuracy.sh):"
  REPEATS=${REPEATS:-1} "$here/plan_accuracy.sh" "$build"
fi
