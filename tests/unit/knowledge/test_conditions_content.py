"""Clinical content of the condition files: the properties a runner relies on.

These check the medical data, not the loader: serious conditions are recognisable from a runner's
own few words, defining features argue against a condition when absent, age and sex change who is
at risk, and urgent or emergency conditions can raise triage on their own. The textbook
presentations below are written from the clinical brief's condition cards (not the dev cases).
"""

from __future__ import annotations

from functools import cache

import pytest

from hipcheck.engine import assess, compile_model
from hipcheck.engine.model import CompiledModel
from hipcheck.engine.result import AssessmentResult, Evidence
from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.knowledge.schema import Condition, KnowledgeBase, Sex, TriageLevel


@cache
def _kb() -> KnowledgeBase:
    return load_knowledge_base()


@cache
def _model() -> CompiledModel:
    return compile_model(_kb())


def _assess(age: int, sex: str, present: list[str], absent: tuple[str, ...] = ()) -> AssessmentResult:
    answers = {f: "yes" for f in present} | {f: "no" for f in absent}
    return assess(_model(), Evidence(age=age, sex=Sex(sex), answers=answers))


def _ids_in_group(group: str) -> list[str]:
    return sorted(f.id for f in _kb().findings.values() if f.group == group)


CONDITION_IDS = sorted(_kb().conditions)


@pytest.mark.parametrize("condition_id", CONDITION_IDS)
def test_every_condition_states_each_location_and_red_flag_explicitly(condition_id: str) -> None:
    """Where it hurts and the red flags never fall back to a generic base rate."""
    cond = _kb().conditions[condition_id]
    missing = [f for f in _ids_in_group("location") + _ids_in_group("red_flag") if f not in cond.likelihoods]
    assert missing == [], f"{condition_id} leaves {missing} to the base rate"


@pytest.mark.parametrize("condition_id", CONDITION_IDS)
def test_measured_and_examiner_derived_likelihoods_cite_a_source(condition_id: str) -> None:
    cond = _kb().conditions[condition_id]
    uncited = [
        fid
        for fid, like in cond.likelihoods.items()
        if (not like.estimated or like.clinician_test) and not like.sources
    ]
    assert uncited == []


@pytest.mark.parametrize("condition_id", CONDITION_IDS)
def test_urgent_conditions_can_raise_triage_by_themselves(condition_id: str) -> None:
    """A condition that needs care within 24 hours must be must-not-miss, with a low threshold."""
    cond = _kb().conditions[condition_id]
    if cond.default_triage >= TriageLevel.urgent:
        assert cond.must_not_miss
        assert cond.safety_threshold is not None
        assert cond.safety_threshold <= 0.15


POINTERS = [
    ("rf_saddle_bladder_bowel", "cauda_equina"),
    ("rf_fever_unwell", "septic_arthritis"),
    ("rf_calf_swelling", "deep_vein_thrombosis"),
    ("rf_leg_deformity", "traumatic_hip_fracture"),
    ("scrotal_pain", "testicular_torsion"),
    ("groin_lump", "groin_hernia"),
    ("night_pain_eased_by_nsaids", "serious_pathology"),
    ("history_of_cancer", "serious_pathology"),
    ("rf_weight_loss", "serious_pathology"),
    ("steroids_or_alcohol", "avascular_necrosis"),
]


@pytest.mark.parametrize(("finding_id", "condition_id"), POINTERS)
def test_a_warning_sign_weighs_heavily_against_every_self_care_cause(
    finding_id: str, condition_id: str
) -> None:
    kb = _kb()
    p = kb.conditions[condition_id].likelihoods[finding_id].p
    for other in kb.conditions.values():
        if other.default_triage == TriageLevel.self_care:
            q = _p_yes(other, finding_id)
            assert p / q >= 20, f"{finding_id}: {condition_id} {p} vs {other.id} {q}"


def _p_yes(cond: Condition, finding_id: str) -> float:
    like = cond.likelihoods.get(finding_id)
    if like is not None:
        return like.p
    return cond.default_likelihood or _kb().findings[finding_id].base_rate


DEFINING = [
    ("gluteal_tendinopathy_bursitis", "loc_outer_hip"),
    ("itbs", "loc_outer_knee"),
    ("proximal_hamstring_tendinopathy", "loc_sit_bone"),
    ("coccydynia", "loc_tailbone"),
    ("meralgia_paresthetica", "loc_outer_thigh_skin"),
    ("hip_pointer", "loc_top_of_pelvis"),
    ("osteitis_pubis", "loc_pubic"),
    ("athletic_pubalgia", "loc_lower_abdomen"),
    ("piriformis_deep_gluteal", "loc_buttock"),
    ("adductor_strain", "loc_inner_thigh"),
    ("labral_tear_fai", "loc_groin"),
    ("labral_tear_fai", "worse_deep_squat"),
    ("groin_hernia", "groin_lump"),
    ("cauda_equina", "rf_saddle_bladder_bowel"),
    ("testicular_torsion", "scrotal_pain"),
]


@pytest.mark.parametrize(("condition_id", "finding_id"), DEFINING)
def test_a_no_to_a_defining_feature_argues_strongly_against(condition_id: str, finding_id: str) -> None:
    cond = _kb().conditions[condition_id]
    base = _kb().findings[finding_id].base_rate
    lr_no = (1 - cond.likelihoods[finding_id].p) / (1 - base)
    assert lr_no <= 0.25


