"""Training charts: weekly distance (with single-run spikes marked) and easy-run cadence.

``render_chart`` draws with matplotlib's Agg backend (no display needed) to PNG or SVG bytes,
for the CLI, the web page and the report alike. ``text_bars`` gives the same weekly numbers as
plain text rows for a terminal.
"""

from __future__ import annotations

import io
from typing import Literal

from hipcheck.training.metrics import KM_PER_MILE, TrainingSummary, week_start

ChartFormat = Literal["png", "svg"]


def unit_distance(metres: float, units: str) -> float:
    """Metres in the runner's unit (km, or mi when `units` is "mi")."""
    return metres / 1000 / (KM_PER_MILE if units == "mi" else 1.0)


def text_bars(summary: TrainingSummary, *, width: int = 40) -> list[tuple[str, str, str]]:
    """(week label, bar, value) per week, oldest first; a ``!`` marks weeks with a single-run spike."""
    values = [unit_distance(w.distance_m, summary.units) for w in summary.weeks]
    top = max(values, default=0.0) or 1.0
    spike_weeks = {week_start(s.day) for s in summary.spikes}
    rows = []
    for week, value in zip(summary.weeks, values, strict=True):
        cells = value / top * width
        bar = "█" * int(cells) + ("▌" if cells - int(cells) >= 0.5 else "")
        mark = " !" if week.week_start in spike_weeks else ""
        rows.append((week.week_start.strftime("%d %b %y"), bar, f"{value:.1f} {summary.units}{mark}"))
    return rows


def render_chart(summary: TrainingSummary, fmt: ChartFormat = "png") -> bytes:
    """The weekly-distance chart (and cadence, when known) as PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    has_cadence = bool(summary.cadence.points)
    fig = Figure(figsize=(8, 5.5 if has_cadence else 3.5), dpi=100)
    axes = fig.subplots(2 if has_cadence else 1, 1, squeeze=False)[:, 0]
    ax = axes[0]
    long_range = len(summary.weeks) > 52
    labels = [w.week_start.strftime("%d %b %y" if long_range else "%d %b") for w in summary.weeks]
    values = [unit_distance(w.distance_m, summary.units) for w in summary.weeks]
    spike_weeks = {week_start(s.day) for s in summary.spikes}
    colours = ["#c0392b" if w.week_start in spike_weeks else "#2e86c1" for w in summary.weeks]
    ax.bar(range(len(values)), values, color=colours)
    step = max(1, -(-len(labels) // 14))  # at most ~14 labels, the latest week always named
    ticks = list(range(len(labels) - 1, -1, -step))[::-1]
    ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(f"distance ({summary.units})")
    ax.set_title(f"Weekly running distance (red: {summary.spike_definition})", fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    if has_cadence:
        cax = axes[1]
        points = summary.cadence.points
        cax.plot([p.day for p in points], [p.spm for p in points], "o-", color="#27ae60", markersize=3)
        cax.set_ylabel("steps/min")
        cax.set_title("Cadence on easy runs", fontsize=9)
        cax.grid(alpha=0.3)
        for label in cax.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")
            label.set_fontsize(8)
    fig.tight_layout()
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {}
    fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()
