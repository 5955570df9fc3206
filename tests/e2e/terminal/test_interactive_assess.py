"""`hipcheck assess` in a real pseudo-terminal, as a runner would use it: single key presses,
the red-flag screen first, an emergency that stops at once, back, an invalid key, Ctrl-C and
--resume. What was stored is checked with `hipcheck show --json` in a separate process."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pexpect

FIRST_RED_FLAG = "Do you have a fever or chills, or feel generally unwell?"
CANNOT_BEAR_WEIGHT = "Are you unable to put weight on the leg or to take four steps?"
SECOND_SCREEN_FIRST = "Any numbness around the genitals or back passage"
PROMPT = r"\(Ctrl-C: save, stop\)\r?\n  > "
Spawn = Callable[..., pexpect.spawn]
Stored = Callable[[str], dict[str, Any]]


def start(spawn: Spawn, age: str = "34", sex: str = "f") -> pexpect.spawn:
    child = spawn("assess")
    child.expect("How old are you")
    child.sendline(age)
    child.expect(r"Sex: \[f\] female  \[m\] male")
    child.send(sex)
    child.expect(r"assessment (\w+)\.")
    return child


def press(child: pexpect.spawn, keys: str) -> None:
    """Press each key once its question's prompt shows."""
    for key in keys:
        child.expect(PROMPT)
        child.send(key)


def assessment_id(child: pexpect.spawn) -> str:
    match = child.match
    assert match is not None
    return str(match.group(1))


def answer_until_result(child: pexpect.spawn, key: str = "n", limit: int = 400) -> int:
    """Answer every question with `key` until the result screen; how many keys were pressed."""
    for pressed in range(limit):
        if child.expect([PROMPT, "Most likely causes"]) == 1:
            return pressed
        child.send(key)
    raise AssertionError("the assessment never reached the result screen")


def test_full_assessment_reaches_the_result_screen_and_is_saved(spawn: Spawn, stored: Stored) -> None:
    child = start(spawn)
    ident = assessment_id(child)
    # The red-flag screen comes first, marked as such.
    child.expect(r"question 1 of at most 25 · 0 answers so far")
    child.expect("Safety check first")
    child.expect(r"\(1/5\) " + re.escape(FIRST_RED_FLAG))
    pressed = answer_until_result(child)
    assert pressed > 10
    # Probability bars and reasons for the causes, then the plan summary and where it is saved.
    child.expect(r"1\. [█░]{20} +\d+%")
    child.expect("for: |against: ")
    child.expect("Your plan, in short")
    child.expect(f"Saved as {ident}")
    child.expect(f"  hipcheck report {ident} -o hipcheck-report.pdf")  # whole, ready to copy
    child.expect("not a diagnosis")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    data = stored(ident)
    assert data["status"] == "complete"
    assert len(data["answers"]) == pressed
    assert {a["value"] for a in data["answers"]} == {"no"}
    assert data["plan"] is not None


def test_emergency_red_flag_stops_at_once(spawn: Spawn, stored: Stored) -> None:
    child = start(spawn, age="41", sex="m")
    ident = assessment_id(child)
    press(child, "nn")
    child.expect(re.escape(CANNOT_BEAR_WEIGHT))
    press(child, "y")
    child.expect("EMERGENCY")
    child.expect("Go to an emergency department now")
    child.expect(pexpect.EOF)
    after = str(child.before)
    # Nothing more is asked: the two remaining questions of the screen are not shown.
    assert "Ctrl-C: save, stop" not in after
    assert "Does the leg look shorter" not in after
    child.close()
    assert child.exitstatus == 0
    data = stored(ident)
    assert data["triage"]["level"] == "emergency"
    assert {a["finding_id"]: a["value"] for a in data["answers"]} == {
        "rf_fever_unwell": "no",
        "rf_hot_red_joint": "no",
        "rf_cannot_bear_weight": "yes",
    }


