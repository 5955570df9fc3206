"""Pain diary use cases: 0-10 values, no future dates, one entry per day unless edited (409)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from hipcheck import services
from hipcheck.engine import CompiledModel
from hipcheck.errors import Conflict, InvalidInput, NotFound, StoreError
from hipcheck.store.unit_of_work import Store

TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def assessment_id(store: Store, model: CompiledModel) -> str:
    return services.start_assessment(uow=store, model=model, age=30, sex="female").id


def _add(store: Store, model: CompiledModel, aid: str, **entry: Any) -> Any:
    return services.add_diary_entry(uow=store, model=model, assessment_id=aid, entry=entry, today=TODAY)


def _edit(store: Store, model: CompiledModel, aid: str, day: dt.date, **changes: Any) -> Any:
    return services.edit_diary_entry(
        uow=store, model=model, assessment_id=aid, day=day, changes=changes, today=TODAY
    )


def test_entries_are_stored_and_listed_oldest_first(
    store: Store, model: CompiledModel, assessment_id: str
) -> None:
    _add(
        store,
        model,
        assessment_id,
        day="2026-03-09",
        pain_rest=2,
        pain_during=3,
        exercises_done=["ex_bridge"],
    )
    _add(store, model, assessment_id, day="2026-03-08", pain_rest=4, notes="sore after hills")
    diary = services.list_diary(uow=store, assessment_id=assessment_id)
    assert [(e.day, e.pain_rest) for e in diary] == [(dt.date(2026, 3, 8), 4), (dt.date(2026, 3, 9), 2)]
    assert diary[1].exercises_done == ["ex_bridge"] and diary[0].notes == "sore after hills"


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"day": "2026-03-09", "pain_rest": 11}, "pain_rest"),
        ({"day": "2026-03-09", "pain_rest": -1}, "pain_rest"),
        ({"day": "2026-03-09", "pain_rest": 2, "pain_during": 12}, "pain_during"),
        ({"day": "2026-03-11", "pain_rest": 2}, "day"),
        ({"day": "2026-03-09", "pain_rest": 2, "exercises_done": ["ex_moonwalk"]}, "exercises_done"),
        ({"day": "2026-03-09", "pain_rest": 2, "new_red_flags": ["loc_groin"]}, "new_red_flags"),
    ],
)
def test_invalid_entries_are_refused_naming_the_field(
    store: Store, model: CompiledModel, assessment_id: str, entry: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        _add(store, model, assessment_id, **entry)
    assert info.value.field == field
    assert services.list_diary(uow=store, assessment_id=assessment_id) == []


def test_a_second_entry_for_a_day_is_a_conflict_and_keeps_the_first(
    store: Store, model: CompiledModel, assessment_id: str
) -> None:
    first = _add(store, model, assessment_id, day="2026-03-09", pain_rest=2)
    with pytest.raises(Conflict) as info:
        _add(store, model, assessment_id, day="2026-03-09", pain_rest=7)
    assert info.value.http_status == 409
    assert services.list_diary(uow=store, assessment_id=assessment_id) == [first]


def test_editing_changes_the_entry_of_that_day(
    store: Store, model: CompiledModel, assessment_id: str
) -> None:
    _add(store, model, assessment_id, day="2026-03-09", pain_rest=2, pain_during=3)
    edited = _edit(store, model, assessment_id, dt.date(2026, 3, 9), pain_next_morning=1)
    assert (edited.pain_rest, edited.pain_during, edited.pain_next_morning) == (2, 3, 1)
    assert services.list_diary(uow=store, assessment_id=assessment_id) == [edited]


def test_an_invalid_edit_changes_nothing(store: Store, model: CompiledModel, assessment_id: str) -> None:
    first = _add(store, model, assessment_id, day="2026-03-09", pain_rest=2)
    with pytest.raises(InvalidInput):
        _edit(store, model, assessment_id, dt.date(2026, 3, 9), pain_rest=15)
    with pytest.raises(NotFound):
        _edit(store, model, assessment_id, dt.date(2026, 3, 1), pain_rest=1)
    assert services.list_diary(uow=store, assessment_id=assessment_id) == [first]


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ("5", "the diary entry of 2026-03-09 cannot be read: exercises_done: Input should be a valid list"),
        ("{not json", "a value stored in the database is not valid JSON"),
    ],
)
def test_a_damaged_diary_entry_is_one_line_store_error_and_stays_stored(
    store: Store, model: CompiledModel, assessment_id: str, stored: str, message: str
) -> None:
    if stored == "{not json" and store.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL's json type refuses text that is not JSON")
    _add(store, model, assessment_id, day="2026-03-09", pain_rest=2)
    with store() as uow:
        uow.session.execute(text("UPDATE diary_entries SET exercises_done = :v"), {"v": stored})
        uow.commit()
    with pytest.raises(StoreError) as caught:
        services.list_diary(uow=store, assessment_id=assessment_id)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
    with store() as uow:
        assert uow.session.scalar(text("SELECT pain_rest FROM diary_entries")) == 2


def test_diary_of_an_unknown_assessment_is_not_found(store: Store, model: CompiledModel) -> None:
    with pytest.raises(NotFound):
        _add(store, model, "nope", day="2026-03-09", pain_rest=2)


def test_deleting_an_entry_removes_that_day_only_and_the_day_can_be_added_again(
    store: Store, model: CompiledModel, assessment_id: str
) -> None:
    _add(store, model, assessment_id, day="2026-03-08", pain_rest=4)
    kept = _add(store, model, assessment_id, day="2026-03-09", pain_rest=2)
    services.delete_diary_entry(uow=store, assessment_id=assessment_id, day=dt.date(2026, 3, 8))
    assert services.list_diary(uow=store, assessment_id=assessment_id) == [kept]
    again = _add(store, model, assessment_id, day="2026-03-08", pain_rest=1)
    assert services.list_diary(uow=store, assessment_id=assessment_id) == [again, kept]


def test_deleting_a_missing_entry_is_not_found_and_changes_nothing(
    store: Store, model: CompiledModel, assessment_id: str
) -> None:
    kept = _add(store, model, assessment_id, day="2026-03-09", pain_rest=2)
    with pytest.raises(NotFound, match="2026-03-07"):
        services.delete_diary_entry(uow=store, assessment_id=assessment_id, day=dt.date(2026, 3, 7))
    with pytest.raises(NotFound):
        services.delete_diary_entry(uow=store, assessment_id="nope", day=dt.date(2026, 3, 9))
    assert services.list_diary(uow=store, assessment_id=assessment_id) == [kept]


def test_deleting_the_assessment_deletes_its_diary(
    store: Store, model: CompiledModel, assessment_id: str
) -> None:
    _add(store, model, assessment_id, day="2026-03-09", pain_rest=2)
    services.delete_assessment(uow=store, assessment_id=assessment_id)
    other = services.start_assessment(uow=store, model=model, age=30, sex="female").id
    assert services.list_diary(uow=store, assessment_id=other) == []
    with pytest.raises(NotFound):
        services.list_diary(uow=store, assessment_id=assessment_id)


pain = st.integers(min_value=-3, max_value=13)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.lists(st.tuples(st.integers(min_value=0, max_value=6), pain), min_size=1, max_size=8))
def test_stored_diary_is_exactly_the_accepted_entries(
    store: Store, model: CompiledModel, days: list[tuple[int, int]]
) -> None:
    """Whatever is thrown at it, the stored diary holds one valid entry per accepted day."""
    aid = services.start_assessment(uow=store, model=model, age=30, sex="female").id
    accepted: dict[dt.date, int] = {}
    for offset, value in days:
        day = TODAY - dt.timedelta(days=offset)
        try:
            _add(store, model, aid, day=day.isoformat(), pain_rest=value)
        except Conflict:
            assert day in accepted
        except InvalidInput:
            assert not 0 <= value <= 10
        else:
            assert day not in accepted and 0 <= value <= 10
            accepted[day] = value
    stored = services.list_diary(uow=store, assessment_id=aid)
    assert [(e.day, e.pain_rest) for e in stored] == sorted(accepted.items())
