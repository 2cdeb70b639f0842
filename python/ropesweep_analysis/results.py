"""Reading a ropesweep results file (layout: docs/file-format.md) into xarray.

The reader uses h5py directly rather than xarray's netCDF engines so that it
accepts everything the format allows (variable-length UTF-8 axes, zip
coordinates, dimension scales shared between groups) and can refuse a foreign
file with a one-line reason before touching anything else.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields

import h5py
import numpy as np
import xarray as xr

# The two values the Python side shares with the C++ side, spelled here and
# nowhere else in Python (test_report.py checks them against the C++ headers):
# the root attribute `format` this reader accepts (kFileFormat,
# include/ropesweep/io/results_file.hpp), and the exit status for a file that cannot be
# read or is not ours (ExitCode::kIo, include/ropesweep/core/error.hpp).
FORMAT = "ropesweep/1"
EXIT_FILE = 4
# The group that records the rows of the released models a sweep names
# (kModelTableGroup, include/ropesweep/experiments/model_table.hpp).
MODEL_TABLE = "model_table"

# Bookkeeping of dimension scales (HDF5) and of coordinates (netCDF conventions),
# already expressed by the Dataset's structure; not user metadata.
_HDF5_INTERNAL_ATTRS = {"CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "DIMENSION_LABELS",
                        "coordinates", "_Netcdf4Dimid", "_Netcdf4Coordinates"}


class ResultsFileError(Exception):
    """The file cannot be read as ropesweep results; the message names the path and why.
    Commands exit with EXIT_FILE on it, as `ropesweep` does."""


@dataclass(frozen=True)
class Metric:
    """One metric of an experiment, as the file describes it (docs/file-format.md)."""

    name: str
    units: str  # "probability", "pairs", "base", "flag", ...
    description: str
    stochastic: bool  # estimated by sampling: <name>_se and <name>_n accompany it
    rare: bool = False  # a rare event: <name>_upper, a 95% upper bound honest at zero events

    @property
    def is_probability(self) -> bool:
        return self.units == "probability"


@dataclass(frozen=True)
class Model:
    """One row of the file's model table (`/models`): a released model's RoPE
    configuration, as the sweep used it (docs/models.md)."""

    name: str
    base: float
    head_dim: int
    rotary_dims: int
    heads: int
    layers: int
    original_context: int  # L0 of its scaling; 0 when the row gives none
    context: int  # the advertised context (max_position_embeddings)
    rope_scaling: str  # e.g. "llama3 factor=8 low_freq_factor=1 high_freq_factor=4", or "none"
    source: str = ""  # where each value comes from


class Results(dict):
    """Experiment name -> xarray.Dataset, plus the file's provenance, frontier and models.

    ``attrs``: the root attributes (spec, version, ranks, times, ...).
    ``frontier``: experiment name -> Dataset read from ``/frontier/<experiment>/``,
    the base trade-off frontier ropesweep computed (empty when the file has none:
    the run has not completed, or no experiment has a swept base).
    ``models``: model name -> Model, the rows of ``/model_table`` in the order of
    the model table (empty when the sweep names no model).
    """

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.attrs: dict = {}
        self.frontier: dict = {}
        self.models: dict = {}


def _text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.dtype.kind in "OSU" and value.ndim == 0:
        return _text(value[()])
    return value


def _plain(value):
    """An attribute value as a Python scalar/str (numpy scalars unwrapped)."""
    value = _text(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "OS":
            return [_text(v) for v in value.tolist()]
        return value.tolist()
    return value


def _attrs(obj) -> dict:
    return {k: _plain(v) for k, v in obj.attrs.items() if k not in _HDF5_INTERNAL_ATTRS}


def open_file(path: str) -> h5py.File:
    """Opens `path` read-only and checks it is a ropesweep file; raises ResultsFileError."""
    if not os.path.exists(path):
        raise ResultsFileError(f"{path}: no such file")
    try:
        f = h5py.File(path, "r")
    except OSError as error:
        raise ResultsFileError(f"{path}: not a readable HDF5 file ({error})") from None
    try:
        check_format(f, path)
    except ResultsFileError:
        f.close()
        raise
    return f


def check_format(f: h5py.File, path: str) -> None:
    if "format" not in f.attrs:
        raise ResultsFileError(
            f"{path}: not a ropesweep results file (no root attribute 'format'; expected '{FORMAT}')")
    found = _text(f.attrs["format"])
    if found == FORMAT:
        return
    if isinstance(found, str) and found.startswith("ropesweep/"):
        raise ResultsFileError(f"{path}: ropesweep file format '{found}' is not supported "
                               f"(this analysis reads '{FORMAT}')")
    raise ResultsFileError(
        f"{path}: not a ropesweep results file (root attribute format = {found!r}, expected '{FORMAT}')")


def _values(dataset: h5py.Dataset) -> np.ndarray:
    if h5py.check_string_dtype(dataset.dtype) is not None:
        return np.array(dataset.asstr()[...], dtype=object)
    return dataset[...]


def _dims_of(dataset: h5py.Dataset) -> list:
    names = []
    for i, dim in enumerate(dataset.dims):
        if len(dim) > 0:
            names.append(dim[0].name.rsplit("/", 1)[-1])
        elif dim.label:
            names.append(dim.label)
        else:
            names.append(None)
    return names


COMPANION_SUFFIXES = ("_se", "_n", "_upper")


def _is_companion(name: str, names) -> bool:
    """`<metric>_se`, `<metric>_n` (and, for rare events, `<metric>_upper`) belong
    to a stochastic metric."""
    return any(name.endswith(suffix) and name[: -len(suffix)] in names for suffix in COMPANION_SUFFIXES)


def _is_data_variable(name: str, dataset: h5py.Dataset, names) -> bool:
    """Metrics (with units), their _se/_n companions and `done` are data; the
    remaining 1-D datasets are coordinates (the extra axes of a zip group)."""
    return dataset.ndim != 1 or name == "done" or "units" in dataset.attrs or _is_companion(name, names)


def read_group(group: h5py.Group) -> xr.Dataset:
    """One experiment (or frontier) group as a labelled Dataset."""
    datasets = {name: obj for name, obj in group.items() if isinstance(obj, h5py.Dataset)}
    scales = {name: obj for name, obj in datasets.items() if h5py.h5ds.is_scale(obj.id)}
    others = {name: obj for name, obj in datasets.items() if name not in scales}
    variables = {n: d for n, d in others.items() if _is_data_variable(n, d, others)}
    zip_coords = {n: d for n, d in others.items() if n not in variables}

    coords = {}
    data_vars = {}
    dim_sizes = {}
    for name, dataset in variables.items():
        dims = _dims_of(dataset)
        for i, dim in enumerate(dims):
            if dim is None:
                dims[i] = f"{name}_dim{i}"
            else:
                dim_sizes[dims[i]] = dataset.shape[i]
                if dims[i] not in coords:
                    # The scale may live in this group or be shared from another one.
                    coords[dims[i]] = (dims[i], _values(dataset.dims[i][0]))
        data_vars[name] = (dims, _values(dataset), _attrs(dataset))
    for name, dataset in scales.items():
        if name not in coords:
            coords[name] = (name, _values(dataset), _attrs(dataset))
            dim_sizes[name] = dataset.shape[0]
    for name, dataset in zip_coords.items():
        dims = _dims_of(dataset)
        dim = dims[0] if dims and dims[0] is not None else None
        if dim is None:
            # Not attached: it belongs to the one dimension of its length.
            matches = [d for d, size in dim_sizes.items() if size == dataset.shape[0]]
            dim = matches[0] if len(matches) == 1 else f"{name}_dim0"
        coords[name] = (dim, _values(dataset), _attrs(dataset))
    return xr.Dataset(data_vars=data_vars, coords=coords, attrs=_attrs(group))


def load(path: str) -> Results:
    """Every experiment of a ropesweep file as an xarray Dataset, by group name.

    Raises ResultsFileError with a one-line reason for a missing, non-HDF5 or
    foreign file.
    """
    results = Results(path)
    with open_file(path) as f:
        results.attrs = _attrs(f)
        for name, obj in f.items():
            if isinstance(obj, h5py.Group) and "experiment" in obj.attrs:
                results[name] = read_group(obj)
        if "frontier" in f and isinstance(f["frontier"], h5py.Group):
            for name, obj in f["frontier"].items():
                if isinstance(obj, h5py.Group):
                    stored = read_group(obj)
                    # `source` names the experiment group the frontier summarises.
                    experiment = str(stored.attrs.get("source", name)).lstrip("/")
                    results.frontier[experiment] = stored
        if MODEL_TABLE in f and isinstance(f[MODEL_TABLE], h5py.Group):
            results.models = read_models(f[MODEL_TABLE], path)
    return results


def read_models(group: h5py.Group, path: str) -> dict:
    """The model table `/model_table`: one entry per row in each of the datasets
    named by the fields of Model, all of one length (`source` may be absent).
    Raises ResultsFileError when another field is missing or the lengths differ."""
    columns = {}
    for field in fields(Model):
        present = field.name in group and isinstance(group[field.name], h5py.Dataset)
        if not present and field.name == "source":
            continue
        if not present:
            raise ResultsFileError(f"{path}: /{MODEL_TABLE} has no dataset '{field.name}'")
        columns[field.name] = _values(group[field.name]).reshape(-1)
    lengths = {len(column) for column in columns.values()}
    if len(lengths) != 1:
        raise ResultsFileError(f"{path}: the datasets of /{MODEL_TABLE} differ in length ({sorted(lengths)})")
    convert = {"name": str, "rope_scaling": str, "source": str, "base": float}
    return {str(row["name"]): Model(**{k: convert.get(k, int)(_text(v)) for k, v in row.items()})
            for row in ({k: column[i] for k, column in columns.items()} for i in range(lengths.pop()))}


FRONTIER_VARIABLES = ("pareto_optimal", "statistically_optimal", "best_position_base", "best_token_base")


def with_frontier(ds: xr.Dataset, stored: xr.Dataset) -> xr.Dataset:
    """`ds` plus the variables of its stored frontier, so that one selection
    slices metrics and frontier alike. Raises ResultsFileError when the frontier
    does not lie on the experiment's grid (a file edited by hand, or stale)."""
    for dim, size in stored.sizes.items():
        same = ds.sizes.get(dim) == size and (
            dim not in stored.coords or dim not in ds.coords
            or np.array_equal(stored.coords[dim].values, ds.coords[dim].values))
        if not same:
            raise ResultsFileError(f"the stored frontier of {stored.attrs.get('source', 'an experiment')}: "
                                   f"dimension '{dim}' differs from the experiment's")
    return ds.assign({name: (stored[name].dims, stored[name].values, stored[name].attrs)
                      for name in FRONTIER_VARIABLES if name in stored})


def axis_dimension(ds: xr.Dataset, axis: str):
    """The dimension along which parameter `axis` varies (itself, or the dimension
    of the zip group it belongs to); None when the axis is not swept."""
    if axis in ds.dims:
        return axis
    if axis in ds.coords and ds.coords[axis].ndim == 1:
        return ds.coords[axis].dims[0]
    return None


def kind(ds: xr.Dataset) -> str:
    """The experiment kind of a group (its `experiment` attribute: pairwise, probe, ...)."""
    return str(ds.attrs.get("experiment", ""))


def metrics(ds: xr.Dataset) -> list:
    """Every metric of an experiment as Metric, in the Dataset's order: the
    variables that carry `units`, without `done` and the _se/_n companions."""
    names = set(ds.data_vars)
    found = []
    for name, variable in ds.data_vars.items():
        if name == "done" or "units" not in variable.attrs or _is_companion(name, names):
            continue
        found.append(Metric(name=name, units=str(variable.attrs["units"]),
                            description=str(variable.attrs.get("description", "")),
                            stochastic=name + "_se" in names, rare=name + "_upper" in names))
    return found
