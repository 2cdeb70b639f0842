#!/usr/bin/env bash
# A results file grows with the work done (docs/file-format.md, "Storage"):
#   interrupted: a run of SPEC stopped (SIGTERM) after about 1% of its points
#     leaves a file under a tenth of the complete one; resumed, it is bitwise the
#     uninterrupted run.
#   shards: each of 4 shard files is within 25% of a quarter of the complete file
#     in bytes, and their merge is bitwise the uninterrupted run; a shard file of
#     an earlier version (dealt point by point) is refused by merge and resume.
# usage: grows_with_work.sh MODE EXE MPIEXEC_RANKS PYTHON SPEC CHECK_OUTPUTS WORKDIR
set -euo pipefail
mode=$1 exe=$2 mpiexec=$3 python=$4 spec=$5 check=$6 work=$7
mkdir -p "$work"
cd "$work"
bytes() { stat -c %s "$1"; }
progress() {  # prints "done total" from `ropesweep info`, or nothing
  "$exe" info "$1" 2>/dev/null | sed -n 's|^total: \([0-9]*\)/\([0-9]*\) .*|\1 \2|p' || true
}

rm -rf whole.h5 whole.h5.journal
"$mpiexec" 2 "$exe" run "$spec" -o whole.h5 -q
whole=$(bytes whole.h5)
echo "complete file: $whole bytes"

case $mode in
  interrupted)
    out=partial.h5
    rm -rf "$out" "$out.journal"
    "$mpiexec" 2 "$exe" run "$spec" -o "$out" -q --flush-points 500 &
    launcher=$!
    done=0 total=1
    while kill -0 "$launcher" 2>/dev/null; do
      read -r done total < <(progress "$out"; echo "0 1") || true
      ((100 * done < total)) || break
      sleep 0.05
    done
    ranks=$(pgrep -f "^$exe run $spec -o $out" || true)
    [[ -n $ranks ]] || { echo "FAIL: the run ended before 1% was done"; exit 1; }
    kill -TERM $ranks
    set +e
    wait "$launcher"
    status=$?
    set -e
    [[ $status -eq 75 ]] || { echo "FAIL: SIGTERM gave exit code $status, not 75"; exit 1; }
    read -r kept total < <(progress "$out")
    partial=$(bytes "$out")
    echo "interrupted at $kept/$total points: $partial bytes"
    ((kept < total)) || { echo "FAIL: nothing left to resume"; exit 1; }
    # Well under a tenth of the complete file when about 1% is done.
    ((10 * partial < whole)) || { echo "FAIL: $partial bytes is not under a tenth of $whole"; exit 1; }
    "$mpiexec" 2 "$exe" run "$spec" -o "$out" --resume -q
    "$python" "$check" identical whole.h5 "$out"
    ;;
  shards)
    count=4
    parts=()
    for ((k = 0; k < count; ++k)); do
      rm -f "part_$k.h5"
      "$exe" run "$spec" -o "part_$k.h5" --shard "$k/$count" -q
      size=$(bytes "part_$k.h5")
      echo "shard $k/$count: $size bytes ($((100 * count * size / whole))% of 1/$count)"
      if ((4 * count * size < 3 * whole || 4 * count * size > 5 * whole)); then
        echo "FAIL: shard $k/$count is not within 25% of 1/$count of $whole bytes"
        exit 1
      fi
      parts+=("part_$k.h5")
    done
    rm -f merged.h5
    "$exe" merge "${parts[@]}" -o merged.h5
    "$python" "$check" identical whole.h5 merged.h5
    # A shard file of an earlier version (dealt point by point: no
    # shard_block_points) is refused by merge and by resume, in one line.
    cp part_0.h5 old_0.h5
    "$python" -c 'import h5py, sys; del h5py.File(sys.argv[1], "r+").attrs["shard_block_points"]' old_0.h5
    for command in "merge old_0.h5 ${parts[*]:1} -o refused.h5" \
                   "run $spec -o old_0.h5 --resume --shard 0/$count -q"; do
      if output=$("$exe" $command 2>&1); then echo "FAIL: accepted: $command"; exit 1; fi
      grep -q "dealt point by point (an earlier ropesweep)" <<<"$output" ||
        { echo "FAIL: '$command' said: $output"; exit 1; }
      [[ $(wc -l <<<"$output") -eq 1 ]] || { echo "FAIL: more than one line: $output"; exit 1; }
      echo "refused as expected: $output"
    done
    [[ ! -e refused.h5 ]] || { echo "FAIL: a refused merge left refused.h5 behind"; exit 1; }
    ;;
  *)
    echo "unknown mode $mode"
    exit 2
    ;;
esac
