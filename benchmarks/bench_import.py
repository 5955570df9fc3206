"""Import throughput: hipcheck's FIT reader against a plain fitdecode loop, side by side in one run.

The sample FIT files are copied to a temporary folder until the corpus reaches ``--mb``
megabytes (default 300). Both readers get the same files from the page cache:

* hipcheck: read the file, SHA-256 it, ``parse_bytes`` -> activities (what `hipcheck import`
  does per file before the database); and the same with per-second records decoded too.
* hipcheck end to end: ``import_paths`` on the corpus folder into a temporary SQLite file
  (discover, read, hash, parse, one transaction per file; copies after the first are duplicates).
* fitdecode: a plain loop over every frame, keeping the session messages (and the records).
  fitdecode runs at about 0.5 MB/s, so by default it is timed on the first ``--fitdecode-mb``
  megabytes of the same corpus (every sample file at least once); MB/s is a rate, and the ratio
  compares the rates.

Before timing, every distinct sample's session summary and records are checked to be identical
between the two (the tests check the same on every field). Run: ``python -m benchmarks.bench_import``.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import platform
import shutil
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fitdecode

from hipcheck.training.importers import parse_bytes
from hipcheck.training.importers.fit import FIT_EPOCH, decode_fit

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "activities" / "fit"


def _fitdecode_file(path: Path, records: bool) -> tuple[list[dict[str, Any]], int]:
    sessions: list[dict[str, Any]] = []
    n_records = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with fitdecode.FitReader(str(path)) as reader:
                for frame in reader:
                    if isinstance(frame, fitdecode.FitDataMessage):
                        if frame.name == "session":
                            sessions.append({f.name: f.value for f in frame.fields})
                        elif records and frame.name == "record":
                            values = {f.name: f.value for f in frame.fields}
                            n_records += values.get("timestamp") is not None
    except fitdecode.FitError:
        pass  # the malformed sample: keep what was read, as hipcheck does
    return sessions, n_records


def _hipcheck_file(path: Path, records: bool) -> int:
    data = path.read_bytes()
    hashlib.sha256(data).digest()
    if records:
        decoded = decode_fit(data, records=True)
        return len(decoded.records) if decoded.records is not None else 0
    try:
        return len(parse_bytes(data, path.name).activities)
    except Exception:
        return 0


def _same(expected: Any, actual: float) -> bool:
    if expected is None:
        return math.isnan(actual)
    if isinstance(expected, datetime):
        expected = (expected - FIT_EPOCH).total_seconds()
    return bool(float(expected) == actual)


def _check_identical(paths: list[Path]) -> tuple[int, int]:
    """(values compared, values that differ) over session summaries and every record's columns."""
    compared = differ = 0
    for path in paths:
        sessions: list[dict[str, Any]] = []
        records: list[dict[str, Any]] = []
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with fitdecode.FitReader(str(path)) as reader:
                    for frame in reader:
                        if isinstance(frame, fitdecode.FitDataMessage) and frame.name in (
                            "session",
                            "record",
                        ):
                            values = {f.name: f.value for f in frame.fields}
                            (sessions if frame.name == "session" else records).append(values)
        except fitdecode.FitError:
            pass
        mine = decode_fit(path.read_bytes(), records=True, check_crc=False)
        for theirs, ours in zip(sessions, mine.sessions, strict=True):
            for key in (
                "start_time",
                "total_distance",
                "total_timer_time",
                "total_elapsed_time",
                "avg_heart_rate",
            ):
                compared += 1
                value = ours.get(key)
                differ += not _same(theirs.get(key), float("nan") if value is None else float(value))
        assert mine.records is not None and len(mine.records) == len(records)
        for i, rec in enumerate(records):
            cadence = rec.get("cadence")
            if cadence is not None and rec.get("fractional_cadence") is not None:
                cadence += rec["fractional_cadence"]
            expected = {
                "timestamp": rec.get("timestamp"),
                "distance": rec.get("distance"),
                "speed": rec.get("enhanced_speed", rec.get("speed")),
                "heart_rate": rec.get("heart_rate"),
                "cadence": cadence,
            }
            for name, value in expected.items():
                compared += 1
                differ += not _same(value, float(getattr(mine.records, name)[i]))
    return compared, differ


