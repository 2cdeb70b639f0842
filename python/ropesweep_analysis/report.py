"""ropesweep-report OUT.h5 -o DIR   (or: python3 -m ropesweep_analysis.report ...)

Writes the report's PNG figures and DIR/index.html, which references them by
relative path and so opens from disk with no server. Which sections and
figures there are follows from the file (sections.py); those whose data the
file lacks are listed as skipped with the reason, and never stop the report.
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
from .results import EXIT_FILE, ResultsFileError, axis_dimension, kind, load, metrics
from .sections import FURTHER, FURTHER_STEM, SECTIONS

MAX_FACETS = 4  # figures per value of a facet axis, at most


class Section:
    """One section of the page as drawn: its figures and what went wrong."""

    def __init__(self, anchor: str, title: str):
        self.anchor = anchor
        self.title = title
        self.figures = []  # (file name, figures.Figure)
        self.notes = []  # skipped parts, with the reason
        self.html = []  # extra HTML blocks
        self.failed = []  # unexpected errors (reported, never fatal to other sections)


def _draw(section, out_dir, file_name, draw):
    """Draws one figure into the section; returns its Figure, or None when it was
    skipped or failed (the section records why)."""
    try:
        figure = draw(os.path.join(out_dir, file_name))
    except figures.Skip as skip:
        section.notes.append(f"Skipped: {skip}.")
        return None
    except Exception as error:  # one broken figure must not cost the others
        section.failed.append(f"{file_name}: {type(error).__name__}: {error}")
        traceback.print_exc(file=sys.stderr)
        return None
    section.figures.append((file_name, figure))
    return figure


def _facet_values(ds, axis):
    """Values of `axis` that get a figure each; [None] for a single figure."""
    dim = axis_dimension(ds, axis) if axis else None
    if dim is not None and 1 < ds.sizes[dim] <= MAX_FACETS:
        return [str(v) for v in ds.coords[dim].values]
    return [None]


def _draw_section(rule, results, out_dir, shown):
    """The section of SectionRule `rule`; adds the metrics its figures show to `shown`."""
    section = Section(rule.anchor, rule.title)
    if not rule.applies(results):
        section.notes.append(f"Skipped: {rule.absent}.")
        return section
    for figure_rule in rule.figures:
        candidates = figure_rule.experiments(results)
        if not candidates and figure_rule.absent:
            section.notes.append(f"Skipped: {figure_rule.absent}.")
        for name, ds in candidates:
            for value in _facet_values(ds, figure_rule.facet):
                prefer = {figure_rule.facet: value} if value is not None else {}
                file_name = f"{figure_rule.stem}_{name}" + (f"_{value}" if value is not None else "") + ".png"
                figure = _draw(section, out_dir, file_name,
                               functools.partial(figure_rule.draw, results, name, ds, prefer=prefer))
                if figure is not None:
                    shown[name].update(figure.metrics)
    return section


def section_further(results, out_dir, shown):
    """The generic figure of every experiment for the metrics no other figure shows."""
    section = Section(FURTHER.anchor, FURTHER.title)
    for name, ds in results.items():
        rest = [m for m in metrics(ds) if m.name not in shown[name]]
        if rest:
            _draw(section, out_dir, f"{FURTHER_STEM}_{name}.png",
                  functools.partial(figures.metrics_against_axes, ds, name, shown=rest))
    return section


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
    s = Section("provenance", "Provenance")
    a = results.attrs
    rows = [
        ("file", os.path.abspath(results.path)),
        ("sweep", a.get("sweep_name", "")),
        ("spec file", a.get("spec_path", "")),
        ("ropesweep version", f"{a.get('version', '')} (git {a.get('git_commit', '')}"
                              f"{', with uncommitted changes' if a.get('git_dirty') else ''})"),
        ("built with", f"{a.get('compiler', '')} {a.get('compile_flags', '')}".strip()),
        ("vector instructions", a.get("simd_path", "")),
        ("libraries", ", ".join(f"{name} {a[key]}" for name, key in (
            ("Eigen", "eigen_version"), ("SLEEF", "sleef_version"), ("HDF5", "hdf5_version"),
            ("MPI", "mpi_library")) if a.get(key))),
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


def _table_html(table) -> str:
    def text(value):  # element content: quotes need no escaping
        return html.escape(str(value), quote=False)

    lines = [f"<p>{text(table.title)}</p><table>",
             "<tr>" + "".join(f"<th>{text(h)}</th>" for h in table.headers) + "</tr>"]
    lines.extend("<tr>" + "".join(f"<td>{text(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    lines.append("</table>")
    return "\n".join(lines)


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
    headings = [f"{number}. {s.title}" for number, s in enumerate(sections, start=1)]
    out.append("<ul>" + "".join(f"<li><a href='#{s.anchor}'>{html.escape(heading)}</a></li>"
                                for s, heading in zip(sections, headings)) + "</ul>")
    for s, heading in zip(sections, headings):
        out.append(f"<h2 id='{s.anchor}'>{html.escape(heading)}</h2>")
        for file_name, figure in s.figures:
            out.append(f"<figure><a href='{html.escape(file_name)}'><img src='{html.escape(file_name)}' "
                       f"alt='{html.escape(figure.caption[:120])}'></a>"
                       f"<figcaption>{html.escape(figure.caption)}</figcaption></figure>")
            if figure.table is not None:
                out.append(_table_html(figure.table))
        out.extend(s.html)
        out.extend(f"<p class='skip'>{html.escape(n)}</p>" for n in s.notes)
        out.extend(f"<p class='error'>Figure failed: {html.escape(f)}</p>" for f in s.failed)
    out.append("</body></html>")
    return "\n".join(out)


def build(results, out_dir):
    """Writes every figure and index.html into out_dir; returns the sections.

    The sections of sections.SECTIONS come first; then, when anything is left,
    the generic figures of what they did not show; provenance last."""
    os.makedirs(out_dir, exist_ok=True)
    # Figures of an earlier report in the same directory would outlive their data.
    for stale in glob.glob(os.path.join(out_dir, "fig[0-9]_*.png")):
        os.remove(stale)
    shown = {name: set() for name in results}
    sections = [_draw_section(rule, results, out_dir, shown) for rule in SECTIONS]
    further = section_further(results, out_dir, shown)
    if further.figures or further.notes or further.failed:
        sections.append(further)
    sections.append(section_provenance(results))
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
