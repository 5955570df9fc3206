"""Reference posteriors worked out by hand on the tiny knowledge base (see conftest.tiny_kb_data)."""

from __future__ import annotations

import math

import pytest

from hipcheck.engine import CompiledModel, EngineParams, assess
from hipcheck.engine.result import Evidence
from hipcheck.errors import UnknownFinding
from hipcheck.knowledge.schema import TriageLevel

from .conftest import build_model, tiny_kb_data


def probs(model: CompiledModel, evidence: Evidence) -> dict[str, float]:
    return {c.id: c.probability for c in assess(model, evidence).conditions}


def test_no_answers_gives_the_normalised_prior(tiny: CompiledModel) -> None:
    p = probs(tiny, Evidence(age=30, sex="female"))
    assert p == pytest.approx({"gtps": 0.6, "fnsf": 0.3, "septic": 0.1})


def test_outer_hip_and_lying_on_side(tiny: CompiledModel) -> None:
    # gtps .6*.9*.8 = .432; fnsf .3*.2*.4 (lying_side at its base rate) = .024;
    # septic .1*.5*.4 (both at base rate) = .020; total .476
    p = probs(tiny, Evidence(age=30, sex="female", answers={"loc_outer": "yes", "lying_side": "yes"}))
    assert p["gtps"] == pytest.approx(0.432 / 0.476)
    assert p["fnsf"] == pytest.approx(0.024 / 0.476)
    assert p["septic"] == pytest.approx(0.020 / 0.476)


def test_age_modifier_and_a_no_answer() -> None:
    # age 55: septic prior x2 -> weights .6 .3 .2. groin yes, outer no:
    # gtps .6*.1*.1 = .006; fnsf .3*.8*.8 = .192; septic .2*.7*.5 = .070; total .268
    model = build_model(tiny_kb_data())
    result = assess(model, Evidence(age=55, sex="male", answers={"loc_groin": "yes", "loc_outer": "no"}))
    p = {c.id: c.probability for c in result.conditions}
    assert p["fnsf"] == pytest.approx(0.192 / 0.268)
    assert p["septic"] == pytest.approx(0.070 / 0.268)
    assert p["gtps"] == pytest.approx(0.006 / 0.268)
    assert [c.id for c in result.conditions] == ["fnsf", "septic", "gtps"]
    prior = {c.id: c.prior for c in result.conditions}
    assert prior["septic"] == pytest.approx(0.2 / 1.1)
    # fnsf 72% is above its 30% safety threshold -> its default level, urgent
    assert result.triage.level == TriageLevel.urgent
    assert any(r.kind == "must_not_miss" and r.id == "fnsf" for r in result.triage.reasons)


def test_contributions_are_log_likelihood_ratios_against_the_base_rate(tiny: CompiledModel) -> None:
    result = assess(tiny, Evidence(age=30, sex="female", answers={"loc_outer": "yes", "loc_groin": "no"}))
    gtps = next(c for c in result.conditions if c.id == "gtps")
    by_id = {c.finding_id: c for c in gtps.supporting}
    assert by_id["loc_outer"].log_lr == pytest.approx(math.log(0.9 / 0.5), abs=1e-6)
    assert by_id["loc_groin"].log_lr == pytest.approx(math.log(0.9 / 0.5), abs=1e-6)
    assert by_id["loc_outer"].text == "Question about loc_outer? — yes"
    assert by_id["loc_groin"].text == "Question about loc_groin? — no"
    fnsf = next(c for c in result.conditions if c.id == "fnsf")
    # outer yes: .2/.5; groin no: (1-.8)/(1-.5) = .2/.5 as well; ties are listed by id
    assert [c.finding_id for c in fnsf.conflicting] == ["loc_groin", "loc_outer"]
    assert [c.log_lr for c in fnsf.conflicting] == pytest.approx([math.log(0.4)] * 2, abs=1e-6)


def test_red_flag_rule_sets_emergency_then_only_the_location_screen_is_asked(tiny: CompiledModel) -> None:
    result = assess(tiny, Evidence(age=30, sex="female", answers={"rf_fever": "yes"}))
    assert result.triage.level == TriageLevel.emergency
    assert result.triage.instruction == "go to the emergency department now"
    assert result.triage.reasons[0].kind == "red_flag"
    assert result.next_question is not None
    assert result.next_question.finding_ids == ["loc_outer", "loc_groin"]
    answers = {"rf_fever": "yes", "loc_outer": "no", "loc_groin": "yes"}
    after = assess(tiny, Evidence(age=30, sex="female", answers=answers))  # type: ignore[arg-type]
    assert after.should_stop and after.next_question is None
    assert after.stop_reason == "a red flag or finding needs emergency care now"
    assert after.triage.level == TriageLevel.emergency


