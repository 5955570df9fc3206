"""HAGOS responses are scored by the care room, stored with their date and listed oldest first."""

from __future__ import annotations

import datetime as dt

import pytest

from hipcheck import services
from hipcheck.care.hagos import ITEM_IDS
from hipcheck.engine import CompiledModel
from hipcheck.errors import InvalidInput, NotFound
from hipcheck.store.unit_of_work import Store

TODAY = dt.date(2026, 3, 10)


def test_submit_and_list_over_time(store: Store, model: CompiledModel) -> None:
    aid = services.start_assessment(uow=store, model=model, age=30, sex="female").id
    later = services.submit_hagos(
        uow=store,
        model=model,
        responses=dict.fromkeys(ITEM_IDS, 1),
        day=TODAY,
        assessment_id=aid,
        today=TODAY,
    )
    earlier = services.submit_hagos(
        uow=store,
        model=model,
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


def test_bad_responses_and_future_dates_store_nothing(store: Store, model: CompiledModel) -> None:
    with pytest.raises(InvalidInput):
        services.submit_hagos(uow=store, model=model, responses={"S1": 5}, today=TODAY)
    with pytest.raises(InvalidInput):
        services.submit_hagos(
            uow=store, model=model, responses={"S1": 1}, day=TODAY + dt.timedelta(days=1), today=TODAY
        )
    with pytest.raises(NotFound):
        services.submit_hagos(uow=store, model=model, responses={"S1": 1}, assessment_id="nope", today=TODAY)
    assert services.list_hagos(uow=store) == []


def test_unreadable_stored_scores_are_scored_again_from_the_answers(
    store: Store, model: CompiledModel
) -> None:
    record = services.submit_hagos(uow=store, model=model, responses=dict.fromkeys(ITEM_IDS, 2), today=TODAY)
    with store() as uow:
        (row,) = uow.hagos.responses()
        row.scores = {"written_by": "an older hipcheck"}
        uow.commit()
    (again,) = services.list_hagos(uow=store)
    assert again.result == record.result
