"""The care plan generator: an assessment result + the runner's options -> a phased plan.

Pure: every medical sentence comes from the knowledge base; this module only chooses, orders
and labels. The rules it applies:

- Urgent or emergency triage: the plan is only "now" (the triage instruction, the red-flag and
  condition instructions behind it, and protective care such as crutches) - no exercises.
- A condition is *plausible* at a posterior probability of at least EXCLUSION_THRESHOLD (0.05).
  An exercise or care item is offered only if no plausible condition forbids it; exercises that
  the plausible causes would favour but another plausible condition forbids are listed with the
  conditions that ruled them out.
- Exercises (3-6) are those favoured by the top causes (at most three plausible conditions),
  closest to the current phase first, one per cause before a second for any cause. Only
  exercises some plausible condition favours are offered, so when the knowledge base favours
  fewer than three the plan has fewer (none for e.g. a hernia) rather than padding.
- Phase: the first `calm_down_hours` after onset are "calm down", then "restore" up to
  `restore_until_day`, then "strengthen" (return_to_run.yaml `phases`); `PlanOptions.phase`
  overrides. Symptom care follows the phase and the hours since onset given by each care
  component (e.g. ice in the first 48 h, heat after them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

from hipcheck.care.models import (
    EXCLUSION_THRESHOLD,
    ConditionRef,
    ExcludedExercise,
    Plan,
    PlanItem,
    PlannedExercise,
    PlanOptions,
    PlanPhase,
    ProgressDecision,
    RedFlagWatch,
    Referral,
    ReturnToRunPlan,
    RuledOutBy,
    SymptomCare,
    TrainingNumbers,
)
from hipcheck.care.progress import PHASES
from hipcheck.care.return_to_run import plan_for, run_group
from hipcheck.engine.result import AssessmentResult, ConditionScore
from hipcheck.knowledge.schema import (
    CareComponent,
    Condition,
    Contraindication,
    Dose,
    Exercise,
    KnowledgeBase,
    Phase,
    PhaseTiming,
    RedFlagRule,
    TriageLevel,
)

MAX_TOP_CAUSES = 3
MIN_EXERCISES = 3
TARGET_EXERCISES = 5
MAX_EXERCISES = 6
# Household items every runner has (a cushion or rolled towel does for a ball).
HOUSEHOLD = frozenset({"none", "chair", "wall", "step", "ball"})
_KIND_ORDER = {"isometric": 0, "strength": 1, "balance": 2, "mobility": 3, "stretch": 4, "running_drill": 5}

PHASE_LABELS: dict[Phase, tuple[str, str]] = {
    "calm_down": ("Calm down", "settle the pain"),
    "restore": ("Restore", "restore easy movement and daily activity"),
    "strengthen": ("Strengthen", "build strength and load tolerance"),
    "return_to_run": ("Return to run", "run again, step by step"),
}

Section = Literal["symptom", "running", "footwear", "treatments"]
_SECTION_BY_KIND: dict[str, Section] = {
    "ice": "symptom",
    "heat": "symptom",
    "relative_rest": "symptom",
    "pain_monitoring": "symptom",
    "medicine": "symptom",
    "soft_tissue": "symptom",
    "cross_training": "symptom",
    "other": "symptom",
    "running_form": "running",
    "training_load": "running",
    "footwear": "footwear",
    "physiotherapy": "treatments",
    "injection": "treatments",
    "surgery": "treatments",
}
_SECTION_BY_ID: dict[str, Section] = {"see_a_clinician": "treatments", "warm_up_cool_down": "running"}


# --- small helpers -------------------------------------------------------------------------


def phase_for(options: PlanOptions, timing: PhaseTiming | None) -> Phase:
    """The current phase: the runner's choice, else from the days since onset by the knowledge
    base's phase timing (days unknown, or a knowledge base without timing: restore)."""
    if options.phase is not None:
        return options.phase
    days = options.days_since_onset
    if days is None or timing is None:
        return "restore"
    if days * 24 < timing.calm_down_hours:
        return "calm_down"
    if days < timing.restore_until_day:
        return "restore"
    return "strengthen"


def plausible_conditions(kb: KnowledgeBase, result: AssessmentResult) -> list[ConditionScore]:
    """Conditions at or above the threshold, most likely first (the top one if none reaches it)."""
    known = [c for c in result.conditions if c.id in kb.conditions]
    ranked = sorted(known, key=lambda c: -c.probability)
    chosen = [c for c in ranked if c.probability >= EXCLUSION_THRESHOLD]
    return chosen or ranked[:1]


