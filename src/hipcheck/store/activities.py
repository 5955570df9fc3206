"""Stored training activities (one row per imported session) and their small repository.

Idempotency: a row is identified by the hash of the file it came from plus its start time
(a multisport file yields several rows). The same run imported from two sources (a FIT file
and a Strava CSV row) is caught by :meth:`ActivityRepository.find_duplicate` (same sport,
start within a minute).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, Float, Integer, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

from hipcheck.store.base import Base


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on both SQLite (which drops tzinfo) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ActivityRow(Base):
    """One running (or, with --all-sports, other) session."""

    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("source_sha256", "start_time", name="uq_activities_source_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    start_time: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    utc_offset_min: Mapped[int | None] = mapped_column(Integer, default=None)
    sport: Mapped[str] = mapped_column(String(40))
    sub_sport: Mapped[str | None] = mapped_column(String(40), default=None)
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    distance_m: Mapped[float] = mapped_column(Float)
    moving_time_s: Mapped[float | None] = mapped_column(Float, default=None)
    elapsed_time_s: Mapped[float | None] = mapped_column(Float, default=None)
    elevation_gain_m: Mapped[float | None] = mapped_column(Float, default=None)
    avg_hr: Mapped[float | None] = mapped_column(Float, default=None)
    max_hr: Mapped[float | None] = mapped_column(Float, default=None)
    avg_cadence_spm: Mapped[float | None] = mapped_column(Float, default=None)
    shoe: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    source_format: Mapped[str] = mapped_column(String(20))
    source_file: Mapped[str] = mapped_column(String(1000))
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class ShoeTotal:
    """Distance run in one shoe (by the name the source gave it)."""

    shoe: str
    distance_m: float
    runs: int
    first_run: datetime
    last_run: datetime


class ActivityRepository:
    """Reads and writes activities inside the caller's session (the caller owns the transaction)."""

    DUPLICATE_WINDOW = timedelta(seconds=60)

    def __init__(self, session: Session) -> None:
        self.session = session

    def find_duplicate(self, sha256: str, start_time: datetime, sport: str) -> ActivityRow | None:
        """The stored row this activity repeats: same file and start, or same sport within a minute."""
        same_file = self.session.scalar(
            select(ActivityRow).where(
                ActivityRow.source_sha256 == sha256, ActivityRow.start_time == start_time
            )
        )
        if same_file is not None:
            return same_file
        return self.session.scalar(
            select(ActivityRow)
            .where(
                ActivityRow.sport == sport,
                ActivityRow.start_time >= start_time - self.DUPLICATE_WINDOW,
                ActivityRow.start_time <= start_time + self.DUPLICATE_WINDOW,
            )
            .limit(1)
        )

    def add_if_new(self, row: ActivityRow) -> bool:
        """Add ``row`` unless it repeats a stored activity; True when it was added."""
        if self.find_duplicate(row.source_sha256, row.start_time, row.sport) is not None:
            return False
        self.session.add(row)
        self.session.flush()
        return True

    def list_activities(
        self, *, since: datetime | None = None, sports: Sequence[str] | None = None
    ) -> list[ActivityRow]:
        """Activities oldest first, optionally from ``since`` and of the given sports."""
        stmt = select(ActivityRow).order_by(ActivityRow.start_time)
        if since is not None:
            stmt = stmt.where(ActivityRow.start_time >= since)
        if sports is not None:
            stmt = stmt.where(ActivityRow.sport.in_(list(sports)))
        return list(self.session.scalars(stmt))

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(ActivityRow)) or 0)

    def shoes(self, *, sport: str = "running") -> list[ShoeTotal]:
        """Total distance per named shoe over ``sport`` activities, most worn first."""
        stmt = (
            select(
                ActivityRow.shoe,
                func.sum(ActivityRow.distance_m),
                func.count(),
                func.min(ActivityRow.start_time),
                func.max(ActivityRow.start_time),
            )
            .where(ActivityRow.shoe.is_not(None), ActivityRow.sport == sport)
            .group_by(ActivityRow.shoe)
            .order_by(func.sum(ActivityRow.distance_m).desc())
        )
        out: list[ShoeTotal] = []
        for shoe, dist, runs, first, last in self.session.execute(stmt):
            out.append(
                ShoeTotal(
                    shoe=str(shoe),
                    distance_m=float(dist or 0.0),
                    runs=int(runs),
                    first_run=_aware(first),
                    last_run=_aware(last),
                )
            )
        return out


def _aware(value: datetime) -> datetime:
    # Aggregates bypass the column type on SQLite, so min()/max() come back naive (or as text).
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
