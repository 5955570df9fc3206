"""Return to running: which walk-run group applies, its entry criteria, and stage progression.

Stages, entry criteria, rules and pain limits come from the knowledge base (`return_to_run.yaml`).
Progression uses the same pain-monitoring rules as the rehab (`care.progress`) with the walk-run
thresholds of `pain_monitoring.walk_run` and the group's pain limit to move on. A bone stress
injury starts only after a clinician's clearance, and any pain with running stops it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import Field

from hipcheck.care.diary import DiaryEntry
from hipcheck.care.models import Frozen, ProgressDecision, ReturnToRunPlan, RunStageView
from hipcheck.care.progress import ProgressRules, current, walk_run_rules
from hipcheck.errors import KnowledgeBaseError
from hipcheck.knowledge.schema import KnowledgeBase, PainMonitoring, ReturnToRun, RunStage

RunGroup = Literal["soft_tissue", "hamstring_acute", "bone"]
NOT_RUNNING = 0
"""Level 0: not running yet (entry criteria not met); stages are 1..N."""


def run_group(condition_probabilities: Mapping[str, float], kb: KnowledgeBase, threshold: float) -> RunGroup:
    """The group whose rules apply: bone if any plausible condition is a bone stress injury,
    otherwise the group of the most likely condition that has one (soft tissue by default)."""
    plausible = sorted(
        ((p, cid) for cid, p in condition_probabilities.items() if p >= threshold and cid in kb.conditions),
        reverse=True,
    )
    groups = [kb.conditions[cid].return_to_run_group for _, cid in plausible]
    if "bone" in groups:
        return "bone"
    for g in groups:
        if g == "hamstring_acute" or g == "soft_tissue":
            return g
    return "soft_tissue"


def _criteria(rtr: ReturnToRun, group: RunGroup) -> list[str]:
    return list(rtr.entry_criteria.get(group) or rtr.entry_criteria.get("soft_tissue") or [])


def max_pain(rtr: ReturnToRun, group: RunGroup) -> int:
    """The group's pain limit to move on a stage (`max_pain_to_advance`)."""
    if group not in rtr.max_pain_to_advance:
        raise KnowledgeBaseError([f"return_to_run.yaml: max_pain_to_advance: no limit for group {group!r}"])
    return rtr.max_pain_to_advance[group]


def pain_monitoring(rtr: ReturnToRun) -> PainMonitoring:
    """The pain-monitoring numbers; a knowledge base without them cannot judge progress."""
    if rtr.pain_monitoring is None:
        raise KnowledgeBaseError(["return_to_run.yaml: pain_monitoring: section is missing"])
    return rtr.pain_monitoring


def rules_for(rtr: ReturnToRun, group: RunGroup) -> ProgressRules:
    """Pain-monitoring thresholds for walk-run stages of this group."""
    return walk_run_rules(
        pain_monitoring(rtr), max_pain(rtr, group), len(rtr.stages), bone=group == "bone", sources=rtr.sources
    )


def _view(s: RunStage) -> RunStageView:
    return RunStageView(
        stage=s.stage, walk_minutes=s.walk_minutes, run_minutes=s.run_minutes, repeats=s.repeats, note=s.note
    )


def plan_for(rtr: ReturnToRun, group: RunGroup) -> ReturnToRunPlan:
    return ReturnToRunPlan(
        group=group,
        entry_criteria=_criteria(rtr, group),
        needs_clearance=group == "bone",
        max_pain_to_advance=max_pain(rtr, group),
        stages=[_view(s) for s in sorted(rtr.stages, key=lambda s: s.stage)],
        rules=list(rtr.rules),
        sources=list(rtr.sources),
    )


class EntryStatus(Frozen):
    """Whether the runner may start stage 1, and what is still missing."""

    ready: bool
    unmet: list[str] = Field(default_factory=list, description="criteria not (yet) confirmed")
    needs_clearance: bool
    cleared: bool


def entry_status(
    rtr: ReturnToRun, group: RunGroup, confirmed: Mapping[str, bool], *, cleared_by_clinician: bool = False
) -> EntryStatus:
    """Every entry criterion must be confirmed true; bone also needs a clinician's clearance."""
    unmet = [c for c in _criteria(rtr, group) if not confirmed.get(c, False)]
    needs = group == "bone"
    ready = not unmet and (cleared_by_clinician or not needs)
    return EntryStatus(ready=ready, unmet=unmet, needs_clearance=needs, cleared=cleared_by_clinician)


def progress(
    entries: Sequence[DiaryEntry],
    rtr: ReturnToRun,
    group: RunGroup,
    entry: EntryStatus,
    *,
    since: dt.date | None = None,
) -> ProgressDecision:
    """Today's walk-run stage and why. Before the entry criteria are met the stage is 0;
    `since` is the day walk-run started (earlier diary days belong to the rehab phases)."""
    rules = rules_for(rtr, group)
    if not entry.ready:
        missing = len(entry.unmet)
        parts = []
        if missing:
            parts.append(f"{missing} entry criteria not yet met")
        if entry.needs_clearance and not entry.cleared:
            parts.append("a clinician has not yet cleared running after the bone stress injury")
        return ProgressDecision(
            action="hold",
            rule="entry_criteria_not_met",
            reason="not running yet: " + "; ".join(parts),
            level=NOT_RUNNING,
            previous_level=NOT_RUNNING,
            day=max((e.day for e in entries), default=None),
            sources=list(rtr.sources),
        )
    running_days = [e for e in entries if since is None or e.day >= since]
    return current(running_days, 1, rules)


def stage(rtr: ReturnToRun, level: int) -> RunStageView | None:
    """The stage for a level (None for level 0, not running yet)."""
    return next((_view(s) for s in rtr.stages if s.stage == level), None)
