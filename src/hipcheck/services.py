"""Use cases: the only place the pure core (engine, care) meets the store.

Every function is keyword-only, takes a unit-of-work factory (`uow`, e.g. a
`hipcheck.store.unit_of_work.Store`) and, when it needs the knowledge base, the compiled engine
model (`model`, whose `.kb` is the knowledge base), and runs in exactly one transaction: either
everything it writes is stored, or nothing is. It returns plain value objects (pydantic), never
table rows. Nothing here decides anything medical: that is the engine's and the care room's job.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hipcheck.care.diary import DiaryEntry, check_entry, check_new_day, make_entry
from hipcheck.care.hagos import score as score_hagos
from hipcheck.care.models import HagosResult, Plan, PlanOptions, ProgressDecision, TrainingNumbers
from hipcheck.care.plan import make_plan
from hipcheck.care.progress import for_plan
from hipcheck.engine import CompiledModel, assess
from hipcheck.engine.evaluate import Case
from hipcheck.engine.result import Answer, AssessmentResult, Evidence
from hipcheck.errors import Conflict, InvalidInput, StoreError, UnknownFinding
from hipcheck.knowledge.hagos_data import load_hagos
from hipcheck.knowledge.schema import Hagos, Sex
from hipcheck.knowledge.training_data import load_training_rules
from hipcheck.store.repositories import AssessmentHead, ResultColumns, StoredAnswer
from hipcheck.store.tables import AssessmentRow, DiaryEntryRow, HagosResponseRow, PlanRow
from hipcheck.store.unit_of_work import UnitOfWork, UnitOfWorkFactory
from hipcheck.training.activity import RUNNING
from hipcheck.training.import_service import activity_from_row
from hipcheck.training.metrics import plan_numbers, shoe_status

AssessmentStatus = Literal["in_progress", "complete"]
ANSWER_VALUES: tuple[Answer, ...] = get_args(Answer)


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnswerRecord(Frozen):
    """One stored answer; answers given on one screen share a `step` (`back` undoes a step)."""

    seq: int
    step: int
    finding_id: str
    value: Answer
    answered_at: dt.datetime


class AssessmentState(Frozen):
    """An assessment as adapters see it: who, what was answered, and the engine's latest result."""

    id: str
    age: int
    sex: Sex
    status: AssessmentStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    answers: list[AnswerRecord] = Field(default_factory=list, description="in the order given")
    result: AssessmentResult

    @property
    def evidence(self) -> Evidence:
        """What the engine sees: the latest answer to each finding."""
        return _evidence(self.age, self.sex, [(a.finding_id, a.value) for a in self.answers])


class AssessmentSummary(Frozen):
    """One line of `history`: enough to pick an assessment without loading its answers."""

    id: str
    age: int
    sex: Sex
    status: AssessmentStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    triage_level: str | None
    top_condition: str | None
    answers: int


class StoredPlan(Frozen):
    """A care plan as stored for an assessment, with the runner's options (and the assessment's
    age and sex); numbers read from the training log are in `plan.training`, not in `options`."""

    assessment_id: str
    created_at: dt.datetime
    options: PlanOptions
    plan: Plan


class CaseOutcome(Frozen):
    """What `assess_case` stored: the assessment and its plan."""

    assessment: AssessmentState
    plan: StoredPlan


class HagosRecord(Frozen):
    """A stored HAGOS questionnaire with its scores."""

    id: int
    assessment_id: str | None
    created_at: dt.datetime
    result: HagosResult


# --- helpers -------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_today() -> dt.date:
    # The runner's own calendar day, not UTC's: a diary entry made at 23:30 belongs to today.
    return dt.datetime.now().astimezone().date()


def _new_id() -> str:
    return secrets.token_hex(6)


def _evidence(age: int, sex: Sex | str, answers: Iterable[tuple[str, str]]) -> Evidence:
    latest: dict[str, Answer] = {}
    for finding_id, value in answers:
        latest[finding_id] = _answer_value(value)
    return Evidence(age=age, sex=Sex(sex), answers=latest)


def _answer_value(value: str) -> Answer:
    for allowed in ANSWER_VALUES:
        if value == allowed:
            return allowed
    raise InvalidInput(
        f"answer {value!r} is not one of {', '.join(ANSWER_VALUES)}",
        field="value",
    )


def _check_finding(model: CompiledModel, finding_id: str) -> None:
    if finding_id not in model.kb.findings:
        raise UnknownFinding(f"unknown finding id {finding_id!r}", field="finding_id")


