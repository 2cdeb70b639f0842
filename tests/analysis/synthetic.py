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
        _root_attrs(f, "synthetic")
        if not complete:
            f.attrs["end_time"] = ""
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


# The released models of write_models, in the order of their table. Each row:
# name, base, head_dim, rotary_dims, original_context, context, rope_scaling.
MODELS = (
    ("alpha", 1e4, 128, 128, 0, 4096, "none"),
    ("beta", 5e5, 128, 128, 8192, 131072, "llama3 factor=8 low_freq_factor=1 high_freq_factor=4"),
    ("gamma", 1e6, 64, 32, 0, 32768, "none"),
    ("delta", 1e5, 128, 128, 20480, 40960, "dynamic factor=2"),
)
# The experiments list the models in another order than the table: the report joins them by name.
MODEL_AXIS = ("delta", "alpha", "beta", "gamma")
MODEL_LENGTHS = [2.0**k for k in range(10, 21)]  # 1k .. 1M
MODEL_BASES = [1e3, 1e4, 1e5, 5e5, 1e6, 1e7]
CONTEXT_LENGTHS = [2048.0, 4096.0, 8192.0, 32768.0, 131072.0]
# fp64 inversion curves: a crossing of 0.45 at 2**exponent (the curve is linear in
# log2 length there, so interpolation finds it exactly), "never" (flat below it),
# or "start" (above it from the first length on).
CURVES = {
    "alpha": {"position_inversion": 11.5, "token_inversion": "start"},
    "beta": {"position_inversion": "never", "token_inversion": 16.5},
    "gamma": {"position_inversion": 16.75, "token_inversion": "never"},
    "delta": {"position_inversion": 15.0, "token_inversion": "never"},
}
BF16_SHIFT = 0.03  # bf16 curves sit higher: a crossing read from them would differ
# decay: first negative distance per model (None: not up to the cap), the same at every length but for
# delta (dynamic scaling), whose value depends on the length.
FIRST_NEGATIVE = {"alpha": 2000.0, "beta": None, "gamma": None, "delta": {32768.0: 25000.0, 131072.0: 30000.0}}
DECAY_CAP = 1e9
# bmin: the certified minimal base at the length of the decay grid nearest to each model's context
# (alpha's base 1e4 falls short of it), scaled as L^1.6 along the lengths.
B_MIN_AT_CONTEXT = {"alpha": 2.5e4, "beta": 3e5, "gamma": 1.0, "delta": 8e4}


def _curve(design, lengths):
    k = np.log2(np.asarray(lengths))
    if design == "never":
        return 0.30 + 0.01 * (k - k[0]) / (k[-1] - k[0])
    if design == "start":
        return np.full(k.shape, 0.47)
    return np.clip(0.45 + 0.1 * (k - design), 0.02, 0.5)


def _tradeoff_point(model, base_index):
    """(position, token) discrimination: a strict trade-off over the bases (all Pareto
    optimal), but for alpha's own base (clearly beaten by the smallest base) and gamma's
    (beaten by beta's base within noise: 0.005 on both, SE 0.005)."""
    position, token = 0.9 - 0.08 * base_index, 0.5 + 0.08 * base_index
    if model == "alpha" and base_index == 1:
        return 0.60, 0.45
    if model == "gamma" and base_index == 4:
        return 0.9 - 0.08 * 3 - 0.005, 0.5 + 0.08 * 3 - 0.005
    return position, token


def _root_attrs(f, name):
    f.attrs["format"] = "ropesweep/1"
    f.attrs["version"] = "0.1.0"
    f.attrs["git_commit"] = "synthetic"
    f.attrs["spec"] = f"name: {name}\nseed: 1\n"
    f.attrs["spec_path"] = f"{name}.yaml"
    f.attrs["seed"] = np.uint64(1)
    f.attrs["ranks"] = np.int32(2)
    f.attrs["host"] = "localhost"
    f.attrs["start_time"] = "2026-01-01T00:00:00Z"
    f.attrs["end_time"] = "2026-01-01T00:01:30Z"
    f.attrs["cost_model"] = "{}"
    f.attrs["sweep_name"] = name


def _model_table(f):
    g = f.create_group("model_table")
    g.attrs["description"] = "the released models the sweep names, one entry per model (docs/models.md)"
    text = h5py.string_dtype("utf-8")
    columns = {
        "name": ([m[0] for m in MODELS], text), "base": ([m[1] for m in MODELS], np.float64),
        "head_dim": ([m[2] for m in MODELS], np.int64), "rotary_dims": ([m[3] for m in MODELS], np.int64),
        "heads": ([32] * len(MODELS), np.int64), "layers": ([32] * len(MODELS), np.int64),
        "original_context": ([m[4] for m in MODELS], np.int64), "context": ([m[5] for m in MODELS], np.int64),
        "rope_scaling": ([m[6] for m in MODELS], text), "source": (["synthetic"] * len(MODELS), text),
    }
    for name, (column, dtype) in columns.items():
        data = np.array(column, dtype=object) if dtype is text else np.asarray(column, dtype=dtype)
        g.create_dataset(name, data=data, dtype=dtype).attrs["description"] = name


def _experiment(f, name, kind_, axes):
    g = f.create_group(name)
    g.attrs["experiment"] = kind_
    scales = [_axis(g, axis, axis_values) for axis, axis_values in axes]
    shape = tuple(len(v) for _, v in axes)
    _attach(g.create_dataset("done", data=np.ones(shape, dtype=np.uint8)), scales)
    return g, scales


def _stochastic(g, name, value, scales, units="probability", rare=False):
    _metric(g, name, value, scales, units, name.replace("_", " "), se=np.full(value.shape, 0.005),
            n=np.full(value.shape, 1e5))
    if rare:
        upper = g.create_dataset(name + "_upper", data=value + 1e-5)
        upper.attrs["units"] = units
        upper.attrs["description"] = name + " (95% upper bound)"
        _attach(upper, scales)


