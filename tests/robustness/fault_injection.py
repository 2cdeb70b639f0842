#!/usr/bin/env python3
"""Kills a 2-rank `ropesweep run` at random moments and resumes, until at
least --kills SIGKILLs have landed on a running job; every finished file must
be bitwise identical to an uninterrupted run, and no kill may lose points that
an earlier run had written (the `done` count never decreases).

Each attempt runs `run SPEC -o OUT --resume --flush-points 1`, waits a random
time (fixed seed; at most a fraction of the uninterrupted run's own wall time,
measured first, so kills land on a fast idle machine and on a loaded one
alike), then SIGKILLs either one rank (random) or the whole job
(ranks and launcher). A run that finishes before its kill is checked and the
chain starts over from an empty directory.

  fault_injection.py --exe ropesweep --mpiexec BUILD/tests/mpiexec-ranks --spec faults.yaml --work DIR
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


def descendants(pid):
    """Every process below pid, from /proc: the ranks are children of Open MPI's
    mpirun but grandchildren of MPICH's mpiexec (under its hydra_pmi_proxy)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            pass
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return sorted(found)


def running(pids):
    """Those of pids still running (zombies do not count)."""
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.append(pid)
        except (OSError, IndexError):
            pass
    return alive


def ranks(pid, exe):
    """The rank processes (`EXE run ...`) below pid."""
    found = []
    for child in descendants(pid):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                argv = cmdline.read().split(b"\0")
        except OSError:
            continue
        if argv[:2] == [os.fsencode(exe), b"run"]:
            found.append(child)
    return found


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
    parser.add_argument("--mpiexec", required=True,
                        help="the build's tests/mpiexec-ranks (rank count first)")
    parser.add_argument("--spec", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--max-delay-fraction", type=float, default=0.8,
                        help="latest kill, as a fraction of the uninterrupted run's wall time")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    reference = os.path.join(args.work, "reference.h5")
    started = time.monotonic()
    subprocess.run([args.mpiexec, "2", args.exe, "run", args.spec, "-o", reference, "-q"],
                   check=True)
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
            [args.mpiexec, "2", args.exe, "run", args.spec, "-o", out, "--resume",
             "--flush-points", "1", "-q"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
        job = descendants(launcher.pid)
        rank_pids = ranks(launcher.pid, args.exe)
        if whole_job or len(rank_pids) < 2:
            targets = job + [launcher.pid]
            what = "whole job"
        else:
            targets = [rank_pids[victim_index]]
            what = f"rank process {victim_index}"
        for pid in targets:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            status = launcher.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # The launcher normally ends the job when one process dies; Open MPI's
            # was seen not to, rarely, when the kill lands while it is still
            # starting the processes.
            # What was left is printed, then the whole job is killed: the kill
            # still counts, and the resume below must still give identical results.
            left = descendants(launcher.pid)
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
            hangs.append(f"chain {chain}: launcher still running 30 s after SIGKILL of {what} "
                         f"at {delay:.2f} s; left: {', '.join(states) or 'no rank'}")
            what += " (then the whole job: the launcher had not ended)"
        # MPICH's ranks are not the launcher's children and can outlive it briefly;
        # the next resume must not race with them.
        deadline = time.monotonic() + 10
        while running(job) and time.monotonic() < deadline:
            time.sleep(0.02)
        if running(job):
            sys.exit(f"FAIL: still running 10 s after the launcher ended: {running(job)}")
        kills += 1
        now = done_points(out) if os.path.exists(out) else 0
        shown = "unreadable" if now is None else f"{now} points done"
        log.append(f"chain {chain} kill {kills}: SIGKILL {what} after {delay:.2f} s "
                   f"(exit {status}): {shown}")
        if now is not None:
            assert now >= best, f"points lost: {now} done after a kill, {best} before"
            best = now
    # Finish the last chain without interruption.
    subprocess.run([args.mpiexec, "2", args.exe, "run", args.spec, "-o", out, "--resume",
                    "-q"], check=True, stdout=subprocess.DEVNULL)
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
