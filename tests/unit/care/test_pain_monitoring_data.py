"""The pain-monitoring numbers and phase timing come from return_to_run.yaml, not from code:
changing a number in the knowledge base changes the decision, and a bad number stops loading."""

from __future__ import annotations

import datetime as dt
import shutil
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import hipcheck.cli.kb  # noqa: F401  (registers the kb commands on app)
from hipcheck.care import return_to_run as rtr
from hipcheck.care.diary import DiaryEntry
from hipcheck.care.models import PlanOptions
from hipcheck.care.plan import make_plan, phase_for
from hipcheck.care.progress import current, for_plan, rehab_rules, walk_run_rules
from hipcheck.cli.app import app
from hipcheck.errors import KnowledgeBaseError
from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.knowledge.schema import PainMonitoring, PhaseTiming

D0 = dt.date(2026, 4, 1)


def shipped() -> tuple[PainMonitoring, PhaseTiming]:
    rtr = load_knowledge_base().return_to_run
    assert rtr.pain_monitoring is not None, "return_to_run.yaml must have a pain_monitoring section"
    assert rtr.phases is not None, "return_to_run.yaml must have a phases section"
    return rtr.pain_monitoring, rtr.phases


def good(i: int, during: int) -> DiaryEntry:
    return DiaryEntry(day=D0 + dt.timedelta(days=i), pain_rest=0, pain_during=during, pain_next_morning=0)


def test_the_shipped_sections_cite_known_sources_and_say_what_they_mean() -> None:
    kb = load_knowledge_base()
    pm, timing = shipped()
    for section in (pm, timing):
        assert section.note.strip()
        assert set(section.sources) <= set(kb.sources)


def test_the_rehab_limit_to_move_on_is_read_from_the_knowledge_base() -> None:
    pm, _ = shipped()
    sessions = [good(i, pm.rehab.max_pain_to_advance) for i in range(pm.rehab.sessions_to_advance)]
    assert current(sessions, 1, rehab_rules(pm)).action == "advance"
    lower = pm.rehab.max_pain_to_advance - 1
    stricter = pm.model_copy(update={"rehab": pm.rehab.model_copy(update={"max_pain_to_advance": lower})})
    held = current(sessions, 1, rehab_rules(stricter))
    assert (held.action, held.rule) == ("hold", "pain_above_limit")


def test_the_sessions_needed_per_level_are_read_from_the_knowledge_base() -> None:
    pm, _ = shipped()
    sessions = [good(i, 0) for i in range(pm.rehab.sessions_to_advance)]
    assert current(sessions, 1, rehab_rules(pm)).action == "advance"
    more = pm.model_copy(
        update={"rehab": pm.rehab.model_copy(update={"sessions_to_advance": len(sessions) + 1})}
    )
    assert current(sessions, 1, rehab_rules(more)).rule == "needs_more_sessions"


def test_walk_run_referral_after_step_backs_is_read_from_the_knowledge_base() -> None:
    pm, _ = shipped()
    assert pm.walk_run.refer_after_step_backs is not None
    too_high = pm.walk_run.too_high + 1
    backs = [good(i, too_high) for i in range(pm.walk_run.refer_after_step_backs)]
    rules = walk_run_rules(pm, 2, 8, bone=False, sources=["s57"])
    assert current(backs, 8, rules).rule == "repeated_step_back"
    later = pm.model_copy(
        update={"walk_run": pm.walk_run.model_copy(update={"refer_after_step_backs": len(backs) + 1})}
    )
    d = current(backs, 8, walk_run_rules(later, 2, 8, bone=False, sources=["s57"]))
    assert (d.action, d.level) == ("step_back", 8 - len(backs) * pm.walk_run.too_high_step_back_levels)


