"""The analysis package and report on a file written by a real `ropesweep run`."""
import html
import re

import h5py
import matplotlib.image
import numpy as np
import pytest

import pareto_oracle
import ropesweep_analysis
from conftest import SPEC, executable, report, run

# fig6_metrics_*: the generic figure of the metrics no other figure shows
# (aliased_pairs; every decay metric but min_decay).
PAIRWISE_FIGURES = ["fig1_failure_vs_length_pairwise_fp64.png", "fig1_failure_vs_length_pairwise_bf16.png",
                    "fig2_tradeoff_pairwise.png",
                    "fig4_encodings_pairwise_fp64.png", "fig4_encodings_pairwise_bf16.png",
                    "fig6_metrics_pairwise.png",
                    "fig1_failure_vs_length_ntk_scaled.png",
                    "fig2_tradeoff_ntk_scaled.png", "fig6_metrics_ntk_scaled.png",
                    "fig1_failure_vs_length_extension.png", "fig4_encodings_extension.png",
                    "fig6_metrics_extension.png"]
PAIRWISE_GROUPS = ("pairwise", "ntk_scaled")
BMIN_FIGURE = "fig3_bmin_bmin.png"
# The metrics of the certified search the b_min figure does not draw (b_min_lower, pockets, ...).
BMIN_FIGURES = [BMIN_FIGURE, "fig6_metrics_bmin.png"]
DECAY_FIGURES = ["fig3_decay_decay.png", "fig6_metrics_decay.png"]
PROBE_FIGURE = "fig5_probe_probe.png"
NO_MODELS = "Skipped: no experiment of the file sweeps a model axis."


def _png_ok(path):
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[0] > 300 and image.shape[1] > 400, path
    # Not a blank canvas: a drawn figure has many distinct colours.
    pixels = (image[::2, ::2] * 255).astype(np.uint32).reshape(-1, image.shape[2])
    packed = pixels @ (256 ** np.arange(image.shape[2], dtype=np.uint32))
    assert len(np.unique(packed)) > 20, path


def _referenced_images(index_html):
    return set(re.findall(r"<img src='([^']+)'", index_html))


def test_load_gives_labelled_arrays_with_the_spec_axes(run_file):
    results = ropesweep_analysis.load(str(run_file))
    assert set(results) == {"pairwise", "ntk_scaled", "extension", "decay", "bmin", "probe"}
    pairwise = results["pairwise"]
    assert pairwise["position_inversion"].dims == ("base", "length", "encoding", "precision")
    np.testing.assert_array_equal(pairwise.coords["base"].values, [10, 100, 1000, 10000])
    np.testing.assert_array_equal(pairwise.coords["length"].values, [16, 128, 1024])
    assert list(pairwise.coords["encoding"].values) == ["rope", "alibi"]
    assert results["bmin"]["b_min"].dims == ("head_dim", "length")
    # A zip member is a coordinate along its group's dimension.
    zipped = results["ntk_scaled"]
    assert zipped["token_inversion"].dims == ("scale", "length")
    assert zipped.coords["base"].dims == ("scale",)
    np.testing.assert_array_equal(zipped.coords["base"].values, [10, 100, 1000, 10000])
    assert results.attrs["spec"] == SPEC
    assert int(np.asarray(pairwise["done"]).min()) == 1
    for name in ("position_inversion", "position_aliasing", "token_inversion", "token_aliasing"):
        assert name + "_se" in pairwise and name + "_n" in pairwise


@pytest.fixture(scope="module")
def full_report(run_file, tmp_path_factory):
    """Directory of the report on the run's file, rendered once for the tests that only read it."""
    directory = tmp_path_factory.mktemp("full") / "report"
    result = report(run_file, directory)
    assert result.returncode == 0, result.stderr
    return directory


def _keep_only(path, groups):
    """Leaves only `groups` and their frontiers in the file: a report of a few figures, quick to draw."""
    with h5py.File(path, "a") as f:
        for name in [n for n in f if n not in groups and n != "frontier"]:
            del f[name]
        for name in [n for n in f.get("frontier", {}) if n not in groups]:
            del f["frontier"][name]


