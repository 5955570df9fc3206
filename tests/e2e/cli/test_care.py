"""`hipcheck plan`, `diary`, `progress` and `hagos`, run as a runner or a script would."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

GTPS = {
    "age": 52,
    "sex": "female",
    "present": ["loc_outer_hip", "worse_lying_on_side", "tender_outer_hip", "worse_stairs", "onset_gradual"],
    "absent": ["loc_groin", "rf_fever_unwell", "numbness_tingling_leg"],
}
HAGOS_ITEMS = (
    [f"S{i}" for i in range(1, 8)]
    + [f"P{i}" for i in range(1, 11)]
    + [f"A{i}" for i in range(1, 6)]
    + [f"SP{i}" for i in range(1, 9)]
    + ["PA1", "PA2"]
    + [f"Q{i}" for i in range(1, 6)]
)


@pytest.fixture
def assessment(cli: Any, case_file: Callable[..., Path]) -> dict[str, Any]:
    run = cli("assess", "--case", str(case_file(**GTPS)), "--json")
    assert run.exit_code == 0, run.stderr
    out: dict[str, Any] = run.json()
    return out


def _today() -> dt.date:
    return dt.datetime.now().astimezone().date()


def test_plan_json_and_markdown_are_the_stored_plan(
    cli: Any, assessment: dict[str, Any], tmp_path: Path
) -> None:
    aid = assessment["id"]
    as_json = cli("plan", aid, "--json")
    assert as_json.exit_code == 0
    assert as_json.json() == assessment["plan"]
    md = cli("plan", aid, "--markdown")
    assert md.exit_code == 0
    assert md.stdout.startswith(f"# Care plan for assessment {aid}")
    for exercise in assessment["plan"]["exercises"]:
        assert exercise["name"] in md.stdout
    target = tmp_path / "plan.md"
    written = cli("plan", aid, "--markdown", "-o", str(target))
    assert written.exit_code == 0 and target.read_text(encoding="utf-8").strip() == md.stdout.strip()


def test_plan_options_make_a_new_plan(cli: Any, assessment: dict[str, Any]) -> None:
    run = cli("plan", assessment["id"], "--json", "--equipment", "band", "--days", "4")
    assert run.exit_code == 0, run.stderr
    assert cli("plan", assessment["id"], "--json").json() == run.json()


def _red_flag_watch(cli: Any, case_file: Callable[..., Path], age: int, sex: str) -> list[dict[str, Any]]:
    run = cli("assess", "--case", str(case_file(**(GTPS | {"age": age, "sex": sex}))), "--json")
    assert run.exit_code == 0, run.stderr
    shown = cli("plan", run.json()["id"], "--json")
    assert shown.exit_code == 0, shown.stderr
    flags: list[dict[str, Any]] = shown.json()["red_flags_to_watch"]
    assert flags, "every self-care plan lists warning signs"
    return flags


def test_a_womans_plan_watches_for_no_testicle_or_child_only_red_flags(
    cli: Any, case_file: Callable[..., Path]
) -> None:
    from hipcheck.knowledge.load import load_knowledge_base

    rules = load_knowledge_base().red_flags
    child_only = {r for r, rule in rules.items() if rule.when.age_max is not None and rule.when.age_max < 40}
    male_only = {r for r, rule in rules.items() if rule.when.sex is not None and rule.when.sex == "male"}
    assert child_only and male_only, "the knowledge base has rules that cannot apply to her"

    woman = _red_flag_watch(cli, case_file, 40, "female")
    ids = {f["id"] for f in woman}
    assert not ids & (child_only | male_only)
    text = " ".join(f"{f['name']} {f['instruction']}" for f in woman).lower()
    assert "testic" not in text and "child" not in text and "teenager" not in text

    boy = {f["id"] for f in _red_flag_watch(cli, case_file, 15, "male")}
    assert boy & male_only and boy & child_only, "the same plan for a teenage boy does list them"


STRAVA_EXPORT = Path(__file__).resolve().parents[2] / "fixtures" / "strava-export"


def test_plan_shows_the_numbers_of_the_imported_training_log(cli: Any, assessment: dict[str, Any]) -> None:
    imported = cli("import", str(STRAVA_EXPORT), "--json")
    assert imported.exit_code == 0, imported.stderr
    assert imported.json()["imported"] == 93
    # The pain started on Monday 2021-08-02 (see tests/fixtures/strava-export/README.md).
    since = str((_today() - dt.date(2021, 8, 2)).days)
    md = cli("plan", assessment["id"], "--markdown", "--days-since-onset", since)
    assert md.exit_code == 0, md.stderr
    section = md.stdout.split("## From your training log", 1)[1].split("##", 1)[0]
    assert "Weekly distance to build back to (your usual before the pain): 11.0 km" in section
    assert "Longest run in the weeks before the pain: 10.0 km" in section
    assert "Shoe to retire or check: Pegasus 38 (924 km logged)" in section
    as_json = cli("plan", assessment["id"], "--json").json()
    assert as_json["training"]["shoe_name"] == "Pegasus 38"
    load = next(r for r in as_json["running_changes"] if r["id"] == "training_load")
    assert any("11.0 km" in d for d in load["details"]), "the training-load advice carries the number"
    shown = cli("plan", assessment["id"])
    assert "From your training log" in shown.stdout and "Pegasus 38" in shown.stdout


def test_plan_to_an_unwritable_path_is_one_line(cli: Any, assessment: dict[str, Any], tmp_path: Path) -> None:
    run = cli("plan", assessment["id"], "--markdown", "-o", str(tmp_path / "no" / "such" / "dir" / "plan.md"))
    assert run.exit_code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write" in lines[0] and "plan.md" in lines[0]
    assert "Traceback" not in run.stdout + run.stderr


def test_diary_add_list_edit_and_conflict(cli: Any, assessment: dict[str, Any]) -> None:
    aid = assessment["id"]
    yesterday = (_today() - dt.timedelta(days=1)).isoformat()
    added = cli(
        "diary", "add", aid, "--date", yesterday, "--rest", "2", "--during", "3", "--notes", "easy 20 min"
    )
    assert added.exit_code == 0, added.stderr
    again = cli("diary", "add", aid, "--date", yesterday, "--rest", "5")
    assert again.exit_code == 1
    assert "already a diary entry" in again.stderr and "edit" in again.stderr

    edited = cli("diary", "edit", aid, yesterday, "--next-morning", "1")
    assert edited.exit_code == 0, edited.stderr
    entries = cli("diary", "list", aid, "--json").json()
    assert [
        (e["day"], e["pain_rest"], e["pain_during"], e["pain_next_morning"], e["notes"]) for e in entries
    ] == [(yesterday, 2, 3, 1, "easy 20 min")]
    table = cli("diary", "list", aid)
    assert table.exit_code == 0 and yesterday in table.stdout


def test_diary_delete_asks_first_and_removes_only_that_day(cli: Any, assessment: dict[str, Any]) -> None:
    aid = assessment["id"]
    today = _today()
    days = [(today - dt.timedelta(days=n)).isoformat() for n in (2, 1)]
    for day in days:
        assert cli("diary", "add", aid, "--date", day, "--rest", "2").exit_code == 0

    kept = cli("diary", "delete", aid, days[0], input="n\n")
    assert kept.exit_code != 0 and f"Delete the diary entry of {days[0]}?" in kept.stdout
    assert [e["day"] for e in cli("diary", "list", aid, "--json").json()] == days

    confirmed = cli("diary", "delete", aid, days[0], input="y\n")
    assert confirmed.exit_code == 0, confirmed.stderr
    assert f"Deleted the diary entry for {days[0]}" in confirmed.stdout
    assert [e["day"] for e in cli("diary", "list", aid, "--json").json()] == days[1:]

    assert cli("diary", "delete", aid, days[1], "--yes").exit_code == 0
    assert cli("diary", "list", aid, "--json").json() == []


def test_diary_delete_of_a_day_without_an_entry_is_one_line(cli: Any, assessment: dict[str, Any]) -> None:
    run = cli("diary", "delete", assessment["id"], "2026-01-05", "--yes")
    assert run.exit_code != 0
    assert "no diary entry on 2026-01-05" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    unknown = cli("diary", "delete", "nope", "2026-01-05", "--yes")
    assert unknown.exit_code != 0 and "nope" in unknown.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rest", "11"], "pain_rest"),
        (["--rest", "2", "--date", "2999-01-01"], "in the future"),
        (["--rest", "2", "--date", "yesterday"], "must be a date"),
        ([], "--rest is required"),
    ],
)
def test_invalid_diary_entries_are_refused(
    cli: Any, assessment: dict[str, Any], args: list[str], message: str
) -> None:
    run = cli("diary", "add", assessment["id"], *args)
    assert run.exit_code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert cli("diary", "list", assessment["id"], "--json").json() == []


def test_progress_reads_the_diary(cli: Any, assessment: dict[str, Any]) -> None:
    aid = assessment["id"]
    first = cli("progress", aid, "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json()["action"] in {"hold", "advance", "step_back", "see_clinician", "retriage"}
    today = _today().isoformat()
    cli("diary", "add", aid, "--date", today, "--rest", "1", "--red-flag", "rf_fever_unwell")
    after = cli("progress", aid, "--json").json()
    assert after["stop_progression"] is True and after["action"] in {"retriage", "see_clinician"}
    human = cli("progress", aid)
    assert human.exit_code == 0 and after["reason"].split()[0] in human.stdout


def test_hagos_from_a_file_is_scored_and_kept_over_time(cli: Any, tmp_path: Path) -> None:
    answers = tmp_path / "hagos.json"
    answers.write_text(json.dumps(dict.fromkeys(HAGOS_ITEMS, 2)), encoding="utf-8")
    run = cli(
        "hagos", "--answers", str(answers), "--json", "--date", (_today() - dt.timedelta(days=7)).isoformat()
    )
    assert run.exit_code == 0, run.stderr
    assert {s["score"] for s in run.json()["subscales"]} == {50.0}
    answers.write_text(json.dumps(dict.fromkeys(HAGOS_ITEMS, 1)), encoding="utf-8")
    assert cli("hagos", "--answers", str(answers), "--json").exit_code == 0
    history = cli("hagos", "--history", "--json").json()
    assert [{s["score"] for s in h["subscales"]} for h in history] == [{50.0}, {75.0}]
    table = cli("hagos", "--history")
    assert table.exit_code == 0 and "75" in table.stdout and "50" in table.stdout


def test_hagos_interactive_questionnaire(cli: Any) -> None:
    # Every item answered 4 except one skipped; one invalid key is asked again.
    keys = ["9", "4"] + ["4"] * (len(HAGOS_ITEMS) - 2) + [""]
    run = cli("hagos", "--json", input="\n".join(keys) + "\n")
    assert run.exit_code == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert {s["score"] for s in result["subscales"]} == {0.0}
    assert result["responses"]["Q5"] is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "one JSON object"),
        ('{"S1": 9}', "S1"),
        ('{"ZZ": 1}', "unknown HAGOS item"),
        ("{", "not valid JSON"),
    ],
)
def test_bad_hagos_answers_file(cli: Any, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "answers.json"
    path.write_text(content, encoding="utf-8")
    run = cli("hagos", "--answers", str(path))
    assert run.exit_code == 2
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert cli("hagos", "--history", "--json").json() == []