def _models_failures(f):
    g, scales = _experiment(f, "models", "pairwise",
                            [("model", MODEL_AXIS), ("length", MODEL_LENGTHS), ("precision", ["fp64", "bf16"])])
    for metric in ("position_inversion", "token_inversion"):
        fp64 = np.stack([_curve(CURVES[m][metric], MODEL_LENGTHS) for m in MODEL_AXIS])
        _stochastic(g, metric, np.stack([fp64, np.minimum(fp64 + BF16_SHIFT, 0.5)], axis=-1), scales)
    zero = np.zeros((len(MODEL_AXIS), len(MODEL_LENGTHS), 2))
    bf16_aliasing = zero + np.array([0.0, 1e-3])
    for metric in ("position_aliasing", "token_aliasing"):
        _stochastic(g, metric, bf16_aliasing, scales, rare=True)
    _stochastic(g, "aliased_pairs", bf16_aliasing * 10, scales, units="pairs", rare=True)


def _models_tradeoff(f, frontier):
    import pareto_oracle  # the frontier the C++ side would store, by the tests' oracle

    g, scales = _experiment(f, "models_tradeoff", "pairwise", [("model", MODEL_AXIS), ("base", MODEL_BASES)])
    points = np.array([[_tradeoff_point(m, i) for i in range(len(MODEL_BASES))] for m in MODEL_AXIS])
    position, token = 1 - points[..., 0], 1 - points[..., 1]
    for name, value in (("position_inversion", position), ("token_inversion", token)):
        _stochastic(g, name, value, scales)
    if not frontier:
        return
    fg = f.require_group("frontier").create_group("models_tradeoff")
    fg.attrs["source"] = "/models_tradeoff"
    fg.attrs["base_dimension"] = "base"
    fg.attrs["rule"] = "Pareto over (1 - position_inversion, 1 - token_inversion)"
    copies = [_axis(fg, "model", MODEL_AXIS), _axis(fg, "base", MODEL_BASES)]
    se = np.full(position.shape, 0.005)
    masks = {"pareto_optimal": pareto_oracle.pareto_mask(1 - position, 1 - token, axis=1),
             "statistically_optimal": pareto_oracle.statistical_mask(1 - position, 1 - token, se, se, axis=1)}
    for name, mask in masks.items():
        _attach(fg.create_dataset(name, data=mask.astype(np.uint8)), copies)
    for name, value in (("best_position_base", position), ("best_token_base", token)):
        best = fg.create_dataset(name, data=np.asarray(MODEL_BASES)[np.argmin(value, axis=1)])
        best.attrs["units"] = "base"
        _attach(best, copies[:1])


def _first_negative(model, length):
    design = FIRST_NEGATIVE[model]
    if isinstance(design, dict):
        return design.get(length, min(design.values()))
    return DECAY_CAP if design is None else design


def _decay(f):
    g, scales = _experiment(f, "decay", "decay", [("model", MODEL_AXIS), ("length", CONTEXT_LENGTHS)])
    first = np.array([[_first_negative(m, length) for length in CONTEXT_LENGTHS] for m in MODEL_AXIS])
    lengths = np.asarray(CONTEXT_LENGTHS)[None, :]
    _metric(g, "first_negative", first, scales, "tokens", "smallest m >= 0 with B(m) < 0")
    _metric(g, "first_negative_capped", (first == DECAY_CAP).astype(np.float64), scales, "flag",
            "1 when no negative B(m) up to the cap")
    _metric(g, "min_decay", np.where(first > lengths, 0.5, -0.5), scales, "dimensions", "min of B(m) on [0, L]")
    _metric(g, "admissible", (first > lengths).astype(np.float64), scales, "flag", "B(m) >= 0 on [0, L]")


def _bmin(f):
    g, scales = _experiment(f, "bmin", "bmin", [("model", MODEL_AXIS), ("length", CONTEXT_LENGTHS)])
    g.attrs["param_extent"] = "b_min"
    contexts = {m[0]: m[5] for m in MODELS}
    rows = []
    for m in MODEL_AXIS:
        at = CONTEXT_LENGTHS[int(np.argmin(np.abs(np.log(np.asarray(CONTEXT_LENGTHS) / contexts[m]))))]
        rows.append(B_MIN_AT_CONTEXT[m] * (np.asarray(CONTEXT_LENGTHS) / at) ** 1.6 if m != "gamma"
                    else np.ones(len(CONTEXT_LENGTHS)))
    b_min = np.array(rows)
    _metric(g, "b_min", b_min, scales, "base", "first certified admissible base")
    _metric(g, "b_min_lower", b_min * 0.99, scales, "base", "every base below it certified inadmissible")
    _metric(g, "b_all_above", np.full(b_min.shape, np.nan), scales, "base", "every base above admissible")


def write_models(path, *, parts=("table", "models", "models_tradeoff", "frontier", "decay", "bmin")):
    """A file of a sweep over released models (sweeps/models.yaml, small), with the
    `parts` named: the model table, the failure curves over length, the trade-off
    over bases with its stored frontier, decay and bmin. Designed so that the report's
    findings are known: see MODELS, CURVES, FIRST_NEGATIVE, B_MIN_AT_CONTEXT."""
    with h5py.File(path, "w") as f:
        _root_attrs(f, "synthetic-models")
        if "table" in parts:
            _model_table(f)
        if "models" in parts:
            _models_failures(f)
        if "models_tradeoff" in parts:
            _models_tradeoff(f, frontier="frontier" in parts)
        if "decay" in parts:
            _decay(f)
        if "bmin" in parts:
            _bmin(f)
