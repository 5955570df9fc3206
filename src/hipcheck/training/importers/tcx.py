"""Garmin Training Center (TCX) files -> one activity per <Activity>.

Parsed with the standard library; elements are matched by local name so the TCX and the
ActivityExtension namespaces (``RunCadence``, ``AvgRunCadence``) are handled in any prefix.
Trackpoints without a position (treadmill, indoor) are kept. Cadence is one foot: doubled.
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from xml.etree import ElementTree as ET

from hipcheck.errors import ImportFileError
from hipcheck.training.activity import FOOT_SPORTS, Activity, ParsedFile, as_utc, normalize_sport


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element: ET.Element, name: str) -> str | None:
    child = _child(element, name)
    return child.text if child is not None else None


def _text_float(element: ET.Element | None, *path: str) -> float | None:
    for name in path:
        if element is None:
            return None
        element = _child(element, name)
    if element is None or element.text is None:
        return None
    try:
        return float(element.text.strip())
    except ValueError:
        return None


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return as_utc(value)


def read_tcx(data: bytes, name: str) -> ParsedFile:
    """Activities from TCX bytes; :class:`ImportFileError` for bad XML or no activity."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ImportFileError(name, f"the TCX file is not valid XML ({exc})") from None
    if _local(root.tag) != "TrainingCenterDatabase":
        raise ImportFileError(name, "this XML file is not a TCX activity (no TrainingCenterDatabase)")
    out: list[Activity] = []
    for element in root.iter():
        if _local(element.tag) == "Activity":
            activity = _activity(element)
            if activity is not None:
                out.append(activity)
    if not out:
        raise ImportFileError(name, "the TCX file holds no activity with a start time")
    return ParsedFile(out, [])


def _activity(element: ET.Element) -> Activity | None:
    sport = normalize_sport(element.get("Sport"))
    start = _time(_text(element, "Id"))
    lap_distance = lap_time = 0.0
    hr_weighted = hr_weight = 0.0
    lap_max_hr: list[float] = []
    times: list[datetime] = []
    tp_distances: list[float] = []
    tp_hr: list[float] = []
    cadences: list[float] = []
    altitudes: list[float] = []
    for lap in element:
        if _local(lap.tag) != "Lap":
            continue
        lap_start = _time(lap.get("StartTime"))
        start = start or lap_start
        seconds = _text_float(lap, "TotalTimeSeconds") or 0.0
        lap_distance += _text_float(lap, "DistanceMeters") or 0.0
        lap_time += seconds
        avg = _text_float(lap, "AverageHeartRateBpm", "Value")
        if avg is not None and seconds > 0:
            hr_weighted += avg * seconds
            hr_weight += seconds
        top = _text_float(lap, "MaximumHeartRateBpm", "Value")
        if top is not None:
            lap_max_hr.append(top)
        for tp in lap.iter():
            if _local(tp.tag) != "Trackpoint":
                continue
            when = _time(_text(tp, "Time"))
            if when is not None:
                times.append(when)
            for child in tp:
                tag = _local(child.tag)
                value = _text_float(child, "Value") if tag == "HeartRateBpm" else _text_float(child)
                if tag == "DistanceMeters" and value is not None:
                    tp_distances.append(value)
                elif tag == "AltitudeMeters" and value is not None:
                    altitudes.append(value)
                elif tag == "HeartRateBpm" and value:
                    tp_hr.append(value)
                elif tag == "Cadence" and value:
                    cadences.append(value)
                elif tag == "Extensions":  # one-foot RunCadence, in any namespace prefix
                    run_cadence = (_text_float(e) for e in child.iter() if _local(e.tag) == "RunCadence")
                    cadences.extend(v for v in run_cadence if v)
    if start is None and times:
        start = min(times)
    if start is None:
        return None
    distance = lap_distance if lap_distance > 0 else (max(tp_distances) if tp_distances else 0.0)
    gain = sum(max(0.0, b - a) for a, b in pairwise(altitudes)) if altitudes else None
    return Activity(
        start_time=start,
        sport=sport,
        sub_sport=None,
        distance_m=distance,
        moving_time_s=lap_time or None,
        elapsed_time_s=(max(times) - min(times)).total_seconds() if len(times) > 1 else (lap_time or None),
        elevation_gain_m=gain,
        avg_hr=hr_weighted / hr_weight if hr_weight else (sum(tp_hr) / len(tp_hr) if tp_hr else None),
        max_hr=max(lap_max_hr + tp_hr) if (lap_max_hr or tp_hr) else None,
        avg_cadence_spm=2.0 * sum(cadences) / len(cadences) if cadences and sport in FOOT_SPORTS else None,
        source_format="tcx",
    )
