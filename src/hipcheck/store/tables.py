"""The tables of assessments, their ordered answers, plans, pain-diary entries and HAGOS responses.

Rows hold what the runner said and what the core computed (results and plans as JSON, exactly
as the core's pydantic models serialise); nothing here decides anything medical. Check
constraints repeat the input rules so a bad value cannot reach the database by another path.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hipcheck.store.activities import UTCDateTime
from hipcheck.store.base import Base

ASSESSMENT_STATUSES = ("in_progress", "complete")
ANSWER_VALUES = ("yes", "no", "unknown")
SEXES = ("female", "male")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _pain(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR ({column} >= 0 AND {column} <= 10)", name=f"{column}_0_10")


class AssessmentRow(Base):
    """One assessment: who (age, sex), where it stands, and the latest engine result."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("age >= 10 AND age <= 100", name="age_range"),
        CheckConstraint(_in("sex", SEXES), name="sex_known"),
        CheckConstraint(_in("status", ASSESSMENT_STATUSES), name="status_known"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    age: Mapped[int] = mapped_column(Integer)
    sex: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Copied from the result so `history` can list without parsing JSON.
    triage_level: Mapped[str | None] = mapped_column(String(16), default=None)
    top_condition: Mapped[str | None] = mapped_column(String(64), default=None)
    # The result a complete assessment ended with, as pydantic's JSON text (about 60 KB: writing it
    # straight from the model is much faster than through a dict). NULL while in progress: the
    # result is then computed from the answers when read, so an answer does not rewrite it.
    # Deferred: the answer path never reads it.
    result: Mapped[str | None] = mapped_column(Text, default=None, deferred=True)
    revision: Mapped[int] = mapped_column(
        Integer, default=1, server_default="1", doc="goes up by one with every stored result"
    )


class AnswerRow(Base):
    """One answer, in the order given; a later answer to the same finding wins, `back` drops the last step."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("assessment_id", "seq", name="uq_answers_assessment_seq"),
        CheckConstraint(_in("value", ANSWER_VALUES), name="value_known"),
        CheckConstraint("seq >= 1 AND step >= 1", name="seq_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    step: Mapped[int] = mapped_column(Integer, doc="answers given on one screen share a step")
    finding_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(8))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlanRow(Base):
    """A care plan made for one result of an assessment with the runner's options.

    Only a plan made from the assessment's current revision is shown; older ones keep the options.
    """

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assessment_revision: Mapped[int] = mapped_column(
        Integer, default=1, server_default="1", doc="the assessment revision (result) it was made from"
    )
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)


class DiaryEntryRow(Base):
    """One day of the pain diary (0-10 pain scores); one per assessment and date."""

    __tablename__ = "diary_entries"
    __table_args__ = (
        UniqueConstraint("assessment_id", "entry_date", name="uq_diary_entries_assessment_date"),
        _pain("pain_rest"),
        _pain("pain_during"),
        _pain("pain_after"),
        _pain("pain_next_morning"),
        CheckConstraint(
            "morning_stiffness_minutes IS NULL OR morning_stiffness_minutes >= 0",
            name="stiffness_not_negative",
        ),
        CheckConstraint("run_minutes >= 0", name="run_minutes_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(String(32), ForeignKey("assessments.id", ondelete="CASCADE"))
    entry_date: Mapped[date] = mapped_column(Date)
    pain_rest: Mapped[int] = mapped_column(Integer)
    pain_during: Mapped[int | None] = mapped_column(Integer, default=None)
    pain_after: Mapped[int | None] = mapped_column(Integer, default=None)
    pain_next_morning: Mapped[int | None] = mapped_column(Integer, default=None)
    morning_stiffness_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    run_minutes: Mapped[float] = mapped_column(Float, default=0.0)
    exercises_done: Mapped[list[str]] = mapped_column(JSON, default=list)
    new_red_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HagosResponseRow(Base):
    """One completed HAGOS questionnaire: item answers and the six subscale scores, with its date."""

    __tablename__ = "hagos_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("assessments.id", ondelete="CASCADE"), index=True, default=None
    )
    taken_on: Mapped[date] = mapped_column(Date, index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
