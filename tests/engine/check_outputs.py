"""Checks on ropesweep results files for the integration tests (Debian's python3).

  identical A B [...]   every dataset of every experiment group is bitwise equal
  complete FILE         finished run: all points done, provenance attributes set
  xarray FILE           labelled read through xarray/h5netcdf matches h5py (mini.yaml)
"""
import sys

import h5py
import numpy as np


def experiment_groups(f):
    return sorted(name for name, obj in f.items()
                  if isinstance(obj, h5py.Group) and "experiment" in obj.attrs)


def datasets(group):
    return {name: obj[()] for name, obj in group.items() if isinstance(obj, h5py.Dataset)}


def identical(paths):
    with h5py.File(paths[0], "r") as f:
        reference = {g: datasets(f[g]) for g in experiment_groups(f)}
    assert reference, "no experiment groups"
    for path in paths[1:]:
        with h5py.File(path, "r") as f:
            assert experiment_groups(f) == sorted(reference), path
            for g, sets in reference.items():
                other = datasets(f[g])
                assert sorted(other) == sorted(sets), (path, g)
                for name, values in sets.items():
                    b = other[name]
                    if values.dtype.kind == "O":
                        assert list(values) == list(b), (path, g, name)
                    else:
                        assert values.dtype == b.dtype and values.shape == b.shape, (path, g, name)
                        assert values.tobytes() == b.tobytes(), f"{path}: /{g}/{name} differs"
    print(f"{len(paths)} files: every dataset bitwise identical")


def complete(path):
    with h5py.File(path, "r") as f:
        assert f.attrs["format"] == "ropesweep/1"
        for key in ("version", "git_commit", "spec", "spec_path", "host", "start_time",
                    "end_time", "cost_model", "sweep_name"):
            assert isinstance(f.attrs[key], str), key
        assert f.attrs["end_time"].endswith("Z"), "end_time not set"
        assert f.attrs["seed"].dtype == np.uint64
        for g in experiment_groups(f):
            done = f[g]["done"][()]
            assert done.all(), f"/{g}: {int(done.sum())}/{done.size} done"
            for name, obj in f[g].items():
                if "units" in obj.attrs and obj.dtype.kind == "f":
                    assert not np.isnan(obj[()]).any(), f"/{g}/{name} has NaN"
    print(f"{path}: complete")


def labelled(path):
    import xarray as xr

    ds = xr.open_dataset(path, group="pairwise", engine="h5netcdf")
    assert list(ds["position_inversion"].dims) == ["base", "length", "precision"], ds
    assert list(ds["base"].values) == [10.0, 1000.0, 100000.0]
    assert list(ds["precision"].values) == ["fp64", "bf16"]
    # the zip partner is a coordinate along `length`
    assert ds["train_length"].dims == ("length",)
    assert list(ds["train_length"].values) == [64.0, 1024.0, 16384.0]
    value = ds["token_inversion"].sel(base=1000.0, length=16384.0, precision="bf16").item()
    with h5py.File(path, "r") as f:
        raw = f["pairwise/token_inversion"][1, 2, 1]
        assert f["pairwise"].attrs["param_head_dim"] == 32
    assert value == raw, (value, raw)
    assert 0.0 <= value <= 1.0
    n = ds["token_inversion_n"].sel(base=1000.0, length=16384.0, precision="bf16").item()
    assert n > 0
    assert ds["token_inversion"].attrs["units"] == "probability"
    decay = xr.open_dataset(path, group="decay", engine="h5netcdf")
    assert list(decay["first_negative"].dims) == ["base", "length"]
    print(f"{path}: token_inversion(base=1000, length=16384, bf16) = {value:.4f} (n={n:.0f})")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "identical":
        identical(args)
    elif command == "complete":
        complete(args[0])
    elif command == "xarray":
        labelled(args[0])
    else:
        sys.exit(f"unknown command {command}")
