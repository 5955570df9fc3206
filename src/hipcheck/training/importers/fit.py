"""A hand-written, vectorised decoder for Garmin FIT activity files.

Only what training history needs is decoded: ``file_id``, ``session``, ``lap`` and ``activity``
messages always; ``record`` messages (time, distance, speed, heart rate, cadence) on request.
Every message is still framed, because a FIT message's size is known only from the definition
message before it. The framing walk is a tight Python loop that only notes where the wanted
messages start; the fields are then gathered for all messages of one definition at once with
numpy (the messages of one definition have a fixed size, so they form a structured array).

Covered: 12- and 14-byte headers and both CRCs, big- and little-endian definitions, developer
fields (their bytes are skipped), compressed-timestamp record headers, the accumulated
``compressed_speed_distance`` field, chained FIT files, invalid-value sentinels. Values are
computed exactly as fitdecode computes them (``float(raw) / scale``), which the tests check
on every sample file.

A damaged file is decoded up to the damage; the result carries ``error`` (what is wrong,
in words) and ``error_offset`` so the importer can decide what to keep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from hipcheck.errors import ImportFileError
from hipcheck.training.activity import FOOT_SPORTS, Activity, ParsedFile, normalize_sport

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
#: Timestamps below this are seconds since the device was powered on, not since the FIT epoch.
RELATIVE_TIME_LIMIT = 0x10000000

MESG_FILE_ID = 0
MESG_SESSION = 18
MESG_LAP = 19
MESG_RECORD = 20
MESG_ACTIVITY = 34
FIELD_TIMESTAMP = 253

# FIT base types: number -> (numpy kind, size, invalid raw value or None for "no sentinel").
_BASE_TYPES: dict[int, tuple[str, int, int | None]] = {
    0x00: ("u1", 1, 0xFF),  # enum
    0x01: ("i1", 1, 0x7F),
    0x02: ("u1", 1, 0xFF),
    0x83: ("i2", 2, 0x7FFF),
    0x84: ("u2", 2, 0xFFFF),
    0x85: ("i4", 4, 0x7FFFFFFF),
    0x86: ("u4", 4, 0xFFFFFFFF),
    0x0A: ("u1", 1, 0x00),  # uint8z
    0x8B: ("u2", 2, 0x0000),  # uint16z
    0x8C: ("u4", 4, 0x00000000),  # uint32z
    0x0D: ("u1", 1, None),  # byte (invalid only when every byte is 0xFF)
    0x8E: ("i8", 8, 0x7FFFFFFFFFFFFFFF),
    0x8F: ("u8", 8, 0xFFFFFFFFFFFFFFFF),
    0x90: ("u8", 8, 0),  # uint64z
}

SPORTS: dict[int, str] = {
    0: "generic", 1: "running", 2: "cycling", 3: "transition", 4: "fitness_equipment", 5: "swimming",
    6: "basketball", 7: "soccer", 8: "tennis", 9: "american_football", 10: "training", 11: "walking",
    12: "cross_country_skiing", 13: "alpine_skiing", 14: "snowboarding", 15: "rowing",
    16: "mountaineering", 17: "hiking", 18: "multisport", 19: "paddling", 20: "flying", 21: "e_biking",
    22: "motorcycling", 23: "boating", 24: "driving", 25: "golf", 26: "hang_gliding",
    27: "horseback_riding", 28: "hunting", 29: "fishing", 30: "inline_skating", 31: "rock_climbing",
    32: "sailing", 33: "ice_skating", 34: "sky_diving", 35: "snowshoeing", 36: "snowmobiling",
    37: "stand_up_paddleboarding", 38: "surfing", 39: "wakeboarding", 40: "water_skiing",
    41: "kayaking", 42: "rafting", 43: "windsurfing", 44: "kitesurfing", 45: "tactical",
    46: "jumpmaster", 47: "boxing", 48: "floor_climbing", 49: "baseball", 53: "diving", 62: "hiit",
    64: "racket", 65: "wheelchair_push_walk", 66: "wheelchair_push_run", 67: "meditation",
    69: "disc_golf", 71: "cricket", 72: "rugby", 73: "hockey", 74: "lacrosse", 75: "volleyball",
    76: "water_tubing", 77: "wakesurfing", 80: "mixed_martial_arts", 82: "snorkeling", 83: "dance",
    84: "jump_rope", 254: "all",
}  # fmt: skip

SUB_SPORTS: dict[int, str] = {
    0: "generic", 1: "treadmill", 2: "street", 3: "trail", 4: "track", 5: "spin", 6: "indoor_cycling",
    7: "road", 8: "mountain", 9: "downhill", 10: "recumbent", 11: "cyclocross", 12: "hand_cycling",
    13: "track_cycling", 14: "indoor_rowing", 15: "elliptical", 16: "stair_climbing",
    17: "lap_swimming", 18: "open_water", 19: "flexibility_training", 20: "strength_training",
    21: "warm_up", 22: "match", 23: "exercise", 24: "challenge", 25: "indoor_skiing",
    26: "cardio_training", 27: "indoor_walking", 28: "e_bike_fitness", 29: "bmx", 30: "casual_walking",
    31: "speed_walking", 32: "bike_to_run_transition", 33: "run_to_bike_transition",
    34: "swim_to_bike_transition", 37: "backcountry", 45: "indoor_running", 46: "gravel_cycling",
    47: "e_bike_mountain", 48: "commuting", 49: "mixed_surface", 58: "virtual_activity",
    59: "obstacle", 67: "ultra", 70: "hiit", 254: "all",
}  # fmt: skip

# Summary fields: message -> {field number: (name, scale)}. Numbers are the FIT profile's.
_SUMMARY_FIELDS: dict[int, dict[int, tuple[str, int]]] = {
    MESG_SESSION: {
        253: ("timestamp", 1), 2: ("start_time", 1), 5: ("sport", 1), 6: ("sub_sport", 1),
        7: ("total_elapsed_time", 1000), 8: ("total_timer_time", 1000), 9: ("total_distance", 100),
        16: ("avg_heart_rate", 1), 17: ("max_heart_rate", 1), 18: ("avg_cadence", 1),
        92: ("avg_fractional_cadence", 128), 22: ("total_ascent", 1), 59: ("total_moving_time", 1000),
        14: ("avg_speed", 1000), 124: ("enhanced_avg_speed", 1000),
    },
    MESG_LAP: {
        253: ("timestamp", 1), 2: ("start_time", 1), 25: ("sport", 1), 39: ("sub_sport", 1),
        7: ("total_elapsed_time", 1000), 8: ("total_timer_time", 1000), 9: ("total_distance", 100),
        15: ("avg_heart_rate", 1), 16: ("max_heart_rate", 1), 17: ("avg_cadence", 1),
        80: ("avg_fractional_cadence", 128), 21: ("total_ascent", 1), 52: ("total_moving_time", 1000),
        13: ("avg_speed", 1000), 110: ("enhanced_avg_speed", 1000),
    },
    MESG_ACTIVITY: {253: ("timestamp", 1), 5: ("local_timestamp", 1), 0: ("total_timer_time", 1000)},
    MESG_FILE_ID: {0: ("type", 1)},
}  # fmt: skip

_RECORD_FIELDS: dict[int, tuple[str, int]] = {
    253: ("timestamp", 1),
    3: ("heart_rate", 1),
    4: ("cadence", 1),
    5: ("distance", 100),
    6: ("speed", 1000),
    73: ("enhanced_speed", 1000),
    53: ("fractional_cadence", 128),
}
_COMPRESSED_SPEED_DISTANCE = 8

Number = int | float


class FitDecodeError(Exception):
    """The bytes are not a readable FIT file; ``reason`` is written for a person."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"{reason} (byte {offset})")
        self.offset = offset
        self.reason = reason


