"""Importing into a real (temporary SQLite) store: counts, idempotency, one transaction per file."""

from __future__ import annotations

import gzip
import io
import shutil
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from hipcheck.store.activities import ActivityRepository
from hipcheck.training.activity import Activity
from hipcheck.training.import_service import import_paths, row_from_activity, training_summary


def _stored(session_factory: Callable[[], Session]) -> list[tuple[str, float, str | None]]:
    with session_factory() as session:
        return [
            (r.start_time.isoformat(), round(r.distance_m), r.shoe)
            for r in ActivityRepository(session).list_activities()
        ]


def test_importing_the_samples_twice_changes_nothing(
    fixtures_dir: Path, session_factory: Callable[[], Session]
) -> None:
    first = import_paths([fixtures_dir], session_factory)
    assert first.failed == []
    # 8 runs from FIT (2 in the fenix 2 multisport, 1 in the triathlon, 1 in each of 5 others),
    # 2 GPX runs, 2 TCX files of the same run (with and without HR): the second is a duplicate
    assert first.imported == 11
    assert first.duplicates == 1
    assert first.skipped == 12  # rides, a walk, a swim, transitions, a "generic" leg
    stored = _stored(session_factory)
    second = import_paths([fixtures_dir], session_factory)
    assert (second.imported, second.duplicates, second.skipped) == (0, 12, 12)
    assert _stored(session_factory) == stored


def test_all_sports_keeps_rides_and_walks(fixtures_dir: Path, session_factory: Callable[[], Session]) -> None:
    report = import_paths([fixtures_dir / "fit"], session_factory, all_sports=True)
    assert report.skipped == 0
    with session_factory() as session:
        sports = {r.sport for r in ActivityRepository(session).list_activities()}
    assert {"running", "cycling", "walking", "swimming"} <= sports


def test_a_bad_file_is_reported_and_loses_nothing_already_stored(
    fixtures_dir: Path, session_factory: Callable[[], Session], tmp_path: Path
) -> None:
    import_paths([fixtures_dir / "fit" / "activity-small-fenix2-run.fit"], session_factory)
    before = _stored(session_factory)
    broken = tmp_path / "broken.fit"
    data = (fixtures_dir / "fit" / "garmin-fenix-5-run.fit").read_bytes()
    broken.write_bytes(data[:3000])
    report = import_paths([broken, fixtures_dir / "fit" / "garmin-fenix-5-run.fit"], session_factory)
    assert [(Path(f.file).name, "cut off" in f.reason) for f in report.failed] == [("broken.fit", True)]
    assert report.imported == 1
    assert len(_stored(session_factory)) == len(before) + 1


def test_each_file_is_its_own_transaction(
    fixtures_dir: Path,
    session_factory: Callable[[], Session],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "multi"
    folder.mkdir()
    shutil.copy(fixtures_dir / "fit" / "activity-large-fenxi2-multisport.fit", folder / "a.fit")
    shutil.copy(fixtures_dir / "fit" / "garmin-fenix-5-run.fit", folder / "b.fit")
    original = ActivityRepository.add_if_new
    calls = {"n": 0}

    def flaky(self: ActivityRepository, row: object) -> bool:
        calls["n"] += 1
        if calls["n"] == 2:  # the second run of the multisport file
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return original(self, row)  # type: ignore[arg-type]

    monkeypatch.setattr(ActivityRepository, "add_if_new", flaky)
    report = import_paths([folder], session_factory)
    assert [Path(f.file).name for f in report.failed] == ["a.fit"]
    assert "nothing from it was stored" in report.failed[0].reason
    # the multisport file's first run was rolled back with it; the other file is stored
    assert [d for _, d, _ in _stored(session_factory)] == [158]


def test_strava_export_zip_stores_shoes(
    fixtures_dir: Path, session_factory: Callable[[], Session], tmp_path: Path
) -> None:
    header = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,"
        "Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Athlete Weight,"
        "Bike Weight,Elapsed Time,Moving Time,Distance"
    )
    rows = [
        '9,"Aug 15, 2015, 2:45:08 PM",Run,Run,,2832,5.60,,,false,,Kinvara,activities/9.fit.gz,,,'
        "2832,2832,9008.2",
        '10,"Aug 20, 2015, 6:00:00 AM",Easy,Run,,3000,6.20,,,false,,Kinvara,,,,3000,2950,10000',
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("export_1/activities.csv", "\n".join([header, *rows]))
        z.writestr(
            "export_1/activities/9.fit.gz",
            gzip.compress((fixtures_dir / "fit" / "activity-small-fenix2-run.fit").read_bytes()),
        )
    archive = tmp_path / "export.zip"
    archive.write_bytes(buffer.getvalue())
    report = import_paths([archive], session_factory)
    assert report.failed == [] and report.imported == 2
    with session_factory() as session:
        (shoe,) = ActivityRepository(session).shoes()
    assert shoe.shoe == "Kinvara" and round(shoe.distance_m) == 19008


def test_summary_counts_a_shoes_whole_history_not_only_the_weeks_shown(
    session_factory: Callable[[], Session],
) -> None:
    today = date(2024, 11, 5)
    old_runs = [today - timedelta(days=400 - 2 * i) for i in range(90)]  # 90 x 10 km, long before
    with session_factory() as session, session.begin():
        repo = ActivityRepository(session)
        for n, day in enumerate([*old_runs, today - timedelta(days=3)]):
            run = Activity(
                datetime(day.year, day.month, day.day, 7, tzinfo=UTC),
                "running",
                10_000,
                "fit",
                shoe="Clifton",
            )
            repo.add_if_new(row_from_activity(run, source_file=f"{n}.fit", sha256=f"{n:064d}"))
    summary, proposals = training_summary(session_factory, today=today, weeks=12)
    (shoe,) = summary.shoes
    assert (shoe.shoe, round(shoe.distance_m), shoe.runs, shoe.level) == ("Clifton", 910_000, 91, "replace")
    (worn,) = [p for p in proposals if p.finding_id == "worn_shoes"]
    assert worn.answer == "yes"
    assert summary.runs == 1  # the weekly numbers still cover only the weeks shown
