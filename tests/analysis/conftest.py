"""A small results file from a real `ropesweep run`, shared by the analysis tests.

The executable comes from ROPESWEEP_EXE (ctest sets it); run by hand, the
tests fall back to build/ropesweep in the source tree. The package under test
comes from the environment, as for any user: ctest sets PYTHONPATH to
<repo>/python; by hand, set it the same way or install the package
(docs/analysis.md).
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

if importlib.util.find_spec("ropesweep_analysis") is None:
    pytest.exit("ropesweep_analysis is not importable: run with PYTHONPATH=<repo>/python "
                "or install it (pip install -e python)", returncode=4)

# Small enough to run in seconds on one core, large enough that every figure has
# data: bases on both sides of the lengths (so the trade-off exists), two
# encodings and precisions, the decay map, b_min at three lengths for two head
# dimensions, a tiny transformer probe, a second pairwise group whose base is a
# zip member (a coordinate along the `scale` dimension), and context-extension
# encodings against their scale (no base axis, so no frontier).
SPEC = textwrap.dedent("""\
    name: analysis-test
    seed: 20260525
    experiments:
      pairwise:
        samples: 400
        fixed:
          head_dim: 16
        axes:
          base: [10, 100, 1000, 10000]
          length: [16, 128, 1024]
          encoding: [rope, alibi]
          precision: [fp64, bf16]
      ntk_scaled:
        kind: pairwise
        samples: 300
        fixed:
          head_dim: 16
          encoding: ntk
        axes:
          zip:
            scale: [1, 2, 4, 8]
            base: [10, 100, 1000, 10000]
          length: [64, 512]
      extension:
        kind: pairwise
        samples: 200
        fixed:
          head_dim: 16
          train_length: 64
        axes:
          encoding: [pi, yarn]
          scale: [1, 4]
          length: [64, 512]
      decay:
        fixed:
          head_dim: 16
        axes:
          base: [100, 1000, 10000, 100000]
          length: [64, 256, 1024]
      bmin:
        axes:
          head_dim: [16, 32]
          length: [64, 256, 1024]
      probe:
        samples: 12
        fixed:
          head_dim: 8
          vocab: 64
          length: 48
          qk_tied: 1
        axes:
          heads: [1, 2, 4]
          layers: [1, 2]
    """)


def executable():
    exe = os.environ.get("ROPESWEEP_EXE") or os.path.join(ROOT, "build", "ropesweep")
    if not os.access(exe, os.X_OK):
        pytest.fail(f"ropesweep executable not found at {exe} (set ROPESWEEP_EXE)")
    return exe


def environment():
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, env=environment(), timeout=300, **kwargs)


@pytest.fixture(scope="session")
def run_file(tmp_path_factory):
    """Path of a complete results file written by `ropesweep run`."""
    directory = tmp_path_factory.mktemp("run")
    spec = directory / "tiny.yaml"
    spec.write_text(SPEC)
    out = directory / "tiny.h5"
    result = run([executable(), "run", str(spec), "-o", str(out)])
    assert result.returncode == 0, f"ropesweep run failed:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture
def file_copy(run_file, tmp_path):
    """A private copy of the run's file that a test may modify."""
    copy = tmp_path / "copy.h5"
    shutil.copyfile(run_file, copy)
    return copy


def report(path, out_dir):
    """Runs the report as a user would, from a directory unrelated to the source tree."""
    return run([sys.executable, "-m", "ropesweep_analysis.report", str(path), "-o", str(out_dir)],
               cwd=os.path.dirname(str(out_dir)))