def test_clinician_test_likelihood_is_shrunk_toward_the_base_rate() -> None:
    data = tiny_kb_data()
    data["conditions"]["gtps"]["likelihoods"]["lying_side"] = {"p": 0.9, "clinician_test": True}
    data["findings"]["lying_side"]["base_rate"] = 0.5
    model = build_model(data, EngineParams(clinician_weight=0.5))
    # logit(.9) = ln 9; half of it: ln 3 -> p = 3/4
    p = model.p_yes[model.condition_index["gtps"], model.finding_index["lying_side"]]
    assert p == pytest.approx(0.75)


def test_self_care_when_the_differential_is_mostly_benign(tiny: CompiledModel) -> None:
    result = assess(tiny, Evidence(age=30, sex="female", answers={"loc_outer": "yes", "lying_side": "yes"}))
    assert result.triage.level == TriageLevel.self_care
    assert result.triage.instruction == "whom for gtps. When: when for gtps"


def test_questions_red_flags_first_then_location(tiny: CompiledModel) -> None:
    first = assess(tiny, Evidence(age=30, sex="female"))
    assert first.next_question is not None
    assert first.next_question.finding_ids == ["rf_fever"]
    second = assess(tiny, Evidence(age=30, sex="female", answers={"rf_fever": "no"}))
    assert second.next_question is not None
    assert second.next_question.finding_ids == ["loc_outer", "loc_groin"]


def test_female_runner_is_never_asked_a_male_only_question(tiny: CompiledModel) -> None:
    answers = {"rf_fever": "no", "loc_outer": "no", "loc_groin": "yes"}
    result = assess(tiny, Evidence(age=30, sex="female", answers=answers))
    seen: list[str] = []
    while result.next_question is not None:
        seen += result.next_question.finding_ids
        answers.update({f: "unknown" for f in result.next_question.finding_ids})
        result = assess(tiny, Evidence(age=30, sex="female", answers=answers))
    assert "scrotal" not in seen


def test_unknown_finding_id_is_a_clear_error(tiny: CompiledModel) -> None:
    with pytest.raises(UnknownFinding, match="nonsense"):
        assess(tiny, Evidence(age=30, sex="female", answers={"nonsense": "yes"}))


def test_a_rule_one_answer_from_firing_is_asked_before_anything_else() -> None:
    data = tiny_kb_data()
    # keep the condition's own triage below the rule's, so only the rule can make it urgent
    data["conditions"]["fnsf"]["default_triage"] = "see_clinician"
    data["red_flags"]["groin_hop"] = {
        "id": "groin_hop",
        "name": "groin pain with hopping pain",
        "when": {"all_of": ["loc_groin", "hop_pain"]},
        "level": "urgent",
        "instruction": "stop running and see a doctor within 24 hours",
        "why": "possible bone stress",
        "suspects": ["fnsf"],
        "sources": ["s1"],
    }
    model = build_model(data)
    answers = {"rf_fever": "no", "loc_groin": "yes", "loc_outer": "no"}
    result = assess(model, Evidence(age=30, sex="female", answers=answers))  # type: ignore[arg-type]
    assert result.triage.level < TriageLevel.urgent
    assert result.next_question is not None
    assert result.next_question.finding_ids == ["hop_pain"]
    assert result.next_question.reason == "checking a warning sign: groin pain with hopping pain"
    answers["hop_pain"] = "yes"
    after = assess(model, Evidence(age=30, sex="female", answers=answers))  # type: ignore[arg-type]
    assert after.triage.level == TriageLevel.urgent
    assert after.triage.instruction == "stop running and see a doctor within 24 hours"


