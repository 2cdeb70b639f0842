"""An independent NumPy implementation of the base trade-off frontier of docs/science.md.

The report reads the frontier that ropesweep writes into the file
(`/frontier/<experiment>`, computed by include/ropesweep/physics/frontier.hpp); this
module is the test oracle that checks it, and test_report.py compares the two
on a real run.

For every slice over the non-base axes, a base is Pareto optimal when no other
base of the slice is at least as good on both position discrimination
(1 - position_inversion) and token discrimination (1 - token_inversion) and
strictly better on one. Equal points do not dominate each other, so ties are
all kept. Points that were not computed (NaN) are never optimal and dominate
nothing. The best base for one objective alone is the first base along the
axis (spec order) that reaches that objective's maximum; NaN when the slice
has no computed point. A base is on the statistical frontier unless another
base is better on both objectives, each by more than twice the combined
standard error sqrt(se_i^2 + se_j^2) of that objective.
"""
from __future__ import annotations

import numpy as np
import xarray as xr

from ropesweep_analysis import axis_dimension

POSITION = "position_inversion"
TOKEN = "token_inversion"


def pareto_mask(position_discrimination, token_discrimination, axis: int = -1) -> np.ndarray:
    """Boolean mask of the Pareto-optimal entries along `axis` (larger is better on both)."""
    p = np.moveaxis(np.asarray(position_discrimination, dtype=np.float64), axis, -1)
    t = np.moveaxis(np.asarray(token_discrimination, dtype=np.float64), axis, -1)
    if p.shape != t.shape:
        raise ValueError(f"shape mismatch: {p.shape} vs {t.shape}")
    valid = np.isfinite(p) & np.isfinite(t)
    # [..., i, j]: does entry j dominate entry i?
    p_i, p_j = p[..., :, None], p[..., None, :]
    t_i, t_j = t[..., :, None], t[..., None, :]
    with np.errstate(invalid="ignore"):
        dominates = (valid[..., None, :] & (p_j >= p_i) & (t_j >= t_i) & ((p_j > p_i) | (t_j > t_i)))
    mask = valid & ~dominates.any(axis=-1)
    return np.moveaxis(mask, -1, axis)


def statistical_mask(position, token, position_se, token_se, axis: int = -1) -> np.ndarray:
    """Boolean mask of the bases along `axis` that no other base clearly beats."""
    p, t, sp, st = (np.moveaxis(np.asarray(a, dtype=np.float64), axis, -1)
                    for a in (position, token, position_se, token_se))
    valid = np.isfinite(p) & np.isfinite(t)
    with np.errstate(invalid="ignore"):
        # [..., i, j]: does entry j clearly beat entry i?
        beats = (valid[..., None, :]
                 & (p[..., None, :] - p[..., :, None] > 2 * np.hypot(sp[..., :, None], sp[..., None, :]))
                 & (t[..., None, :] - t[..., :, None] > 2 * np.hypot(st[..., :, None], st[..., None, :])))
    return np.moveaxis(valid & ~beats.any(axis=-1), -1, axis)


def _first_argmax_value(values: np.ndarray, bases: np.ndarray, axis: int) -> np.ndarray:
    values = np.moveaxis(values, axis, -1)
    finite = np.isfinite(values)
    filled = np.where(finite, values, -np.inf)
    index = np.argmax(filled, axis=-1)  # first occurrence of the maximum
    best = bases[index]
    return np.where(finite.any(axis=-1), best, np.nan)


def has_frontier(ds: xr.Dataset) -> bool:
    """A frontier exists for experiments with both inversions and a swept base."""
    return POSITION in ds and TOKEN in ds and axis_dimension(ds, "base") is not None


def frontier(ds: xr.Dataset) -> xr.Dataset:
    """pareto_optimal (uint8, dims of the metrics), best_position_base and
    best_token_base (float64, the non-base dims)."""
    base_dim = axis_dimension(ds, "base")
    if base_dim is None or POSITION not in ds or TOKEN not in ds:
        raise ValueError("no frontier: the experiment needs a swept 'base' and both inversion metrics")
    position = 1.0 - ds[POSITION]
    token = 1.0 - ds[TOKEN]
    dims = position.dims
    axis = dims.index(base_dim)
    mask = pareto_mask(position.values, token.values, axis=axis)
    bases = np.asarray(ds.coords["base"].values, dtype=np.float64)
    other_dims = [d for d in dims if d != base_dim]
    coords = {name: coord for name, coord in ds.coords.items() if set(coord.dims) <= set(dims)}
    out = xr.Dataset(
        {
            "pareto_optimal": (dims, mask.astype(np.uint8)),
            "best_position_base": (other_dims, _first_argmax_value(position.values, bases, axis)),
            "best_token_base": (other_dims, _first_argmax_value(token.values, bases, axis)),
        },
        coords=coords,
    )
    if POSITION + "_se" in ds and TOKEN + "_se" in ds:
        kept = statistical_mask(position.values, token.values, ds[POSITION + "_se"].values,
                                ds[TOKEN + "_se"].values, axis=axis)
        out["statistically_optimal"] = (dims, kept.astype(np.uint8))
    out["best_position_base"].attrs["units"] = "base"
    out["best_token_base"].attrs["units"] = "base"
    return out
