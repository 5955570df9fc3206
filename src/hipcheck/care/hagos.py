"""HAGOS (Copenhagen Hip and Groin Outcome Score) scoring: 37 items, 6 subscales, each 0-100.

Each item is answered on five boxes scored 0 (no problem) to 4 (extreme problem). A subscale
score is 100 - (mean item score x 100 / 4): 100 means no hip or groin problems, 0 extreme
problems. There is no total score (Thorborg et al., Br J Sports Med 2011).

The questionnaire itself - its items, their subscales and each subscale's missing-item rule
(`min_answered`: the fewest answered items for a score) - is data in the knowledge base
(`knowledge/data/hagos.yaml`, loaded by `knowledge.hagos_data.load_hagos()` and passed in by the
caller). This module owns only the arithmetic: a subscale with at least `min_answered` answers
is scored from the mean of its answered items; with fewer it has no score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from hipcheck.care.models import HagosResult, HagosSubscaleScore
from hipcheck.errors import InvalidInput
from hipcheck.knowledge.schema import Hagos

# The answer boxes: the knowledge-base schema fixes them to 0..4 in this order.
ITEM_MIN = 0
ITEM_MAX = 4


def subscale_score(answers: Sequence[int | None], needed: int) -> float | None:
    """Score one subscale from its item answers (None = missing), or None when fewer than
    `needed` items are answered."""
    answered = [a for a in answers if a is not None]
    if not answered or len(answered) < needed:
        return None
    mean = sum(answered) / len(answered)
    return round(100.0 - mean * 100.0 / ITEM_MAX, 1)


def _check(instrument: Hagos, responses: Mapping[str, int | None]) -> dict[str, int | None]:
    item_ids = [i.id for i in instrument.items]
    unknown = sorted(set(responses) - set(item_ids))
    if unknown:
        raise InvalidInput(f"HAGOS: unknown item id(s): {', '.join(unknown)}", field=unknown[0])
    clean: dict[str, int | None] = {}
    for item in item_ids:
        value = responses.get(item)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not ITEM_MIN <= value <= ITEM_MAX
        ):
            raise InvalidInput(
                f"HAGOS: item {item} must be a whole number from {ITEM_MIN} to {ITEM_MAX} (got {value!r})",
                field=item,
            )
        clean[item] = value
    if all(v is None for v in clean.values()):
        raise InvalidInput(
            "HAGOS: no question answered; answer at least some of the questions", field="responses"
        )
    return clean


def score(instrument: Hagos, responses: Mapping[str, int | None], *, day: dt.date) -> HagosResult:
    """Score a questionnaire (item id -> 0..4, 0 = no problem; None or absent = missing) with the
    instrument's subscales and missing-item rule."""
    clean = _check(instrument, responses)
    scores = []
    for subscale in instrument.subscales:
        values = [clean[i.id] for i in instrument.items_of(subscale.id)]
        answered = sum(v is not None for v in values)
        scores.append(
            HagosSubscaleScore(
                subscale=subscale.id,
                name=subscale.name,
                score=subscale_score(values, subscale.min_answered),
                answered=answered,
                missing=len(values) - answered,
                items=len(values),
            )
        )
    return HagosResult(day=day, responses=clean, subscales=scores)