def test_a_likely_conditions_escalation_is_checked_before_stopping() -> None:
    data = tiny_kb_data()
    data["conditions"]["gtps"]["escalations"] = [
        {
            "level": "see_clinician",
            "min_probability": 0.5,
            "if_present": ["lying_side"],
            "instruction": "book a physiotherapist",
            "sources": ["s1"],
        }
    ]
    model = build_model(data)
    answers = {"rf_fever": "no", "loc_outer": "yes", "loc_groin": "no"}
    result = assess(model, Evidence(age=30, sex="female", answers=answers))  # type: ignore[arg-type]
    assert result.next_question is not None
    assert result.next_question.finding_ids == ["lying_side"]
    answers["lying_side"] = "yes"
    after = assess(model, Evidence(age=30, sex="female", answers=answers))  # type: ignore[arg-type]
    assert after.triage.level == TriageLevel.see_clinician
    assert after.triage.instruction == "book a physiotherapist"
    assert after.triage.reasons[0].kind == "escalation"


def test_stops_when_confident_and_no_must_not_miss_is_open(tiny: CompiledModel) -> None:
    # gtps .6*.9*.9(groin no)*.8 vs fnsf .3*.2*.2*.4: gtps ~99%, fnsf well under 20% of 30%
    answers = {"rf_fever": "no", "loc_outer": "yes", "loc_groin": "no", "lying_side": "yes"}
    result = assess(tiny, Evidence(age=30, sex="female", answers=answers))  # type: ignore[arg-type]
    assert result.should_stop
    assert result.stop_reason is not None and result.stop_reason.startswith("confident enough")


def test_hard_cap_stops_the_interview(tiny: CompiledModel) -> None:
    result = assess(tiny, Evidence(age=30, sex="female"), questions_asked=25)
    assert result.should_stop and result.next_question is None
    assert result.stop_reason == "reached the limit of 25 questions"


def test_a_red_flag_that_points_elsewhere_cannot_talk_triage_down() -> None:
    data = tiny_kb_data()
    data["findings"]["rf_calf"] = {
        "id": "rf_calf",
        "question": "Calf swollen?",
        "group": "red_flag",
        "base_rate": 0.01,
    }
    data["conditions"]["dvt"] = {
        **data["conditions"]["gtps"],
        "id": "dvt",
        "name": "clot",
        "default_triage": "see_clinician",
        "prior_percent": 3,
        "likelihoods": {"rf_calf": {"p": 0.99}},
    }
    data["red_flags"]["calf"] = {
        **data["red_flags"]["fever"],
        "id": "calf",
        "name": "calf swelling",
        "when": {"all_of": ["rf_calf"]},
        "level": "see_clinician",
        "instruction": "see a doctor today",
    }
    model = build_model(data)
    groin = {"rf_fever": "no", "loc_groin": "yes", "loc_outer": "no"}
    before = assess(model, Evidence(age=30, sex="female", answers=groin))  # type: ignore[arg-type]
    assert before.triage.level == TriageLevel.urgent  # fnsf well above its 30% threshold
    after = assess(model, Evidence(age=30, sex="female", answers={**groin, "rf_calf": "yes"}))  # type: ignore[arg-type]
    # Taken at face value the clot explains most of it: weights gtps 60*.1*.1*.9*.01 = .0054,
    # fnsf 30*.8*.8*.9*.01 = .1728, septic 10*.7*.5*.1*.01 = .0035, dvt 3*.5*.5*.9*.99 = .668,
    # so fnsf is 20%, under its 30% threshold. Read as 'no', the calf answer leaves fnsf where it
    # was, and that higher level stands.
    assert after.conditions[0].id == "dvt"
    fnsf = next(c for c in after.conditions if c.id == "fnsf")
    assert fnsf.probability < 0.3
    assert after.triage.level == TriageLevel.urgent
    assert any(r.kind == "must_not_miss" and r.id == "fnsf" for r in after.triage.reasons)
    assert any(r.kind == "red_flag" and r.id == "calf" for r in after.triage.reasons)


def test_one_vs_rest_scores_each_condition_against_the_rest() -> None:
    # Each condition's odds = prior odds x its likelihood ratios. loc_outer yes, lying_side yes:
    # gtps 1.5 x (.9/.5)(.8/.4) = 5.4; fnsf (.3/.7) x (.2/.5)(.4/.4) = 6/35; septic (.1/.9) x 1 x 1.
    model = build_model(tiny_kb_data(), EngineParams(normalisation="one_vs_rest"))
    p = probs(model, Evidence(age=30, sex="female", answers={"loc_outer": "yes", "lying_side": "yes"}))
    assert p["gtps"] == pytest.approx(5.4 / 6.4)
    assert p["fnsf"] == pytest.approx((6 / 35) / (1 + 6 / 35))
    assert p["septic"] == pytest.approx(0.1)
    assert sum(p.values()) > 1.0  # not one distribution: each condition stands alone
