"""Case files (intake-v1 JSON Lines) -> per-case results and accuracy / safety metrics.

Static mode gives the engine all of a case's evidence at once. Interactive mode simulates the
runner: the engine asks, the case answers (present -> yes, absent -> no, anything else ->
unknown), until the engine stops. Used by `hipcheck eval` and by the tests. Pure: it takes the
file's text, not a path.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hipcheck.engine import assess
from hipcheck.engine.model import CompiledModel
from hipcheck.engine.result import Answer, AssessmentResult, Evidence
from hipcheck.errors import CaseFileError
from hipcheck.knowledge.schema import Sex, TriageLevel

Mode = Literal["static", "interactive"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Gold(_Frozen):
    """The expected answer; a case file may give the cause, the triage level, or both."""

    condition: str | None = None
    triage: TriageLevel | None = None


class Case(_Frozen):
    id: str
    age: int
    sex: Sex
    present: list[str] = Field(default_factory=list)
    absent: list[str] = Field(default_factory=list)
    gold: Gold | None = None
    line: int = 0

    def answer(self, finding_id: str) -> Answer:
        if finding_id in self.present:
            return "yes"
        if finding_id in self.absent:
            return "no"
        return "unknown"

    def evidence(self) -> Evidence:
        answers: dict[str, Answer] = {f: "yes" for f in self.present}
        answers.update({f: "no" for f in self.absent})
        return Evidence(age=self.age, sex=self.sex, answers=answers)


def _fail(line: int, case_id: str | None, message: str, field: str | None = None) -> CaseFileError:
    where = f"line {line}" + (f", case '{case_id}'" if case_id else "")
    return CaseFileError(f"{where}: {message}", field=field)


def _id_list(raw: dict[str, Any], key: str, line: int, case_id: str) -> list[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(line, case_id, f"'{key}' must be a list of finding ids", key)
    return list(value)


def parse_case(raw: object, line: int, model: CompiledModel) -> Case:
    """One case object, checked against the model's finding and condition ids."""
    if not isinstance(raw, dict):
        raise _fail(line, None, "each line must be a JSON object")
    case_id = raw.get("id")
    if not isinstance(case_id, str) or not case_id:
        raise _fail(line, None, "the case has no string 'id'", "id")
    allowed = {"id", "age", "sex", "present", "absent", "gold"}
    extra = sorted(set(raw) - allowed)
    if extra:
        raise _fail(line, case_id, f"unknown field '{extra[0]}'", extra[0])
    age = raw.get("age")
    if not isinstance(age, int) or isinstance(age, bool) or not 10 <= age <= 100:
        raise _fail(line, case_id, f"age must be a whole number from 10 to 100, not {age!r}", "age")
    sex = raw.get("sex")
    if sex not in ("female", "male"):
        raise _fail(line, case_id, f"sex must be 'female' or 'male', not {sex!r}", "sex")
    present = _id_list(raw, "present", line, case_id)
    absent = _id_list(raw, "absent", line, case_id)
    for finding_id in present + absent:
        if finding_id not in model.finding_index:
            raise _fail(line, case_id, f"unknown finding id '{finding_id}'", finding_id)
    both = sorted(set(present) & set(absent))
    if both:
        raise _fail(line, case_id, f"finding '{both[0]}' is in both 'present' and 'absent'", both[0])
    gold: Gold | None = None
    raw_gold = raw.get("gold")
    if raw_gold is not None:
        if not isinstance(raw_gold, dict):
            raise _fail(line, case_id, "'gold' must be an object with 'condition' and 'triage'", "gold")
        extra_gold = sorted(set(raw_gold) - {"condition", "triage"})
        if extra_gold:
            raise _fail(line, case_id, f"unknown field 'gold.{extra_gold[0]}'", "gold")
        if "condition" not in raw_gold and "triage" not in raw_gold:
            raise _fail(line, case_id, "'gold' needs a 'condition', a 'triage' or both", "gold")
        # Only strings can be ids: a list or an object would not even be hashable.
        condition = raw_gold.get("condition")
        if "condition" in raw_gold and not (
            isinstance(condition, str) and condition in model.condition_index
        ):
            raise _fail(line, case_id, f"unknown gold condition id '{condition}'", "gold.condition")
        triage = raw_gold.get("triage")
        if "triage" in raw_gold and not (
            isinstance(triage, str) and triage in {level.value for level in TriageLevel}
        ):
            raise _fail(line, case_id, f"unknown gold triage level '{triage}'", "gold.triage")
        gold = Gold(
            condition=None if condition is None else str(condition),
            triage=None if triage is None else TriageLevel(triage),
        )
    return Case(
        id=case_id,
        age=age,
        sex=Sex(sex),
        present=present,
        absent=absent,
        gold=gold,
        line=line,
    )


