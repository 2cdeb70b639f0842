"""The package's contract with the rest of the repository: the values it shares
with the C++ side, and the entry point pyproject.toml installs."""
import importlib
import os
import re

import pytest

import ropesweep_analysis
from conftest import ROOT


def _cpp_source(relative_path):
    with open(os.path.join(ROOT, relative_path), encoding="utf-8") as f:
        return f.read()


def test_constants_mirror_the_cpp_side():
    output = _cpp_source("include/ropesweep/io/results_file.hpp")
    assert re.search(r'kFileFormat\s*=\s*"([^"]+)"', output).group(1) == ropesweep_analysis.FORMAT
    error = _cpp_source("include/ropesweep/core/error.hpp")
    assert int(re.search(r"kIo\s*=\s*(\d+)", error).group(1)) == ropesweep_analysis.EXIT_FILE


def test_report_script_names_the_report_entry_point():
    with open(os.path.join(ROOT, "python", "pyproject.toml"), encoding="utf-8") as f:
        target = re.search(r'^ropesweep-report\s*=\s*"([^"]+)"', f.read(), re.M).group(1)
    module, function = target.split(":")
    assert callable(getattr(importlib.import_module(module), function))



def test_model_table_group_mirrors_the_cpp_side():
    header = _cpp_source("include/ropesweep/experiments/model_table.hpp")
    found = re.search(r'kModelTableGroup\s*=\s*"([^"]+)"', header)
    if found is None:
        pytest.skip("include/ropesweep/experiments/model_table.hpp does not name the model table group yet")
    assert found.group(1) == ropesweep_analysis.results.MODEL_TABLE
