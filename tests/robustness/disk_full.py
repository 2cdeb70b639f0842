#!/usr/bin/env python3
"""A full file system, on a small tmpfs (needs root for mount; exit 77 = skipped):

1. too small for the results file: `run` refuses before writing, one line, exit 4,
   nothing left on the file system;
2. room for the results file but not for the journal as it grows: the run stops
   with one line and exit 4; every point the file marks done holds exactly the
   numbers of an uninterrupted run; after room is made (remount larger),
   `--resume` finishes a file bitwise identical to the uninterrupted run.

  disk_full.py --exe ropesweep --spec disk_full.yaml --work DIR
"""
import argparse
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "engine"))
import check_outputs  # noqa: E402


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


def one_line(result, expected_fragment):
    lines = result.stderr.splitlines()
    assert result.returncode == 4, f"exit {result.returncode}, expected 4: {result.stderr}"
    assert len(lines) == 1, f"{len(lines)} lines on stderr:\n{result.stderr}"
    assert lines[0].startswith("ropesweep: error: ") and expected_fragment in lines[0], lines[0]
    print(f"  exit 4: {lines[0]}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exe", required=True)
    parser.add_argument("--spec", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    mount_point = os.path.join(args.work, "full")
    os.makedirs(mount_point)
    probe = run(["mount", "-t", "tmpfs", "-o", "size=100k", "tmpfs", mount_point])
    if probe.returncode != 0:
        print(f"SKIP: cannot mount a small tmpfs ({probe.stderr.strip()}); needs root")
        return 77
    try:
        reference = os.path.join(args.work, "reference.h5")
        subprocess.run([args.exe, "run", args.spec, "-o", reference, "-q"], check=True)
        out = os.path.join(mount_point, "out.h5")

        print("1. 100 kB file system, results file of about 260 kB:")
        one_line(run([args.exe, "run", args.spec, "-o", out, "-q"]), "not enough space")
        assert os.listdir(mount_point) == [], f"left behind: {os.listdir(mount_point)}"
        subprocess.run(["umount", mount_point], check=True)

        print("2. 400 kB file system: the journal fills it during the run:")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", mount_point],
                       check=True)
        one_line(run([args.exe, "run", args.spec, "-o", out, "-q", "--flush-points", "50"]),
                 "No space left on device")
        with h5py.File(reference, "r") as ref, h5py.File(out, "r") as got:
            done = got["decay"]["done"][()].astype(bool)
            total = done.size
            assert 0 < done.sum() < total, f"{done.sum()}/{total} done"
            for name in ("first_negative", "min_decay", "admissible", "critical_dim"):
                a, b = ref["decay"][name][()][done], got["decay"][name][()][done]
                assert a.tobytes() == b.tobytes(), f"{name} differs on done points"
                assert np.isnan(got["decay"][name][()][~done]).all(), f"{name} beyond done"
        print(f"  {int(done.sum())}/{total} points written before the disk filled, "
              "each bitwise equal to the uninterrupted run")
        subprocess.run(["mount", "-o", "remount,size=4m", mount_point], check=True)
        resumed = run([args.exe, "run", args.spec, "-o", out, "--resume", "-q"])
        assert resumed.returncode == 0, resumed.stderr
        check_outputs.complete(out)
        check_outputs.identical([reference, out])
        print("PASS: disk full -> one line, exit 4, written points intact, resume completes")
        return 0
    finally:
        run(["umount", mount_point])


if __name__ == "__main__":
    sys.exit(main())