# age, sex, what the runner reports, the condition that must be in the top three, the lowest
# acceptable triage. Written from the condition cards in the clinical brief.
TEXTBOOK = [
    (
        54,
        "female",
        ["loc_outer_hip", "worse_lying_on_side", "tender_outer_hip"],
        "gluteal_tendinopathy_bursitis",
        "self_care",
    ),
    (
        29,
        "female",
        ["loc_groin", "worse_weight_bearing", "training_increase", "night_pain_at_rest"],
        "femoral_neck_stress_fracture",
        "urgent",
    ),
    (
        26,
        "female",
        ["loc_front_thigh", "worse_weight_bearing", "training_increase"],
        "other_stress_fracture",
        "urgent",
    ),
    (
        34,
        "female",
        ["loc_buttock", "loc_lower_back", "worse_weight_bearing", "low_energy_availability"],
        "other_stress_fracture",
        "urgent",
    ),
    (27, "male", ["loc_groin", "click_lock_catch", "worse_deep_squat"], "labral_tear_fai", "see_clinician"),
    (
        62,
        "male",
        ["loc_groin", "morning_stiffness_short", "worse_socks_shoes"],
        "hip_osteoarthritis",
        "see_clinician",
    ),
    (31, "female", ["loc_outer_knee", "starts_at_fixed_distance", "worse_downhill"], "itbs", "self_care"),
    (
        28,
        "male",
        ["loc_inner_thigh", "squeeze_knees_pain", "worse_side_to_side"],
        "adductor_strain",
        "self_care",
    ),
    (
        42,
        "male",
        ["loc_sit_bone", "worse_prolonged_sitting", "speed_or_hill_work"],
        "proximal_hamstring_tendinopathy",
        "self_care",
    ),
    (
        24,
        "male",
        ["onset_sudden_during_activity", "felt_pop", "speed_or_hill_work", "bruising_swelling"],
        "hamstring_strain",
        "self_care",
    ),
    (
        45,
        "male",
        ["loc_lower_back", "loc_below_knee", "numbness_tingling_leg"],
        "lumbar_radiculopathy",
        "see_clinician",
    ),
    (36, "female", ["loc_outer_thigh_skin", "char_burning"], "meralgia_paresthetica", "self_care"),
    (
        30,
        "female",
        ["onset_fall_on_tailbone", "worse_prolonged_sitting", "tender_tailbone"],
        "coccydynia",
        "self_care",
    ),
    (12, "male", ["loc_knee", "limp"], "scfe_perthes", "urgent"),
    (
        15,
        "male",
        ["onset_sudden_during_activity", "felt_pop", "tender_front_pelvis_bone"],
        "apophyseal_avulsion",
        "urgent",
    ),
    (
        15,
        "male",
        ["loc_lower_abdomen", "scrotal_pain", "rf_severe_sudden_groin_vomiting"],
        "testicular_torsion",
        "emergency",
    ),
    (30, "male", ["loc_groin", "rf_fever_unwell", "limp"], "septic_arthritis", "emergency"),
    (
        50,
        "male",
        ["loc_lower_back", "loc_below_knee", "rf_saddle_bladder_bowel"],
        "cauda_equina",
        "emergency",
    ),
    (33, "female", ["rf_calf_swelling", "loc_front_thigh"], "deep_vein_thrombosis", "urgent"),
    (38, "male", ["steroids_or_alcohol", "loc_groin", "limp"], "avascular_necrosis", "urgent"),
    (
        76,
        "female",
        ["onset_fall_or_twist", "rf_cannot_bear_weight", "rf_leg_deformity"],
        "traumatic_hip_fracture",
        "emergency",
    ),
    (64, "female", ["history_of_cancer", "loc_groin", "night_pain_at_rest"], "serious_pathology", "urgent"),
    (
        19,
        "male",
        ["loc_front_thigh", "night_pain_at_rest", "night_pain_eased_by_nsaids"],
        "serious_pathology",
        "see_clinician",
    ),
    (52, "male", ["groin_lump", "rf_severe_sudden_groin_vomiting"], "groin_hernia", "emergency"),
]


@pytest.mark.parametrize(
    ("age", "sex", "present", "expected", "min_triage"), TEXTBOOK, ids=[t[3] + f"-{t[0]}" for t in TEXTBOOK]
)
def test_a_textbook_presentation_puts_its_cause_in_the_top_three(
    age: int, sex: str, present: list[str], expected: str, min_triage: str
) -> None:
    result = _assess(age, sex, present)
    top3 = [c.id for c in result.conditions[:3]]
    assert expected in top3, f"{expected} not in {top3}"
    assert result.triage.level >= TriageLevel(min_triage)


def _prior(result: AssessmentResult, condition_id: str) -> float:
    return next(c.prior for c in result.conditions if c.id == condition_id)


def test_growth_plate_conditions_belong_to_the_young() -> None:
    child, adult = _assess(12, "male", []), _assess(35, "male", [])
    assert _prior(child, "scfe_perthes") > 100 * _prior(adult, "scfe_perthes")
    assert _prior(_assess(15, "male", []), "apophyseal_avulsion") > 50 * _prior(adult, "apophyseal_avulsion")


def test_osteoarthritis_rises_with_age_and_is_absent_in_children() -> None:
    assert _prior(_assess(14, "female", []), "hip_osteoarthritis") < 1e-6
    assert _prior(_assess(65, "female", []), "hip_osteoarthritis") > 10 * _prior(
        _assess(30, "female", []), "hip_osteoarthritis"
    )


def test_testicular_torsion_is_never_suggested_for_a_female_runner() -> None:
    result = _assess(16, "female", ["loc_lower_abdomen", "rf_severe_sudden_groin_vomiting", "loc_groin"])
    assert next(c.probability for c in result.conditions if c.id == "testicular_torsion") < 1e-6


def test_outer_hip_tendon_pain_is_commoner_in_older_women() -> None:
    woman, man = _assess(55, "female", []), _assess(55, "male", [])
    assert _prior(woman, "gluteal_tendinopathy_bursitis") > 2 * _prior(man, "gluteal_tendinopathy_bursitis")
