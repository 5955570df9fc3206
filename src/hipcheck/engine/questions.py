"""Which question to ask next, and when to stop.

Order: (1) the red-flag screens, one per `ask_group` of red-flag findings; (2) where it hurts,
one screen per `ask_group` of location findings; (3) safety completion: a finding (or an any-of
group) that would fire a red-flag rule, or a likely condition's escalation, above the current
level; (4) the screen with the highest expected value: per finding, the expected fall in entropy
of the whole differential plus, weighted by `mnm_weight`, the expected fall in the yes/no entropy
of each must-not-miss condition, so that dangerous causes are ruled in or out early — computed at
once with numpy over findings x conditions and summed over each ask_group's unasked findings.

Stop when the top cause is confident and no must-not-miss condition is still open, when no
screen is worth asking, when everything has been asked, or at the hard cap. With an emergency
triage only the red-flag and location screens are finished, then it stops. A finding that has
been asked (even if answered 'unknown') is never asked again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcheck.engine.model import CompiledModel, FloatArray, IntArray
from hipcheck.engine.result import Evidence, NextQuestion
from hipcheck.knowledge.schema import TriageLevel

_EPS = 1e-12


@dataclass(frozen=True)
class QuestionPlan:
    next_question: NextQuestion | None
    should_stop: bool
    stop_reason: str | None


def _askable(model: CompiledModel, evidence: Evidence) -> list[tuple[str, int]]:
    """(id, index) of the findings not yet asked that apply to this runner's sex, in KB order."""
    asked = evidence.answers
    return [(f, i) for f, i in model.findings_for[evidence.sex] if f not in asked]


def _first_screen(model: CompiledModel, evidence: Evidence, group: str) -> list[str]:
    """The unasked findings of the first screen of one finding group that still has any (screens
    are split by ask_group, in KB order); empty when the group is done."""
    asked = evidence.answers
    first: str | None = None
    members: list[str] = []
    for f, screen, sex in model.group_screens.get(group, ()):
        if f in asked or (sex is not None and sex != evidence.sex):
            continue
        if first is None:
            first = screen
        if screen == first:
            members.append(f)
    return members


def _has_answer_in(model: CompiledModel, evidence: Evidence, group: str) -> bool:
    return any(f in model.kb.findings and model.finding(f).group == group for f in evidence.answers)


def _entropy(p: FloatArray, axis: int = -1) -> FloatArray:
    result: FloatArray = -(p * np.log(np.clip(p, _EPS, 1.0))).sum(axis=axis)
    return result


def _binary_entropy(p: FloatArray) -> FloatArray:
    q = np.clip(p, _EPS, 1.0 - _EPS)
    result: FloatArray = -(q * np.log(q) + (1.0 - q) * np.log1p(-q))
    return result


def expected_gains(model: CompiledModel, probability: FloatArray, candidates: IntArray) -> FloatArray:
    """Expected value of asking each candidate finding (nats), vectorised over findings x conditions."""
    like = model.p_yes[:, candidates]  # (C, F)
    joint_yes = probability[:, None] * like
    joint_no = probability[:, None] * (1.0 - like)
    p_yes = joint_yes.sum(axis=0)  # (F,)
    p_no = 1.0 - p_yes
    post_yes = joint_yes / np.maximum(p_yes, _EPS)[None, :]
    post_no = joint_no / np.maximum(p_no, _EPS)[None, :]
    h_now = float(_entropy(probability))
    gain = h_now - (p_yes * _entropy(post_yes, axis=0) + p_no * _entropy(post_no, axis=0))
    mnm = model.must_not_miss
    if model.params.mnm_weight > 0 and mnm.any():
        h_mnm_now = _binary_entropy(probability[mnm]).sum()
        h_mnm_after = p_yes * _binary_entropy(post_yes[mnm]).sum(axis=0) + p_no * _binary_entropy(
            post_no[mnm]
        ).sum(axis=0)
        gain = gain + model.params.mnm_weight * (h_mnm_now - h_mnm_after)
    result: FloatArray = np.maximum(gain, 0.0)
    return result


def open_must_not_miss(model: CompiledModel, probability: FloatArray) -> list[str]:
    """Must-not-miss conditions neither ruled out nor already acted on (threshold reached)."""
    low = model.params.mnm_open_fraction * model.safety_threshold
    is_open = model.must_not_miss & (probability >= low) & (probability < model.safety_threshold)
    return [model.condition_ids[i] for i in np.flatnonzero(is_open)]


