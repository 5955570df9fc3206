"""Training-load metrics from a list of activities: pure functions, no I/O, no clock.

Load is running distance (the unit of the running studies below). Days are the runner's
local days when the file said its UTC offset, else UTC days. Weeks are ISO weeks (Monday).

- Acute:chronic workload ratio, two ways:
  * rolling (Gabbett's original, "coupled"): mean daily load of the last 7 days divided by
    the mean of the last 28 days (the 28 include the 7, so the ratio cannot exceed 4);
  * EWMA (Williams et al., BJSM 2017;51:209): ``E_d = λ·L_d + (1−λ)·E_{d−1}`` with
    **λ = 2/(N+1)** (N = 7 acute, 28 chronic; pandas ``ewm(span=N, adjust=False)``), both
    seeded with the mean daily load of the first 28 days. Not comparable with the
    ``1−e^(−1/N)`` convention of GoldenCheetah at the same N.
  Both need 28 days of history and a non-zero chronic load, else ``None``.
Every threshold with clinical meaning and every sentence of advice a runner reads comes from
the knowledge base (knowledge/data/training.yaml, with its sources) as a ``TrainingRules``
passed in by the caller; the numbers quoted below are that file's values today.

- Single-run spike (Frandsen et al., BJSM 2025;59:1203; source ``s62``): a run more than 10 % longer than the
  longest run of the previous 30 days. In that study spikes, not ACWR or week-to-week change,
  went with overuse injury, so spikes lead the evidence shown.
- Weekly rise (Nielsen et al., JOSPT 2014;44:739; ``s63``: more than 30 % over two weeks went
  with "distance" injuries): proposed as evidence when the mean of the last three weeks is more
  than 30 % and 5 km above the three before, so one shifted rest day does not count.
- Monotony (Foster 1998): mean / population SD of the last 7 daily loads (rest days 0),
  capped at 10 (also when the SD is 0, as Runalyze does); strain = 7-day load × monotony.
- Shoes: distance per named shoe, with a prompt at 300 miles (check) and 500 miles (replace).
  The knowledge base (care ``footwear_check``, corrections) treats these as a prompt to look at
  the shoe, not a rule: no injury-based evidence supports a fixed replacement mileage.
- Cadence: steps per minute of easy runs (the slower half by average speed), with a hint that
  5–10 % more steps per minute lowers hip and knee load (Heiderscheit et al., MSSE 2011; ``s58``).
- Not measurable from these files: running surface, road camber or always running the same
  way round a track, and how worn a shoe looks; they are listed, never guessed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from hipcheck.training.activity import Activity

if TYPE_CHECKING:  # the model only; reading training.yaml is the caller's job
    from hipcheck.knowledge.training_data import Threshold, TrainingRules

KM_PER_MILE = 1.609344
Units = Literal["km", "mi"]

NOT_MEASURED = (
    "running surface (asphalt, trail, track) is not in these files",
    "road camber, or always running the same way round a track, cannot be seen in these files",
    "how worn a shoe looks (only the distance logged in it is known)",
)


# ------------------------------------------------------------------ days and weeks


def local_day(activity: Activity) -> date:
    """The runner's calendar day of the start (UTC day when the offset is unknown)."""
    offset = timedelta(minutes=activity.utc_offset_min or 0)
    return (activity.start_time + offset).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def daily_loads(activities: Sequence[Activity], first: date, last: date) -> npt.NDArray[np.float64]:
    """Running distance (m) per day from ``first`` to ``last`` inclusive, rest days 0."""
    n = (last - first).days + 1
    loads = np.zeros(max(n, 0), dtype=np.float64)
    for a in activities:
        if not a.is_run:
            continue
        i = (local_day(a) - first).days
        if 0 <= i < n:
            loads[i] += a.distance_m
    return loads


@dataclass(frozen=True)
class WeekTotal:
    week_start: date
    distance_m: float
    time_s: float
    runs: int
    longest_m: float


