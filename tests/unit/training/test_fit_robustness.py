"""Damaged FIT bytes never crash the reader: it reports a reason (or reads what is intact)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipcheck.errors import ImportFileError
from hipcheck.training.importers.fit import FitDecodeError, decode_fit, read_fit

FIT_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "activities" / "fit"
SMALL = [(FIT_DIR / n).read_bytes() for n in ("garmin-fenix-5-run.fit", "compressed-speed-distance.fit",
                                              "developer-types-sample.fit")]  # fmt: skip


def _check(data: bytes) -> None:
    try:
        decoded = decode_fit(data, records=True)
    except FitDecodeError:
        return
    if decoded.records is not None:
        assert len(decoded.records.timestamp) == len(decoded.records.cadence)
    try:
        read_fit(data, "damaged.fit")
    except ImportFileError as exc:
        assert exc.reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(0, len(SMALL) - 1),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_flipped_bytes_give_a_reason_not_a_crash(which: int, flips: list[tuple[float, int]]) -> None:
    data = bytearray(SMALL[which])
    for where, value in flips:
        data[int(where * len(data))] = value
    _check(bytes(data))


@settings(max_examples=150, deadline=None)
@given(which=st.integers(0, len(SMALL) - 1), cut=st.floats(0, 1))
def test_cut_files_give_a_reason_not_a_crash(which: int, cut: float) -> None:
    data = SMALL[which]
    _check(data[: int(cut * len(data))])