def _ruled_out(
    contraindications: Iterable[Contraindication],
    plausible: dict[str, ConditionScore],
    kb: KnowledgeBase,
    hours: int | None = None,
) -> list[RuledOutBy]:
    out = []
    for c in contraindications:
        # A time-limited contraindication (heat on a fresh strain) lapses once that time has passed;
        # with the time since onset unknown it stays in force.
        if c.until_hours is not None and hours is not None and hours >= c.until_hours:
            continue
        score = plausible.get(c.condition)
        if score is not None:
            out.append(
                RuledOutBy(
                    condition_id=c.condition,
                    condition_name=kb.conditions[c.condition].name,
                    probability=score.probability,
                    reason=c.reason,
                )
            )
    return sorted(out, key=lambda r: -r.probability)


def _timing(comp: CareComponent) -> str:
    start, stop = comp.start_after_hours, comp.stop_after_hours
    if stop is not None and not start:
        return f"first {stop} h"
    if start and stop is not None:
        return f"{start}-{stop} h"
    if start:
        return f"after {start} h"
    if comp.phases and len(comp.phases) < len(PHASES):
        return ", ".join(PHASE_LABELS[p][0].lower() for p in comp.phases)
    return "any time"


def _fits_now(comp: CareComponent, phase: Phase, hours: int | None) -> bool:
    if comp.phases and phase not in comp.phases:
        return False
    if hours is None:
        return True
    if comp.start_after_hours is not None and hours < comp.start_after_hours:
        return False
    return not (comp.stop_after_hours is not None and hours >= comp.stop_after_hours)


def _phase_distance(ex: Exercise, phase: Phase) -> int:
    here = PHASES.index(phase)
    return min(abs(PHASES.index(p) - here) for p in ex.phases)


def _has_equipment(ex: Exercise, options: PlanOptions) -> bool:
    return all(e in HOUSEHOLD or e in options.equipment for e in ex.equipment)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _condition_item(cond: Condition, text: str) -> PlanItem:
    details = [cond.see_whom, cond.see_when]
    if cond.what_to_tell_them:
        details.append(cond.what_to_tell_them)
    return PlanItem(id=cond.id, title=cond.name, text=text, details=details, sources=list(cond.sources))


def _triage_items(kb: KnowledgeBase, result: AssessmentResult, floor: TriageLevel) -> list[PlanItem]:
    """The triage instruction, then each red flag or condition that raised triage to `floor` or above."""
    items: list[PlanItem] = []
    detail_items: list[PlanItem] = []
    sources: list[str] = []
    seen: set[str] = set()
    for reason in result.triage.reasons:
        if reason.id in seen:
            continue
        seen.add(reason.id)
        # The instruction cites every rule or condition behind it; only those at `floor` or
        # above get their own item.
        if reason.kind == "red_flag" and reason.id in kb.red_flags:
            rule = kb.red_flags[reason.id]
            sources += rule.sources
            if reason.level >= floor:
                detail_items.append(
                    PlanItem(
                        id=rule.id,
                        title=rule.name,
                        text=rule.instruction,
                        details=[rule.why],
                        sources=rule.sources,
                    )
                )
        elif reason.id in kb.conditions:
            cond = kb.conditions[reason.id]
            sources += cond.sources
            if reason.level >= floor:
                detail_items.append(_condition_item(cond, reason.text))
    items.append(
        PlanItem(
            id=f"triage_{result.triage.level.value}",
            title=result.triage.level.value.replace("_", " "),
            text=result.triage.instruction,
            sources=_unique(sources),
        )
    )
    return items + detail_items


# --- the plan ------------------------------------------------------------------------------


