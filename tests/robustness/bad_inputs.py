#!/usr/bin/env python3
"""The bad-input table (bad_inputs.tsv): every row is one command that must fail.

For each row, in a fresh directory holding a finished results file and the
other fixtures, the command must
  - exit with the row's code,
  - print exactly one line on stderr, equal to the row's message
    ({*} matches any text), and nothing on stdout,
  - leave every file in the directory as it was (same names, same SHA-256):
    no partial output file, no journal, no change to an existing results file.

  bad_inputs.py check --exe BUILD/ropesweep [--mpiexec LAUNCHER] [--work DIR] [TSV]
  bad_inputs.py show  --exe BUILD/ropesweep [--work DIR] [TSV]   # actual messages, to review
  bad_inputs.py docs  [--check] [TSV] DOC.md                     # the table in the docs
Rows whose command starts with `mpirun` run on 2 MPI ranks, started by LAUNCHER
(default: BUILD/tests/mpiexec-ranks, which takes the rank count first); Open
MPI's own notice about a non-zero exit (a block between dashed lines) is not
counted.
"""
import argparse
import codecs
import hashlib
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COLUMNS = ["id", "what", "command", "spec", "exit", "message"]


def read_table(path):
    rows = []
    with open(path, encoding="utf-8") as table:
        for number, line in enumerate(table, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if fields == COLUMNS:
                continue
            if len(fields) != len(COLUMNS):
                sys.exit(f"{path}:{number}: {len(fields)} columns, expected {len(COLUMNS)}")
            row = dict(zip(COLUMNS, fields))
            row["line"] = number
            rows.append(row)
    ids = [row["id"] for row in rows]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        sys.exit(f"{path}: duplicate ids {sorted(duplicates)}")
    return rows


def spec_bytes(spec):
    """The spec column: escaped text, or @generator for inputs too large to write inline."""
    if spec == "-":
        return None
    generators = {
        # 100000 nested flow sequences: the parser's recursion must be bounded.
        "@deep-flow": lambda: b"seed: 1\nexperiments: " + b"[" * 100000 + b"]" * 100000 + b"\n",
        # 100000 nested block sequences ("- - - ... 1").
        "@deep-block": lambda: b"seed: 1\nexperiments:\n  " + b"- " * 100000 + b"1\n",
        # A 5 MB spec (a data dump given as the spec).
        "@enormous": lambda: b"seed: 1\n# " + b"x" * (5 * 1024 * 1024) + b"\n",
        # Exponential alias expansion ("billion laughs", 10^10 leaves): never expanded.
        "@alias-bomb": lambda: b"seed: 1\nname: [&l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], "
        + b", ".join(b"&l%d [%s]" % (i, b", ".join([b"*l%d" % (i - 1)] * 10)) for i in range(1, 10))
        + b"]\nexperiments:\n  decay: {fixed: {head_dim: 16}, axes: {length: [64]}}\n",
    }
    if spec.startswith("@"):
        return generators[spec]()
    return codecs.escape_decode(spec.encode("utf-8"))[0]


def make_fixtures(exe, work):
    """Files every case directory starts with."""
    fixtures = os.path.join(work, "fixtures")
    shutil.rmtree(fixtures, ignore_errors=True)
    os.makedirs(fixtures)
    shutil.copy(os.path.join(HERE, "good.yaml"), fixtures)
    subprocess.run([exe, "run", "good.yaml", "-o", "results.h5", "-q", "--no-calibrate"],
                   cwd=fixtures, check=True)
    with open(os.path.join(HERE, "good.yaml"), encoding="utf-8") as good:
        text = good.read()
    with open(os.path.join(fixtures, "other-seed.yaml"), "w", encoding="utf-8") as other:
        other.write(text.replace("seed: 7", "seed: 8"))
    import h5py  # Debian's python3-h5py

    with h5py.File(os.path.join(fixtures, "foreign.h5"), "w") as foreign:
        foreign["temperature"] = [1.0, 2.0, 3.0]
    with h5py.File(os.path.join(fixtures, "other-format.h5"), "w") as other:
        other.attrs["format"] = "ropesweep/0"
    with open(os.path.join(fixtures, "results.h5"), "rb") as results:
        head = results.read(2000)
    with open(os.path.join(fixtures, "truncated.h5"), "wb") as truncated:
        truncated.write(head)  # superblock intact, the rest cut off
    with open(os.path.join(fixtures, "text.h5"), "w", encoding="utf-8") as text_file:
        text_file.write("time,value\n0,1\n")
    open(os.path.join(fixtures, "empty.h5"), "wb").close()
    os.makedirs(os.path.join(fixtures, "adir"))
    return fixtures


def snapshot(directory):
    state = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs:
            state[os.path.relpath(os.path.join(root, name), directory) + "/"] = "dir"
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                state[os.path.relpath(path, directory)] = hashlib.sha256(f.read()).hexdigest()
    return state


def drop_mpirun_notices(text):
    """Removes Open MPI's dashed notice blocks (printed by mpirun, not by ropesweep)."""
    return re.sub(r"-{70,}\n.*?-{70,}\n", "", text, flags=re.S)


def run_case(row, exe, mpiexec, fixtures, work):
    directory = os.path.join(work, row["id"])
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(fixtures, directory)
    spec = spec_bytes(row["spec"])
    if spec is not None:
        with open(os.path.join(directory, "spec.yaml"), "wb") as f:
            f.write(spec)
    before = snapshot(directory)
    words = row["command"].split()
    under_mpi = words[:1] == ["mpirun"]
    if under_mpi:
        words = words[1:]
    argv = ([mpiexec, "2"] if under_mpi else []) + [exe] + words
    done = subprocess.run(argv, cwd=directory, capture_output=True, timeout=120)
    stderr = done.stderr.decode("utf-8", errors="replace")
    if under_mpi:
        stderr = drop_mpirun_notices(stderr)
    after = snapshot(directory)
    return done.returncode, stderr, done.stdout.decode("utf-8", errors="replace"), before, after


def matches(expected, line):
    pattern = "".join(".*" if part == "{*}" else re.escape(part)
                      for part in re.split(r"(\{\*\})", expected))
    return re.fullmatch(pattern, line) is not None


def check(args, rows):
    fixtures = make_fixtures(args.exe, args.work)
    failures = 0
    for row in rows:
        code, stderr, stdout, before, after = run_case(row, args.exe, args.mpiexec, fixtures,
                                                       args.work)
        lines = stderr.splitlines()
        problems = []
        if code != int(row["exit"]):
            problems.append(f"exit code {code}, expected {row['exit']}")
        if len(lines) != 1:
            problems.append(f"{len(lines)} lines on stderr, expected 1")
        elif not matches(row["message"], lines[0]):
            problems.append(f"message differs:\n    expected: {row['message']}\n    actual:   {lines[0]}")
        if stdout:
            problems.append(f"stdout not empty: {stdout!r}")
        if before != after:
            added = sorted(set(after) - set(before))
            removed = sorted(set(before) - set(after))
            changed = sorted(k for k in before if k in after and before[k] != after[k])
            problems.append(f"files changed: added {added}, removed {removed}, modified {changed}")
        status = "ok  " if not problems else "FAIL"
        print(f"{status} {row['id']}: ropesweep {row['command']}")
        for problem in problems:
            failures += 1
            print(f"     {problem}")
        if problems and len(lines) != 1:
            for line in lines:
                print(f"     | {line}")
    print(f"{len(rows)} bad inputs, {failures} problems")
    return 1 if failures else 0


def show(args, rows):
    fixtures = make_fixtures(args.exe, args.work)
    for row in rows:
        code, stderr, _, _, _ = run_case(row, args.exe, args.mpiexec, fixtures, args.work)
        print(f"{row['id']}\t{code}\t" + stderr.rstrip("\n").replace("\n", "\n\t\t"))
    return 0


def markdown(rows, table_path):
    def cell(text):
        return text.replace("|", "\\|")

    out = [
        "# Bad inputs and their messages",
        "",
        "Generated from `tests/robustness/bad_inputs.tsv` by `tests/robustness/bad_inputs.py docs`;",
        "the ctest `robustness.bad_inputs` runs every row and checks that the command exits with",
        "the code shown, prints exactly this one line on stderr (`{*}` stands for any text) and",
        "nothing on stdout, and leaves every file as it was: no partial results file, no journal,",
        "no change to an existing results file (SHA-256 before and after).",
        "",
        "Each command runs in a directory holding `good.yaml` (a valid 4-point sweep), its finished",
        "`results.h5`, `other-seed.yaml` (the same sweep with another seed), `foreign.h5` (HDF5",
        "written by another program), `other-format.h5` (HDF5 with `format = \"ropesweep/0\"`),",
        "`truncated.h5` (the first 2000 bytes of `results.h5`), `text.h5` (a CSV), `empty.h5`,",
        "the directory `adir/`, and `spec.yaml` with the row's spec (`\\n` is a line break, `\\xff`",
        "a raw byte; `@...` rows are generated, see the script).",
        "",
        "Exit codes: 2 bad command line, 3 invalid spec, 4 file problem (docs/sweep-spec.md).",
        "A spec with several problems prints each on its own line, then a summary line.",
        "Under `mpirun`, Open MPI adds its own notice about the non-zero exit; the one line",
        "above is what ropesweep prints.",
        "",
        "| # | input | command | spec | exit | message |",
        "|---|-------|---------|------|------|---------|",
    ]
    for number, row in enumerate(rows, 1):
        spec = row["spec"]
        if spec != "-" and not spec.startswith("@") and len(spec) > 90:
            spec = spec[:87] + "..."
        spec_cell = "" if spec == "-" else f"`{cell(spec)}`"
        out.append(f"| {number} | {cell(row['what'])} | `ropesweep {cell(row['command'])}` | "
                   f"{spec_cell} | {row['exit']} | `{cell(row['message'])}` |")
    return "\n".join(out) + "\n"


def docs(args, rows):
    text = markdown(rows, args.table)
    if args.check:
        with open(args.doc, encoding="utf-8") as current:
            if current.read() != text:
                print(f"{args.doc} is out of date: run {sys.argv[0]} docs {args.table} {args.doc}")
                return 1
        print(f"{args.doc} matches {args.table} ({len(rows)} rows)")
        return 0
    with open(args.doc, "w", encoding="utf-8") as out:
        out.write(text)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    for name in ("check", "show"):
        p = sub.add_parser(name)
        p.add_argument("--exe", required=True)
        p.add_argument("--mpiexec")
        p.add_argument("--work", default="bad-inputs")
        p.add_argument("table", nargs="?", default=os.path.join(HERE, "bad_inputs.tsv"))
    p = sub.add_parser("docs")
    p.add_argument("--check", action="store_true")
    p.add_argument("table")
    p.add_argument("doc")
    args = parser.parse_args()
    if args.action != "docs":
        args.exe = os.path.abspath(args.exe)
        if not args.mpiexec:
            args.mpiexec = os.path.join(os.path.dirname(args.exe), "tests", "mpiexec-ranks")
        args.work = os.path.abspath(args.work)
        os.makedirs(args.work, exist_ok=True)
    rows = read_table(args.table)
    return {"check": check, "show": show, "docs": docs}[args.action](args, rows)


if __name__ == "__main__":
    sys.exit(main())