def _check_demographics(age: int, sex: str) -> Sex:
    if isinstance(age, bool) or not isinstance(age, int) or not 10 <= age <= 100:
        raise InvalidInput(f"age must be a whole number from 10 to 100, not {age!r}", field="age")
    try:
        return Sex(sex)
    except ValueError:
        raise InvalidInput(f"sex must be female or male, not {sex!r}", field="sex") from None


def _evaluate(model: CompiledModel, evidence: Evidence) -> AssessmentResult:
    """The engine's one pure call."""
    return assess(model, evidence)


def _result_columns(result: AssessmentResult) -> ResultColumns:
    # Only a complete assessment stores its result (the one the runner ended with, about 60 KB of
    # JSON); one in progress is read back by running the engine on its answers (`_state`), so an
    # answer writes one small row and a few columns, not the whole result each time.
    return ResultColumns(
        result=result.model_dump_json() if result.should_stop else None,
        triage_level=result.triage.level.value,
        top_condition=result.conditions[0].id if result.conditions else None,
        status="complete" if result.should_stop else "in_progress",
    )


def _reassess(
    model: CompiledModel, head: AssessmentHead, answers: Iterable[tuple[str, str]]
) -> AssessmentResult:
    """The engine's result for the assessment's `answers` (finding id, value), in the order given.

    On a change it runs before the transaction's first write, so SQLite's write lock is held only
    briefly. Storing it (`save_result`) gives the assessment a new revision: plans made from the
    old result become stale, since a plan must never outlive the triage it was built for.
    """
    return _evaluate(model, _evidence(head.age, head.sex, answers))


def _readable(stored: str | None) -> AssessmentResult | None:
    """A stored result, or None when there is none or this version of hipcheck cannot read it
    (the result is then computed from the answers)."""
    if stored is None:
        return None
    try:
        return AssessmentResult.model_validate_json(stored)
    except ValidationError:
        return None


def _state(
    model: CompiledModel,
    head: AssessmentHead,
    result: AssessmentResult | None,
    answers: Sequence[StoredAnswer],
) -> AssessmentState:
    """The value object of an assessment; `result` is the result just computed or the stored one
    (None while in progress or unreadable: it is then computed from `answers`, in order)."""
    if result is None:
        result = _reassess(model, head, [(a.finding_id, a.value) for a in answers])
    # One validation call for the whole state (pydantic-core builds the nested answer records).
    return AssessmentState.model_validate(
        {
            "id": head.id,
            "age": head.age,
            "sex": head.sex,
            "status": "complete" if head.status == "complete" else "in_progress",
            "created_at": head.created_at,
            "updated_at": head.updated_at,
            "answers": [
                {
                    "seq": a.seq,
                    "step": a.step,
                    "finding_id": a.finding_id,
                    "value": a.value,
                    "answered_at": a.answered_at,
                }
                for a in answers
            ],
            "result": result,
        }
    )


def _read_state(
    tx: UnitOfWork, model: CompiledModel, assessment_id: str
) -> tuple[AssessmentHead, AssessmentState]:
    """The assessment as stored (with its head, whose revision plans are made for); NotFound (404)
    for an unknown id."""
    head, stored = tx.assessments.head_and_result(assessment_id)
    return head, _state(model, head, _readable(stored), tx.assessments.answers_of(assessment_id))


def _latest_plan(tx: UnitOfWork, assessment_id: str, *, revision: int | None = None) -> StoredPlan | None:
    """The newest stored plan (of one revision of the result), or None when there is none or it
    cannot be read (damaged, or saved in a form this version cannot read): a new plan is then made
    from the result, which is what matters."""
    try:
        row = tx.plans.latest(assessment_id, revision=revision)
        if row is None:
            return None
        return StoredPlan(
            assessment_id=row.assessment_id,
            created_at=row.created_at,
            options=PlanOptions.model_validate(row.options),
            plan=Plan.model_validate(row.plan),
        )
    except (ValidationError, StoreError):
        return None


