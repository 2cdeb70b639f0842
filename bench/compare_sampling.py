#!/usr/bin/python3
"""Agreement of two ropesweep builds on 50 stochastic configurations.

A change to how samples are drawn (the replicate blocks of the pairwise experiment, the
vectorised Gaussian draws) changes the results for a fixed seed; both builds must estimate
the same quantities. This runs the same sweep with both executables: 30 plain pairwise
points (head_dim 32 to 128, bases 500 to 1e6, rho 0.5 to 1, lengths 300 to 40000, seven
encodings; fp64, fp32, bf16 and fp16), 16 conditional ones (fp64; head_dim 16 to 128, rho 0
to 1, five encodings) and 4 small probe points (bf16, rope and yarn), and for every stochastic metric of a configuration computes
z = |new - old| / sqrt(se_old^2 + se_new^2). It prints, per configuration, the largest z
and its metric, and PASS when every z <= 3 (a metric whose two standard errors are both 0
passes only when the two values are equal), else FAIL.

Exit status 1 on any failing configuration. With independent samples a 3-SE check fails by
chance about 0.3% of the time per metric; the mean squared z (about 1 for honest standard
errors and independent samples) is printed as well. Builds that draw from the same uniforms
(the Gaussian draws differ only by the rounding of log, sin and cos) give z far below 1.

With --batches, the new run computes every point in batches (batch_samples: 1024 for the
pairwise points, 20 batches each, and 1 for the probe's, one batch per sample) and the old run
in one piece; give the same executable twice to check that merging batches estimates what a
point in one piece does (they share every sample, so z is far below 1).

Usage: bench/compare_sampling.py OLD_EXE NEW_EXE [--samples N] [--probe-samples N] [--batches]
                                 [--keep DIR]
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import yaml

SPEC = """name: sampling_check
seed: 20261125
experiments:
  plain:
    kind: pairwise
    samples: {samples}
    fixed: {{base: 10000, rho: 0.9, separation: 0.2, estimator: plain}}
    axes:
      precision: [fp64, fp32, bf16, fp16]
      head_dim: [32, 128]
      length: [300, 40000]
  plain_bases:
    kind: pairwise
    samples: {samples}
    fixed: {{head_dim: 64, length: 4096, separation: 0.2, estimator: plain}}
    axes:
      precision: [fp64, bf16]
      base: [500, 1000000]
      rho: [0.5, 1.0]
  plain_encodings:
    kind: pairwise
    samples: {samples}
    fixed: {{head_dim: 96, base: 100000, rho: 0.99, length: 2048, separation: 0.2, scale: 4,
             train_length: 1024, partial_fraction: 0.5, alibi_slope: 0.002, estimator: plain,
             precision: fp32}}
    axes:
      encoding: [yarn, pi, partial, ntk, alibi, rope_half]
  conditional:
    kind: pairwise
    samples: {samples}
    fixed: {{head_dim: 64, base: 10000, rho: 0.9, separation: 0.2, scale: 4, train_length: 1024,
             alibi_slope: 0.002, estimator: conditional, precision: fp64}}
    axes:
      encoding: [rope, rope_half, ntk, yarn, alibi]
      length: [300, 40000]
  conditional_dims:
    kind: pairwise
    samples: {samples}
    fixed: {{base: 500, length: 1000, separation: 0.1, estimator: conditional, precision: fp64}}
    axes:
      head_dim: [16, 128]
      rho: [0.0, 0.5, 1.0]
  probe:
    kind: probe
    samples: {probe_samples}
    fixed: {{head_dim: 8, vocab: 64, layers: 1, length: 200, mlp: 1, precision: bf16}}
    axes:
      heads: [1, 2]
      encoding: [rope, yarn]
"""
PAIRWISE_METRICS = ["position_inversion", "position_aliasing", "token_inversion",
                    "token_aliasing"]
PROBE_METRICS = PAIRWISE_METRICS + [m + "_head" for m in PAIRWISE_METRICS] + [
    "needle_weight_r1", "needle_weight_r2"]


def run(exe, spec, out):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    subprocess.run(["mpirun", "-np", "2", "--oversubscribe", exe, "run", spec, "-o", out, "-q",
                    "--overwrite"], check=True, env=env)


def text(value):
    return value.decode() if isinstance(value, bytes) else f"{value:g}"


def label(group, index):
    """The configuration's coordinates: each dimension's scale name and value."""
    first = group[PAIRWISE_METRICS[0]]
    parts = []
    for dim, i in zip(first.dims, index):
        for name, scale in dim.items():
            parts.append(f"{name}={text(scale[i])}")
    return " ".join(parts)


def normalised_difference(a, sa, b, sb):
    se = math.hypot(sa, sb)
    if se > 0:
        return abs(a - b) / se
    return 0.0 if a == b else math.inf


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--probe-samples", type=int, default=16)
    parser.add_argument("--batches", action="store_true")
    parser.add_argument("--keep")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp()
    os.makedirs(work, exist_ok=True)
    spec = os.path.join(work, "sampling_check.yaml")
    with open(spec, "w") as f:
        f.write(SPEC.format(samples=args.samples, probe_samples=args.probe_samples))
    specs = {"old": spec, "new": spec}
    if args.batches:
        sweep = yaml.safe_load(SPEC.format(samples=args.samples, probe_samples=args.probe_samples))
        for group in sweep["experiments"].values():
            group["fixed"]["batch_samples"] = 1 if group["kind"] == "probe" else 1024
        specs["new"] = os.path.join(work, "sampling_check_batches.yaml")
        with open(specs["new"], "w") as f:
            yaml.safe_dump(sweep, f, sort_keys=False)
    files = {}
    for name, exe in (("old", args.old), ("new", args.new)):
        files[name] = os.path.join(work, name + ".h5")
        run(exe, specs[name], files[name])
    old, new = h5py.File(files["old"], "r"), h5py.File(files["new"], "r")
    failures, configurations, z2 = 0, 0, []
    for group in ("plain", "plain_bases", "plain_encodings", "conditional", "conditional_dims",
                  "probe"):
        metrics = PROBE_METRICS if group == "probe" else PAIRWISE_METRICS
        done = np.asarray(old[group]["done"])
        for index in np.ndindex(done.shape):
            if not done[index] or not np.asarray(new[group]["done"])[index]:
                print(f"{group} {label(old[group], index)}: not computed by both builds: FAIL")
                failures += 1
                continue
            configurations += 1
            worst, worst_metric = 0.0, metrics[0]
            for metric in metrics:
                a, sa = (float(old[group][metric + s][index]) for s in ("", "_se"))
                b, sb = (float(new[group][metric + s][index]) for s in ("", "_se"))
                if math.isnan(a) and math.isnan(b):
                    continue  # undefined in both (e.g. no sample with the event's condition)
                z = normalised_difference(a, sa, b, sb)
                if math.isfinite(z) and math.hypot(sa, sb) > 0:
                    z2.append(z * z)
                if not z <= worst:
                    worst, worst_metric = z, metric
            verdict = "PASS" if worst <= 3.0 else "FAIL"
            failures += verdict == "FAIL"
            print(f"{group} {label(old[group], index)}: max |new - old| / se = {worst:.3g} "
                  f"({worst_metric}): {verdict}")
    print(f"{configurations} configurations, {len(z2)} metric comparisons with a non-zero "
          f"standard error; mean squared normalised difference {np.mean(z2):.3g}; "
          f"{failures} beyond 3 SE")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
