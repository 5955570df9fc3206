"""The import use case: files in, activities stored, one transaction per file, a report out.

Called from the CLI, the web app or services with a SQLAlchemy session factory. A file that
cannot be read is reported with its reason and nothing else changes; a file already imported
(same content hash and start time, or the same sport starting within a minute) is counted as
a duplicate, so importing the same things twice changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from hipcheck.errors import ImportFileError
from hipcheck.knowledge.training_data import load_training_rules
from hipcheck.store.activities import ActivityRepository, ActivityRow
from hipcheck.training.activity import Activity
from hipcheck.training.importers import Source, discover, parse_source
from hipcheck.training.metrics import (
    ProposedAnswer,
    ShoeMileage,
    TrainingSummary,
    Units,
    propose_answers,
    summarize,
)


@dataclass(frozen=True)
class FailedFile:
    file: str
    reason: str


@dataclass
class ImportReport:
    """Counts per outcome; ``failed`` lists each unreadable file with a reason a person understands."""

    imported: int = 0
    duplicates: int = 0
    skipped: int = 0  # not running (and --all-sports not given)
    failed: list[FailedFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Progress:
    """Reported after each source: how far along, and what happened to it."""

    done: int
    total: int
    label: str
    outcome: str  # imported | duplicate | skipped | failed | mixed


def row_from_activity(activity: Activity, *, source_file: str, sha256: str) -> ActivityRow:
    return ActivityRow(
        start_time=activity.start_time,
        utc_offset_min=activity.utc_offset_min,
        sport=activity.sport,
        sub_sport=activity.sub_sport,
        name=activity.name[:200] if activity.name else None,
        distance_m=activity.distance_m,
        moving_time_s=activity.moving_time_s,
        elapsed_time_s=activity.elapsed_time_s,
        elevation_gain_m=activity.elevation_gain_m,
        avg_hr=activity.avg_hr,
        max_hr=activity.max_hr,
        avg_cadence_spm=activity.avg_cadence_spm,
        shoe=activity.shoe[:200] if activity.shoe else None,
        source_format=activity.source_format,
        source_file=source_file[-1000:],
        source_sha256=sha256,
    )


def activity_from_row(row: ActivityRow) -> Activity:
    return Activity(
        start_time=row.start_time,
        sport=row.sport,
        sub_sport=row.sub_sport,
        distance_m=row.distance_m,
        moving_time_s=row.moving_time_s,
        elapsed_time_s=row.elapsed_time_s,
        elevation_gain_m=row.elevation_gain_m,
        avg_hr=row.avg_hr,
        max_hr=row.max_hr,
        avg_cadence_spm=row.avg_cadence_spm,
        utc_offset_min=row.utc_offset_min,
        shoe=row.shoe,
        name=row.name,
        source_format=row.source_format,
    )


def import_paths(
    paths: Iterable[Path],
    session_factory: Callable[[], Session],
    *,
    all_sports: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> ImportReport:
    """Import every activity under ``paths``; see the module docstring for the guarantees."""
    sources, failures = discover(list(paths))
    report = ImportReport(failed=[FailedFile(f.file, f.reason) for f in failures])
    if on_start is not None:
        on_start(len(sources))
    for done, source in enumerate(sources, start=1):
        outcome = _import_one(source, session_factory, all_sports, report)
        if on_progress is not None:
            on_progress(Progress(done, len(sources), source.label, outcome))
    return report


def _import_one(
    source: Source, session_factory: Callable[[], Session], all_sports: bool, report: ImportReport
) -> str:
    try:
        data = source.load()
        parsed = parse_source(source, data)
    except ImportFileError as exc:
        report.failed.append(FailedFile(exc.file, exc.reason))
        return "failed"
    except Exception as exc:  # a reader bug must not stop a whole history's import
        reason = f"hipcheck failed on this file (internal error {type(exc).__name__}); please report it"
        report.failed.append(FailedFile(source.label, reason))
        return "failed"
    report.warnings.extend(parsed.warnings)
    sha = hashlib.sha256(data).hexdigest()
    wanted = [a for a in parsed.activities if all_sports or a.is_run]
    skipped = len(parsed.activities) - len(wanted)
    added = duplicates = 0
    try:
        with session_factory() as session, session.begin():
            repo = ActivityRepository(session)
            for activity in wanted:
                if repo.add_if_new(row_from_activity(activity, source_file=source.label, sha256=sha)):
                    added += 1
                else:
                    duplicates += 1
    except SQLAlchemyError as exc:
        reason = f"could not be saved; nothing from it was stored ({type(exc).__name__})"
        report.failed.append(FailedFile(source.label, reason))
        return "failed"
    report.imported += added
    report.duplicates += duplicates
    report.skipped += skipped
    outcomes = [o for o, n in (("imported", added), ("duplicate", duplicates), ("skipped", skipped)) if n]
    return outcomes[0] if len(outcomes) == 1 else ("mixed" if outcomes else "skipped")


def training_summary(
    session_factory: Callable[[], Session], *, today: date, weeks: int = 12, units: Units = "km"
) -> tuple[TrainingSummary, list[ProposedAnswer]]:
    """The summary `hipcheck training summary` shows and the answers it proposes, from the store.

    For the web page, the report and the assessment: the proposals are offered to the runner
    to confirm (``finding_id``, ``answer``, ``evidence``), never entered on their behalf.
    """
    # Loads, spikes and cadence need the weeks shown and the ten before them (28-day ratios,
    # 30-day spike window); a shoe's mileage is its whole history, summed by the database.
    since = datetime.combine(today - timedelta(weeks=weeks + 10), time.min, tzinfo=UTC)
    with session_factory() as session:
        repo = ActivityRepository(session)
        activities = [activity_from_row(r) for r in repo.list_activities(since=since)]
        shoes = [ShoeMileage(t.shoe, t.distance_m, t.runs, t.last_run.date()) for t in repo.shoes()]
    rules = load_training_rules()
    return (
        summarize(activities, today=today, weeks=weeks, units=units, shoes=shoes, rules=rules),
        propose_answers(activities, today=today, units=units, shoes=shoes, rules=rules),
    )
