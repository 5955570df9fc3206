"""Diary entry validation: pain 0-10, no future dates, one entry per day."""

from __future__ import annotations

import datetime as dt

import pytest

from hipcheck.care.diary import DiaryEntry, check_new_day, make_entry, sorted_entries
from hipcheck.errors import Conflict, InvalidInput

TODAY = dt.date(2026, 4, 10)


def test_a_full_entry_is_accepted() -> None:
    e = make_entry(
        {
            "day": "2026-04-09",
            "pain_rest": 1,
            "pain_during": 3,
            "pain_after": 2,
            "pain_next_morning": 1,
            "morning_stiffness_minutes": 10,
            "run_minutes": 25,
            "exercises_done": ["ex_bridge"],
            "notes": "felt fine",
        },
        today=TODAY,
    )
    assert e.day == dt.date(2026, 4, 9)
    assert e.active and e.activity_pain == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pain_rest", 11),
        ("pain_during", -1),
        ("pain_next_morning", 10.5),
        ("morning_stiffness_minutes", -5),
        ("run_minutes", -1),
    ],
)
def test_out_of_range_values_name_the_field(field: str, value: object) -> None:
    with pytest.raises(InvalidInput) as err:
        make_entry({"day": TODAY, "pain_rest": 0, field: value}, today=TODAY)
    assert err.value.field == field
    assert field in err.value.message


def test_missing_rest_pain_and_unknown_fields_are_errors() -> None:
    with pytest.raises(InvalidInput) as err:
        make_entry({"day": TODAY}, today=TODAY)
    assert err.value.field == "pain_rest"
    with pytest.raises(InvalidInput) as err:
        make_entry({"day": TODAY, "pain_rest": 0, "mood": 3}, today=TODAY)
    assert err.value.field == "mood"


def test_future_dates_are_refused_but_today_is_fine() -> None:
    assert make_entry({"day": TODAY, "pain_rest": 0}, today=TODAY).day == TODAY
    with pytest.raises(InvalidInput) as err:
        make_entry({"day": TODAY + dt.timedelta(days=1), "pain_rest": 0}, today=TODAY)
    assert err.value.field == "day"
    assert "future" in err.value.message


def test_one_entry_per_day() -> None:
    existing = [DiaryEntry(day=TODAY, pain_rest=2)]
    with pytest.raises(Conflict):
        check_new_day(existing, DiaryEntry(day=TODAY, pain_rest=3))
    check_new_day(existing, DiaryEntry(day=TODAY - dt.timedelta(days=1), pain_rest=3))
    with pytest.raises(InvalidInput):
        sorted_entries([*existing, DiaryEntry(day=TODAY, pain_rest=1)])


def test_a_day_without_a_session_has_no_activity_pain() -> None:
    e = DiaryEntry(day=TODAY, pain_rest=2, pain_next_morning=1)
    assert not e.active and e.activity_pain is None