def test_back_within_a_screen_and_to_the_previous_screen(spawn: Spawn, stored: Stored) -> None:
    child = start(spawn)
    ident = assessment_id(child)
    # Within the screen: answer, go back, the same question comes again.
    press(child, "n")
    child.expect(r"\(2/5\)")
    press(child, "b")
    child.expect("Back one question")
    child.expect(re.escape(FIRST_RED_FLAG))
    press(child, "n" * 5)
    # The next screen: `b` on its first question undoes the whole previous screen.
    child.expect(re.escape(SECOND_SCREEN_FIRST))
    press(child, "b")
    child.expect("Back: the previous screen undone")
    child.expect(r"\(1/5\) " + re.escape(FIRST_RED_FLAG))
    assert stored(ident)["answers"] == []
    # Answer the first screen differently; the new answers are what is stored.
    press(child, "d")
    press(child, "n" * 4)
    child.expect(re.escape(SECOND_SCREEN_FIRST))
    child.expect(PROMPT)
    child.sendintr()
    child.expect(pexpect.EOF)
    answers = {a["finding_id"]: a["value"] for a in stored(ident)["answers"]}
    assert answers["rf_fever_unwell"] == "unknown"
    assert len(answers) == 5


def test_back_on_the_first_question_says_there_is_nothing_to_undo(spawn: Spawn) -> None:
    child = start(spawn)
    press(child, "b")
    child.expect("nothing to go back to")
    child.expect(re.escape(FIRST_RED_FLAG))
    child.expect(PROMPT)
    child.sendintr()
    child.expect(pexpect.EOF)


def test_invalid_key_gets_a_hint_and_the_same_question(spawn: Spawn, stored: Stored) -> None:
    child = start(spawn)
    ident = assessment_id(child)
    press(child, "x")
    child.expect(r"'x' is not an answer\. Please press y \(yes\), n \(no\), d or \? \(don't know\)")
    child.expect(r"\(1/5\) " + re.escape(FIRST_RED_FLAG))
    press(child, "\x1b")  # the Escape key alone
    child.expect("the Escape key is not an answer")
    child.expect(r"\(1/5\) " + re.escape(FIRST_RED_FLAG))
    press(child, "?")
    child.expect("don't know")
    child.expect(r"\(2/5\)")
    child.expect(PROMPT)
    child.sendintr()
    child.expect(pexpect.EOF)
    # The invalid keys were not stored as answers; the valid one was.
    assert stored(ident)["answers"] == [{"finding_id": "rf_fever_unwell", "value": "unknown"}]


def test_ctrl_c_saves_and_resume_continues(spawn: Spawn, stored: Stored) -> None:
    child = start(spawn)
    ident = assessment_id(child)
    press(child, "n" * (5 + 2))  # the first screen, and two questions of the second
    child.expect(r"\(3/5\)")
    child.expect(PROMPT)
    child.sendintr()
    child.expect(r"7 answers saved as (\w+)\.\r?\nContinue with: hipcheck assess --resume (\w+)")
    match = child.match
    assert match is not None and match.group(1) == ident == match.group(2)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    data = stored(ident)
    assert data["status"] == "in_progress"
    assert len(data["answers"]) == 7

    resumed = spawn("assess", "--resume", ident)
    resumed.expect(f"Continuing assessment {ident} \\(34, female, 7 answers so far\\)")
    # The rest of the red-flag screen comes next, not the questions already answered.
    resumed.expect(r"question \d+ of at most 25 · 7 answers so far")
    resumed.expect("Have you lost weight without trying")
    pressed = answer_until_result(resumed)
    resumed.expect(f"Saved as {ident}")
    resumed.expect(pexpect.EOF)
    resumed.close()
    assert resumed.exitstatus == 0
    data = stored(ident)
    assert data["status"] == "complete"
    assert len(data["answers"]) == 7 + pressed


def test_resume_unknown_id_is_one_line_and_non_zero(spawn: Spawn) -> None:
    child = spawn("assess", "--resume", "doesnotexist")
    child.expect(pexpect.EOF)
    output = str(child.before).strip()
    child.close()
    assert child.exitstatus != 0
    assert "doesnotexist" in output
    assert "Traceback" not in output
    assert len(output.splitlines()) == 1


