#!/usr/bin/python3
"""Agreement of two ropesweep builds on 50 pairwise configurations.

The replicate-block sampling (queries x distances per block) draws different
samples than the earlier one-query-per-cluster scheme, so results for a fixed
seed differ; both must estimate the same probabilities. This runs the same
50-point sweep with both executables and checks every stochastic metric:
|new - old| <= 3 * hypot(se_new, se_old) (plus 1/n, the resolution of a plain
estimate that saw no event), and prints the mean squared normalised difference,
which is about 1 when both standard errors are honest.

Usage: bench/compare_sampling.py OLD_EXE NEW_EXE [--samples N] [--keep DIR]
Exit status 1 when more comparisons than expected by chance (> 1%) lie beyond 3 SE.
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

SPEC = """name: sampling_check
seed: 20261125
experiments:
  plain:
    kind: pairwise
    samples: {samples}
    fixed: {{head_dim: 64, base: 10000, rho: 0.9, separation: 0.2, scale: 4, train_length: 1024,
             partial_fraction: 0.5, alibi_slope: 0.002, estimator: plain}}
    axes:
      encoding: [rope, pi, yarn, partial, alibi]
      precision: [fp64, fp32, bf16, fp16]
      length: [300, 40000]
  conditional:
    kind: pairwise
    samples: {samples}
    fixed: {{head_dim: 64, base: 10000, rho: 0.9, separation: 0.2, scale: 4, train_length: 1024,
             alibi_slope: 0.002, estimator: conditional, precision: fp64}}
    axes:
      encoding: [rope, rope_half, ntk, yarn, alibi]
      length: [300, 40000]
"""
METRICS = ["position_inversion", "position_aliasing", "token_inversion", "token_aliasing"]


def run(exe, spec, out):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    subprocess.run(["mpirun", "-np", "2", "--oversubscribe", exe, "run", spec, "-o", out, "-q",
                    "--overwrite"], check=True, env=env)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--keep")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    spec = os.path.join(work, "sampling_check.yaml")
    with open(spec, "w") as f:
        f.write(SPEC.format(samples=args.samples))
    files = {}
    for name, exe in (("old", args.old), ("new", args.new)):
        files[name] = os.path.join(work, name + ".h5")
        run(exe, spec, files[name])
    old, new = h5py.File(files["old"], "r"), h5py.File(files["new"], "r")
    outside, compared, z2 = [], 0, []
    points = 0
    for group in ("plain", "conditional"):
        points += int(np.asarray(old[group]["done"]).sum())
        for metric in METRICS:
            a, sa, na = (np.asarray(old[group][metric + s]).ravel() for s in ("", "_se", "_n"))
            b, sb, nb = (np.asarray(new[group][metric + s]).ravel() for s in ("", "_se", "_n"))
            for i in range(a.size):
                se = math.hypot(sa[i], sb[i])
                resolution = 1.0 / min(na[i], nb[i])
                compared += 1
                if se > 0:
                    z2.append(((a[i] - b[i]) / se) ** 2)
                if abs(a[i] - b[i]) > 3 * se + resolution:
                    outside.append(f"{group}[{i}] {metric}: old {a[i]:.5g} +- {sa[i]:.2g}, "
                                   f"new {b[i]:.5g} +- {sb[i]:.2g}")
    print(f"{points} configurations, {compared} metric comparisons "
          f"({len(z2)} with a non-zero standard error)")
    print(f"beyond 3 SE: {len(outside)}; mean squared normalised difference "
          f"{np.mean(z2):.3f} (1 expected)")
    for line in outside:
        print("  " + line)
    return 0 if len(outside) <= max(1, compared // 100) else 1


if __name__ == "__main__":
    sys.exit(main())
