"""Writes small files in the ropesweep/1 layout (docs/file-format.md) with h5py.

Used to exercise the reader and the report on layouts a real run does not
produce cheaply (zip coordinates, incomplete points, an experiment kind or a
metric ropesweep does not have yet). Values follow the qualitative shape of
docs/science.md (failures tend to 0.5 once L exceeds the base), nothing more.
"""
import h5py
import numpy as np


def _attach(dataset, scales):
    for i, scale in enumerate(scales):
        dataset.dims[i].attach_scale(scale)


def _axis(group, name, values):
    values = list(values)
    if isinstance(values[0], str):
        scale = group.create_dataset(name, data=np.array(values, dtype=object),
                                     dtype=h5py.string_dtype("utf-8"))
    else:
        scale = group.create_dataset(name, data=np.asarray(values, dtype=np.float64))
    scale.make_scale(name)
    return scale


def _metric(group, name, data, scales, units, description, se=None, n=None):
    dataset = group.create_dataset(name, data=data.astype(np.float64))
    dataset.attrs["units"] = units
    dataset.attrs["description"] = description
    _attach(dataset, scales)
    if se is not None:
        for suffix, values in (("_se", se), ("_n", n)):
            extra = group.create_dataset(name + suffix, data=values.astype(np.float64))
            extra.attrs["units"] = units if suffix == "_se" else "samples"
            extra.attrs["description"] = description + (" (standard error)" if suffix == "_se" else " (samples)")
            _attach(extra, scales)


def write(path, *, experiments=("pairwise", "bmin"), complete=True):
    """A file with the named experiments: any of "pairwise", "bmin" and "echo"
    (a kind the report has no section for: UNKNOWN_KIND)."""
    rng = np.random.default_rng(0)
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "ropesweep/1"
        f.attrs["version"] = "0.1.0"
        f.attrs["git_commit"] = "synthetic"
        f.attrs["spec"] = "name: synthetic\nseed: 1\n"
        f.attrs["spec_path"] = "synthetic.yaml"
        f.attrs["seed"] = np.uint64(1)
        f.attrs["ranks"] = np.int32(2)
        f.attrs["host"] = "localhost"
        f.attrs["start_time"] = "2026-01-01T00:00:00Z"
        f.attrs["end_time"] = "2026-01-01T00:01:30Z" if complete else ""
        f.attrs["cost_model"] = "{}"
        f.attrs["sweep_name"] = "synthetic"
        if "pairwise" in experiments:
            g = f.create_group("pairwise")
            g.attrs["experiment"] = "pairwise"
            g.attrs["param_samples"] = 1000.0
            bases = [100.0, 1e3, 1e4, 1e5]
            lengths = [64.0, 256.0, 1024.0, 4096.0, 16384.0]
            encodings = ["rope", "ntk", "alibi"]
            scales = [_axis(g, "base", bases), _axis(g, "length", lengths), _axis(g, "encoding", encodings)]
            b = np.array(bases)[:, None, None]
            length = np.array(lengths)[None, :, None]
            shift = np.array([0.0, 0.3, -0.5])[None, None, :]
            x = np.log(length / b) + shift
            pos = 0.5 / (1 + np.exp(-x))
            tok = 0.5 / (1 + np.exp(-(np.log(length) - 0.3 * np.log(b) + shift)))
            n = np.full(pos.shape, 1000.0)
            done = np.ones(pos.shape, dtype=np.uint8)
            if not complete:
                done[-1, -1, :] = 0
            for name, value in (("position_inversion", pos), ("token_inversion", tok),
                                ("position_aliasing", np.zeros_like(pos)), ("token_aliasing", np.zeros_like(pos)),
                                ("aliased_pairs", np.zeros_like(pos))):
                value = value + rng.normal(0, 0.005, value.shape) * (value > 0)
                value[done == 0] = np.nan
                se = np.where(done == 1, 0.01, np.nan)
                _metric(g, name, value, scales, "probability" if name != "aliased_pairs" else "pairs",
                        name.replace("_", " "), se=se, n=np.where(done == 1, n, 0))
            d = g.create_dataset("done", data=done)
            _attach(d, scales)
        if "bmin" in experiments:
            g = f.create_group("bmin")
            g.attrs["experiment"] = "bmin"
            g.attrs["param_tolerance"] = 1e-6
            lengths = [1024.0, 4096.0, 16384.0, 65536.0]
            scales = [_axis(g, "head_dim", [64.0, 128.0]), _axis(g, "length", lengths)]
            law = 0.0424 * np.array(lengths) ** 1.628
            b_min = np.stack([law * 1.3, law * 1.05])
            _metric(g, "b_min", b_min, scales, "base", "smallest admissible base")
            _metric(g, "b_all_above", b_min * 1.1, scales, "base", "every base above is admissible")
            d = g.create_dataset("done", data=np.ones(b_min.shape, dtype=np.uint8))
            _attach(d, scales)
        if "echo" in experiments:
            _unknown_experiment(f, rng)


UNKNOWN_KIND = "echo"
UNKNOWN_METRICS = ("echo_rate", "echo_energy")


def _unknown_experiment(f, rng):
    """Group /echo of kind UNKNOWN_KIND over a text axis and a numeric one, with a
    stochastic probability metric and an exact metric in units of its own."""
    g = f.create_group("echo")
    g.attrs["experiment"] = UNKNOWN_KIND
    g.attrs["param_volume"] = 3.0
    modes = ["a", "b", "c", "d", "e"]
    widths = [1.0, 2.0, 4.0, 8.0]
    scales = [_axis(g, "mode", modes), _axis(g, "width", widths)]
    shape = (len(modes), len(widths))
    rate = rng.uniform(0.1, 0.6, shape)
    _metric(g, "echo_rate", rate, scales, "probability", "P(an echo is heard)",
            se=np.full(shape, 0.02), n=np.full(shape, 500.0))
    _metric(g, "echo_energy", np.outer(np.arange(1, 6), widths), scales, "joules", "energy of the loudest echo")
    d = g.create_dataset("done", data=np.ones(shape, dtype=np.uint8))
    _attach(d, scales)


def add_metric(path, group, name, units, description, stochastic=True):
    """Adds metric `name` (with _se/_n companions when stochastic) to an existing
    group, over the group's dimensions: a metric the report has never seen."""
    rng = np.random.default_rng(1)
    with h5py.File(path, "a") as f:
        g = f[group]
        done = g["done"]
        scales = [done.dims[i][0] for i in range(done.ndim)]
        se, n = (np.full(done.shape, 0.01), np.full(done.shape, 1000.0)) if stochastic else (None, None)
        _metric(g, name, rng.uniform(0.0, 0.5, done.shape), scales, units, description, se=se, n=n)
