#!/usr/bin/env bash
# vector_paths.sh EXE PYTHON WORK: the walks of decay and bmin, the pairwise block kernel and
# the normal draws give the same bits on every vector path this build has on this processor
# (ROPESWEEP_SIMD=generic, sse2, avx2, avx512), each file records the path it took, and an
# unknown path is a one-line usage error.
set -euo pipefail
exe=$1 python=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
ran=()
for path in generic sse2 avx2 avx512; do
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
names = {"generic": "generic C++", "sse2": "SSE2", "avx2": "AVX2", "avx512": "AVX-512F"}
walks = names["avx2" if key == "avx512" else key]  # no AVX-512 walk: AVX2 runs there
expected = [f"decay and bmin walks: {walks};",
            f"pairwise block kernel, sincos, normal draws and bivariate normals: {names[key]} "]
simd = h5py.File(path, "r").attrs["simd_path"]
simd = simd.decode() if isinstance(simd, bytes) else str(simd)
generic_build = key == "generic" and "generic C++, no vector intrinsics" in simd
if not generic_build and not all(part in simd for part in expected):
    sys.exit(f"vector_paths: FAIL: {path}: simd_path '{simd}' does not name {expected}")
print(f"vector_paths: {key}: {'; '.join(simd.split('; ')[:2])}")
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