def make_plan(kb: KnowledgeBase, result: AssessmentResult, options: PlanOptions | None = None) -> Plan:
    """Build the care plan for an assessment result (see the module docstring for the rules)."""
    options = options or PlanOptions()
    plausible_list = plausible_conditions(kb, result)
    plausible = {c.id: c for c in plausible_list}
    refs = [
        ConditionRef(
            id=c.id, name=c.name, probability=c.probability, typical_course=kb.conditions[c.id].typical_course
        )
        for c in plausible_list
    ]
    level = result.triage.level
    if level >= TriageLevel.urgent:
        return _now_only_plan(kb, result, plausible, refs)

    phase = phase_for(options, kb.return_to_run.phases)
    hours = None if options.days_since_onset is None else options.days_since_onset * 24
    top = plausible_list[:MAX_TOP_CAUSES]

    sections: dict[Section, list[SymptomCare]] = {
        "symptom": [],
        "running": [],
        "footwear": [],
        "treatments": [],
    }
    for comp in kb.care.values():
        ruled = _ruled_out(comp.contraindications, plausible, kb, hours)
        # Listed when it suits a plausible condition, or when one rules it out (to say why not).
        relevant = not comp.indications or any(c in plausible for c in comp.indications) or ruled
        if not relevant:
            continue
        offered = not ruled
        section = _SECTION_BY_ID.get(comp.id) or _SECTION_BY_KIND.get(comp.kind, "symptom")
        sections[section].append(
            SymptomCare(
                id=comp.id,
                name=comp.name,
                kind=comp.kind,
                summary=comp.summary,
                how=list(comp.how),
                offered=offered,
                active_now=offered and _fits_now(comp, phase, hours),
                timing=_timing(comp),
                start_after_hours=comp.start_after_hours,
                stop_after_hours=comp.stop_after_hours,
                cautions=list(comp.cautions),
                evidence_note=comp.evidence_note,
                not_offered_because=ruled,
                sources=list(comp.sources),
            )
        )

    exercises, excluded = choose_exercises(kb, plausible, top, phase, options)
    running = [_care_item(c) for c in sections["running"] if c.offered]
    footwear = [_care_item(c) for c in sections["footwear"] if c.offered]
    if options.training is not None:
        running, footwear = _with_training_numbers(running, footwear, options.training)

    # No walk-run progression when it applies to none of the plausible conditions (e.g. a hernia),
    # or when the knowledge base gives no pain limit for the group (hand-built ones).
    rtr = None
    if any(kb.conditions[c.id].return_to_run_group != "not_applicable" for c in plausible_list):
        rtr_group = run_group({c.id: c.probability for c in plausible_list}, kb, EXCLUSION_THRESHOLD)
        if rtr_group in kb.return_to_run.max_pain_to_advance:
            rtr = plan_for(kb.return_to_run, rtr_group)
    phases = _phases(kb, phase, sections["symptom"], exercises, rtr)

    referrals = [
        Referral(
            condition_id=c.id,
            condition_name=kb.conditions[c.id].name,
            probability=c.probability,
            see_whom=kb.conditions[c.id].see_whom,
            see_when=kb.conditions[c.id].see_when,
            what_to_tell_them=kb.conditions[c.id].what_to_tell_them,
            sources=list(kb.conditions[c.id].sources),
        )
        for c in plausible_list
    ]
    avoid = [
        PlanItem(
            id=c.id,
            title=kb.conditions[c.id].name,
            text="",
            details=list(kb.conditions[c.id].avoid),
            for_conditions=[c.id],
            sources=list(kb.conditions[c.id].sources),
        )
        for c in plausible_list
        if kb.conditions[c.id].avoid
    ]
    plan = Plan(
        triage_level=level,
        now_only=False,
        now=_triage_items(kb, result, TriageLevel.see_clinician),
        conditions=refs,
        current_phase=phase,
        days_since_onset=options.days_since_onset,
        phases=phases,
        symptom_care=sections["symptom"],
        treatments=sections["treatments"],
        exercises=exercises,
        excluded_exercises=excluded,
        running_changes=running,
        footwear=footwear,
        see_whom=referrals,
        red_flags_to_watch=_red_flags(kb, plausible, options),
        avoid=avoid,
        return_to_run=rtr,
        pain_monitoring=kb.return_to_run.pain_monitoring,
        training=options.training,
    )
    return plan.model_copy(update={"sources": _plan_sources(plan)})