def test_report_renders_every_figure(run_file, full_report):
    index = (full_report / "index.html").read_text()
    images = _referenced_images(index)
    assert images == set(PAIRWISE_FIGURES + DECAY_FIGURES + BMIN_FIGURES + [PROBE_FIGURE])
    for name in images:
        _png_ok(full_report / name)
    # Relative references only: the page opens from disk, with no server.
    assert not any(name.startswith(("/", "http")) for name in images)
    # The sweep names no released model: that section is one note, the others all drawn.
    assert re.findall(r"<p class='skip'>([^<]*)</p>", index) == [NO_MODELS]
    assert "Figure failed" not in index
    # Provenance: the spec verbatim and the run's facts.
    assert html.escape(SPEC) in index
    attrs = ropesweep_analysis.load(str(run_file)).attrs
    for key in ("version", "start_time", "end_time"):
        assert html.escape(str(attrs[key])) in index
    assert f"<th>MPI ranks</th><td>{attrs['ranks']}</td>" in index


def test_encoding_map_of_extension_encodings_shows_the_largest_scale(full_report):
    # At scale 1, pi, ntk and yarn are rope: the map must show them extended.
    index = (full_report / "index.html").read_text()
    caption = re.search(r"fig4_encodings_extension\.png'>.*?<figcaption>(.*?)</figcaption>", index)
    assert caption is not None
    assert "scale=4 (one of 2 values)" in caption.group(1)


@pytest.mark.parametrize("group, reduced_dims", [("pairwise", ("length", "encoding", "precision")),
                                                 ("ntk_scaled", ("length",))])
def test_stored_frontier_equals_the_oracle(run_file, group, reduced_dims):
    results = ropesweep_analysis.load(str(run_file))
    assert set(results.frontier) == set(PAIRWISE_GROUPS)
    stored = results.frontier[group]
    computed = pareto_oracle.frontier(results[group])
    assert stored["pareto_optimal"].dims == computed["pareto_optimal"].dims
    np.testing.assert_array_equal(stored["pareto_optimal"].values, computed["pareto_optimal"].values)
    np.testing.assert_array_equal(stored["statistically_optimal"].values,
                                  computed["statistically_optimal"].values)
    # The statistical frontier contains the Pareto frontier.
    assert (stored["statistically_optimal"].values >= stored["pareto_optimal"].values).all()
    for name in ("best_position_base", "best_token_base"):
        assert stored[name].dims == reduced_dims
        np.testing.assert_array_equal(stored[name].values, computed[name].values)
        for dim in reduced_dims:
            np.testing.assert_array_equal(stored.coords[dim].values, results[group].coords[dim].values)
    # The comparison means something only if the frontier is not trivially everything.
    mask = computed["pareto_optimal"].values
    assert mask.any() and not mask.all()


def _frontier_rows(index, group):
    """The report's frontier table of `group`: {length label: Pareto-optimal bases}."""
    table = re.search(rf"Frontier of '{group}' in the slice shown:</p><table>(.*?)</table>", index, re.S)
    assert table is not None, f"no frontier table for {group}"
    return dict(re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", table.group(1)))


def test_report_shows_the_frontier_stored_in_the_file(file_copy, tmp_path):
    # Marking every base optimal in the file must show in the report: it reads
    # the frontier, it does not recompute it.
    _keep_only(file_copy, ["ntk_scaled"])
    with h5py.File(file_copy, "a") as f:
        f["frontier/ntk_scaled/pareto_optimal"][...] = 1
    result = report(file_copy, tmp_path / "report")
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "report" / "index.html").read_text()
    assert set(_frontier_rows(index, "ntk_scaled").values()) == {"10, 100, 1000, 1e+04"}
    assert "read from /frontier/ntk_scaled in the file" in index


