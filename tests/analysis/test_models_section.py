"""The report's section on released models, on a sweep over models built by hand
(synthetic.write_models) so that every finding is known in advance."""
import math
import re

import h5py
import numpy as np
import pytest

import ropesweep_analysis
import synthetic
from conftest import report
from ropesweep_analysis.model_summary import crossing, summarise
from ropesweep_analysis.report import build

SUMMARY = "fig7_models_summary_models.png"
FAILURES = "fig7_models_failures_models.png"
TRADEOFF = "fig7_models_tradeoff_models_tradeoff.png"


def _sections(path, out_dir):
    sections = build(ropesweep_analysis.load(str(path)), str(out_dir))
    assert not [f for s in sections for f in s.failed]
    return {s.anchor: s for s in sections}


def _figures(section):
    return dict(section.figures)


def _rows(table):
    """{model: {header: cell}} of the summary table."""
    return {row[0]: dict(zip(table.headers, row)) for row in table.rows}


@pytest.fixture
def models_file(tmp_path):
    path = tmp_path / "models.h5"
    synthetic.write_models(path)
    return path


def test_model_table_is_read_in_table_order(models_file, tmp_path):
    results = ropesweep_analysis.load(str(models_file))
    assert list(results.models) == [m[0] for m in synthetic.MODELS]
    beta = results.models["beta"]
    assert beta == ropesweep_analysis.Model("beta", 5e5, 128, 128, 32, 32, 8192, 131072,
                                            "llama3 factor=8 low_freq_factor=1 high_freq_factor=4", "synthetic")
    assert isinstance(beta.context, int) and isinstance(beta.base, float)
    # The experiments list the models in another order: the model axis is text.
    assert list(results["models"].coords["model"].values) == list(synthetic.MODEL_AXIS)
    other = tmp_path / "plain.h5"
    synthetic.write(other)
    assert ropesweep_analysis.load(str(other)).models == {}


def test_model_table_with_a_missing_column_is_refused(models_file):
    with h5py.File(models_file, "a") as f:
        del f["model_table/context"]
    with pytest.raises(ropesweep_analysis.ResultsFileError, match="/model_table has no dataset 'context'"):
        ropesweep_analysis.load(str(models_file))


def test_crossing_interpolates_in_log_length():
    # Half way from 0.35 to 0.55 in probability is half way from 1000 to 4000 in log length.
    found = crossing([1000, 4000, 16000], [0.35, 0.55, 0.5])
    assert found.state == "interpolated" and found.length == pytest.approx(2000.0)
    assert found.before(2100) and not found.before(1900)
    # Unsorted lengths, and a point not computed, are taken in length order without it.
    found = crossing([16000, 1000, 4000, 8000], [0.5, 0.40, np.nan, 0.50])
    assert found.length == pytest.approx(math.exp((math.log(1000) + math.log(8000)) / 2))
    # At or above the threshold from the first length: at most that length.
    found = crossing([1024, 2048], [0.45, 0.5])
    assert (found.state, found.length, found.text()) == ("at_start", 1024.0, "≤ 1k")
    assert found.before(4096) and found.before(1024) and found.before(512) is None
    # Never: beyond the grid, after any context the grid reaches, unknown beyond it.
    found = crossing([1024, 2.0**20], [0.1, 0.44])
    assert (found.state, found.text()) == ("never", "> 1M")
    assert found.before(131072) is False and found.before(2.0**21) is None
    assert crossing([1024, 2048], [np.nan, np.nan]).state == "unknown"


