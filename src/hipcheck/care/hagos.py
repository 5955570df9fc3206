"""HAGOS (Copenhagen Hip and Groin Outcome Score) scoring: 37 items, 6 subscales, each 0-100.

Each item is answered on five boxes scored 0 (no problem) to 4 (extreme problem). A subscale
score is 100 - (mean item score x 100 / 4): 100 means no hip or groin problems, 0 extreme
problems. There is no total score (Thorborg et al., Br J Sports Med 2011).

Missing-item rule (the koos.nu family rule, also used for HOOS/KOOS since 2013): a subscale is
scored from the mean of its answered items as long as at least half of its items are answered;
with more than half missing it has no score. So Symptoms needs 4 of 7 answers, Pain 5 of 10,
ADL 3 of 5, Sport/Recreation 4 of 8, Participation 1 of 2 and Quality of life 3 of 5.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from hipcheck.care.models import HagosResult, HagosSubscaleScore
from hipcheck.errors import InvalidInput, KnowledgeBaseError
from hipcheck.knowledge.schema import Hagos, HagosSubscaleId, KnowledgeBase

ITEM_MIN = 0
ITEM_MAX = 4

# Structure of the instrument (item ids as printed on the LK 1.0 form); the wording of each
# question and the missing-item rule also live in the knowledge base (hagos.yaml), which must
# agree with this structure (checked when an instrument is passed, and by the tests).
SUBSCALES: dict[HagosSubscaleId, tuple[str, tuple[str, ...]]] = {
    "symptoms": ("Symptoms", tuple(f"S{i}" for i in range(1, 8))),
    "pain": ("Pain", tuple(f"P{i}" for i in range(1, 11))),
    "adl": ("Physical function in daily living", tuple(f"A{i}" for i in range(1, 6))),
    "sport_recreation": ("Function in sport and recreation", tuple(f"SP{i}" for i in range(1, 9))),
    "physical_activity": ("Participation in physical activities", ("PA1", "PA2")),
    "quality_of_life": ("Hip and/or groin-related quality of life", tuple(f"Q{i}" for i in range(1, 6))),
}
ITEM_IDS: tuple[str, ...] = tuple(item for _, items in SUBSCALES.values() for item in items)


def min_answered(items: int) -> int:
    """At least half of a subscale's items (rounded up) must be answered for a score."""
    return (items + 1) // 2


def subscale_score(answers: Sequence[int | None], needed: int | None = None) -> float | None:
    """Score one subscale from its item answers (None = missing), or None if too many are missing.

    `needed` is the fewest answers for a score (default: half the items, rounded up)."""
    answered = [a for a in answers if a is not None]
    need = min_answered(len(answers)) if needed is None else needed
    if not answers or not answered or len(answered) < need:
        return None
    mean = sum(answered) / len(answered)
    return round(100.0 - mean * 100.0 / ITEM_MAX, 1)


def _check(responses: Mapping[str, int | None]) -> dict[str, int | None]:
    unknown = sorted(set(responses) - set(ITEM_IDS))
    if unknown:
        raise InvalidInput(f"HAGOS: unknown item id(s): {', '.join(unknown)}", field=unknown[0])
    clean: dict[str, int | None] = {}
    for item in ITEM_IDS:
        value = responses.get(item)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not ITEM_MIN <= value <= ITEM_MAX
        ):
            raise InvalidInput(
                f"HAGOS: item {item} must be a whole number from {ITEM_MIN} to {ITEM_MAX} (got {value!r})",
                field=item,
            )
        clean[item] = value
    return clean


def _needed(instrument: Hagos | None) -> dict[HagosSubscaleId, int]:
    """Fewest answers per subscale: from the knowledge base's instrument when given."""
    if instrument is None:
        return {sid: min_answered(len(items)) for sid, (_, items) in SUBSCALES.items()}
    layout = {s.id: tuple(i.id for i in instrument.items_of(s.id)) for s in instrument.subscales}
    expected = {sid: items for sid, (_, items) in SUBSCALES.items()}
    if layout != expected:
        raise KnowledgeBaseError(
            ["hagos.yaml: hagos: items: subscales and item ids differ from the HAGOS form"]
        )
    return {s.id: s.min_answered for s in instrument.subscales}


def score_responses(
    responses: Mapping[str, int | None], *, day: dt.date, instrument: Hagos | None = None
) -> HagosResult:
    """Score a questionnaire: item id -> 0..4 (0 = no problem) or None / absent for missing."""
    clean = _check(responses)
    needed = _needed(instrument)
    names = {s.id: s.name for s in instrument.subscales} if instrument else {}
    scores = []
    for sid, (name, items) in SUBSCALES.items():
        values = [clean[i] for i in items]
        answered = sum(v is not None for v in values)
        scores.append(
            HagosSubscaleScore(
                subscale=sid,
                name=names.get(sid, name),
                score=subscale_score(values, needed[sid]),
                answered=answered,
                missing=len(items) - answered,
                items=len(items),
            )
        )
    return HagosResult(day=day, responses=clean, subscales=scores)


def score(
    source: KnowledgeBase | Hagos | None, responses: Mapping[str, int | None], *, day: dt.date
) -> HagosResult:
    """Entry point for services: pass the HAGOS instrument (knowledge.hagos_data.load_hagos()) to
    score with its missing-item rule; the knowledge base itself holds no HAGOS data, so with it
    (or None) the built-in rule above is used - the same rule, checked by the tests."""
    return score_responses(responses, day=day, instrument=source if isinstance(source, Hagos) else None)
