"""`hipcheck assess --case`, `history`, `show` and `delete`, run as a person or a script would."""

from __future__ import annotations

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
SEPTIC = {
    "age": 58,
    "sex": "male",
    "present": ["loc_groin", "rf_fever_unwell", "rf_hot_red_joint", "worse_weight_bearing", "limp"],
    "absent": ["onset_fall_or_twist", "rf_major_trauma"],
}


def _no_traceback(run: Any) -> None:
    assert "Traceback" not in run.stdout + run.stderr


def test_assess_case_json_is_one_object_and_is_saved(cli: Any, dev_cases: Path) -> None:
    run = cli("assess", "--case", str(dev_cases), "--json")
    assert run.exit_code == 0, run.stderr
    out = run.json()
    first = json.loads(dev_cases.read_text(encoding="utf-8").splitlines()[0])
    assert out["triage"]["level"] in {"self_care", "see_clinician", "urgent", "emergency"}
    assert out["triage"]["instruction"]
    probabilities = [c["probability"] for c in out["conditions"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert out["conditions"][0]["id"] == first["gold"]["condition"]
    assert isinstance(out["plan"]["exercises"], list)
    assert all(isinstance(e["id"], str) for e in out["plan"]["exercises"])
    # The answers were the case's: present -> yes, absent -> no.
    answered = {a["finding_id"]: a["value"] for a in out["answers"]}
    assert answered == {f: "yes" for f in first["present"]} | {f: "no" for f in first["absent"]}

    shown = cli("show", out["id"], "--json")
    assert shown.exit_code == 0
    assert shown.json()["conditions"] == out["conditions"]
    assert shown.json()["plan"] == out["plan"]


def test_emergency_case_has_no_exercises(cli: Any, case_file: Callable[..., Path]) -> None:
    run = cli("assess", "--case", str(case_file(**SEPTIC)), "--json")
    assert run.exit_code == 0, run.stderr
    out = run.json()
    assert out["triage"]["level"] in {"urgent", "emergency"}
    assert out["plan"]["exercises"] == []


def test_assess_case_without_json_prints_the_result_and_the_id(
    cli: Any, case_file: Callable[..., Path]
) -> None:
    run = cli("assess", "--case", str(case_file(**GTPS)))
    assert run.exit_code == 0, run.stderr
    assert "Most likely causes" in run.stdout
    assert "not a diagnosis" in run.stdout
    listed = cli("history", "--json").json()
    assert len(listed) == 1 and listed[0]["id"] in run.stdout


def test_history_show_and_delete(cli: Any, case_file: Callable[..., Path]) -> None:
    assert "No saved assessments" in cli("history").stdout
    first = cli("assess", "--case", str(case_file(**GTPS)), "--json").json()["id"]
    second = cli("assess", "--case", str(case_file(**SEPTIC)), "--json").json()["id"]
    history = cli("history")
    assert history.exit_code == 0 and first in history.stdout and second in history.stdout
    assert [r["id"] for r in cli("history", "--json").json()] == [second, first]

    shown = cli("show", first)
    assert shown.exit_code == 0
    assert "Answers" in shown.stdout and "Most likely causes" in shown.stdout

    refused = cli("delete", first, input="n\n")
    assert refused.exit_code != 0
    assert cli("show", first).exit_code == 0

    deleted = cli("delete", first, "--yes")
    assert deleted.exit_code == 0
    assert [r["id"] for r in cli("history", "--json").json()] == [second]


@pytest.mark.parametrize("command", [["show", "nope"], ["delete", "nope", "--yes"], ["plan", "nope"]])
def test_unknown_assessment_id_is_one_line_and_exit_1(cli: Any, command: list[str]) -> None:
    run = cli(*command)
    assert run.exit_code == 1
    assert run.stderr.strip() == "error: no assessment with id 'nope'"
    _no_traceback(run)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "x", "age": 34, "sex": "female", "present": ["not_a_finding"]}\n', "unknown finding id"),
        ('{"id": "x", "age": 7, "sex": "female"}\n', "age must be"),
        ("this is not json\n", "not valid JSON"),
        ("\n", "no cases"),
    ],
)
def test_bad_case_file_is_one_line_naming_the_file(
    cli: Any, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    run = cli("assess", "--case", str(path), "--json")
    assert run.exit_code == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and message in lines[0]
    _no_traceback(run)
    assert cli("history", "--json").json() == []


def test_missing_case_file_is_named(cli: Any, tmp_path: Path) -> None:
    run = cli("assess", "--case", str(tmp_path / "missing.jsonl"))
    assert run.exit_code == 2
    assert "missing.jsonl" in run.stderr and "no such case file" in run.stderr
    _no_traceback(run)


def test_unusable_database_location_is_one_line(cli: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    run = cli("history", env={"HIPCHECK_DATABASE_URL": f"sqlite:///{blocker}/sub/hipcheck.db"})
    assert run.exit_code == 1
    assert len(run.stderr.strip().splitlines()) == 1 and "cannot create the folder" in run.stderr
    _no_traceback(run)


def test_a_file_that_is_not_a_database_is_one_line(cli: Any, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_bytes(b"my training notes, not a database" * 200)
    run = cli("history", env={"HIPCHECK_DATABASE_URL": f"sqlite:///{bogus}"})
    assert run.exit_code == 1
    assert run.stderr.strip() == "error: could not open the database: file is not a database"
    assert bogus.read_bytes().startswith(b"my training notes")


def test_case_and_resume_together_are_refused(cli: Any, dev_cases: Path) -> None:
    run = cli("assess", "--case", str(dev_cases), "--resume", "abc")
    assert run.exit_code == 2 and "cannot be combined" in run.stderr
    assert cli("history", "--json").json() == []


@pytest.mark.parametrize("limit", ["0", "-3"])
def test_history_limit_below_one_is_one_line_and_exit_2(cli: Any, limit: str) -> None:
    run = cli("history", "--limit", limit)
    assert run.exit_code == 2
    assert run.stderr.strip() == f"error: limit must be a whole number from 1, not {limit}"
    _no_traceback(run)
