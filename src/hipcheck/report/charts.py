"""Line charts over calendar days: one geometry (`line_chart`) and one standalone SVG writer
(`line_chart_svg`), used for the pain diary (`pain_chart`) and the HAGOS scores (`hagos_chart`).

Pure: values in, coordinates out. Days on the x axis are spaced by calendar date, so a gap in
the record shows as a gap in time; the y axis runs from 0 to the scale's maximum (pain 0-10,
HAGOS 0-100). The web diary page draws the pain geometry with its own stylesheet
(web/templates/_pain_chart.html); the report (and the web HAGOS page) embed the SVG, whose
colours are inline so it stands alone in HTML, PDF or a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from hipcheck.care.diary import DiaryEntry
from hipcheck.care.models import HagosResult

WIDTH = 640
HEIGHT = 260
LEFT = 40
RIGHT = 16
TOP = 14
BOTTOM = 40
MAX_X_LABELS = 6
# HAGOS history is drawn from this many questionnaires on (the web page and the report alike).
HAGOS_CHART_FROM = 2
HAGOS_TICKS = range(0, 101, 20)
HAGOS_LEFT = 64  # room for "100" at a web page's larger font


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: dt.date
    value: float
    text: str = ""


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    points: list[Point]

    @property
    def path(self) -> str:
        """An SVG polyline `points` attribute."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    summary: str
    empty: bool = field(default=False)


@dataclass(frozen=True)
class SeriesValues:
    """One line before layout: its key (for styles), its label and (day, value, text) points."""

    key: str
    label: str
    values: list[tuple[dt.date, float, str]]


