#!/usr/bin/env bash
# Side-by-side performance figures of ropesweep, from one run:
#   1. block-kernel flop rate vs Eigen's own GEMM at the same shape (target >= 0.5)
#   2. samples/s vs a vectorised NumPy version of the four estimators, at equal
#      standard error (target >= 30x)
#   3. scheduler overhead: 100,000 trivial points under mpirun -np 2, us per point
#      (target <= 10 us)
#   4. parallel efficiency of sweeps/quick.yaml, np = 2 vs np = 1 (target >= 0.9)
#   5. peak memory (max RSS) of the quick sweep
# Figures 1 and 2 run pinned to one core (CORE, default 1). The machine's load is
# printed next to each figure: numbers taken while others compute are noisy.
#
# Usage: bench/compare.sh [BUILD_DIR] [--skip-sweeps]
#   env: CORE, LENGTH (default 65536), SAMPLES (default 20000), MPIRUN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-$root/build}
skip_sweeps=0
[[ "${2:-}" == "--skip-sweeps" || "${1:-}" == "--skip-sweeps" ]] && skip_sweeps=1
[[ "$build" == "--skip-sweeps" ]] && build=$root/build
core=${CORE:-1}
length=${LENGTH:-65536}
samples=${SAMPLES:-20000}
mpirun=${MPIRUN:-mpirun}
python=/usr/bin/python3
exe=$build/ropesweep
bench=$build/bench/bench_pairwise
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== ropesweep performance ($(date -u +%FT%TZ), $(nproc) cores, build $build)"

# 1 + 2: one benchmark run on one core.
echo "-- load before the pinned runs: $(load)"
ROPESWEEP_BENCH_SAMPLES=$samples taskset -c "$core" "$bench" \
  --benchmark_filter="BM_BlockKernel|BM_EigenGemm|BM_ScalarKernel|BM_Metric/[0-3]/$length/0/" \
  --benchmark_min_time=0.5 --benchmark_format=json >"$work/bench.json" 2>/dev/null
taskset -c "$core" "$python" "$here/numpy_pairwise.py" --length "$length" --samples "$samples" \
  >"$work/numpy.txt"
echo "-- load after the pinned runs:  $(load)"
"$python" - "$work/bench.json" "$work/numpy.txt" <<'EOF'
import json, sys
bench = json.load(open(sys.argv[1]))["benchmarks"]
by_name = {b["name"]: b for b in bench}
def flops(name):
    b = by_name.get(name)
    return b["flops"] if b else None
print("1. kernel flop rate vs Eigen GEMM at the same shape (double, d = 128, L = 2^20)")
for q, r in ((4, 64), (32, 64)):
    gemm = flops(f"BM_EigenGemm/{q}/128/{r}")
    for tables, label in ((0, "product alone, factors supplied"),
                          (1, "whole kernel: cos/sin built, fresh distances")):
        kernel = flops(f"BM_BlockKernel/0/{q}/{r}/{tables}")
        if kernel is None or gemm is None:
            continue
        print(f"   {q:2d} x 128 x {r}: kernel {kernel/1e9:6.2f} GFLOP/s ({label}), "
              f"Eigen {gemm/1e9:6.2f} GFLOP/s, ratio {kernel/gemm:.2f}")
scalar = flops("BM_ScalarKernel/0")
gemm = flops("BM_EigenGemm/32/128/64")
if scalar and gemm:
    print(f"   one-score-at-a-time kernel (fp64, no table): {scalar/1e9:.2f} GFLOP/s, "
          f"ratio {scalar/gemm:.2f} to Eigen at 32 x 128 x 64")
bf16 = flops("BM_BlockKernel/2/4/64/1")
if bf16:
    print(f"   bf16 block kernel 4 x 64 with tables: {bf16/1e9:.2f} GFLOP/s (useful 2d per score)")

names = ["position_inversion", "position_aliasing", "token_inversion", "token_aliasing"]
numpy = {}
for line in open(sys.argv[2]):
    m, v, se, n, t = line.split()
    numpy[m] = (float(v), float(se), int(n), float(t))
