"""Repositories: the queries on each table, inside the caller's session (the unit of work commits).

They return table rows; the service layer turns rows into the value objects adapters see.
An id that does not exist raises NotFound with a message naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import Select, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from hipcheck.errors import NotFound
from hipcheck.store.base import Base
from hipcheck.store.tables import AnswerRow, AssessmentRow, DiaryEntryRow, HagosResponseRow, PlanRow


@dataclass(frozen=True)
class StoredAnswer:
    """One stored answer as plain values (the answer path reads and writes these without ORM rows)."""

    seq: int
    step: int
    finding_id: str
    value: str
    answered_at: datetime


@dataclass(frozen=True)
class AssessmentHead:
    """An assessment's own columns without its result, as plain values (the answer path)."""

    id: str
    age: int
    sex: str
    status: str
    created_at: datetime
    updated_at: datetime
    revision: int


@dataclass(frozen=True)
class ResultColumns:
    """What is stored of a new engine result: its JSON and the columns copied out of it."""

    result: str | None
    triage_level: str
    top_condition: str | None
    status: str


# The answer path's statements, built once: SQLAlchemy caches their compiled SQL, and building a
# statement per request cost more than running it. They run on the unit of work's connection,
# inside its transaction, without the ORM (no identity map, no flush).
_ASSESSMENTS = cast(Table, AssessmentRow.__table__)
_ANSWERS = cast(Table, AnswerRow.__table__)
_HEAD_COLUMNS = (
    _ASSESSMENTS.c.id,
    _ASSESSMENTS.c.age,
    _ASSESSMENTS.c.sex,
    _ASSESSMENTS.c.status,
    _ASSESSMENTS.c.created_at,
    _ASSESSMENTS.c.updated_at,
    _ASSESSMENTS.c.revision,
)
_HEAD = select(*_HEAD_COLUMNS).where(_ASSESSMENTS.c.id == bindparam("assessment_id"))
_HEAD_FOR_UPDATE = _HEAD.with_for_update()
_HEAD_AND_RESULT = _HEAD.add_columns(_ASSESSMENTS.c.result)
_INSERT_ASSESSMENT = insert(_ASSESSMENTS)
_ANSWERS_OF = (
    select(_ANSWERS.c.seq, _ANSWERS.c.step, _ANSWERS.c.finding_id, _ANSWERS.c.value, _ANSWERS.c.answered_at)
    .where(_ANSWERS.c.assessment_id == bindparam("assessment_id"))
    .order_by(_ANSWERS.c.seq)
)
_INSERT_ANSWER = insert(_ANSWERS)
_DELETE_STEP = delete(_ANSWERS).where(
    _ANSWERS.c.assessment_id == bindparam("assessment_id"), _ANSWERS.c.step == bindparam("drop_step")
)
_SAVE_RESULT = (
    update(_ASSESSMENTS)
    .where(_ASSESSMENTS.c.id == bindparam("assessment_id"))
    .values(
        result=bindparam("new_result"),
        triage_level=bindparam("new_triage_level"),
        top_condition=bindparam("new_top_condition"),
        status=bindparam("new_status"),
        updated_at=bindparam("new_updated_at"),
        # A new revision makes every plan made from the old result stale (see services.get_plan).
        revision=_ASSESSMENTS.c.revision + 1,
    )
)


def _not_found(assessment_id: str) -> NotFound:
    shown = repr(assessment_id) if len(str(assessment_id)) <= 40 else f"{str(assessment_id)[:40]!r}..."
    return NotFound(f"no assessment with id {shown}", field="assessment_id")


