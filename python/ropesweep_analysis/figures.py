"""The report's figures. Each function draws one PNG and returns a Figure (its
caption, the metrics it shows, and a table where it has one); it raises Skip
when the data it needs are not in the file.

Which metrics a figure shows and how their axes look come from the file's
metadata (results.Metric: units, stochastic or exact) wherever the science
allows: every stochastic probability metric of an experiment, for instance,
not a fixed list of failure modes. The trade-off, b_min and decay figures are
about named quantities of the paper and draw those by name.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Optional

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.colors import TwoSlopeNorm

from .plotting import (ColourScale, CurvePanel, Skip, axis_label, largest, log_edges, panel_grid, save,
                       spans_decades, title, values)
from . import model_summary
from .model_summary import tokens
from .results import MODEL_TABLE, Metric, axis_dimension, kind, metrics, with_frontier
from .slicing import format_base, format_value, point_label, select

__all__ = ["Figure", "Skip", "Table", "bmin_vs_length", "decay_map", "encodings_map", "failure_vs_length",
           "has_tradeoff", "metrics_against_axes", "models_failures", "models_summary", "models_tradeoff",
           "probability_metrics", "probe", "tradeoff"]

# Readable panel titles for the failure modes of the paper; their order is also
# the order in which figures show them. Any other metric is titled from the
# file: its name and description.
TITLES = {
    "position_inversion": "position inversion (locality loss)",
    "position_aliasing": "position aliasing (equal scores at two distances)",
    "token_inversion": "token inversion (consistency loss)",
    "token_aliasing": "token aliasing (equal scores for two tokens)",
}
LENGTH_LABEL = axis_label("length", log=True)
MEN_2024 = (0.0424, 1.628)  # b_min ~ 0.0424 L^1.628, Men et al. 2024 (d = 128)
MAX_PANELS = 12
MARKERS = "osD^v<>ph*"


@dataclass
class Table:
    """Numbers a figure shows, also as an HTML table under it."""

    title: str
    headers: tuple
    rows: list


@dataclass
class Figure:
    """What the report needs from a drawn figure."""

    caption: str
    metrics: tuple = ()  # the metrics it shows; the report draws the others elsewhere
    table: Optional[Table] = None


def display_order(found) -> list:
    """Metrics with a TITLES entry first, in that order, then the rest as found."""
    rank = {name: i for i, name in enumerate(TITLES)}
    return sorted(found, key=lambda m: rank.get(m.name, len(rank)))


def panel_title(metric: Metric) -> str:
    if metric.name in TITLES:
        return TITLES[metric.name]
    return textwrap.fill(f"{metric.name}: {metric.description}" if metric.description else metric.name, 55)


def probability_metrics(ds: xr.Dataset) -> list:
    """The experiment's stochastic metrics in units of probability (its failure
    probabilities, for pairwise and probe), in display order."""
    return display_order([m for m in metrics(ds) if m.is_probability and m.stochastic])


def _slice_sentence(note: str) -> str:
    return f"Slice shown: {note}." if note else ""


def _curves(view: xr.Dataset, metric: Metric, x_dim, series_dim=None) -> list:
    """(values, standard errors, upper bounds) of `metric` along x_dim, one triple
    per value of series_dim (None for a companion the metric lacks); every other
    dimension of `view` must be fixed already."""
    dims = [d for d in (series_dim, x_dim) if d]
    width = view.sizes[x_dim] if x_dim else 1
    data = values(view[metric.name].transpose(*dims)).reshape(-1, width)

    def companion(suffix, wanted):
        name = metric.name + suffix
        if not wanted or name not in view:
            return [None] * data.shape[0]
        return list(values(view[name].transpose(*dims)).reshape(data.shape))

    se = companion("_se", metric.stochastic)
    upper = companion("_upper", metric.rare)
    return list(zip(data, se, upper))


def _key(fig, axes, colours: ColourScale, legend_ax) -> None:
    """Colour bar for numeric series, legend (beside `legend_ax`) for text series."""
    if colours.categorical:
        legend_ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
    else:
        colours.colourbar(fig, axes)


def _series_axis(ds: xr.Dataset):
    """The axis drawn as one curve per value: the base when swept (the paper's
    comparison), otherwise the first other swept dimension, if any."""
    if axis_dimension(ds, "base") is not None:
        return "base"
    length_dim = axis_dimension(ds, "length")
    for dim in ds.dims:
        if dim != length_dim and dim != "precision" and ds.sizes[dim] > 1:
            return dim
    return None


def failure_vs_length(ds: xr.Dataset, experiment: str, path: str, prefer=None) -> Figure:
    """Figure 1: every failure probability vs length, one curve per base (or per
    value of the first other swept axis when the base is fixed). `prefer` picks
    the slice of the other axes (e.g. {"precision": "bf16"})."""
    if axis_dimension(ds, "length") is None:
        raise Skip(f"'{experiment}' has no swept length axis")
    shown = probability_metrics(ds)
    if not shown:
        raise Skip(f"'{experiment}' has no failure probabilities")
    series = _series_axis(ds)
    view, note = select(ds, [a for a in (series, "length") if a], prefer)
    view = view.sortby("length")
    length_dim = axis_dimension(view, "length")
    series_dim = axis_dimension(view, series) if series else None
    lengths = values(view.coords["length"])
    colours = ColourScale(view.coords[series].values, series) if series else None

    fig, axes = panel_grid(len(shown), width=5.2, height=3.6, max_cols=2)
    for ax, metric in zip(axes.flat, shown):
        ax.set_title(panel_title(metric), fontsize=10)
        panel = CurvePanel(ax, metric.units)
        for i, (row, se, upper) in enumerate(_curves(view, metric, length_dim, series_dim)):
            label = f"{series} = {format_value(colours.values[i])}" if series else None
            panel.add(lengths, row, se, colour=colours.colour(i) if series else "C0", label=label,
                      upper=upper)
        panel.finish()
        ax.set_xscale("log")
        ax.set_xlabel(LENGTH_LABEL)
    if colours:
        _key(fig, axes, colours, axes[0, -1])
    per = f"one curve per {series}" if series else "one curve"
    title(fig, f"{experiment}: failure probability vs context length, {per} "
               f"(bands: ±1 SE; dashed: 0.5 = chance)", note)
    save(fig, path)
    what = {"base": "RoPE base (colour, log scale)"}.get(series, f"value of {series}") if series else ""
    caption = (f"Failure probabilities of '{experiment}' against context length (log x axis)"
               + (f", one curve per {what}" if series else "")
               + ", shaded ±1 standard error; the dashed line is 0.5, random guessing. "
               + _slice_sentence(note))
    return Figure(caption, tuple(m.name for m in shown))


def _pick_panels(count):
    if count <= MAX_PANELS:
        return list(range(count)), ""
    picked = sorted(set(np.linspace(0, count - 1, MAX_PANELS).round().astype(int).tolist()))
    return picked, f"{len(picked)} of {count} lengths shown, evenly spaced"


def has_tradeoff(ds: xr.Dataset) -> bool:
    """The trade-off needs both inversions over a swept base (the frontier's inputs)."""
    return "position_inversion" in ds and "token_inversion" in ds and axis_dimension(ds, "base") is not None


def _frontier_sentence(experiment: str, stored) -> str:
    if stored is None:
        return (f"The file holds no /frontier/{experiment} (ropesweep writes it when a run completes, and "
                "`ropesweep frontier FILE` from the points computed so far), so no frontier is marked. ")
    rule = stored.attrs.get("rule")
    return ("Ringed in red: the Pareto-optimal bases, which no other base beats on both, read from "
            f"/frontier/{experiment} in the file" + (f" (rule: {rule})" if rule else "") + ". ")


def draw_tradeoff_points(ax, one, bases, colours, frontier: bool, size=28, ring=110):
    """Position against token discrimination of the bases of `one` (a slice along the base
    axis): ±1 SE bars and points coloured by base; with `frontier`, the Pareto frontier as a
    red line through ringed points and the other bases of the statistical frontier in
    dashed rings. Returns the two frontier masks (None where not drawn)."""
    p = 1 - values(one["position_inversion"])
    t = 1 - values(one["token_inversion"])
    p_se = values(one["position_inversion_se"]) if "position_inversion_se" in one else None
    t_se = values(one["token_inversion_se"]) if "token_inversion_se" in one else None
    ax.errorbar(p, t, xerr=p_se, yerr=t_se, fmt="none", ecolor="0.65", lw=0.8, zorder=1)
    ax.scatter(p, t, c=bases, cmap=colours.cmap, norm=colours.norm, s=size, zorder=2)
    if not frontier:
        return None, None
    pareto = values(one["pareto_optimal"]).astype(bool)
    order = np.argsort(p[pareto])
    ax.plot(p[pareto][order], t[pareto][order], color="red", lw=1, zorder=2)
    ax.scatter(p[pareto], t[pareto], s=ring, facecolors="none", edgecolors="red", lw=1.4, zorder=3)
    kept = values(one["statistically_optimal"]).astype(bool) if "statistically_optimal" in one else None
    if kept is not None:
        ax.scatter(p[kept & ~pareto], t[kept & ~pareto], s=ring, facecolors="none", edgecolors="red",
                   lw=1.0, ls=(0, (2, 2)), zorder=3)
    return pareto, kept


def tradeoff(ds: xr.Dataset, experiment: str, path: str, stored=None) -> Figure:
    """Figure 2: position vs token discrimination per base, one panel per length,
    with the Pareto frontier of `stored` (the file's /frontier/<experiment>)
    ringed and tabulated; without it, the points alone."""
    if not has_tradeoff(ds):
        raise Skip(f"'{experiment}' needs a swept base and both inversion metrics for a trade-off")
    if stored is not None:
        ds = with_frontier(ds, stored)
    keep = ["base", "length"] if axis_dimension(ds, "length") else ["base"]
    view, note = select(ds, keep)
    if "length" in keep:
        view = view.sortby("length")
    base_dim = axis_dimension(view, "base")
    length_dim = axis_dimension(view, "length")
    bases = values(view.coords["base"])
    colours = ColourScale(bases, "base")
    panel_count = view.sizes[length_dim] if length_dim else 1
    picked, picked_note = _pick_panels(panel_count)
    fig, axes = panel_grid(len(picked))
    rows = []
    for ax, index in zip(axes.flat, picked):
        one = (view.isel({length_dim: index}) if length_dim else view).transpose(base_dim, ...)
        ax.axvline(0.5, color="0.8", lw=0.8, ls=":")
        ax.axhline(0.5, color="0.8", lw=0.8, ls=":")
        mask, kept = draw_tradeoff_points(ax, one, bases, colours, stored is not None)
        length_text = point_label(view, length_dim, index, {"length": "L"}) if length_dim else "all bases"
        if stored is not None:
            rows.append((length_text, ", ".join(format_base(b) for b in bases[mask]),
                         "" if kept is None else ", ".join(format_base(b) for b in bases[kept]),
                         format_base(one["best_position_base"].values),
                         format_base(one["best_token_base"].values)))
        ax.set_title(length_text, fontsize=10)
        ax.set_xlabel("position discrimination\n1 − P(position inversion)", fontsize=9)
        ax.set_ylabel("token discrimination\n1 − P(token inversion)", fontsize=9)
        ax.margins(0.12)
        ax.tick_params(labelsize=8)
    colours.colourbar(fig, axes)
    notes = "; ".join(n for n in (note, picked_note) if n)
    ringed = ("red rings and line: Pareto frontier; dashed rings: also on the statistical frontier "
              "(not beaten on both axes by more than 2 combined SE); " if stored is not None else "")
    title(fig, f"{experiment}: base trade-off, one point per base ({ringed}bars: ±1 SE; dotted: chance)", notes)
    save(fig, path)
    caption = ("Position discrimination against token discrimination, one point per RoPE base (colour, "
               "log scale), one panel per context length. " + _frontier_sentence(experiment, stored)
               + "Error bars ±1 standard error. " + _slice_sentence(notes))
    table = (Table(f"Frontier of '{experiment}' in the slice shown:",
                   ("length", "Pareto-optimal bases", "statistical frontier (2 combined SE)",
                    "best base for position", "best base for token"), rows)
             if rows else None)
    return Figure(caption, ("position_inversion", "token_inversion"), table)


def _men_2024_formula() -> str:
    a, k = MEN_2024
    return f"{a}·L^{k}"


def _men_2024_line(ax, lengths) -> None:
    """Draws the power law b_min ≈ a·L^k of Men et al. (2024) over the lengths."""
    a, k = MEN_2024
    grid = np.geomspace(np.nanmin(lengths), np.nanmax(lengths), 100)
    ax.plot(grid, a * grid**k, color="black", ls=":", lw=1.6, label=f"Men et al. 2024: {_men_2024_formula()}")


def bmin_vs_length(ds: xr.Dataset, experiment: str, path: str) -> Figure:
    """Figure 3: b_min vs L, log-log, with the power law of Men et al. 2024."""
    if "b_min" not in ds or axis_dimension(ds, "length") is None:
        raise Skip(f"'{experiment}' has no b_min over a swept length")
    dim_axis = axis_dimension(ds, "head_dim")
    view, note = select(ds, ["length", "head_dim"])
    view = view.sortby("length")
    length_dim = axis_dimension(view, "length")
    lengths = values(view.coords["length"])
    dims = values(view.coords["head_dim"]) if dim_axis else [ds.attrs.get("param_head_dim", float("nan"))]
    fig, ax = plt.subplots(figsize=(8, 5.6), constrained_layout=True)
    for i, d in enumerate(dims):
        one = view.isel({dim_axis: i}) if dim_axis else view
        colour = f"C{i % 10}"
        ax.plot(lengths, values(one["b_min"].transpose(length_dim)), marker="o", color=colour,
                label=f"b_min, d = {format_value(d)}")
        if "b_all_above" in one:
            ax.plot(lengths, values(one["b_all_above"].transpose(length_dim)), marker="s", ms=4,
                    ls="--", lw=1, color=colour, label=f"every base above admissible, d = {format_value(d)}")
    _men_2024_line(ax, lengths)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(LENGTH_LABEL)
    ax.set_ylabel("minimal RoPE base b (log scale)")
    ax.grid(True, which="major", color="0.9")
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    title(fig, f"{experiment}: smallest base with B(m) ≥ 0 on [0, L]", note)
    save(fig, path)
    caption = ("Smallest RoPE base b_min for which the long-term decay B(m) = Σ cos(m θ_t) stays non-negative "
               "on [0, L], against L (log-log), one colour per head dimension; dashed: the base above which "
               "every scanned base is admissible (the admissible set is not an interval); dotted: "
               f"the power law {_men_2024_formula()} fitted by Men et al. (2024) for d = 128. "
               + _slice_sentence(note))
    return Figure(caption, tuple(n for n in ("b_min", "b_all_above") if n in ds))


def encodings_map(ds: xr.Dataset, experiment: str, path: str, prefer=None) -> Figure:
    """Figure 4: every encoding on one map. `prefer` picks the slice of the other axes."""
    if axis_dimension(ds, "encoding") is None:
        raise Skip(f"'{experiment}' has no encoding axis")
    shown = probability_metrics(ds)
    has_length = axis_dimension(ds, "length") is not None
    view, note = select(ds, ["encoding", "length"] if has_length else ["encoding"], prefer)
    if has_length:
        view = view.sortby("length")
    encoding_dim = axis_dimension(view, "encoding")
    length_dim = axis_dimension(view, "length")
    encodings = [str(e) for e in view.coords["encoding"].values]
    lengths = values(view.coords["length"]) if has_length else np.array([np.nan])

    line_rows = max(1, -(-len(shown) // 2))
    fig = plt.figure(figsize=(14, 3.75 * line_rows), constrained_layout=True)
    grid = fig.add_gridspec(line_rows, 3, width_ratios=[1, 1, 1.25])
    line_axes = [fig.add_subplot(grid[i // 2, i % 2]) for i in range(len(shown))]
    map_ax = fig.add_subplot(grid[:, 2])
    for ax, metric in zip(line_axes, shown):
        ax.set_title(panel_title(metric), fontsize=10)
        panel = CurvePanel(ax, metric.units)
        for i, (y, se, upper) in enumerate(_curves(view, metric, length_dim, encoding_dim)):
            panel.add(lengths, y, se, colour=f"C{i % 10}", label=encodings[i], band_alpha=0.2, upper=upper,
                      marker=MARKERS[i % len(MARKERS)], ms=4)
        panel.finish()
        if has_length:
            ax.set_xscale("log")
            ax.set_xlabel(LENGTH_LABEL)
    if "position_inversion" in view and "token_inversion" in view:
        sizes = np.linspace(20, 120, len(lengths))
        for i, name in enumerate(encodings):
            one = view.isel({encoding_dim: i})
            p = 1 - values(one["position_inversion"]).reshape(-1)
            t = 1 - values(one["token_inversion"]).reshape(-1)
            colour = f"C{i % 10}"
            map_ax.plot(p, t, color=colour, lw=1, alpha=0.7)
            map_ax.scatter(p, t, s=sizes, color=colour, marker=MARKERS[i % len(MARKERS)], label=name,
                           edgecolors="white", linewidths=0.5, zorder=3)
        map_ax.scatter([0.5], [0.5], marker="x", color="black", s=60, zorder=4, label="chance (0.5, 0.5)")
        map_ax.set_xlabel("position discrimination 1 − P(position inversion)")
        map_ax.set_ylabel("token discrimination 1 − P(token inversion)")
        length_text = (f"marker size grows with L ({format_value(lengths[0])} … {format_value(lengths[-1])})"
                       if has_length else "")
        map_ax.set_title("discrimination map" + (f"\n{length_text}" if length_text else ""), fontsize=10)
        map_ax.margins(0.08)
    legend_source = map_ax if map_ax.has_data() or not line_axes else line_axes[0]
    handles, labels = legend_source.get_legend_handles_labels()
    map_ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="encoding")
    title(fig, f"{experiment}: all position encodings on one map (bands: ±1 SE; dashed: 0.5 = chance)", note)
    save(fig, path)
    caption = ("All position encodings of the sweep on the same metrics: the failure probabilities against "
               "context length (left) and the position/token discrimination plane (right), where each encoding "
               "traces a path as L grows (larger markers: longer contexts) towards chance at (0.5, 0.5). "
               + _slice_sentence(note))
    return Figure(caption, tuple(m.name for m in shown))


def _probe_rows(ds: xr.Dataset) -> list:
    """(metric, its per-head mean or None) for each probability metric of a probe:
    `<name>_head`, the mean over heads of each head's own `<name>`, shares its row."""
    shown = probability_metrics(ds)
    by_name = {m.name: m for m in shown}
    return [(m, by_name.get(m.name + "_head")) for m in shown
            if not (m.name.endswith("_head") and m.name[: -len("_head")] in by_name)]


def _count_axis(ax, name: str, x) -> None:
    """An x axis of counts (heads, layers): ticks at the values, log2 when they span 8x."""
    if spans_decades(x, 8.0):
        ax.set_xscale("log", base=2)
    ax.set_xticks(x)
    ax.set_xticklabels([format_value(v) for v in x])
    ax.minorticks_off()
    ax.set_xlabel(f"{name} (count)")


def probe(ds: xr.Dataset, experiment: str, path: str) -> Figure:
    """Figure 5: probe probabilities vs heads and vs layers, model level and per head."""
    rows = _probe_rows(ds)
    if not rows:
        raise Skip(f"'{experiment}' has no probability metrics")
    sweep_axes = [a for a in ("heads", "layers") if axis_dimension(ds, a) is not None]
    if not sweep_axes:
        raise Skip(f"'{experiment}' sweeps neither heads nor layers")
    fig, axes = plt.subplots(len(rows), len(sweep_axes), figsize=(6.2 * len(sweep_axes), 3.2 * len(rows)),
                             squeeze=False, constrained_layout=True)
    # The question is whether width or depth rescue long contexts: the longest length.
    prefer = {}
    length_dim = axis_dimension(ds, "length")
    if length_dim is not None and length_dim in ds.coords:
        prefer[length_dim] = ds.coords[length_dim].values[int(np.nanargmax(values(ds.coords["length"])))]
    notes = []
    for col, axis in enumerate(sweep_axes):
        other = [a for a in ("heads", "layers") if a != axis and axis_dimension(ds, a) is not None]
        view, note = select(ds, [axis] + other, prefer)
        view = view.sortby(axis)
        notes.append(note)
        x = values(view.coords[axis])
        x_dim = axis_dimension(view, axis)
        series_dim = axis_dimension(view, other[0]) if other else None
        series_values = view.coords[other[0]].values if other else [None]
        for row, (metric, per_head) in enumerate(rows):
            ax = axes[row, col]
            panel = CurvePanel(ax, metric.units)
            for shown, style, level in ((metric, "-", "model"), (per_head, ":", "mean per head")):
                if shown is None:
                    continue
                for j, (y, se, upper) in enumerate(_curves(view, shown, x_dim, series_dim)):
                    tail = f", {other[0]} = {format_value(series_values[j])}" if other else ""
                    panel.add(x, y, se, colour=f"C{j % 10}", label=f"{level}{tail}", band_alpha=0.12, ls=style,
                              lw=1.5, upper=upper)
            panel.finish()
            _count_axis(ax, axis, x)
            ax.set_title(f"{panel_title(metric)} vs {axis}", fontsize=10)
            if row == 0:
                ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    note = "; ".join(sorted({n for n in notes if n}))
    title(fig, f"{experiment}: transformer probe (solid: model level; dotted: mean per head; bands ±1 SE)", note)
    save(fig, path)
    caption = ("Probabilities measured on the randomly initialised attention stack, read from the last layer's "
               "attention of the query to the needle: summed over heads (model level, solid) and each head's "
               "own weight averaged over heads (dotted), against the number of heads and the number of layers, at the "
               "longest context length of the sweep. " + _slice_sentence(note))
    shown = tuple(m.name for pair in rows for m in pair if m is not None)
    return Figure(caption, shown)


def decay_map(ds: xr.Dataset, experiment: str, path: str, bmin=None) -> Figure:
    """Section 3 companion: min over [0, L] of B(m) on the (L, base) plane, the sign
    change being the admissibility boundary that b_min traces. `bmin`: a bmin
    experiment whose b_min curve is drawn on the map."""
    if "min_decay" not in ds or axis_dimension(ds, "base") is None or axis_dimension(ds, "length") is None:
        raise Skip(f"'{experiment}' has no min_decay over swept base and length")
    view, note = select(ds, ["base", "length"])
    view = view.sortby("length").sortby("base")
    base_dim, length_dim = axis_dimension(view, "base"), axis_dimension(view, "length")
    decay = values(view["min_decay"].transpose(base_dim, length_dim))
    bases, lengths = values(view.coords["base"]), values(view.coords["length"])
    limit = max(largest(np.abs(decay)), 1e-12)
    fig, ax = plt.subplots(figsize=(8.5, 5.8), constrained_layout=True)
    norm = TwoSlopeNorm(vmin=-limit, vcenter=0.0, vmax=limit)
    mesh = ax.pcolormesh(log_edges(lengths), log_edges(bases), decay, cmap="RdBu", norm=norm, shading="flat")
    bar = fig.colorbar(mesh, ax=ax, pad=0.02)
    bar.set_label("min over m in [0, L] of B(m) = Σ cos(m θ_t)\n(blue: B ≥ 0 throughout, base admissible)")
    head_dim = ds.attrs.get("param_head_dim")
    if bmin is not None and "b_min" in bmin and axis_dimension(bmin, "length") is not None:
        prefer = {"head_dim": float(head_dim)} if head_dim is not None else None
        line, _ = select(bmin, ["length"], prefer)
        line = line.sortby("length")
        ax.plot(values(line.coords["length"]), values(line["b_min"]), "k-o", ms=4, label="b_min (bmin experiment)")
    _men_2024_line(ax, lengths)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(log_edges(lengths)[[0, -1]])
    ax.set_ylim(log_edges(bases)[[0, -1]])
    ax.set_xlabel(LENGTH_LABEL)
    ax.set_ylabel("RoPE base b (log scale)")
    # Below the plot: every cell of the map is data.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=8, frameon=False)
    title(fig, f"{experiment}: long-term decay, smallest B(m) on [0, L]", note)
    save(fig, path)
    caption = ("The minimum of the long-term decay B(m) over [0, L] for each (L, b) cell of the decay experiment "
               "(red: B turns negative before L, so the base is not admissible for that length; blue: it stays "
               "non-negative). The b_min curve of the bmin experiment and the power law of Men et al. (2024) run "
               "along the boundary. " + _slice_sentence(note))
    return Figure(caption, ("min_decay",))


def _generic_axes(ds: xr.Dataset):
    """(x dimension, series dimension) for a figure of any experiment: x is the
    length when swept, else the swept dimension with the most values; the series
    is the first other swept dimension in spec order. Either may be None."""
    swept = [d for d in ds.dims if ds.sizes[d] > 1]
    length_dim = axis_dimension(ds, "length")
    if length_dim in swept:
        x_dim = length_dim
    else:
        x_dim = max(swept, key=lambda d: ds.sizes[d]) if swept else None
    others = [d for d in swept if d != x_dim]
    return x_dim, (others[0] if others else None)


def _x_positions(ax, view: xr.Dataset, x_dim):
    """The x values of a generic panel and its x axis: numbers on a linear or (when
    they span decades) log axis, text as evenly spaced labelled ticks."""
    if x_dim is None:
        ax.set_xticks([0])
        ax.set_xticklabels(["the one point"])
        return np.zeros(1)
    coordinate = view.coords[x_dim].values if x_dim in view.coords else np.arange(view.sizes[x_dim])
    if coordinate.dtype.kind in "OUS":
        positions = np.arange(len(coordinate), dtype=np.float64)
        ax.set_xticks(positions)
        ax.set_xticklabels([str(v) for v in coordinate], rotation=30, ha="right")
        ax.set_xlabel(axis_label(x_dim))
        return positions
    positions = coordinate.astype(np.float64)
    log = spans_decades(positions, 8.0)
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(axis_label(x_dim, log))
    return positions


def metrics_against_axes(ds: xr.Dataset, experiment: str, path: str, shown=None) -> Figure:
    """The figure for any experiment: one panel per metric (all of them, or the
    Metric list `shown`) against its x axis (see _generic_axes), one curve per
    value of a second swept axis, the other axes fixed at their reference
    values. Units come from the file: probabilities get the probability axis,
    stochastic metrics their SE bands."""
    shown = display_order(shown if shown is not None else metrics(ds))
    if not shown:
        raise Skip(f"'{experiment}' has no metrics")
    x_dim, series_dim = _generic_axes(ds)
    view, note = select(ds, [d for d in (x_dim, series_dim) if d])
    if x_dim is not None and x_dim in view.coords and view.coords[x_dim].dtype.kind not in "OUS":
        view = view.sortby(x_dim)
    colours = ColourScale(view.coords[series_dim].values, series_dim) if series_dim else None

    fig, axes = panel_grid(len(shown), width=4.6, height=3.4, max_cols=3)
    for ax, metric in zip(axes.flat, shown):
        ax.set_title(panel_title(metric), fontsize=9)
        x = _x_positions(ax, view, x_dim)
        panel = CurvePanel(ax, metric.units)
        for i, (y, se, upper) in enumerate(_curves(view, metric, x_dim, series_dim)):
            label = point_label(view, series_dim, i) if series_dim else None
            panel.add(x, y, se, colour=colours.colour(i) if colours else "C0", label=label, upper=upper)
        panel.finish()
    if colours:
        _key(fig, axes, colours, axes[0, -1])
    against = f"against {x_dim}" if x_dim else "at its one point"
    per = f", one curve per {series_dim}" if series_dim else ""
    title(fig, f"{experiment} ({kind(ds) or 'unknown kind'}): metrics {against}{per}", note)
    save(fig, path)
    described = "; ".join(f"{m.name} ({m.units}{', sampled' if m.stochastic else ''}): {m.description}"
                          for m in shown)
    caption = (f"Metrics of '{experiment}' (experiment kind '{kind(ds)}') {against}{per}, as the file describes "
               "them; shaded ±1 standard error for sampled metrics, dashed 0.5 on probability axes. "
               f"{described}. " + _slice_sentence(note))
    return Figure(caption, tuple(m.name for m in shown))


# The section on released models: curve styles per precision (the models run in
# bf16; fp64 is the exact reference) and the marks of the advertised contexts.
PRECISION_STYLES = {"fp64": "-", "bf16": "--"}
OTHER_STYLES = (":", "-.")
INVERSION_COLOURS = {"position_inversion": "C0", "token_inversion": "C3"}


def _precision_style(precision, index: int) -> str:
    return PRECISION_STYLES.get(str(precision), OTHER_STYLES[index % len(OTHER_STYLES)])


def _mark_contexts(ax, model) -> None:
    """The model's advertised context (solid black) and original context (dotted grey)."""
    if model is None:
        return
    ax.axvline(model.context, color="black", lw=1.1, label="advertised context")
    if model.original_context:
        ax.axvline(model.original_context, color="0.5", lw=1.1, ls=":", label="original context")


def _models_on_axis(results, ds: xr.Dataset) -> list:
    """The models of the experiment's axis, in the order of the model table (as the
    section's table lists them), then any the table lacks."""
    on_axis = [str(v) for v in ds.coords["model"].values]
    return [m for m in results.models if m in on_axis] + [m for m in on_axis if m not in results.models]


def _no_table_sentence(results) -> str:
    return ("" if results.models else
            f"The file has no /{MODEL_TABLE} table, so the models' contexts and bases are not marked. ")


def models_summary(results, path: str) -> Figure:
    """The section's lead: for each model, where each inversion first reaches the
    threshold, where B(m) turns negative, against its advertised context; the
    table of every model and the findings, both from model_summary."""
    if not results.models:
        raise Skip(f"the file has no /{MODEL_TABLE} table (the models' bases and advertised contexts), "
                   "written by ropesweep when a sweep names models")
    summary = model_summary.summarise(results)
    rows = summary.models
    fig, ax = plt.subplots(figsize=(10, 1.6 + 0.36 * len(rows)), constrained_layout=True)
    y = np.arange(len(rows))[::-1]
    marks = (("position_inversion", "o", INVERSION_COLOURS["position_inversion"]),
             ("token_inversion", "s", INVERSION_COLOURS["token_inversion"]))
    shapes = {"interpolated": None, "at_start": "<", "never": ">"}
    for row, s in zip(y, rows):
        ax.plot([s.model.context], [row], marker="|", ms=16, mew=2.2, color="black", ls="none")
        if s.model.original_context:
            ax.plot([s.model.original_context], [row], marker="|", ms=12, mew=1.6, color="0.55", ls="none")
        for offset, (metric, marker, colour) in zip((0.13, -0.13), marks):
            found = s.crossings.get(metric)
            if found is None or found.state == "unknown":
                continue
            ax.plot([found.length], [row + offset], marker=shapes[found.state] or marker, ms=7, color=colour,
                    ls="none", mfc=colour if found.state == "interpolated" else "white")
        if not np.isnan(s.first_negative):
            ax.plot([s.first_negative], [row], marker=">" if s.first_negative_capped else "x", ms=7,
                    color="tab:purple", ls="none", mfc="white")
    handles = [plt.Line2D([], [], marker="|", ms=12, mew=2, color="black", ls="none", label="advertised context"),
               plt.Line2D([], [], marker="|", ms=10, mew=1.5, color="0.55", ls="none", label="original context")]
    if summary.has("failures"):
        handles += [plt.Line2D([], [], marker=m, color=c, ls="none",
                               label=f"{metric.replace('_', ' ')} reaches {model_summary.THRESHOLD} (fp64)")
                    for metric, m, c in marks]
        handles += [plt.Line2D([], [], marker=">", color="0.3", mfc="white", ls="none",
                               label="not reached up to the longest length (< : at the shortest)")]
    if summary.has("decay"):
        handles.append(plt.Line2D([], [], marker="x", color="tab:purple", ls="none",
                                  label="B(m) first negative (> : not up to the search cap)"))
    ax.set_yticks(y)
    ax.set_yticklabels([s.model.name for s in rows], fontsize=9)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xscale("log")
    ax.set_xlabel("context length L or distance m (tokens, log scale)")
    ax.grid(True, axis="x", which="major", color="0.9")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    sources = ", ".join(f"{role}: '{name}'" for role, name in summary.sources.items())
    title(fig, "Released models: where each fails, against its advertised context", sources)
    save(fig, path)
    what = ("Where each released model's position and token inversion (fp64) first reach "
            f"{model_summary.THRESHOLD}, interpolated in log length between grid points, and where its long-term "
            "decay B(m) first turns negative, against its advertised context (black) and original context (grey). ")
    missing = "".join(f"Not shown: {n}. " for n in summary.notes)
    slices = "".join(f"{n[0].upper()}{n[1:]}. " for n in summary.slices)
    caption = "Findings: " + " ".join(model_summary.findings(summary)) + " " + what + missing + slices
    columns = model_summary.table_columns(summary)
    table = Table(f"Released models at their advertised context (read from {sources or 'the model table only'}; "
                  "k = 1024 tokens):", tuple(h for h, _ in columns),
                  [tuple(cell(s) for _, cell in columns) for s in rows])
    return Figure(caption, (), table)


def models_failures(results, ds: xr.Dataset, experiment: str, path: str) -> Figure:
    """Both inversions of each model against length, one panel per model, one line
    style per precision, with the model's advertised (and original) context marked."""
    if axis_dimension(ds, "model") is None or axis_dimension(ds, "length") is None:
        raise Skip(f"'{experiment}' does not sweep model and length")
    shown = [m for m in probability_metrics(ds) if m.name in INVERSION_COLOURS]
    if not shown:
        raise Skip(f"'{experiment}' has no inversion probabilities")
    names = _models_on_axis(results, ds)
    fig, axes = panel_grid(len(names), width=3.7, height=3.0, max_cols=4)
    note = ""
    for ax, name in zip(axes.flat, names):
        view, note = select(model_summary.model_slice(ds, name), ["length", "precision"])
        view = view.sortby("length")
        length_dim, precision_dim = axis_dimension(view, "length"), axis_dimension(view, "precision")
        precisions = [str(p) for p in view.coords["precision"].values] if precision_dim else [None]
        lengths = values(view.coords["length"])
        panel = CurvePanel(ax, "probability")
        for metric in shown:
            for i, (y, se, upper) in enumerate(_curves(view, metric, length_dim, precision_dim)):
                panel.add(lengths, y, se, colour=INVERSION_COLOURS[metric.name], band_alpha=0.15, upper=upper,
                          ls=_precision_style(precisions[i], i), ms=2, lw=1.1,
                          label=f"{metric.name.replace('_', ' ')}" + (f", {precisions[i]}" if precisions[i] else ""))
        panel.finish()
        ax.axhline(model_summary.THRESHOLD, color="0.6", lw=0.8, ls=":")
        _mark_contexts(ax, results.models.get(name))
        ax.set_xscale("log")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel(LENGTH_LABEL, fontsize=8)
        ax.tick_params(labelsize=7)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    axes[0, -1].legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
    title(fig, f"{experiment}: position and token inversion of each model against context length "
               f"(bands ±1 SE; dashed grey 0.5 = chance, dotted {model_summary.THRESHOLD})", note)
    save(fig, path)
    caption = (f"Position inversion (blue) and token inversion (red) of each model of '{experiment}' against context "
               "length (log x axis), one panel per model, one line style per precision (solid fp64, dashed bf16), "
               "shaded ±1 standard error; the vertical lines mark the model's advertised context (black) and the "
               f"original context its scaling extends (dotted grey); dotted horizontal: {model_summary.THRESHOLD}. "
               + _no_table_sentence(results) + _slice_sentence(note))
    return Figure(caption, tuple(m.name for m in shown))


def _frontier_verdicts(summaries) -> str:
    """Which models' own bases are on the point-estimate and on the statistical frontier."""
    groups = {key: [] for key in ("on the point-estimate frontier (and so on the statistical one)",
                                  "on the statistical frontier only",
                                  "off the point-estimate frontier (no statistical frontier in the file)",
                                  "on neither frontier", "not on the base axis")}
    for s in summaries:
        if s.on_frontier is None:
            key = "not on the base axis"
        elif s.on_frontier:
            key = "on the point-estimate frontier (and so on the statistical one)"
        elif s.on_statistical_frontier:
            key = "on the statistical frontier only"
        elif s.on_statistical_frontier is None:
            key = "off the point-estimate frontier (no statistical frontier in the file)"
        else:
            key = "on neither frontier"
        groups[key].append(s.model.name)
    return " ".join(f"Own base {key}: {', '.join(found)}." for key, found in groups.items() if found) + " "


def models_tradeoff(results, ds: xr.Dataset, experiment: str, path: str, stored=None) -> Figure:
    """Each model at its advertised context over the bases of the sweep: position vs
    token discrimination, its frontier (of the bases with its own head dimension and
    scaling) ringed, its own base a star. One panel per model."""
    if axis_dimension(ds, "model") is None or not has_tradeoff(ds):
        raise Skip(f"'{experiment}' does not sweep model and base with both inversions")
    if stored is not None:
        ds = with_frontier(ds, stored)
    names = _models_on_axis(results, ds)
    colours = ColourScale(values(ds.coords["base"]), "base")
    fig, axes = panel_grid(len(names), width=3.5, height=3.2, max_cols=4)
    judged = []  # ModelSummary of each model with its own base judged against its frontier
    note = ""
    for ax, name in zip(axes.flat, names):
        view, note = select(model_summary.model_slice(ds, name), ["base"])
        bases = values(view.coords["base"])
        draw_tradeoff_points(ax, view, bases, colours, stored is not None, size=22, ring=90)
        p, t = 1 - values(view["position_inversion"]), 1 - values(view["token_inversion"])
        model = results.models.get(name)
        label = name
        if model is not None:
            own = model_summary.own_base_index(bases, model.base)
            if own is not None:
                # Under the rings, which show whether it is on the frontier.
                ax.scatter(p[own], t[own], marker="*", s=150, color="gold", edgecolors="black", lw=0.7,
                           zorder=2.5)
            if stored is not None:
                summary = model_summary.ModelSummary(model)
                model_summary.read_frontier(summary, view)
                judged.append(summary)
            label = f"{name}\nb = {format_base(model.base)}, L = {tokens(model.context)}"
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("1 − P(position inversion)", fontsize=8)
        ax.set_ylabel("1 − P(token inversion)", fontsize=8)
        ax.margins(0.12)
        ax.tick_params(labelsize=7)
    colours.colourbar(fig, axes)
    title(fig, f"{experiment}: each model's base (star) on the base trade-off at its advertised context "
               "(red: Pareto frontier; dashed rings: statistical frontier; bars ±1 SE)", note)
    save(fig, path)
    caption = ("Position discrimination against token discrimination of each model at its advertised context, one "
               "point per base of the sweep (colour, log scale) with everything else the model's (head dimension, "
               "rotary fraction, scaling), one panel per model; the star is the model's own base. "
               + _frontier_sentence(experiment, stored) + "Dashed rings: bases also on the statistical frontier "
               "(not beaten on both axes by more than 2 combined SE). "
               + _frontier_verdicts(judged)
               + _no_table_sentence(results) + _slice_sentence(note))
    return Figure(caption, ("position_inversion", "token_inversion"))