def weekly_totals(activities: Sequence[Activity], *, today: date, weeks: int) -> list[WeekTotal]:
    """The last ``weeks`` ISO weeks up to the one containing ``today``, oldest first, empty weeks included."""
    last = week_start(today)
    starts = [last - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    index = {s: i for i, s in enumerate(starts)}
    dist = [0.0] * weeks
    time = [0.0] * weeks
    runs = [0] * weeks
    longest = [0.0] * weeks
    for a in activities:
        if not a.is_run:
            continue
        i = index.get(week_start(local_day(a)))
        if i is None:
            continue
        dist[i] += a.distance_m
        time[i] += a.moving_time_s or a.elapsed_time_s or 0.0
        runs[i] += 1
        longest[i] = max(longest[i], a.distance_m)
    return [WeekTotal(s, dist[i], time[i], runs[i], longest[i]) for i, s in enumerate(starts)]


def week_over_week(weeks: Sequence[WeekTotal]) -> list[float | None]:
    """Fractional change of each week's distance against the week before (None when it had none)."""
    out: list[float | None] = [None]
    for prev, cur in pairwise(weeks):
        out.append(None if prev.distance_m <= 0 else cur.distance_m / prev.distance_m - 1.0)
    return out


# ------------------------------------------------------------------ load ratios


def acwr_rolling(daily: npt.NDArray[np.float64], acute: int = 7, chronic: int = 28) -> float | None:
    """Coupled rolling ACWR on the last day of ``daily``: mean(last ``acute``) / mean(last ``chronic``)."""
    if daily.shape[0] < chronic:
        return None
    chronic_mean = float(daily[-chronic:].mean())
    if chronic_mean <= 0:
        return None
    return float(daily[-acute:].mean()) / chronic_mean


def ewma(daily: npt.NDArray[np.float64], span: int, seed: float) -> npt.NDArray[np.float64]:
    """``E_d = λ·L_d + (1−λ)·E_{d−1}``, λ = 2/(span+1), ``E_{−1} = seed``."""
    lam = 2.0 / (span + 1.0)
    out = np.empty_like(daily)
    value = seed
    for i, load in enumerate(daily.tolist()):
        value = lam * load + (1.0 - lam) * value
        out[i] = value
    return out


def acwr_ewma(daily: npt.NDArray[np.float64], acute: int = 7, chronic: int = 28) -> float | None:
    """EWMA ACWR (Williams 2017) on the last day of ``daily``; see the module docstring for the convention."""
    if daily.shape[0] < chronic or float(daily[-chronic:].sum()) <= 0:
        return None  # no running in the chronic window: a ratio would only show the decay
    seed = float(daily[:chronic].mean())
    a = ewma(daily, acute, seed)[-1]
    c = ewma(daily, chronic, seed)[-1]
    if c <= 0:
        return None
    return float(a / c)


def monotony_strain(last7: npt.NDArray[np.float64]) -> tuple[float | None, float | None]:
    """Foster's monotony (capped at 10) and strain over seven daily loads; None without load."""
    total = float(last7.sum())
    if last7.shape[0] == 0 or total <= 0:
        return None, None
    sd = float(last7.std())  # population SD (ddof 0)
    monotony = 10.0 if sd == 0 else min(10.0, float(last7.mean()) / sd)
    return monotony, total * monotony


# ------------------------------------------------------------------ spikes


@dataclass(frozen=True)
class Spike:
    day: date
    distance_m: float
    previous_longest_m: float
    previous_longest_day: date
    increase: float  # 0.25 = 25 % longer


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.0f}"


def spike_band(spike: Spike, *, rules: TrainingRules) -> str:
    """The band of the rules (``>30 %``) the spike's increase falls in; ``≤10 %`` below them all."""
    edges = sorted(rules.spike.bands.values, reverse=True)
    for edge in edges:
        if spike.increase > edge:
            return f">{_pct(edge)} %"
    return f"≤{_pct(edges[-1])} %"


def spike_definition(rules: TrainingRules) -> str:
    """What counts as a single-run spike, in the rules' words (for legends)."""
    return rules.texts.spike_definition.format(
        spike_pct=_pct(rules.spike.threshold.value), window_days=f"{rules.spike.window_days.value:g}"
    )