def parse_cases(text: str, model: CompiledModel) -> list[Case]:
    """Every case of a JSON Lines text; blank lines are skipped; duplicate ids are an error."""
    cases: list[Case] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _fail(number, None, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        case = parse_case(raw, number, model)
        if case.id in seen:
            raise _fail(number, case.id, f"duplicate case id '{case.id}'", "id")
        seen.add(case.id)
        cases.append(case)
    return cases


class CaseOutcome(_Frozen):
    id: str
    gold: Gold | None
    top3: list[str]
    probabilities: list[float]
    triage: TriageLevel
    rank: int | None = Field(description="1-based rank of the gold condition")
    questions: int | None = None
    stop_reason: str | None = None


def run_static(model: CompiledModel, case: Case) -> AssessmentResult:
    return assess(model, case.evidence())


def run_interactive(model: CompiledModel, case: Case) -> tuple[AssessmentResult, int]:
    """Let the engine ask until it stops; returns the last result and the number of questions."""
    answers: dict[str, Answer] = {}
    asked = 0
    while True:
        evidence = Evidence(age=case.age, sex=case.sex, answers=answers)
        result = assess(model, evidence, questions_asked=asked)
        if result.should_stop or result.next_question is None:
            return result, asked
        for finding_id in result.next_question.finding_ids:
            answers[finding_id] = case.answer(finding_id)
        asked += 1


def outcome(case: Case, result: AssessmentResult, questions: int | None) -> CaseOutcome:
    ids = [c.id for c in result.conditions]
    rank = ids.index(case.gold.condition) + 1 if case.gold and case.gold.condition else None
    return CaseOutcome(
        id=case.id,
        gold=case.gold,
        top3=ids[:3],
        probabilities=[round(c.probability, 4) for c in result.conditions[:3]],
        triage=result.triage.level,
        rank=rank,
        questions=questions,
        stop_reason=result.stop_reason,
    )


class EvalReport(_Frozen):
    mode: Mode
    cases: int
    top1: float
    top3: float
    triage_exact: float
    triage_safe: float
    under_triage: list[str]
    red_flag_sensitivity: float | None
    self_care_kept: float | None
    mean_questions: float | None
    max_questions: int | None
    confusion: dict[str, dict[str, int]] = Field(description="gold triage -> engine triage -> count")
    outcomes: list[CaseOutcome]

    def summary(self) -> dict[str, Any]:
        """The JSON object of `hipcheck eval --json` (metrics, then per-case outcomes)."""
        data = self.model_dump(mode="json", exclude={"outcomes", "confusion"})
        data["confusion"] = self.confusion
        data["outcomes"] = [o.model_dump(mode="json") for o in self.outcomes]
        return data


def _share(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def evaluate(model: CompiledModel, cases: list[Case], mode: Mode = "static") -> EvalReport:
    """Run every case and compute the metrics over the cases that have a gold answer."""
    outcomes: list[CaseOutcome] = []
    for case in cases:
        if mode == "static":
            outcomes.append(outcome(case, run_static(model, case), None))
        else:
            result, asked = run_interactive(model, case)
            outcomes.append(outcome(case, result, asked))
    graded = [o for o in outcomes if o.gold is not None]
    # Ranking metrics over cases with a gold cause, triage metrics over cases with a gold level.
    ranked = [o for o in graded if o.rank is not None]
    triaged = [(o, o.gold.triage) for o in graded if o.gold is not None and o.gold.triage is not None]
    n, n_triaged = len(ranked), len(triaged)
    top1 = sum(1 for o in ranked if o.rank == 1)
    top3 = sum(1 for o in ranked if o.rank is not None and o.rank <= 3)
    exact = sum(1 for o, gold in triaged if o.triage == gold)
    under = [o.id for o, gold in triaged if o.triage < gold]
    serious = [o for o, gold in triaged if gold >= TriageLevel.urgent]
    flagged = sum(1 for o in serious if o.triage >= TriageLevel.urgent)
    minor = [o for o, gold in triaged if gold == TriageLevel.self_care]
    kept = sum(1 for o in minor if o.triage == TriageLevel.self_care)
    confusion: dict[str, dict[str, int]] = {}
    for o, gold in triaged:
        row = confusion.setdefault(gold.value, {})
        row[o.triage.value] = row.get(o.triage.value, 0) + 1
    questions = [o.questions for o in outcomes if o.questions is not None]
    return EvalReport(
        mode=mode,
        cases=len(graded),
        top1=_share(top1, n) or 0.0,
        top3=_share(top3, n) or 0.0,
        triage_exact=_share(exact, n_triaged) or 0.0,
        triage_safe=_share(n_triaged - len(under), n_triaged) or 0.0,
        under_triage=under,
        red_flag_sensitivity=_share(flagged, len(serious)),
        self_care_kept=_share(kept, len(minor)),
        mean_questions=round(sum(questions) / len(questions), 2) if questions else None,
        max_questions=max(questions) if questions else None,
        confusion=confusion,
        outcomes=outcomes,
    )
