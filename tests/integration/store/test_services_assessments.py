"""Assessment use cases through the service layer, on each backend, with a small knowledge base."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import OperationalError

from hipcheck import services
from hipcheck.engine import CompiledModel, assess
from hipcheck.engine.evaluate import parse_cases
from hipcheck.engine.result import AssessmentResult, Evidence
from hipcheck.errors import Conflict, InvalidInput, NotFound, StoreError, UnknownFinding
from hipcheck.knowledge.schema import Sex
from hipcheck.store.unit_of_work import Store, UnitOfWork


def test_start_answer_and_read_back(store: Store, model: CompiledModel) -> None:
    state = services.start_assessment(uow=store, model=model, age=34, sex="female")
    assert state.answers == [] and state.result.next_question is not None

    state = services.answer(
        uow=store, model=model, assessment_id=state.id, finding_id="loc_outer_hip", value="yes"
    )
    state = services.answer(
        uow=store, model=model, assessment_id=state.id, finding_id="worse_lying_on_side", value="yes"
    )
    stored = services.get_assessment(uow=store, model=model, assessment_id=state.id)
    assert stored == state
    assert [(a.finding_id, a.value) for a in stored.answers] == [
        ("loc_outer_hip", "yes"),
        ("worse_lying_on_side", "yes"),
    ]
    # What is stored is the engine's own answer for these answers, nothing added or dropped.
    expected = assess(
        model,
        Evidence(age=34, sex=Sex.female, answers={"loc_outer_hip": "yes", "worse_lying_on_side": "yes"}),
    )
    assert stored.result == expected
    assert stored.result.conditions[0].id == "gluteal_tendinopathy_bursitis"


def test_a_later_answer_to_the_same_question_wins(store: Store, model: CompiledModel) -> None:
    state = services.start_assessment(uow=store, model=model, age=40, sex="male")
    services.answer(uow=store, model=model, assessment_id=state.id, finding_id="loc_groin", value="yes")
    state = services.answer(
        uow=store, model=model, assessment_id=state.id, finding_id="loc_groin", value="no"
    )
    assert state.evidence.answers == {"loc_groin": "no"}


def test_back_undoes_the_last_answer_and_its_result(store: Store, model: CompiledModel) -> None:
    start = services.start_assessment(uow=store, model=model, age=34, sex="female")
    first = services.answer(
        uow=store, model=model, assessment_id=start.id, finding_id="loc_groin", value="yes"
    )
    services.answer(uow=store, model=model, assessment_id=start.id, finding_id="rf_fever_unwell", value="yes")
    undone = services.back(uow=store, model=model, assessment_id=start.id)
    assert [a.finding_id for a in undone.answers] == ["loc_groin"]
    assert undone.result == first.result
    assert undone.result.triage.level.value != "emergency"


def test_back_undoes_answers_given_together(store: Store, model: CompiledModel) -> None:
    start = services.start_assessment(uow=store, model=model, age=34, sex="female")
    services.answer_many(
        uow=store,
        model=model,
        assessment_id=start.id,
        answers={"loc_groin": "yes", "loc_outer_hip": "no"},
    )
    undone = services.back(uow=store, model=model, assessment_id=start.id)
    assert undone.answers == [] and undone.result == start.result


def test_back_with_nothing_to_undo_is_a_conflict(store: Store, model: CompiledModel) -> None:
    start = services.start_assessment(uow=store, model=model, age=34, sex="female")
    with pytest.raises(Conflict, match="no answer to undo"):
        services.back(uow=store, model=model, assessment_id=start.id)


@pytest.mark.parametrize(
    ("finding_id", "value", "error"),
    [("not_a_finding", "yes", UnknownFinding), ("loc_groin", "maybe", InvalidInput)],
)
def test_bad_answers_are_refused_and_nothing_is_stored(
    store: Store, model: CompiledModel, finding_id: str, value: str, error: type[Exception]
) -> None:
    start = services.start_assessment(uow=store, model=model, age=34, sex="female")
    with pytest.raises(error):
        services.answer(uow=store, model=model, assessment_id=start.id, finding_id=finding_id, value=value)
    assert services.get_assessment(uow=store, model=model, assessment_id=start.id) == start


@pytest.mark.parametrize(("age", "sex"), [(9, "female"), (101, "male"), (30, "other")])
def test_bad_demographics_are_refused(store: Store, model: CompiledModel, age: int, sex: str) -> None:
    with pytest.raises(InvalidInput):
        services.start_assessment(uow=store, model=model, age=age, sex=sex)
    assert services.list_assessments(uow=store) == []


def test_unknown_ids_are_not_found(store: Store, model: CompiledModel) -> None:
    with pytest.raises(NotFound, match="no assessment with id 'nope'"):
        services.get_assessment(uow=store, model=model, assessment_id="nope")
    with pytest.raises(NotFound):
        services.answer(uow=store, model=model, assessment_id="nope", finding_id="loc_groin", value="yes")
    with pytest.raises(NotFound):
        services.delete_assessment(uow=store, assessment_id="nope")
    # A long id is named, not echoed whole.
    with pytest.raises(NotFound, match=r"^no assessment with id 'xxxxxxxxxx+'\.\.\.$") as caught:
        services.get_summary(uow=store, assessment_id="x" * 5000)
    assert len(str(caught.value)) < 100


@pytest.mark.parametrize("limit", [0, -1, True, "5"])
def test_a_list_limit_below_one_is_refused_on_every_database(store: Store, limit: object) -> None:
    with pytest.raises(InvalidInput, match=r"^limit must be a whole number from 1"):
        services.list_assessments(uow=store, limit=limit)  # type: ignore[arg-type]


def test_a_huge_list_limit_lists_everything_on_every_database(store: Store, model: CompiledModel) -> None:
    started = services.start_assessment(uow=store, model=model, age=30, sex="female")
    assert [s.id for s in services.list_assessments(uow=store, limit=10**20)] == [started.id]


def test_list_newest_first_and_delete(store: Store, model: CompiledModel) -> None:
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    old = services.start_assessment(uow=store, model=model, age=30, sex="female", now=t0)
    new = services.start_assessment(uow=store, model=model, age=50, sex="male", now=t0 + dt.timedelta(days=1))
    services.answer(uow=store, model=model, assessment_id=new.id, finding_id="loc_groin", value="yes")
    listed = services.list_assessments(uow=store)
    assert [(s.id, s.answers) for s in listed] == [(new.id, 1), (old.id, 0)]
    assert listed[0].top_condition is not None and listed[0].triage_level is not None

    services.delete_assessment(uow=store, assessment_id=new.id)
    assert [s.id for s in services.list_assessments(uow=store)] == [old.id]
    with pytest.raises(NotFound):
        services.get_assessment(uow=store, model=model, assessment_id=new.id)


class _FailingCommit(UnitOfWork):
    def commit(self) -> None:
        self.session.flush()
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))


def test_a_failed_answer_write_leaves_the_assessment_as_it_was(store: Store, model: CompiledModel) -> None:
    start = services.start_assessment(uow=store, model=model, age=34, sex="female")
    before = services.answer(
        uow=store, model=model, assessment_id=start.id, finding_id="loc_outer_hip", value="yes"
    )

    def failing() -> UnitOfWork:
        return _FailingCommit(store.session_factory)

    with pytest.raises(StoreError, match="disk I/O error"):
        services.answer(uow=failing, model=model, assessment_id=start.id, finding_id="loc_groin", value="yes")
    with pytest.raises(StoreError, match="disk I/O error"):
        services.back(uow=failing, model=model, assessment_id=start.id)
    with pytest.raises(StoreError, match="disk I/O error"):
        services.delete_assessment(uow=failing, assessment_id=start.id)
    assert services.get_assessment(uow=store, model=model, assessment_id=start.id) == before


def test_assess_case_stores_answers_result_and_plan_together(store: Store, model: CompiledModel) -> None:
    (case,) = parse_cases(
        '{"id": "c1", "age": 34, "sex": "female", "present": ["loc_outer_hip"], "absent": ["loc_groin"]}',
        model,
    )
    outcome = services.assess_case(uow=store, model=model, case=case)
    stored = services.get_assessment(uow=store, model=model, assessment_id=outcome.assessment.id)
    assert stored == outcome.assessment
    assert stored.evidence == case.evidence()
    assert stored.result == assess(model, case.evidence())
    plan = services.get_plan(uow=store, assessment_id=stored.id)
    assert plan == outcome.plan


def test_an_unreadable_stored_result_is_computed_again_from_the_answers(
    store: Store, model: CompiledModel
) -> None:
    (case,) = parse_cases(
        '{"id": "c1", "age": 30, "sex": "female", "present": ["loc_outer_hip"], "absent": ["loc_groin"]}',
        model,
    )
    outcome = services.assess_case(uow=store, model=model, case=case)
    with store() as uow:
        uow.assessments.get(outcome.assessment.id).result = '{"written_by": "an older hipcheck"}'
        uow.commit()
    again = services.get_assessment(uow=store, model=model, assessment_id=outcome.assessment.id)
    assert again.result == assess(model, case.evidence())


def test_only_a_complete_assessment_keeps_its_result_in_the_store(store: Store, model: CompiledModel) -> None:
    # One in progress is read back by running the engine on its answers: the same result.
    state = services.start_assessment(uow=store, model=model, age=41, sex="male")
    state = services.answer(
        uow=store, model=model, assessment_id=state.id, finding_id="loc_groin", value="yes"
    )
    with store() as uow:
        assert uow.assessments.get(state.id).result is None
    assert services.get_assessment(uow=store, model=model, assessment_id=state.id) == state
    while not state.result.should_stop:
        assert state.result.next_question is not None
        answers = {f: "no" for f in state.result.next_question.finding_ids}
        state = services.answer_many(uow=store, model=model, assessment_id=state.id, answers=answers)
    with store() as uow:
        stored = uow.assessments.get(state.id).result
    assert stored is not None and AssessmentResult.model_validate_json(stored) == state.result
    assert services.get_assessment(uow=store, model=model, assessment_id=state.id) == state
