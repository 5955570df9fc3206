"""What `hipcheck plan` and `hipcheck progress` print, on the small knowledge base of conftest.py.

Where the next session is (`progress_where`, also in the report) comes from the decision itself:
a rehab level and its phase, or, in the return-to-run phase, the walk-run stage (not a rehab level).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hipcheck.care.diary import DiaryEntry
from hipcheck.care.models import PlanOptions
from hipcheck.care.plan import make_plan, progress_where
from hipcheck.care.progress import for_plan
from hipcheck.cli.care import plan_markdown
from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.knowledge.schema import Dose, KnowledgeBase, ReturnToRun


def with_shipped_numbers(kb: KnowledgeBase) -> KnowledgeBase:
    shipped = load_knowledge_base().return_to_run
    assert shipped.pain_monitoring is not None and shipped.phases is not None
    sections = [shipped.pain_monitoring, shipped.phases]
    merged = ReturnToRun.model_validate(
        {
            **kb.return_to_run.model_dump(),
            "pain_monitoring": shipped.pain_monitoring.model_dump(),
            "phases": shipped.phases.model_dump(),
            "sources": sorted({*kb.return_to_run.sources, *(s for x in sections for s in x.sources)}),
        }
    )
    return kb.model_copy(update={"return_to_run": merged})


@pytest.fixture(scope="module")
def kb(kb: KnowledgeBase) -> KnowledgeBase:
    """The small knowledge base with the shipped pain-monitoring numbers and phase timing."""
    return with_shipped_numbers(kb)


GTPS_LIKELY = {"gtps": 0.7, "itbs": 0.2, "hamstring": 0.06, "fnsf": 0.04}


def _good_runs(days: range) -> list[DiaryEntry]:
    return [
        DiaryEntry(day=dt.date(2026, 1, d), pain_rest=0, pain_during=1, pain_next_morning=0, run_minutes=30)
        for d in days
    ]


def test_a_rehab_plan_names_the_level_and_its_phase(kb: KnowledgeBase, make_result: Any) -> None:
    plan = make_plan(kb, make_result("self_care", GTPS_LIKELY), PlanOptions(days_since_onset=5))
    d = for_plan(plan, _good_runs(range(1, 3)))
    assert (d.level, d.phase) == (3, "strengthen")
    assert progress_where(d) == "level 3 of 4 (Strengthen)"


def test_the_return_to_run_phase_names_the_walk_run_stage(kb: KnowledgeBase, make_result: Any) -> None:
    plan = make_plan(kb, make_result("self_care", GTPS_LIKELY), PlanOptions(phase="return_to_run"))
    assert plan.return_to_run is not None and not plan.return_to_run.needs_clearance
    # Two good sessions a stage: stage 3 after four, which is not rehab level 3 (Strengthen).
    d = for_plan(plan, _good_runs(range(1, 5)))
    assert (d.phase, d.stage) == ("return_to_run", 3)
    assert progress_where(d) == "walk-run stage 3"


def test_before_clearance_walk_run_has_not_started(kb: KnowledgeBase, make_result: Any) -> None:
    plan = make_plan(
        kb, make_result("see_clinician", {"gtps": 0.8, "fnsf": 0.2}), PlanOptions(phase="return_to_run")
    )
    d = for_plan(plan, _good_runs(range(1, 3)))
    assert d.stage == 0
    assert progress_where(d) == "walk-run not started yet"


def test_an_urgent_plan_has_no_phase(kb: KnowledgeBase, make_result: Any) -> None:
    d = for_plan(make_plan(kb, make_result("urgent", {"fnsf": 0.6, "gtps": 0.4})), [])
    assert progress_where(d) == "level 0"


def test_the_plan_prints_each_dose_as_the_report_does(kb: KnowledgeBase, make_result: Any) -> None:
    plan = make_plan(kb, make_result("self_care", GTPS_LIKELY), PlanOptions(days_since_onset=5))
    assert plan.exercises
    one_set = Dose(sets=1, reps="10 each side", hold_seconds=5, frequency="daily")
    first = plan.exercises[0].model_copy(update={"dose": one_set})
    text = plan_markdown(plan.model_copy(update={"exercises": [first]}), "a1")
    # "reps" only after a bare count; one set is "1 set".
    assert "1 set, 10 each side, hold 5 s, daily" in text
    assert "each side reps" not in text and "1 sets" not in text
