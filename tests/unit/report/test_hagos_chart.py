"""The HAGOS score chart: one line per subscale, a point per scored questionnaire, higher scores
drawn higher. The SVG is parsed, never string-matched. (The report's use of it is tested in
test_report_content.py, the web page's in tests/integration/web/test_pages.py.)"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from hipcheck.care.hagos import score
from hipcheck.care.models import HagosResult
from hipcheck.knowledge.hagos_data import load_hagos
from hipcheck.report.charts import hagos_chart, hagos_chart_svg

HAGOS = load_hagos()
SUBSCALES = [s.id for s in HAGOS.subscales]
SVG = "{http://www.w3.org/2000/svg}"
DAY = dt.date(2026, 3, 2)


def filled(day: dt.date, value: int, **per_subscale: int | None) -> HagosResult:
    """A questionnaire with every item answered `value` (0 = no problem), except the subscales
    given, whose items all take that value (None = left blank)."""
    responses: dict[str, int | None] = {}
    for sub in SUBSCALES:
        v = per_subscale.get(sub, value) if sub in per_subscale else value
        responses.update(dict.fromkeys((i.id for i in HAGOS.items_of(sub)), v))
    return score(HAGOS, responses, day=day)


def polylines(svg: str) -> dict[str, list[tuple[float, float]]]:
    root = ET.fromstring(svg)
    out: dict[str, list[tuple[float, float]]] = {}
    for line in root.iter(f"{SVG}polyline"):
        pairs = (p.split(",") for p in line.attrib["points"].split())
        out[line.attrib["data-series"]] = [(float(x), float(y)) for x, y in pairs]
    return out


def test_one_line_per_subscale_with_a_point_per_questionnaire() -> None:
    results = [filled(DAY + dt.timedelta(days=14 * k), 3 - k) for k in range(3)]
    lines = polylines(hagos_chart_svg(hagos_chart(results)))
    assert list(lines) == SUBSCALES
    for sub, points in lines.items():
        assert len(points) == 3, sub
        xs = [x for x, _ in points]
        assert xs == sorted(xs) and len(set(xs)) == 3, "later questionnaires lie further right"


def test_a_better_score_is_drawn_higher_and_a_worse_one_lower() -> None:
    # Pain improves (answers 3 -> 1: score 25 -> 75), sport gets worse (1 -> 3), the rest stay.
    first = filled(DAY, 2, pain=3, sport_recreation=1)
    later = filled(DAY + dt.timedelta(days=21), 2, pain=1, sport_recreation=3)
    assert (first.score("pain"), later.score("pain")) == (25.0, 75.0)
    lines = polylines(hagos_chart_svg(hagos_chart([later, first])))  # order does not matter
    (_, pain_before), (_, pain_after) = lines["pain"]
    (_, sport_before), (_, sport_after) = lines["sport_recreation"]
    (_, adl_before), (_, adl_after) = lines["adl"]
    assert pain_after < pain_before, "SVG y grows downwards: a higher score has a smaller y"
    assert sport_after > sport_before
    assert adl_after == adl_before


def test_a_subscale_without_a_score_that_day_has_no_point_that_day() -> None:
    days = [DAY + dt.timedelta(days=7 * k) for k in range(3)]
    results = [filled(days[0], 1), filled(days[1], 1, physical_activity=None), filled(days[2], 0)]
    assert results[1].score("physical_activity") is None
    chart = hagos_chart(results)
    by_key = {s.key: s for s in chart.series}
    assert [p.day for p in by_key["physical_activity"].points] == [days[0], days[2]]
    assert [p.day for p in by_key["symptoms"].points] == days
    root = ET.fromstring(hagos_chart_svg(chart))
    assert len(root.findall(f"{SVG}circle")) == 6 * 3 - 1


def test_the_chart_is_labelled_with_the_latest_scores() -> None:
    results = [filled(DAY, 2), filled(DAY + dt.timedelta(days=10), 1, quality_of_life=None)]
    chart = hagos_chart(results)
    assert "2 questionnaires from 2026-03-02 to 2026-03-12" in chart.summary
    assert "Latest (2026-03-12): Symptoms 75, Pain 75" in chart.summary
    assert "quality of life not scored (too many items missing)" in chart.summary
    standalone = ET.fromstring(hagos_chart_svg(chart))
    assert standalone.findtext(f"{SVG}title") == "HAGOS scores over time"
    assert standalone.findtext(f"{SVG}desc") == chart.summary
    inline = ET.fromstring(hagos_chart_svg(chart, label_id="hagos-chart", font_size=16))
    assert inline.attrib["aria-label"] == chart.summary
    assert inline.attrib["role"] == "img" and inline.attrib["id"] == "hagos-chart"
    legend = [t.text for t in inline.iter(f"{SVG}text")]
    for sub in HAGOS.subscales:
        assert sub.name in legend


results_over_time = st.lists(
    st.tuples(
        st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
        # a questionnaire with no answer at all is refused by the scorer, so at least one is given
        st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=6, max_size=6).filter(
            lambda values: any(v is not None for v in values)
        ),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(results_over_time)
def test_every_point_is_inside_the_plot_and_its_height_follows_its_score(
    drawn: list[tuple[dt.date, list[int | None]]],
) -> None:
    results = [filled(day, 0, **dict(zip(SUBSCALES, values, strict=True))) for day, values in drawn]
    chart = hagos_chart(results)
    root = ET.fromstring(hagos_chart_svg(chart))
    _, _, width, _ = (float(v) for v in root.attrib["viewBox"].split())
    points = [p for s in chart.series for p in s.points]
    assert len(points) == sum(r.score(sub) is not None for r in results for sub in SUBSCALES)
    assert len(root.findall(f"{SVG}circle")) == len(points)
    for p in points:
        assert chart.left <= p.x <= width - chart.right
        assert chart.top <= p.y <= chart.height - chart.bottom
    # Strictly higher score, strictly higher on the page (smaller y), whatever the subscale or day.
    for a in points:
        for b in points:
            if a.value > b.value:
                assert a.y < b.y
