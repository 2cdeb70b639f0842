"""What the report says about each released model of a sweep, from the file alone.

The rows of `/model_table` (Results.models) give each model's base and
advertised context; the experiments that sweep a `model` axis give the rest:

- a pairwise experiment over `length`: where each failure probability first
  reaches THRESHOLD (fp64), interpolated in log length between grid points;
- a pairwise experiment over `base` and its `/frontier/`: whether the model's
  own base is on the frontier of the bases with its head dimension and scaling;
- a decay experiment: the first distance where B(m) turns negative;
- a bmin experiment: the certified minimal base of the model's own encoding,
  which the model's base meets when it is at least as large.

Each quantity is read at the model's advertised context, or at the grid length
nearest to it (in log length) when the grid lacks it. Nothing here draws;
figures.py draws from what it computes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
import xarray as xr

from .plotting import values
from .results import Model, axis_dimension, kind, with_frontier
from .slicing import format_base, format_value, select

# The failure probability the crossing columns report: close enough to chance
# (0.5) that the model no longer tells the two cases apart in practice.
THRESHOLD = 0.45
INVERSIONS = ("position_inversion", "token_inversion")


def has_model_axis(ds: xr.Dataset) -> bool:
    return axis_dimension(ds, "model") is not None


def find_experiment(results, kinds: tuple, axis: str, needs: tuple = ()):
    """(name, Dataset) of the first experiment of one of `kinds` that sweeps a
    model axis and `axis` and holds the variables `needs`; (None, None) if none."""
    for name, ds in results.items():
        if (kind(ds) in kinds and has_model_axis(ds) and axis_dimension(ds, axis) is not None
                and all(n in ds for n in needs)):
            return name, ds
    return None, None


def model_slice(ds: xr.Dataset, model: str):
    """The experiment at one model (every other axis kept); None when the model is not on its axis."""
    dim = axis_dimension(ds, "model")
    names = [str(v) for v in ds.coords["model"].values]
    return ds.isel({dim: names.index(model)}) if model in names else None


def nearest_index(lengths, target: float) -> int:
    """Index of `target` in `lengths`, else of the length nearest to it in log length."""
    lengths = np.asarray(lengths, dtype=np.float64)
    exact = np.flatnonzero(lengths == target)
    if len(exact):
        return int(exact[0])
    return int(np.argmin(np.abs(np.log(lengths) - math.log(target))))


def tokens(length: float) -> str:
    """A context length as the models' cards write it: k = 1024 tokens, M = 1024 k."""
    length = float(length)
    if length >= 2**20:
        return f"{length / 2**20:.3g}M"
    if length >= 1024:
        return f"{length / 1024:.3g}k"
    return f"{length:.0f}"


@dataclass(frozen=True)
class Crossing:
    """Where a failure probability first reaches THRESHOLD along the length grid.

    state: "interpolated" (between two grid points, `length` interpolated in log
    length), "at_start" (already at the first computed length, `length`),
    "never" (not up to the last computed length, `length`), "unknown" (no point computed).
    """

    state: str
    length: float

    def text(self) -> str:
        return {"interpolated": tokens(self.length), "at_start": f"≤ {tokens(self.length)}",
                "never": f"> {tokens(self.length)}"}.get(self.state, "not computed")

    def before(self, context: float) -> Optional[bool]:
        """True when the crossing comes before `context`, False when after; None when the grid cannot tell."""
        if self.state == "interpolated":
            return self.length < context
        if self.state == "at_start":
            return True if self.length <= context else None
        if self.state == "never":
            return False if self.length >= context else None
        return None


