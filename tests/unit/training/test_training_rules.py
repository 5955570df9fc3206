"""training.yaml: a broken file is a clear KnowledgeBaseError; the metrics follow the rules given to them."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from hipcheck.errors import KnowledgeBaseError
from hipcheck.knowledge.load import default_root
from hipcheck.knowledge.training_data import Threshold, TrainingRules, load_training_rules
from hipcheck.training.activity import Activity
from hipcheck.training.metrics import (
    cadence_trend,
    grade_shoes,
    propose_answers,
    run_spikes,
    shoe_mileage,
    spike_definition,
)

DATA = Path(str(default_root()))
RULES = load_training_rules()
DAY0 = date(2024, 9, 2)


def run(day: date, km: float, *, shoe: str | None = None, spm: float | None = None) -> Activity:
    return Activity(
        start_time=datetime(day.year, day.month, day.day, 7, tzinfo=UTC),
        sport="running",
        distance_m=km * 1000,
        moving_time_s=km * 360,
        avg_cadence_spm=spm,
        shoe=shoe,
        source_format="fit",
    )


# ------------------------------------------------------------------ the file


def _copy_with(tmp_path: Path, edit: dict[str, object]) -> Path:
    """A knowledge directory whose training.yaml has the packaged content with ``edit`` applied
    (keys like ``spike.threshold.value``)."""
    shutil.copy(DATA / "sources.yaml", tmp_path / "sources.yaml")
    data = yaml.safe_load((DATA / "training.yaml").read_text(encoding="utf-8"))
    for dotted, value in edit.items():
        *parents, leaf = dotted.split(".")
        node = data
        for key in parents:
            node = node[key]
        node[leaf] = value
    (tmp_path / "training.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _problems(root: Path) -> str:
    with pytest.raises(KnowledgeBaseError) as info:
        load_training_rules(root)
    return str(info.value)


def test_the_packaged_rules_load_and_every_threshold_cites_a_known_source() -> None:
    sources = yaml.safe_load((DATA / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    known = {s["id"] for s in sources}
    assert RULES.thresholds()
    for where, threshold in RULES.thresholds().items():
        assert threshold.sources and set(threshold.sources) <= known, where


def test_the_shoe_prompts_say_mileage_is_a_prompt_to_check_not_a_rule() -> None:
    assert "prompt to check" in RULES.texts.shoe_check
    assert "not a rule" in RULES.texts.shoe_replace
    assert "check it too" in RULES.texts.shoe_ok


def test_a_copy_of_the_packaged_file_loads(tmp_path: Path) -> None:
    assert load_training_rules(_copy_with(tmp_path, {})) == RULES


def test_an_unknown_field_is_named(tmp_path: Path) -> None:
    text = _problems(_copy_with(tmp_path, {"spike.threshold.colour": "red"}))
    assert "training.yaml" in text and "colour" in text


def test_a_threshold_out_of_range_is_named(tmp_path: Path) -> None:
    text = _problems(_copy_with(tmp_path, {"weekly_rise.threshold.value": 30}))
    assert "training.yaml" in text and "weekly_rise" in text and "fraction" in text


def test_a_replace_mileage_below_the_check_mileage_is_refused(tmp_path: Path) -> None:
    text = _problems(_copy_with(tmp_path, {"shoes.replace_miles.value": 200}))
    assert "replace_miles must be more than check_miles" in text


def test_an_unknown_source_id_is_an_error(tmp_path: Path) -> None:
    text = _problems(_copy_with(tmp_path, {"cadence.increase_low.sources": ["s58", "s999"]}))
    assert "cadence.increase_low.sources" in text and "'s999'" in text


def test_a_threshold_without_sources_is_refused(tmp_path: Path) -> None:
    text = _problems(_copy_with(tmp_path, {"spike.window_days.sources": []}))
    assert "training.yaml" in text and "window_days" in text


def test_a_text_with_an_unknown_placeholder_is_refused_at_load(tmp_path: Path) -> None:
    text = _problems(_copy_with(tmp_path, {"texts.shoe_check": "'{shoe}' has {km} logged"}))
    assert "shoe_check" in text and "unknown placeholder(s) km" in text


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    shutil.copy(DATA / "sources.yaml", tmp_path / "sources.yaml")
    assert "training.yaml: -: -: file is missing" in _problems(tmp_path)


# ------------------------------------------------------------------ the metrics follow the rules


def _with(rules: TrainingRules, group: str, **changes: object) -> TrainingRules:
    section = getattr(rules, group).model_copy(update=changes)
    return rules.model_copy(update={group: section})


def test_a_higher_spike_threshold_drops_a_spike() -> None:
    runs = [run(DAY0, 14), run(DAY0 + timedelta(days=10), 21)]  # 50 % longer
    assert len(run_spikes(runs, rules=RULES)) == 1
    stricter = _with(RULES, "spike", threshold=Threshold(value=0.6, sources=("s62",)))
    assert run_spikes(runs, rules=stricter) == []


def test_the_spike_legend_quotes_the_rules() -> None:
    assert spike_definition(RULES) == "a run >10 % longer than the longest of the 30 days before"
    shorter = _with(RULES, "spike", window_days=Threshold(value=21, sources=("s62",)))
    assert spike_definition(shorter) == "a run >10 % longer than the longest of the 21 days before"


def test_the_shoe_mileages_and_texts_come_from_the_rules() -> None:
    mileage = shoe_mileage([run(DAY0 + timedelta(days=i), 10, shoe="Ghost") for i in range(20)])  # 200 km
    assert grade_shoes(mileage, rules=RULES)[0].level == "ok"
    lower = _with(RULES, "shoes", check_miles=Threshold(value=100, sources=("s68",)))
    (graded,) = grade_shoes(mileage, rules=lower)
    assert graded.level == "check"
    assert graded.prompt == "'Ghost' has 200 km logged, past 100 miles (161 km): " + (
        "a prompt to check the midsole and tread for wear"
    )
    reworded = _with(RULES, "texts", shoe_check="{shoe}: {logged}, look at it")
    assert grade_shoes(mileage, rules=_with(reworded, "shoes", check_miles=lower.shoes.check_miles))[
        0
    ].prompt == ("Ghost: 200 km, look at it")


def test_the_cadence_range_comes_from_the_rules() -> None:
    runs = [run(DAY0 + timedelta(days=i), 10, spm=160) for i in range(3)]
    assert "168–176 steps/min" in (cadence_trend(runs, rules=RULES).hint or "")
    wider = _with(RULES, "cadence", increase_high=Threshold(value=0.2, sources=("s58",)))
    hint = cadence_trend(runs, rules=wider).hint or ""
    assert "5–20 % more" in hint and "168–192 steps/min" in hint


def test_a_lower_weekly_rise_floor_turns_a_small_rise_into_evidence() -> None:
    # 3 weeks at 6 km then 3 weeks at 9 km: +50 %, but only 3 km a week more
    runs = [run(DAY0 + timedelta(weeks=w), 6 if w < 3 else 9) for w in range(6)]
    today = DAY0 + timedelta(weeks=5, days=6)

    def rise(rules: TrainingRules) -> list[str]:
        return [
            e
            for p in propose_answers(runs, today=today, rules=rules)
            for e in p.evidence
            if "weekly distance rose" in e
        ]

    assert rise(RULES) == []
    looser = _with(RULES, "weekly_rise", min_rise_m=Threshold(value=2000, sources=("s63",)))
    assert rise(looser) == [
        "your weekly distance rose from about 6 km to 9 km (average of the 3 weeks before "
        "23 Sep against the 3 weeks since, +50 %)"
    ]
