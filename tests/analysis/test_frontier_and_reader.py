"""The Pareto rule of the test oracle, the reader and the report on layouts built
by hand (no run needed)."""
import re

import h5py
import numpy as np

import pareto_oracle
import ropesweep_analysis
import synthetic
from conftest import report
from ropesweep_analysis.report import build

NAN = np.nan


def test_pareto_mask_rules():
    # A strict trade-off keeps everyone; a point beaten on both goes.
    assert pareto_oracle.pareto_mask([0.9, 0.8, 0.7], [0.5, 0.6, 0.7]).tolist() == [True, True, True]
    assert pareto_oracle.pareto_mask([0.9, 0.7, 0.6], [0.6, 0.5, 0.8]).tolist() == [True, False, True]
    # Ties are kept; equal on one objective and worse on the other is dominated.
    assert pareto_oracle.pareto_mask([0.8, 0.8, 0.6], [0.7, 0.7, 0.6]).tolist() == [True, True, False]
    assert pareto_oracle.pareto_mask([0.8, 0.8], [0.7, 0.6]).tolist() == [True, False]
    # Uncomputed points are never optimal and dominate nothing.
    assert pareto_oracle.pareto_mask([NAN, 0.1, 0.95], [0.99, 0.1, NAN]).tolist() == [False, True, False]


def test_pareto_mask_along_an_inner_axis_matches_slice_by_slice():
    rng = np.random.default_rng(3)
    p = rng.integers(0, 5, size=(3, 7, 4)) / 4.0  # coarse levels: many ties
    t = rng.integers(0, 5, size=(3, 7, 4)) / 4.0
    mask = pareto_oracle.pareto_mask(p, t, axis=1)
    for i in range(3):
        for k in range(4):
            expected = pareto_oracle.pareto_mask(p[i, :, k], t[i, :, k])
            assert mask[i, :, k].tolist() == expected.tolist()


def test_best_bases_take_the_first_of_equal_maxima(tmp_path):
    path = tmp_path / "s.h5"
    synthetic.write(path)
    ds = ropesweep_analysis.load(str(path))["pairwise"]
    ds["position_inversion"][:] = 0.25  # every base equally good on position
    result = pareto_oracle.frontier(ds)
    assert np.all(result["best_position_base"].values == ds.coords["base"].values[0])


def _zip_file(path):
    """pairwise with base x zip(length, separation): separation is a coordinate of length."""
    synthetic.write(path, experiments=("pairwise",))
    with h5py.File(path, "a") as f:
        g = f["pairwise"]
        sep = g.create_dataset("separation", data=np.array([0.5, 0.25, 0.25, 0.125, 0.125]))
        sep.dims[0].attach_scale(g["length"])


def test_zip_member_is_a_coordinate_along_its_dimension(tmp_path):
    path = tmp_path / "zip.h5"
    _zip_file(path)
    ds = ropesweep_analysis.load(str(path))["pairwise"]
    assert ds.coords["separation"].dims == ("length",)
    assert "separation" not in ds.dims
    assert ropesweep_analysis.axis_dimension(ds, "separation") == "length"


def test_incomplete_run_still_reports(tmp_path):
    path = tmp_path / "partial.h5"
    synthetic.write(path, complete=False)
    result = report(path, tmp_path / "report")
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "report" / "index.html").read_text()
    assert "has not completed" in index
    ds = ropesweep_analysis.load(str(path))["pairwise"]
    mask = pareto_oracle.frontier(ds)["pareto_optimal"].values
    assert not mask[np.asarray(ds["done"].values) == 0].any()


def test_metrics_are_read_with_their_metadata(tmp_path):
    path = tmp_path / "s.h5"
    synthetic.write(path, experiments=("pairwise", "bmin", "echo"))
    results = ropesweep_analysis.load(str(path))
    pairwise = {m.name: m for m in ropesweep_analysis.metrics(results["pairwise"])}
    assert set(pairwise) == {"position_inversion", "token_inversion", "position_aliasing", "token_aliasing",
                             "aliased_pairs"}
    assert pairwise["aliased_pairs"].units == "pairs" and pairwise["aliased_pairs"].stochastic
    assert pairwise["position_inversion"].is_probability
    assert not any(m.stochastic for m in ropesweep_analysis.metrics(results["bmin"]))
    assert ropesweep_analysis.kind(results["echo"]) == synthetic.UNKNOWN_KIND
    echo = {m.name: m for m in ropesweep_analysis.metrics(results["echo"])}
    assert echo["echo_energy"] == ropesweep_analysis.Metric("echo_energy", "joules", "energy of the loudest echo",
                                                            stochastic=False)


def _figures_by_file(sections):
    return {file_name: figure for section in sections for file_name, figure in section.figures}


def test_new_experiment_kind_and_new_metrics_appear_in_the_report(tmp_path):
    path = tmp_path / "new.h5"
    synthetic.write(path, experiments=("pairwise", "bmin", "echo"))
    synthetic.add_metric(path, "pairwise", "refusal", "probability", "P(the model declines)")
    synthetic.add_metric(path, "pairwise", "drift", "tokens", "how far the answer drifts", stochastic=False)
    out_dir = tmp_path / "report"
    sections = build(ropesweep_analysis.load(str(path)), str(out_dir))
    assert not [f for s in sections for f in s.failed]
    drawn = _figures_by_file(sections)
    # The unknown kind gets the generic figure of all its metrics, described from the file.
    echo = drawn["fig6_metrics_echo.png"]
    assert set(echo.metrics) == set(synthetic.UNKNOWN_METRICS)
    assert f"experiment kind '{synthetic.UNKNOWN_KIND}'" in echo.caption
    assert "energy of the loudest echo" in echo.caption and "joules" in echo.caption
    # A new failure probability joins the failure and encoding figures of its kind...
    assert "refusal" in drawn["fig1_failure_vs_length_pairwise.png"].metrics
    assert "refusal" in drawn["fig4_encodings_pairwise.png"].metrics
    # ...and a metric in other units the generic figure, with what no figure above shows.
    assert set(drawn["fig6_metrics_pairwise.png"].metrics) == {"aliased_pairs", "drift"}
    index = (out_dir / "index.html").read_text()
    assert "Further experiments and metrics" in index
    assert set(drawn) <= set(re.findall(r"<img src='([^']+)'", index))
    for file_name in drawn:
        assert (out_dir / file_name).stat().st_size > 10_000, file_name

