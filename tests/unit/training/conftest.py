"""Fixtures for the training tests: sample files and a tiny FIT writer for generated files."""

from __future__ import annotations

import struct
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

FIT_EPOCH_UNIX = 631065600


def fit_crc(data: bytes, crc: int = 0) -> int:
    """The FIT SDK's nibble-table CRC, written independently of the decoder under test."""
    table = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
             0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400]  # fmt: skip
    for byte in data:
        tmp = table[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ table[byte & 0xF]
        tmp = table[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ table[(byte >> 4) & 0xF]
    return crc


@dataclass
class FitWriter:
    """Builds FIT byte strings message by message (fields: (number, struct code, base type))."""

    big_endian: bool = False

    def __post_init__(self) -> None:
        self.body = bytearray()
        self.layouts: dict[int, list[tuple[int, str, int]]] = {}
        self.dev_sizes: dict[int, int] = {}

    def define(
        self,
        local: int,
        global_num: int,
        fields: list[tuple[int, str, int]],
        dev_fields: list[tuple[int, int, int]] | None = None,
    ) -> FitWriter:
        header = 0x40 | local | (0x20 if dev_fields else 0)
        order = ">" if self.big_endian else "<"
        out = bytearray([header, 0, 1 if self.big_endian else 0])
        out += struct.pack(order + "H", global_num)
        out.append(len(fields))
        for num, code, base in fields:
            out += bytes([num, struct.calcsize(code), base])
        if dev_fields:
            out.append(len(dev_fields))
            for num, size, index in dev_fields:
                out += bytes([num, size, index])
        self.body += out
        self.layouts[local] = fields
        self.dev_sizes[local] = sum(size for _, size, _ in dev_fields or [])
        return self

    def data(self, local: int, values: Iterable[Any], *, time_offset: int | None = None) -> FitWriter:
        order = ">" if self.big_endian else "<"
        header = local if time_offset is None else 0x80 | (local << 5) | (time_offset & 0x1F)
        out = bytearray([header])
        for (_, code, _), value in zip(self.layouts[local], values, strict=True):
            out += (
                struct.pack(order + code, *value)
                if isinstance(value, tuple)
                else struct.pack(order + code, value)
            )
        out += bytes(range(1, self.dev_sizes[local] + 1))
        self.body += out
        return self

    def build(self, *, header_size: int = 14, good_crc: bool = True) -> bytes:
        header = struct.pack("<BBHI4s", header_size, 0x20, 2132, len(self.body), b".FIT")
        if header_size == 14:
            header += struct.pack("<H", fit_crc(header))
        crc = fit_crc(header + bytes(self.body))
        return header + bytes(self.body) + struct.pack("<H", crc if good_crc else crc ^ 0xFFFF)


def fit_seconds(when: datetime) -> int:
    return int(when.timestamp()) - FIT_EPOCH_UNIX


SESSION_FIELDS = [
    (253, "I", 0x86),  # timestamp
    (2, "I", 0x86),  # start_time
    (5, "B", 0x00),  # sport
    (6, "B", 0x00),  # sub_sport
    (7, "I", 0x86),  # total_elapsed_time (ms)
    (8, "I", 0x86),  # total_timer_time (ms)
    (9, "I", 0x86),  # total_distance (cm)
    (16, "B", 0x02),  # avg_heart_rate
    (17, "B", 0x02),  # max_heart_rate
    (18, "B", 0x02),  # avg_cadence (one foot)
    (22, "H", 0x84),  # total_ascent
]


def run_session(start: int, distance_m: float, seconds: float, *, sport: int = 1, cadence: int = 85) -> tuple:
    return (start + int(seconds), start, sport, 0, int(seconds * 1000), int(seconds * 1000),
            round(distance_m * 100), 150, 175, cadence, 40)  # fmt: skip


@pytest.fixture
def fit() -> SimpleNamespace:
    """The FIT writer and helpers for generated files."""
    return SimpleNamespace(
        Writer=FitWriter,
        SESSION_FIELDS=SESSION_FIELDS,
        run_session=run_session,
        seconds=fit_seconds,
        crc=fit_crc,
    )


@pytest.fixture
def fitdecode_reader() -> Any:
    """A function: FIT path or bytes -> (sessions, records, error) as fitdecode reads them."""
    import io

    import fitdecode

    def read(
        source: Path | bytes, *, message: str = "session"
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str | None]:
        sessions: list[dict[str, Any]] = []
        records: list[dict[str, Any]] = []
        error = None
        stream = io.BytesIO(source) if isinstance(source, bytes) else source
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with fitdecode.FitReader(stream, check_crc=fitdecode.CrcCheck.DISABLED) as reader:
                    for frame in reader:
                        if isinstance(frame, fitdecode.FitDataMessage):
                            values = {f.name: f.value for f in frame.fields}
                            if frame.name == message:
                                sessions.append(values)
                            elif frame.name == "record":
                                records.append(values)
        except fitdecode.FitError as exc:
            error = str(exc)
        return sessions, records, error

    return read
