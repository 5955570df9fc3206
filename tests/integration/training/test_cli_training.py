"""`hipcheck import` and `hipcheck training summary` as a person runs them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hipcheck.training import import_service


def test_import_json_reports_counts_and_failures_and_exits_1(
    cli: Callable[..., Any], fixtures_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.gpx"
    bad.write_text("<gpx><trk>")
    result = cli("import", str(fixtures_dir / "fit" / "garmin-fenix-5-run.fit"), str(bad), "--json")
    assert result.exit_code == 1
    payload = result.json()
    assert payload["imported"] == 1 and payload["duplicates"] == 0 and payload["skipped"] == 0
    assert [f["file"] for f in payload["failed"]] == [str(bad)]
    assert "not valid" in payload["failed"][0]["reason"]
    again = cli("import", str(fixtures_dir / "fit" / "garmin-fenix-5-run.fit"), "--json")
    assert again.exit_code == 0
    assert again.json() | {"warnings": []} == {
        "imported": 0, "duplicates": 1, "skipped": 0, "failed": [], "warnings": [],
    }  # fmt: skip


def test_import_human_output_counts_not_running(cli: Callable[..., Any], fixtures_dir: Path) -> None:
    result = cli("import", str(fixtures_dir / "fit" / "garmin-fenix-5-bike.fit"))
    assert result.exit_code == 0
    assert "0 imported" in result.stdout and "1 not running" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_summary_prints_a_chart_and_writes_png_and_svg(
    cli: Callable[..., Any], fixtures_dir: Path, tmp_path: Path
) -> None:
    # the sample runs are years old: summary over all weeks since 2012 shows them
    folder = tmp_path / "runs"
    folder.mkdir()
    for name in ("activity-small-fenix2-run.fit", "garmin-fenix-5-run.fit", "sample_mulitple_header.fit"):
        shutil.copy(fixtures_dir / "fit" / name, folder / name)
    assert cli("import", str(folder)).exit_code == 0
    png, svg = tmp_path / "load.png", tmp_path / "load.svg"
    result = cli("training", "summary", "--weeks", "520", "--chart", str(png))
    assert result.exit_code == 0, result.stderr
    assert "Weekly running distance" in result.stdout
    assert "█" in result.stdout
    assert "Not measured" in result.stdout and "camber" in result.stdout
    # the spike legend is training.yaml's definition with its numbers (one line at any width)
    legend = " ".join(result.stdout.split())
    assert "! = a week with a run >10 % longer than the longest of the 30 days before" in legend
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert cli("training", "summary", "--weeks", "520", "--chart", str(svg)).exit_code == 0
    assert "<svg" in svg.read_text()
    payload = cli("training", "summary", "--weeks", "520", "--json").json()
    assert sum(w["distance_m"] for w in payload["weeks"]) > 9000


def test_summary_refuses_an_unknown_chart_format(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("training", "summary", "--chart", str(tmp_path / "chart.gif"))
    assert result.exit_code != 0
    assert ".png or .svg" in result.stderr


def test_an_interrupted_import_keeps_what_was_stored_and_says_so(
    cli: Callable[..., Any], fixtures_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "runs"
    folder.mkdir()
    for name in ("activity-small-fenix2-run.fit", "garmin-fenix-5-run.fit"):
        shutil.copy(fixtures_dir / "fit" / name, folder / name)
    real = import_service._import_one
    calls: list[str] = []

    def stopped_on_the_second_file(source: Any, *args: Any) -> str:
        calls.append(source.label)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second file is read
        return real(source, *args)

    monkeypatch.setattr(import_service, "_import_one", stopped_on_the_second_file)
    result = cli("import", str(folder))
    assert result.exit_code == 130
    assert "interrupted" in result.stderr and "Traceback" not in result.stdout + result.stderr
    monkeypatch.setattr(import_service, "_import_one", real)
    again = cli("import", str(folder), "--json").json()
    assert (again["imported"], again["duplicates"]) == (1, 1)  # the first file was kept