def test_tradeoff_without_a_stored_frontier_marks_none(file_copy, tmp_path):
    _keep_only(file_copy, ["pairwise"])
    with h5py.File(file_copy, "a") as f:
        del f["frontier"]
    result = report(file_copy, tmp_path / "report")
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "report" / "index.html").read_text()
    assert "fig2_tradeoff_pairwise.png" in _referenced_images(index)
    assert "The file holds no /frontier/pairwise" in index
    assert "Frontier of 'pairwise'" not in index


def test_groups_open_in_xarray_with_h5netcdf(run_file):
    import xarray
    for group in ("pairwise", "frontier/pairwise", "frontier/ntk_scaled"):
        with xarray.open_dataset(run_file, group=group, engine="h5netcdf") as ds:
            assert "base" in ds.coords or "scale" in ds.coords
    with xarray.open_dataset(run_file, group="frontier/pairwise", engine="h5netcdf") as ds:
        assert ds["pareto_optimal"].dims == ("base", "length", "encoding", "precision")


def test_frontier_command_rewrites_the_same_frontier(file_copy):
    names = [f"frontier/{g}/{d}" for g in PAIRWISE_GROUPS
             for d in ("pareto_optimal", "best_position_base", "best_token_base")]
    with h5py.File(file_copy, "a") as f:
        original = {name: f[name][...] for name in names}
        del f["frontier"]
    result = run([executable(), "frontier", str(file_copy)])
    assert result.returncode == 0, result.stderr
    assert "wrote /frontier/pairwise" in result.stdout and "wrote /frontier/ntk_scaled" in result.stdout
    # Idempotent: a second run replaces, not fails or duplicates.
    assert run([executable(), "frontier", str(file_copy)]).returncode == 0
    with h5py.File(file_copy, "r") as f:
        assert sorted(f["frontier"]) == sorted(PAIRWISE_GROUPS)
        for name in names:
            np.testing.assert_array_equal(f[name][...], original[name])


def test_missing_experiments_skip_their_sections(file_copy, tmp_path):
    with h5py.File(file_copy, "a") as f:
        del f["bmin"]
        del f["probe"]
    result = report(file_copy, tmp_path / "report")
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "report" / "index.html").read_text()
    assert _referenced_images(index) == set(PAIRWISE_FIGURES + DECAY_FIGURES)
    assert re.findall(r"<p class='skip'>([^<]*)</p>", index) == [
        "Skipped: the file has no bmin experiment.", "Skipped: the file has no probe experiment.", NO_MODELS]
    assert not (tmp_path / "report" / BMIN_FIGURE).exists()
    assert not (tmp_path / "report" / PROBE_FIGURE).exists()


def test_file_without_pairwise_experiments_skips_their_sections(file_copy, tmp_path):
    with h5py.File(file_copy, "a") as f:
        for group in PAIRWISE_GROUPS + ("extension", "frontier"):
            del f[group]
    result = report(file_copy, tmp_path / "report")
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "report" / "index.html").read_text()
    assert _referenced_images(index) == set(DECAY_FIGURES + BMIN_FIGURES + [PROBE_FIGURE])
    assert index.count("class='skip'") == 4  # failures, trade-off, encodings, models


@pytest.mark.parametrize("content", ["not-hdf5", "foreign-hdf5", "other-format"])
def test_foreign_file_gives_one_clear_line(tmp_path, content):
    path = tmp_path / "foreign.h5"
    if content == "not-hdf5":
        path.write_text("name: not a results file\n")
        expected = "not a readable HDF5 file"
    else:
        with h5py.File(path, "w") as f:
            f.create_dataset("x", data=np.arange(3))
            if content == "other-format":
                f.attrs["format"] = "netcdf-climate/2"
        expected = "not a ropesweep results file"
    with pytest.raises(ropesweep_analysis.ResultsFileError, match=expected):
        ropesweep_analysis.load(str(path))
    result = report(path, tmp_path / "report")
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and expected in lines[0], result.stderr
    assert not (tmp_path / "report").exists()
    # The C++ side refuses it the same way and leaves it untouched.
    before = path.read_bytes()
    result = run([executable(), "frontier", str(path)])
    assert result.returncode == 4
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "not a ropesweep results file" in lines[0], result.stderr
    assert path.read_bytes() == before
