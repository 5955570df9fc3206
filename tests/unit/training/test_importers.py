"""Reading activities from real and generated files, and each kind of bad input."""

from __future__ import annotations

import gzip
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hipcheck.errors import ImportFileError
from hipcheck.training import importers
from hipcheck.training.importers import discover, parse_bytes, parse_source
from hipcheck.training.importers.strava import read_strava_csv

STRAVA_HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,"
    "Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Athlete Weight,"
    "Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,Elevation Gain,Elevation Loss,"
    "Elevation Low,Elevation High,Max Grade,Average Grade,Average Positive Grade,Average Negative Grade,"
    "Max Cadence,Average Cadence,Max Heart Rate,Average Heart Rate"
)


def strava_row(
    activity_id: int, date: str, kind: str, km_user: str, metres: str, gear: str = "", filename: str = ""
) -> str:
    cells = [str(activity_id), f'"{date}"', "Morning run", kind, '"a, quoted, description"', "3000",
             km_user, "", "", "false", "", gear, filename, "", "", "3000.0", "2900.0", metres, "", "", "55.0",
             "", "", "", "", "", "", "", "", "", "181", "150"]  # fmt: skip
    return ",".join(cells)


# ---------------------------------------------------------------- real files


def test_fit_run_becomes_one_running_activity_with_cadence_in_steps_per_minute(fixtures_dir: Path) -> None:
    parsed = parse_bytes((fixtures_dir / "fit" / "garmin-fenix-5-run.fit").read_bytes(), "run.fit")
    (run,) = parsed.activities
    assert run.is_run
    assert run.start_time == datetime(2017, 6, 11, 14, 34, 9, tzinfo=UTC)
    assert run.distance_m == pytest.approx(157.56)
    # session avg_running_cadence 83 + avg_fractional_cadence 0.671875, both feet: x2
    assert run.avg_cadence_spm == pytest.approx(2 * (83 + 0.671875))
    assert run.utc_offset_min == -420
    assert run.avg_hr == 90


def test_multisport_fit_gives_one_activity_per_session(fixtures_dir: Path) -> None:
    parsed = parse_bytes((fixtures_dir / "fit" / "sample_mulitple_header.fit").read_bytes(), "tri.fit")
    sports = [a.sport for a in parsed.activities]
    assert sports == ["swimming", "transition", "cycling", "transition", "running"]
    assert parsed.activities[-1].distance_m == pytest.approx(9805.92)


def test_fit_without_session_cadence_takes_it_from_the_records(fixtures_dir: Path) -> None:
    parsed = parse_bytes(
        (fixtures_dir / "fit" / "activity-large-fenxi2-multisport.fit").read_bytes(), "m.fit"
    )
    runs = [a for a in parsed.activities if a.is_run]
    assert len(runs) == 2
    assert all(a.avg_cadence_spm is not None and 100 < a.avg_cadence_spm < 200 for a in runs)


def test_damaged_fit_with_a_summary_is_kept_with_a_note(fixtures_dir: Path) -> None:
    parsed = parse_bytes(
        (fixtures_dir / "fit" / "strava-android-app-201.10-b1218918.fit").read_bytes(), "s.fit"
    )
    assert parsed.activities[0].distance_m == pytest.approx(11274.04)
    assert "damaged at byte 7471" in parsed.warnings[0]


def test_gzipped_gpx_run_with_hr_and_cadence_extensions(fixtures_dir: Path) -> None:
    name = "gpxcsv-myfile_multseg.gpx.gz"
    (run,) = parse_bytes((fixtures_dir / "gpx" / name).read_bytes(), name).activities
    assert run.is_run
    assert run.distance_m == pytest.approx(3941.8, abs=1)
    assert run.avg_hr is not None and 100 < run.avg_hr < 200
    assert run.avg_cadence_spm is not None and 140 < run.avg_cadence_spm < 200  # one-foot ~80, doubled


def test_tcx_run_with_and_without_heart_rate_is_the_same_run(fixtures_dir: Path) -> None:
    (with_hr,) = parse_bytes((fixtures_dir / "tcx" / "tcxparser-test.tcx").read_bytes(), "a.tcx").activities
    (no_hr,) = parse_bytes((fixtures_dir / "tcx" / "tcxparser-no_hr.tcx").read_bytes(), "b.tcx").activities
    assert with_hr.start_time == no_hr.start_time
    assert with_hr.distance_m == pytest.approx(no_hr.distance_m)
    assert with_hr.avg_hr is not None and no_hr.avg_hr is None


