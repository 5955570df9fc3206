"""Case-file parsing errors and the metrics of `hipcheck eval`, on the tiny knowledge base."""

from __future__ import annotations

import json

import pytest

from hipcheck.engine import CompiledModel
from hipcheck.engine.evaluate import evaluate, parse_cases
from hipcheck.errors import CaseFileError
from hipcheck.knowledge.schema import TriageLevel


def line(**fields: object) -> str:
    base: dict[str, object] = {"id": "c1", "age": 30, "sex": "female", "present": [], "absent": []}
    base.update(fields)
    return json.dumps(base)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (line(present=["loc_outer", "bogus_id"]), r"line 1, case 'c1': unknown finding id 'bogus_id'"),
        (line(absent=["nope"]), r"case 'c1': unknown finding id 'nope'"),
        (line(age=7), r"case 'c1': age must be a whole number from 10 to 100, not 7"),
        (line(age="30"), r"case 'c1': age must be"),
        (line(sex="other"), r"case 'c1': sex must be 'female' or 'male', not 'other'"),
        (
            line(present=["loc_outer"], absent=["loc_outer"]),
            r"case 'c1': finding 'loc_outer' is in both 'present' and 'absent'",
        ),
        ("{not json", r"line 1: not valid JSON"),
        ("[1, 2]", r"line 1: each line must be a JSON object"),
        (line(gold={"condition": "gtps", "triage": "soon"}), r"unknown gold triage level 'soon'"),
        (line(gold={"condition": "flu", "triage": "urgent"}), r"unknown gold condition id 'flu'"),
        (line(gold={"condition": ["gtps"]}), r"unknown gold condition id '\['gtps'\]'"),
        (line(gold={"triage": {"level": "urgent"}}), r"unknown gold triage level '\{'level': 'urgent'\}'"),
        (line(colour="red"), r"unknown field 'colour'"),
        (line(gold={}), r"'gold' needs a 'condition', a 'triage' or both"),
        (line(gold="gtps"), r"'gold' must be an object"),
        (line() + "\n" + line(), r"line 2, case 'c1': duplicate case id 'c1'"),
    ],
)
def test_bad_case_files_name_the_line_case_and_id(tiny: CompiledModel, text: str, expected: str) -> None:
    with pytest.raises(CaseFileError, match=expected):
        parse_cases(text, tiny)


def test_metrics_static(tiny: CompiledModel) -> None:
    text = "\n".join(
        [
            # gtps clearly first, self_care: correct and exact
            line(
                id="a", present=["loc_outer", "lying_side"], gold={"condition": "gtps", "triage": "self_care"}
            ),
            # fnsf first and urgent; gold says see_clinician: over-triage, still safe
            line(
                id="b",
                present=["loc_groin", "hop_pain"],
                gold={"condition": "fnsf", "triage": "see_clinician"},
            ),
            # fever: emergency; gold septic emergency
            line(
                id="c", present=["rf_fever", "loc_groin"], gold={"condition": "septic", "triage": "emergency"}
            ),
            # gold says emergency but nothing supports it: under-triage
            line(id="d", present=["loc_outer"], gold={"condition": "gtps", "triage": "emergency"}),
            "",
            line(id="e", present=["loc_outer"]),  # no gold: not graded
        ]
    )
    report = evaluate(tiny, parse_cases(text, tiny), "static")
    assert report.cases == 4
    assert report.top1 == 1.0
    assert report.triage_exact == 0.5
    assert report.triage_safe == 0.75
    assert report.under_triage == ["d"]
    assert report.red_flag_sensitivity == 0.5  # c flagged, d not
    assert report.self_care_kept == 1.0
    assert report.mean_questions is None
    assert report.confusion["emergency"] == {"emergency": 1, "self_care": 1}
    summary = report.summary()
    for key in (
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
    ):
        assert key in summary
    json.dumps(summary)


def test_interactive_mode_asks_and_counts_questions(tiny: CompiledModel) -> None:
    text = line(
        id="a",
        present=["loc_groin", "hop_pain"],
        absent=["rf_fever"],
        gold={"condition": "fnsf", "triage": "urgent"},
    )
    report = evaluate(tiny, parse_cases(text, tiny), "interactive")
    outcome = report.outcomes[0]
    assert outcome.questions is not None and 2 <= outcome.questions <= 25
    assert outcome.rank == 1
    assert outcome.triage == TriageLevel.urgent
    assert report.max_questions == outcome.questions


def test_partial_gold_grades_only_what_it_gives(tiny: CompiledModel) -> None:
    text = "\n".join(
        [
            line(id="a", present=["loc_outer", "lying_side"], gold={"condition": "gtps"}),
            line(id="b", present=["rf_fever"], gold={"triage": "emergency"}),
            line(id="c", present=["loc_outer"], gold={"condition": "fnsf", "triage": "self_care"}),
        ]
    )
    report = evaluate(tiny, parse_cases(text, tiny), "static")
    assert report.cases == 3
    assert report.top1 == 0.5  # a right, c wrong; b has no gold cause
    assert report.triage_exact == 1.0  # b emergency, c self_care; a has no gold level
    assert report.red_flag_sensitivity == 1.0
    assert report.confusion == {"emergency": {"emergency": 1}, "self_care": {"self_care": 1}}
    ranks = {o.id: o.rank for o in report.outcomes}
    assert ranks == {"a": 1, "b": None, "c": 2}
