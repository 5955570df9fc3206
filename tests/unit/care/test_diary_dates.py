"""Diary days must be real recent days: neither in the future nor years back (e.g. a typo'd year)."""

from __future__ import annotations

import datetime as dt

import pytest

from hipcheck.care.diary import OLDEST_DAY_YEARS, make_entry
from hipcheck.errors import InvalidInput

TODAY = dt.date(2026, 11, 23)


def test_a_day_far_in_the_past_is_refused_with_the_earliest_allowed_day() -> None:
    with pytest.raises(InvalidInput, match="more than 5 years ago") as info:
        make_entry({"day": "0001-01-01", "pain_rest": 2}, today=TODAY)
    assert info.value.field == "day"


def test_the_oldest_allowed_day_and_today_are_accepted() -> None:
    oldest = TODAY - dt.timedelta(days=365 * OLDEST_DAY_YEARS)
    assert make_entry({"day": oldest.isoformat(), "pain_rest": 2}, today=TODAY).day == oldest
    assert make_entry({"day": TODAY.isoformat(), "pain_rest": 0}, today=TODAY).day == TODAY
    with pytest.raises(InvalidInput):
        make_entry({"day": (oldest - dt.timedelta(days=1)).isoformat(), "pain_rest": 2}, today=TODAY)