def _now_only_plan(
    kb: KnowledgeBase,
    result: AssessmentResult,
    plausible: dict[str, ConditionScore],
    refs: list[ConditionRef],
) -> Plan:
    """Urgent / emergency: what to do now and nothing else."""
    items = _triage_items(kb, result, TriageLevel.urgent)
    serious = [r for r in result.triage.reasons if r.level >= TriageLevel.urgent]
    suspects = {r.id for r in serious if r.id in kb.conditions}
    for rid in (r.id for r in serious if r.id in kb.red_flags):
        suspects.update(kb.red_flags[rid].suspects)
    suspects.update(c for c in plausible if kb.conditions[c].default_triage >= TriageLevel.urgent)
    # Protective care (e.g. crutches) only for the serious suspects, never routine self-care.
    suspects = {
        c for c in suspects if c in kb.conditions and kb.conditions[c].default_triage >= TriageLevel.urgent
    }
    for comp in kb.care.values():
        if comp.kind != "relative_rest" or not suspects.intersection(comp.indications):
            continue
        if _ruled_out(comp.contraindications, plausible, kb):
            continue
        items.append(
            PlanItem(
                id=comp.id,
                title=comp.name,
                text=comp.summary,
                details=list(comp.how),
                cautions=list(comp.cautions),
                for_conditions=sorted(suspects.intersection(comp.indications)),
                sources=list(comp.sources),
            )
        )
    plan = Plan(
        triage_level=result.triage.level,
        now_only=True,
        now=items,
        conditions=refs,
        pain_monitoring=kb.return_to_run.pain_monitoring,
    )
    return plan.model_copy(update={"sources": _plan_sources(plan)})


_WEEKLY = re.compile(r"(?:(\d+)(?:\s*-\s*(\d+))?|once|twice)\s*(?:times?\s*)?(?:a|per)\s*week")


def sessions_per_week(frequency: str, days_per_week: int) -> int:
    """The runner's exercise days, capped by the dose's own weekly frequency when it states one
    ("twice a week", "2-3 times a week": the upper bound); daily doses take every exercise day."""
    text = frequency.lower()
    m = _WEEKLY.search(text)
    if m is None:
        return days_per_week
    word = m.group(0)
    most = 1 if word.startswith("once") else 2 if word.startswith("twice") else int(m.group(2) or m.group(1))
    return max(1, min(days_per_week, most))


def favoured_by(kb: KnowledgeBase) -> dict[str, set[str]]:
    """Exercise id -> condition ids that favour it (the exercise's `favours` and each condition's
    `favoured_exercises` both count)."""
    out: dict[str, set[str]] = {eid: set(ex.favours) for eid, ex in kb.exercises.items()}
    for cond in kb.conditions.values():
        for eid in cond.favoured_exercises:
            out.setdefault(eid, set()).add(cond.id)
    return out


def choose_exercises(
    kb: KnowledgeBase,
    plausible: dict[str, ConditionScore],
    top: Sequence[ConditionScore],
    phase: Phase,
    options: PlanOptions,
) -> tuple[list[PlannedExercise], list[ExcludedExercise]]:
    """Up to 6 exercises for the top causes, safe for every plausible condition; and the excluded.

    Only exercises that some plausible condition favours are offered: when the knowledge base
    favours fewer than three for the plausible causes the plan has fewer rather than padding.
    """
    favours = favoured_by(kb)
    excluded: list[ExcludedExercise] = []
    usable: list[Exercise] = []
    for ex in kb.exercises.values():
        fans = favours.get(ex.id, set()) & plausible.keys()
        if not fans:
            continue
        ruled = _ruled_out(ex.forbids, plausible, kb)
        if ruled:
            excluded.append(ExcludedExercise(id=ex.id, name=ex.name, ruled_out_by=ruled))
        elif _has_equipment(ex, options):
            usable.append(ex)

    def key(ex: Exercise, for_id: str | None) -> tuple[int, float, int, int, str]:
        """Closest phase, then the most likely cause, the KB's own order for it, gentler kinds."""
        fans = [c for c in favours[ex.id] if c in plausible]
        cause = for_id or max(fans, key=lambda c: plausible[c].probability)
        listed = kb.conditions[cause].favoured_exercises
        order = listed.index(ex.id) if ex.id in listed else len(listed)
        return (
            _phase_distance(ex, phase),
            -plausible[cause].probability,
            order,
            _KIND_ORDER.get(ex.kind, 9),
            ex.id,
        )

    # Only the current phase and its neighbours: never a late-phase load in the first days.
    near = [e for e in usable if _phase_distance(e, phase) <= 1]
    chosen: list[Exercise] = []
    # One for each top cause first (most likely cause first), then the best of the rest.
    for cause in top:
        fits = sorted(
            (e for e in near if cause.id in favours[e.id] and e not in chosen), key=lambda e: key(e, cause.id)
        )
        if fits:
            chosen.append(fits[0])
    top_ids = {c.id for c in top}
    rest = sorted(
        (e for e in near if e not in chosen and top_ids & favours[e.id]), key=lambda e: key(e, None)
    )
    chosen += rest[: max(0, TARGET_EXERCISES - len(chosen))]
    if len(chosen) < MIN_EXERCISES:
        # Too few for the top causes: add ones favoured by the other plausible conditions.
        others = sorted((e for e in near if e not in chosen), key=lambda e: key(e, None))
        chosen += others[: MIN_EXERCISES - len(chosen)]
    chosen = chosen[:MAX_EXERCISES]

    planned = [
        PlannedExercise(
            id=ex.id,
            name=ex.name,
            kind=ex.kind,
            how_to=list(ex.how_to),
            target=ex.target,
            dose=ex.dose,
            sessions_per_week=sessions_per_week(ex.dose.frequency, options.days_per_week),
            progression=ex.progression,
            regression=ex.regression,
            phases=list(ex.phases),
            equipment=list(ex.equipment),
            favoured_for=[c.id for c in plausible.values() if c.id in favours[ex.id]],
            cautions=list(ex.cautions),
            sources=list(ex.sources),
        )
        for ex in chosen
    ]
    excluded.sort(key=lambda x: (-max(r.probability for r in x.ruled_out_by), x.id))
    return planned, excluded


