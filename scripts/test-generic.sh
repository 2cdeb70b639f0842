#!/usr/bin/env bash
# The generic C++ kernels give the x86 vector kernels' bits: builds ropesweep with
# -DROPESWEEP_GENERIC_KERNELS=ON (plain loops, SLEEF's portable scalar functions; what every
# processor other than x86-64 builds) into ${ROPESWEEP_GENERIC_BUILD_DIR:-build-generic},
# only ropesweep and the physics unit tests, and runs those tests there; then runs
# tests/generic/kernels.yaml on 2 ranks with that build and with the default build
# (${ROPESWEEP_BUILD_DIR:-build}, built first when missing), checks from each file's
# simd_path that each ran the kernels it should, and compares every numeric dataset of
# the two files byte for byte (tests/batch/compare_results.py, /frontier included).
# Exits non-zero on any difference.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "test-generic: $*"; }
fail() { echo "test-generic: FAIL: $*" >&2; exit 1; }

reference=${ROPESWEEP_BUILD_DIR:-$here/build}
build=${ROPESWEEP_GENERIC_BUILD_DIR:-$here/build-generic}
if [[ ! -x $reference/ropesweep || ! -x $reference/tests/mpiexec-ranks ]]; then
  say "building the default (x86 vector kernels) reference in $reference"
  ROPESWEEP_BUILD_DIR=$reference "$here/scripts/build.sh"
fi

say "building the generic kernels in $build"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=/usr/bin/python3 \
  -DROPESWEEP_GENERIC_KERNELS=ON -DROPESWEEP_BUILD_BENCH=OFF >/dev/null
physics_tests=()
for source in "$here"/tests/unit/physics/*.cpp; do physics_tests+=("$(basename "$source" .cpp)"); done
log=$build/generic_build.log
built=0
cmake --build "$build" -j "$(nproc)" --target ropesweep "${physics_tests[@]}" >"$log" 2>&1 || built=$?
grep -Ev '^\[ *[0-9]+%\]|^-- |Consolidate compiler' "$log" || true
((built == 0)) || fail "building $build (above)"

# Only the physics test programs are built here, so the unit label selects their tests.
say "physics unit tests (${physics_tests[*]})"
(cd "$build" && ctest --output-on-failure --timeout 600 -j "$(nproc)" -L unit) ||
  fail "physics unit tests in $build"

if [[ $(uname -m) != x86_64 ]]; then
  say "$(uname -m) is not x86-64: the default build has the generic kernels too, no vector" \
    "kernels to compare with"
  exit 0
fi
work=$build/generic_bits
mkdir -p "$work"
for side in reference generic; do
  dir=$reference
  [[ $side == generic ]] && dir=$build
  say "running tests/generic/kernels.yaml with $dir/ropesweep"
  "$dir/tests/mpiexec-ranks" 2 "$dir/ropesweep" run "$here/tests/generic/kernels.yaml" \
    -o "$work/$side.h5" --overwrite -q
done

/usr/bin/python3 - "$work/reference.h5" "$work/generic.h5" <<'PY' || exit 1
import sys
import h5py

# The comparison is only worth something if the two files were computed by different kernels.
# The reference runs the widest vector path the processor has (SSE2 at least).
kernels = "pairwise block kernel, sincos, normal draws and bivariate normals: "
for path, expected, refused in ((sys.argv[1], kernels, "generic C++"),
                                (sys.argv[2], "generic C++, no vector intrinsics", "SSE2")):
    with h5py.File(path, "r") as f:
        simd = f.attrs["simd_path"]
        simd = simd.decode() if isinstance(simd, bytes) else str(simd)
    if expected not in simd or refused in simd:
        sys.exit(f"test-generic: FAIL: {path}: simd_path '{simd}' lacks '{expected}'")
    print(f"test-generic: {path}: {simd}")
PY
/usr/bin/python3 "$here/tests/batch/compare_results.py" "$work/reference.h5" "$work/generic.h5" \
  --ranks 2 || fail "the generic kernels' results differ from the vector kernels' (above)"
say "OK: the generic C++ kernels give the vector kernels' bits"
