"""Progress rules of the pain-monitoring model, applied to pain-diary entries.

One decision per diary day: advance a level, hold, step back, see a clinician, or re-triage,
each with the rule that decided it and a reason that quotes the numbers. The same rules drive
the rehab phases (levels 1-4 = calm down, restore, strengthen, return to run) and the walk-run
stages of `care.return_to_run`, which only changes the thresholds.

Rules, checked in this order for the latest entry (the first that fires decides):
1. any red-flag answer in the entry                     -> retriage (progression stops)
2. median worst daily pain rose meaningfully from the
   first to the second week of the last two              -> see_clinician (progression stops)
3. bone stress injury and any pain with activity         -> see_clinician (progression stops)
4. no session that day                                   -> hold
5. session pain above `too_high`                        -> step back
6. session pain rose meaningfully since the last session,
   or next-morning pain rose meaningfully above rest,
   to above the safe zone (`safe_pain`)                  -> step back
   (`refer_after_step_backs` step-backs in a row, when set -> see_clinician)
7. session pain above `max_pain_to_advance`              -> hold
8. next-morning pain not recorded or above rest pain     -> hold
9. fewer than `sessions_to_advance` good sessions here   -> hold
10. already at the top level                             -> hold
11. otherwise                                            -> advance
A meaningful change is `meaningful_points` or `meaningful_fraction` (at least 1 point).
Every number comes from the knowledge base (`return_to_run.yaml` `pain_monitoring`); a plan
keeps the numbers it was made with (`Plan.pain_monitoring`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence

from pydantic import Field

from hipcheck.care.diary import DiaryEntry, sorted_entries
from hipcheck.care.models import Frozen, Plan, ProgressAction, ProgressDecision, ProgressRule
from hipcheck.knowledge.schema import PainLimits, PainMonitoring, Phase

PHASES: tuple[Phase, ...] = ("calm_down", "restore", "strengthen", "return_to_run")


class ProgressRules(Frozen):
    """Thresholds of the pain-monitoring model for one ladder of levels, built from the knowledge
    base by `rehab_rules` or `walk_run_rules` (no clinical defaults here)."""

    max_pain_to_advance: int = Field(ge=0, le=10)
    safe_pain: int = Field(ge=0, le=10, description="a rise that stays at or below this is no setback")
    too_high: int = Field(ge=0, le=10, description="session pain above this -> step back")
    meaningful_points: int = Field(ge=1, le=10)
    meaningful_fraction: float = Field(gt=0, le=1)
    trend_days: int = Field(ge=4, description="two-week window (in days) of the rising-trend rule")
    trend_min_span_days: int = Field(ge=1, description="a trend needs entries spread over this many days")
    sessions_to_advance: int = Field(ge=1, le=10)
    min_level: int = Field(default=1, ge=0)
    max_level: int = Field(default=len(PHASES), ge=1)
    step_back_levels: int = Field(ge=1)
    too_high_step_back_levels: int = Field(ge=1)
    bone: bool = Field(default=False, description="bone stress injury: any pain with activity stops")
    refer_after_step_backs: int | None = Field(ge=1, description="step-backs in a row -> see a clinician")
    sources: list[str]


def _rules(
    pm: PainMonitoring,
    limits: PainLimits,
    max_pain_to_advance: int,
    *,
    bone: bool,
    sources: Sequence[str],
    max_level: int = len(PHASES),
) -> ProgressRules:
    return ProgressRules(
        max_pain_to_advance=max_pain_to_advance,
        max_level=max_level,
        safe_pain=limits.safe_pain,
        too_high=limits.too_high,
        meaningful_points=pm.meaningful_change_points,
        meaningful_fraction=pm.meaningful_change_fraction,
        trend_days=pm.trend_days,
        trend_min_span_days=pm.trend_min_span_days,
        sessions_to_advance=limits.sessions_to_advance,
        step_back_levels=limits.step_back_levels,
        too_high_step_back_levels=limits.too_high_step_back_levels,
        refer_after_step_backs=limits.refer_after_step_backs,
        bone=bone,
        sources=list(sources),
    )


def rehab_rules(pm: PainMonitoring, *, bone: bool = False) -> ProgressRules:
    """The rehab phases (levels 1-4); after a bone stress injury the limit is the bone one."""
    limit = pm.rehab.bone_max_pain_to_advance if bone else pm.rehab.max_pain_to_advance
    return _rules(pm, pm.rehab, limit, bone=bone, sources=pm.sources)


def meaningful_rise(before: float, after: float, rules: ProgressRules) -> bool:
    """A rise of at least 2 points, or of 30 % of the earlier value (and at least 1 point)."""
    rise = after - before
    if rise >= rules.meaningful_points:
        return True
    return rise >= 1 and before > 0 and rise / before >= rules.meaningful_fraction


def worst_pain(entry: DiaryEntry) -> int:
    """The worst pain recorded for a day, at rest, with activity or the next morning."""
    values = [entry.pain_rest, entry.pain_during, entry.pain_after, entry.pain_next_morning]
    return max(v for v in values if v is not None)


def rising_trend(
    entries: Sequence[DiaryEntry], day: dt.date, rules: ProgressRules
) -> tuple[float, float] | None:
    """Median worst pain of the earlier and the later week of the two weeks ending on `day`,
    when the later week is meaningfully worse; None otherwise (or too few entries to tell)."""
    start = day - dt.timedelta(days=rules.trend_days - 1)
    middle = day - dt.timedelta(days=rules.trend_days // 2 - 1)
    early = [worst_pain(e) for e in entries if start <= e.day < middle]
    late = [worst_pain(e) for e in entries if middle <= e.day <= day]
    if len(early) < 2 or len(late) < 2:
        return None
    first = min(e.day for e in entries if e.day >= start)
    if (day - first).days < rules.trend_min_span_days:
        return None
    # Medians: one bad day is a step back, not a trend; a trend is the typical day getting worse.
    early_mid = float(statistics.median(early))
    late_mid = float(statistics.median(late))
    if meaningful_rise(early_mid, late_mid, rules):
        return early_mid, late_mid
    return None


def _red_flag(entry: DiaryEntry, level: int, sources: Sequence[str]) -> ProgressDecision:
    return ProgressDecision(
        action="retriage",
        rule="new_red_flag",
        reason=f"a red-flag answer was recorded on {entry.day.isoformat()} "
        f"({', '.join(entry.new_red_flags)}): stop progressing and check again how urgent this is",
        level=level,
        previous_level=level,
        day=entry.day,
        stop_progression=True,
        sources=list(sources),
    )


def _decision(
    action: ProgressAction,
    rule: ProgressRule,
    reason: str,
    level: int,
    new_level: int,
    day: dt.date | None,
    rules: ProgressRules,
    stop: bool = False,
) -> ProgressDecision:
    return ProgressDecision(
        action=action,
        rule=rule,
        reason=reason,
        level=new_level,
        previous_level=level,
        day=day,
        stop_progression=stop,
        sources=list(rules.sources),
    )


def decide(
    history: Sequence[DiaryEntry],
    level: int,
    rules: ProgressRules,
    *,
    good_sessions_at_level: int = 0,
    step_backs_in_a_row: int = 0,
) -> ProgressDecision:
    """Decide the next session's level from the latest entry of `history` (oldest first).

    `good_sessions_at_level` counts earlier sessions at this level that met the advance rules;
    `step_backs_in_a_row` counts the step-backs immediately before this entry.
    """
    if not history:
        return _decision("hold", "no_entries", "no diary entries yet", level, level, None, rules)
    entries = sorted_entries(history)
    e = entries[-1]
    day = e.day

    if e.new_red_flags:
        return _red_flag(e, level, rules.sources)
    trend = rising_trend(entries, day, rules)
    if trend is not None:
        return _decision(
            "see_clinician",
            "rising_trend",
            f"pain has crept up over two weeks (typical worst pain {trend[0]:.1f} -> {trend[1]:.1f}/10)",
            level,
            level,
            day,
            rules,
            stop=True,
        )
    pain = e.activity_pain
    if rules.bone and pain is not None and pain > 0:
        return _decision(
            "see_clinician",
            "bone_pain",
            f"pain {pain}/10 with activity after a bone stress injury: the target is no pain at all",
            level,
            level,
            day,
            rules,
            stop=True,
        )
    if pain is None:
        return _decision(
            "hold", "rest_day", "no session recorded that day: stay at this level", level, level, day, rules
        )

    step_back: tuple[ProgressRule, str, int] | None = None
    previous = [p.activity_pain for p in entries[:-1] if p.activity_pain is not None]
    if pain > rules.too_high:
        step_back = (
            "pain_too_high",
            f"pain with activity reached {pain}/10 (above {rules.too_high}/10)",
            rules.too_high_step_back_levels,
        )
    elif pain > rules.safe_pain and previous and meaningful_rise(previous[-1], pain, rules):
        step_back = (
            "pain_rose",
            f"pain with activity rose from {previous[-1]}/10 to {pain}/10 since the last session",
            rules.step_back_levels,
        )
    elif (
        e.pain_next_morning is not None
        and e.pain_next_morning > rules.safe_pain
        and meaningful_rise(e.pain_rest, e.pain_next_morning, rules)
    ):
        step_back = (
            "morning_worse",
            f"next-morning pain {e.pain_next_morning}/10 was up from {e.pain_rest}/10 at rest",
            rules.step_back_levels,
        )
    if step_back is not None:
        rule, why, drop = step_back
        if (
            rules.refer_after_step_backs is not None
            and step_backs_in_a_row + 1 >= rules.refer_after_step_backs
        ):
            return _decision(
                "see_clinician",
                "repeated_step_back",
                f"{why}; that is {step_backs_in_a_row + 1} step-backs in a row",
                level,
                level,
                day,
                rules,
                stop=True,
            )
        new_level = max(rules.min_level, level - drop)
        return _decision(
            "step_back", rule, f"{why}: go back to level {new_level}", level, new_level, day, rules
        )

    if pain > rules.max_pain_to_advance:
        return _decision(
            "hold",
            "pain_above_limit",
            f"pain with activity was {pain}/10, above the {rules.max_pain_to_advance}/10 limit for "
            "moving on: repeat this level",
            level,
            level,
            day,
            rules,
        )
    if e.pain_next_morning is None:
        return _decision(
            "hold",
            "not_settled",
            "next-morning pain not recorded yet: moving on needs it back to the usual level",
            level,
            level,
            day,
            rules,
        )
    if e.pain_next_morning > e.pain_rest:
        return _decision(
            "hold",
            "not_settled",
            f"next-morning pain {e.pain_next_morning}/10 had not settled to the usual {e.pain_rest}/10",
            level,
            level,
            day,
            rules,
        )
    good = good_sessions_at_level + 1
    if good < rules.sessions_to_advance:
        return _decision(
            "hold",
            "needs_more_sessions",
            f"session within limits (pain {pain}/10, settled next morning); {good} of "
            f"{rules.sessions_to_advance} good sessions needed at this level",
            level,
            level,
            day,
            rules,
        )
    if level >= rules.max_level:
        return _decision(
            "hold",
            "top_level",
            f"pain {pain}/10 and settled next morning; already at the top level",
            level,
            level,
            day,
            rules,
        )
    return _decision(
        "advance",
        "within_limits",
        f"pain with activity {pain}/10 (limit {rules.max_pain_to_advance}/10) and settled by next "
        f"morning for {good} sessions: move on to level {level + 1}",
        level,
        level + 1,
        day,
        rules,
    )


def replay(entries: Sequence[DiaryEntry], start_level: int, rules: ProgressRules) -> list[ProgressDecision]:
    """One decision per diary day, oldest first, carrying the level forward.

    Once a decision stops progression (red flag, rising trend, bone pain, repeated step-backs)
    every later day keeps that decision: only a clinician or a new assessment restarts it.
    """
    ordered = sorted_entries(entries)
    decisions: list[ProgressDecision] = []
    level = start_level
    good = 0
    backs = 0
    stopped: ProgressDecision | None = None
    for i, entry in enumerate(ordered):
        if stopped is not None:
            decisions.append(stopped.model_copy(update={"day": entry.day, "previous_level": level}))
            continue
        d = decide(ordered[: i + 1], level, rules, good_sessions_at_level=good, step_backs_in_a_row=backs)
        decisions.append(d)
        if d.stop_progression:
            stopped = d
            continue
        if d.action == "advance" or d.action == "step_back":
            good = 0
        elif d.rule in ("needs_more_sessions", "top_level"):
            good += 1
        elif d.rule != "rest_day":
            good = 0
        if d.action == "step_back":
            backs += 1
        elif d.rule != "rest_day":
            backs = 0
        level = d.level
    return decisions


def current(entries: Sequence[DiaryEntry], start_level: int, rules: ProgressRules) -> ProgressDecision:
    """Today's level and why: the decision for the latest diary day."""
    decisions = replay(entries, start_level, rules)
    if not decisions:
        return decide([], start_level, rules)
    return decisions[-1]


