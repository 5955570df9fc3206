"""HAGOS scoring against questionnaires scored by hand (worked in the comments)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hipcheck.care.hagos import score
from hipcheck.care.models import HagosResult
from hipcheck.errors import InvalidInput
from hipcheck.knowledge.hagos_data import load_hagos
from hipcheck.knowledge.schema import Hagos

DAY = dt.date(2026, 5, 4)
HAGOS = load_hagos()  # the knowledge base's questionnaire: items, subscales, missing-item rule
ITEM_IDS = tuple(i.id for i in HAGOS.items)
SUBSCALE_ITEMS = {s.id: tuple(i.id for i in HAGOS.items_of(s.id)) for s in HAGOS.subscales}


def score_responses(responses: dict[str, int | None], *, day: dt.date) -> HagosResult:
    return score(HAGOS, responses, day=day)


def answers(**by_subscale: list[int | None]) -> dict[str, int | None]:
    prefix = {
        "S": "symptoms",
        "P": "pain",
        "A": "adl",
        "SP": "sport_recreation",
        "PA": "physical_activity",
        "Q": "quality_of_life",
    }
    out: dict[str, int | None] = {}
    for key, values in by_subscale.items():
        items = SUBSCALE_ITEMS[prefix[key]]  # type: ignore[index]
        assert len(values) == len(items)
        out.update(zip(items, values, strict=True))
    return out


def test_the_instrument_has_37_items_in_6_subscales() -> None:
    assert len(ITEM_IDS) == 37 == len(set(ITEM_IDS))
    assert [len(items) for items in SUBSCALE_ITEMS.values()] == [7, 10, 5, 8, 2, 5]


def test_no_problems_scores_100_and_extreme_problems_0() -> None:
    best = score_responses(dict.fromkeys(ITEM_IDS, 0), day=DAY)
    worst = score_responses(dict.fromkeys(ITEM_IDS, 4), day=DAY)
    assert [s.score for s in best.subscales] == [100.0] * 6
    assert [s.score for s in worst.subscales] == [0.0] * 6


def test_a_complete_questionnaire_scored_by_hand() -> None:
    r = score_responses(
        answers(
            S=[1, 2, 0, 1, 3, 0, 0],  # sum 7, mean 1.0 -> 100 - 1.0 * 25 = 75.0
            P=[2, 2, 1, 1, 0, 0, 3, 2, 1, 0],  # sum 12, mean 1.2 -> 100 - 30 = 70.0
            A=[0, 1, 0, 0, 1],  # sum 2, mean 0.4 -> 100 - 10 = 90.0
            SP=[3, 3, 2, 4, 2, 1, 3, 2],  # sum 20, mean 2.5 -> 100 - 62.5 = 37.5
            PA=[4, 3],  # mean 3.5 -> 100 - 87.5 = 12.5
            Q=[2, 3, 2, 2, 1],  # sum 10, mean 2.0 -> 50.0
        ),
        day=DAY,
    )
    assert [s.score for s in r.subscales] == [75.0, 70.0, 90.0, 37.5, 12.5, 50.0]
    assert all(s.missing == 0 for s in r.subscales)
    assert r.day == DAY
    assert r.score("pain") == 70.0


def test_missing_items_up_to_half_use_the_mean_of_the_answered_ones() -> None:
    r = score_responses(
        answers(
            S=[1, None, None, None, 2, 1, 0],  # 4 of 7 answered: mean 4/4 = 1.0 -> 75.0
            P=[4, 4, 2, 2, 3, None, None, None, None, None],  # 5 of 10: mean 15/5 = 3 -> 25.0
            A=[1, 0, 0, None, None],  # 3 of 5: mean 1/3 -> 100 - 8.33 = 91.7
            SP=[None, None, None, None, 0, 0, 0, 4],  # 4 of 8: mean 1.0 -> 75.0
            PA=[None, 2],  # 1 of 2: mean 2 -> 50.0
            Q=[1, None, None, 2, 0],  # 3 of 5: mean 1.0 -> 75.0
        ),
        day=DAY,
    )
    assert [s.score for s in r.subscales] == [75.0, 25.0, 91.7, 75.0, 50.0, 75.0]
    assert [s.missing for s in r.subscales] == [3, 5, 2, 4, 1, 2]


def test_more_than_half_missing_gives_no_score_for_that_subscale_only() -> None:
    r = score_responses(
        answers(
            S=[1, None, None, None, None, 1, 0],  # 3 of 7: too few
            P=[4, 4, 2, 2, None, None, None, None, None, None],  # 4 of 10: too few
            A=[1, 0, None, None, None],  # 2 of 5: too few
            SP=[None, None, None, None, None, 0, 0, 4],  # 3 of 8: too few
            PA=[None, None],  # 0 of 2
            Q=[0, 0, 0, 0, 0],  # complete: 100
        ),
        day=DAY,
    )
    assert [s.score for s in r.subscales] == [None, None, None, None, None, 100.0]


def test_absent_items_count_as_missing() -> None:
    r = score_responses({"PA1": 1}, day=DAY)  # PA: 1 of 2 answered, mean 1 -> 75.0
    assert r.score("physical_activity") == 75.0
    assert r.score("pain") is None
    assert r.responses["P1"] is None


@pytest.mark.parametrize(("responses", "field"), [({"P3": 5}, "P3"), ({"S1": -1}, "S1"), ({"X9": 1}, "X9")])
def test_bad_answers_are_named(responses: dict[str, int], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        score_responses(responses, day=DAY)
    assert err.value.field == field
    assert field in err.value.message


def test_a_questionnaire_with_no_answer_is_refused() -> None:
    for responses in ({}, dict.fromkeys(ITEM_IDS)):
        with pytest.raises(InvalidInput, match="no question answered") as err:
            score_responses(responses, day=DAY)
        assert err.value.field == "responses"


@given(
    st.dictionaries(st.sampled_from(ITEM_IDS), st.one_of(st.none(), st.integers(0, 4))).filter(
        lambda d: any(v is not None for v in d.values())
    )
)
def test_scores_stay_in_range_and_worse_answers_never_raise_a_score(responses: dict[str, int | None]) -> None:
    r = score_responses(responses, day=DAY)
    for s in r.subscales:
        assert s.score is None or 0.0 <= s.score <= 100.0
    worse = {k: (min(4, v + 1) if v is not None else None) for k, v in responses.items()}
    r2 = score_responses(worse, day=DAY)
    for a, b in zip(r.subscales, r2.subscales, strict=True):
        if a.score is not None:
            assert b.score is not None and b.score <= a.score


def _with_rule(**min_answered: int) -> Hagos:
    subscales = [
        s.model_copy(update={"min_answered": min_answered.get(s.id, s.min_answered)}) for s in HAGOS.subscales
    ]
    return Hagos.model_validate(HAGOS.model_dump() | {"subscales": [s.model_dump() for s in subscales]})


def test_the_missing_item_rule_is_the_knowledge_base_s() -> None:
    partial = answers(
        S=[1, None, None, None, 2, 1, 0],  # 4 of 7
        P=[4, 4, 2, 2, 3, None, None, None, None, None],  # 5 of 10
        A=[1, 0, 0, None, None],  # 3 of 5
        SP=[None, None, None, None, 0, 0, 0, 4],  # 4 of 8
        PA=[None, 2],  # 1 of 2
        Q=[1, None, None, None, 0],  # 2 of 5: too few under the published rule
    )
    published = score(HAGOS, partial, day=DAY)
    assert [s.score for s in published.subscales] == [75.0, 25.0, 91.7, 75.0, 50.0, None]
    # A stricter questionnaire (every pain item needed) or a looser one (2 of 5 for quality of
    # life) changes only those subscales: the scorer follows the instrument it is given.
    stricter = score(_with_rule(pain=10, quality_of_life=2), partial, day=DAY)
    assert [s.score for s in stricter.subscales] == [75.0, None, 91.7, 75.0, 50.0, 87.5]
    assert [s.name for s in published.subscales] == [s.name for s in HAGOS.subscales]


def test_every_item_runs_from_no_problem_0_to_extreme_4() -> None:
    """The scoring direction, item by item: the first box is the no-problem answer and scores 0,
    the last the worst and scores 4. The participation items are asked the other way round ("are
    you able ..."), so there "always" is the no-problem answer."""
    for item in HAGOS.items:
        assert [o.value for o in item.options] == [0, 1, 2, 3, 4], item.id
        first, last = item.options[0].label, item.options[-1].label
        if item.subscale == "physical_activity":
            assert (first, last) == ("Always", "Never"), item.id
        else:
            assert first in {"Never", "None", "Not at all"}, item.id
            assert last in {"Always", "All the time", "Extreme", "Extremely", "Constantly", "Totally"}, (
                item.id
            )


def test_symptom_items_checked_against_the_form_keep_its_answer_boxes() -> None:
    # English LK 1.0 form, page 1 (see hagos.yaml): S1-S5 in this order with these boxes.
    frequency = ["Never", "Rarely", "Sometimes", "Often"]
    severity = ["None", "Mild", "Moderate", "Severe", "Extreme"]
    expected = {
        "S1": [*frequency, "Always"],
        "S2": [*frequency, "All the time"],
        "S3": severity,
        "S4": severity,
        "S5": [*frequency, "All the time"],
        "S6": severity,
    }
    symptoms = HAGOS.items_of("symptoms")
    assert [i.id for i in symptoms] == [f"S{n}" for n in range(1, 8)]
    for item in symptoms[:6]:
        assert [o.label for o in item.options] == expected[item.id], item.id
