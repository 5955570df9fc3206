"""The report's content and layout without a database: the real knowledge base and engine, an
assessment state built in memory, every format rendered. Hypothesis checks the pain chart SVG."""

from __future__ import annotations

import base64
import datetime as dt
import math
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from hipcheck.care.diary import DiaryEntry
from hipcheck.care.hagos import score as score_hagos
from hipcheck.care.models import HagosResult, PlanOptions
from hipcheck.care.plan import make_plan, progress_where
from hipcheck.care.progress import for_plan
from hipcheck.engine import CompiledModel, assess, compile_model
from hipcheck.engine.result import Evidence
from hipcheck.knowledge.hagos_data import load_hagos
from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.knowledge.schema import Sex, Source
from hipcheck.knowledge.training_data import load_training_rules
from hipcheck.report.charts import pain_chart, pain_chart_svg
from hipcheck.report.content import Report, build_report, citation
from hipcheck.report.render import render_html, render_markdown, render_pdf
from hipcheck.services import AnswerRecord, AssessmentState
from hipcheck.training.activity import Activity
from hipcheck.training.metrics import summarize

NOW = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)
SVG = "{http://www.w3.org/2000/svg}"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@cache
def model() -> CompiledModel:
    return compile_model(load_knowledge_base())


def state(answers: dict[str, str], age: int = 34, sex: str = "female") -> AssessmentState:
    evidence = Evidence(age=age, sex=Sex(sex), answers=answers)  # type: ignore[arg-type]
    return AssessmentState(
        id="abc123",
        age=age,
        sex=Sex(sex),
        status="complete",
        created_at=NOW,
        updated_at=NOW,
        answers=[
            AnswerRecord(seq=i, step=i, finding_id=f, value=v, answered_at=NOW)  # type: ignore[arg-type]
            for i, (f, v) in enumerate(answers.items())
        ],
        result=assess(model(), evidence),
    )


OUTER_HIP = {
    "rf_fever_unwell": "no",
    "loc_outer_hip": "yes",
    "worse_lying_on_side": "yes",
    "tender_outer_hip": "yes",
    "loc_groin": "no",
    "char_dull_ache": "unknown",
}


def report(answers: dict[str, str] = OUTER_HIP, **kwargs: object) -> Report:
    s = state(answers)
    defaults: dict[str, object] = {
        "kb": model().kb,
        "state": s,
        "plan": make_plan(model().kb, s.result, PlanOptions()),
        "diary": [],
        "hagos": [],
        "training": None,
        "training_chart_svg": None,
        "today": NOW.date(),
    }
    return build_report(**(defaults | kwargs))  # type: ignore[arg-type]


def test_differential_follows_the_engine_with_likelihood_ratios() -> None:
    r = report()
    result = state(OUTER_HIP).result
    assert [c.id for c in r.causes] == [c.id for c in result.conditions[: len(r.causes)]]
    assert 3 <= len(r.causes) <= 8
    assert all(c.probability >= 0.02 for c in r.causes[3:])
    top = result.conditions[0]
    assert r.top_cause is not None and r.top_cause.name == top.name
    # The strongest reasons, in the engine's order; near-neutral answers (LR within 1.1) left out.
    strong = [c for c in top.supporting if c.log_lr >= math.log(1.1)]
    assert r.top_cause.supporting
    for shown, contribution in zip(r.top_cause.supporting, strong, strict=False):
        assert shown.text == contribution.text
        assert math.isclose(shown.likelihood_ratio, math.exp(contribution.log_lr))
        assert shown.likelihood_ratio >= 1.1
    for cause in r.causes:
        assert all(x.likelihood_ratio <= 1 / 1.1 for x in cause.conflicting)


def test_answers_are_listed_with_the_question_and_dont_know_in_words() -> None:
    r = report()
    kb = model().kb
    assert [(a.question, a.answer) for a in r.answers] == [
        (kb.findings[f].question, {"unknown": "don't know"}.get(v, v)) for f, v in OUTER_HIP.items()
    ]


