"""Runs a probe sweep on 1 and on 2 MPI ranks and checks the two files hold bitwise
identical results (every dataset of the group, NaN equal to NaN).

usage: rank_invariance.py ROPESWEEP MPIEXEC_RANKS SPEC WORKDIR
(MPIEXEC_RANKS: the build's tests/mpiexec-ranks, which takes the rank count first)
"""
import os
import subprocess
import sys

import h5py
import numpy as np


def run(ropesweep, mpiexec, spec, ranks, output):
    command = [mpiexec, str(ranks), ropesweep, "run", spec, "-o", output, "--overwrite", "--quiet"]
    subprocess.run(command, check=True)


def main():
    ropesweep, mpiexec, spec, workdir = sys.argv[1:5]
    os.makedirs(workdir, exist_ok=True)
    outputs = {ranks: os.path.join(workdir, f"probe-np{ranks}.h5") for ranks in (1, 2)}
    for ranks, output in outputs.items():
        run(ropesweep, mpiexec, spec, ranks, output)
    with h5py.File(outputs[1], "r") as one, h5py.File(outputs[2], "r") as two:
        group_one, group_two = one["probe"], two["probe"]
        assert sorted(group_one.keys()) == sorted(group_two.keys()), "different datasets"
        assert group_one["done"][...].all() and group_two["done"][...].all(), "points missing"
        compared = 0
        for name in group_one:
            a, b = group_one[name][...], group_two[name][...]
            if a.dtype.kind == "f":
                same = np.array_equal(a.view(np.uint64), b.view(np.uint64))
            else:
                same = np.array_equal(a, b)
            assert same, f"dataset {name} differs between 1 and 2 ranks"
            compared += 1
        weights = group_one["needle_weight_r1"][...]
        assert np.isfinite(weights).all() and (weights > 0).all(), "needle weights not computed"
    print(f"probe results bitwise identical on 1 and 2 ranks ({compared} datasets)")


if __name__ == "__main__":
    main()