class AssessmentRepository:
    def __init__(self, session: Session, lock_for_write: Callable[[], None] | None = None) -> None:
        self.session = session
        # Called before a row is read for update: on SQLite (no SELECT ... FOR UPDATE) the unit of
        # work takes the store's writer lock, so two answers to one assessment cannot interleave.
        self._lock_for_write = lock_for_write

    def create(
        self, assessment_id: str, age: int, sex: str, columns: ResultColumns, at: datetime
    ) -> AssessmentHead:
        """Store a new assessment with its first result; its head."""
        head = AssessmentHead(assessment_id, age, sex, columns.status, at, at, revision=1)
        self.session.connection().execute(_INSERT_ASSESSMENT, {**asdict(head), **asdict(columns)})
        return head

    def get(self, assessment_id: str) -> AssessmentRow:
        """The assessment's table row (its stored result is read only if used)."""
        row = self.session.get(AssessmentRow, assessment_id)
        if row is None:
            raise _not_found(assessment_id)
        return row

    def head(self, assessment_id: str) -> AssessmentHead:
        """The assessment's own columns; NotFound for an unknown id."""
        return AssessmentHead(*self._first(_HEAD, assessment_id))

    def head_for_update(self, assessment_id: str) -> AssessmentHead:
        """The assessment's own columns, its row locked until the transaction ends (PostgreSQL; on
        SQLite the unit of work's writer lock) so two answers to it are written one after the other."""
        if self._lock_for_write is not None:
            self._lock_for_write()
        return AssessmentHead(*self._first(_HEAD_FOR_UPDATE, assessment_id))

    def head_and_result(self, assessment_id: str) -> tuple[AssessmentHead, str | None]:
        """The assessment's own columns and its stored result JSON (None while in progress)."""
        row = self._first(_HEAD_AND_RESULT, assessment_id)
        return AssessmentHead(*row[:-1]), row[-1]

    def _first(self, statement: Select[tuple[Any, ...]], assessment_id: str) -> Sequence[Any]:
        row = self.session.connection().execute(statement, {"assessment_id": assessment_id}).first()
        if row is None:
            raise _not_found(assessment_id)
        return row

    def answers_of(self, assessment_id: str) -> list[StoredAnswer]:
        """The assessment's answers in the order given."""
        rows = self.session.connection().execute(_ANSWERS_OF, {"assessment_id": assessment_id})
        return [StoredAnswer(*r) for r in rows]

    def add_step(
        self, assessment_id: str, stored: list[StoredAnswer], answers: Sequence[tuple[str, str]], at: datetime
    ) -> list[StoredAnswer]:
        """Insert answers given together (one screen) as one step after `stored` (the assessment's
        answers as read in this transaction); the new answers."""
        seq = max((a.seq for a in stored), default=0)
        step = max((a.step for a in stored), default=0) + 1
        new = [StoredAnswer(seq + i, step, f, v, at) for i, (f, v) in enumerate(answers, start=1)]
        self.session.connection().execute(
            _INSERT_ANSWER,
            [
                {
                    "assessment_id": assessment_id,
                    "seq": a.seq,
                    "step": a.step,
                    "finding_id": a.finding_id,
                    "value": a.value,
                    "answered_at": a.answered_at,
                }
                for a in new
            ],
        )
        return new

    def drop_step(self, assessment_id: str, step: int) -> None:
        """Delete the answers of one step (`back`)."""
        self.session.connection().execute(_DELETE_STEP, {"assessment_id": assessment_id, "drop_step": step})

    def save_result(self, head: AssessmentHead, columns: ResultColumns, at: datetime) -> AssessmentHead:
        """Replace the stored result of a locked assessment; its head as it now is."""
        self.session.connection().execute(
            _SAVE_RESULT,
            {
                "assessment_id": head.id,
                "new_result": columns.result,
                "new_triage_level": columns.triage_level,
                "new_top_condition": columns.top_condition,
                "new_status": columns.status,
                "new_updated_at": at,
            },
        )
        return replace(head, status=columns.status, updated_at=at, revision=head.revision + 1)

    def recent(self, *, limit: int | None = None) -> list[AssessmentRow]:
        """Newest first."""
        stmt = select(AssessmentRow).order_by(AssessmentRow.created_at.desc(), AssessmentRow.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(self.session.scalars(stmt))

    def answer_counts(self, ids: list[str]) -> dict[str, int]:
        if not ids:
            return {}
        rows = self.session.execute(
            select(AnswerRow.assessment_id, func.count())
            .where(AnswerRow.assessment_id.in_(ids))
            .group_by(AnswerRow.assessment_id)
        )
        return {str(aid): int(n) for aid, n in rows}

    def delete(self, assessment_id: str) -> None:
        """Delete the assessment; the database's ON DELETE CASCADE deletes what belongs to it."""
        self.session.delete(self.get(assessment_id))
        self.session.flush()


RowT = TypeVar("RowT", bound=Base)


class _Rows(Generic[RowT]):
    """Rows of one table added through the ORM session (flushed, so their ids are known)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: RowT) -> None:
        self.session.add(row)
        self.session.flush()


class PlanRepository(_Rows[PlanRow]):
    def latest(self, assessment_id: str, *, revision: int | None = None) -> PlanRow | None:
        """The newest plan of the assessment, or of one revision of it."""
        stmt = select(PlanRow).where(PlanRow.assessment_id == assessment_id)
        if revision is not None:
            stmt = stmt.where(PlanRow.assessment_revision == revision)
        return self.session.scalar(stmt.order_by(PlanRow.id.desc()).limit(1))


class DiaryRepository(_Rows[DiaryEntryRow]):
    def on(self, assessment_id: str, day: date) -> DiaryEntryRow | None:
        return self.session.scalar(
            select(DiaryEntryRow).where(
                DiaryEntryRow.assessment_id == assessment_id, DiaryEntryRow.entry_date == day
            )
        )

    def get(self, assessment_id: str, day: date) -> DiaryEntryRow:
        row = self.on(assessment_id, day)
        if row is None:
            raise NotFound(
                f"no diary entry on {day.isoformat()} for assessment {assessment_id!r}", field="date"
            )
        return row

    def delete(self, assessment_id: str, day: date) -> None:
        """Delete the entry of `day`; NotFound when there is none."""
        self.session.delete(self.get(assessment_id, day))
        self.session.flush()

    def entries(self, assessment_id: str) -> list[DiaryEntryRow]:
        """Oldest first, as a diary reads."""
        return list(
            self.session.scalars(
                select(DiaryEntryRow)
                .where(DiaryEntryRow.assessment_id == assessment_id)
                .order_by(DiaryEntryRow.entry_date)
            )
        )


class HagosRepository(_Rows[HagosResponseRow]):
    def responses(self, assessment_id: str | None = None) -> list[HagosResponseRow]:
        """Oldest first; all responses, or those of one assessment."""
        stmt = select(HagosResponseRow).order_by(HagosResponseRow.taken_on, HagosResponseRow.id)
        if assessment_id is not None:
            stmt = stmt.where(HagosResponseRow.assessment_id == assessment_id)
        return list(self.session.scalars(stmt))
