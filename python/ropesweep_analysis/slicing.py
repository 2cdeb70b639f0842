"""Choosing a 1-D or 2-D view of an N-D experiment for a figure.

Axes a figure does not show are fixed at a default value, and the choice is
written into the figure title: the reference value of docs/science.md where one
exists (RoPE, fp64, rho = 1, d = 128, b = 10000), otherwise the first value
of the axis.
"""
from __future__ import annotations

import numpy as np
import xarray as xr

from .results import axis_dimension

# Reference settings of the paper and of the defaults of docs/science.md.
PREFERRED = {
    "encoding": "rope",
    "precision": "fp64",
    "layout": "interleaved",
    "estimator": "plain",
    "head_dim": 128.0,
    "rho": 1.0,
    "base": 10000.0,
}


# Fixed parameters worth naming in a figure title when the sweep does not vary them.
KEY_PARAMETERS = ("base", "head_dim", "encoding", "precision", "rho", "separation", "heads", "layers",
                  "samples")


def format_value(value) -> str:
    if isinstance(value, (str, bytes)):
        return value if isinstance(value, str) else value.decode()
    value = float(value)
    if np.isnan(value):
        return "nan"
    if value == int(value) and abs(value) < 1e7:
        return str(int(value))
    return f"{value:.4g}"


def format_base(value) -> str:
    """Bases span decades: three significant digits, exponent from 10^4 up."""
    value = float(value)
    if np.isnan(value):
        return "none"
    return f"{value:.3g}" if value >= 1e4 else f"{value:.4g}"


def _index_of_preferred(name: str, values: np.ndarray, preferred) -> int:
    if preferred is None or len(values) == 0:
        return 0
    if isinstance(preferred, str):
        matches = [i for i, v in enumerate(values) if str(v) == preferred]
        return matches[0] if matches else 0
    numeric = np.asarray(values, dtype=np.float64)
    if name == "base":
        # The base spans decades: nearest in log space.
        positive = numeric > 0
        if not positive.any():
            return 0
        distance = np.where(positive, np.abs(np.log(np.where(positive, numeric, 1.0)) - np.log(preferred)), np.inf)
        return int(np.argmin(distance))
    matches = np.flatnonzero(numeric == preferred)
    return int(matches[0]) if len(matches) else 0


def _describe_dimension(ds: xr.Dataset, dim: str, index: int) -> str:
    names = [n for n, c in ds.coords.items() if c.dims == (dim,)]
    names.sort(key=lambda n: n != dim)  # the dimension's own axis first
    parts = []
    for name in names or [dim]:
        if name not in ds.coords:
            parts.append(f"{name}[{index}]")
            continue
        values = ds.coords[name].values
        parts.append(f"{name}={format_value(values[index])}")
    size = ds.sizes[dim]
    return ", ".join(parts) + (f" (one of {size} values)" if size > 1 else "")


def select(ds: xr.Dataset, keep_axes, prefer=None):
    """Fixes every dimension not carrying one of `keep_axes` at its default.

    Returns (view, description); description lists the fixed values, e.g.
    "head_dim=128 (1 of 2), precision=fp64 (1 of 3)". `prefer` overrides
    PREFERRED for this call.
    """
    prefer = dict(prefer or {})
    keep_dims = {axis_dimension(ds, a) for a in keep_axes} - {None}
    indices = {}
    for dim in ds.dims:
        if dim in keep_dims:
            continue
        values = ds.coords[dim].values if dim in ds.coords else np.arange(ds.sizes[dim])
        indices[dim] = _index_of_preferred(dim, values, prefer.get(dim, PREFERRED.get(dim)))
    parts = [_describe_dimension(ds, dim, i) for dim, i in indices.items() if ds.sizes[dim] > 1]
    for dim in keep_dims:
        partners = sorted(n for n, c in ds.coords.items() if c.dims == (dim,) and n != dim)
        if partners:
            parts.append(f"{', '.join(partners)} zipped with {dim}")
    fixed = fixed_parameters(ds, KEY_PARAMETERS)
    if fixed:
        parts.append("fixed: " + fixed)
    return ds.isel(indices), "; ".join(parts)


def point_label(view: xr.Dataset, dim: str, index: int, short=None) -> str:
    """'L = 64' for position `index` along `dim`, with its zip partners: 'L = 64, separation = 0.5'."""
    names = sorted((n for n, c in view.coords.items() if c.dims == (dim,)), key=lambda n: n != dim)
    short = short or {}
    return ", ".join(f"{short.get(n, n)} = {format_value(view.coords[n].values[index])}" for n in names)


def fixed_parameters(ds: xr.Dataset, names) -> str:
    """Values of fixed (non-swept) parameters stored as group attributes param_<name>."""
    parts = []
    for name in names:
        value = ds.attrs.get(f"param_{name}")
        if value is not None:
            parts.append(f"{name}={format_value(value)}")
    return ", ".join(parts)