def crossing(lengths, probabilities, threshold: float = THRESHOLD) -> Crossing:
    """The first crossing of `threshold` by `probabilities` along increasing `lengths`;
    points not computed (NaN) are left out."""
    lengths = np.asarray(lengths, dtype=np.float64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    order = np.argsort(lengths)
    lengths, probabilities = lengths[order], probabilities[order]
    computed = np.isfinite(probabilities)
    lengths, probabilities = lengths[computed], probabilities[computed]
    if len(lengths) == 0:
        return Crossing("unknown", math.nan)
    reached = np.flatnonzero(probabilities >= threshold)
    if len(reached) == 0:
        return Crossing("never", float(lengths[-1]))
    i = int(reached[0])
    if i == 0:
        return Crossing("at_start", float(lengths[0]))
    fraction = (threshold - probabilities[i - 1]) / (probabilities[i] - probabilities[i - 1])
    log_length = math.log(lengths[i - 1]) + fraction * (math.log(lengths[i]) - math.log(lengths[i - 1]))
    return Crossing("interpolated", math.exp(log_length))


@dataclass
class ModelSummary:
    """One model's row of the section's table; None or NaN where the file lacks the experiment."""

    model: Model
    crossings: dict = field(default_factory=dict)  # metric name -> Crossing
    first_negative: float = math.nan
    first_negative_capped: bool = False
    decay_length: float = math.nan  # the length of the decay grid read
    b_min: float = math.nan
    bmin_length: float = math.nan
    on_frontier: Optional[bool] = None  # the point-estimate (Pareto) frontier
    on_statistical_frontier: Optional[bool] = None
    frontier_bases: tuple = ()  # the Pareto-optimal bases of its slice

    @property
    def meets_b_min(self) -> Optional[bool]:
        return None if math.isnan(self.b_min) else self.model.base >= self.b_min

    def negative_before_context(self) -> Optional[bool]:
        if math.isnan(self.first_negative):
            return None
        return not self.first_negative_capped and self.first_negative < self.model.context


@dataclass
class Summary:
    """Every model of the table, the experiments read (role -> name), why parts are
    missing (notes) and which slices of the other axes were read (slices)."""

    models: list
    sources: dict
    notes: list
    slices: list = field(default_factory=list)

    def has(self, role: str) -> bool:
        return role in self.sources


def _read_failures(summary: ModelSummary, ds: xr.Dataset) -> str:
    one = model_slice(ds, summary.model.name)
    if one is None:
        return ""
    view, note = select(one, ["length"], {"precision": "fp64"})
    length_dim = axis_dimension(view, "length")
    lengths = values(view.coords["length"])
    for name in INVERSIONS:
        summary.crossings[name] = crossing(lengths, values(view[name].transpose(length_dim)))
    return note


def _read_at_context(summary: ModelSummary, ds: xr.Dataset, names: tuple):
    """{name: value} of exact metrics `names` at the model's context (or the nearest
    length), with that length; None when the model is not in the experiment."""
    one = model_slice(ds, summary.model.name)
    if one is None:
        return None
    view, _ = select(one, ["length"])
    length_dim = axis_dimension(view, "length")
    lengths = values(view.coords["length"])
    index = nearest_index(lengths, summary.model.context)
    at = view.isel({length_dim: index})
    return {n: float(values(at[n])) for n in names if n in at}, float(lengths[index])


def own_base_index(bases, base: float) -> Optional[int]:
    """Index of the model's own base on a base axis; None when the sweep does not have it."""
    own = np.flatnonzero(np.isclose(np.asarray(bases, dtype=np.float64), base, rtol=1e-9, atol=0))
    return int(own[0]) if len(own) else None


def read_frontier(summary: ModelSummary, view: xr.Dataset) -> str:
    """Marks the model's base on the frontier of `view`, its slice of a trade-off
    experiment with its stored frontier (1-D over base); returns why not, if it cannot.
    The statistical verdict stays None when the file has no statistical frontier
    (an experiment without standard errors)."""
    bases = values(view.coords["base"])
    pareto = values(view["pareto_optimal"]).astype(bool)
    summary.frontier_bases = tuple(float(b) for b in bases[pareto])
    own = own_base_index(bases, summary.model.base)
    if own is None:
        return f"the base {format_base(summary.model.base)} of {summary.model.name} is not on the base axis"
    summary.on_frontier = bool(pareto[own])
    if "statistically_optimal" in view:
        summary.on_statistical_frontier = bool(values(view["statistically_optimal"])[own])
    return ""


def summarise(results) -> Summary:
    """The models of `results.models` with whatever the file's model experiments say about them."""
    summaries = [ModelSummary(model) for model in results.models.values()]
    sources, notes, failure_slices = {}, [], []

    name, ds = find_experiment(results, ("pairwise",), "length", INVERSIONS)
    if name is None:
        notes.append("no pairwise experiment sweeps model and length with both inversions: "
                     "no failure crossings")
    else:
        sources["failures"] = name
        slices = {_read_failures(s, ds) for s in summaries} - {""}
        failure_slices = [f"failure crossings of '{name}' read at {n}" for n in sorted(slices)]

    name, ds = find_experiment(results, ("pairwise",), "base", INVERSIONS)
    if name is None:
        notes.append("no pairwise experiment sweeps model and base with both inversions: no frontier column")
    elif name not in results.frontier:
        notes.append(f"the file holds no /frontier/{name} (`ropesweep frontier FILE` writes it): "
                     "no frontier column")
    else:
        sources["frontier"] = name
        stored = with_frontier(ds, results.frontier[name])
        for s in summaries:
            one = model_slice(stored, s.model.name)
            if one is not None:
                note = read_frontier(s, select(one, ["base"])[0])
                if note:
                    notes.append(note)

    name, ds = find_experiment(results, ("decay",), "length", ("first_negative",))
    if name is None:
        notes.append("no decay experiment sweeps model and length: no first negative distance")
    else:
        sources["decay"] = name
        for s in summaries:
            read = _read_at_context(s, ds, ("first_negative", "first_negative_capped"))
            if read is not None:
                found, s.decay_length = read
                s.first_negative = found["first_negative"]
                s.first_negative_capped = found.get("first_negative_capped", 0.0) == 1.0

    name, ds = find_experiment(results, ("bmin",), "length", ("b_min",))
    if name is None:
        notes.append("no bmin experiment sweeps model and length: no certified b_min")
    else:
        sources["bmin"] = name
        for s in summaries:
            read = _read_at_context(s, ds, ("b_min",))
            if read is not None:
                found, s.bmin_length = read
                s.b_min = found["b_min"]
    return Summary(summaries, sources, notes, failure_slices)


def _names(items) -> str:
    return ", ".join(items) if items else "none"


def findings(summary: Summary) -> list:
    """A few sentences on what the data say, one per question the section asks."""
    lines = []
    models = summary.models
    if summary.has("frontier"):
        judged = [s for s in models if s.on_frontier is not None]
        on = [s.model.name for s in judged if s.on_frontier]
        within = [s.model.name for s in judged if not s.on_frontier and s.on_statistical_frontier]
        beaten = [f"{s.model.name} ({format_base(s.model.base)}; frontier: "
                  f"{', '.join(format_base(b) for b in s.frontier_bases) or 'none'})"
                  for s in judged if not s.on_frontier and s.on_statistical_frontier is False]
        unjudged = [s.model.name for s in judged if not s.on_frontier and s.on_statistical_frontier is None]
        lines.append(f"At its advertised context, against the bases with its own head dimension and scaling, "
                     f"the base is on the frontier for: {_names(on)}; off it but within noise (statistical "
                     f"frontier) for: {_names(within)}; clearly beaten for: {_names(beaten)}"
                     + (f"; off it, with no statistical frontier to judge the noise, for: {_names(unjudged)}."
                        if unjudged else "."))
    if summary.has("failures"):
        for metric in INVERSIONS:
            early = [f"{s.model.name} (at {s.crossings[metric].text()} of {tokens(s.model.context)})"
                     for s in models if metric in s.crossings and s.crossings[metric].before(s.model.context)]
            label = metric.replace("_", " ").capitalize()
            lines.append(f"{label} reaches {THRESHOLD} (fp64) before the advertised context for: {_names(early)}"
                         + (f"; for the other {len(models) - len(early)}, not before it." if early else "."))
    if summary.has("bmin"):
        short = [f"{s.model.name} ({format_base(s.model.base)} < {format_base(s.b_min)})"
                 for s in models if s.meets_b_min is False]
        unknown = [s.model.name for s in models if s.meets_b_min is None]
        if short:
            lines.append(f"Bases below the certified b_min at the advertised context: {_names(short)}.")
        else:
            lines.append("Every model's base meets the certified b_min at its advertised context.")
        if unknown:
            lines.append(f"No b_min for: {_names(unknown)}.")
    if summary.has("decay"):
        negative = [f"{s.model.name} (m = {s.first_negative:.0f})" for s in models if s.negative_before_context()]
        lines.append(f"B(m) turns negative before the advertised context for: {_names(negative)}.")
        if summary.has("bmin"):
            # b_min is the smallest admissible base, not a threshold: the admissible bases
            # do not form an interval, so a base above it can still fail.
            above = [s.model.name for s in models if s.meets_b_min and s.negative_before_context()]
            if above:
                lines.append("Above the certified b_min yet with B(m) < 0 within the context (the admissible "
                             f"bases do not form an interval): {_names(above)}.")
    return lines


def _encoding_text(model: Model) -> str:
    parts = [f"d = {model.head_dim}"]
    if model.rotary_dims != model.head_dim:
        parts.append(f"{model.rotary_dims} rotary")
    if model.rope_scaling and model.rope_scaling != "none":
        parts.append(model.rope_scaling)
    return ", ".join(parts)


def _context_text(model: Model) -> str:
    text = f"{model.context} ({tokens(model.context)})"
    return text + (f"; original {model.original_context}" if model.original_context else "")


def _at(length: float, context: float) -> str:
    """' at L = 4096' when a value was read at a length other than the context."""
    return "" if math.isnan(length) or length == context else f" at L = {length:.0f}"


def _first_negative_text(s: ModelSummary) -> str:
    if math.isnan(s.first_negative):
        return "—"
    value = f"> {format_value(s.first_negative)}" if s.first_negative_capped else f"{s.first_negative:.0f}"
    return value + _at(s.decay_length, s.model.context)


def _crossing_text(s: ModelSummary, metric: str) -> str:
    found = s.crossings.get(metric)
    if found is None:
        return "—"
    before = found.before(s.model.context)
    where = {True: "before", False: "after", None: "grid does not reach"}[before]
    return f"{found.text()}, {where} the context"


def _yes_no(value: Optional[bool]) -> str:
    return {True: "yes", False: "no", None: "—"}[value]


def table_columns(summary: Summary) -> list:
    """(header, cell function) of every column the file supports."""
    columns = [("model", lambda s: s.model.name), ("encoding", lambda s: _encoding_text(s.model)),
               ("base", lambda s: format_base(s.model.base)),
               ("advertised context", lambda s: _context_text(s.model))]
    if summary.has("decay"):
        columns.append(("B(m) first negative at m =", _first_negative_text))
    if summary.has("bmin"):
        columns.append(("certified b_min", lambda s: format_base(s.b_min) + _at(s.bmin_length, s.model.context)))
        columns.append(("base ≥ b_min", lambda s: _yes_no(s.meets_b_min)))
    if summary.has("failures"):
        for metric in INVERSIONS:
            columns.append((f"{metric.replace('_', ' ')} ≥ {THRESHOLD} from L ≈",
                            lambda s, m=metric: _crossing_text(s, m)))
    if summary.has("frontier"):
        columns.append(("on the frontier (point estimate; statistical)",
                        lambda s: f"{_yes_no(s.on_frontier)}; {_yes_no(s.on_statistical_frontier)}"))
    return columns
