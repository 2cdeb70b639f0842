"""Drawing pieces every figure of the report shares: the figure frame, colours
for the values of an axis, and panels of curves with standard-error bands.

Nothing here knows an experiment; figures.py composes these pieces.
"""
from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm, Normalize

DPI = 110
# Axes every experiment shares, named for a reader; any other axis by its name.
AXIS_LABELS = {"base": "RoPE base b", "length": "context length L (tokens)"}


class Skip(Exception):
    """The figure does not apply to this file; the message says why."""


def values(da) -> np.ndarray:
    """A DataArray's values as float64 (NaN where not computed)."""
    return np.asarray(da.values, dtype=np.float64)


def largest(array) -> float:
    """The largest finite value, 0 when there is none."""
    finite = np.asarray(array, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    return float(finite.max()) if finite.size else 0.0


def spans_decades(array, factor: float = 10.0) -> bool:
    """True when the values are all positive and the largest is at least `factor`
    times the smallest: such an axis reads better on a log scale."""
    finite = np.asarray(array, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    return finite.size > 1 and finite.min() > 0 and finite.max() >= factor * finite.min()


def panel_grid(count: int, width: float = 3.6, height: float = 3.3, max_cols: int = 4):
    """A figure with `count` panels in rows of at most `max_cols`; returns (fig, 2-D axes)."""
    cols = max(1, min(max_cols, count))
    rows = max(1, math.ceil(count / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols + 1.2, height * rows + 0.9),
                             squeeze=False, constrained_layout=True)
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    return fig, axes


def title(fig, text: str, note: str) -> None:
    """The figure's title, with the slice it shows in brackets underneath, both
    wrapped to the figure's width (a one-panel figure is narrow)."""
    characters = max(40, int(fig.get_figwidth() * 11))  # at fontsize 11
    lines = textwrap.wrap(text, characters) + (textwrap.wrap(f"[{note}]", characters) if note else [])
    fig.suptitle("\n".join(lines), fontsize=11)


def save(fig, path: str) -> None:
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def axis_label(name: str, log: bool = False) -> str:
    """'context length L (tokens)', or with log: 'context length L (tokens, log scale)'."""
    label = AXIS_LABELS.get(name, name)
    if not log:
        return label
    return label[:-1] + ", log scale)" if label.endswith(")") else label + " (log scale)"


def log_edges(centres) -> np.ndarray:
    """Cell edges for pcolormesh on a log axis: geometric midpoints, extended at the ends."""
    c = np.asarray(centres, dtype=np.float64)
    if len(c) == 1:
        return np.array([c[0] / 1.5, c[0] * 1.5])
    mids = np.sqrt(c[1:] * c[:-1])
    return np.concatenate([[c[0] ** 2 / mids[0]], mids, [c[-1] ** 2 / mids[-1]]])


class ColourScale:
    """One colour per value of an axis. Text values cycle through the categorical
    palette and want a legend; numbers map onto viridis, on a log scale when they
    span a decade or more (bases do), and want a colour bar."""

    def __init__(self, values, axis: str):
        self.values = np.asarray(values)
        self.categorical = self.values.dtype.kind in "OUS"
        self.cmap = plt.get_cmap("viridis")
        self.log = False
        self.norm = None
        if not self.categorical:
            numbers = self.values.astype(np.float64)
            self.log = spans_decades(numbers)
            low, high = np.nanmin(numbers), np.nanmax(numbers)
            self.norm = (LogNorm(vmin=low, vmax=high) if self.log
                         else Normalize(vmin=low, vmax=high if high > low else low + 1))
        self.label = axis_label(axis, self.log)

    def colour(self, index: int):
        if self.categorical:
            return f"C{index % 10}"
        return self.cmap(self.norm(float(self.values[index])))

    def colourbar(self, fig, axes) -> None:
        """A colour bar for numeric values; categorical values are left to a legend."""
        if self.categorical:
            return
        bar = fig.colorbar(plt.cm.ScalarMappable(norm=self.norm, cmap=self.cmap), ax=axes, shrink=0.9,
                           pad=0.02)
        bar.set_label(self.label)


class CurvePanel:
    """One axes of curves against a common x, each with its ±1 SE band.

    For a metric in units of probability the panel draws the 0.5 line (chance
    for an inversion) and, once every curve is in, a probability y axis whose
    top follows the highest curve plus its SE; other units get a y axis labelled
    with the units, logarithmic when the values span decades.
    """

    def __init__(self, ax, units: str):
        self.ax = ax
        self.units = units
        self.probability = units == "probability"
        self.top = 0.55  # the 0.5 line stays in view
        self.curves = []
        if self.probability:
            ax.axhline(0.5, ls="--", lw=1, color="0.35", zorder=0)

    def add(self, x, y, se=None, colour="C0", label=None, band_alpha=0.25, upper=None, **style) -> None:
        """One curve; `se` (same shape as y, or None for an exact metric) draws its band,
        `upper` (a rare event's 95% upper bound, or None) a thin dotted line above it:
        where no event was seen the estimate reads 0 +- 0 and only the bound says how
        rare the event is."""
        y = np.asarray(y, dtype=np.float64)
        style = {"marker": "o", "ms": 3, "lw": 1.3, **style}
        self.ax.plot(x, y, color=colour, label=label, **style)
        self.curves.append(y)
        high = y
        if se is not None:
            se = np.asarray(se, dtype=np.float64)
            low, high = y - se, y + se
            if self.probability:
                low, high = np.clip(low, 0, 1), np.clip(high, 0, 1)
            self.ax.fill_between(x, low, high, color=colour, alpha=band_alpha, lw=0)
        if upper is not None:
            upper = np.asarray(upper, dtype=np.float64)
            self.ax.plot(x, upper, color=colour, ls=":", lw=1, marker="v", ms=2.5)
            self.curves.append(upper)
        if np.isfinite(high).any():
            self.top = max(self.top, float(np.nanmax(high)) * 1.05)

    def finish(self) -> None:
        """Sets the y axis from everything added."""
        drawn = np.concatenate([c.reshape(-1) for c in self.curves]) if self.curves else np.zeros(1)
        if self.probability:
            self._probability_axis(largest(drawn))
        else:
            if spans_decades(drawn, 100.0):
                self.ax.set_yscale("log")
            self.ax.set_ylabel(self.units)

    def _probability_axis(self, highest: float) -> None:
        """Linear 0..0.5+ axis, or, when every value is small but not all zero (aliasing
        in low precision), a symlog axis so that they show next to the 0.5 line."""
        if 0 < highest < 0.1:
            self.ax.set_yscale("symlog", linthresh=1e-3, linscale=0.5)
            self.ax.set_ylim(0, 0.7)
            self.ax.set_ylabel("probability\n(linear below 1e-3, log above)")
        else:
            self.ax.set_ylim(-0.02, min(self.top, 1.02))
            self.ax.set_ylabel("probability")