def run_spikes(activities: Sequence[Activity], *, rules: TrainingRules) -> list[Spike]:
    """Runs more than the rules' spike threshold longer than the longest run of the previous
    ``window_days`` days."""
    threshold = rules.spike.threshold.value
    window_days = int(rules.spike.window_days.value)
    runs = sorted((a for a in activities if a.is_run and a.distance_m > 0), key=lambda a: a.start_time)
    out: list[Spike] = []
    # The runs of the window, longest first and then oldest first (a monotonic queue): the head is
    # the longest previous run, so a whole history is one pass rather than a scan per run.
    window: deque[Activity] = deque()
    for run in runs:
        window_start = run.start_time - timedelta(days=window_days)
        while window and window[0].start_time < window_start:
            window.popleft()
        if window:
            longest = window[0]
            increase = run.distance_m / longest.distance_m - 1.0
            if increase > threshold + 1e-9:  # "more than": exactly the threshold in floating point is not
                out.append(
                    Spike(local_day(run), run.distance_m, longest.distance_m, local_day(longest), increase)
                )
        while window and window[-1].distance_m < run.distance_m:
            window.pop()
        window.append(run)
    return out


# ------------------------------------------------------------------ shoes


@dataclass(frozen=True)
class ShoeStatus:
    shoe: str
    distance_m: float
    runs: int
    last_day: date
    level: Literal["ok", "check", "replace"]
    prompt: str | None


def distance_text(metres: float, units: Units) -> str:
    if units == "mi":
        return f"{metres / 1000 / KM_PER_MILE:.0f} mi"
    return f"{metres / 1000:.0f} km"


@dataclass(frozen=True)
class ShoeMileage:
    """Running distance logged in one named shoe."""

    shoe: str
    distance_m: float
    runs: int
    last_day: date


def shoe_mileage(activities: Sequence[Activity]) -> list[ShoeMileage]:
    """Distance per named shoe over the runs in ``activities``, most worn first."""
    totals: dict[str, list[float]] = {}
    last: dict[str, date] = {}
    for a in activities:
        if not a.is_run or not a.shoe:
            continue
        entry = totals.setdefault(a.shoe, [0.0, 0.0])
        entry[0] += a.distance_m
        entry[1] += 1
        day = local_day(a)
        last[a.shoe] = max(last.get(a.shoe, day), day)
    return [
        ShoeMileage(shoe, dist, int(runs), last[shoe])
        for shoe, (dist, runs) in sorted(totals.items(), key=lambda kv: -kv[1][0])
    ]


def miles_m(threshold: Threshold) -> float:
    """A threshold given in miles, in metres."""
    return threshold.value * KM_PER_MILE * 1000


def _miles(threshold: Threshold) -> str:
    return f"{threshold.value:g}"


def grade_shoes(
    mileage: Sequence[ShoeMileage], *, rules: TrainingRules, units: Units = "km"
) -> list[ShoeStatus]:
    """Each shoe's mileage with a prompt to look at it at the rules' check and replace mileages."""
    check, replace = rules.shoes.check_miles, rules.shoes.replace_miles
    out: list[ShoeStatus] = []
    for m in mileage:
        level: Literal["ok", "check", "replace"] = "ok"
        prompt = None
        logged = distance_text(m.distance_m, units)
        if m.distance_m >= miles_m(replace):
            level = "replace"
            prompt = rules.texts.shoe_replace.format(
                shoe=m.shoe,
                logged=logged,
                replace_miles=_miles(replace),
                replace_km=distance_text(miles_m(replace), "km"),
            )
        elif m.distance_m >= miles_m(check):
            level = "check"
            prompt = rules.texts.shoe_check.format(
                shoe=m.shoe,
                logged=logged,
                check_miles=_miles(check),
                check_km=distance_text(miles_m(check), "km"),
            )
        out.append(ShoeStatus(m.shoe, m.distance_m, m.runs, m.last_day, level, prompt))
    return out


def shoe_status(
    activities: Sequence[Activity], *, rules: TrainingRules, units: Units = "km"
) -> list[ShoeStatus]:
    """Distance per named shoe (runs only), most worn first, with the rules' prompts."""
    return grade_shoes(shoe_mileage(activities), rules=rules, units=units)


# ------------------------------------------------------------------ cadence


@dataclass(frozen=True)
class CadencePoint:
    day: date
    spm: float
    speed_mps: float
    step_length_m: float


@dataclass(frozen=True)
class CadenceTrend:
    points: list[CadencePoint]  # easy runs only, oldest first
    median_spm: float | None
    change_spm_per_month: float | None
    hint: str | None


