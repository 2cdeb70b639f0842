#!/usr/bin/env python3
"""Kills `mpirun -np 2 ropesweep run` at random moments and resumes, until at
least --kills SIGKILLs have landed on a running job; every finished file must
be bitwise identical to an uninterrupted run, and no kill may lose points that
an earlier run had written (the `done` count never decreases).

Each attempt runs `run SPEC -o OUT --resume --flush-points 1`, waits a random
time (fixed seed; at most a fraction of the uninterrupted run's own wall time,
measured first, so kills land on a fast idle machine and on a loaded one
alike), then SIGKILLs either one rank (random) or the whole job
(ranks and mpirun). A run that finishes before its kill is checked and the
chain starts over from an empty directory.

  fault_injection.py --exe ropesweep --mpirun mpirun --spec faults.yaml --work DIR
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "engine"))
import check_outputs  # noqa: E402  (identical(), complete())


def children(pid):
    """Direct children of pid, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(entry))
        except (OSError, IndexError, ValueError):
            pass
    return sorted(found)


def done_points(path):
    """Points marked done in the file, or None when it cannot be read."""
    try:
        with h5py.File(path, "r") as f:
            return sum(int(f[g]["done"][()].sum()) for g in check_outputs.experiment_groups(f))
    except (OSError, KeyError):
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exe", required=True)
    parser.add_argument("--mpirun", required=True)
    parser.add_argument("--spec", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--max-delay-fraction", type=float, default=0.8,
                        help="latest kill, as a fraction of the uninterrupted run's wall time")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    reference = os.path.join(args.work, "reference.h5")
    started = time.monotonic()
    subprocess.run([args.mpirun, "-np", "2", args.exe, "run", args.spec, "-o", reference, "-q"],
                   check=True, env=env)
    max_delay = max(0.2, args.max_delay_fraction * (time.monotonic() - started))

    chain = 0
    out = None
    kills = finished = attempts = 0
    best = 0
    log = []
    hangs = []

    def new_chain():
        nonlocal chain, out, best
        chain += 1
        directory = os.path.join(args.work, f"chain{chain}")
        os.makedirs(directory)
        out = os.path.join(directory, "out.h5")
        best = 0

    def check_finished():
        check_outputs.complete(out)
        check_outputs.identical([reference, out])
        left = sorted(set(os.listdir(os.path.dirname(out))) - {"out.h5"})
        assert not left, f"left next to the finished file: {left}"

    new_chain()
    while kills < args.kills:
        attempts += 1
        if attempts > 6 * args.kills + 20:
            print("\n".join(log + hangs))
            sys.exit(f"FAIL: only {kills} kills landed in {attempts} attempts "
                     f"(kills within {max_delay:.2f} s)")
        launcher = subprocess.Popen(
            [args.mpirun, "-np", "2", args.exe, "run", args.spec, "-o", out, "--resume",
             "--flush-points", "1", "-q"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        delay = rng.uniform(0.05, max_delay)
        whole_job = rng.random() < 0.5
        victim_index = rng.randrange(2)
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and launcher.poll() is None:
            time.sleep(0.01)
        if launcher.poll() is not None:
            status = launcher.wait()
            stderr = launcher.stderr.read().decode(errors="replace")
            assert status == 0, f"run failed without a kill (exit {status}):\n{stderr}"
            check_finished()
            finished += 1
            log.append(f"chain {chain}: finished before the kill at {delay:.2f} s: identical")
            new_chain()
            continue
        ranks = children(launcher.pid)
        if whole_job or len(ranks) < 2:
            targets = ranks + [launcher.pid]
            what = "whole job"
        else:
            targets = [ranks[victim_index]]
            what = f"rank process {victim_index}"
        for pid in targets:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            status = launcher.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # Open MPI normally ends the job when one process dies; seen rarely
            # when the kill lands while mpirun is still starting the processes.
            # What was left is printed, then the whole job is killed: the kill
            # still counts, and the resume below must still give identical results.
            left = children(launcher.pid)
            states = []
            for pid in left:
                try:
                    with open(f"/proc/{pid}/stat") as stat:
                        state = stat.read().rsplit(")", 1)[1].split()[0]
                    with open(f"/proc/{pid}/wchan") as wchan:
                        states.append(f"{pid} state {state} in {wchan.read() or '-'}")
                except OSError:
                    pass
            for pid in left + [launcher.pid]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            status = launcher.wait()
            hangs.append(f"chain {chain}: mpirun still running 30 s after SIGKILL of {what} "
                         f"at {delay:.2f} s; left: {', '.join(states) or 'no rank'}")
            what += " (then the whole job: mpirun had not ended)"
        kills += 1
        now = done_points(out) if os.path.exists(out) else 0
        shown = "unreadable" if now is None else f"{now} points done"
        log.append(f"chain {chain} kill {kills}: SIGKILL {what} after {delay:.2f} s "
                   f"(exit {status}): {shown}")
        if now is not None:
            assert now >= best, f"points lost: {now} done after a kill, {best} before"
            best = now
    # Finish the last chain without interruption.
    subprocess.run([args.mpirun, "-np", "2", args.exe, "run", args.spec, "-o", out, "--resume",
                    "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    check_finished()
    finished += 1
    log.append(f"chain {chain}: resumed to the end: identical")
    print("\n".join(log + hangs))
    print(f"PASS: {kills} kills in {attempts} attempts (seed {args.seed}, kills within "
          f"{max_delay:.2f} s); {finished} finished "
          f"files, every one bitwise identical to the uninterrupted run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