def plan_next(
    model: CompiledModel,
    evidence: Evidence,
    probability: FloatArray,
    triage_level: TriageLevel,
    questions_asked: int,
) -> QuestionPlan:
    """The next question (or none) and whether to stop, with the reason."""
    params = model.params
    if questions_asked >= params.max_questions:
        return QuestionPlan(None, True, f"reached the limit of {params.max_questions} questions")
    emergency = triage_level == TriageLevel.emergency
    for group, why in (
        ("red_flag", "first, checking for warning signs that need urgent care"),
        ("location", "where the pain is separates most causes"),
    ):
        if emergency and group == "location" and _has_answer_in(model, evidence, group):
            break
        screen = _first_screen(model, evidence, group)
        if screen:
            if emergency:
                # The emergency instruction is already shown; finish the short screens only, so
                # the hand-over names the likely causes, then stop.
                why = "while you arrange emergency care: this helps whoever sees you"
            return QuestionPlan(NextQuestion(finding_ids=screen, reason=why), False, None)
    if emergency:
        return QuestionPlan(None, True, "a red flag or finding needs emergency care now")

    askable = _askable(model, evidence)
    askable_ids = {f for f, _ in askable}
    completion = _rule_completion(model, evidence, askable_ids, probability, triage_level)
    if completion is None:
        completion = _escalation_completion(model, evidence, askable_ids, probability, triage_level)
    if completion is not None:
        return QuestionPlan(completion, False, None)

    open_mnm = open_must_not_miss(model, probability)
    top = float(probability.max())
    if top >= params.confident and not open_mnm:
        name = model.conditions[int(np.argmax(probability))].name
        return QuestionPlan(None, True, f"confident enough: {name} is {100 * top:.0f}% likely")
    if not askable:
        return QuestionPlan(None, True, "every question has been asked")

    candidates = np.array([i for _, i in askable], dtype=np.int64)
    gains = expected_gains(model, probability, candidates)
    gain_of: list[float] = gains.tolist()
    # Findings sharing an ask_group are one screen (the knowledge base's contract): score each
    # screen by the summed gain of its unasked findings, and ask the best screen whole.
    by_screen: dict[str, list[int]] = {}
    for k, (_, i) in enumerate(askable):
        by_screen.setdefault(model.screen_key[i], []).append(k)
    scored = sorted(
        ((_screen_gain(gains, gain_of, ks), -ks[0], key) for key, ks in by_screen.items()),
        reverse=True,
    )
    best_gain, _, best_key = scored[0]
    if best_gain < params.min_gain:
        return QuestionPlan(None, True, "no remaining question would change the picture much")
    members = sorted(by_screen[best_key], key=lambda k: -gain_of[k])
    ids = [askable[k][0] for k in members]
    reason = _reason(model, probability, askable[members[0]][1], open_mnm)
    return QuestionPlan(NextQuestion(finding_ids=ids, reason=reason, expected_gain=best_gain), False, None)


def _screen_gain(gains: FloatArray, gain_of: list[float], members: list[int]) -> float:
    """The summed gain of one screen's findings, exactly as `float(gains[members].sum())`.

    numpy sums fewer than 8 numbers one after another starting from 0.0 (its pairwise sum only
    splits longer runs), so adding the Python floats in the same order gives the same bits
    without building an array per screen.
    """
    if len(members) >= 8:
        return float(gains[members].sum())
    total = 0.0
    for k in members:
        total += gain_of[k]
    return total


def _rule_completion(
    model: CompiledModel,
    evidence: Evidence,
    askable: set[str],
    probability: FloatArray,
    level: TriageLevel,
) -> NextQuestion | None:
    """A red-flag rule that one more answer could fire, and that would raise triage: ask it.

    The rule must concern a condition still in play (a suspect at least `rule_relevance` likely,
    or no suspects named). Its missing part is either one finding of `all_of` or the unasked
    members of one `any_of` group, asked together.
    """
    yes = {f for f, a in evidence.answers.items() if a == "yes"}
    level_rank = level.rank
    for compiled in model.rules_by_level:
        if compiled.rank <= level_rank:
            break  # most urgent first: no later rule would raise triage either
        # Exactly one part may be unmet (one all_of finding, or one any_of group with no 'yes'),
        # and it must still be askable; any other count means one answer cannot fire the rule.
        # The set operations come first because they rule out most rules.
        unmet = compiled.all_of - yes
        if len(unmet) > 1 or not compiled.none_of.isdisjoint(yes):
            continue
        when = compiled.rule.when
        if unmet:
            if not unmet <= askable or any(group.isdisjoint(yes) for group in compiled.any_of):
                continue
            part = [f for f in when.all_of if f not in yes]
            if len(part) != 1:
                continue  # the same finding listed twice is two unmet parts
        else:
            open_groups = [k for k, group in enumerate(compiled.any_of) if group.isdisjoint(yes)]
            if len(open_groups) != 1:
                continue
            part = [f for f in when.any_of[open_groups[0]] if f in askable]
            if not part:
                continue
        if not compiled.applies_to(evidence.age, evidence.sex):
            continue
        suspects = list(compiled.suspects)
        if suspects and float(probability[suspects].max()) < model.params.rule_relevance:
            continue
        return NextQuestion(
            finding_ids=part,
            reason=f"checking a warning sign: {compiled.rule.name}",
            expected_gain=0.0,
        )
    return None


def _escalation_completion(
    model: CompiledModel,
    evidence: Evidence,
    askable: set[str],
    probability: FloatArray,
    level: TriageLevel,
) -> NextQuestion | None:
    """A likely condition's escalation that one unasked finding would trigger, raising triage."""
    yes = {f for f, a in evidence.answers.items() if a == "yes"}
    level_rank = level.rank
    candidates: list[tuple[int, float, str, str]] = []
    for ci in np.flatnonzero(probability >= model.params.rule_relevance).tolist():
        escalations = model.escalations_of[ci]
        if not escalations:
            continue
        p = float(probability[ci])
        for esc in escalations:
            if esc.rank <= level_rank or p < esc.ask_needed:
                continue
            missing = [f for f in esc.if_present if f not in yes]
            if len(missing) == 1 and missing[0] in askable:
                candidates.append((esc.rank, p, missing[0], model.conditions[ci].name))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2]))
    _, _, finding_id, name = candidates[0]
    return NextQuestion(finding_ids=[finding_id], reason=f"checks whether {name} needs care sooner")


def _reason(model: CompiledModel, probability: FloatArray, finding: int, open_mnm: list[str]) -> str:
    """Name the conditions this answer separates most: the largest |log LR| among likely ones."""
    weight = np.abs(model.log_lr_yes[:, finding]) * np.sqrt(probability)
    order = np.argsort(-weight)[:2]
    names = [model.conditions[i].name for i in order.tolist()]
    mnm_names = [model.kb.conditions[c].name for c in open_mnm]
    hit = [n for n in names if n in mnm_names]
    if hit:
        return f"helps rule in or out {hit[0]}, which must not be missed"
    return "helps tell apart " + " and ".join(names)