def cadence_trend(activities: Sequence[Activity], *, rules: TrainingRules) -> CadenceTrend:
    """Cadence of easy runs (the slower half by average speed) over time, and a hint."""
    runs = [
        a
        for a in activities
        if a.is_run
        and a.avg_cadence_spm
        and a.avg_cadence_spm > 0
        and a.distance_m > 0
        and (a.moving_time_s or 0) > 0
    ]
    if not runs:
        return CadenceTrend([], None, None, None)
    speeds = [a.distance_m / float(a.moving_time_s or 1) for a in runs]
    cut = float(np.median(speeds))
    easy = sorted((a for a, s in zip(runs, speeds, strict=True) if s <= cut), key=lambda a: a.start_time)
    points = []
    for a in easy:
        speed = a.distance_m / float(a.moving_time_s or 1)
        spm = float(a.avg_cadence_spm or 0)
        points.append(CadencePoint(local_day(a), spm, speed, speed / (spm / 60.0)))
    median = float(np.median([p.spm for p in points]))
    slope = None
    if len(points) >= 3:
        days = np.array([(p.day - points[0].day).days for p in points], dtype=np.float64)
        if days[-1] > 0:
            slope = float(np.polyfit(days, [p.spm for p in points], 1)[0] * 30.0)
    up_low, up_high = rules.cadence.increase_low.value, rules.cadence.increase_high.value
    hint = rules.texts.cadence_hint.format(
        median=f"{median:.0f}",
        low_pct=_pct(up_low),
        high_pct=_pct(up_high),
        low=f"{median * (1 + up_low):.0f}",
        high=f"{median * (1 + up_high):.0f}",
    )
    return CadenceTrend(points, median, slope, hint)


# ------------------------------------------------------------------ numbers for the care plan


@dataclass(frozen=True)
class PlanNumbers:
    """What the care plan can use: the weekly volume to build back to and the shoe to retire."""

    usual_weekly_m: float | None  # mean of the full weeks before ``until`` (rest weeks count as 0)
    usual_long_run_m: float | None
    weeks_used: int
    shoe_to_retire: str | None


def plan_numbers(
    activities: Sequence[Activity], *, until: date, rules: TrainingRules, weeks: int = 4
) -> PlanNumbers:
    """The runner's usual load in the ``weeks`` full ISO weeks before the week of ``until``
    (e.g. the day the pain started), and the most worn shoe past the rules' replace mileage that
    is still in use."""
    runs = [a for a in activities if a.is_run and local_day(a) < week_start(until)]
    totals = weekly_totals(runs, today=week_start(until) - timedelta(days=1), weeks=weeks)
    usual = sum(w.distance_m for w in totals) / weeks if runs and totals else None
    longest = max((w.longest_m for w in totals), default=0.0)
    in_use = {a.shoe for a in activities if a.is_run and a.shoe and local_day(a) > until - timedelta(days=60)}
    retire = next(
        (s.shoe for s in shoe_status(activities, rules=rules) if s.level == "replace" and s.shoe in in_use),
        None,
    )
    return PlanNumbers(usual if usual else None, longest or None, weeks, retire)


# ------------------------------------------------------------------ summary and proposals


@dataclass(frozen=True)
class TrainingSummary:
    today: date
    units: Units
    weeks: list[WeekTotal]
    week_change: list[float | None]
    acwr_rolling: float | None
    acwr_ewma: float | None
    monotony: float | None
    strain_m: float | None
    spikes: list[Spike]  # within the shown weeks
    spike_definition: str  # what counts as a spike, in the rules' words (legends and headings)
    shoes: list[ShoeStatus]
    cadence: CadenceTrend
    not_measured: tuple[str, ...] = NOT_MEASURED
    runs: int = 0


def summarize(
    activities: Sequence[Activity],
    *,
    today: date,
    weeks: int = 12,
    units: Units = "km",
    shoes: Sequence[ShoeMileage] | None = None,
    rules: TrainingRules,
) -> TrainingSummary:
    """Everything `hipcheck training summary` shows, computed from ``activities`` as of ``today``.

    ``shoes`` is each shoe's lifetime mileage when ``activities`` holds only recent runs
    (default: counted from ``activities``)."""
    runs = [a for a in activities if a.is_run]
    totals = weekly_totals(runs, today=today, weeks=weeks)
    first_day = min((local_day(a) for a in runs), default=today)
    daily = daily_loads(runs, first_day, today)
    monotony, strain = monotony_strain(daily[-7:])
    shown_from = totals[0].week_start if totals else today
    return TrainingSummary(
        today=today,
        units=units,
        weeks=totals,
        week_change=week_over_week(totals),
        acwr_rolling=acwr_rolling(daily),
        acwr_ewma=acwr_ewma(daily),
        monotony=monotony,
        strain_m=strain,
        spikes=[s for s in run_spikes(runs, rules=rules) if shown_from <= s.day <= today],
        spike_definition=spike_definition(rules),
        shoes=grade_shoes(shoe_mileage(runs) if shoes is None else shoes, rules=rules, units=units),
        cadence=cadence_trend([a for a in runs if local_day(a) >= shown_from], rules=rules),
        runs=sum(w.runs for w in totals),
    )


