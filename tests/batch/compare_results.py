"""Checks that a results file is complete and holds exactly a reference's numbers.

    compare_results.py REFERENCE.h5 CANDIDATE.h5 [--ranks N]

Complete: ours (format ropesweep/1), end_time stamped, every `done` mask all 1.
Identical: the same experiment groups and datasets; every numeric dataset (the
metrics, their _se and _n, `done`, numeric axes) equal byte for byte, NaNs
included; string axes equal. --ranks also checks the candidate's provenance.
Prints one line per experiment; exits 1 naming the first problem.
"""
import argparse
import sys

import h5py
import numpy as np


def fail(message):
    print("compare_results: FAIL: " + message)
    sys.exit(1)


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def experiment_groups(handle):
    return sorted(name for name, item in handle.items()
                  if isinstance(item, h5py.Group) and "experiment" in item.attrs)


def compare_frontier(reference, candidate):
    """The base trade-off frontier must be there and equal, dataset by dataset."""
    if "frontier" not in candidate:
        fail("/frontier: missing from the candidate")
    names = []
    reference.visititems(lambda name, item: names.append(name)
                         if isinstance(item, h5py.Dataset) else None)
    for name in names:
        path = "frontier/" + name
        if path not in candidate:
            fail(f"/{path}: missing from the candidate")
        x, y = reference[name][()], candidate[path][()]
        same = ([text(v) for v in x.ravel()] == [text(v) for v in y.ravel()]
                if x.dtype.kind == "O" else x.tobytes() == y.tobytes())
        if x.shape != y.shape or not same:
            fail(f"/{path}: contents differ")
    print(f"compare_results: /frontier: {len(names)} datasets identical")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reference")
    parser.add_argument("candidate")
    parser.add_argument("--ranks", type=int)
    args = parser.parse_args()

    with h5py.File(args.reference, "r") as ref, h5py.File(args.candidate, "r") as cand:
        if text(cand.attrs.get("format", "")) != "ropesweep/1":
            fail(f"{args.candidate}: not a ropesweep/1 file")
        if not text(cand.attrs.get("end_time", "")):
            fail(f"{args.candidate}: end_time is empty (run incomplete)")
        if args.ranks is not None and int(cand.attrs["ranks"]) != args.ranks:
            fail(f"{args.candidate}: ranks = {int(cand.attrs['ranks'])}, expected {args.ranks}")
        groups = experiment_groups(ref)
        if not groups:
            fail(f"{args.reference}: no experiment groups")
        if experiment_groups(cand) != groups:
            fail(f"experiment groups differ: {groups} vs {experiment_groups(cand)}")
        total_values = 0
        for group in groups:
            names = sorted(name for name, item in ref[group].items()
                           if isinstance(item, h5py.Dataset))
            cand_names = sorted(name for name, item in cand[group].items()
                                if isinstance(item, h5py.Dataset))
            if names != cand_names:
                fail(f"/{group}: datasets differ: {names} vs {cand_names}")
            done = cand[group]["done"][()]
            if not np.all(done == 1):
                fail(f"/{group}: {int(np.sum(done != 1))} of {done.size} points not done")
            values = 0
            for name in names:
                a, b = ref[group][name], cand[group][name]
                if a.shape != b.shape or a.dtype != b.dtype:
                    fail(f"/{group}/{name}: shape/type {a.shape} {a.dtype} vs {b.shape} {b.dtype}")
                x, y = a[()], b[()]
                if x.dtype.kind == "O":
                    same = [text(v) for v in x.ravel()] == [text(v) for v in y.ravel()]
                else:
                    same = x.tobytes() == y.tobytes()
                    values += x.size
                if not same:
                    if x.dtype.kind == "f":
                        differ = int(np.sum(~((x == y) | (np.isnan(x) & np.isnan(y)))))
                        fail(f"/{group}/{name}: {differ} of {x.size} values differ")
                    fail(f"/{group}/{name}: contents differ")
            total_values += values
            print(f"compare_results: /{group}: {len(names)} datasets, {done.size} points, "
                  f"all done, identical ({values} numbers)")
        if "frontier" in ref:
            compare_frontier(ref["frontier"], cand)
        print(f"compare_results: OK: {args.candidate} complete (ranks={int(cand.attrs['ranks'])}) "
              f"and identical to {args.reference} ({total_values} numbers)")


if __name__ == "__main__":
    main()