def test_summary_numbers_are_the_designed_ones(models_file):
    summary = {s.model.name: s for s in summarise(ropesweep_analysis.load(str(models_file))).models}
    # fp64 curves, linear in log2 length around their crossings (bf16 ones would cross earlier).
    assert summary["alpha"].crossings["position_inversion"].length == pytest.approx(2**11.5)
    assert summary["beta"].crossings["token_inversion"].length == pytest.approx(2**16.5)
    assert summary["gamma"].crossings["position_inversion"].length == pytest.approx(2**16.75)
    assert summary["delta"].crossings["position_inversion"].length == pytest.approx(2**15)
    assert summary["alpha"].crossings["token_inversion"].state == "at_start"
    assert summary["beta"].crossings["position_inversion"].state == "never"
    # delta's context 40960 is not on the decay grid: the nearest length in log, 32768, is read.
    assert (summary["delta"].first_negative, summary["delta"].decay_length) == (25000.0, 32768.0)
    assert summary["beta"].first_negative_capped and not summary["alpha"].first_negative_capped
    assert summary["alpha"].b_min == pytest.approx(2.5e4) and summary["alpha"].meets_b_min is False
    assert summary["gamma"].b_min == 1.0 and summary["gamma"].meets_b_min
    verdicts = {name: (s.on_frontier, s.on_statistical_frontier) for name, s in summary.items()}
    assert verdicts == {"alpha": (False, False), "beta": (True, True), "gamma": (False, True),
                        "delta": (True, True)}
    assert summary["alpha"].frontier_bases == (1e3, 1e5, 5e5, 1e6, 1e7)


def test_section_table_and_findings(models_file, tmp_path):
    section = _sections(models_file, tmp_path / "report")["models"]
    drawn = _figures(section)
    assert list(drawn) == [SUMMARY, FAILURES, TRADEOFF]
    assert section.notes == []
    rows = _rows(drawn[SUMMARY].table)
    assert list(rows) == ["alpha", "beta", "gamma", "delta"]  # the model table's order
    position = "position inversion ≥ 0.45 from L ≈"
    token = "token inversion ≥ 0.45 from L ≈"
    assert rows["alpha"]["advertised context"] == "4096 (4k)"
    assert rows["beta"]["advertised context"] == "131072 (128k); original 8192"
    assert rows["gamma"]["encoding"] == "d = 64, 32 rotary"
    assert rows["alpha"][position] == "2.83k, before the context"  # 2^11.5 = 2896
    assert rows["alpha"][token] == "≤ 1k, before the context"
    assert rows["beta"][position] == "> 1M, after the context"
    assert rows["beta"][token] == "90.5k, before the context"  # 2^16.5 = 92682
    assert rows["gamma"][position] == "108k, after the context"  # 2^16.75 = 110218
    assert rows["delta"][position] == "32k, before the context"
    assert [rows[m]["B(m) first negative at m ="] for m in rows] == ["2000", "> 1e+09", "> 1e+09",
                                                                      "25000 at L = 32768"]
    assert [rows[m]["certified b_min"] for m in rows] == ["2.5e+04", "3e+05", "1", "8e+04 at L = 32768"]
    assert [rows[m]["base ≥ b_min"] for m in rows] == ["no", "yes", "yes", "yes"]
    assert [rows[m]["on the frontier (point estimate; statistical)"] for m in rows] == [
        "no; no", "yes; yes", "no; yes", "yes; yes"]

    caption = drawn[SUMMARY].caption
    assert caption.startswith("Findings: ")
    for claim in (
            "the base is on the frontier for: beta, delta; off it but within noise (statistical frontier) for: "
            "gamma; clearly beaten for: alpha (1e+04; frontier: 1000, 1e+05, 5e+05, 1e+06, 1e+07).",
            "Position inversion reaches 0.45 (fp64) before the advertised context for: alpha (at 2.83k of 4k), "
            "delta (at 32k of 40k); for the other 2, not before it.",
            "Token inversion reaches 0.45 (fp64) before the advertised context for: alpha (at ≤ 1k of 4k), "
            "beta (at 90.5k of 128k); for the other 2, not before it.",
            "Bases below the certified b_min at the advertised context: alpha (1e+04 < 2.5e+04).",
            "B(m) turns negative before the advertised context for: alpha (m = 2000), delta (m = 25000).",
            # delta: base 1e5 above b_min 8e4, yet B(25000) < 0 within its 40960 tokens.
            "Above the certified b_min yet with B(m) < 0 within the context (the admissible bases do not "
            "form an interval): delta."):
        assert claim in caption
    assert "Not shown" not in caption
    assert "read at precision=fp64" in caption
    tradeoff = drawn[TRADEOFF].caption
    assert "Own base on the point-estimate frontier (and so on the statistical one): beta, delta." in tradeoff
    assert "Own base on the statistical frontier only: gamma." in tradeoff
    assert "Own base on neither frontier: alpha." in tradeoff
    assert set(drawn[FAILURES].metrics) == {"position_inversion", "token_inversion"}


