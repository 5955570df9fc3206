"""Training metrics: worked examples from the literature and properties (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipcheck.knowledge.training_data import load_training_rules
from hipcheck.training.activity import Activity
from hipcheck.training.metrics import (
    acwr_ewma,
    acwr_rolling,
    cadence_trend,
    daily_loads,
    ewma,
    miles_m,
    monotony_strain,
    plan_numbers,
    propose_answers,
    run_spikes,
    shoe_status,
    spike_band,
    summarize,
    weekly_totals,
)

DAY0 = date(2024, 9, 2)  # a Monday
RULES = load_training_rules()


def run(
    day: date, km: float, *, shoe: str | None = None, spm: float | None = None, minutes: float = 0
) -> Activity:
    return Activity(
        start_time=datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC),
        sport="running",
        distance_m=km * 1000,
        moving_time_s=(minutes or km * 6) * 60,
        avg_cadence_spm=spm,
        shoe=shoe,
        source_format="fit",
    )


# ------------------------------------------------------------------ worked examples


def test_acwr_example_four_weeks_at_50_then_a_week_at_100() -> None:
    # the acwr package's README: 4 weeks at 50 then 1 week at 100 -> rolling (coupled) 1.60
    daily = np.array([50 / 7] * 28 + [100 / 7] * 7)
    assert acwr_rolling(daily) == pytest.approx(1.60, abs=0.005)
    assert 1.2 < (acwr_ewma(daily) or 0) < 1.6


def test_ewma_uses_lambda_two_over_n_plus_one() -> None:
    out = ewma(np.array([10.0, 0.0]), span=7, seed=0.0)
    assert out[0] == pytest.approx(0.25 * 10)  # λ = 2/(7+1)
    assert out[1] == pytest.approx(0.75 * 2.5)


def test_ratios_need_28_days_and_a_chronic_load() -> None:
    assert acwr_rolling(np.ones(27)) is None
    assert acwr_ewma(np.zeros(40)) is None


def test_monotony_is_mean_over_population_sd_and_strain_scales_the_week() -> None:
    week = np.array([10.0, 0, 10, 0, 10, 0, 10])
    monotony, strain = monotony_strain(week)
    assert monotony == pytest.approx(week.mean() / week.std())
    assert strain == pytest.approx(40 * monotony)
    assert monotony_strain(np.full(7, 5.0))[0] == 10.0  # no variation: capped
    assert monotony_strain(np.zeros(7)) == (None, None)


def test_single_run_spike_is_against_the_longest_of_the_previous_30_days() -> None:
    runs = [run(DAY0, 14), run(DAY0 + timedelta(days=3), 8), run(DAY0 + timedelta(days=10), 21)]
    (spike,) = run_spikes(runs, rules=RULES)
    assert spike.previous_longest_m == 14000 and spike.distance_m == 21000
    assert spike.increase == pytest.approx(0.5)
    assert spike_band(spike, rules=RULES) == ">30 %"
    # 45 days later the 14 km run is out of the window, but the 21 km one is in it
    assert run_spikes([*runs, run(DAY0 + timedelta(days=40), 22)], rules=RULES) == [spike]


def test_a_run_ten_percent_longer_is_not_a_spike_but_eleven_is() -> None:
    assert run_spikes([run(DAY0, 10), run(DAY0 + timedelta(days=1), 11)], rules=RULES) == []
    assert len(run_spikes([run(DAY0, 10), run(DAY0 + timedelta(days=1), 11.2)], rules=RULES)) == 1


def test_shoe_prompts_at_300_and_500_miles_in_the_runners_units() -> None:
    runs = [run(DAY0 + timedelta(days=i), 10, shoe="Old") for i in range(85)]  # 850 km
    runs += [run(DAY0 + timedelta(days=i), 10, shoe="Mid") for i in range(50)]  # 500 km
    runs += [run(DAY0, 10, shoe="New")]
    old, mid, new = shoe_status(runs, units="mi", rules=RULES)
    assert old.level == "replace" and "528 mi" in (old.prompt or "")
    assert mid.level == "check" and "311 mi" in (mid.prompt or "")
    assert new.level == "ok" and new.prompt is None
    assert round(miles_m(RULES.shoes.check_miles)) == 482_803
    assert round(miles_m(RULES.shoes.replace_miles)) == 804_672


def test_cadence_trend_uses_easy_runs_and_suggests_five_to_ten_percent_more() -> None:
    runs = [run(DAY0 + timedelta(days=i * 7), 10, spm=160 + i, minutes=60) for i in range(4)]
    runs += [run(DAY0 + timedelta(days=i * 7 + 1), 10, spm=185, minutes=40) for i in range(4)]  # fast runs
    trend = cadence_trend(runs, rules=RULES)
    assert [p.spm for p in trend.points] == [160, 161, 162, 163]
    assert trend.change_spm_per_month == pytest.approx(30 / 7)
    assert trend.hint is not None and "170–178 steps/min" in trend.hint


def test_proposes_training_increase_with_evidence_naming_the_runs() -> None:
    runs = [run(date(2024, 10, d), 14) for d in (6, 13, 20, 27)] + [run(date(2024, 11, 3), 21)]
    (proposal,) = [
        p
        for p in propose_answers(runs, today=date(2024, 11, 5), rules=RULES)
        if p.finding_id == "training_increase"
    ]
    assert proposal.answer == "yes"
    assert proposal.evidence[0].startswith("your longest run rose from 14 km to 21 km on 3 Nov")


def test_proposes_no_increase_only_with_six_weeks_of_steady_history() -> None:
    steady = [run(DAY0 + timedelta(days=d), 8) for d in range(0, 70, 2)]
    today = DAY0 + timedelta(days=70)
    (proposal,) = [
        p for p in propose_answers(steady, today=today, rules=RULES) if p.finding_id == "training_increase"
    ]
    assert proposal.answer == "no"
    short = [run(today - timedelta(days=d), 8) for d in range(0, 10, 2)]
    assert [
        p for p in propose_answers(short, today=today, rules=RULES) if p.finding_id == "training_increase"
    ] == []


def test_a_sustained_rise_in_weekly_distance_is_evidence_too() -> None:
    runs = [run(DAY0 + timedelta(days=d), 5) for d in range(0, 21, 2)]
    runs += [run(DAY0 + timedelta(days=d), 10) for d in range(21, 42, 2)]
    (proposal,) = [
        p
        for p in propose_answers(runs, today=DAY0 + timedelta(days=41), rules=RULES)
        if p.finding_id == "training_increase"
    ]
    assert proposal.answer == "yes"
    assert any("weekly distance rose from about" in e for e in proposal.evidence)


def test_proposes_worn_shoes_from_the_shoe_in_use() -> None:
    runs = [run(DAY0 + timedelta(days=i), 10, shoe="Clifton") for i in range(60)]  # 600 km
    today = DAY0 + timedelta(days=60)
    (shoes,) = [p for p in propose_answers(runs, today=today, rules=RULES) if p.finding_id == "worn_shoes"]
    assert shoes.answer == "yes" and "'Clifton' has 600 km" in shoes.evidence[0]
    assert [
        p for p in propose_answers([run(DAY0, 5)], today=today, rules=RULES) if p.finding_id == "worn_shoes"
    ] == []


def test_summary_lists_what_cannot_be_measured() -> None:
    summary = summarize([run(DAY0, 5)], today=DAY0, weeks=4, rules=RULES)
    assert any("camber" in text for text in summary.not_measured)
    assert any("surface" in text for text in summary.not_measured)
    assert summary.runs == 1


def test_non_runs_do_not_count() -> None:
    ride = Activity(datetime(2024, 9, 2, tzinfo=UTC), "cycling", 50_000, "fit")
    assert weekly_totals([ride], today=DAY0, weeks=1)[0].distance_m == 0


# ------------------------------------------------------------------ properties

loads = st.floats(min_value=0.5, max_value=50_000, allow_nan=False)


@given(load=loads, days=st.integers(min_value=28, max_value=120))
def test_acwr_of_a_constant_load_is_one(load: float, days: int) -> None:
    daily = np.full(days, load)
    assert acwr_rolling(daily) == pytest.approx(1.0)
    assert acwr_ewma(daily) == pytest.approx(1.0)


@given(load=loads, days=st.integers(min_value=28, max_value=120))
def test_coupled_rolling_acwr_never_exceeds_four(load: float, days: int) -> None:
    daily = np.zeros(days)
    daily[-1] = load
    assert (acwr_rolling(daily) or 0) <= 4.0 + 1e-9


day_offsets = st.integers(min_value=0, max_value=7 * 8 - 1)
kms = st.floats(min_value=0.1, max_value=60, allow_nan=False)


@settings(max_examples=60)
@given(
    history=st.lists(st.tuples(day_offsets, kms), max_size=25),
    extra=st.tuples(day_offsets, kms),
)
def test_adding_a_run_never_lowers_any_weekly_distance(
    history: list[tuple[int, float]], extra: tuple[int, float]
) -> None:
    today = DAY0 + timedelta(weeks=8) - timedelta(days=1)
    before = [run(DAY0 + timedelta(days=d), km) for d, km in history]
    after = [*before, run(DAY0 + timedelta(days=extra[0]), extra[1])]
    old = weekly_totals(before, today=today, weeks=8)
    new = weekly_totals(after, today=today, weeks=8)
    assert all(n.distance_m >= o.distance_m for o, n in zip(old, new, strict=True))
    assert sum(n.distance_m for n in new) == pytest.approx(sum(o.distance_m for o in old) + extra[1] * 1000)


@settings(max_examples=60)
@given(history=st.lists(st.tuples(day_offsets, kms), min_size=1, max_size=25))
def test_daily_loads_sum_to_the_distance_run(history: list[tuple[int, float]]) -> None:
    runs = [run(DAY0 + timedelta(days=d), km) for d, km in history]
    total = daily_loads(runs, DAY0, DAY0 + timedelta(weeks=8)).sum()
    assert total == pytest.approx(sum(km for _, km in history) * 1000)


def test_plan_numbers_give_the_usual_weekly_volume_before_the_pain_and_the_shoe_to_retire() -> None:
    pain_started = DAY0 + timedelta(weeks=10, days=2)  # a Wednesday
    runs = [run(DAY0 + timedelta(weeks=w, days=d), 10, shoe="Old") for w in range(10) for d in (0, 3)]
    runs += [run(DAY0 + timedelta(weeks=w, days=5), 21, shoe="Old") for w in range(6, 10)]
    runs += [run(pain_started, 30, shoe="Old")]  # the week of the pain does not count
    numbers = plan_numbers(runs, until=pain_started, rules=RULES)
    assert numbers.usual_weekly_m == 41_000
    assert numbers.usual_long_run_m == 21_000
    assert numbers.shoe_to_retire is None  # 10 x 20 km + 4 x 21 km + 30 km = 314 km: not yet
    older = [run(DAY0 - timedelta(days=300 - d), 10, shoe="Old") for d in range(60)]  # +600 km
    assert plan_numbers([*older, *runs], until=pain_started, rules=RULES).shoe_to_retire == "Old"
    assert plan_numbers(runs, until=pain_started, rules=RULES).usual_weekly_m == 41_000


@settings(max_examples=80)
@given(history=st.lists(st.tuples(st.integers(0, 120), st.integers(0, 23), kms), max_size=40))
def test_spikes_match_the_definition_run_by_run(history: list[tuple[int, int, float]]) -> None:
    runs = sorted(
        (
            Activity(datetime(2024, 1, 1, hour, tzinfo=UTC) + timedelta(days=d), "running", km * 1000, "fit")
            for d, hour, km in history
        ),
        key=lambda a: a.start_time,
    )
    expected = []
    for i, r in enumerate(runs):
        before = [p for p in runs[:i] if p.start_time >= r.start_time - timedelta(days=30)]
        if before:
            longest = max(before, key=lambda p: p.distance_m)  # the first of equally long runs
            if r.distance_m / longest.distance_m - 1.0 > 0.10 + 1e-9:  # "more than 10 %"
                expected.append((r.start_time.date(), r.distance_m, longest.start_time.date()))
    got = [(s.day, s.distance_m, s.previous_longest_day) for s in run_spikes(runs, rules=RULES)]
    assert got == expected
