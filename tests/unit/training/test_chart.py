"""The training chart renders to PNG and SVG, and the terminal rows match the weekly numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hipcheck.knowledge.training_data import load_training_rules
from hipcheck.report.training_chart import render_chart, text_bars
from hipcheck.training.activity import Activity
from hipcheck.training.metrics import summarize

TODAY = date(2024, 11, 5)


def _runs() -> list[Activity]:
    days = [TODAY - timedelta(days=d) for d in (30, 23, 16, 9, 2)]
    return [
        Activity(datetime(d.year, d.month, d.day, 7, tzinfo=UTC), "running", km * 1000, "fit",
                 moving_time_s=km * 330, avg_cadence_spm=164 + i)
        for i, (d, km) in enumerate(zip(days, [10, 10, 11, 10, 16], strict=True))
    ]  # fmt: skip


def test_png_and_svg_are_written() -> None:
    summary = summarize(_runs(), today=TODAY, weeks=6, rules=load_training_rules())
    assert render_chart(summary, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    svg = render_chart(summary, "svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Weekly running distance" in svg


def test_text_bars_follow_the_weekly_distance_and_mark_the_spike_week() -> None:
    summary = summarize(_runs(), today=TODAY, weeks=6, rules=load_training_rules())
    rows = text_bars(summary, width=20)
    assert len(rows) == 6
    values = [value for _, _, value in rows]
    # runs on the Sundays 6 Oct ... 3 Nov; the week of 4 Nov (today) has none yet
    assert values == ["10.0 km", "10.0 km", "11.0 km", "10.0 km", "16.0 km !", "0.0 km"]
    # 10/16 of 20 cells = 12.5: twelve full blocks and a half block
    assert [len(bar) for _, bar, _ in rows] == [13, 13, 14, 13, 20, 0]
    assert rows[0][1].endswith("▌")
    assert rows[4][0] == "28 Oct 24"