def test_report_page_shows_the_section(models_file, tmp_path):
    out_dir = tmp_path / "report"
    result = report(models_file, out_dir)
    assert result.returncode == 0, result.stderr
    index = (out_dir / "index.html").read_text()
    section = index.split("<h2 id='models'>")[1].split("<h2 ")[0]
    assert "Real models" in index.split("<h2 id='models'>")[0]  # the table of contents
    assert set(re.findall(r"<img src='([^']+)'", section)) == {SUMMARY, FAILURES, TRADEOFF}
    assert "Released models at their advertised context" in section
    assert "<td>2.83k, before the context</td>" in section
    for name in (SUMMARY, FAILURES, TRADEOFF):
        assert (out_dir / name).stat().st_size > 10_000, name


def test_report_reads_the_frontier_stored_in_the_file(models_file, tmp_path):
    # Marking alpha's own base optimal in the file must show: the report reads the frontier.
    with h5py.File(models_file, "a") as f:
        axis = [m.decode() if isinstance(m, bytes) else m for m in f["frontier/models_tradeoff/model"][...]]
        f["frontier/models_tradeoff/pareto_optimal"][axis.index("alpha"), 1] = 1
    drawn = _figures(_sections(models_file, tmp_path / "report")["models"])
    assert _rows(drawn[SUMMARY].table)["alpha"]["on the frontier (point estimate; statistical)"] == "yes; no"
    assert "the base is on the frontier for: alpha, beta, delta;" in drawn[SUMMARY].caption


def test_missing_experiments_leave_out_their_parts(tmp_path):
    path = tmp_path / "part.h5"
    synthetic.write_models(path, parts=("table", "models", "models_tradeoff"))
    section = _sections(path, tmp_path / "report")["models"]
    drawn = _figures(section)
    assert list(drawn) == [SUMMARY, FAILURES, TRADEOFF]
    headers = drawn[SUMMARY].table.headers
    assert not any("b_min" in h or "first negative" in h or "frontier" in h for h in headers)
    caption = drawn[SUMMARY].caption
    assert "Not shown: the file holds no /frontier/models_tradeoff" in caption
    assert "Not shown: no decay experiment sweeps model and length" in caption
    assert "Not shown: no bmin experiment sweeps model and length" in caption
    assert "b_min" not in caption.split("Where each")[0]  # no claim about b_min in the findings
    assert "The file holds no /frontier/models_tradeoff" in drawn[TRADEOFF].caption
    assert "Own base" not in drawn[TRADEOFF].caption


def test_without_model_table_the_summary_is_skipped(tmp_path):
    path = tmp_path / "no-table.h5"
    synthetic.write_models(path, parts=("models", "decay", "bmin"))
    section = _sections(path, tmp_path / "report")["models"]
    assert list(_figures(section)) == [FAILURES]
    assert section.notes == [
        "Skipped: the file has no /model_table table (the models' bases and advertised contexts), written by "
        "ropesweep when a sweep names models.",
        "Skipped: no pairwise experiment sweeps model and base with both inversions."]
    assert "the models' contexts and bases are not marked" in _figures(section)[FAILURES].caption


def test_file_without_models_skips_the_section_with_one_note(tmp_path):
    path = tmp_path / "plain.h5"
    synthetic.write(path)
    section = _sections(path, tmp_path / "report")["models"]
    assert section.figures == []
    assert section.notes == ["Skipped: no experiment of the file sweeps a model axis."]
    assert not list((tmp_path / "report").glob("fig7_*"))