def dose_text(dose: Dose) -> str:
    """The starting dose in one line ("3 sets, 10 reps, hold 30 s, daily"), as the CLI plan and
    the report show it."""
    reps = dose.reps or ""
    parts = [
        f"{dose.sets} set{'' if dose.sets == 1 else 's'}" if dose.sets else "",
        # "10" and "8-15" read as counts; "10 each side" or "10 slow" already say what they count
        f"{reps} reps" if reps.replace("-", "").isdigit() else reps,
        f"hold {dose.hold_seconds} s" if dose.hold_seconds else "",
        f"rest {dose.rest_seconds} s" if dose.rest_seconds else "",
        dose.frequency,
    ]
    return ", ".join(p for p in parts if p)


def _care_item(care: SymptomCare) -> PlanItem:
    return PlanItem(
        id=care.id,
        title=care.name,
        text=care.summary,
        details=list(care.how),
        cautions=list(care.cautions),
        evidence_note=care.evidence_note,
        sources=list(care.sources),
    )


def training_load_lines(t: TrainingNumbers) -> list[str]:
    """The runner's own load numbers as labelled values (the advice text stays the KB's)."""
    lines = []
    if t.weekly_distance_km is not None:
        lines.append(
            f"Weekly distance to build back to (your usual before the pain): {t.weekly_distance_km:.1f} km"
        )
    if t.longest_recent_run_km is not None:
        lines.append(f"Longest run in the weeks before the pain: {t.longest_recent_run_km:.1f} km")
    return lines


def training_shoe_lines(t: TrainingNumbers) -> list[str]:
    """The shoe to retire or check, with the distance logged in it."""
    if t.shoe_name is None and t.shoe_distance_km is None:
        return []
    logged = f" ({t.shoe_distance_km:.0f} km logged)" if t.shoe_distance_km is not None else ""
    return [f"Shoe to retire or check: {t.shoe_name or 'your current shoe'}{logged}"]


def training_lines(t: TrainingNumbers) -> list[str]:
    """Every number from the training log, as the CLI, web page and report show them."""
    return [*training_load_lines(t), *training_shoe_lines(t)]


def progress_where(decision: ProgressDecision) -> str:
    """Where the next session is, as the CLI and the report say it: a rehab level and its
    phase, or in the return-to-run phase the walk-run stage."""
    if decision.phase == "return_to_run" and decision.stage is not None:
        if decision.stage == 0:
            return "walk-run not started yet"
        return f"walk-run stage {decision.stage}"
    if decision.phase is None:
        # An urgent plan has no levels.
        return f"level {decision.level}"
    return f"level {decision.level} of {len(PHASES)} ({PHASE_LABELS[decision.phase][0]})"


