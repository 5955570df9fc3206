"""Repositories: the queries on each table, inside the caller's session (the unit of work commits).

They return table rows; the service layer turns rows into the value objects adapters see.
An id that does not exist raises NotFound with a message naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session, selectinload, undefer

from hipcheck.errors import NotFound
from hipcheck.store.tables import AnswerRow, AssessmentRow, DiaryEntryRow, HagosResponseRow, PlanRow


@dataclass(frozen=True)
class StoredAnswer:
    """One stored answer as plain values (the answer path reads and writes these without ORM rows)."""

    seq: int
    step: int
    finding_id: str
    value: str
    answered_at: datetime


class AssessmentRepository:
    def __init__(self, session: Session, lock_for_write: Callable[[], None] | None = None) -> None:
        self.session = session
        # Called before a row is read for update: on SQLite (no SELECT ... FOR UPDATE) the unit of
        # work takes the store's writer lock, so two answers to one assessment cannot interleave.
        self._lock_for_write = lock_for_write

    def add(self, row: AssessmentRow) -> None:
        self.session.add(row)
        self.session.flush()

    def find(
        self, assessment_id: str, *, for_update: bool = False, with_result: bool = True
    ) -> AssessmentRow | None:
        """The assessment with its answers.

        `for_update` locks its row (PostgreSQL) so that two answers to the same assessment are
        written one after the other; `with_result=False` skips reading the stored result (the
        largest column) when it is about to be replaced.
        """
        stmt = (
            select(AssessmentRow)
            .where(AssessmentRow.id == assessment_id)
            .options(selectinload(AssessmentRow.answers))
        )
        if with_result:
            stmt = stmt.options(undefer(AssessmentRow.result))
        if for_update:
            if self._lock_for_write is not None:
                self._lock_for_write()
            stmt = stmt.with_for_update(of=AssessmentRow)
        return self.session.scalar(stmt)

    def get(self, assessment_id: str, *, for_update: bool = False, with_result: bool = True) -> AssessmentRow:
        row = self.find(assessment_id, for_update=for_update, with_result=with_result)
        if row is None:
            raise NotFound(f"no assessment with id {assessment_id!r}", field="assessment_id")
        return row

    def get_bare(self, assessment_id: str, *, for_update: bool = False) -> AssessmentRow:
        """The assessment row alone (no answers, no result): the answer path reads its answers
        with `answers_of` and adds new ones with `add_step`, which skips building ORM rows."""
        stmt = select(AssessmentRow).where(AssessmentRow.id == assessment_id)
        if for_update:
            if self._lock_for_write is not None:
                self._lock_for_write()
            stmt = stmt.with_for_update(of=AssessmentRow)
        row = self.session.scalar(stmt)
        if row is None:
            raise NotFound(f"no assessment with id {assessment_id!r}", field="assessment_id")
        return row

    def answers_of(self, assessment_id: str) -> list[StoredAnswer]:
        """The assessment's answers in the order given."""
        a = AnswerRow
        rows = self.session.execute(
            select(a.seq, a.step, a.finding_id, a.value, a.answered_at)
            .where(AnswerRow.assessment_id == assessment_id)
            .order_by(AnswerRow.seq)
        )
        return [StoredAnswer(*r) for r in rows]

    def add_step(
        self, assessment_id: str, stored: list[StoredAnswer], answers: list[tuple[str, str]], at: datetime
    ) -> list[StoredAnswer]:
        """Insert answers given together (one screen) as one step after `stored` (the assessment's
        answers as read in this transaction); the new answers."""
        seq = max((a.seq for a in stored), default=0)
        step = max((a.step for a in stored), default=0) + 1
        new = [StoredAnswer(seq + i, step, f, v, at) for i, (f, v) in enumerate(answers, start=1)]
        # A Core insert on the table: the ORM's bulk-insert path costs more than the statement.
        self.session.execute(
            insert(cast(Table, AnswerRow.__table__)),
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
        row = self.get(assessment_id)
        self.session.delete(row)
        self.session.flush()

    def append_step(self, row: AssessmentRow, answers: list[AnswerRow]) -> None:
        """Append answers given together (one screen) as one step, after every stored answer."""
        seq = max((a.seq for a in row.answers), default=0)
        step = max((a.step for a in row.answers), default=0) + 1
        for answer in answers:
            seq += 1
            answer.seq = seq
            answer.step = step
            row.answers.append(answer)
        self.session.flush()

    def drop_last_step(self, row: AssessmentRow) -> list[AnswerRow]:
        """Remove the answers of the newest step; the removed answers, oldest first."""
        if not row.answers:
            return []
        last_step = max(a.step for a in row.answers)
        dropped = [a for a in row.answers if a.step == last_step]
        for answer in dropped:
            row.answers.remove(answer)
        self.session.flush()
        return dropped


class PlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: PlanRow) -> None:
        self.session.add(row)
        self.session.flush()

    def latest(self, assessment_id: str, *, revision: int | None = None) -> PlanRow | None:
        """The newest plan of the assessment, or of one revision of it."""
        stmt = select(PlanRow).where(PlanRow.assessment_id == assessment_id)
        if revision is not None:
            stmt = stmt.where(PlanRow.assessment_revision == revision)
        return self.session.scalar(stmt.order_by(PlanRow.id.desc()).limit(1))


class DiaryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: DiaryEntryRow) -> None:
        self.session.add(row)
        self.session.flush()

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


class HagosRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: HagosResponseRow) -> None:
        self.session.add(row)
        self.session.flush()

    def responses(self, assessment_id: str | None = None) -> list[HagosResponseRow]:
        """Oldest first; all responses, or those of one assessment."""
        stmt = select(HagosResponseRow).order_by(HagosResponseRow.taken_on, HagosResponseRow.id)
        if assessment_id is not None:
            stmt = stmt.where(HagosResponseRow.assessment_id == assessment_id)
        return list(self.session.scalars(stmt))
