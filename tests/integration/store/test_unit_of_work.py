"""One transaction per use case: a failed write leaves the store exactly as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from hipcheck.errors import Conflict
from hipcheck.store.repositories import ResultColumns
from hipcheck.store.tables import AnswerRow, AssessmentRow, DiaryEntryRow
from hipcheck.store.unit_of_work import Store, UnitOfWork

NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
IN_PROGRESS = ResultColumns(result=None, triage_level="green", top_condition=None, status="in_progress")


def _assessment(uow: UnitOfWork, aid: str = "a1", *steps: list[tuple[str, str]]) -> None:
    """Store an assessment with these steps of (finding id, answer)."""
    uow.assessments.create(aid, 30, "female", IN_PROGRESS, NOW)
    for step in steps:
        uow.assessments.add_step(aid, uow.assessments.answers_of(aid), step, NOW)


def _count(store: Store, table: type[object]) -> int:
    with store() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(table)) or 0)


def test_committed_rows_are_read_back_with_utc_times(store: Store) -> None:
    with store() as uow:
        _assessment(uow, "a1", [("loc_groin", "yes")])
        uow.commit()
    with store() as uow:
        got = uow.assessments.get("a1")
        assert got.created_at == NOW and got.created_at.tzinfo is not None
        answers = uow.assessments.answers_of("a1")
        assert [(a.seq, a.step, a.finding_id, a.value) for a in answers] == [(1, 1, "loc_groin", "yes")]
        assert answers[0].answered_at == NOW


def test_leaving_without_commit_stores_nothing(store: Store) -> None:
    with store() as uow:
        _assessment(uow)
    assert _count(store, AssessmentRow) == 0


def test_an_exception_mid_transaction_rolls_back_every_write(store: Store) -> None:
    with store() as uow:
        _assessment(uow, "kept")
        uow.commit()
    with pytest.raises(RuntimeError), store() as uow:
        _assessment(uow, "lost", [("loc_groin", "yes")])
        kept = uow.assessments.get("kept")
        kept.age = 99
        raise RuntimeError("the disk fell off")
    with store() as uow:
        assert [r.id for r in uow.assessments.recent()] == ["kept"]
        assert uow.assessments.get("kept").age == 30
    assert _count(store, AnswerRow) == 0


def test_a_clash_with_stored_rows_is_a_conflict_and_nothing_changes(store: Store) -> None:
    with store() as uow:
        _assessment(uow, "a1")
        uow.commit()
    with pytest.raises(Conflict), store() as uow:
        _assessment(uow, "a2")
        _assessment(uow, "a1")  # same primary key
        uow.commit()
    with store() as uow:
        assert [r.id for r in uow.assessments.recent()] == ["a1"]


def test_the_database_refuses_pain_outside_0_to_10(store: Store) -> None:
    with store() as uow:
        _assessment(uow)
        uow.commit()
    with pytest.raises(Conflict), store() as uow:
        uow.diary.add(
            DiaryEntryRow(
                assessment_id="a1",
                entry_date=dt.date(2026, 3, 1),
                pain_rest=11,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        uow.commit()
    assert _count(store, DiaryEntryRow) == 0


def test_deleting_an_assessment_in_sql_cascades_to_its_answers(store: Store) -> None:
    # Checks the database's own ON DELETE CASCADE (on SQLite it needs PRAGMA foreign_keys=ON).
    with store() as uow:
        _assessment(uow, "a1", [("loc_groin", "yes")])
        uow.commit()
    with store() as uow:
        uow.session.execute(text("DELETE FROM assessments WHERE id = 'a1'"))
        uow.commit()
    assert _count(store, AnswerRow) == 0


def test_back_drops_the_whole_last_step(store: Store) -> None:
    with store() as uow:
        _assessment(uow, "a1", [("rf_fever_unwell", "no")], [("loc_groin", "yes"), ("loc_outer_hip", "no")])
        uow.commit()
    with store() as uow:
        stored = uow.assessments.answers_of("a1")
        uow.assessments.drop_step("a1", max(a.step for a in stored))
        uow.commit()
    assert [a.finding_id for a in stored if a.step == 2] == ["loc_groin", "loc_outer_hip"]
    with store() as uow:
        assert [a.finding_id for a in uow.assessments.answers_of("a1")] == ["rf_fever_unwell"]