def test_invalid_age_is_asked_again_and_ctrl_c_before_the_first_question_saves_nothing(
    spawn: Spawn,
) -> None:
    child = spawn("assess")
    child.expect("How old are you")
    child.sendline("thirty")
    child.expect("Please type your age as a whole number")
    child.expect("How old are you")
    child.sendline("7")
    child.expect("ages 10 to 100")
    child.expect("How old are you")
    child.sendintr()
    child.expect("nothing was saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_resume_continues_a_case_file_assessment_with_only_what_is_left(
    spawn: Spawn, stored: Stored, term_env: dict[str, str], tmp_path: Any
) -> None:
    case = tmp_path / "case.jsonl"
    answered = {"rf_fever_unwell": "no", "loc_outer_hip": "yes"}
    case.write_text(
        json.dumps(
            {"id": "t", "age": 40, "sex": "male", "present": ["loc_outer_hip"], "absent": ["rf_fever_unwell"]}
        )
        + "\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "hipcheck", "assess", "--case", str(case), "--json"],
        env=term_env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    ident = json.loads(done.stdout)["id"]
    child = spawn("assess", "--resume", ident)
    child.expect(f"Continuing assessment {ident} \\(40, male, 2 answers so far\\)")
    pressed = answer_until_result(child)
    child.expect(pexpect.EOF)
    data = stored(ident)
    assert data["status"] == "complete"
    given = {a["finding_id"]: a["value"] for a in data["answers"]}
    assert len(data["answers"]) == 2 + pressed  # nothing asked twice
    assert {f: given[f] for f in answered} == answered

    # Resuming a finished assessment shows its result at once, with no question.
    again = spawn("assess", "--resume", ident)
    assert again.expect([PROMPT, "Most likely causes"]) == 1
    again.expect(pexpect.EOF)


def test_piped_answers_and_json_output(term_env: dict[str, str]) -> None:
    """Without a terminal, answers are read a line at a time; --json prints one object on stdout."""
    lines = ["34", "female"] + ["no"] * 300
    done = subprocess.run(
        [sys.executable, "-m", "hipcheck", "assess", "--json"],
        env=term_env,
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["status"] == "complete"
    assert data["plan"] is not None
    assert {a["value"] for a in data["answers"]} == {"no"}
    assert "Safety check first" in done.stderr  # the questions went to stderr


def test_keys_typed_ahead_count_one_answer_each(spawn: Spawn, stored: Stored) -> None:
    child = start(spawn)
    ident = assessment_id(child)
    child.expect(PROMPT)
    child.send("nnndn")  # typed in one burst, faster than the questions are shown
    child.expect(re.escape(SECOND_SCREEN_FIRST))
    child.expect(PROMPT)
    child.sendintr()
    child.expect(pexpect.EOF)
    values = [a["value"] for a in stored(ident)["answers"]]
    assert values == ["no", "no", "no", "unknown", "no"]


def test_arrow_keys_move_the_choice_and_enter_confirms(spawn: Spawn, stored: Stored) -> None:
    child = start(spawn)
    ident = assessment_id(child)
    child.expect(PROMPT)
    child.send("\r")  # Enter with nothing chosen does nothing
    child.send("\x1b[B")  # down: the first choice
    child.expect("<yes> ")
    child.send("\x1b[B")
    child.expect("<no> ")
    child.send("\x1b[B")
    child.expect("<don't know> ")
    child.send("\x1b[C")  # right wraps round to the first again
    child.expect("<yes> ")
    child.send("\x1b[A")  # up: back to the last
    child.expect("<don't know> ")
    child.send("\r")
    child.expect(r"\(2/5\)")
    child.expect(PROMPT)
    child.send("\x1bOD")  # left, in application cursor mode: the last choice
    child.expect("<don't know> ")
    child.send("\x1bOD")
    child.expect("<no> ")
    child.send("\r")
    child.expect(r"\(3/5\)")
    child.expect(PROMPT)
    child.sendintr()
    child.expect(pexpect.EOF)
    assert [(a["finding_id"], a["value"]) for a in stored(ident)["answers"]] == [
        ("rf_fever_unwell", "unknown"),
        ("rf_hot_red_joint", "no"),
    ]


def test_a_yes_is_saved_at_once_and_the_screen_goes_on(spawn: Spawn, stored: Stored) -> None:
    """A warning sign that is not an emergency (hot, red joint: urgent) keeps the screen going;
    `back` right after it undoes the answers up to that yes."""
    child = start(spawn)
    ident = assessment_id(child)
    press(child, "n")
    press(child, "y")  # hot, red and swollen
    child.expect(r"\(3/5\) " + re.escape(CANNOT_BEAR_WEIGHT))
    child.expect(PROMPT)
    saved = {a["finding_id"]: a["value"] for a in stored(ident)["answers"]}
    assert saved == {"rf_fever_unwell": "no", "rf_hot_red_joint": "yes"}
    child.send("b")
    child.expect("Back: the answers up to your last yes undone")
    child.expect(r"\(1/5\) " + re.escape(FIRST_RED_FLAG))
    child.expect(PROMPT)
    assert stored(ident)["answers"] == []
    child.sendintr()
    child.expect(pexpect.EOF)
