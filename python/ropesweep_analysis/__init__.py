"""Reading and reporting ropesweep results.

    from ropesweep_analysis import load
    results = load("results/quick.h5")      # {"pairwise": xarray.Dataset, ...}
    results["pairwise"].position_inversion.sel(encoding="rope")
    results.models["llama-3.1-8b"].context  # the model table, when the sweep used models

`ropesweep-report OUT.h5 -o DIR` (or `python3 -m ropesweep_analysis.report`) writes
the figures and index.html.
"""
from .results import (EXIT_FILE, FORMAT, Metric, Model, Results, ResultsFileError, axis_dimension, kind, load,
                      metrics, with_frontier)

__all__ = ["EXIT_FILE", "FORMAT", "Metric", "Model", "Results", "ResultsFileError", "axis_dimension", "kind",
           "load", "metrics", "with_frontier"]
