"""The registry of the report's sections: which figures are drawn, and for which
experiments, decided by what the file says.

A FigureRule draws one figure for every experiment of its kinds (the group
attribute `experiment`) that it applies to, judged on the experiment's
metadata: its axes and its metrics' units. Whatever no rule shows (every
metric of an experiment kind that no rule names, a metric a known kind gained,
a figure skipped for want of an axis) is drawn by the report's generic figure
(figures.metrics_against_axes), so a new experiment or metric appears in the
report with no change here. To give a kind figures of its own, add a
FigureRule to SECTIONS.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import figures, model_summary
from .results import axis_dimension, kind


def _always(results, name, ds) -> bool:
    return True


def _always_file(results) -> bool:
    return True


@dataclass(frozen=True)
class FigureRule:
    """One figure per qualifying experiment, written as <stem>_<experiment>.png."""

    stem: str
    # (results, experiment name, Dataset, output path, slice preferences) -> figures.Figure
    draw: Callable
    kinds: tuple = ()  # experiment kinds it is drawn for; empty: any kind
    applies: Callable = _always  # (results, experiment name, Dataset) -> bool
    absent: str = ""  # the note when no experiment of the file qualifies; empty: none
    facet: str = ""  # an axis that gets one figure per value, when it has a few

    def experiments(self, results) -> list:
        """(name, Dataset) of every experiment of `results` this rule draws."""
        return [(name, ds) for name, ds in results.items()
                if (not self.kinds or kind(ds) in self.kinds) and self.applies(results, name, ds)]


@dataclass(frozen=True)
class SectionRule:
    anchor: str
    title: str
    figures: tuple
    applies: Callable = _always_file  # (results) -> bool: otherwise the section is one note
    absent: str = ""  # that note


def _probe(results, name, ds, path, prefer):
    return figures.probe(ds, name, path)


def _has_model_axis(results, name, ds) -> bool:
    return model_summary.has_model_axis(ds)


def _file_has_model_axis(results) -> bool:
    return any(model_summary.has_model_axis(ds) for ds in results.values())


def _summary_anchor(results):
    """The experiment the models' summary is drawn for, once per file: the first
    that sweeps model over length (the failure curves), else the first with a model axis."""
    name, _ = model_summary.find_experiment(results, ("pairwise",), "length", model_summary.INVERSIONS)
    return name or next((n for n, ds in results.items() if model_summary.has_model_axis(ds)), None)


def _is_summary_anchor(results, name, ds) -> bool:
    return name == _summary_anchor(results)


def _models_summary(results, name, ds, path, prefer):
    return figures.models_summary(results, path)


def _models_failures(results, name, ds, path, prefer):
    return figures.models_failures(results, ds, name, path)


def _has_model_failures(results, name, ds) -> bool:
    return _has_model_axis(results, name, ds) and _has_failures_over_length(results, name, ds)


def _models_tradeoff(results, name, ds, path, prefer):
    return figures.models_tradeoff(results, ds, name, path, stored=results.frontier.get(name))


def _has_model_tradeoff(results, name, ds) -> bool:
    return _has_model_axis(results, name, ds) and _has_tradeoff(results, name, ds)


def _failure_vs_length(results, name, ds, path, prefer):
    return figures.failure_vs_length(ds, name, path, prefer)


def _has_failures_over_length(results, name, ds) -> bool:
    return axis_dimension(ds, "length") is not None and bool(figures.probability_metrics(ds))


def _tradeoff(results, name, ds, path, prefer):
    return figures.tradeoff(ds, name, path, stored=results.frontier.get(name))


def _has_tradeoff(results, name, ds) -> bool:
    # The file's frontier decides; without one (a run not yet complete), the inputs do.
    return name in results.frontier or figures.has_tradeoff(ds)


def _bmin(results, name, ds, path, prefer):
    return figures.bmin_vs_length(ds, name, path)


def _decay(results, name, ds, path, prefer):
    bmin = next((other for other in results.values() if kind(other) == "bmin"), None)
    return figures.decay_map(ds, name, path, bmin=bmin)


def _encodings(results, name, ds, path, prefer):
    # With an extension-scale axis the default slice (its first value, usually
    # 1) would show pi, ntk and yarn identical to rope: draw the largest scale.
    largest_scale = {}
    scale_dim = axis_dimension(ds, "scale")
    if scale_dim is not None and ds.sizes[scale_dim] > 1:
        largest_scale[scale_dim] = float(np.max(np.asarray(ds.coords[scale_dim].values, dtype=np.float64)))
    return figures.encodings_map(ds, name, path, {**largest_scale, **prefer})


def _has_encoding_axis(results, name, ds) -> bool:
    return axis_dimension(ds, "encoding") is not None


# Precision changes aliasing from never to common: figures of failure
# probabilities come once per precision.
SECTIONS = (
    SectionRule("failures", "Failure probabilities vs context length", (
        FigureRule("fig1_failure_vs_length", _failure_vs_length, kinds=("pairwise",),
                   applies=_has_failures_over_length, absent="the file has no pairwise experiment",
                   facet="precision"),)),
    SectionRule("tradeoff", "Base trade-off: position vs token discrimination", (
        FigureRule("fig2_tradeoff", _tradeoff, applies=_has_tradeoff,
                   absent="no experiment with a swept base and both inversion metrics"),)),
    SectionRule("bmin", "Minimal base b_min vs context length", (
        FigureRule("fig3_bmin", _bmin, kinds=("bmin",), absent="the file has no bmin experiment"),
        FigureRule("fig3_decay", _decay, kinds=("decay",)))),
    SectionRule("encodings", "All position encodings on one map", (
        FigureRule("fig4_encodings", _encodings, kinds=("pairwise",), applies=_has_encoding_axis,
                   absent="no pairwise experiment sweeps an encoding axis", facet="precision"),)),
    SectionRule("probe", "Transformer probe: do heads and layers help?", (
        FigureRule("fig5_probe", _probe, kinds=("probe",), absent="the file has no probe experiment"),)),
    SectionRule("models", "Real models", (
        FigureRule("fig7_models_summary", _models_summary, applies=_is_summary_anchor),
        FigureRule("fig7_models_failures", _models_failures, kinds=("pairwise",), applies=_has_model_failures,
                   absent="no pairwise experiment sweeps model and length"),
        FigureRule("fig7_models_tradeoff", _models_tradeoff, kinds=("pairwise",), applies=_has_model_tradeoff,
                   absent="no pairwise experiment sweeps model and base with both inversions")),
                applies=_file_has_model_axis, absent="no experiment of the file sweeps a model axis"),
)

# The generic figure of whatever SECTIONS did not show.
FURTHER = SectionRule("further", "Further experiments and metrics", ())
FURTHER_STEM = "fig6_metrics"