def test_sources_are_written_out_and_cover_the_top_cause() -> None:
    r = report()
    kb = model().kb
    ids = [s.id for s in r.sources]
    assert len(ids) == len(set(ids))
    assert r.top_cause is not None
    assert set(kb.conditions[r.top_cause.id].sources) <= set(ids)
    for s in r.sources:
        assert kb.sources[s.id].title.rstrip(".") in s.citation


def test_citation_reads_like_a_reference() -> None:
    source = Source(
        id="s1", kind="paper", title="A study", authors="Doe J", year=2020, venue="J Test 2020;1:1"
    )
    assert citation(source) == "Doe J (2020). A study. J Test 2020;1:1."
    seed = Source(id="seed_000", kind="seed", title="Hip pain", file="000_x.txt")
    assert citation(seed) == "Hip pain. (source article 000_x.txt)"


def test_dose_text() -> None:
    from hipcheck.care.plan import dose_text
    from hipcheck.knowledge.schema import Dose

    assert dose_text(Dose(sets=1, reps="10", frequency="daily")) == "1 set, 10 reps, daily"
    assert (
        dose_text(Dose(sets=2, reps="8-15", hold_seconds=5, frequency="daily"))
        == "2 sets, 8-15 reps, hold 5 s, daily"
    )
    assert (
        dose_text(Dose(sets=3, reps="10 each side", frequency="3 times a week"))
        == "3 sets, 10 each side, 3 times a week"
    )


def test_emergency_report_says_so_first() -> None:
    r = report({"rf_cannot_bear_weight": "yes"})
    assert r.triage.level.value == "emergency"
    md = render_markdown(r)
    assert md.index("## Triage") < md.index("**EMERGENCY**") < md.index("## Differential")
    assert r.triage.instruction in md


def test_training_section_only_with_runs() -> None:
    assert "Training summary" not in render_html(report())
    runs = [
        Activity(NOW - dt.timedelta(days=d), "running", km * 1000, "gpx", moving_time_s=km * 330)
        for d, km in ((25, 5), (18, 6), (11, 5), (4, 8))
    ]
    summary = summarize(runs, today=NOW.date(), weeks=6, rules=load_training_rules())
    with_runs = report(training=summary, training_chart_svg="<svg xmlns='http://www.w3.org/2000/svg'/>")
    html = render_html(with_runs)
    md = render_markdown(with_runs)
    assert "Training summary" in html and "4 runs in the last 6 weeks" in md
    assert "spike" in md.lower()  # 8 km after a 6 km longest: a single-run spike


def test_html_escapes_and_markdown_cells_stay_in_their_column() -> None:
    r = report()
    html = render_html(r)
    assert "<script" not in html
    md = render_markdown(r)
    for line in md.splitlines():
        if line.startswith("| 1 |"):
            assert line.count(" | ") == 5  # six cells: no stray pipe from the texts


diary_entries = st.lists(
    st.builds(
        DiaryEntry,
        day=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)),
        pain_rest=st.integers(0, 10),
        pain_during=st.none() | st.integers(0, 10),
        pain_after=st.none() | st.integers(0, 10),
    ),
    max_size=30,
    unique_by=lambda e: e.day,
)


@settings(max_examples=60, deadline=None)
@given(diary_entries)
def test_pain_chart_svg_is_valid_and_every_point_is_inside(entries: list[DiaryEntry]) -> None:
    chart = pain_chart(entries)
    root = ET.fromstring(pain_chart_svg(chart))
    _, _, width, _ = (float(v) for v in root.attrib["viewBox"].split())
    circles = root.findall(f"{SVG}circle")
    assert len(circles) == sum(1 + (e.activity_pain is not None) for e in entries)
    for c in circles:
        assert chart.left <= float(c.attrib["cx"]) <= width - chart.right
        assert chart.top <= float(c.attrib["cy"]) <= chart.height - chart.bottom
    assert root.find(f"{SVG}title") is not None
    assert (root.find(f"{SVG}desc").text or "") == chart.summary  # type: ignore[union-attr]