@dataclass
class _Definition:
    global_num: int
    size: int  # bytes after the record header
    little: bool
    fields: dict[int, tuple[int, int, int]]  # field number -> (offset, size, base type)
    offsets: list[int] = field(default_factory=list)  # where each wanted message's content starts


@dataclass(frozen=True)
class RecordArrays:
    """Per-second samples as columns; NaN where the device wrote nothing (or an invalid value).

    ``timestamp`` is FIT seconds (since 1989-12-31 UTC, or device-relative below
    :data:`RELATIVE_TIME_LIMIT`), ``speed`` is ``enhanced_speed`` when present, ``cadence`` is the
    raw one-foot value plus ``fractional_cadence`` (multiply by 2 for steps per minute).
    """

    timestamp: npt.NDArray[np.float64]
    distance: npt.NDArray[np.float64]
    speed: npt.NDArray[np.float64]
    heart_rate: npt.NDArray[np.float64]
    cadence: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.timestamp.shape[0])


@dataclass
class FitDecoded:
    """What was read from one FIT byte string (several chained FIT files are concatenated)."""

    file_types: list[int] = field(default_factory=list)
    sessions: list[dict[str, Number | None]] = field(default_factory=list)
    laps: list[dict[str, Number | None]] = field(default_factory=list)
    activities: list[dict[str, Number | None]] = field(default_factory=list)
    records: RecordArrays | None = None
    chained_files: int = 0
    crc_ok: bool = True
    error: str | None = None
    error_offset: int | None = None


