"""Geometry of the server-rendered pain chart (SVG drawn by templates/_pain_chart.html).

Pure: diary entries in, coordinates out. Pain is 0-10 on the y axis; days on the x axis are
spaced by calendar date, so a gap in the diary shows as a gap in time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

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
