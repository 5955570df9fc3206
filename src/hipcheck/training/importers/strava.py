"""Strava bulk export: ``activities.csv`` read by column position.

The header repeats names ("Elapsed Time", "Distance", "Max Heart Rate", ...), so a dict
reader would silently keep the wrong copy: the first "Distance" (column 6) is in the
runner's km or miles, the second (column 17) in metres. Headers are translated when the
account is not in English, so columns are found by position once the header is recognised,
either by its English names or by the language-independent pattern of the repeated names.
Shoes appear only as a name in "Activity Gear" (column 11).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from hipcheck.errors import ImportFileError
from hipcheck.training.activity import Activity, as_utc, normalize_sport

# position -> English header (the columns hipcheck needs)
_REQUIRED = {
    0: "Activity ID",
    1: "Activity Date",
    2: "Activity Name",
    3: "Activity Type",
    5: "Elapsed Time",
    11: "Activity Gear",
    12: "Filename",
    15: "Elapsed Time",
    16: "Moving Time",
    17: "Distance",
}
_OPTIONAL = {20: "Elevation Gain", 30: "Max Heart Rate", 31: "Average Heart Rate"}
_DATE_FORMATS = ("%b %d, %Y, %I:%M:%S %p", "%b %d, %Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%d %b %Y, %H:%M:%S")


@dataclass(frozen=True)
class StravaRow:
    """One line of activities.csv, with the columns hipcheck uses."""

    file: str  # the activities.csv it came from, as the runner named it
    line: int
    activity_id: str
    start_time: datetime | None
    date_text: str
    sport: str
    name: str | None
    distance_m: float | None
    moving_time_s: float | None
    elapsed_time_s: float | None
    elevation_gain_m: float | None
    avg_hr: float | None
    max_hr: float | None
    gear: str | None
    filename: str | None

    @property
    def label(self) -> str:
        return f"{self.file} line {self.line} (activity {self.activity_id})"

    def to_activity(self) -> Activity:
        """The row's own summary, for manual entries and files that cannot be read."""
        if self.start_time is None:
            raise ImportFileError(
                self.label, f"the date {self.date_text!r} is not in a format hipcheck reads"
            )
        if self.distance_m is None:
            raise ImportFileError(self.label, "the row has no distance in metres (column 18)")
        return Activity(
            start_time=self.start_time,
            sport=self.sport,
            distance_m=self.distance_m,
            moving_time_s=self.moving_time_s,
            elapsed_time_s=self.elapsed_time_s,
            elevation_gain_m=self.elevation_gain_m,
            avg_hr=self.avg_hr,
            max_hr=self.max_hr,
            shoe=self.gear,
            name=self.name,
            source_format="strava_csv",
        )


def _number(text: str) -> float | None:
    text = text.strip().replace("\u202f", "").replace("\xa0", "")
    if not text or text == "--":
        return None
    if "," in text and "." in text:
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def parse_date(text: str) -> datetime | None:
    """Strava's export dates (UTC), e.g. ``Oct 7, 2020, 2:43:11 PM``."""
    clean = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(clean, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        value = datetime.fromisoformat(clean)
    except ValueError:
        return None
    return as_utc(value)


def _check_header(header: list[str], name: str) -> None:
    english = all(len(header) > i and header[i].strip() == h for i, h in _REQUIRED.items())
    # Translated exports keep the repeated names at the same positions, whatever the language.
    repeated = (
        len(header) >= 18 and header[5] == header[15] and header[6] == header[17] and header[5] != header[6]
    )
    if english or repeated:
        return
    if len(header) < 18:
        missing = [h for i, h in _REQUIRED.items() if i >= len(header)]
        raise ImportFileError(
            name,
            f"activities.csv has only {len(header)} columns; a Strava export has at least 18 "
            f"(missing: {', '.join(dict.fromkeys(missing))})",
        )
    wrong = [f"column {i + 1} should be {h!r}" for i, h in _REQUIRED.items() if header[i].strip() != h]
    raise ImportFileError(name, "activities.csv does not have Strava's columns: " + "; ".join(wrong[:4]))


def read_strava_csv(data: bytes, name: str = "activities.csv") -> list[StravaRow]:
    """Rows of a Strava ``activities.csv``; :class:`ImportFileError` when the columns are not Strava's."""
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(name, "activities.csv is empty") from None
    _check_header(header, name)
    rows: list[StravaRow] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        cell = [*cells, *[""] * (32 - len(cells))]  # short rows: the optional columns are empty
        gear = cell[11].strip() or None
        filename = cell[12].strip() or None
        rows.append(
            StravaRow(
                file=name,
                line=reader.line_num,
                activity_id=cell[0].strip(),
                start_time=parse_date(cell[1]),
                date_text=cell[1],
                sport=normalize_sport(cell[3]),
                name=cell[2].strip() or None,
                distance_m=_number(cell[17]),
                moving_time_s=_number(cell[16]),
                elapsed_time_s=_number(cell[15]) or _number(cell[5]),
                elevation_gain_m=_number(cell[20]),
                avg_hr=_number(cell[31]),
                max_hr=_number(cell[30]),
                gear=gear,
                filename=filename,
            )
        )
    return rows
