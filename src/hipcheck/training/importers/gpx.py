"""GPX tracks (Garmin, Strava, HealthFit, ...) -> one activity per file, read with gpxpy.

Heart rate and cadence live in extensions (Garmin's TrackPointExtension: ``hr``, ``cad``);
they are matched by local name so any namespace version works. GPX cadence is one foot,
so it is doubled to steps per minute.
"""

from __future__ import annotations

from datetime import datetime
from xml.etree.ElementTree import Element

import gpxpy
import gpxpy.gpx

from hipcheck.errors import ImportFileError
from hipcheck.training.activity import FOOT_SPORTS, Activity, ParsedFile, as_utc, normalize_sport


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _extension_values(extensions: list[Element]) -> tuple[float | None, float | None]:
    hr: float | None = None
    cad: float | None = None
    for ext in extensions:
        for element in ext.iter():
            name = _local(element.tag)
            if name in ("hr", "heartrate") and element.text:
                hr = _float(element.text)
            elif name in ("cad", "cadence", "runcadence") and element.text:
                cad = _float(element.text)
    return hr, cad


def _float(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def read_gpx(data: bytes, name: str) -> ParsedFile:
    """One activity from a GPX file; :class:`ImportFileError` when it is not a timed track."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    try:
        # HealthFit writes version="1.0" on a GPX 1.1 document; gpxpy would then drop <type> and extensions.
        gpx = gpxpy.parse(text, version="1.1" if "topografix.com/GPX/1/1" in text[:2000] else None)
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise ImportFileError(name, f"the GPX file is not valid XML/GPX ({_short(exc)})") from None
    times: list[datetime] = []
    hrs: list[float] = []
    cads: list[float] = []
    for track in gpx.tracks:
        for segment in track.segments:
            for point in segment.points:
                if point.time is not None:
                    times.append(as_utc(point.time))
                hr, cad = _extension_values(point.extensions)
                if hr is not None and hr > 0:
                    hrs.append(hr)
                if cad is not None and cad > 0:
                    cads.append(cad)
    if not times:
        raise ImportFileError(
            name, "the GPX file has no timed track points, so it is a route, not a recorded run"
        )
    track_type = next((t.type for t in gpx.tracks if t.type), None)
    track_name = next((t.name for t in gpx.tracks if t.name), None)
    moving = gpx.get_moving_data()
    climb = gpx.get_uphill_downhill()
    warnings = [] if track_type else [f"{name}: the GPX file does not say which sport it is"]
    sport = normalize_sport(track_type)
    activity = Activity(
        start_time=min(times),
        sport=sport,
        distance_m=float(gpx.length_2d()),
        moving_time_s=float(moving.moving_time) if moving is not None else None,
        elapsed_time_s=(max(times) - min(times)).total_seconds(),
        elevation_gain_m=float(climb.uphill) if climb is not None else None,
        avg_hr=sum(hrs) / len(hrs) if hrs else None,
        max_hr=max(hrs) if hrs else None,
        avg_cadence_spm=2.0 * sum(cads) / len(cads) if cads and sport in FOOT_SPORTS else None,
        name=track_name,
        source_format="gpx",
    )
    return ParsedFile([activity], warnings)


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]
