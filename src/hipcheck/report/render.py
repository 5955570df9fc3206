"""Lay a `Report` out as HTML (Jinja2), Markdown (Jinja2) or PDF (WeasyPrint from the HTML).

One template per format in `report/templates/`; the PDF is the HTML with its print stylesheet,
so the two never differ in content.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from hipcheck.care.plan import dose_text, progress_where
from hipcheck.report.content import Report, percent_text
from hipcheck.report.training_chart import unit_distance

ReportFormat = Literal["html", "pdf", "md"]
FORMATS: tuple[ReportFormat, ...] = ("html", "pdf", "md")


def _svg_data_uri(svg: str) -> str:
    # An <img> with a data URI renders the same in browsers and WeasyPrint, and keeps the
    # chart's own ids and styles out of the page's.
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _distance(metres: float, units: str) -> str:
    return f"{unit_distance(metres, units):.1f} {units}"


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("hipcheck.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["svg_uri"] = _svg_data_uri
    env.filters["dose"] = dose_text
    env.filters["md"] = _md_cell
    env.filters["dist"] = _distance
    env.filters["pct"] = percent_text
    env.filters["where"] = progress_where
    return env


def render_html(report: Report) -> str:
    return _environment().get_template("report.html").render(r=report)


def render_markdown(report: Report) -> str:
    return _environment().get_template("report.md").render(r=report)


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango and fonts

    pdf: bytes = HTML(string=render_html(report)).write_pdf()
    return pdf


def render(report: Report, fmt: ReportFormat) -> bytes:
    """The report in `fmt` as bytes ready to write (text formats in UTF-8)."""
    if fmt == "pdf":
        return render_pdf(report)
    text = render_html(report) if fmt == "html" else render_markdown(report)
    return text.encode("utf-8")