def _hagos_result(day: dt.date, answer: int) -> HagosResult:
    hagos = load_hagos()
    return score_hagos(hagos, dict.fromkeys((i.id for i in hagos.items), answer), day=day)


def _embedded_svgs(html: str) -> dict[str, ET.Element]:
    """The report's chart images by alt text, each decoded from its data URI and parsed."""
    soup = BeautifulSoup(html, "lxml")
    out = {}
    for img in soup.find_all("img", class_="chart"):
        data = img["src"].removeprefix("data:image/svg+xml;base64,")
        out[img["alt"]] = ET.fromstring(base64.b64decode(data))
    return out


def test_hagos_chart_in_the_report_from_two_questionnaires_on() -> None:
    day = NOW.date() - dt.timedelta(days=28)
    one = [_hagos_result(day, 3)]
    assert report(hagos=one).hagos.chart_svg is None  # type: ignore[union-attr]
    assert not [alt for alt in _embedded_svgs(render_html(report(hagos=one))) if alt.startswith("HAGOS")]

    two = [*one, _hagos_result(NOW.date(), 1)]  # every subscale 25 -> 75
    r = report(hagos=two)
    charts = {alt: svg for alt, svg in _embedded_svgs(render_html(r)).items() if alt.startswith("HAGOS")}
    assert len(charts) == 1
    alt, svg = next(iter(charts.items()))
    assert r.hagos is not None and alt == f"HAGOS scores over time: {r.hagos.summary}"
    lines = svg.findall(f"{SVG}polyline")
    assert [line.attrib["data-series"] for line in lines] == [s.id for s in load_hagos().subscales]
    for line in lines:
        (x0, y0), (x1, y1) = (tuple(map(float, p.split(","))) for p in line.attrib["points"].split())
        assert x1 > x0 and y1 < y0, "the later, better score is to the right and higher"
    # The table stays, a row per questionnaire.
    table = BeautifulSoup(render_html(r), "lxml").find(id="hagos").find("table")
    assert len(table.find("tbody").find_all("tr")) == 2


@needs_poppler
def test_hagos_chart_is_drawn_in_the_pdf(tmp_path: Path) -> None:
    two = [_hagos_result(NOW.date() - dt.timedelta(days=28), 3), _hagos_result(NOW.date(), 1)]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(report(hagos=two)))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # Only the chart's legend carries this note: the SVG was drawn (as text) into the PDF.
    assert "(100 = no problems, 0 = extreme problems)" in text


def test_the_pain_monitoring_decision_cites_its_sources() -> None:
    kb = model().kb
    plan = make_plan(kb, state(OUTER_HIP).result, PlanOptions())
    diary = [DiaryEntry(day=NOW.date(), pain_rest=1, pain_during=2, pain_next_morning=1)]
    decision = for_plan(plan, diary)
    assert decision.sources
    ids = [s.id for s in report(plan=plan, diary=diary, progress=decision).sources]
    assert set(decision.sources) <= set(ids)


def test_a_return_to_run_report_names_the_walk_run_stage() -> None:
    kb = model().kb
    plan = make_plan(kb, state(OUTER_HIP).result, PlanOptions(phase="return_to_run"))
    assert plan.return_to_run is not None and not plan.return_to_run.needs_clearance
    start = NOW.date() - dt.timedelta(days=8)
    diary = [
        DiaryEntry(day=start + dt.timedelta(days=2 * i), pain_rest=0, pain_during=1, pain_next_morning=0)
        for i in range(4)
    ]
    decision = for_plan(plan, diary)
    assert decision.stage == 3  # two good sessions a stage
    r = report(plan=plan, diary=diary, progress=decision)
    for text in (render_markdown(r), render_html(r)):
        assert f"({progress_where(decision)}, was 2)" in text
        assert "walk-run stage 3" in text