def test_treadmill_tcx_without_gps_keeps_its_distance_and_cadence() -> None:
    points = "".join(
        f"<Trackpoint><Time>2024-05-01T06:00:{i:02d}Z</Time><DistanceMeters>{i * 3.0}</DistanceMeters>"
        f"<HeartRateBpm><Value>140</Value></HeartRateBpm>"
        f"<Extensions><ns3:TPX><ns3:RunCadence>86</ns3:RunCadence></ns3:TPX></Extensions></Trackpoint>"
        for i in range(30)
    )
    tcx = (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
        ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"><Activities>'
        '<Activity Sport="Running"><Id>2024-05-01T06:00:00Z</Id><Lap StartTime="2024-05-01T06:00:00Z">'
        f"<TotalTimeSeconds>29</TotalTimeSeconds><DistanceMeters>87</DistanceMeters><Track>{points}</Track>"
        "</Lap></Activity></Activities></TrainingCenterDatabase>"
    )
    (run,) = parse_bytes(gzip.compress(tcx.encode()), "treadmill.tcx.gz").activities
    assert run.distance_m == 87
    assert run.avg_cadence_spm == 172
    assert run.avg_hr == 140


# ---------------------------------------------------------------- Strava export


def test_strava_csv_reads_duplicated_columns_by_position() -> None:
    csv_text = "\n".join(
        [
            STRAVA_HEADER,
            strava_row(11, "Oct 7, 2020, 2:43:11 PM", "Run", "6.21", "10000.5", gear="Pegasus 38"),
        ]
    )
    (row,) = read_strava_csv(csv_text.encode())
    assert row.distance_m == 10000.5  # the second "Distance" (metres), not the first (user's miles)
    assert row.gear == "Pegasus 38"
    assert row.start_time == datetime(2020, 10, 7, 14, 43, 11, tzinfo=UTC)
    assert row.moving_time_s == 2900.0
    assert row.avg_hr == 150 and row.max_hr == 181


def test_strava_csv_with_french_headers_is_read_by_position() -> None:
    header = STRAVA_HEADER.split(",")
    french = {0: "ID de l'activité", 1: "Date de l'activité", 2: "Nom de l'activité", 3: "Type d'activité",
              5: "Temps écoulé", 15: "Temps écoulé", 6: "Distance", 17: "Distance", 12: "Nom du fichier",
              11: "Équipement de l'activité", 16: "Durée de déplacement"}  # fmt: skip
    for i, name in french.items():
        header[i] = f'"{name}"' if "," in name else name
    csv_text = (
        ",".join(header) + "\n" + strava_row(12, "2021-03-01 07:00:00", "Course à pied", '"5,00"', "5000")
    )
    (row,) = read_strava_csv(csv_text.encode())
    assert row.sport == "running"
    assert row.distance_m == 5000


def test_strava_csv_missing_columns_names_them() -> None:
    with pytest.raises(ImportFileError, match=r"only 5 columns.*Moving Time"):
        read_strava_csv(b"Activity ID,Activity Date,Activity Name,Activity Type,Distance\n1,x,y,Run,5\n")


def test_strava_export_folder_uses_files_for_numbers_and_csv_for_shoes(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "activities").mkdir()
    (tmp_path / "activities" / "111.fit").write_bytes(
        (fixtures_dir / "fit" / "garmin-fenix-5-run.fit").read_bytes()
    )
    rows = [
        strava_row(111, "Jun 11, 2017, 2:34:09 PM", "Run", "0.16", "157.6", "Ghost 15", "activities/111.fit"),
        strava_row(112, "Jun 12, 2017, 6:00:00 AM", "Run", "8.00", "8000", "Ghost 15"),  # manual entry
        strava_row(113, "Jun 13, 2017, 6:00:00 AM", "Ride", "30.00", "30000"),
    ]
    (tmp_path / "activities.csv").write_text("\n".join([STRAVA_HEADER, *rows]))
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "photo.jpg").write_bytes(b"\xff\xd8")
    sources, failures = discover([tmp_path])
    assert failures == []
    assert len(sources) == 3  # the FIT file is not imported a second time on its own
    parsed = [parse_source(s, s.load()) for s in sources]
    from_file = parsed[0].activities[0]
    assert from_file.source_format == "fit" and from_file.shoe == "Ghost 15"
    assert from_file.avg_cadence_spm is not None
    manual = parsed[1].activities[0]
    assert manual.source_format == "strava_csv" and manual.distance_m == 8000
    assert parsed[2].activities[0].sport == "cycling"


# ---------------------------------------------------------------- bad input, each kind