@dataclass(frozen=True)
class ProposedAnswer:
    """An answer the engine can offer the runner to confirm, with the evidence for it."""

    finding_id: str
    answer: Literal["yes", "no"]
    evidence: list[str] = field(default_factory=list)


def _day_text(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def propose_answers(
    activities: Sequence[Activity],
    *,
    today: date,
    rules: TrainingRules,
    units: Units = "km",
    shoes: Sequence[ShoeMileage] | None = None,
) -> list[ProposedAnswer]:
    """Proposed ``training_increase`` / ``worn_shoes`` answers when the history can tell; else none.

    ``shoes`` as for :func:`summarize`."""
    texts, rise = rules.texts, rules.weekly_rise
    lookback_weeks = int(rise.lookback_weeks.value)
    runs = [a for a in activities if a.is_run and local_day(a) <= today]
    out: list[ProposedAnswer] = []
    since = today - timedelta(weeks=lookback_weeks)
    recent = [a for a in runs if local_day(a) > since]
    if recent:
        evidence: list[str] = []
        for spike in run_spikes(runs, rules=rules):
            if spike.day > since:
                evidence.append(
                    texts.spike_evidence.format(
                        before=distance_text(spike.previous_longest_m, units),
                        after=distance_text(spike.distance_m, units),
                        day=_day_text(spike.day),
                        increase_pct=_pct(spike.increase),
                        window_days=f"{rules.spike.window_days.value:g}",
                    )
                )
        # Week-to-week ratios swing with where the rest days fall; compare two three-week blocks instead.
        half = max(1, lookback_weeks // 2)
        weeks = weekly_totals(runs, today=today, weeks=2 * half)
        before = sum(w.distance_m for w in weeks[:half]) / half
        after = sum(w.distance_m for w in weeks[half:]) / half
        if (
            before > 0
            and after / before - 1.0 > rise.threshold.value
            and after - before > rise.min_rise_m.value
        ):
            evidence.append(
                texts.weekly_rise_evidence.format(
                    before=distance_text(before, units),
                    after=distance_text(after, units),
                    half=half,
                    day=_day_text(weeks[half].week_start),
                    increase_pct=_pct(after / before - 1.0),
                )
            )
        history_days = (today - min(local_day(a) for a in runs)).days
        if evidence:
            out.append(ProposedAnswer("training_increase", "yes", evidence))
        elif history_days >= 7 * lookback_weeks:
            longest = max(a.distance_m for a in recent)
            out.append(
                ProposedAnswer(
                    "training_increase",
                    "no",
                    [
                        texts.no_increase.format(
                            weeks=lookback_weeks,
                            spike_pct=_pct(rules.spike.threshold.value),
                            rise_pct=_pct(rise.threshold.value),
                            longest=distance_text(longest, units),
                        )
                    ],
                )
            )
    recent_shoes = {a.shoe for a in runs if a.shoe and local_day(a) > today - timedelta(days=30)}
    mileage = shoe_mileage(runs) if shoes is None else shoes
    statuses = [s for s in grade_shoes(mileage, rules=rules, units=units) if s.shoe in recent_shoes]
    if statuses:
        worn = [s for s in statuses if s.level != "ok"]
        if worn:
            out.append(ProposedAnswer("worn_shoes", "yes", [s.prompt for s in worn if s.prompt]))
        else:
            out.append(
                ProposedAnswer(
                    "worn_shoes",
                    "no",
                    [
                        texts.shoe_ok.format(
                            shoe=s.shoe,
                            logged=distance_text(s.distance_m, units),
                            check_miles=_miles(rules.shoes.check_miles),
                        )
                        for s in statuses
                    ],
                )
            )
    return out