def _diary_entry(row: DiaryEntryRow) -> DiaryEntry:
    try:
        return DiaryEntry(
            day=row.entry_date,
            pain_rest=row.pain_rest,
            pain_during=row.pain_during,
            pain_after=row.pain_after,
            pain_next_morning=row.pain_next_morning,
            morning_stiffness_minutes=row.morning_stiffness_minutes,
            run_minutes=row.run_minutes,
            exercises_done=row.exercises_done,
            new_red_flags=row.new_red_flags,
            notes=row.notes,
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise StoreError(
            f"the diary entry of {row.entry_date.isoformat()} cannot be read: {where}: {problem['msg']}"
        ) from None


def _fill_diary_row(row: DiaryEntryRow, entry: DiaryEntry) -> None:
    row.entry_date = entry.day
    row.pain_rest = entry.pain_rest
    row.pain_during = entry.pain_during
    row.pain_after = entry.pain_after
    row.pain_next_morning = entry.pain_next_morning
    row.morning_stiffness_minutes = entry.morning_stiffness_minutes
    row.run_minutes = entry.run_minutes
    row.exercises_done = list(entry.exercises_done)
    row.new_red_flags = list(entry.new_red_flags)
    row.notes = entry.notes


def _check_diary_ids(model: CompiledModel, entry: DiaryEntry) -> None:
    for exercise_id in entry.exercises_done:
        if exercise_id not in model.kb.exercises:
            raise InvalidInput(f"diary entry: unknown exercise id {exercise_id!r}", field="exercises_done")
    for finding_id in entry.new_red_flags:
        finding = model.kb.findings.get(finding_id)
        if finding is None or finding.group != "red_flag":
            raise InvalidInput(
                f"diary entry: {finding_id!r} is not a red-flag finding id", field="new_red_flags"
            )


# --- assessments ---------------------------------------------------------------------------


def start_assessment(
    *, uow: UnitOfWorkFactory, model: CompiledModel, age: int, sex: Sex | str, now: dt.datetime | None = None
) -> AssessmentState:
    """Create an assessment for a runner of this age and sex; its result holds the first question."""
    sex_ = _check_demographics(age, sex)
    now = now or _now()
    result = _evaluate(model, Evidence(age=age, sex=sex_, answers={}))
    with uow() as tx:
        head = tx.assessments.create(_new_id(), age, sex_.value, _result_columns(result), now)
        state = _state(model, head, result, [])
        tx.commit()
    return state


def answer(
    *,
    uow: UnitOfWorkFactory,
    model: CompiledModel,
    assessment_id: str,
    finding_id: str,
    value: str,
    now: dt.datetime | None = None,
) -> AssessmentState:
    """Record one answer (yes / no / unknown), re-run the engine and store both together."""
    return answer_many(
        uow=uow, model=model, assessment_id=assessment_id, answers={finding_id: value}, now=now
    )


def answer_many(
    *,
    uow: UnitOfWorkFactory,
    model: CompiledModel,
    assessment_id: str,
    answers: Mapping[str, str],
    now: dt.datetime | None = None,
) -> AssessmentState:
    """Record answers given together on one screen as one step (`back` undoes them together)."""
    if not answers:
        raise InvalidInput("no answers given", field="answers")
    checked: list[tuple[str, Answer]] = []
    for finding_id, value in answers.items():
        _check_finding(model, finding_id)
        checked.append((finding_id, _answer_value(value)))
    now = now or _now()
    with uow() as tx:
        # The hot path of the web app: plain values and prepared statements, no ORM rows.
        head = tx.assessments.head_for_update(assessment_id)
        stored = tx.assessments.answers_of(assessment_id)
        result = _reassess(model, head, [*((a.finding_id, a.value) for a in stored), *checked])
        added = tx.assessments.add_step(assessment_id, stored, checked, now)
        head = tx.assessments.save_result(head, _result_columns(result), now)
        state = _state(model, head, result, stored + added)
        tx.commit()
    return state


def back(
    *, uow: UnitOfWorkFactory, model: CompiledModel, assessment_id: str, now: dt.datetime | None = None
) -> AssessmentState:
    """Undo the last step of answers; the result goes back to what it was before them."""
    now = now or _now()
    with uow() as tx:
        head = tx.assessments.head_for_update(assessment_id)
        stored = tx.assessments.answers_of(assessment_id)
        if not stored:
            raise Conflict("there is no answer to undo yet", field="assessment_id")
        last_step = max(a.step for a in stored)
        kept = [a for a in stored if a.step != last_step]
        result = _reassess(model, head, [(a.finding_id, a.value) for a in kept])
        tx.assessments.drop_step(assessment_id, last_step)
        head = tx.assessments.save_result(head, _result_columns(result), now)
        state = _state(model, head, result, kept)
        tx.commit()
    return state


def get_assessment(*, uow: UnitOfWorkFactory, model: CompiledModel, assessment_id: str) -> AssessmentState:
    """The stored assessment; NotFound (404) for an unknown id."""
    with uow() as tx:
        return _read_state(tx, model, assessment_id)[1]


def _summary(row: AssessmentRow, answers: int) -> AssessmentSummary:
    return AssessmentSummary(
        id=row.id,
        age=row.age,
        sex=Sex(row.sex),
        status="complete" if row.status == "complete" else "in_progress",
        created_at=row.created_at,
        updated_at=row.updated_at,
        triage_level=row.triage_level,
        top_condition=row.top_condition,
        answers=answers,
    )


def list_assessments(*, uow: UnitOfWorkFactory, limit: int | None = None) -> list[AssessmentSummary]:
    """Stored assessments, newest first (at most `limit`, from 1)."""
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidInput(f"limit must be a whole number from 1, not {limit!r}", field="limit")
    with uow() as tx:
        # A limit past what any database's LIMIT takes (SQLite: 64-bit) lists everything anyway.
        rows = tx.assessments.recent(limit=None if limit is None or limit >= 2**31 else limit)
        counts = tx.assessments.answer_counts([r.id for r in rows])
        return [_summary(r, counts.get(r.id, 0)) for r in rows]


def get_summary(*, uow: UnitOfWorkFactory, assessment_id: str) -> AssessmentSummary:
    """One assessment's `history` line (no engine run); NotFound (404) for an unknown id."""
    with uow() as tx:
        row = tx.assessments.get(assessment_id)
        return _summary(row, tx.assessments.answer_counts([row.id]).get(row.id, 0))


def delete_assessment(*, uow: UnitOfWorkFactory, assessment_id: str) -> None:
    """Delete an assessment with its answers, plans, diary and HAGOS responses."""
    with uow() as tx:
        tx.assessments.delete(assessment_id)
        tx.commit()


def assess_case(
    *,
    uow: UnitOfWorkFactory,
    model: CompiledModel,
    case: Case,
    options: PlanOptions | None = None,
    now: dt.datetime | None = None,
) -> CaseOutcome:
    """Non-interactive assessment of a parsed case (present -> yes, absent -> no, rest unknown).

    All answers are one step; the result and the plan are stored in the same transaction.
    """
    _check_demographics(case.age, case.sex)
    evidence = case.evidence()
    for finding_id in evidence.answers:
        _check_finding(model, finding_id)
    now = now or _now()
    options = _for_runner(options or PlanOptions(), case.age, case.sex)
    result = _evaluate(model, evidence)
    with uow() as tx:
        care_plan = _make_plan(model, result, _with_training(tx, options, now.astimezone().date(), now))
        head = tx.assessments.create(_new_id(), case.age, case.sex.value, _result_columns(result), now)
        added = (
            tx.assessments.add_step(head.id, [], list(evidence.answers.items()), now)
            if evidence.answers
            else []
        )
        outcome = CaseOutcome(
            assessment=_state(model, head, result, added),
            plan=_save_plan(tx, head, options, care_plan, now),
        )
        tx.commit()
    return outcome


# --- care plan -----------------------------------------------------------------------------


def _make_plan(model: CompiledModel, result: AssessmentResult, options: PlanOptions) -> Plan:
    return make_plan(model.kb, result, options)


def _for_runner(options: PlanOptions, age: int, sex: Sex | str) -> PlanOptions:
    """The runner's options with the assessment's age and sex, which always win: the plan then
    leaves out red flags that cannot apply to this runner (child-only, male-only...)."""
    return options.model_copy(update={"age": age, "sex": Sex(sex)})


def _pain_started(options: PlanOptions, assessed_on: dt.date, now: dt.datetime) -> dt.date:
    """The day the pain started: from the runner's days since onset, else the assessment's day."""
    if options.days_since_onset is None:
        return assessed_on
    return now.astimezone().date() - dt.timedelta(days=options.days_since_onset)


def _training_numbers(tx: UnitOfWork, pain_started: dt.date) -> TrainingNumbers | None:
    """What the imported runs say for the plan: the usual weekly distance and longest run in the
    four full weeks before the pain started, and a shoe past 500 miles still in use; None when
    the training log has nothing for that time."""
    runs = [activity_from_row(r) for r in tx.activities.list_activities(sports=[RUNNING])]
    if not runs:
        return None
    rules = load_training_rules()
    numbers = plan_numbers(runs, until=pain_started, rules=rules)
    if numbers.usual_weekly_m is None and numbers.shoe_to_retire is None:
        return None
    shoe_m = next(
        (s.distance_m for s in shoe_status(runs, rules=rules) if s.shoe == numbers.shoe_to_retire), None
    )

    def km(metres: float | None) -> float | None:
        return None if metres is None else round(metres / 1000, 1)

    return TrainingNumbers(
        weekly_distance_km=km(numbers.usual_weekly_m),
        longest_recent_run_km=km(numbers.usual_long_run_m),
        shoe_name=numbers.shoe_to_retire,
        shoe_distance_km=km(shoe_m),
    )


def _with_training(
    tx: UnitOfWork, options: PlanOptions, assessed_on: dt.date, now: dt.datetime
) -> PlanOptions:
    """Options for the plan generator: numbers the runner gave win; otherwise those of the
    training log (read each time a plan is made, so a new import shows in the next plan)."""
    if options.training is not None:
        return options
    training = _training_numbers(tx, _pain_started(options, assessed_on, now))
    return options if training is None else options.model_copy(update={"training": training})


def _new_plan(
    tx: UnitOfWork,
    model: CompiledModel,
    head: AssessmentHead,
    result: AssessmentResult,
    options: PlanOptions,
    now: dt.datetime,
) -> StoredPlan:
    options = _for_runner(options, head.age, head.sex)
    assessed_on = head.created_at.astimezone().date()
    care_plan = _make_plan(model, result, _with_training(tx, options, assessed_on, now))
    return _save_plan(tx, head, options, care_plan, now)


def _save_plan(
    tx: UnitOfWork, head: AssessmentHead, options: PlanOptions, care_plan: Plan, now: dt.datetime
) -> StoredPlan:
    """Store a plan made from the assessment's current result (its revision)."""
    tx.plans.add(
        PlanRow(
            assessment_id=head.id,
            assessment_revision=head.revision,
            created_at=now,
            options=options.model_dump(mode="json"),
            plan=care_plan.model_dump(mode="json"),
        )
    )
    return StoredPlan(assessment_id=head.id, created_at=now, options=options, plan=care_plan)


def plan(
    *,
    uow: UnitOfWorkFactory,
    model: CompiledModel,
    assessment_id: str,
    options: PlanOptions | None = None,
    now: dt.datetime | None = None,
) -> StoredPlan:
    """Make the care plan for the assessment's current result with these options, and store it."""
    with uow() as tx:
        head, state = _read_state(tx, model, assessment_id)
        stored = _new_plan(tx, model, head, state.result, options or PlanOptions(), now or _now())
        tx.commit()
    return stored


def get_plan(*, uow: UnitOfWorkFactory, assessment_id: str) -> StoredPlan | None:
    """The newest plan made from the current result, or None when none was made since the last answer."""
    with uow() as tx:
        head = tx.assessments.head(assessment_id)
        return _latest_plan(tx, assessment_id, revision=head.revision)


def current_plan(
    *, uow: UnitOfWorkFactory, model: CompiledModel, assessment_id: str, now: dt.datetime | None = None
) -> StoredPlan:
    """The plan for the current result; made and stored when there is none, with the options of
    the runner's previous plan (or the defaults)."""
    with uow() as tx:
        head = tx.assessments.head(assessment_id)
        existing = _latest_plan(tx, assessment_id, revision=head.revision)
        if existing is not None:
            return existing
        previous = _latest_plan(tx, assessment_id)
        options = PlanOptions() if previous is None else previous.options
        head, state = _read_state(tx, model, assessment_id)
        stored = _new_plan(tx, model, head, state.result, options, now or _now())
        tx.commit()
    return stored


# --- pain diary ----------------------------------------------------------------------------


def add_diary_entry(
    *,
    uow: UnitOfWorkFactory,
    model: CompiledModel,
    assessment_id: str,
    entry: Mapping[str, Any] | DiaryEntry,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> DiaryEntry:
    """Add one day to the diary: values 0-10, not in the future, one per day (else Conflict 409)."""
    today = today or local_today()
    checked = (
        check_entry(entry, today=today) if isinstance(entry, DiaryEntry) else make_entry(entry, today=today)
    )
    _check_diary_ids(model, checked)
    now = now or _now()
    with uow() as tx:
        tx.assessments.head(assessment_id)
        existing = tx.diary.on(assessment_id, checked.day)
        if existing is not None:
            check_new_day([_diary_entry(existing)], checked)
        row = DiaryEntryRow(assessment_id=assessment_id, created_at=now, updated_at=now)
        _fill_diary_row(row, checked)
        tx.diary.add(row)
        tx.commit()
    return checked


def edit_diary_entry(
    *,
    uow: UnitOfWorkFactory,
    model: CompiledModel,
    assessment_id: str,
    day: dt.date,
    changes: Mapping[str, Any],
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> DiaryEntry:
    """Change fields of the entry of `day` (e.g. next-morning pain filled in the next day)."""
    if "day" in changes and changes["day"] != day:
        raise InvalidInput("the day of a diary entry cannot be changed; add a new entry", field="day")
    today = today or local_today()
    now = now or _now()
    with uow() as tx:
        tx.assessments.head(assessment_id)
        row = tx.diary.get(assessment_id, day)
        merged = _diary_entry(row).model_dump() | dict(changes)
        entry = make_entry(merged, today=today)
        _check_diary_ids(model, entry)
        _fill_diary_row(row, entry)
        row.updated_at = now
        tx.commit()
    return entry


def delete_diary_entry(*, uow: UnitOfWorkFactory, assessment_id: str, day: dt.date) -> None:
    """Delete the diary entry of `day`; NotFound (404) for an unknown assessment or day."""
    with uow() as tx:
        tx.assessments.head(assessment_id)
        tx.diary.delete(assessment_id, day)
        tx.commit()


def list_diary(*, uow: UnitOfWorkFactory, assessment_id: str) -> list[DiaryEntry]:
    """The diary of an assessment, oldest day first."""
    with uow() as tx:
        tx.assessments.head(assessment_id)
        return [_diary_entry(r) for r in tx.diary.entries(assessment_id)]


def progress(
    *,
    uow: UnitOfWorkFactory,
    model: CompiledModel,
    assessment_id: str,
    now: dt.datetime | None = None,
) -> ProgressDecision:
    """Today's level and why, from the plan and the diary (the pain-monitoring rules decide)."""
    stored = current_plan(uow=uow, model=model, assessment_id=assessment_id, now=now)
    entries = list_diary(uow=uow, assessment_id=assessment_id)
    return for_plan(stored.plan, entries, model.kb.return_to_run.pain_monitoring)


# --- HAGOS ---------------------------------------------------------------------------------


def submit_hagos(
    *,
    uow: UnitOfWorkFactory,
    responses: Mapping[str, int | None],
    instrument: Hagos | None = None,
    day: dt.date | None = None,
    assessment_id: str | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> HagosRecord:
    """Score a HAGOS questionnaire (item id -> 0..4 or None) and store it with its date.

    Scored with the knowledge base's questionnaire (`knowledge.hagos_data.load_hagos()`: its
    subscales and missing-item rule) unless another `instrument` is given.
    """
    today = today or local_today()
    day = day or today
    if day > today:
        raise InvalidInput(
            f"HAGOS date {day.isoformat()} is in the future (today is {today.isoformat()})", field="day"
        )
    result = score_hagos(instrument or load_hagos(), responses, day=day)
    now = now or _now()
    with uow() as tx:
        if assessment_id is not None:
            tx.assessments.head(assessment_id)
        row = HagosResponseRow(
            assessment_id=assessment_id,
            taken_on=day,
            answers=dict(result.responses),
            scores=result.model_dump(mode="json"),
            created_at=now,
        )
        tx.hagos.add(row)
        record = HagosRecord(id=row.id, assessment_id=assessment_id, created_at=now, result=result)
        tx.commit()
    return record


def list_hagos(*, uow: UnitOfWorkFactory, assessment_id: str | None = None) -> list[HagosRecord]:
    """Stored HAGOS questionnaires, oldest first, so change over time reads left to right."""
    with uow() as tx:
        if assessment_id is not None:
            tx.assessments.head(assessment_id)
        return [
            HagosRecord(
                id=r.id,
                assessment_id=r.assessment_id,
                created_at=r.created_at,
                result=_hagos_result(r),
            )
            for r in tx.hagos.responses(assessment_id)
        ]


def _hagos_result(row: HagosResponseRow) -> HagosResult:
    try:
        return HagosResult.model_validate(row.scores)
    except ValidationError:
        pass
    # Saved by another version: score the stored answers again with today's questionnaire.
    problem = f"its answers are {type(row.answers).__name__}, not item ids with boxes"
    if isinstance(row.answers, dict):
        try:
            return score_hagos(load_hagos(), row.answers, day=row.taken_on)
        except InvalidInput as exc:
            problem = str(exc)
    raise StoreError(f"the HAGOS questionnaire of {row.taken_on.isoformat()} cannot be read: {problem}")
