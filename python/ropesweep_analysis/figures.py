"""The report's figures. Each function draws one PNG and returns a caption;
it raises Skip when the data it needs are not in the file."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.colors import LogNorm, Normalize, TwoSlopeNorm

from .results import axis_dimension, with_frontier
from .slicing import format_value, point_label, select

FAILURE_MODES = ("position_inversion", "position_aliasing", "token_inversion", "token_aliasing")
TITLES = {
    "position_inversion": "position inversion (locality loss)",
    "position_aliasing": "position aliasing (equal scores at two distances)",
    "token_inversion": "token inversion (consistency loss)",
    "token_aliasing": "token aliasing (equal scores for two tokens)",
}
MEN_2024 = (0.0424, 1.628)  # b_min ~ 0.0424 L^1.628, Men et al. 2024 (d = 128)
MAX_PANELS = 12
DPI = 110


class Skip(Exception):
    """The figure does not apply to this file; the message says why."""


def _base_colours(bases):
    bases = np.asarray(bases, dtype=np.float64)
    cmap = plt.get_cmap("viridis")
    if len(bases) > 1 and bases.min() > 0 and bases.max() > bases.min():
        norm = LogNorm(vmin=bases.min(), vmax=bases.max())
    else:
        norm = Normalize(vmin=bases.min() - 1, vmax=bases.max() + 1)
    return cmap, norm


def _base_colourbar(fig, axes, cmap, norm):
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(mappable, ax=axes, shrink=0.9, pad=0.02)
    bar.set_label("RoPE base b (log scale)")
    return bar


def _save(fig, path):
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def _values(da):
    return np.asarray(da.values, dtype=np.float64)


def _se(view, metric):
    name = metric + "_se"
    return _values(view[name]) if name in view else None


def _bases(view):
    if "base" in view.coords:
        return np.asarray(view.coords["base"].values, dtype=np.float64)
    return None


def _probability_axis(ax, top, largest):
    """Linear 0..0.5+ axis, or, when every value is small but not all zero (aliasing
    in low precision), a symlog axis so that they show next to the 0.5 line."""
    if 0 < largest < 0.1:
        ax.set_yscale("symlog", linthresh=1e-3, linscale=0.5)
        ax.set_ylim(0, 0.7)
        ax.set_ylabel("failure probability\n(linear below 1e-3, log above)")
    else:
        ax.set_ylim(-0.02, min(top, 1.02))
        ax.set_ylabel("failure probability")


def _band(ax, x, y, se, colour, alpha):
    ax.fill_between(x, np.clip(y - se, 0, 1), np.clip(y + se, 0, 1), color=colour, alpha=alpha, lw=0)


def _largest(values):
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    return float(finite.max()) if finite.size else 0.0


def _title(fig, text, note):
    fig.suptitle(text + (f"\n[{note}]" if note else ""), fontsize=11)


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


def _series_style(name, values):
    """(colour of value i, legend wanted?, colour-bar maker or None) for a series axis."""
    if values.dtype.kind in "OUS":
        return (lambda i: f"C{i % 10}"), True, None
    numbers = np.asarray(values, dtype=np.float64)
    cmap = plt.get_cmap("viridis")
    log = numbers.min() > 0 and numbers.max() >= 10 * numbers.min()
    if log:
        norm = LogNorm(vmin=numbers.min(), vmax=numbers.max())
    else:
        low, high = numbers.min(), numbers.max()
        norm = Normalize(vmin=low, vmax=high if high > low else low + 1)
    label = "RoPE base b" if name == "base" else name
    label += " (log scale)" if log else ""

    def colourbar(fig, axes):
        bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.9, pad=0.02)
        bar.set_label(label)

    return (lambda i: cmap(norm(numbers[i]))), False, colourbar


def failure_vs_length(ds: xr.Dataset, experiment: str, path: str, prefer=None) -> str:
    """Figure 1: the four failure probabilities vs length, one curve per base
    (or per value of the first other swept axis when the base is fixed).
    `prefer` picks the slice of the other axes (e.g. {"precision": "bf16"})."""
    if axis_dimension(ds, "length") is None:
        raise Skip(f"'{experiment}' has no swept length axis")
    present = [m for m in FAILURE_MODES if m in ds]
    if not present:
        raise Skip(f"'{experiment}' has none of the four failure probabilities")
    series = _series_axis(ds)
    view, note = select(ds, [a for a in (series, "length") if a], prefer)
    view = view.sortby("length")
    length_dim = axis_dimension(view, "length")
    series_dim = axis_dimension(view, series) if series else None
    lengths = _values(view.coords["length"])
    series_values = np.asarray(view.coords[series].values) if series else np.array([np.nan])
    colour_of, legend, colourbar = _series_style(series or "", series_values) if series else (
        (lambda i: "C0"), False, None)

    fig, axes = plt.subplots(2, 2, figsize=(11.5, 8), sharex=True, constrained_layout=True)
    for ax, metric in zip(axes.flat, FAILURE_MODES):
        ax.set_title(TITLES[metric], fontsize=10)
        ax.axhline(0.5, ls="--", lw=1, color="0.35", zorder=0)
        if metric not in view:
            ax.text(0.5, 0.5, "not in this file", transform=ax.transAxes, ha="center", color="0.4")
            continue
        data = view[metric].transpose(*([series_dim] if series_dim else []), length_dim)
        values = _values(data).reshape(-1, len(lengths))
        se = (_values(view[metric + "_se"].transpose(*data.dims)).reshape(-1, len(lengths))
              if metric + "_se" in view else np.zeros_like(values))
        top = 0.55
        for i, row in enumerate(values):
            label = f"{series} = {format_value(series_values[i])}" if series else None
            ax.plot(lengths, row, marker="o", ms=3, lw=1.3, color=colour_of(i), label=label)
            _band(ax, lengths, row, se[i], colour_of(i), 0.25)
            if np.isfinite(row + se[i]).any():
                top = max(top, float(np.nanmax(row + se[i])) * 1.05)
        ax.set_xscale("log")
        _probability_axis(ax, top, _largest(values))
    for ax in axes[-1]:
        ax.set_xlabel("context length L (tokens, log scale)")
    if colourbar:
        colourbar(fig, axes)
    elif legend:
        axes[0, 1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
    per = f"one curve per {series}" if series else "one curve"
    _title(fig, f"{experiment}: failure probability vs context length, {per} "
                f"(bands: ±1 SE; dashed: 0.5 = chance)", note)
    _save(fig, path)
    what = {"base": "RoPE base (colour, log scale)"}.get(series, f"value of {series}") if series else ""
    return (f"Failure probabilities of '{experiment}' against context length (log x axis)"
            + (f", one curve per {what}" if series else "")
            + ", shaded ±1 standard error; the dashed line is 0.5, random guessing. "
            + (f"Slice shown: {note}." if note else ""))


def _format_base(value) -> str:
    """Bases span decades: three significant digits, exponent from 10^4 up."""
    value = float(value)
    if np.isnan(value):
        return "none"
    return f"{value:.3g}" if value >= 1e4 else f"{value:.4g}"


def _panel_grid(count, width=3.6, height=3.3, max_cols=4):
    cols = min(max_cols, count)
    rows = math.ceil(count / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols + 1.2, height * rows + 0.9),
                             squeeze=False, constrained_layout=True)
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    return fig, axes


def _pick_panels(count):
    if count <= MAX_PANELS:
        return list(range(count)), ""
    picked = sorted(set(np.linspace(0, count - 1, MAX_PANELS).round().astype(int).tolist()))
    return picked, f"{len(picked)} of {count} lengths shown, evenly spaced"


def has_tradeoff(ds: xr.Dataset) -> bool:
    """The trade-off needs both inversions over a swept base (the frontier's inputs)."""
    return "position_inversion" in ds and "token_inversion" in ds and axis_dimension(ds, "base") is not None


def tradeoff(ds: xr.Dataset, experiment: str, path: str, stored=None):
    """Figure 2: position vs token discrimination per base, one panel per length,
    with the Pareto frontier of `stored` (the file's /frontier/<experiment>)
    ringed; without it, the points alone. Returns (caption, table rows), the rows
    empty without a stored frontier."""
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
    bases = _bases(view)
    cmap, norm = _base_colours(bases)
    panel_count = view.sizes[length_dim] if length_dim else 1
    picked, picked_note = _pick_panels(panel_count)
    fig, axes = _panel_grid(len(picked))
    rows = []
    for ax, index in zip(axes.flat, picked):
        one = view.isel({length_dim: index}) if length_dim else view
        p = 1 - _values(one["position_inversion"].transpose(base_dim))
        t = 1 - _values(one["token_inversion"].transpose(base_dim))
        p_se = _se(one.transpose(base_dim, ...), "position_inversion")
        t_se = _se(one.transpose(base_dim, ...), "token_inversion")
        ax.axvline(0.5, color="0.8", lw=0.8, ls=":")
        ax.axhline(0.5, color="0.8", lw=0.8, ls=":")
        ax.errorbar(p, t, xerr=p_se, yerr=t_se, fmt="none", ecolor="0.65", lw=0.8, zorder=1)
        ax.scatter(p, t, c=bases, cmap=cmap, norm=norm, s=28, zorder=2)
        length_text = point_label(view, length_dim, index, {"length": "L"}) if length_dim else "all bases"
        if stored is not None:
            mask = _values(one["pareto_optimal"].transpose(base_dim)).astype(bool)
            order = np.argsort(p[mask])
            ax.plot(p[mask][order], t[mask][order], color="red", lw=1, zorder=2)
            ax.scatter(p[mask], t[mask], s=110, facecolors="none", edgecolors="red", lw=1.4, zorder=3)
            rows.append((length_text, [_format_base(b) for b in bases[mask]],
                         _format_base(float(one["best_position_base"].values)),
                         _format_base(float(one["best_token_base"].values))))
        ax.set_title(length_text, fontsize=10)
        ax.set_xlabel("position discrimination\n1 − P(position inversion)", fontsize=9)
        ax.set_ylabel("token discrimination\n1 − P(token inversion)", fontsize=9)
        ax.margins(0.12)
        ax.tick_params(labelsize=8)
    _base_colourbar(fig, axes, cmap, norm)
    notes = "; ".join(n for n in (note, picked_note) if n)
    ringed = "red rings and line: Pareto frontier; " if stored is not None else ""
    _title(fig, f"{experiment}: base trade-off, one point per base ({ringed}bars: ±1 SE; dotted: chance)",
           notes)
    _save(fig, path)
    caption = ("Position discrimination against token discrimination, one point per RoPE base (colour, "
               "log scale), one panel per context length. "
               + ("Ringed in red: the bases no other base beats on both (Pareto optimal, ties kept), as "
                  f"stored in the file (/frontier/{experiment}). " if stored is not None else
                  "The file holds no frontier for this experiment, so none is marked. ")
               + "Error bars ±1 standard error. " + (f"Slice shown: {notes}." if notes else ""))
    return caption, rows


def bmin_vs_length(ds: xr.Dataset, experiment: str, path: str) -> str:
    """Figure 3: b_min vs L, log-log, with the power law of Men et al. 2024."""
    if "b_min" not in ds or axis_dimension(ds, "length") is None:
        raise Skip(f"'{experiment}' has no b_min over a swept length")
    dim_axis = axis_dimension(ds, "head_dim")
    view, note = select(ds, ["length", "head_dim"])
    view = view.sortby("length")
    length_dim = axis_dimension(view, "length")
    lengths = _values(view.coords["length"])
    dims = _values(view.coords["head_dim"]) if dim_axis else [ds.attrs.get("param_head_dim", float("nan"))]
    fig, ax = plt.subplots(figsize=(8, 5.6), constrained_layout=True)
    for i, d in enumerate(dims):
        one = view.isel({dim_axis: i}) if dim_axis else view
        colour = f"C{i % 10}"
        ax.plot(lengths, _values(one["b_min"].transpose(length_dim)), marker="o", color=colour,
                label=f"b_min, d = {format_value(d)}")
        if "b_all_above" in one:
            ax.plot(lengths, _values(one["b_all_above"].transpose(length_dim)), marker="s", ms=4,
                    ls="--", lw=1, color=colour, label=f"every base above admissible, d = {format_value(d)}")
    a, k = MEN_2024
    grid = np.geomspace(lengths.min(), lengths.max(), 100)
    ax.plot(grid, a * grid**k, color="black", ls=":", lw=1.6, label=f"Men et al. 2024: {a}·L^{k}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("context length L (tokens, log scale)")
    ax.set_ylabel("minimal RoPE base b (log scale)")
    ax.grid(True, which="major", color="0.9")
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    _title(fig, f"{experiment}: smallest base with B(m) ≥ 0 on [0, L]", note)
    _save(fig, path)
    return ("Smallest RoPE base b_min for which the long-term decay B(m) = Σ cos(m θ_t) stays non-negative on "
            "[0, L], against L (log-log), one colour per head dimension; dashed: the base above which every "
            "scanned base is admissible (the admissible set is not an interval); dotted: the power law "
            f"{a}·L^{k} fitted by Men et al. (2024) for d = 128. " + (f"Slice shown: {note}." if note else ""))


def encodings_map(ds: xr.Dataset, experiment: str, path: str, prefer=None) -> str:
    """Figure 4: every encoding on one map. `prefer` picks the slice of the other axes."""
    encoding_dim = axis_dimension(ds, "encoding")
    if encoding_dim is None:
        raise Skip(f"'{experiment}' has no encoding axis")
    has_length = axis_dimension(ds, "length") is not None
    keep = ["encoding", "length"] if has_length else ["encoding"]
    view, note = select(ds, keep, prefer)
    if has_length:
        view = view.sortby("length")
    encoding_dim = axis_dimension(view, "encoding")
    length_dim = axis_dimension(view, "length")
    encodings = [str(e) for e in view.coords["encoding"].values]
    lengths = _values(view.coords["length"]) if has_length else np.array([np.nan])

    fig = plt.figure(figsize=(14, 7.5), constrained_layout=True)
    grid = fig.add_gridspec(2, 3, width_ratios=[1, 1, 1.25])
    line_axes = [fig.add_subplot(grid[r, c]) for r in range(2) for c in range(2)]
    map_ax = fig.add_subplot(grid[:, 2])
    markers = "osD^v<>ph*"
    for ax, metric in zip(line_axes, FAILURE_MODES):
        ax.set_title(TITLES[metric], fontsize=10)
        ax.axhline(0.5, ls="--", lw=1, color="0.35", zorder=0)
        if metric not in view:
            ax.text(0.5, 0.5, "not in this file", transform=ax.transAxes, ha="center", color="0.4")
            continue
        top, largest = 0.55, 0.0
        for i, name in enumerate(encodings):
            one = view.isel({encoding_dim: i})
            y = _values(one[metric].transpose(*([length_dim] if length_dim else [])).squeeze()).reshape(-1)
            se = _se(one, metric)
            se = se.reshape(-1) if se is not None else np.zeros_like(y)
            ax.plot(lengths, y, marker=markers[i % len(markers)], ms=4, color=f"C{i % 10}", label=name)
            _band(ax, lengths, y, se, f"C{i % 10}", 0.2)
            largest = max(largest, _largest(y))
            if np.isfinite(y + se).any():
                top = max(top, float(np.nanmax(y + se)) * 1.05)
        if has_length:
            ax.set_xscale("log")
            ax.set_xlabel("context length L (tokens, log scale)")
        _probability_axis(ax, top, largest)
    if "position_inversion" in view and "token_inversion" in view:
        sizes = np.linspace(20, 120, len(lengths))
        for i, name in enumerate(encodings):
            one = view.isel({encoding_dim: i})
            p = 1 - _values(one["position_inversion"]).reshape(-1)
            t = 1 - _values(one["token_inversion"]).reshape(-1)
            colour = f"C{i % 10}"
            map_ax.plot(p, t, color=colour, lw=1, alpha=0.7)
            map_ax.scatter(p, t, s=sizes, color=colour, marker=markers[i % len(markers)], label=name,
                           edgecolors="white", linewidths=0.5, zorder=3)
        map_ax.scatter([0.5], [0.5], marker="x", color="black", s=60, zorder=4, label="chance (0.5, 0.5)")
        map_ax.set_xlabel("position discrimination 1 − P(position inversion)")
        map_ax.set_ylabel("token discrimination 1 − P(token inversion)")
        length_text = (f"marker size grows with L ({format_value(lengths[0])} … {format_value(lengths[-1])})"
                       if has_length else "")
        map_ax.set_title("discrimination map" + (f"\n{length_text}" if length_text else ""), fontsize=10)
        map_ax.margins(0.08)
    handles, labels = (map_ax if map_ax.has_data() else line_axes[0]).get_legend_handles_labels()
    map_ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="encoding")
    _title(fig, f"{experiment}: all position encodings on one map (bands: ±1 SE; dashed: 0.5 = chance)", note)
    _save(fig, path)
    return ("All position encodings of the sweep on the same metrics: the four failure probabilities against "
            "context length (left) and the position/token discrimination plane (right), where each encoding "
            "traces a path as L grows (larger markers: longer contexts) towards chance at (0.5, 0.5). "
            + (f"Slice shown: {note}." if note else ""))


def _probe_metric_pairs(ds: xr.Dataset):
    """(failure mode, model-level metric or None, per-head metric or None)."""
    names = [n for n in ds.data_vars if not n.endswith(("_se", "_n")) and n != "done"]
    pairs = []
    for mode in FAILURE_MODES:
        related = [n for n in names if mode in n]
        per_head = [n for n in related if "head" in n]
        model = [n for n in related if "head" not in n]
        if related:
            pairs.append((mode, model[0] if model else None, per_head[0] if per_head else None))
    return pairs


def probe(ds: xr.Dataset, experiment: str, path: str) -> str:
    """Figure 5: probe failures vs heads and vs layers, model-level and per head."""
    pairs = _probe_metric_pairs(ds)
    if not pairs:
        raise Skip(f"'{experiment}' has no failure metrics")
    sweep_axes = [a for a in ("heads", "layers") if axis_dimension(ds, a) is not None]
    if not sweep_axes:
        raise Skip(f"'{experiment}' sweeps neither heads nor layers")
    fig, axes = plt.subplots(len(pairs), len(sweep_axes), figsize=(6.2 * len(sweep_axes), 3.2 * len(pairs)),
                             squeeze=False, constrained_layout=True)
    notes = []
    for col, axis in enumerate(sweep_axes):
        other = [a for a in ("heads", "layers") if a != axis and axis_dimension(ds, a) is not None]
        # The question is whether width or depth rescue long contexts: the longest length.
        prefer = {}
        length_dim = axis_dimension(ds, "length")
        if length_dim is not None and length_dim in ds.coords:
            longest = int(np.nanargmax(_values(ds.coords["length"])))
            prefer[length_dim] = ds.coords[length_dim].values[longest]
        view, note = select(ds, [axis] + other, prefer)
        view = view.sortby(axis)
        notes.append(note)
        x = _values(view.coords[axis])
        x_dim = axis_dimension(view, axis)
        series_dim = axis_dimension(view, other[0]) if other else None
        series = range(view.sizes[series_dim]) if series_dim else [None]
        for row, (mode, model, per_head) in enumerate(pairs):
            ax = axes[row, col]
            ax.axhline(0.5, ls="--", lw=1, color="0.35", zorder=0)
            top, largest = 0.55, 0.0
            for j, s in enumerate(series):
                one = view.isel({series_dim: s}) if series_dim else view
                label_tail = f", {other[0]} = {format_value(one.coords[other[0]].values)}" if series_dim else ""
                for metric, style, kind in ((model, "-", "model"), (per_head, ":", "mean per head")):
                    if metric is None:
                        continue
                    y = _values(one[metric].transpose(x_dim))
                    se = _se(one, metric)
                    se = se.reshape(-1) if se is not None else np.zeros_like(y)
                    ax.plot(x, y, ls=style, marker="o", ms=3, color=f"C{j % 10}", label=f"{kind}{label_tail}")
                    _band(ax, x, y, se, f"C{j % 10}", 0.12)
                    largest = max(largest, _largest(y))
                    if np.isfinite(y + se).any():
                        top = max(top, float(np.nanmax(y + se)) * 1.05)
            if len(x) > 1 and x.min() > 0 and x.max() / x.min() >= 8:
                ax.set_xscale("log", base=2)
            ax.set_xticks(x)
            ax.set_xticklabels([format_value(v) for v in x])
            ax.minorticks_off()
            ax.set_xlabel(f"{axis} (count)")
            _probability_axis(ax, top, largest)
            ax.set_title(f"{TITLES[mode]} vs {axis}", fontsize=10)
            if row == 0:
                ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    note = "; ".join(sorted({n for n in notes if n}))
    _title(fig, f"{experiment}: transformer probe failures (solid: model level; dotted: mean per head; "
                f"bands ±1 SE)", note)
    _save(fig, path)
    return ("Failure probabilities of the randomly initialised attention stack, read from the last layer's "
            "attention of the query to the needle: summed over heads (model level, solid) and each head's own "
            "weight averaged over heads (dotted), against the number of heads and the number of layers, at the "
            "longest context length of the sweep. "
            + (f"Slice shown: {note}." if note else ""))


def _log_edges(centres):
    """Cell edges for pcolormesh on a log axis: geometric midpoints, extended at the ends."""
    c = np.asarray(centres, dtype=np.float64)
    if len(c) == 1:
        return np.array([c[0] / 1.5, c[0] * 1.5])
    mids = np.sqrt(c[1:] * c[:-1])
    return np.concatenate([[c[0] ** 2 / mids[0]], mids, [c[-1] ** 2 / mids[-1]]])


def decay_map(ds: xr.Dataset, experiment: str, path: str, bmin=None) -> str:
    """Section 3 companion: min over [0, L] of B(m) on the (L, base) plane, the sign
    change being the admissibility boundary that b_min traces."""
    if "min_decay" not in ds or axis_dimension(ds, "base") is None or axis_dimension(ds, "length") is None:
        raise Skip(f"'{experiment}' has no min_decay over swept base and length")
    view, note = select(ds, ["base", "length"])
    view = view.sortby("length").sortby("base")
    base_dim, length_dim = axis_dimension(view, "base"), axis_dimension(view, "length")
    values = _values(view["min_decay"].transpose(base_dim, length_dim))
    bases, lengths = _values(view.coords["base"]), _values(view.coords["length"])
    limit = max(_largest(np.abs(values)), 1e-12)
    fig, ax = plt.subplots(figsize=(8.5, 5.8), constrained_layout=True)
    norm = TwoSlopeNorm(vmin=-limit, vcenter=0.0, vmax=limit)
    mesh = ax.pcolormesh(_log_edges(lengths), _log_edges(bases), values, cmap="RdBu", norm=norm, shading="flat")
    bar = fig.colorbar(mesh, ax=ax, pad=0.02)
    bar.set_label("min over m in [0, L] of B(m) = Σ cos(m θ_t)\n(blue: B ≥ 0 throughout, base admissible)")
    head_dim = ds.attrs.get("param_head_dim")
    if bmin is not None and "b_min" in bmin and axis_dimension(bmin, "length") is not None:
        prefer = {"head_dim": float(head_dim)} if head_dim is not None else None
        line, _ = select(bmin, ["length"], prefer)
        line = line.sortby("length")
        ax.plot(_values(line.coords["length"]), _values(line["b_min"]), "k-o", ms=4, label="b_min (bmin experiment)")
    a, k = MEN_2024
    grid = np.geomspace(lengths.min(), lengths.max(), 100)
    ax.plot(grid, a * grid**k, color="black", ls=":", lw=1.6, label=f"Men et al. 2024: {a}·L^{k}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(_log_edges(lengths)[[0, -1]])
    ax.set_ylim(_log_edges(bases)[[0, -1]])
    ax.set_xlabel("context length L (tokens, log scale)")
    ax.set_ylabel("RoPE base b (log scale)")
    # Below the plot: every cell of the map is data.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=8, frameon=False)
    _title(fig, f"{experiment}: long-term decay, smallest B(m) on [0, L]", note)
    _save(fig, path)
    return ("The minimum of the long-term decay B(m) over [0, L] for each (L, b) cell of the decay experiment "
            "(red: B turns negative before L, so the base is not admissible for that length; blue: it stays "
            "non-negative). The b_min curve of the bmin experiment and the power law of Men et al. (2024) run "
            "along the boundary. " + (f"Slice shown: {note}." if note else ""))
