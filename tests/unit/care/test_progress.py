"""Pain-monitoring progress rules over diary entries: hand-worked sequences and properties."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from hipcheck.care.diary import DiaryEntry
from hipcheck.care.progress import current, decide, rehab_rules, replay
from hipcheck.knowledge.load import load_knowledge_base

D0 = dt.date(2026, 3, 1)
PAIN_MONITORING = load_knowledge_base().return_to_run.pain_monitoring
assert PAIN_MONITORING is not None
RULES = rehab_rules(PAIN_MONITORING)


def day(i: int, rest: int = 1, during: int | None = 2, morning: int | None = 1, **kw: object) -> DiaryEntry:
    return DiaryEntry(
        day=D0 + dt.timedelta(days=i),
        pain_rest=rest,
        pain_during=during,
        pain_after=kw.pop("after", None),  # type: ignore[arg-type]
        pain_next_morning=morning,
        **kw,  # type: ignore[arg-type]
    )


def test_two_good_sessions_advance_one_level() -> None:
    decisions = replay([day(0), day(1)], 1, RULES)
    assert [d.action for d in decisions] == ["hold", "advance"]
    assert decisions[0].rule == "needs_more_sessions"
    assert decisions[1].level == 2
    assert "2/10" in decisions[1].reason


def test_rest_days_do_not_break_a_good_run() -> None:
    decisions = replay([day(0), day(1, during=None, morning=None), day(2)], 1, RULES)
    assert [d.action for d in decisions] == ["hold", "hold", "advance"]
    assert decisions[1].rule == "rest_day"


def test_pain_four_holds_the_level() -> None:
    decisions = replay([day(0, rest=3, during=4, morning=3), day(1), day(2)], 1, RULES)
    assert [d.rule for d in decisions] == ["pain_above_limit", "needs_more_sessions", "within_limits"]
    assert [d.level for d in decisions] == [1, 1, 2]


def test_an_unsettled_morning_resets_the_count_of_good_sessions() -> None:
    decisions = replay([day(0), day(1, rest=1, during=2, morning=2), day(2)], 1, RULES)
    assert [d.rule for d in decisions] == ["needs_more_sessions", "not_settled", "needs_more_sessions"]
    assert decisions[-1].level == 1


def test_a_rise_within_the_safe_zone_is_not_a_setback() -> None:
    d = decide([day(0, during=0, rest=0, morning=0), day(1, during=2, rest=0, morning=0)], 2, RULES)
    assert d.action != "step_back"


def test_unsettled_next_morning_holds() -> None:
    d = decide([day(0, rest=4, during=2, morning=5)], 2, RULES, good_sessions_at_level=5)
    assert (d.action, d.rule, d.level) == ("hold", "not_settled", 2)
    missing = decide([day(0, morning=None)], 2, RULES, good_sessions_at_level=5)
    assert (missing.action, missing.rule) == ("hold", "not_settled")


def test_pain_above_five_steps_back() -> None:
    d = decide([day(0, rest=2, during=6, morning=2)], 3, RULES)
    assert (d.action, d.rule, d.level, d.previous_level) == ("step_back", "pain_too_high", 2, 3)


def test_rise_of_two_points_steps_back() -> None:
    d = decide([day(0, during=1), day(1, during=3, morning=1)], 3, RULES)
    assert (d.action, d.rule, d.level) == ("step_back", "pain_rose", 2)
    assert "1/10 to 3/10" in d.reason


def test_rise_of_thirty_percent_steps_back_but_not_a_smaller_one() -> None:
    # 3 -> 4 is +33 % (Farrar: meaningful); the session pain 4 alone would only hold.
    rose = decide([day(0, rest=2, during=3, morning=2), day(1, rest=2, during=4, morning=2)], 2, RULES)
    assert rose.rule == "pain_rose"
    # From 4 -> 5 is +25 %: not meaningful, so it holds above the limit instead.
    held = decide([day(0, rest=3, during=4, morning=3), day(1, rest=3, during=5, morning=3)], 2, RULES)
    assert (held.action, held.rule) == ("hold", "pain_above_limit")


def test_next_morning_two_points_above_rest_steps_back() -> None:
    d = decide([day(0, rest=1, during=2, morning=3)], 2, RULES)
    assert (d.action, d.rule) == ("step_back", "morning_worse")


def test_step_back_never_goes_below_the_first_level() -> None:
    d = decide([day(0, rest=2, during=7, morning=2)], 1, RULES)
    assert d.level == 1


def test_new_red_flag_stops_and_stays_stopped() -> None:
    entries = [day(0), day(1, new_red_flags=["rf_fever_unwell"]), day(2), day(3)]
    decisions = replay(entries, 1, RULES)
    assert decisions[1].action == "retriage"
    assert decisions[1].stop_progression
    assert all(d.action == "retriage" and d.level == 1 for d in decisions[1:])


def test_rising_trend_over_two_weeks_sends_to_a_clinician() -> None:
    # week 1 worst pain 2, week 2 worst pain 4: +2 points, a meaningful rise.
    entries = [day(i, rest=1, during=2, morning=1) for i in range(0, 7, 2)]
    entries += [day(i, rest=3, during=3, morning=4) for i in range(7, 14, 2)]
    decisions = replay(entries, 2, RULES)
    first = next(d for d in decisions if d.rule == "rising_trend")
    # Day 11 is the first with entries spread over >= 10 days: earlier week (days -2..4) has
    # days 0, 2, 4 at worst 2 -> median 2; later week (days 5..11) has days 6 (2), 7, 9, 11 (4)
    # -> median 4: +2 points, a meaningful rise.
    assert first.day == D0 + dt.timedelta(days=11)
    assert (first.action, first.stop_progression) == ("see_clinician", True)
    assert "2.0 -> 4.0" in first.reason


def test_one_bad_day_is_a_step_back_not_a_trend() -> None:
    entries = [day(i, rest=1, during=1, morning=1) for i in range(0, 14, 2)] + [day(14, rest=1, during=7)]
    d = current(entries, 3, RULES)
    assert (d.action, d.rule) == ("step_back", "pain_too_high")


def test_a_stable_fortnight_is_not_a_trend() -> None:
    entries = [day(i, rest=1, during=2, morning=1) for i in range(14)]
    decisions = replay(entries, 1, RULES)
    assert all(d.rule != "rising_trend" for d in decisions)
    assert decisions[-1].level == 4  # advanced every second good session up to the top
    assert decisions[-1].rule == "top_level"


def test_bone_rules_stop_on_any_pain() -> None:
    bone = rehab_rules(PAIN_MONITORING, bone=True)
    d = decide([day(0, rest=0, during=1, morning=0)], 2, bone)
    assert (d.action, d.rule, d.stop_progression) == ("see_clinician", "bone_pain", True)


def test_two_step_backs_in_a_row_refer_when_asked() -> None:
    rules = RULES.model_copy(update={"refer_after_step_backs": 2, "max_level": 8})
    decisions = replay([day(0, rest=2, during=6), day(1, rest=2, during=7)], 5, rules)
    assert [d.action for d in decisions] == ["step_back", "see_clinician"]
    assert decisions[1].rule == "repeated_step_back"


def test_every_decision_has_a_reason_and_source() -> None:
    for d in replay([day(i, during=i % 7) for i in range(10)], 1, RULES):
        assert d.reason
        assert d.sources == ["s56", "farrar_2001"]


pain = st.integers(min_value=0, max_value=10)


@st.composite
def diaries(draw: st.DrawFn) -> list[DiaryEntry]:
    n = draw(st.integers(min_value=1, max_value=30))
    days = sorted(draw(st.sets(st.integers(min_value=0, max_value=40), min_size=n, max_size=n)))
    entries = []
    for i in days:
        active = draw(st.booleans())
        entries.append(
            DiaryEntry(
                day=D0 + dt.timedelta(days=i),
                pain_rest=draw(pain),
                pain_during=draw(pain) if active else None,
                pain_after=draw(st.one_of(st.none(), pain)) if active else None,
                pain_next_morning=draw(st.one_of(st.none(), pain)),
                new_red_flags=["rf_hot_red_joint"] if draw(st.integers(0, 19)) == 0 else [],
            )
        )
    return entries


@settings(max_examples=300, deadline=None)
@given(diaries(), st.integers(min_value=1, max_value=4))
def test_never_advances_on_a_painful_or_unsettled_day(entries: list[DiaryEntry], start: int) -> None:
    for entry, d in zip(entries, replay(entries, start, RULES), strict=True):
        if d.action == "advance":
            assert entry.pain_during is not None
            assert entry.pain_during <= 3
            assert entry.pain_after is None or entry.pain_after <= 3
            assert entry.pain_next_morning is not None
            assert entry.pain_next_morning <= entry.pain_rest
            assert not entry.new_red_flags
        assert RULES.min_level <= d.level <= RULES.max_level
        assert abs(d.level - d.previous_level) <= 1


@settings(max_examples=300, deadline=None)
@given(diaries(), st.integers(min_value=1, max_value=4))
def test_a_new_red_flag_always_stops_progression(entries: list[DiaryEntry], start: int) -> None:
    decisions = replay(entries, start, RULES)
    flagged = [i for i, e in enumerate(entries) if e.new_red_flags]
    if flagged:
        first = flagged[0]
        stopped_at = decisions[first].level
        for d in decisions[first:]:
            assert d.stop_progression
            assert d.action in ("retriage", "see_clinician")
            assert d.level == stopped_at


def test_current_is_the_latest_days_decision_and_handles_an_empty_diary() -> None:
    assert current([], 2, RULES).rule == "no_entries"
    assert current([], 2, RULES).level == 2
    today = current([day(0), day(1), day(2)], 1, RULES)
    assert (today.day, today.level) == (D0 + dt.timedelta(days=2), 2)
