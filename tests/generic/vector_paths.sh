#!/usr/bin/env bash
# vector_paths.sh EXE PYTHON WORK: the walks of decay and bmin give the same bits on every
# vector path this build has on this processor (ROPESWEEP_SIMD=generic, sse2, avx2), each
# file records the path it took, and an unknown path is a one-line usage error.
set -euo pipefail
exe=$1 python=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
ran=()
for path in generic sse2 avx2; do
  if ! ROPESWEEP_SIMD=$path "$exe" run "$here/walks.yaml" -o "$work/$path.h5" --overwrite -q \
      2>"$work/$path.err"; then
    grep -q "is not available in this build on this processor" "$work/$path.err" ||
      { cat "$work/$path.err"; exit 1; }
    echo "vector_paths: $path not available here"
    continue
  fi
  ran+=("$path")
done
[[ ${ran[0]} == generic ]] || { echo "vector_paths: FAIL: the generic path did not run"; exit 1; }
for path in "${ran[@]}"; do
  "$python" - "$work/$path.h5" "$path" <<'PY'
import sys, h5py
path, key = sys.argv[1], sys.argv[2]
name = {"generic": "generic C++", "sse2": "SSE2", "avx2": "AVX2"}[key]
simd = h5py.File(path, "r").attrs["simd_path"]
simd = simd.decode() if isinstance(simd, bytes) else str(simd)
if not simd.startswith("decay and bmin walks: " + name) and not (key == "generic" and name in simd):
    sys.exit(f"vector_paths: FAIL: {path}: simd_path '{simd}' does not name {name}")
print(f"vector_paths: {key}: {simd.split(';')[0]}")
PY
  [[ $path == generic ]] && continue
  "$python" "$here/../batch/compare_results.py" "$work/generic.h5" "$work/$path.h5"
done
if ROPESWEEP_SIMD=neon "$exe" validate "$here/walks.yaml" >/dev/null 2>"$work/neon.err"; then
  echo "vector_paths: FAIL: ROPESWEEP_SIMD=neon was accepted"; exit 1
fi
status=0
ROPESWEEP_SIMD=neon "$exe" validate "$here/walks.yaml" >/dev/null 2>"$work/neon.err" || status=$?
[[ $status == 2 && $(wc -l <"$work/neon.err") == 1 ]] &&
  grep -q "^ropesweep: error: ROPESWEEP_SIMD: vector path 'neon' is not available" "$work/neon.err" ||
  { echo "vector_paths: FAIL: ROPESWEEP_SIMD=neon gave status $status:"; cat "$work/neon.err"; exit 1; }
echo "vector_paths: OK: ${ran[*]} give the same bits"
