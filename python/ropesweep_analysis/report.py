"""ropesweep-report OUT.h5 -o DIR   (or: python3 -m ropesweep_analysis.report ...)

Writes the report's PNG figures and DIR/index.html, which references them by
relative path and so opens from disk with no server. Sections whose data the
file lacks are listed as skipped with the reason; they never stop the report.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import glob
import html
import os
import sys
import traceback

import matplotlib
import numpy as np

from . import figures
from .results import ResultsFileError, axis_dimension, kind, load

MAX_FACETS = 4  # figures per value of an extra axis, at most
EXIT_FILE = 4  # same code as `ropesweep` uses for a file that is unreadable or not ours


class Section:
    def __init__(self, anchor: str, title: str):
        self.anchor = anchor
        self.title = title
        self.figures = []  # (file name, caption)
        self.notes = []  # skipped parts, with the reason
        self.html = []  # extra HTML blocks
        self.failed = []  # unexpected errors (reported, never fatal to other sections)


def _experiments_of(results, predicate):
    return [(name, ds) for name, ds in results.items() if predicate(name, ds)]


def _draw(section, out_dir, file_name, draw, *args):
    path = os.path.join(out_dir, file_name)
    try:
        caption = draw(*args, path)
    except figures.Skip as skip:
        section.notes.append(f"Skipped: {skip}.")
        return None
    except Exception as error:  # one broken figure must not cost the others
        section.failed.append(f"{file_name}: {type(error).__name__}: {error}")
        traceback.print_exc(file=sys.stderr)
        return None
    extra = None
    if isinstance(caption, tuple):
        caption, extra = caption
    section.figures.append((file_name, caption))
    return extra if extra is not None else caption


def _pairwise(results):
    return _experiments_of(results, lambda n, ds: kind(ds) == "pairwise" or
                           (kind(ds) not in ("probe", "decay", "bmin") and "position_inversion" in ds))


def section_failures(results, out_dir):
    s = Section("failures", "1. Failure probabilities vs context length")
    candidates = _pairwise(results)
    if not candidates:
        s.notes.append("Skipped: the file has no pairwise experiment.")
    for name, ds in candidates:
        _draw_per_precision(s, out_dir, f"fig1_failure_vs_length_{name}", figures.failure_vs_length, ds, name)
    return s


def _draw_per_precision(section, out_dir, stem, draw, ds, name, prefer=None):
    """Precision changes aliasing from never to common: one figure per precision.
    `prefer` fixes further dimensions of the slice drawn."""
    prefer = prefer or {}
    precision_dim = axis_dimension(ds, "precision")
    if precision_dim is not None and 1 < ds.sizes[precision_dim] <= MAX_FACETS:
        for value in ds.coords[precision_dim].values:
            _draw(section, out_dir, f"{stem}_{value}.png",
                  functools.partial(draw, prefer={**prefer, "precision": str(value)}), ds, name)
    else:
        _draw(section, out_dir, f"{stem}.png", functools.partial(draw, prefer=prefer), ds, name)


def _frontier_table(rows):
    lines = ["<table><tr><th>length</th><th>Pareto-optimal bases</th><th>best base for position</th>"
             "<th>best base for token</th></tr>"]
    for length, optimal, best_p, best_t in rows:
        lines.append(f"<tr><td>{html.escape(length)}</td><td>{html.escape(', '.join(optimal))}</td>"
                     f"<td>{html.escape(best_p)}</td><td>{html.escape(best_t)}</td></tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _frontier_source(results, name):
    """Where the frontier of experiment `name` comes from, in one sentence."""
    stored = results.frontier.get(name)
    if stored is None:
        return (f"The file holds no /frontier/{name}: ropesweep writes it when a run completes, and "
                "`ropesweep frontier FILE` writes it from the points computed so far.")
    rule = stored.attrs.get("rule")
    return f"Frontier read from /frontier/{name} in the file" + (f"; its rule: {rule}" if rule else ".")


def section_tradeoff(results, out_dir):
    s = Section("tradeoff", "2. Base trade-off: position vs token discrimination")
    candidates = [(n, ds) for n, ds in results.items() if n in results.frontier or
                  (kind(ds) == "pairwise" and figures.has_tradeoff(ds))]
    if not candidates:
        s.notes.append("Skipped: no pairwise experiment with a swept base and both inversion metrics.")
    for name, ds in candidates:
        rows = _draw(s, out_dir, f"fig2_tradeoff_{name}.png",
                     functools.partial(figures.tradeoff, stored=results.frontier.get(name)), ds, name)
        if rows is not None:
            s.html.append(f"<p>{html.escape(_frontier_source(results, name))}</p>")
        if rows:
            s.html.append(f"<p>Frontier of '{html.escape(name)}' in the slice shown:</p>" + _frontier_table(rows))
    return s


def section_bmin(results, out_dir):
    s = Section("bmin", "3. Minimal base b_min vs context length")
    candidates = _experiments_of(results, lambda n, ds: kind(ds) == "bmin" or "b_min" in ds)
    if not candidates:
        s.notes.append("Skipped: the file has no bmin experiment.")
    for name, ds in candidates:
        _draw(s, out_dir, f"fig3_bmin_{name}.png", figures.bmin_vs_length, ds, name)
    bmin = candidates[0][1] if candidates else None
    for name, ds in _experiments_of(results, lambda n, ds: kind(ds) == "decay"):
        _draw(s, out_dir, f"fig3_decay_{name}.png", functools.partial(figures.decay_map, bmin=bmin), ds, name)
    return s


def section_encodings(results, out_dir):
    s = Section("encodings", "4. All position encodings on one map")
    candidates = [(n, ds) for n, ds in _pairwise(results) if axis_dimension(ds, "encoding") is not None]
    if not candidates:
        s.notes.append("Skipped: no pairwise experiment sweeps an encoding axis.")
    for name, ds in candidates:
        # With an extension-scale axis the default slice (its first value, usually
        # 1) would show pi, ntk and yarn identical to rope: draw the largest scale.
        prefer = {}
        scale_dim = axis_dimension(ds, "scale")
        if scale_dim is not None and ds.sizes[scale_dim] > 1:
            prefer[scale_dim] = float(np.max(np.asarray(ds.coords[scale_dim].values, dtype=np.float64)))
        _draw_per_precision(s, out_dir, f"fig4_encodings_{name}", figures.encodings_map, ds, name,
                            prefer)
    return s


def section_probe(results, out_dir):
    s = Section("probe", "5. Transformer probe: do heads and layers help?")
    candidates = _experiments_of(results, lambda n, ds: kind(ds) == "probe")
    if not candidates:
        s.notes.append("Skipped: the file has no probe experiment.")
    for name, ds in candidates:
        _draw(s, out_dir, f"fig5_probe_{name}.png", figures.probe, ds, name)
    return s


def _duration(start, end):
    try:
        parse = lambda t: dt.datetime.fromisoformat(t.replace("Z", "+00:00"))  # noqa: E731
        seconds = (parse(end) - parse(start)).total_seconds()
    except (TypeError, ValueError, AttributeError):
        return "unknown (run not complete)" if not end else "unknown"
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _completion(results):
    parts = []
    for name, ds in results.items():
        if "done" in ds:
            done = int(np.asarray(ds["done"].values).astype(bool).sum())
            parts.append(f"{name}: {done}/{ds['done'].size} points")
    return "; ".join(parts)


def section_provenance(results):
    s = Section("provenance", "6. Provenance")
    a = results.attrs
    rows = [
        ("file", os.path.abspath(results.path)),
        ("sweep", a.get("sweep_name", "")),
        ("spec file", a.get("spec_path", "")),
        ("ropesweep version", f"{a.get('version', '')} (git {a.get('git_commit', '')})"),
        ("seed", a.get("seed", "")),
        ("MPI ranks", a.get("ranks", "")),
        ("host", a.get("host", "")),
        ("start (UTC)", a.get("start_time", "")),
        ("end (UTC)", a.get("end_time", "") or "(not complete)"),
        ("run time", _duration(a.get("start_time"), a.get("end_time"))),
        ("points computed", _completion(results)),
        ("experiments", ", ".join(f"{n} ({kind(ds)})" for n, ds in results.items())),
        ("cost model", a.get("cost_model", "")),
    ]
    table = ["<table class='provenance'>"]
    for key, value in rows:
        table.append(f"<tr><th>{html.escape(key)}</th><td>{html.escape(str(value))}</td></tr>")
    table.append("</table>")
    s.html.append("\n".join(table))
    s.html.append("<h3>Sweep spec</h3><pre>" + html.escape(str(a.get("spec", ""))) + "</pre>")
    return s


STYLE = """
body { font-family: sans-serif; max-width: 1250px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
figure { margin: 1em 0; } img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; max-width: 60em; }
table { border-collapse: collapse; font-size: 0.9em; } td, th { border: 1px solid #ccc; padding: 0.25em 0.6em;
text-align: left; vertical-align: top; } pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; }
.skip { color: #777; font-style: italic; } .error { color: #b00; }
"""


def render_html(results, sections):
    a = results.attrs
    title = f"ropesweep report: {a.get('sweep_name', '') or os.path.basename(results.path)}"
    out = ["<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
           f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
           f"<h1>{html.escape(title)}</h1>",
           f"<p>File <code>{html.escape(os.path.abspath(results.path))}</code>; report generated "
           f"{dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.</p>"]
    if not a.get("end_time"):
        out.append("<p class='error'>The run has not completed: points not yet computed are missing (NaN) "
                   "from every figure.</p>")
    out.append("<ul>" + "".join(f"<li><a href='#{s.anchor}'>{html.escape(s.title)}</a></li>" for s in sections)
               + "</ul>")
    for s in sections:
        out.append(f"<h2 id='{s.anchor}'>{html.escape(s.title)}</h2>")
        for file_name, caption in s.figures:
            out.append(f"<figure><a href='{html.escape(file_name)}'><img src='{html.escape(file_name)}' "
                       f"alt='{html.escape(caption[:120])}'></a><figcaption>{html.escape(caption)}</figcaption>"
                       "</figure>")
        out.extend(s.html)
        out.extend(f"<p class='skip'>{html.escape(n)}</p>" for n in s.notes)
        out.extend(f"<p class='error'>Figure failed: {html.escape(f)}</p>" for f in s.failed)
    out.append("</body></html>")
    return "\n".join(out)


def build(results, out_dir):
    """Writes every figure and index.html into out_dir; returns the sections."""
    os.makedirs(out_dir, exist_ok=True)
    # Figures of an earlier report in the same directory would outlive their data.
    for stale in glob.glob(os.path.join(out_dir, "fig[0-9]_*.png")):
        os.remove(stale)
    sections = [section_failures(results, out_dir), section_tradeoff(results, out_dir),
                section_bmin(results, out_dir), section_encodings(results, out_dir),
                section_probe(results, out_dir), section_provenance(results)]
    with open(os.path.join(out_dir, "index.html"), "w", encoding="utf-8") as f:
        f.write(render_html(results, sections))
    return sections


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ropesweep-report",
                                     description="Figures and an HTML report from a ropesweep results file.")
    parser.add_argument("file", help="ropesweep results file (HDF5)")
    parser.add_argument("-o", "--output", help="output directory (default: <file without .h5>_report)")
    args = parser.parse_args(argv)
    # Files only, never a window: the report must run on a headless machine. Set
    # here, not at import, so that a notebook importing the package keeps its backend.
    matplotlib.use("Agg")
    out_dir = args.output or os.path.splitext(args.file)[0] + "_report"
    try:
        results = load(args.file)
    except ResultsFileError as error:
        print(f"ropesweep-report: error: {error}", file=sys.stderr)
        return EXIT_FILE
    sections = build(results, out_dir)
    figure_count = sum(len(s.figures) for s in sections)
    skipped = [n for s in sections for n in s.notes]
    failed = [f for s in sections for f in s.failed]
    for note in skipped:
        print(f"ropesweep-report: {note}", file=sys.stderr)
    index = os.path.abspath(os.path.join(out_dir, "index.html"))
    print(f"report: {index} ({figure_count} figures)")
    if failed:
        print(f"ropesweep-report: error: {len(failed)} figure(s) failed: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
