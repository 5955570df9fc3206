"""Run `hipcheck` as separate processes (as a person would) on one temporary SQLite database per
module: one assessment with a pain diary, a HAGOS questionnaire and recent runs to report on."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parents[2] / "cases" / "dev-cases.jsonl"


@dataclass(frozen=True)
class Done:
    exit_code: int
    stdout: str
    stderr: str


Hipcheck = Callable[..., Done]


@dataclass(frozen=True)
class Stored:
    assessment_id: str
    top_cause: str
    workdir: Path


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("report")


@pytest.fixture(scope="module")
def hipcheck(workdir: Path) -> Hipcheck:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIPCHECK_")}
    env.update(HIPCHECK_DATABASE_URL=f"sqlite:///{workdir}/hipcheck.db", COLUMNS="120", NO_COLOR="1")

    def run(*args: str) -> Done:
        done = subprocess.run(
            [sys.executable, "-m", "hipcheck", *args],
            env=env,
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return Done(done.returncode, done.stdout, done.stderr)

    return run


def _gpx(start: dt.datetime, km: float) -> str:
    """A running track heading north at 3 m/s, one point every 10 s."""
    points = []
    steps = int(km * 1000 / 30)
    for i in range(steps + 1):
        lat = 45.0 + i * 30 / 111_195  # 30 m per step
        when = (start + dt.timedelta(seconds=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        points.append(f'<trkpt lat="{lat:.7f}" lon="7.0"><time>{when}</time></trkpt>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><type>running</type><trkseg>{''.join(points)}</trkseg></trk></gpx>\n"
    )


@pytest.fixture(scope="module")
def stored(hipcheck: Hipcheck, workdir: Path) -> Stored:
    done = hipcheck("assess", "--case", str(CASES), "--json")
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    ident = result["id"]
    today = dt.datetime.now().astimezone().date()  # the runner's calendar day, as the diary uses
    for days_ago, rest, during in ((9, 4, 6), (6, 3, 5), (3, 2, 3), (1, 1, 2)):
        day = (today - dt.timedelta(days=days_ago)).isoformat()
        done = hipcheck("diary", "add", ident, "--date", day, "--rest", str(rest), "--during", str(during))
        assert done.exit_code == 0, done.stderr
    answers = workdir / "hagos.json"
    items = [f"S{i}" for i in range(1, 8)] + [f"P{i}" for i in range(1, 11)] + [f"A{i}" for i in range(1, 6)]
    items += [f"SP{i}" for i in range(1, 9)] + ["PA1", "PA2"] + [f"Q{i}" for i in range(1, 6)]
    answers.write_text(json.dumps(dict.fromkeys(items, 1)), encoding="utf-8")
    done = hipcheck("hagos", "--answers", str(answers), "--assessment", ident)
    assert done.exit_code == 0, done.stderr
    runs = workdir / "runs"
    runs.mkdir()
    now = dt.datetime.now(dt.UTC).replace(hour=7, minute=0, second=0, microsecond=0)
    for days_ago, km in ((20, 5.0), (13, 6.0), (8, 5.0), (4, 9.0)):
        (runs / f"run-{days_ago}.gpx").write_text(
            _gpx(now - dt.timedelta(days=days_ago), km), encoding="utf-8"
        )
    done = hipcheck("import", str(runs))
    assert done.exit_code == 0, done.stdout + done.stderr
    return Stored(ident, result["conditions"][0]["name"], workdir)