def test_the_phase_by_days_since_onset_follows_the_knowledge_base() -> None:
    _, timing = shipped()
    day = timing.restore_until_day
    assert phase_for(PlanOptions(days_since_onset=day), timing) == "strengthen"
    longer = timing.model_copy(update={"restore_until_day": day + 1})
    assert phase_for(PlanOptions(days_since_onset=day), longer) == "restore"
    hours = timing.calm_down_hours
    assert phase_for(PlanOptions(days_since_onset=hours // 24), timing) == "restore"
    longer_calm = timing.model_copy(update={"calm_down_hours": hours + 24})
    assert phase_for(PlanOptions(days_since_onset=hours // 24), longer_calm) == "calm_down"


def test_a_soft_tissue_run_at_3_of_10_repeats_the_stage() -> None:
    # Brief §4b rule 4: pain that reached 3-5/10 repeats the stage (2/10 is the soft-tissue limit).
    kb = load_knowledge_base()
    pm, _ = shipped()
    rules = rtr.rules_for(kb.return_to_run, "soft_tissue")
    runs = [good(0, 3), good(2, 3)]
    d = current(runs, 1, rules)
    assert (d.action, d.rule, d.level) == ("hold", "pain_above_limit", 1)
    assert rules.max_pain_to_advance < 3 <= pm.walk_run.too_high


def test_a_plan_keeps_the_numbers_it_was_made_with(make_result: Any) -> None:
    kb = load_knowledge_base()
    pm, _ = shipped()
    plan = make_plan(kb, make_result("self_care", {"gtps": 0.9, "itbs": 0.1}), PlanOptions(phase="restore"))
    assert plan.pain_monitoring == pm
    sessions = [good(i, pm.rehab.max_pain_to_advance) for i in range(pm.rehab.sessions_to_advance)]
    assert for_plan(plan, sessions).action == "advance"
    # A plan stored before plans kept the numbers: the knowledge base's serve, else it says so.
    old = plan.model_copy(update={"pain_monitoring": None})
    assert for_plan(old, sessions, pm) == for_plan(plan, sessions)
    d = for_plan(old, sessions)
    assert (d.action, d.rule, d.phase) == ("hold", "no_rules", "restore")
    assert "make the plan again" in d.reason
    flagged = [*sessions, DiaryEntry(day=D0 + dt.timedelta(days=9), pain_rest=1, new_red_flags=["rf_fever"])]
    d = for_plan(old, flagged)
    assert (d.action, d.rule, d.stop_progression) == ("retriage", "new_red_flag", True)


# --- bad numbers stop loading, with the file, the field and why --------------------------------


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    with as_file(files("hipcheck.knowledge") / "data") as data:
        shutil.copytree(data, tmp_path / "data")
    return tmp_path / "data"


def edit_return_to_run(root: Path, change: dict[str, object]) -> None:
    path = root / "return_to_run.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        node = data
        for key in parents:
            node = node[key]
        node[last] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"pain_monitoring.rehab.too_high": 11}, "too_high"),
        ({"pain_monitoring.rehab.max_pain_to_advance": -1}, "max_pain_to_advance"),
        ({"pain_monitoring.trend_days": 13}, "trend_days 13 must be even"),
        ({"pain_monitoring.meaningful_change_fraction": 1.5}, "meaningful_change_fraction"),
        ({"phases.calm_down_hours": 0}, "calm_down_hours"),
        ({"phases.limit": 3}, "limit"),
        ({"pain_monitoring.sources": ["s56", "no_such_paper"]}, "no_such_paper"),
    ],
)
def test_a_bad_number_or_source_stops_loading_with_a_clear_message(
    kb_copy: Path, change: dict[str, object], expected: str
) -> None:
    edit_return_to_run(kb_copy, change)
    with pytest.raises(KnowledgeBaseError) as err:
        load_knowledge_base(kb_copy)
    assert "return_to_run.yaml" in str(err.value)
    assert expected in str(err.value)
    result = CliRunner().invoke(app, ["kb", "check", "--root", str(kb_copy)])
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output


def test_an_unknown_source_listed_in_the_file_too_is_a_dangling_reference(kb_copy: Path) -> None:
    data = yaml.safe_load((kb_copy / "return_to_run.yaml").read_text(encoding="utf-8"))
    edit_return_to_run(
        kb_copy,
        {"pain_monitoring.sources": ["s56", "no_such_paper"], "sources": [*data["sources"], "no_such_paper"]},
    )
    with pytest.raises(KnowledgeBaseError, match="unknown source id 'no_such_paper'"):
        load_knowledge_base(kb_copy)