def fit_time(raw: Number) -> datetime:
    """A FIT timestamp (seconds since 1989-12-31 UTC) as an aware UTC datetime."""
    return FIT_EPOCH + timedelta(seconds=float(raw))


def looks_like_fit(data: bytes) -> bool:
    return len(data) >= 12 and data[8:12] == b".FIT"


# --------------------------------------------------------------------------------------------
# CRC-16 (the FIT checksum is CRC-16/ARC: reflected polynomial 0xA001, initial value 0)


def _crc_table() -> npt.NDArray[np.uint16]:
    table = np.zeros(256, dtype=np.uint16)
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table[i] = crc
    return table


_CRC_TABLE = _crc_table()
_CRC_TABLE_LIST = [int(x) for x in _CRC_TABLE]


def _crc_table16() -> npt.NDArray[np.uint16]:
    """Two bytes at a time: for a 16-bit CRC the new state depends only on ``state ^ word``."""
    x = np.arange(65536, dtype=np.uint32)
    t = _CRC_TABLE.astype(np.uint32)
    first = t[x & 0xFF]
    table: npt.NDArray[np.uint16] = ((first >> 8) ^ t[((x >> 8) ^ first) & 0xFF]).astype(np.uint16)
    return table


_CRC_TABLE16: npt.NDArray[np.uint16] | None = None  # built on first use (128 KB)
_BITS = ((np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1).astype(np.uint16)


def _crc_scalar(data: bytes | memoryview, crc: int = 0) -> int:
    table = _CRC_TABLE_LIST
    for byte in bytes(data):
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def _zeros_operator(nbytes: int) -> npt.NDArray[np.uint16]:
    """Columns of the linear map 'feed ``nbytes`` zero bytes' on the 16-bit CRC state."""
    states = np.array([1 << b for b in range(16)], dtype=np.uint16)
    table = _CRC_TABLE
    for _ in range(nbytes):
        states = (states >> 8) ^ table[states & 0xFF]
    return states


def _operator_tables(
    columns: npt.NDArray[np.uint16],
) -> tuple[npt.NDArray[np.uint16], npt.NDArray[np.uint16]]:
    """Lookup tables for the low and high byte of the state under a linear map given by its columns."""
    low = np.bitwise_xor.reduce(_BITS * columns[None, :8], axis=1).astype(np.uint16)
    high = np.bitwise_xor.reduce(_BITS * columns[None, 8:], axis=1).astype(np.uint16)
    return low, high


def _apply(columns: npt.NDArray[np.uint16], states: npt.NDArray[np.uint16]) -> npt.NDArray[np.uint16]:
    low, high = _operator_tables(columns)
    result: npt.NDArray[np.uint16] = low[states & 0xFF] ^ high[states >> 8]
    return result


def crc16(data: bytes | memoryview) -> int:
    """CRC-16/ARC of ``data``, computed on many lanes at once and then folded together.

    The CRC is linear with a zero start value, so leading zero bytes do not change it (which
    lets the input be padded at the front) and the CRC of ``A + B`` is the CRC of ``A`` pushed
    through ``len(B)`` zero bytes, XOR the CRC of ``B``. Each lane eats two bytes per step.
    """
    global _CRC_TABLE16
    n = len(data)
    if n < 1024:
        return _crc_scalar(data)
    lanes = 1 << min(13, (n // 256).bit_length() - 1)
    lane_len = -(-n // lanes)
    lane_len += lane_len % 2
    buf = np.zeros(lane_len * lanes, dtype=np.uint8)
    buf[lane_len * lanes - n :] = np.frombuffer(data, dtype=np.uint8)
    words = np.ascontiguousarray(buf.view("<u2").reshape(lanes, lane_len // 2).T)
    if _CRC_TABLE16 is None:
        _CRC_TABLE16 = _crc_table16()
    table = _CRC_TABLE16
    states = np.zeros(lanes, dtype=np.uint16)
    for row in words:
        states = table[states ^ row]
    operator = _zeros_operator(lane_len)
    while states.shape[0] > 1:
        states = _apply(operator, states[0::2]) ^ states[1::2]
        operator = _apply(operator, operator)
    return int(states[0])


# --------------------------------------------------------------------------------------------
# framing


def _parse_definition(
    data: bytes, pos: int, end: int, wanted: frozenset[int]
) -> tuple[_Definition | None, int, int]:
    """Read a definition message at ``pos`` (after its header byte).

    Returns (definition if its messages are wanted else None, content size, new position).
    """
    if pos + 5 > end:
        raise FitDecodeError(pos, "the file ends in the middle of a message definition")
    little = data[pos + 1] == 0
    global_num = int.from_bytes(data[pos + 2 : pos + 4], "little" if little else "big")
    nfields = data[pos + 4]
    p = pos + 5
    if p + 3 * nfields > end:
        raise FitDecodeError(pos, "the file ends in the middle of a message definition")
    fields: dict[int, tuple[int, int, int]] = {}
    offset = 0
    for i in range(nfields):
        num, size, base = data[p + 3 * i], data[p + 3 * i + 1], data[p + 3 * i + 2]
        fields.setdefault(num, (offset, size, base))
        offset += size
    p += 3 * nfields
    return _Definition(global_num, offset, little, fields) if global_num in wanted else None, offset, p


def _walk(
    data: bytes, start: int, end: int, wanted: frozenset[int]
) -> tuple[list[_Definition], bool, FitDecodeError | None]:
    """Frame the messages of one FIT file body, noting where each wanted message starts.

    Returns (definitions in the order they were read, saw a compressed timestamp header, error).
    On a compressed timestamp header the caller starts again with :func:`_walk_with_timeline`.
    """
    sizes = [-1] * 16
    appends: list[Callable[[int], None] | None] = [None] * 16
    all_defs: list[_Definition] = []
    pos = start
    try:
        while pos < end:
            header = data[pos]
            if not header & 0xC0:  # data message (the common case first)
                local = header & 0x0F
                size = sizes[local]
                if size < 0:
                    raise FitDecodeError(pos, _undefined(local))
                append = appends[local]
                if append is not None:
                    append(pos + 1)
                pos += 1 + size
            elif header & 0x80:  # compressed timestamp header
                return all_defs, True, None
            else:  # definition message
                definition, size, pos = _parse_definition(data, pos + 1, end, wanted)
                if header & 0x20:  # developer fields follow: only their sizes matter here
                    size, pos = _developer_fields(data, pos, end, size)
                local = header & 0x0F
                sizes[local] = size
                appends[local] = None
                if definition is not None:
                    definition.size = size
                    appends[local] = definition.offsets.append
                    all_defs.append(definition)
        if pos > end:
            _drop_incomplete(all_defs, end)
            raise FitDecodeError(end, "the last message runs past the end of the data")
    except FitDecodeError as exc:
        return all_defs, False, exc
    return all_defs, False, None


def _drop_incomplete(definitions: list[_Definition], end: int) -> None:
    """Forget a last message cut off by the end of the data (checked once, not per message)."""
    for definition in definitions:
        while definition.offsets and definition.offsets[-1] + definition.size > end:
            definition.offsets.pop()


def _undefined(local: int) -> str:
    return f"a message uses local message type {local}, which was never defined"


def _developer_fields(data: bytes, pos: int, end: int, size: int) -> tuple[int, int]:
    """Add the developer fields' sizes to a definition's message size; return (size, new position)."""
    if pos >= end:
        raise FitDecodeError(pos, "the file ends in the middle of a message definition")
    ndev = data[pos]
    if pos + 1 + 3 * ndev > end:
        raise FitDecodeError(pos, "the file ends in the middle of a message definition")
    size += sum(data[pos + 2 + 3 * i] for i in range(ndev))
    return size, pos + 1 + 3 * ndev


# --------------------------------------------------------------------------------------------
# field gathering


def _gather(
    data_arr: npt.NDArray[np.uint8], definition: _Definition, specs: dict[int, tuple[str, int]]
) -> dict[str, npt.NDArray[np.float64]]:
    """Decode the wanted scalar fields of every message of one definition at once."""
    offsets = np.asarray(definition.offsets, dtype=np.int64)
    n = offsets.shape[0]
    out: dict[str, npt.NDArray[np.float64]] = {}
    if n == 0:
        return out
    rows = data_arr[offsets[:, None] + np.arange(definition.size, dtype=np.int64)[None, :]]
    order = "<" if definition.little else ">"
    for num, (name, scale) in specs.items():
        spec = definition.fields.get(num)
        if spec is None:
            continue
        offset, size, base = spec
        kind, base_size, invalid = _BASE_TYPES.get(base, ("u1", 1, None))
        if size != base_size:
            continue  # an array where a scalar was expected: not a value we can use
        raw = np.ascontiguousarray(rows[:, offset : offset + size]).view(order + kind).reshape(n)
        values = raw.astype(np.float64)
        if invalid is not None:
            values[raw == invalid] = np.nan
        elif base == 0x0D:
            values[raw == 0xFF] = np.nan
        if scale != 1:
            values = values / scale
        out[name] = values
    return out


def _compressed_speed_distance(
    data_arr: npt.NDArray[np.uint8], definition: _Definition
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    """Expand the 3-byte field: 12 bits of speed (1/100 m/s), 12 bits of accumulated distance (1/16 m)."""
    spec = definition.fields.get(_COMPRESSED_SPEED_DISTANCE)
    if spec is None or spec[1] != 3 or not definition.offsets:
        return None
    offsets = np.asarray(definition.offsets, dtype=np.int64) + spec[0]
    b = data_arr[offsets[:, None] + np.arange(3)[None, :]].astype(np.int64)
    invalid = (b == 0xFF).all(axis=1)
    speed_raw = b[:, 0] | ((b[:, 1] & 0x0F) << 8)
    dist_raw = (b[:, 1] >> 4) | (b[:, 2] << 4)
    # fitdecode starts the accumulator at 0 for each definition and unwraps 12-bit roll-overs.
    valid_idx = np.flatnonzero(~invalid)
    dist = np.full(b.shape[0], np.nan)
    if valid_idx.size:
        r = dist_raw[valid_idx]
        steps = np.diff(r) % 4096
        dist[valid_idx] = (r[0] + np.concatenate(([0], np.cumsum(steps)))).astype(np.float64) / 16
    speed = speed_raw.astype(np.float64) / 100
    speed[invalid] = np.nan
    return speed, dist


def _summaries(
    data_arr: npt.NDArray[np.uint8], defs: list[_Definition], global_num: int
) -> list[tuple[int, dict[str, Number | None]]]:
    specs = _SUMMARY_FIELDS[global_num]
    out: list[tuple[int, dict[str, Number | None]]] = []
    for definition in defs:
        if definition.global_num != global_num or not definition.offsets:
            continue
        cols = _gather(data_arr, definition, specs)
        for i, pos in enumerate(definition.offsets):
            row: dict[str, Number | None] = {}
            for num, (name, scale) in specs.items():
                column = cols.get(name)
                if column is None:
                    if num in definition.fields:
                        row[name] = None
                    continue
                value = float(column[i])
                row[name] = None if value != value else (value if scale != 1 else int(value))
            out.append((pos, row))
    return out


def _records(
    data_arr: npt.NDArray[np.uint8], defs: list[_Definition]
) -> tuple[npt.NDArray[np.int64], dict[str, npt.NDArray[np.float64]]]:
    parts_pos: list[npt.NDArray[np.int64]] = []
    parts: dict[str, list[npt.NDArray[np.float64]]] = {
        k: [] for k in ("timestamp", "distance", "speed", "heart_rate", "cadence")
    }
    for definition in defs:
        if definition.global_num != MESG_RECORD or not definition.offsets:
            continue
        n = len(definition.offsets)
        cols = _gather(data_arr, definition, _RECORD_FIELDS)
        nan = np.full(n, np.nan)
        speed = cols.get("enhanced_speed", cols.get("speed", nan))
        distance = cols.get("distance", nan)
        expanded = _compressed_speed_distance(data_arr, definition)
        if expanded is not None:
            speed, distance = expanded
        cadence = cols.get("cadence", nan)
        if "fractional_cadence" in cols:
            cadence = cadence + np.nan_to_num(cols["fractional_cadence"])
        parts_pos.append(np.asarray(definition.offsets, dtype=np.int64))
        parts["timestamp"].append(cols.get("timestamp", nan))
        parts["distance"].append(distance)
        parts["speed"].append(speed)
        parts["heart_rate"].append(cols.get("heart_rate", nan))
        parts["cadence"].append(cadence)
    if not parts_pos:
        empty = np.zeros(0, dtype=np.float64)
        return np.zeros(0, dtype=np.int64), {k: empty for k in parts}
    positions = np.concatenate(parts_pos)
    return positions, {k: np.concatenate(v) for k, v in parts.items()}


def _resolve_compressed_timestamps(
    data: bytes,
    timeline: list[tuple[int, _Definition | None, int]],
    unwanted_ts: dict[int, tuple[int, bool]],
) -> dict[int, int]:
    """Sequentially resolve compressed timestamps: content position -> FIT seconds."""
    resolved: dict[int, int] = {}
    last = 0
    for pos, definition, time_offset in timeline:
        if time_offset >= 0:
            base = last & ~0x1F
            value = base + time_offset
            if time_offset < (last & 0x1F):
                value += 0x20
            last = value
            resolved[pos] = value
            continue
        if definition is not None:
            spec = definition.fields.get(FIELD_TIMESTAMP)
            if spec is None:
                continue
            offset, little = spec[0], definition.little
        else:
            found = unwanted_ts.get(pos)
            if found is None:
                continue
            offset, little = found
        raw = int.from_bytes(data[pos + offset : pos + offset + 4], "little" if little else "big")
        if raw != 0xFFFFFFFF:
            last = raw
    return resolved


def _walk_with_timeline(
    data: bytes, start: int, end: int, wanted: frozenset[int]
) -> tuple[list[_Definition], FitDecodeError | None, dict[int, int]]:
    """The slow path for files with compressed timestamp headers: follow every timestamp."""
    timeline: list[tuple[int, _Definition | None, int]] = []
    unwanted_ts: dict[int, tuple[int, bool]] = {}
    sizes = [-1] * 16
    defs: list[_Definition | None] = [None] * 16
    ts_spec: list[tuple[int, bool] | None] = [None] * 16
    all_defs: list[_Definition] = []
    error: FitDecodeError | None = None
    pos = start
    try:
        while pos < end:
            header = data[pos]
            if header & 0x80:
                local = (header >> 5) & 0x03
                if sizes[local] < 0:
                    raise FitDecodeError(pos, _undefined(local))
                definition = defs[local]
                if definition is not None:
                    definition.offsets.append(pos + 1)
                timeline.append((pos + 1, definition, header & 0x1F))
                pos += 1 + sizes[local]
            elif header & 0x40:
                # parse with every message wanted, so the timestamp offset is known for all
                full, size, new_pos = _parse_definition(data, pos + 1, end, _ALL)
                assert full is not None
                if header & 0x20:
                    size, new_pos = _developer_fields(data, new_pos, end, size)
                local = header & 0x0F
                sizes[local] = size
                full.size = size
                ts = full.fields.get(FIELD_TIMESTAMP)
                ts_spec[local] = (ts[0], full.little) if ts is not None and ts[1] == 4 else None
                if full.global_num in wanted:
                    defs[local] = full
                    all_defs.append(full)
                else:
                    defs[local] = None
                pos = new_pos
            else:
                local = header & 0x0F
                if sizes[local] < 0:
                    raise FitDecodeError(pos, _undefined(local))
                definition = defs[local]
                if definition is not None:
                    definition.offsets.append(pos + 1)
                spec = ts_spec[local]
                if spec is not None:
                    if definition is None:
                        unwanted_ts[pos + 1] = spec
                    timeline.append((pos + 1, definition, -1))
                pos += 1 + sizes[local]
        if pos > end:
            _drop_incomplete(all_defs, end)
            while timeline and timeline[-1][0] >= end:
                timeline.pop()
            raise FitDecodeError(end, "the last message runs past the end of the data")
    except FitDecodeError as exc:
        error = exc
    return all_defs, error, _resolve_compressed_timestamps(data, timeline, unwanted_ts)


class _AllNumbers(frozenset[int]):
    """Contains every message number: the timeline walk needs each definition's timestamp field."""

    def __contains__(self, item: object) -> bool:
        return True


_ALL: frozenset[int] = _AllNumbers()


# --------------------------------------------------------------------------------------------
# the public entry point


def decode_fit(data: bytes, *, records: bool = False, check_crc: bool = True) -> FitDecoded:
    """Decode summaries (and, with ``records``, per-second samples) from FIT bytes.

    Raises :class:`FitDecodeError` only when the data is not FIT at all; damage found later is
    reported in ``FitDecoded.error`` with everything read before it kept.
    """
    if not looks_like_fit(data):
        raise FitDecodeError(0, "this is not a FIT file (the '.FIT' signature is missing)")
    wanted = frozenset(
        {MESG_FILE_ID, MESG_SESSION, MESG_LAP, MESG_ACTIVITY} | ({MESG_RECORD} if records else set())
    )
    data_arr = np.frombuffer(data, dtype=np.uint8)
    out = FitDecoded()
    session_rows: list[tuple[int, dict[str, Number | None]]] = []
    lap_rows: list[tuple[int, dict[str, Number | None]]] = []
    activity_rows: list[tuple[int, dict[str, Number | None]]] = []
    rec_pos: list[npt.NDArray[np.int64]] = []
    rec_cols: list[dict[str, npt.NDArray[np.float64]]] = []
    pos = 0
    total = len(data)
    while pos < total:
        if total - pos < 12:
            if not any(data[pos:]):
                break  # zero padding after the last file
            _fail(out, pos, "the file ends with a few stray bytes after the last FIT data")
            break
        header_size = data[pos]
        if header_size < 12 or data[pos + 8 : pos + 12] != b".FIT":
            if out.chained_files and not any(data[pos:]):
                break
            _fail(out, pos, "the data after the first FIT file is not another FIT file")
            break
        if pos + header_size > total:
            _fail(out, pos, "the file ends inside a FIT header")
            break
        data_size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if check_crc and header_size >= 14:
            header_crc = int.from_bytes(data[pos + 12 : pos + 14], "little")
            if header_crc and header_crc != _crc_scalar(data[pos : pos + 12]):
                out.crc_ok = False
                _fail(out, pos, "the FIT header's checksum does not match: the file is damaged")
                break
        body_start = pos + header_size
        body_end = body_start + data_size
        truncated = body_end + 2 > total
        walk_end = min(body_end, total)
        defs, compressed, error = _walk(data, body_start, walk_end, wanted)
        resolved: dict[int, int] = {}
        if compressed:
            for definition in defs:
                definition.offsets.clear()
            defs, error, resolved = _walk_with_timeline(data, body_start, walk_end, wanted)
        out.chained_files += 1
        for definition in defs:
            if definition.global_num == MESG_FILE_ID:
                types_ = _gather(data_arr, definition, _SUMMARY_FIELDS[MESG_FILE_ID]).get("type")
                if types_ is not None:
                    out.file_types.extend(int(t) for t in types_ if t == t)
        for rows, num in ((session_rows, MESG_SESSION), (lap_rows, MESG_LAP), (activity_rows, MESG_ACTIVITY)):
            found = _summaries(data_arr, defs, num)
            if resolved:
                for p, row in found:
                    if p in resolved and row.get("timestamp") is None:
                        row["timestamp"] = resolved[p]
            rows.extend(found)
        if records:
            positions, cols = _records(data_arr, defs)
            if resolved and positions.size:
                ts = cols["timestamp"]
                for i, p in enumerate(positions.tolist()):
                    if p in resolved and ts[i] != ts[i]:
                        ts[i] = resolved[p]
            rec_pos.append(positions)
            rec_cols.append(cols)
        if error is not None and error.offset < walk_end:
            _fail(out, error.offset, error.reason)
            break
        if truncated:
            _fail(out, total, f"the file is cut off: it ends at byte {total} of {body_end + 2}")
            break
        if error is not None:
            _fail(out, error.offset, error.reason)
            break
        if check_crc:
            stored = int.from_bytes(data[body_end : body_end + 2], "little")
            if stored != crc16(memoryview(data)[pos:body_end]):
                out.crc_ok = False
                _fail(out, body_end, "the file's checksum does not match: the file is damaged")
                break
        pos = body_end + 2
    out.sessions = [row for _, row in sorted(session_rows, key=lambda r: r[0])]
    out.laps = [row for _, row in sorted(lap_rows, key=lambda r: r[0])]
    out.activities = [row for _, row in sorted(activity_rows, key=lambda r: r[0])]
    if records:
        out.records = _merge_records(rec_pos, rec_cols)
    return out


def _fail(out: FitDecoded, offset: int, reason: str) -> None:
    out.error = reason
    out.error_offset = offset


def _merge_records(
    positions: list[npt.NDArray[np.int64]], cols: list[dict[str, npt.NDArray[np.float64]]]
) -> RecordArrays:
    keys = ("timestamp", "distance", "speed", "heart_rate", "cadence")
    if not positions:
        empty = np.zeros(0, dtype=np.float64)
        return RecordArrays(*(empty for _ in keys))
    pos = np.concatenate(positions)
    order = np.argsort(pos, kind="stable")
    merged = {k: np.concatenate([c[k] for c in cols])[order] for k in keys}
    return RecordArrays(**merged)


# --------------------------------------------------------------------------------------------
# FIT bytes -> activities

_FILE_TYPES = {1: "device", 2: "settings", 3: "sport", 5: "workout", 6: "course", 7: "schedules",
               9: "weight", 10: "totals", 11: "goals", 15: "monitoring", 28: "daily monitoring",
               32: "monitoring", 34: "segment"}  # fmt: skip


def read_fit(data: bytes, name: str) -> ParsedFile:
    """Activities (one per session) from FIT bytes; :class:`ImportFileError` when none can be read."""
    try:
        decoded = decode_fit(data)
    except FitDecodeError as exc:
        raise ImportFileError(name, exc.reason) from None
    warnings: list[str] = []
    if decoded.file_types and 4 not in decoded.file_types:
        kind = _FILE_TYPES.get(decoded.file_types[0], f"type {decoded.file_types[0]}")
        raise ImportFileError(name, f"this FIT file is a {kind} file, not a recorded activity")
    summaries = [s for s in decoded.sessions if _usable(s)] or [s for s in decoded.laps if _usable(s)]
    if not decoded.crc_ok:
        raise ImportFileError(name, f"{decoded.error}, so its numbers cannot be trusted")
    if decoded.error is not None:
        if not summaries:
            raise ImportFileError(
                name,
                f"the file is damaged at byte {decoded.error_offset}: {decoded.error}; no summary was read",
            )
        warnings.append(
            f"{name}: damaged at byte {decoded.error_offset} ({decoded.error}); "
            "the summary before the damage was used"
        )
    if not summaries:
        raise ImportFileError(
            name, "the FIT file has no session or lap summary with a start time and distance"
        )
    if summaries is not decoded.sessions and not decoded.sessions:
        summaries = [_laps_as_session(summaries)]
    activity = decoded.activities[0] if decoded.activities else {}
    clock_shift, offset_min = _clock(activity, summaries)
    if clock_shift is None and any(_relative(s.get("start_time")) for s in summaries):
        raise ImportFileError(name, "the file has no real clock time (only the watch's time since power-on)")
    if clock_shift:
        warnings.append(f"{name}: times are the watch's local time (the file holds no UTC clock)")
    cadence_fallback: dict[int, float | None] | None = None  # the records are decoded at most once
    out: list[Activity] = []
    for index, s in enumerate(summaries):
        sport_raw = s.get("sport")
        sport = SPORTS.get(int(sport_raw), str(sport_raw)) if sport_raw is not None else "generic"
        sub = _sub_sport(s.get("sub_sport"))
        start_raw = float(s["start_time"] or 0) + (clock_shift or 0)
        cadence = _cadence(s) if sport in FOOT_SPORTS else None
        if cadence is None and sport == "running":
            if cadence_fallback is None:
                cadence_fallback = _cadence_from_records(data, summaries)
            cadence = cadence_fallback.get(index)
        moving = s.get("total_moving_time")
        out.append(
            Activity(
                start_time=fit_time(start_raw),
                sport=normalize_sport(sport),
                sub_sport=sub,
                distance_m=float(s["total_distance"] or 0.0),
                moving_time_s=_num(moving if moving is not None else s.get("total_timer_time")),
                elapsed_time_s=_num(s.get("total_elapsed_time")),
                elevation_gain_m=_num(s.get("total_ascent")),
                avg_hr=_num(s.get("avg_heart_rate")),
                max_hr=_num(s.get("max_heart_rate")),
                avg_cadence_spm=cadence,
                utc_offset_min=offset_min,
                source_format="fit",
            )
        )
    return ParsedFile(out, warnings)


def _sub_sport(value: Number | None) -> str | None:
    if value is None:
        return None
    return SUB_SPORTS.get(int(value), str(int(value)))


def _num(value: Number | None) -> float | None:
    return None if value is None else float(value)


def _usable(summary: dict[str, Number | None]) -> bool:
    return summary.get("start_time") is not None and summary.get("total_distance") is not None


def _relative(raw: Number | None) -> bool:
    return raw is not None and raw < RELATIVE_TIME_LIMIT


def _clock(
    activity: dict[str, Number | None], summaries: list[dict[str, Number | None]]
) -> tuple[float | None, int | None]:
    """(seconds to add to device-relative times, UTC offset in minutes) from the activity message."""
    ts, local = activity.get("timestamp"), activity.get("local_timestamp")
    start = summaries[0].get("start_time")
    if ts is not None and local is not None and not _relative(local):
        if not _relative(ts):
            return 0.0, round((float(local) - float(ts)) / 900.0) * 15
        return float(local) - float(ts), None
    if start is not None and not _relative(start):
        return 0.0, None
    return None, None


def _cadence(summary: dict[str, Number | None]) -> float | None:
    avg = summary.get("avg_cadence")
    if avg is None or avg == 0:
        return None
    return 2.0 * (float(avg) + float(summary.get("avg_fractional_cadence") or 0.0))


def _laps_as_session(laps: list[dict[str, Number | None]]) -> dict[str, Number | None]:
    def total(key: str) -> float | None:
        values = [float(v) for lap in laps if (v := lap.get(key)) is not None]
        return sum(values) if values else None

    first = laps[0]
    return {
        "start_time": first.get("start_time"),
        "sport": first.get("sport"),
        "sub_sport": first.get("sub_sport"),
        "total_distance": total("total_distance"),
        "total_timer_time": total("total_timer_time"),
        "total_elapsed_time": total("total_elapsed_time"),
        "total_ascent": total("total_ascent"),
        "max_heart_rate": max(
            (float(v) for lap in laps if (v := lap.get("max_heart_rate")) is not None), default=None
        ),
    }


def _cadence_from_records(data: bytes, summaries: list[dict[str, Number | None]]) -> dict[int, float | None]:
    """Mean steps/min while moving, per session, from the per-second records (a second decode)."""
    records = decode_fit(data, records=True, check_crc=False).records
    out: dict[int, float | None] = {}
    if records is None or len(records) == 0:
        return out
    for index, s in enumerate(summaries):
        start = float(s.get("start_time") or 0)
        end = start + float(s.get("total_elapsed_time") or 0)
        in_session = (records.timestamp >= start) & (records.timestamp <= end)
        cad = records.cadence[in_session]
        moving = cad[np.isfinite(cad) & (cad > 0)]
        out[index] = float(2.0 * moving.mean()) if moving.size else None
    return out
