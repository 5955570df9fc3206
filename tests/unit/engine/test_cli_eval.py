"""`hipcheck eval` as a runner of the CLI sees it: report, one JSON object, clear errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hipcheck.cli.app import main

from .conftest import real_model

DEV = Path(__file__).resolve().parents[2] / "cases" / "dev-cases.jsonl"
KEYS = {
    "cases",
    "top1",
    "top3",
    "triage_exact",
    "triage_safe",
    "under_triage",
    "red_flag_sensitivity",
    "self_care_kept",
    "mean_questions",
    "max_questions",
}


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


Run = Callable[..., Done]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    real_model()  # skip while the packaged knowledge base is incomplete

    def invoke(*args: str) -> Done:
        monkeypatch.setattr(sys, "argv", ["hipcheck", "eval", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        # the error console wraps long lines; compare words, not line breaks
        return Done(code, out, " ".join(err.split()))

    return invoke


def test_json_is_exactly_one_object_with_the_metrics(run: Run) -> None:
    done = run(str(DEV), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) >= KEYS
    assert data["cases"] == 46
    assert data["mean_questions"] is None


def test_interactive_json_counts_questions(run: Run) -> None:
    done = run(str(DEV), "--interactive", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert 0 < data["mean_questions"] <= data["max_questions"] <= 25


def test_readable_report(run: Run) -> None:
    done = run(str(DEV))
    assert done.returncode == 0, done.stderr
    assert "top-3 accuracy" in done.stdout
    assert "triage: gold (rows) x engine (columns)" in done.stdout


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"id": "x1", "age": 30, "sex": "female", "present": ["loc_hip_nowhere"]}', "loc_hip_nowhere"),
        ('{"id": "x2", "age": 130, "sex": "female"}', "age"),
        ('{"id": "x3", "age": 30, "sex": "f"}', "sex"),
        ('{"id": "x4", "age": 30, "sex": "male", "present": ["loc_groin"], "absent": ["loc_groin"]}', "both"),
        ('{"id": "x5", "age": 30, ', "not valid JSON"),
    ],
)
def test_bad_case_file_is_one_clear_line_and_a_non_zero_exit(
    run: Run, tmp_path: Path, line: str, expected: str
) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    done = run(str(path), "--json")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert expected in done.stderr
    assert "line 1" in done.stderr
    assert done.stdout == ""
    case_id = json.loads(line)["id"] if line.endswith("}") else None
    if case_id:
        assert case_id in done.stderr


def test_missing_case_file_is_a_clear_error(run: Run, tmp_path: Path) -> None:
    done = run(str(tmp_path / "nope.jsonl"))
    assert done.returncode == 2
    assert "cannot read the case file" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_negative_worst_count_is_refused(run: Run) -> None:
    done = run(str(DEV), "--worst", "-1")
    assert done.returncode == 2
    assert "--worst" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