def phase_for_level(level: int) -> Phase:
    """Rehab levels 1-4 are the plan's phases, in order."""
    return PHASES[min(max(level, 1), len(PHASES)) - 1]


def level_for_phase(phase: Phase) -> int:
    return PHASES.index(phase) + 1


def walk_run_rules(
    pm: PainMonitoring, max_pain_to_advance: int, stages: int, *, bone: bool, sources: Sequence[str]
) -> ProgressRules:
    """Walk-run stages 1..`stages`: the group's pain limit and the knowledge base's walk-run
    limits (stricter step-backs, a clinician after repeated step-backs); bone: any pain stops."""
    return _rules(pm, pm.walk_run, max_pain_to_advance, bone=bone, sources=sources, max_level=stages)


def for_plan(
    plan: Plan, entries: Sequence[DiaryEntry], pain_monitoring: PainMonitoring | None = None
) -> ProgressDecision:
    """Today's level and why, for a stored plan and its diary.

    The numbers are those the plan was made with; `pain_monitoring` (the knowledge base's) serves
    a plan stored before plans kept them.

    Rehab phases are levels 1-4 starting at the plan's current phase. A plan made for the
    return-to-run phase follows the walk-run stages instead (`stage`), except after a bone stress
    injury, where stage 1 needs a clinician's clearance first (see care.return_to_run.progress).
    An urgent or emergency plan has no levels: the runner must be seen first. A plausible bone
    stress injury uses the bone rule (no pain at all).
    """
    last_day = max((e.day for e in entries), default=None)
    pm = plan.pain_monitoring or pain_monitoring
    if plan.now_only or plan.current_phase is None:
        return ProgressDecision(
            action="see_clinician",
            rule="urgent_triage",
            reason=f"triage is {plan.triage_level.value}: no exercise progression until a clinician "
            "has seen you",
            level=0,
            previous_level=0,
            day=last_day,
            stop_progression=True,
            sources=list(pm.sources) if pm else [],
        )
    if pm is None:
        return _without_numbers(plan, entries)
    rtr = plan.return_to_run
    bone = rtr is not None and rtr.group == "bone"
    if plan.current_phase == "return_to_run" and rtr is not None:
        if rtr.needs_clearance:
            return ProgressDecision(
                action="hold",
                rule="entry_criteria_not_met",
                reason="not running yet: walk-run starts only after a clinician has cleared running "
                "after the bone stress injury",
                level=0,
                previous_level=0,
                day=last_day,
                phase="return_to_run",
                stage=0,
                sources=list(rtr.sources),
            )
        rules = walk_run_rules(pm, rtr.max_pain_to_advance, len(rtr.stages), bone=bone, sources=rtr.sources)
        decision = current(entries, 1, rules)
        return decision.model_copy(update={"phase": "return_to_run", "stage": decision.level})
    decision = current(entries, level_for_phase(plan.current_phase), rehab_rules(pm, bone=bone))
    return decision.model_copy(update={"phase": phase_for_level(decision.level)})


def _without_numbers(plan: Plan, entries: Sequence[DiaryEntry]) -> ProgressDecision:
    """A plan made from a knowledge base without pain-monitoring numbers (stored before plans
    kept them): a red flag still stops progression; otherwise hold and say how to fix it."""
    level = level_for_phase(plan.current_phase or "restore")
    flagged = next((e for e in sorted_entries(entries) if e.new_red_flags), None)
    if flagged is not None:
        return _red_flag(flagged, level, []).model_copy(update={"phase": plan.current_phase})
    return ProgressDecision(
        action="hold",
        rule="no_rules",
        reason="this plan has no pain-monitoring numbers to judge the diary by: make the plan again",
        level=level,
        previous_level=level,
        day=max((e.day for e in entries), default=None),
        phase=plan.current_phase,
    )
