"""One transaction per use case: `with store() as uow: ...; uow.commit()`.

Leaving the block without `commit()` (or with an exception) rolls everything back, so a failed
write leaves the store as it was. Database errors come out as hipcheck errors with one line a
person can act on: a clash with stored rows is a Conflict, anything else a StoreError.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hipcheck.errors import Conflict, HipcheckError, StoreError
from hipcheck.store.activities import ActivityRepository
from hipcheck.store.engine_factory import create_store_engine, describe_error
from hipcheck.store.repositories import (
    AssessmentRepository,
    DiaryRepository,
    HagosRepository,
    PlanRepository,
)
from hipcheck.store.schema_version import schema_is_current


class UnitOfWork:
    """A session and the repositories that share it, for exactly one use case."""

    session: Session
    assessments: AssessmentRepository
    plans: PlanRepository
    diary: DiaryRepository
    hagos: HagosRepository
    activities: ActivityRepository

    def __init__(
        self, session_factory: Callable[[], Session], write_lock: threading.RLock | None = None
    ) -> None:
        self._session_factory = session_factory
        self._committed = False
        self._write_lock = write_lock
        self._holding = False

    def _lock_for_write(self) -> None:
        if self._write_lock is not None and not self._holding:
            self._write_lock.acquire()
            self._holding = True

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self.assessments = AssessmentRepository(self.session, self._lock_for_write)
        self.plans = PlanRepository(self.session)
        self.diary = DiaryRepository(self.session)
        self.hagos = HagosRepository(self.session)
        self.activities = ActivityRepository(self.session)
        self._committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()
            if self._holding and self._write_lock is not None:
                self._holding = False
                self._write_lock.release()
        if isinstance(exc, SQLAlchemyError):
            raise _translate(exc) from exc

    def commit(self) -> None:
        try:
            self.session.commit()
        except SQLAlchemyError as exc:
            self.session.rollback()
            raise _translate(exc) from exc
        self._committed = True


UnitOfWorkFactory = Callable[[], UnitOfWork]


def _translate(exc: SQLAlchemyError) -> HipcheckError:
    if isinstance(exc, IntegrityError):
        return Conflict(f"the change clashes with what is stored: {describe_error(exc)}")
    return StoreError(f"the database could not be read or written: {describe_error(exc)}")


class Store:
    """An engine and its session factory; calling it opens a unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session_factory = sessionmaker(engine, expire_on_commit=False)
        # SQLite has no SELECT ... FOR UPDATE and lets a blocked writer sleep and poll (up to
        # 100 ms a turn): within this process, units of work that read an assessment for update
        # take this lock instead, so they queue and wake the moment it is free, and two answers
        # to one assessment are never computed from the same stale answers. PostgreSQL locks rows.
        self.write_lock = threading.RLock() if engine.dialect.name == "sqlite" else None

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.write_lock)

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, migrate: bool = True) -> Store:
    """A store on ``url``, migrated to the newest schema first unless ``migrate`` is False."""
    engine = create_store_engine(url)
    if migrate and not schema_is_current(engine):
        from hipcheck.store.migrate import ensure_schema  # Alembic only when there is work

        try:
            ensure_schema(engine)
        except Exception:
            engine.dispose()
            raise
    return Store(engine)