def _with_training_numbers(
    running: list[PlanItem], footwear: list[PlanItem], t: TrainingNumbers
) -> tuple[list[PlanItem], list[PlanItem]]:
    """Attach the runner's own numbers to the training-load change and the footwear advice."""
    numbers = training_load_lines(t)
    shoe = training_shoe_lines(t)
    if numbers:
        running = [
            r.model_copy(update={"details": [*r.details, *numbers]}) if r.id == "training_load" else r
            for r in running
        ]
    if shoe:
        footwear = [f.model_copy(update={"details": [*f.details, *shoe]}) for f in footwear]
    return running, footwear


def _phases(
    kb: KnowledgeBase,
    current: Phase,
    care: Sequence[SymptomCare],
    exercises: Sequence[PlannedExercise],
    rtr: ReturnToRunPlan | None,
) -> list[PlanPhase]:
    monitoring = kb.care.get("pain_monitoring")
    pain_rules = list(monitoring.how) if monitoring else []
    pain_sources = list(monitoring.sources) if monitoring else []
    timing = kb.return_to_run.phases
    durations: dict[Phase, str | None] = {
        "calm_down": f"first {timing.calm_down_hours} h" if timing else None,
        "restore": f"to about day {timing.restore_until_day}" if timing else None,
        "strengthen": None,
        "return_to_run": f"{len(rtr.stages)} walk-run stages, each at least twice" if rtr else None,
    }
    move_on: dict[Phase, list[str]] = {
        "calm_down": pain_rules,
        "restore": pain_rules,
        "strengthen": [*pain_rules, *(rtr.entry_criteria if rtr else [])],
        "return_to_run": list(rtr.rules) if rtr else [],
    }
    rtr_sources = list(rtr.sources) if rtr else []
    out = []
    for p in PHASES:
        name, goal = PHASE_LABELS[p]
        out.append(
            PlanPhase(
                id=p,
                name=name,
                current=p == current,
                goal=goal,
                typical_duration=durations[p],
                move_on_when=move_on[p],
                care_ids=[c.id for c in care if c.offered and (p in (kb.care[c.id].phases or PHASES))],
                exercise_ids=[e.id for e in exercises if p in e.phases],
                sources=_unique(pain_sources + (rtr_sources if p in ("strengthen", "return_to_run") else [])),
            )
        )
    return out


def _red_flags(
    kb: KnowledgeBase, plausible: dict[str, ConditionScore], options: PlanOptions
) -> list[RedFlagWatch]:
    """Every urgent or emergency red flag that can apply to this runner (by age and sex when
    known), plus lesser ones pointing at a plausible condition; those pointing at a plausible
    condition first, then the most urgent."""

    def applies(r: RedFlagRule) -> bool:
        w = r.when
        if options.age is not None and (
            (w.age_min is not None and options.age < w.age_min)
            or (w.age_max is not None and options.age > w.age_max)
        ):
            return False
        return options.sex is None or w.sex is None or w.sex == options.sex

    def relevant(r: RedFlagRule) -> bool:
        return any(s in plausible for s in r.suspects)

    rules = [
        r for r in kb.red_flags.values() if applies(r) and (r.level >= TriageLevel.urgent or relevant(r))
    ]
    rules.sort(key=lambda r: (not relevant(r), -r.level.rank, r.id))
    # Variants of one rule share an instruction: show it once, citing all their sources.
    by_instruction: dict[str, RedFlagWatch] = {}
    for r in rules:
        first = by_instruction.get(r.instruction)
        if first is None:
            by_instruction[r.instruction] = RedFlagWatch(
                id=r.id, name=r.name, level=r.level, instruction=r.instruction, sources=list(r.sources)
            )
        else:
            by_instruction[r.instruction] = first.model_copy(
                update={"sources": _unique([*first.sources, *r.sources])}
            )
    return list(by_instruction.values())


def _plan_sources(plan: Plan) -> list[str]:
    found: list[str] = []
    for item in [*plan.now, *plan.running_changes, *plan.footwear, *plan.avoid]:
        found += item.sources
    for care in [*plan.symptom_care, *plan.treatments]:
        found += care.sources
    for ex in plan.exercises:
        found += ex.sources
    for ph in plan.phases:
        found += ph.sources
    for ref in plan.see_whom:
        found += ref.sources
    for rf in plan.red_flags_to_watch:
        found += rf.sources
    if plan.return_to_run is not None:
        found += plan.return_to_run.sources
    return sorted(set(found))
