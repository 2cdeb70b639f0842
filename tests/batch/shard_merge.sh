#!/usr/bin/env bash
# Shards merged = one run: the small sweep computed whole on 2 ranks, and as 3
# shards (on 1, 2 and 1 ranks) merged; every metric dataset must be bitwise equal.
# Also: merge refuses a missing or duplicated shard, and a shard file refuses
# to be resumed as another shard or as a whole run.
#   shard_merge.sh ROPESWEEP MPIEXEC_RANKS PYTHON SOURCE_DIR
set -euo pipefail
exe=$1 mpiexec=$2 python=$3 source_dir=$4
spec=$source_dir/tests/batch/small.yaml
work=$(mktemp -d "${TMPDIR:-/tmp}/ropesweep-shards.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

expect_failure() {  # expect_failure TEXT COMMAND...: fails, and says TEXT
  local wanted=$1 output
  shift
  if output=$("$@" 2>&1); then echo "FAIL: succeeded: $*"; exit 1; fi
  grep -qF -- "$wanted" <<<"$output" || { echo "FAIL: '$*' said: $output (wanted: $wanted)"; exit 1; }
  echo "refused as expected: $output"
}

"$mpiexec" 2 "$exe" run "$spec" -o whole.h5 -q
"$exe" run "$spec" -o part_0.h5 --shard 0/3 -q
"$mpiexec" 2 "$exe" run "$spec" -o part_1.h5 --shard 1/3 -q
"$exe" run "$spec" -o part_2.h5 --shard 2/3 -q

expect_failure "missing shard 2/3" "$exe" merge part_0.h5 part_1.h5 -o merged.h5
expect_failure "as does part_1.h5" "$exe" merge part_0.h5 part_1.h5 part_1.h5 -o merged.h5
expect_failure "holds shard 0/3, not 1/3" "$exe" run "$spec" -o part_0.h5 --resume --shard 1/3
expect_failure "continue it with --shard 0/3" "$exe" run "$spec" -o part_0.h5 --resume
expect_failure "is a whole run" "$exe" merge whole.h5 -o merged.h5
# A shard with one point not done, and one with a point of another shard done.
cp part_2.h5 gap.h5
cp part_2.h5 extra.h5
"$python" - <<'PY'
import h5py, numpy as np
with h5py.File("gap.h5", "r+") as f:
    done = f["pairwise/done"][()]
    done.flat[np.flatnonzero(done)[0]] = 0
    f["pairwise/done"][...] = done
with h5py.File("extra.h5", "r+") as f:
    done = f["pairwise/done"][()]
    done.flat[np.flatnonzero(done == 0)[0]] = 1
    f["pairwise/done"][...] = done
PY
expect_failure "shard 2/3 is incomplete" "$exe" merge part_0.h5 part_1.h5 gap.h5 -o merged.h5
expect_failure "point(s) outside shard 2/3" "$exe" merge part_0.h5 part_1.h5 extra.h5 -o merged.h5
[[ ! -e merged.h5 ]] || { echo "FAIL: a refused merge left merged.h5 behind"; exit 1; }
rm gap.h5 extra.h5

"$exe" merge part_*.h5 -o merged.h5
# The shards' provenance adds up: 1 + 2 + 1 ranks.
"$python" "$source_dir/tests/batch/compare_results.py" whole.h5 merged.h5 --ranks 4
