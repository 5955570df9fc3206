"""The pain diary entry (one day of one runner's recovery) and its validation.

Pain values are 0-10 numeric rating scale (NPRS) integers. The core has no clock: whoever
creates an entry passes `today` so the "not in the future" rule can be checked.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hipcheck.errors import Conflict, InvalidInput

Pain = Annotated[int, Field(ge=0, le=10)]


class DiaryEntry(BaseModel):
    """One day: pain at rest, during and after activity, next morning, and what was done."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day: dt.date
    pain_rest: Pain = Field(description="pain at rest today, 0-10")
    pain_during: Pain | None = Field(
        default=None, description="worst pain during running or the rehab exercises; None = no activity"
    )
    pain_after: Pain | None = Field(default=None, description="pain in the hours after the activity")
    pain_next_morning: Pain | None = Field(
        default=None, description="pain on getting up the following morning (filled in next day)"
    )
    morning_stiffness_minutes: int | None = Field(default=None, ge=0, le=1440)
    run_minutes: float = Field(default=0.0, ge=0.0, le=1440.0)
    exercises_done: list[str] = Field(default_factory=list, description="exercise ids done today")
    new_red_flags: list[str] = Field(
        default_factory=list, description="red-flag finding ids the runner answered yes to today"
    )
    notes: str = Field(default="", max_length=2000)

    @property
    def active(self) -> bool:
        """Whether there was a session (run or exercises) whose pain can be judged."""
        return self.pain_during is not None

    @property
    def activity_pain(self) -> int | None:
        """Worst pain of the session: during or in the hours after."""
        values = [v for v in (self.pain_during, self.pain_after) if v is not None]
        return max(values) if values else None


OLDEST_DAY_YEARS = 5


def make_entry(data: Mapping[str, Any], *, today: dt.date) -> DiaryEntry:
    """Build and validate an entry from plain values; errors name the field and the reason."""
    try:
        entry = DiaryEntry.model_validate(dict(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "entry"
        raise InvalidInput(f"diary entry: {field}: {first['msg']}", field=field) from None
    return check_entry(entry, today=today)


def check_entry(entry: DiaryEntry, *, today: dt.date) -> DiaryEntry:
    """Rules that need context beyond one field: no future dates, none older than
    `OLDEST_DAY_YEARS` (a typo such as year 0001 would otherwise break date arithmetic on the
    diary, and a pain diary is about the current injury)."""
    if entry.day > today:
        raise InvalidInput(
            f"diary entry: day {entry.day.isoformat()} is in the future (today is {today.isoformat()})",
            field="day",
        )
    oldest = today - dt.timedelta(days=365 * OLDEST_DAY_YEARS)
    if entry.day < oldest:
        raise InvalidInput(
            f"diary entry: day {entry.day.isoformat()} is more than {OLDEST_DAY_YEARS} years ago "
            f"(the earliest is {oldest.isoformat()})",
            field="day",
        )
    return entry


def check_new_day(existing: Iterable[DiaryEntry], entry: DiaryEntry) -> None:
    """One entry per day per assessment: adding a second one for a day is a conflict (edit instead)."""
    if any(e.day == entry.day for e in existing):
        raise Conflict(
            f"there is already a diary entry for {entry.day.isoformat()}; edit it instead",
            field="day",
        )


def sorted_entries(entries: Iterable[DiaryEntry]) -> list[DiaryEntry]:
    """Entries by day, oldest first; duplicate days are an error (the caller mixed two diaries)."""
    result = sorted(entries, key=lambda e: e.day)
    for a, b in itertools.pairwise(result):
        if a.day == b.day:
            raise InvalidInput(f"two diary entries for {a.day.isoformat()}", field="day")
    return result
