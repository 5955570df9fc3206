"""What a clinician report says, gathered once for every format (HTML, PDF, Markdown).

`build_report` turns an assessment (and whatever else is stored for it: plan, diary, HAGOS,
training) into plain values the templates only lay out. Every medical word comes from the
knowledge base or the engine's result; this module only selects, orders and labels.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from hipcheck.care.diary import DiaryEntry
from hipcheck.care.models import HagosResult, Plan, ProgressDecision
from hipcheck.engine.result import ConditionScore, Contribution
from hipcheck.knowledge.schema import KnowledgeBase, Source, TriageLevel
from hipcheck.report.charts import HAGOS_CHART_FROM, hagos_chart, hagos_chart_svg, pain_chart, pain_chart_svg
from hipcheck.services import AssessmentState
from hipcheck.training.metrics import TrainingSummary

NOT_A_DIAGNOSIS = (
    "This report is not a diagnosis. It was made by hipcheck, a self-assessment tool, from the "
    "runner's own answers, without an examination. The likelihoods are model estimates (many "
    "likelihood ratios are estimated from the literature, not measured) meant to help a "
    "physiotherapist or doctor take a history, not to replace it. If the runner cannot bear "
    "weight, has a fever, or numbness in the saddle area, they need emergency care now."
)
ANSWER_LABELS = {"yes": "yes", "no": "no", "unknown": "don't know"}
TOP_CAUSES_MIN = 3
TOP_CAUSES_MAX = 8
TOP_CAUSE_PROBABILITY = 0.02
REASONS_PER_CAUSE = 4
MIN_REASON_LOG_LR = math.log(1.1)
"""Answers that moved a cause by less than a likelihood ratio of 1.1 either way are left out of
its reasons: a list of 'LR 1' entries would hide the answers that mattered."""


@dataclass(frozen=True)
class AnsweredQuestion:
    finding_id: str
    question: str
    group: str
    answer: str


@dataclass(frozen=True)
class Reason:
    text: str
    likelihood_ratio: float

    @property
    def ratio_text(self) -> str:
        return f"LR {self.likelihood_ratio:.2g}"


@dataclass(frozen=True)
class Cause:
    id: str
    name: str
    probability: float
    prior: float
    must_not_miss: bool
    supporting: list[Reason]
    conflicting: list[Reason]

    @property
    def percent(self) -> str:
        return percent_text(self.probability)


@dataclass(frozen=True)
class TriageView:
    level: TriageLevel
    label: str
    instruction: str
    reasons: list[str]


@dataclass(frozen=True)
class HagosRow:
    day: dt.date
    scores: list[float | None]


@dataclass(frozen=True)
class HagosTable:
    subscales: list[str]
    rows: list[HagosRow]
    chart_svg: str | None = None  # drawn from two questionnaires on: one point is not a trend
    summary: str = ""


@dataclass(frozen=True)
class TrainingView:
    summary: TrainingSummary
    chart_svg: str | None


@dataclass(frozen=True)
class SourceView:
    id: str
    citation: str
    link: str | None


@dataclass(frozen=True)
class Report:
    """Everything a report shows, in the order it shows it."""

    assessment_id: str
    age: int
    sex: str
    status: str
    assessed_on: dt.datetime
    generated_on: dt.date
    answers: list[AnsweredQuestion]
    triage: TriageView
    causes: list[Cause]
    stop_reason: str | None
    plan: Plan | None
    diary: list[DiaryEntry]
    diary_chart_svg: str | None
    diary_summary: str
    hagos: HagosTable | None
    training: TrainingView | None
    sources: list[SourceView]
    progress: ProgressDecision | None = None
    not_a_diagnosis: str = NOT_A_DIAGNOSIS

    @property
    def top_cause(self) -> Cause | None:
        return self.causes[0] if self.causes else None


def percent_text(probability: float) -> str:
    """A probability as a whole percentage; a small non-zero one is "<1%", never "0%"."""
    value = 100 * probability
    return "<1%" if 0 < value < 0.5 else f"{value:.0f}%"


def level_label(level: TriageLevel) -> str:
    return level.value.replace("_", " ").capitalize()


def _reason(c: Contribution) -> Reason:
    return Reason(text=c.text, likelihood_ratio=math.exp(c.log_lr))


def _reasons(contributions: Sequence[Contribution]) -> list[Reason]:
    strong = [c for c in contributions if abs(c.log_lr) >= MIN_REASON_LOG_LR]
    return [_reason(c) for c in strong[:REASONS_PER_CAUSE]]


def _causes(conditions: Sequence[ConditionScore]) -> list[Cause]:
    top = [c for c in conditions[:TOP_CAUSES_MAX] if c.probability >= TOP_CAUSE_PROBABILITY]
    if len(top) < TOP_CAUSES_MIN:
        top = list(conditions[:TOP_CAUSES_MIN])
    return [
        Cause(
            id=c.id,
            name=c.name,
            probability=c.probability,
            prior=c.prior,
            must_not_miss=c.must_not_miss,
            supporting=_reasons(c.supporting),
            conflicting=_reasons(c.conflicting),
        )
        for c in top
    ]


def citation(source: Source) -> str:
    """One line a clinician can look up: authors (year). Title. Venue."""
    parts: list[str] = []
    if source.authors:
        parts.append(f"{source.authors} ({source.year})." if source.year else f"{source.authors}.")
    elif source.year:
        parts.append(f"({source.year}).")
    parts.append(source.title.rstrip(".") + ".")
    if source.venue:
        parts.append(source.venue.rstrip(".") + ".")
    if source.kind == "seed" and source.file:
        parts.append(f"(source article {source.file})")
    return " ".join(parts)


def _cited_ids(
    kb: KnowledgeBase,
    state: AssessmentState,
    causes: Sequence[Cause],
    plan: Plan | None,
    progress: ProgressDecision | None,
) -> list[str]:
    ids: list[str] = []
    for reason in state.result.triage.reasons:
        rule = kb.red_flags.get(reason.id)
        if rule is not None:
            ids.extend(rule.sources)
        condition = kb.conditions.get(reason.id)
        if condition is not None:
            ids.extend(condition.sources)
    for cause in causes:
        condition = kb.conditions.get(cause.id)
        if condition is not None:
            ids.extend(condition.sources)
    if plan is not None:
        ids.extend(plan.sources)
    if progress is not None:
        ids.extend(progress.sources)
    return list(dict.fromkeys(ids))


def _sources(kb: KnowledgeBase, ids: Sequence[str]) -> list[SourceView]:
    views = []
    for source_id in ids:
        source = kb.sources.get(source_id)
        if source is None:
            continue
        views.append(SourceView(id=source.id, citation=citation(source), link=source.url))
    return views


def _hagos(records: Sequence[HagosResult]) -> HagosTable | None:
    if not records:
        return None
    ordered = sorted(records, key=lambda r: r.day)
    names = [s.name for s in ordered[0].subscales]
    ids = [s.subscale for s in ordered[0].subscales]
    chart = hagos_chart(ordered)
    return HagosTable(
        subscales=names,
        rows=[HagosRow(day=r.day, scores=[r.score(i) for i in ids]) for r in ordered],
        chart_svg=hagos_chart_svg(chart) if len(ordered) >= HAGOS_CHART_FROM else None,
        summary=chart.summary,
    )


def build_report(
    *,
    kb: KnowledgeBase,
    state: AssessmentState,
    plan: Plan | None,
    diary: Sequence[DiaryEntry],
    hagos: Sequence[HagosResult],
    training: TrainingSummary | None,
    training_chart_svg: str | None,
    today: dt.date,
    progress: ProgressDecision | None = None,
) -> Report:
    """The report of one assessment; `training` is None when no runs are stored, `progress` is
    the pain-monitoring decision for the next session (from the diary), when there is one."""
    result = state.result
    answers = [
        AnsweredQuestion(
            finding_id=finding_id,
            question=kb.findings[finding_id].question if finding_id in kb.findings else finding_id,
            group=kb.findings[finding_id].group if finding_id in kb.findings else "",
            answer=ANSWER_LABELS.get(value, value),
        )
        for finding_id, value in state.evidence.answers.items()
    ]
    triage = TriageView(
        level=result.triage.level,
        label=level_label(result.triage.level),
        instruction=result.triage.instruction,
        reasons=[r.text for r in result.triage.reasons],
    )
    causes = _causes(result.conditions)
    chart = pain_chart(diary)
    return Report(
        assessment_id=state.id,
        age=state.age,
        sex=state.sex.value,
        status=state.status.replace("_", " "),
        assessed_on=state.updated_at,
        generated_on=today,
        answers=answers,
        triage=triage,
        causes=causes,
        stop_reason=result.stop_reason,
        plan=plan,
        diary=sorted(diary, key=lambda e: e.day),
        diary_chart_svg=None if chart.empty else pain_chart_svg(chart),
        diary_summary=chart.summary,
        hagos=_hagos(hagos),
        training=None
        if training is None or training.runs == 0
        else TrainingView(summary=training, chart_svg=training_chart_svg),
        sources=_sources(kb, _cited_ids(kb, state, causes, plan, progress)),
        progress=progress,
    )