def test_truncated_fit_without_summary_fails_with_a_reason(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "fit" / "garmin-fenix-5-run.fit").read_bytes()
    with pytest.raises(ImportFileError, match="cut off") as info:
        parse_bytes(data[: len(data) // 2], "half.fit")
    assert info.value.file == "half.fit"


def test_corrupt_fit_checksum_fails(fixtures_dir: Path) -> None:
    data = bytearray((fixtures_dir / "fit" / "garmin-fenix-5-run.fit").read_bytes())
    data[-3] ^= 0x55  # a byte of the last message, so only the CRC can tell
    with pytest.raises(ImportFileError, match="checksum"):
        parse_bytes(bytes(data), "bad.fit")


def test_non_activity_fit_file_is_refused(fit: Any) -> None:
    w = fit.Writer()
    w.define(0, 0, [(0, "B", 0x00)]).data(0, [5])  # a workout file
    with pytest.raises(ImportFileError, match="workout file, not a recorded activity"):
        parse_bytes(w.build(), "workout.fit")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bad.gpx", b"<gpx><trk><trkseg><trkpt lat='1' lon='2'>", "not valid"),
        ("bad.tcx", b"<?xml version='1.0'?><TrainingCenterDatabase><Activities>", "not valid XML"),
        (
            "route.gpx",
            b"<gpx version='1.1'><trk><trkseg><trkpt lat='1' lon='2'/></trkseg></trk></gpx>",
            "no timed",
        ),
        ("notes.txt", b"hello", "not a format hipcheck reads"),
        ("empty.fit", b"", "empty"),
        ("broken.gpx.gz", b"\x1f\x8b\x08\x00garbage", "damaged"),
    ],
)
def test_bad_files_fail_with_a_reason_naming_the_file(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(ImportFileError, match=reason) as info:
        parse_bytes(data, name)
    assert info.value.file == name


def test_file_too_large_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "huge.fit"
    big.write_bytes(b"\0" * 5000)
    (source,), _ = discover([big])
    with pytest.raises(ImportFileError, match="not one"):
        source.load()


def test_gz_that_unpacks_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 1000)
    bomb = gzip.compress(b"\0" * 100_000)  # 100 kB of zeros packs into about 100 bytes
    assert len(bomb) < 1000
    with pytest.raises(ImportFileError, match="unpacks to more than") as info:
        parse_bytes(bomb, "bomb.fit.gz")
    assert info.value.file == "bomb.fit.gz"


def test_an_activities_csv_past_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 1000)
    huge = STRAVA_HEADER + "\n" + "\n" * 5000  # a zip bomb would be gigabytes of this
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities.csv", huge)
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "activities.csv").write_text(huge)
    sources, failures = discover([export, tmp_path / "folder"])
    assert sources == []
    assert [(f.file, "limit" in f.reason) for f in failures] == [
        (f"{export}!activities.csv", True),
        (str(tmp_path / "folder" / "activities.csv"), True),
    ]


def test_unreadable_strava_row_names_the_export_it_is_in(tmp_path: Path) -> None:
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr(
            "activities.csv", "\n".join([STRAVA_HEADER, strava_row(7, "someday", "Run", "5", "5000")])
        )
    (source,), failures = discover([export])
    assert failures == []
    with pytest.raises(ImportFileError, match="'someday' is not in a format") as info:
        parse_source(source, source.load())
    assert info.value.file == f"{export}!activities.csv line 2 (activity 7)"


def test_empty_zip_missing_path_and_folder_without_activities_are_reported(tmp_path: Path) -> None:
    empty = tmp_path / "export.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "run.jpg").write_bytes(b"\xff\xd8")
    sources, failures = discover([empty, tmp_path / "nope.fit", photos])
    assert sources == []
    assert [(Path(f.file).name, f.reason) for f in failures] == [
        ("export.zip", "the zip archive is empty"),
        ("nope.fit", "no such file or folder"),
        ("photos", "nothing to import in this folder: no FIT, GPX or TCX file, .zip archive "
                   "or row of a Strava activities.csv"),
    ]  # fmt: skip


def test_zip_with_nested_zip_of_fit_files(fixtures_dir: Path, tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("123_ACTIVITY.fit", (fixtures_dir / "fit" / "garmin-fenix-5-run.fit").read_bytes())
    outer = tmp_path / "garmin.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", inner.getvalue())
        z.writestr("DI_CONNECT/readme.txt", "x")
    (source,), failures = discover([outer])
    assert failures == []
    assert parse_source(source, source.load()).activities[0].is_run
