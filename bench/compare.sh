#!/usr/bin/env bash
# Side-by-side performance figures of ropesweep, from one run, each against its target:
#   1. whole pairwise block kernel (cos/sin built, fresh distances) vs Eigen's own GEMM
#      at the same shape, Eigen compiled for this processor (-march=native,
#      bench/eigen_gemm_native.cpp); target >= 0.7. The ratio to Eigen built with the
#      project's flags (BM_EigenGemm) is printed beside it.
#   2. samples/s vs a vectorised NumPy version of the four estimators, at equal
#      standard error (target >= 100x); ropesweep's standard error is the root mean
#      square over the benchmark's iterations (each a new point), NumPy's that of its
#      iid samples
#   3. probe forward pass (probe_forward --mode pass, 16 heads x 64, 2 layers, L = 4096
#      and 16384) in useful GFLOP/s (formula below), against (a) OpenBLAS's one-core
#      fp32 GEMM rate, sgemm 2048^2 through NumPy (target >= 0.8) and (b) the same
#      forward pass in PyTorch, bench/torch_probe.py (target: ropesweep >= 3x faster)
#   4. scheduler overhead: 100,000 trivial points under mpirun -np 2, us per point
#      (target <= 10 us)
#   5. parallel efficiency of sweeps/quick.yaml, np = 2 vs np = 1 (target >= 0.9)
#   6. peak memory (max RSS) of the quick sweep
# Figures 1-3 run pinned to one core (CORE, default 1) with one BLAS/OpenMP thread.
# The machine's load is printed next to each figure: numbers taken while others
# compute are noisy. A summary table of the targets ends the run.
#
# Figure 3 needs python3-torch and OpenBLAS selected as libblas.so.3
# (scripts/install-deps.sh --bench); without torch its part (b) is skipped. OpenBLAS
# 0.3.21 does not recognise every recent processor and then falls back to its SSE3
# "Prescott" kernels, ~5x below this core's AVX-512 rate: unless OPENBLAS_CORETYPE is
# set, it is set here from /proc/cpuinfo (SkylakeX with AVX-512 F/BW/DQ/VL, Haswell
# with AVX2 + FMA) and the core OpenBLAS runs is printed.
#
# Usage: bench/compare.sh [BUILD_DIR] [--skip-sweeps]
#   env: CORE, LENGTH (default 65536), SAMPLES (default 20000), MPIRUN,
#        PROBE_LENGTHS (default "4096 16384"), PROBE_REPEATS (default 3),
#        OPENBLAS_CORETYPE
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
native=$build/bench/eigen_gemm_native
probe=$build/bench/probe_forward
probe_lengths=${PROBE_LENGTHS:-4096 16384}
probe_repeats=${PROBE_REPEATS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
load() { cut -d' ' -f1-3 /proc/loadavg; }
summary=$work/summary.tsv  # figure, measured, target, measured / target, load
# One-core figures: one BLAS / OpenMP thread wherever a library would start more.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  has() { [[ " $flags " == *" $1 "* ]]; }
  if has avx512f && has avx512bw && has avx512dq && has avx512vl; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif has avx2 && has fma; then
    export OPENBLAS_CORETYPE=Haswell
  fi
fi

echo "== ropesweep performance ($(date -u +%FT%TZ), $(getconf _NPROCESSORS_ONLN) cores, build $build)"
echo "-- $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), pinned to core $core;" \
  "OMP/OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-detected by OpenBLAS}"

# 1 + 2: one benchmark run on one core.
echo "-- load before the pinned runs: $(load)"
load_kernel=$(load)
ROPESWEEP_BENCH_SAMPLES=$samples taskset -c "$core" "$bench" \
  --benchmark_filter="BM_BlockKernel|BM_EigenGemm|BM_ScalarKernel|BM_Metric/[0-3]/$length/0/" \
  --benchmark_min_time=0.5 --benchmark_format=json >"$work/bench.json" 2>/dev/null
taskset -c "$core" "$native" --benchmark_min_time=0.5 --benchmark_format=json \
  >"$work/native.json" 2>/dev/null
load_numpy=$(load)
taskset -c "$core" "$python" "$here/numpy_pairwise.py" --length "$length" --samples "$samples" \
  >"$work/numpy.txt"
echo "-- load after the pinned runs:  $(load)"
"$python" - "$work/bench.json" "$work/numpy.txt" "$work/native.json" "$summary" \
  "$load_kernel" "$load_numpy" <<'EOF'
import json, sys
bench = json.load(open(sys.argv[1]))["benchmarks"] + json.load(open(sys.argv[3]))["benchmarks"]
by_name = {b["name"]: b for b in bench}
summary = open(sys.argv[4], "a")
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
native = by_name.get("BM_EigenGemmNative/4/128/64", {}).get("label", "?")
print(f"   Eigen -march=native ({native}) at the same shapes; target: whole kernel >= 0.7 of it")
for q, r in ((4, 64), (32, 64)):
    gemm = flops(f"BM_EigenGemmNative/{q}/128/{r}")
    kernel = flops(f"BM_BlockKernel/0/{q}/{r}/1")
    if kernel is None or gemm is None:
        continue
    ratio = kernel / gemm
    print(f"   {q:2d} x 128 x {r}: whole kernel {kernel/1e9:6.2f} GFLOP/s, Eigen native "
          f"{gemm/1e9:6.2f} GFLOP/s, ratio {ratio:.2f} = {ratio/0.7:.2f} of the target 0.7")
    summary.write(f"1. block kernel / Eigen native GEMM, {q} x 128 x {r}\t{ratio:.2f}\t>= 0.7"
                  f"\t{ratio/0.7:.2f}\t{sys.argv[5]}\n")
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
        speedup = total_np / total_rs
        print(f"   {label}: all four metrics at equal SE: {speedup:.1f}x "
              f"= {speedup/100:.2f} of the target 100x")
        summary.write(f"2. pairwise samples/s at equal SE / NumPy, {label}\t{speedup:.1f}x"
                      f"\t>= 100x\t{speedup/100:.2f}\t{sys.argv[6]}\n")
EOF

# 3: the probe forward pass against OpenBLAS sgemm and PyTorch, one core.
echo "-- load before the probe runs: $(load)"
load_sgemm=$(load)
taskset -c "$core" "$python" "$here/numpy_sgemm.py" --size 2048 >"$work/sgemm.txt"
: >"$work/probe.txt"
for probe_length in $probe_lengths; do
  probe_load=$(load)
  for _ in $(seq "$probe_repeats"); do
    echo "$probe_load $(taskset -c "$core" "$probe" --mode pass --length "$probe_length" \
      --heads 16 --head-dim 64 --layers 2 | grep "^pass")" >>"$work/probe.txt"
  done
done
: >"$work/torch.txt"
if "$python" -c 'import torch' 2>/dev/null; then
  for probe_length in $probe_lengths; do
    echo "$(load) $(taskset -c "$core" "$python" "$here/torch_probe.py" --length "$probe_length" \
      --heads 16 --head-dim 64 --layers 2 --repeats "$probe_repeats")" >>"$work/torch.txt"
  done
else
  echo "-- python3-torch is not installed (scripts/install-deps.sh --bench): no PyTorch figure"
fi
echo "-- load after the probe runs:  $(load)"
"$python" - "$work/sgemm.txt" "$work/probe.txt" "$work/torch.txt" "$summary" "$load_sgemm" <<'EOF'
import re, statistics, sys
from collections import defaultdict
summary = open(sys.argv[4], "a")

def probe_flops(length, heads=16, head_dim=64, layers=2, mlp=False):
    """Useful flops of one probe_forward --mode pass (src/physics/probe.cpp), w = heads
    head_dim: every layer but the last computes the q, k, v and o projections
    (4 x 2 L w^2; the MLP would add 2 x 2 L w 4w), and causal attention, q.k and p.v for
    the L (L + 1) / 2 query-key pairs of every head (2 x 2 w L (L + 1) / 2); the last
    layer computes keys for every position (2 L w^2), the query of row L-1 (2 w^2) and
    its logits against the L keys (2 w L). RMSNorm, RoPE, softmax and masking are not
    counted."""
    w = heads * head_dim
    hidden_layer = 8.0 * length * w * w + 2.0 * w * length * (length + 1)
    if mlp:
        hidden_layer += 16.0 * length * w * w
    last_layer = 2.0 * length * w * w + 2.0 * w * w + 2.0 * w * length
    return (layers - 1) * hidden_layer + last_layer

sgemm = open(sys.argv[1]).read().split()
sgemm_rate = float(sgemm[sgemm.index("gflops") + 1])
sgemm_blas = " ".join(sgemm[sgemm.index("blas") + 1:])
print(f"3. probe forward pass, 16 heads x 64, 2 layers, no MLP, one core, useful GFLOP/s")
print(f"   OpenBLAS sgemm 2048^2 through NumPy, one thread: {sgemm_rate:.1f} GFLOP/s "
      f"(blas {sgemm_blas}; load {sys.argv[5]})")
runs = defaultdict(list)
loads = {}
for line in open(sys.argv[2]):
    m = re.search(r"^(\S+ \S+ \S+) pass L=(\d+).* ([0-9.]+) s cpu", line)
    length = int(m.group(2))
    runs[length].append(float(m.group(3)))
    loads[length] = m.group(1)
torch = {}
for line in open(sys.argv[3]):
    m = re.search(r"^(\S+ \S+ \S+) torch L=(\d+).* seconds ([0-9.]+) runs (.*) threads (\d+)"
                  r".* blas (.*)$", line)
    torch[int(m.group(2))] = (float(m.group(3)), m.group(4), m.group(6), m.group(1))
for length in sorted(runs):
    seconds = statistics.median(runs[length])
    flops = probe_flops(length)
    rate = flops / seconds / 1e9
    ratio = rate / sgemm_rate
    print(f"   L = {length:5d}: {flops/1e9:6.1f} GFLOP, ropesweep {seconds:7.2f} s cpu "
          f"(median of {' '.join(f'{t:.2f}' for t in runs[length])}) = {rate:5.1f} GFLOP/s, "
          f"{ratio:.2f} of OpenBLAS sgemm = {ratio/0.8:.2f} of the target 0.8 (load {loads[length]})")
    summary.write(f"3a. probe pass L = {length} / OpenBLAS sgemm rate\t{ratio:.2f}\t>= 0.8"
                  f"\t{ratio/0.8:.2f}\t{loads[length]}\n")
    if length in torch:
        t_seconds, t_runs, t_blas, t_load = torch[length]
        speedup = t_seconds / seconds
        print(f"   L = {length:5d}: PyTorch {t_seconds:7.2f} s cpu (median of {t_runs}) = "
              f"{flops/t_seconds/1e9:5.1f} GFLOP/s; ropesweep {speedup:.2f}x PyTorch = "
              f"{speedup/3:.2f} of the target 3x (load {t_load}; blas {t_blas})")
        summary.write(f"3b. probe pass L = {length}, ropesweep speed / PyTorch\t{speedup:.2f}x"
                      f"\t>= 3x\t{speedup/3:.2f}\t{t_load}\n")
EOF

print_summary() {
  echo "== targets (measured / target: 1 or more meets it; load = 1, 5, 15 min averages)"
  "$python" - "$summary" <<'EOF'
import sys
rows = [["figure", "measured", "target", "of target", "load"]]
rows += [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
widths = [max(len(r[i]) for r in rows) for i in range(5)]
for i, r in enumerate(rows):
    print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    if i == 0:
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
EOF
}

[[ $skip_sweeps == 1 ]] && { print_summary; exit 0; }

# 4: scheduler overhead on trivial points (decay with d = 2, L = 2).
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
load_trivial=$(load)
echo "-- load: $load_trivial"
small=$(trivial 1000)
large=$(trivial 100000)
"$python" -c "
s, l = $small, $large
print(f'4. scheduler overhead, mpirun -np 2, 100,000 trivial points: {l:.2f} s wall = {l/1e5*1e6:.1f} us/point;'
      f' marginal (100,000 vs 1,000 points) {(l-s)/99000*1e6:.1f} us/point')
us = l / 1e5 * 1e6
open('$summary', 'a').write(f'4. scheduler overhead per trivial point\t{us:.1f} us\t<= 10 us\t{10 / us:.2f}\t$load_trivial\n')"

# 5 + 6: the quick sweep on one and two ranks.
quick() {
  /usr/bin/time -v "$mpirun" -np "$1" --oversubscribe "$exe" run "$root/sweeps/quick.yaml" \
    -o "$work/quick_$1.h5" -q 2>"$work/quick_$1.time"
  awk -F': ' '/Elapsed/ {e=$2} /Maximum resident/ {m=$2} /User time/ {u=$2} /System time/ {s=$2}
              END {print e, m, u + s}' "$work/quick_$1.time"
}
load_quick=$(load)
echo "-- load: $load_quick"
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
print(f'5. quick sweep: np=1 {t1:.1f} s, np=2 {t2:.1f} s wall, parallel efficiency {t1 / (2 * t2):.2f}'
      f' (processor time np=1 {c1:.1f} s, np=2 {c2:.1f} s: {c1 / c2:.2f} of the work is useful;'
      f' wall-time efficiency needs an idle machine)')
print(f'6. peak memory (max RSS of one process) of the quick sweep: np=1 {int(one[1])/1024:.1f} MiB, np=2 {int(two[1])/1024:.1f} MiB')
e = t1 / (2 * t2)
open('$summary', 'a').write(f'5. quick sweep parallel efficiency, np = 2\t{e:.2f}\t>= 0.9\t{e / 0.9:.2f}\t$load_quick\n')
"
print_summary