print("2. samples/s at equal standard error vs vectorised NumPy (fp64, rope, b = 1e4, rho = 1)")
for estimator, label in ((0, "plain"), (1, "conditional")):
    total_np = total_rs = 0.0
    for i, m in enumerate(names):
        key = [k for k in by_name if k.startswith(f"BM_Metric/{i}/") and k.endswith(f"/0/{estimator}")]
        if not key:
            continue
        b = by_name[key[0]]
        t_rs = b["cpu_time"] / 1e3
        v_np, se_np, n_np, t_np = numpy[m]
        # Time ropesweep needs for numpy's standard error (variance ~ 1 / samples).
        scaled = t_rs * (b["se"] / se_np) ** 2 if se_np > 0 and b["se"] > 0 else t_rs * n_np / b["n"]
        total_np += t_np
        total_rs += scaled
        print(f"   {label:11s} {m:18s} ropesweep {b['value']:.4f} +- {b['se']:.4f} in {t_rs*1e3:7.1f} ms"
              f" | numpy {v_np:.4f} +- {se_np:.4f} in {t_np*1e3:7.1f} ms | equal-SE speed-up {t_np/scaled:6.1f}x")
    if total_rs > 0:
        print(f"   {label}: all four metrics at equal SE: {total_np/total_rs:.1f}x")
EOF

[[ $skip_sweeps == 1 ]] && exit 0

# 3: scheduler overhead on trivial points (decay with d = 2, L = 2).
trivial() {
  cat >"$work/trivial_$1.yaml" <<EOF
name: trivial
seed: 1
experiments:
  decay:
    fixed: {head_dim: 2, length: 2, train_length: 4096}
    axes:
      base: {linspace: [2, 1000, $1]}
EOF
  local start end
  start=$(date +%s.%N)
  "$mpirun" -np 2 --oversubscribe "$exe" run "$work/trivial_$1.yaml" -o "$work/trivial_$1.h5" -q
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
echo "-- load: $(load)"
small=$(trivial 1000)
large=$(trivial 100000)
"$python" -c "
s, l = $small, $large
print(f'3. scheduler overhead, mpirun -np 2, 100,000 trivial points: {l:.2f} s wall = {l/1e5*1e6:.1f} us/point;'
      f' marginal (100,000 vs 1,000 points) {(l-s)/99000*1e6:.1f} us/point')"

# 4 + 5: the quick sweep on one and two ranks.
quick() {
  /usr/bin/time -v "$mpirun" -np "$1" --oversubscribe "$exe" run "$root/sweeps/quick.yaml" \
    -o "$work/quick_$1.h5" -q 2>"$work/quick_$1.time"
  awk -F': ' '/Elapsed/ {e=$2} /Maximum resident/ {m=$2} /User time/ {u=$2} /System time/ {s=$2}
              END {print e, m, u + s}' "$work/quick_$1.time"
}
echo "-- load: $(load)"
one=$(quick 1)
echo "-- load: $(load)"
two=$(quick 2)
echo "-- load: $(load)"
"$python" -c "
def seconds(text):
    parts = [float(p) for p in text.split(':')]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
one, two = '$one'.split(), '$two'.split()
t1, t2 = seconds(one[0]), seconds(two[0])
c1, c2 = float(one[2]), float(two[2])
print(f'4. quick sweep: np=1 {t1:.1f} s, np=2 {t2:.1f} s wall, parallel efficiency {t1 / (2 * t2):.2f}'
      f' (processor time np=1 {c1:.1f} s, np=2 {c2:.1f} s: {c1 / c2:.2f} of the work is useful;'
      f' wall-time efficiency needs an idle machine)')
print(f'5. peak memory (max RSS of one process) of the quick sweep: np=1 {int(one[1])/1024:.1f} MiB, np=2 {int(two[1])/1024:.1f} MiB')
"
