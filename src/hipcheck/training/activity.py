"""Value objects for training history: one activity (a session) and what parsing a file gave.

Units are SI throughout (metres, seconds); cadence is steps per minute (both feet), because
watches record one foot and the literature on running cadence counts both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

RUNNING = "running"
#: Sports whose cadence counts steps (one foot in the files, so it is doubled); cycling cadence is rpm.
FOOT_SPORTS = frozenset({"running", "walking", "hiking", "transition"})

# Names used by FIT, TCX, GPX <type> and Strava's "Activity Type", mapped to one vocabulary.
_SPORT_ALIASES: dict[str, str] = {
    "running": RUNNING, "run": RUNNING, "trail run": RUNNING, "trailrun": RUNNING,
    "virtual run": RUNNING, "virtualrun": RUNNING, "treadmill": RUNNING, "course à pied": RUNNING,
    "course a pied": RUNNING, "laufen": RUNNING, "lauf": RUNNING, "carrera": RUNNING,
    "hardlopen": RUNNING, "9": RUNNING,  # StravaGPX writes numeric types: 9 run, 1 ride, 10 walk
    "cycling": "cycling", "biking": "cycling", "ride": "cycling", "virtual ride": "cycling",
    "virtualride": "cycling", "e-bike ride": "cycling", "mountain bike ride": "cycling",
    "gravel ride": "cycling", "vélo": "cycling", "1": "cycling",
    "walking": "walking", "walk": "walking", "marche": "walking", "10": "walking",
    "hiking": "hiking", "hike": "hiking", "randonnée": "hiking",
    "swimming": "swimming", "swim": "swimming", "natation": "swimming",
}  # fmt: skip


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC; a time without a zone (GPX, TCX, Strava's CSV) is taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def normalize_sport(name: str | None) -> str:
    """One lower-case sport name for any source's spelling; unknown names are kept, lower-cased."""
    if name is None or not name.strip():
        return "unknown"
    key = name.strip().lower()
    return _SPORT_ALIASES.get(key, key.replace(" ", "_"))


@dataclass(frozen=True, slots=True)
class Activity:
    """One session as read from a file or an export row."""

    start_time: datetime  # timezone-aware, UTC
    sport: str  # normalize_sport vocabulary
    distance_m: float
    source_format: str  # fit | gpx | tcx | strava_csv
    sub_sport: str | None = None
    moving_time_s: float | None = None
    elapsed_time_s: float | None = None
    elevation_gain_m: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    avg_cadence_spm: float | None = None
    utc_offset_min: int | None = None
    shoe: str | None = None
    name: str | None = None

    @property
    def is_run(self) -> bool:
        return self.sport == RUNNING


@dataclass
class ParsedFile:
    """Activities read from one file, plus notes for the runner about what was assumed."""

    activities: list[Activity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