def line_chart(
    days: Iterable[dt.date],
    series: Sequence[SeriesValues],
    *,
    y_max: float,
    y_ticks: Iterable[int],
    summary: str,
    left: int = LEFT,
) -> LineChart:
    """Chart geometry: `days` are every recorded day (they set the x axis and its labels, in
    any order, repeats allowed); values run from 0 (bottom) to `y_max` (top); `left` is the room
    for the y labels. No days gives an empty chart."""

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / y_max)

    ticks_y = [Tick(pos=y(v), label=str(v)) for v in y_ticks]
    ordered = sorted(set(days))
    if not ordered:
        return LineChart(WIDTH, HEIGHT, left, RIGHT, TOP, BOTTOM, [], ticks_y, [], summary, empty=True)
    first, last = ordered[0], ordered[-1]
    span = (last - first).days
    plot_w = WIDTH - left - RIGHT

    def x(day: dt.date) -> float:
        if span == 0:
            return left + plot_w / 2
        return left + plot_w * (day - first).days / span

    laid_out = [
        Series(
            s.key, s.label, [Point(x(d), y(v), d, v, t) for d, v, t in sorted(s.values, key=lambda p: p[0])]
        )
        for s in series
    ]
    step = max(1, -(-len(ordered) // MAX_X_LABELS))
    labelled = ordered[::step]
    if labelled[-1] != last:
        labelled.append(last)
    ticks_x = [Tick(pos=x(d), label=d.strftime("%d %b")) for d in labelled]
    return LineChart(WIDTH, HEIGHT, left, RIGHT, TOP, BOTTOM, laid_out, ticks_y, ticks_x, summary)


def pain_chart(entries: Sequence[DiaryEntry]) -> LineChart:
    """Pain (0-10) at rest and during or after activity, per diary day; entries in any order."""
    ordered = sorted(entries, key=lambda e: e.day)
    during: list[tuple[dt.date, float, str]] = [
        (e.day, v, f"{v}/10") for e in ordered if (v := e.activity_pain) is not None
    ]
    rest: list[tuple[dt.date, float, str]] = [(e.day, e.pain_rest, f"{e.pain_rest}/10") for e in ordered]
    series = [
        SeriesValues("during", "Pain during or after activity", during),
        SeriesValues("rest", "Pain at rest", rest),
    ]
    if not ordered:
        summary = "No diary entries yet."
    else:
        first, last, latest = ordered[0].day, ordered[-1].day, ordered[-1]
        activity = latest.activity_pain
        summary = (
            f"{len(ordered)} diary entr{'y' if len(ordered) == 1 else 'ies'} from {first.isoformat()} "
            f"to {last.isoformat()}. Latest: pain at rest {latest.pain_rest}/10"
            + (f", during or after activity {activity}/10." if activity is not None else ".")
        )
    return line_chart((e.day for e in ordered), series, y_max=10, y_ticks=range(0, 11, 2), summary=summary)


def hagos_chart(results: Sequence[HagosResult]) -> LineChart:
    """HAGOS subscale scores (0-100, 100 = no problems) per questionnaire, one line per subscale,
    in the questionnaire's subscale order; a subscale with too many items missing that day has no
    point that day. Results in any order."""
    ordered = sorted(results, key=lambda r: r.day)
    if not ordered:
        return line_chart(
            [], [], y_max=100, y_ticks=HAGOS_TICKS, summary="No HAGOS questionnaire yet.", left=HAGOS_LEFT
        )
    series = [
        SeriesValues(
            sub.subscale,
            sub.name,
            [(r.day, v, f"{v:.0f}/100") for r in ordered if (v := r.score(sub.subscale)) is not None],
        )
        for sub in ordered[0].subscales
    ]
    latest = ordered[-1]
    scores = ", ".join(
        f"{s.name} {s.score:.0f}" if s.score is not None else f"{s.name} not scored (too many items missing)"
        for s in latest.subscales
    )
    n = len(ordered)
    summary = (
        f"HAGOS scores of {n} questionnaire{'' if n == 1 else 's'} from {ordered[0].day.isoformat()} to "
        f"{latest.day.isoformat()}, each 0-100 where 100 means no hip or groin problems. "
        f"Latest ({latest.day.isoformat()}): {scores}."
    )
    return line_chart(
        (r.day for r in ordered), series, y_max=100, y_ticks=HAGOS_TICKS, summary=summary, left=HAGOS_LEFT
    )


Style = tuple[str, str]  # (line attributes, point attributes)

PAIN_STYLES: Mapping[str, Style] = {
    "during": ('stroke="#b03a2e" stroke-width="2.5" fill="none"', 'fill="#b03a2e"'),
    "rest": ('stroke="#1f618d" stroke-width="2" stroke-dasharray="6 4" fill="none"', 'fill="#1f618d"'),
}


def _hagos_style(colour: str, dash: str) -> Style:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'stroke="{colour}" stroke-width="2.5"{dashes} fill="none"', f'fill="{colour}"')


# Okabe-Ito colours (told apart with the common colour-vision deficiencies), and a different
# dash pattern per line so the six lines stay apart in greyscale print too.
HAGOS_STYLES: Mapping[str, Style] = {
    "symptoms": _hagos_style("#0072b2", ""),
    "pain": _hagos_style("#d55e00", "8 3"),
    "adl": _hagos_style("#009e73", "2 3"),
    "sport_recreation": _hagos_style("#cc79a7", "10 3 2 3"),
    "physical_activity": _hagos_style("#7a5c00", "5 5"),
    "quality_of_life": _hagos_style("#000000", "1 2"),
}
DEFAULT_STYLE: Style = ('stroke="#333" fill="none"', 'fill="#333"')
LEGEND_HEIGHT = 22


def _legend(chart: LineChart, note: str, font_size: int) -> tuple[list[tuple[Series | None, int, int]], int]:
    """Legend places (series, or None for the scale note; x; row), flowing onto a new row when
    the next one would run past the right edge, and the number of rows. Text widths are
    estimates (about 0.64 em a character for labels, 0.55 em for the note)."""
    places: list[tuple[Series | None, int, int]] = []
    x, row = chart.left, 0
    for series in chart.series:
        item = 40 + round(7 * font_size / 11 * len(series.label))
        if places and x + item > chart.width:
            x, row = chart.left, row + 1
        places.append((series, x, row))
        x += item
    if places and x + round(6 * font_size / 11 * len(note)) > chart.width:
        x, row = chart.left, row + 1
    places.append((None, x, row))
    return places, row + 1


def line_chart_svg(
    chart: LineChart,
    *,
    title: str,
    styles: Mapping[str, Style],
    scale_note: str,
    label_id: str | None = None,
    font_size: int = 11,
    legend: bool = True,
) -> str:
    """The chart as one standalone SVG document: title, description (the chart's summary), the
    lines with a titled dot per point, and a legend that wraps onto more rows when it is wide.

    With `label_id` the SVG is meant to sit inside an HTML page: it gets that id, scales to the
    page's width and is labelled by its summary (`aria-label`); a page wants a larger
    `font_size`, as the drawing shrinks to fit a phone, and may set out the legend itself in
    HTML (`legend=False`, with `legend_key_svg` for the line samples), where it wraps and reads
    at the page's own size."""
    w = chart.width
    places, rows = _legend(chart, scale_note, font_size) if legend else ([], 0)
    row_height = max(LEGEND_HEIGHT, round(font_size * 1.6))
    h = chart.height + row_height * rows
    base = chart.height - chart.bottom
    size = (
        f'width="{w}" height="{h}"'
        if label_id is None
        else f'id="{label_id}" width="100%" aria-label="{escape(chart.summary)}"'
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" {size} '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="{font_size}" role="img">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(chart.summary)}</desc>",
    ]
    for t in chart.y_ticks:
        out.append(
            f'<line x1="{chart.left}" x2="{w - chart.right}" y1="{t.pos:.1f}" y2="{t.pos:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{chart.left - 8}" y="{t.pos + 4:.1f}" text-anchor="end">{escape(t.label)}</text>'
        )
    out.append(f'<line x1="{chart.left}" x2="{chart.left}" y1="{chart.top}" y2="{base}" stroke="#555"/>')
    out.append(f'<line x1="{chart.left}" x2="{w - chart.right}" y1="{base}" y2="{base}" stroke="#555"/>')
    for t in chart.x_ticks:
        # Labels at the ends are anchored inwards so they are not cut off at the edge.
        anchor = "end" if t.pos > w - chart.right - 25 else "start" if t.pos < chart.left + 25 else "middle"
        out.append(f'<text x="{t.pos:.1f}" y="{base + 18}" text-anchor="{anchor}">{escape(t.label)}</text>')
    if chart.empty:
        out.append(f'<text x="{w / 2}" y="{chart.height / 2}" text-anchor="middle">No entries yet</text>')
    for series in chart.series:
        line_style, dot_style = styles.get(series.key, DEFAULT_STYLE)
        if len(series.points) > 1:
            out.append(f'<polyline data-series="{escape(series.key)}" points="{series.path}" {line_style}/>')
        for p in series.points:
            out.append(
                f'<circle cx="{p.x:.1f}" cy="{p.y:.1f}" r="3.5" {dot_style}>'
                f"<title>{p.day.isoformat()}: {escape(f'{series.label.lower()} {p.text}')}</title></circle>"
            )
    for entry, x, row in places:
        legend_y = chart.height + 12 + row * row_height
        if entry is None:
            out.append(f'<text x="{x}" y="{legend_y}" fill="#555">{escape(scale_note)}</text>')
            continue
        line_style, _ = styles.get(entry.key, DEFAULT_STYLE)
        out.append(f'<line x1="{x}" x2="{x + 24}" y1="{legend_y - 4}" y2="{legend_y - 4}" {line_style}/>')
        out.append(f'<text x="{x + 30}" y="{legend_y}">{escape(entry.label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def legend_key_svg(style: Style) -> str:
    """A short sample of a line's colour and dashes, for a legend written in HTML."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 10" width="32" height="10" '
        f'aria-hidden="true"><line x1="0" x2="32" y1="5" y2="5" {style[0]}/></svg>'
    )


def pain_chart_svg(chart: LineChart) -> str:
    """The pain chart as a standalone SVG (for the report)."""
    return line_chart_svg(
        chart, title="Pain over time", styles=PAIN_STYLES, scale_note="(0 = no pain, 10 = worst imaginable)"
    )


HAGOS_SCALE_NOTE = "(100 = no problems, 0 = extreme problems)"


def hagos_chart_svg(
    chart: LineChart, *, label_id: str | None = None, font_size: int = 11, legend: bool = True
) -> str:
    """The HAGOS chart as an SVG: standalone for the report, or inline in a page with `label_id`."""
    return line_chart_svg(
        chart,
        title="HAGOS scores over time",
        styles=HAGOS_STYLES,
        scale_note=HAGOS_SCALE_NOTE,
        label_id=label_id,
        font_size=font_size,
        legend=legend,
    )


def hagos_legend(chart: LineChart) -> list[tuple[str, str]]:
    """(label, line sample SVG) per line of a HAGOS chart, for a legend written in HTML."""
    return [(s.label, legend_key_svg(HAGOS_STYLES.get(s.key, DEFAULT_STYLE))) for s in chart.series]