def _time(fn: Any, paths: list[Path], records: bool) -> tuple[float, float]:
    size = sum(p.stat().st_size for p in paths)
    start = time.perf_counter()
    for path in paths:
        fn(path, records)
    return size / 1e6, time.perf_counter() - start


def _time_store_import(folder: Path, total_bytes: int) -> tuple[float, float]:
    """The whole `hipcheck import` use case on the corpus folder: find, hash, parse, store (SQLite)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    from hipcheck.store.activities import ActivityRow
    from hipcheck.store.base import Base
    from hipcheck.training.import_service import import_paths

    engine = create_engine(f"sqlite:///{folder / 'bench.db'}")
    Base.metadata.create_all(engine, tables=[ActivityRow.__table__])  # type: ignore[list-item]
    start = time.perf_counter()
    report = import_paths([folder], sessionmaker(engine, expire_on_commit=False))
    elapsed = time.perf_counter() - start
    engine.dispose()
    assert report.imported + report.duplicates + report.skipped > 0
    return total_bytes / 1e6, elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=300.0, help="corpus size for hipcheck (MB)")
    parser.add_argument("--fitdecode-mb", type=float, default=12.0, help="MB of it fitdecode reads")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else [])
    samples = sorted(SAMPLES.glob("*.fit"))
    compared, differ = _check_identical(samples)
    print(f"values compared with fitdecode: {compared}, different: {differ}")
    with tempfile.TemporaryDirectory() as tmp:
        corpus: list[Path] = []
        total = 0
        copy = 0
        while total < args.mb * 1e6:
            for sample in samples:
                target = Path(tmp) / f"{copy:05d}-{sample.name}"
                shutil.copyfile(sample, target)
                corpus.append(target)
                total += sample.stat().st_size
            copy += 1
        for path in corpus:  # warm the page cache for both
            path.read_bytes()
        fd_corpus: list[Path] = []
        fd_total = 0
        for path in corpus:
            if fd_total >= args.fitdecode_mb * 1e6 and len(fd_corpus) >= len(samples):
                break
            fd_corpus.append(path)
            fd_total += path.stat().st_size
        print(
            f"corpus: {len(corpus)} files, {total / 1e6:.0f} MB ({copy} copies of {len(samples)} samples); "
            f"fitdecode reads the first {len(fd_corpus)} files ({fd_total / 1e6:.1f} MB)"
        )
        print(f"{'mode':<10} {'reader':<30} {'MB':>8} {'seconds':>9} {'MB/s':>8}")
        for records in (False, True):
            mode = "records" if records else "summaries"
            mb_h, s_h = _time(_hipcheck_file, corpus, records)
            mb_f, s_f = _time(_fitdecode_file, fd_corpus, records)
            rate_h, rate_f = mb_h / s_h, mb_f / s_f
            print(f"{mode:<10} {'hipcheck':<30} {mb_h:8.1f} {s_h:9.2f} {rate_h:8.1f}")
            name = f"fitdecode {fitdecode.__version__}"
            print(f"{mode:<10} {name:<30} {mb_f:8.1f} {s_f:9.2f} {rate_f:8.2f}")
            print(f"{mode:<10} ratio hipcheck/fitdecode: {rate_h / rate_f:.0f}x")
        mb_e, s_e = _time_store_import(Path(tmp), total)
        print(
            f"{'end-to-end':<10} {'hipcheck import into SQLite':<30} {mb_e:8.1f} {s_e:9.2f} {mb_e / s_e:8.1f}"
        )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}"
    )


if __name__ == "__main__":
    main()
