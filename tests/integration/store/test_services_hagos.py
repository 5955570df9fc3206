"""HAGOS responses are scored by the care room with the knowledge base's questionnaire, stored with
their date and listed oldest first."""

from __future__ import annotations

import datetime as dt

import pytest

from hipcheck import services
from hipcheck.engine import CompiledModel
from hipcheck.errors import InvalidInput, NotFound, StoreError
from hipcheck.knowledge.hagos_data import load_hagos
from hipcheck.store.unit_of_work import Store

TODAY = dt.date(2026, 3, 10)
ITEM_IDS = [i.id for i in load_hagos().items]


def test_submit_and_list_over_time(store: Store, model: CompiledModel) -> None:
    aid = services.start_assessment(uow=store, model=model, age=30, sex="female").id
    later = services.submit_hagos(
        uow=store,
        responses=dict.fromkeys(ITEM_IDS, 1),
        day=TODAY,
        assessment_id=aid,
        today=TODAY,
    )
    earlier = services.submit_hagos(
        uow=store,
        responses=dict.fromkeys(ITEM_IDS, 3),
        day=TODAY - dt.timedelta(days=14),
        assessment_id=aid,
        today=TODAY,
    )
    # All items at 1 of 4 -> 75 on every subscale; all at 3 -> 25.
    assert {s.score for s in later.result.subscales} == {75.0}
    assert {s.score for s in earlier.result.subscales} == {25.0}
    listed = services.list_hagos(uow=store, assessment_id=aid)
    assert [r.result.day for r in listed] == [TODAY - dt.timedelta(days=14), TODAY]
    assert listed == [earlier, later]


def test_bad_responses_and_future_dates_store_nothing(store: Store) -> None:
    with pytest.raises(InvalidInput):
        services.submit_hagos(uow=store, responses={"S1": 5}, today=TODAY)
    with pytest.raises(InvalidInput):
        services.submit_hagos(uow=store, responses={"S1": 1}, day=TODAY + dt.timedelta(days=1), today=TODAY)
    with pytest.raises(NotFound):
        services.submit_hagos(uow=store, responses={"S1": 1}, assessment_id="nope", today=TODAY)
    assert services.list_hagos(uow=store) == []


def test_unreadable_stored_scores_are_scored_again_from_the_answers(store: Store) -> None:
    record = services.submit_hagos(uow=store, responses=dict.fromkeys(ITEM_IDS, 2), today=TODAY)
    with store() as uow:
        (row,) = uow.hagos.responses()
        row.scores = {"written_by": "an older hipcheck"}
        uow.commit()
    (again,) = services.list_hagos(uow=store)
    assert again.result == record.result


@pytest.mark.parametrize(
    ("answers", "problem"),
    [(5, "its answers are int, not item ids with boxes"), ({"zz": 9}, "HAGOS: unknown item id(s): zz")],
)
def test_a_questionnaire_that_cannot_be_scored_again_is_one_line_store_error(
    store: Store, answers: object, problem: str
) -> None:
    services.submit_hagos(uow=store, responses=dict.fromkeys(ITEM_IDS, 2), day=TODAY, today=TODAY)
    with store() as uow:
        (row,) = uow.hagos.responses()
        row.scores = {"written_by": "an older hipcheck"}
        row.answers = answers  # type: ignore[assignment]
        uow.commit()
    with pytest.raises(StoreError) as caught:
        services.list_hagos(uow=store)
    assert str(caught.value) == f"the HAGOS questionnaire of 2026-03-10 cannot be read: {problem}"
    with store() as uow:
        assert len(uow.hagos.responses()) == 1


def test_a_partly_answered_questionnaire_follows_the_knowledge_base_rule(store: Store) -> None:
    hagos = load_hagos()
    pain = [i.id for i in hagos.items_of("pain")]
    needed = next(s.min_answered for s in hagos.subscales if s.id == "pain")
    enough = services.submit_hagos(uow=store, responses=dict.fromkeys(pain[:needed], 2), today=TODAY)
    too_few = services.submit_hagos(uow=store, responses=dict.fromkeys(pain[: needed - 1], 2), today=TODAY)
    assert enough.result.score("pain") == 50.0
    assert too_few.result.score("pain") is None
    assert [r.result.score("pain") for r in services.list_hagos(uow=store)] == [50.0, None]
