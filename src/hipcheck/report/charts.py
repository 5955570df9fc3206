"""The pain-diary chart: geometry (`pain_chart`) and a self-contained SVG (`pain_chart_svg`).

Pure: diary entries in, coordinates out. Pain is 0-10 on the y axis; days on the x axis are
spaced by calendar date, so a gap in the diary shows as a gap in time. The web page draws the
geometry with its own stylesheet (web/templates/_pain_chart.html); the report embeds the SVG,
whose colours are inline so it stands alone in HTML, PDF or a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from hipcheck.care.diary import DiaryEntry

WIDTH = 640
HEIGHT = 260
LEFT = 40
RIGHT = 16
TOP = 14
BOTTOM = 40
MAX_X_LABELS = 6


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: dt.date
    value: int


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
class PainChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    first_day: dt.date | None
    last_day: dt.date | None
    summary: str
    empty: bool = field(default=False)


def _y(value: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 10)


def pain_chart(entries: Sequence[DiaryEntry]) -> PainChart:
    """Chart geometry for entries (any order); an empty diary gives an empty chart."""
    ordered = sorted(entries, key=lambda e: e.day)
    y_ticks = [Tick(pos=_y(v), label=str(v)) for v in range(0, 11, 2)]
    if not ordered:
        return PainChart(
            WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, [], y_ticks, [], None, None,
            "No diary entries yet.", empty=True,
        )  # fmt: skip
    first, last = ordered[0].day, ordered[-1].day
    span = (last - first).days
    plot_w = WIDTH - LEFT - RIGHT

    def x(day: dt.date) -> float:
        if span == 0:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span

    during = [Point(x(e.day), _y(v), e.day, v) for e in ordered if (v := e.activity_pain) is not None]
    rest = [Point(x(e.day), _y(e.pain_rest), e.day, e.pain_rest) for e in ordered]
    series = [
        Series("during", "Pain during or after activity", during),
        Series("rest", "Pain at rest", rest),
    ]
    step = max(1, -(-len(ordered) // MAX_X_LABELS))
    labelled = ordered[::step]
    if labelled[-1].day != last:
        labelled.append(ordered[-1])
    x_ticks = [Tick(pos=x(e.day), label=e.day.strftime("%d %b")) for e in labelled]
    latest = ordered[-1]
    activity = latest.activity_pain
    summary = (
        f"{len(ordered)} diary entr{'y' if len(ordered) == 1 else 'ies'} from {first.isoformat()} "
        f"to {last.isoformat()}. Latest: pain at rest {latest.pain_rest}/10"
        + (f", during or after activity {activity}/10." if activity is not None else ".")
    )
    return PainChart(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, series, y_ticks, x_ticks, first, last, summary)


SERIES_STYLE = {
    "during": ('stroke="#b03a2e" stroke-width="2.5" fill="none"', 'fill="#b03a2e"'),
    "rest": ('stroke="#1f618d" stroke-width="2" stroke-dasharray="6 4" fill="none"', 'fill="#1f618d"'),
}
LEGEND_HEIGHT = 22


def pain_chart_svg(chart: PainChart) -> str:
    """The chart as one standalone SVG document (title, description and a legend included)."""
    w, h = chart.width, chart.height + LEGEND_HEIGHT
    base = chart.height - chart.bottom
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="11" role="img">',
        "<title>Pain over time</title>",
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
        line_style, dot_style = SERIES_STYLE.get(series.key, ('stroke="#333" fill="none"', 'fill="#333"'))
        if len(series.points) > 1:
            out.append(f'<polyline points="{series.path}" {line_style}/>')
        for p in series.points:
            out.append(
                f'<circle cx="{p.x:.1f}" cy="{p.y:.1f}" r="3.5" {dot_style}>'
                f"<title>{p.day.isoformat()}: {escape(series.label.lower())} {p.value}/10</title></circle>"
            )
    legend_y = chart.height + 12
    x = chart.left
    for series in chart.series:
        line_style, _ = SERIES_STYLE.get(series.key, ('stroke="#333" fill="none"', ""))
        out.append(f'<line x1="{x}" x2="{x + 24}" y1="{legend_y - 4}" y2="{legend_y - 4}" {line_style}/>')
        out.append(f'<text x="{x + 30}" y="{legend_y}">{escape(series.label)}</text>')
        x += 40 + 7 * len(series.label)
    out.append(f'<text x="{x}" y="{legend_y}" fill="#555">(0 = no pain, 10 = worst imaginable)</text>')
    out.append("</svg>")
    return "\n".join(out)
