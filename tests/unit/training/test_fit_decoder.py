"""The hand-written FIT decoder against fitdecode (the oracle) on every sample and on generated files."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hipcheck.training.importers.fit import FIT_EPOCH, SPORTS, SUB_SPORTS, crc16, decode_fit

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "activities" / "fit").glob("*.fit"))


def _seconds(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value - FIT_EPOCH).total_seconds()
    return value


def _expected_session_value(session: dict[str, Any], key: str) -> Any:
    if key == "avg_cadence":
        return session.get("avg_cadence", session.get("avg_running_cadence"))
    value = session.get(key)
    if key in ("timestamp", "start_time"):
        return _seconds(value)
    return value


def _mine_session_value(key: str, value: Any) -> Any:
    if key == "sport" and value is not None:
        return SPORTS.get(int(value), value)
    if key == "sub_sport" and value is not None:
        return SUB_SPORTS.get(int(value), value)
    return value


def _record_expectations(record: dict[str, Any]) -> dict[str, Any]:
    cadence = record.get("cadence")
    if cadence is not None and record.get("fractional_cadence") is not None:
        cadence = cadence + record["fractional_cadence"]
    return {
        "timestamp": _seconds(record.get("timestamp")),
        "distance": record.get("distance"),
        "speed": record.get("enhanced_speed", record.get("speed")),
        "heart_rate": record.get("heart_rate"),
        "cadence": cadence,
    }


def assert_same_as_fitdecode(data: bytes, oracle: Any) -> None:
    sessions, records, error = oracle(data)
    mine = decode_fit(data, records=True, check_crc=False)
    assert len(mine.sessions) == len(sessions)
    for expected, got in zip(sessions, mine.sessions, strict=True):
        assert got, "a session was decoded empty"
        for key, value in got.items():
            assert _mine_session_value(key, value) == _expected_session_value(expected, key), key
    assert mine.records is not None
    assert len(mine.records) == len(records)
    for i, record in enumerate(records):
        for name, expected in _record_expectations(record).items():
            actual = float(getattr(mine.records, name)[i])
            if expected is None:
                assert math.isnan(actual), (i, name)
            else:
                assert actual == float(expected), (i, name, expected, actual)
    assert (error is None) == (mine.error is None)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_every_sample_file_decodes_to_fitdecodes_values(path: Path, fitdecode_reader: Any) -> None:
    assert_same_as_fitdecode(path.read_bytes(), fitdecode_reader)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_lap_summaries_equal_fitdecodes(path: Path, fitdecode_reader: Any) -> None:
    laps, _, _ = fitdecode_reader(path, message="lap")
    mine = decode_fit(path.read_bytes(), check_crc=False).laps
    assert len(mine) == len(laps)
    for expected, got in zip(laps, mine, strict=True):
        for key, value in got.items():
            assert _mine_session_value(key, value) == _expected_session_value(expected, key), key


def test_the_sample_set_covers_the_hard_cases() -> None:
    names = {p.name for p in SAMPLES}
    assert {
        "compressed-speed-distance.fit",
        "developer-types-sample.fit",
        "sample_mulitple_header.fit",
    } <= names


def test_chained_file_yields_every_session() -> None:
    decoded = decode_fit((SAMPLES[0].parent / "sample_mulitple_header.fit").read_bytes())
    assert decoded.chained_files == 4
    assert [SPORTS[int(s["sport"] or 0)] for s in decoded.sessions] == [
        "swimming", "transition", "cycling", "transition", "running",
    ]  # fmt: skip
    assert decoded.error is None


def test_malformed_file_stops_at_the_same_byte_as_fitdecode_and_keeps_what_came_before() -> None:
    decoded = decode_fit(
        (SAMPLES[0].parent / "strava-android-app-201.10-b1218918.fit").read_bytes(), records=True
    )
    assert decoded.error_offset == 7471
    assert "never defined" in (decoded.error or "")
    assert decoded.records is not None and len(decoded.records) == 473
    assert decoded.sessions and decoded.sessions[0]["total_distance"] == 11274.04


def test_crc16_matches_the_sdk_nibble_algorithm_on_large_and_small_inputs(fit: Any) -> None:
    rng = np.random.default_rng(7)
    for size in (0, 1, 100, 40_000, 300_001):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        assert crc16(data) == fit.crc(data)


def _generated_run(fit: Any, *, big_endian: bool = False) -> bytes:
    start = fit.seconds(datetime(2024, 3, 4, 7, 0, tzinfo=UTC))
    w = fit.Writer(big_endian=big_endian)
    w.define(0, 0, [(0, "B", 0x00)]).data(0, [4])
    w.define(1, 20, [(253, "I", 0x86), (5, "I", 0x86), (6, "H", 0x84), (3, "B", 0x02), (4, "B", 0x02)])
    for i in range(50):
        w.data(1, [start + i, i * 300, 3000, 140 + (i % 5) if i != 7 else 0xFF, 85])
    w.define(2, 18, fit.SESSION_FIELDS).data(2, fit.run_session(start, 150.0, 49))
    return w.build()


@pytest.mark.parametrize("big_endian", [False, True])
def test_generated_file_little_and_big_endian(fit: Any, fitdecode_reader: Any, big_endian: bool) -> None:
    data = _generated_run(fit, big_endian=big_endian)
    assert_same_as_fitdecode(data, fitdecode_reader)
    decoded = decode_fit(data, records=True)
    assert decoded.error is None
    assert decoded.records is not None and math.isnan(decoded.records.heart_rate[7])


def test_developer_fields_are_skipped_without_shifting_other_fields(fit: Any, fitdecode_reader: Any) -> None:
    start = fit.seconds(datetime(2024, 3, 4, 7, 0, tzinfo=UTC))
    w = fit.Writer()
    w.define(0, 0, [(0, "B", 0x00)]).data(0, [4])
    w.define(3, 207, [(0, "B", 0x0D), (3, "B", 0x02)]).data(3, [0, 0])  # developer_data_id
    w.define(1, 20, [(253, "I", 0x86), (3, "B", 0x02), (4, "B", 0x02)], dev_fields=[(0, 2, 0), (1, 3, 0)])
    for i in range(10):
        w.data(1, [start + i, 150, 88])
    w.define(2, 18, fit.SESSION_FIELDS).data(2, fit.run_session(start, 30.0, 9))
    data = w.build()
    decoded = decode_fit(data, records=True)
    assert decoded.error is None
    assert decoded.records is not None and list(decoded.records.cadence) == [88.0] * 10


def test_compressed_timestamps_roll_over_like_fitdecode(fit: Any, fitdecode_reader: Any) -> None:
    start = fit.seconds(datetime(2024, 3, 4, 7, 0, 30, tzinfo=UTC))  # low 5 bits near the top
    w = fit.Writer()
    w.define(0, 0, [(0, "B", 0x00)]).data(0, [4])
    w.define(1, 20, [(253, "I", 0x86), (3, "B", 0x02)]).data(1, [start, 120])
    w.define(2, 20, [(3, "B", 0x02)])
    for step in range(1, 70):
        w.data(2, [120 + step % 50], time_offset=(start + step * 3) & 0x1F)
    w.define(3, 18, fit.SESSION_FIELDS).data(3, fit.run_session(start, 500.0, 207))
    data = w.build()
    assert_same_as_fitdecode(data, fitdecode_reader)
    records = decode_fit(data, records=True).records
    assert records is not None
    assert list(np.diff(records.timestamp)) == [3.0] * 69


def test_crc_mismatch_truncation_and_undefined_type_are_reported(fit: Any) -> None:
    good = _generated_run(fit)
    assert decode_fit(good).error is None
    bad_crc = decode_fit(good[:-2] + bytes([good[-2] ^ 0xFF, good[-1]]))
    assert bad_crc.error is not None and "checksum" in bad_crc.error
    cut = decode_fit(good[: len(good) // 2])
    assert cut.error is not None and "cut off" in cut.error
    assert cut.sessions == []
    w = fit.Writer()
    w.define(0, 0, [(0, "B", 0x00)]).data(0, [4])
    w.body += bytes([5, 1, 2, 3])  # data message of local type 5, never defined
    broken = decode_fit(w.build())
    assert broken.error is not None and "local message type 5" in broken.error


def test_not_fit_at_all_raises_with_a_reason() -> None:
    from hipcheck.training.importers.fit import FitDecodeError

    with pytest.raises(FitDecodeError, match="not a FIT file"):
        decode_fit(b"<?xml version='1.0'?><gpx></gpx>")
