"""The care, exercise, correction, return-to-run and HAGOS content of the knowledge base.

These files are read on their own (not through the whole-KB loader) so that each safety rule a
runner relies on is checked here: what is never offered to whom, when ice and heat apply, that
medicines carry their cautions, that no text tells anyone to hop, and that seed claims the
evidence rejects are corrected rather than repeated.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from hipcheck.errors import KnowledgeBaseError
from hipcheck.knowledge.hagos_data import load_hagos
from hipcheck.knowledge.schema import CareComponent, Correction, Exercise, ReturnToRun

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "src/hipcheck/knowledge/data"
SPEC: dict[str, Any] = yaml.safe_load((REPO / "docs/spec/intake-v1.yaml").read_text())
SEED_SPEC: dict[str, dict[str, str]] = yaml.safe_load((REPO / "docs/spec/seed-coverage.yaml").read_text())
SEEDS = REPO.parent / "shared/seeds"

CONDITIONS = set(SPEC["conditions"])
CONCEPTS = {cid for concepts in SEED_SPEC.values() for cid in concepts}
EMERGENCY_OR_URGENT_NO_EXERCISE = {
    "septic_arthritis",
    "cauda_equina",
    "traumatic_hip_fracture",
    "testicular_torsion",
    "deep_vein_thrombosis",
    "scfe_perthes",
    "apophyseal_avulsion",
}
BONE = {"femoral_neck_stress_fracture", "other_stress_fracture"}
# Brief §6 verdict WRONG: these may only appear as corrections, never endorsed by care or exercises.
WRONG = {
    "s0-bursitis",
    "s0-insertional-tendonitis",
    "s0-no-heat-bursitis",
    "s2-cause-pronation",
    "s2-stretch-lying-hip-flexor",
    "s3-muscle-strain",
    "s3-stress-fracture",
    "s4-trochanteric-bursitis",
}
FIXED_CARE_IDS = {
    "ice",
    "heat",
    "relative_rest",
    "pain_monitoring",
    "nsaids",
    "paracetamol",
    "foam_rolling_massage",
    "cadence_running_form",
    "footwear_check",
    "training_load",
    "cross_training",
    "protected_weight_bearing",
    "physiotherapy",
    "steroid_injection",
    "surgery",
    "manual_therapy",
    "warm_up_cool_down",
    "chiropractic",
    "sleep_position",
    "energy_availability",
}
FIXED_EXERCISE_IDS = {
    "ex_iso_abd",
    "ex_bridge",
    "ex_squat",
    "ex_sidestep",
    "ex_clam",
    "ex_sidelying_abd",
    "ex_standing_abd",
    "ex_sl_squat",
    "ex_sl_deadlift",
    "ex_lunge",
    "ex_plank",
    "ex_side_plank",
    "ex_add_squeeze",
    "ex_copenhagen",
    "ex_hipflex_iso",
    "ex_march",
    "ex_ham_iso",
    "ex_rdl",
    "ex_nordic",
    "ex_lengthen",
    "ex_standing_hip_flexion",
    "st_hip_flexor_kneeling",
    "st_thomas",
    "st_figure4",
    "st_knee_to_chest",
    "st_hamstring",
    "st_quad",
    "st_itb_crossover",
    "st_adductor",
}


def _entries(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((DATA / name).read_text())
    assert isinstance(data, list), f"{name} is a YAML list of entities"
    return data


CARE = {c.id: c for c in (CareComponent.model_validate(x) for x in _entries("care.yaml"))}
EXERCISES = {e.id: e for e in (Exercise.model_validate(x) for x in _entries("exercises.yaml"))}
CORRECTIONS = [Correction.model_validate(x) for x in _entries("corrections.yaml")]
RETURN_TO_RUN = ReturnToRun.model_validate(yaml.safe_load((DATA / "return_to_run.yaml").read_text()))
SOURCE_IDS = {s["id"] for s in yaml.safe_load((DATA / "sources.yaml").read_text())["sources"]}


def _forbidden(exercise: Exercise) -> set[str]:
    return {f.condition for f in exercise.forbids}


def _contra(component: CareComponent) -> set[str]:
    return {c.condition for c in component.contraindications}


# --- ids and references ----------------------------------------------------------------------


def test_every_fixed_care_and_exercise_id_exists() -> None:
    assert set(CARE) >= FIXED_CARE_IDS
    assert set(EXERCISES) >= FIXED_EXERCISE_IDS


def test_references_point_at_real_conditions_sources_and_concepts() -> None:
    for c in CARE.values():
        assert set(c.indications) | _contra(c) <= CONDITIONS, c.id
        assert set(c.sources) <= SOURCE_IDS, c.id
        assert set(c.seed_refs) <= CONCEPTS, c.id
    for e in EXERCISES.values():
        assert set(e.favours) | _forbidden(e) <= CONDITIONS, e.id
        assert not set(e.favours) & _forbidden(e), f"{e.id} both favours and forbids a condition"
        assert set(e.sources) <= SOURCE_IDS, e.id
        assert set(e.seed_refs) <= CONCEPTS, e.id
    for corr in CORRECTIONS:
        assert set(corr.sources) <= SOURCE_IDS, corr.id
        assert set(corr.seed_refs) <= CONCEPTS, corr.id
    assert set(RETURN_TO_RUN.sources) <= SOURCE_IDS


# --- exercises: who must never be offered what ------------------------------------------------


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_no_exercise_is_offered_in_an_emergency_or_urgent_must_not_miss(exercise_id: str) -> None:
    assert _forbidden(EXERCISES[exercise_id]) >= EMERGENCY_OR_URGENT_NO_EXERCISE


def test_impact_sprint_standing_and_stretching_work_is_forbidden_with_a_possible_bone_stress_injury() -> None:
    loaded_standing = {"ex_sl_squat", "ex_sl_deadlift", "ex_lunge", "ex_copenhagen", "ex_nordic", "ex_rdl"}
    for e in EXERCISES.values():
        if {"impact", "sprint"} & set(e.loads) or e.kind == "stretch" or e.id in loaded_standing:
            assert _forbidden(e) >= BONE, e.id
    assert "impact" in EXERCISES["ex_march"].loads  # it progresses to skips and strides


@pytest.mark.parametrize(
    ("exercise_id", "condition_id"),
    [
        ("st_itb_crossover", "gluteal_tendinopathy_bursitis"),
        ("st_hamstring", "proximal_hamstring_tendinopathy"),
        ("st_hamstring", "hamstring_strain"),
        ("st_knee_to_chest", "labral_tear_fai"),
        ("st_adductor", "adductor_strain"),
        ("st_hip_flexor_kneeling", "iliopsoas_hip_flexor"),
        ("st_thomas", "iliopsoas_hip_flexor"),
        ("ex_lengthen", "proximal_hamstring_tendinopathy"),
        ("ex_lunge", "proximal_hamstring_tendinopathy"),
        ("ex_copenhagen", "groin_hernia"),
    ],
)
def test_brief_contraindications_are_encoded_with_a_reason(exercise_id: str, condition_id: str) -> None:
    reasons = {f.condition: f.reason for f in EXERCISES[exercise_id].forbids}
    assert condition_id in reasons
    assert len(reasons[condition_id]) > 20


def test_every_adduction_or_deep_flexion_load_is_forbidden_or_warned_for_its_condition() -> None:
    for e in EXERCISES.values():
        if "adduction_compression" in e.loads:
            assert "gluteal_tendinopathy_bursitis" in _forbidden(e), e.id
        if "deep_flexion" in e.loads:
            warned = any("pinch" in c for c in e.cautions)
            assert "labral_tear_fai" in _forbidden(e) or warned, e.id


def test_each_exercise_has_a_usable_dose_and_progression() -> None:
    for e in EXERCISES.values():
        assert e.dose.reps or e.dose.hold_seconds, e.id
        assert e.progression and e.regression, e.id
        assert len(e.how_to) >= 2, e.id
        if e.kind == "stretch":
            assert e.dose.hold_seconds == 30, e.id
            assert "hamstring_stretch" not in e.loads or "proximal_hamstring_tendinopathy" in _forbidden(e)


def test_the_top_causes_each_have_favoured_exercises() -> None:
    for condition in (
        "gluteal_tendinopathy_bursitis",
        "iliopsoas_hip_flexor",
        "adductor_strain",
        "proximal_hamstring_tendinopathy",
        "hamstring_strain",
        "itbs",
        "hip_weakness_overload",
        "gluteus_medius_strain",
    ):
        favoured = [e for e in EXERCISES.values() if condition in e.favours]
        assert len(favoured) >= 2, condition


# --- care components ---------------------------------------------------------------------------


def test_ice_belongs_to_the_first_48_hours_and_heat_comes_after() -> None:
    ice, heat = CARE["ice"], CARE["heat"]
    assert ice.stop_after_hours == 48 and ice.phases == ["calm_down"]
    assert heat.start_after_hours is not None and heat.start_after_hours >= 48
    assert "calm_down" not in heat.phases


def test_heat_is_not_offered_for_bursitis_type_pain_and_says_the_evidence_is_thin() -> None:
    heat = CARE["heat"]
    reasons = {c.condition: c.reason for c in heat.contraindications}
    assert "gluteal_tendinopathy_bursitis" in reasons
    assert "optional" in reasons["gluteal_tendinopathy_bursitis"]
    assert {"hip_pointer", "hamstring_strain", "septic_arthritis"} <= set(reasons)
    assert heat.evidence_note is not None and "no evidence" in heat.evidence_note


def test_nsaids_carry_their_cautions_and_step_aside_for_bone_stress() -> None:
    nsaids = CARE["nsaids"]
    assert _contra(nsaids) >= BONE
    text = " ".join(nsaids.how + nsaids.cautions).lower()
    for must in ("label", "pharmacist", "long runs", "stomach", "kidney", "blood thinners", "paracetamol"):
        assert must in text, must
    assert set(CARE["paracetamol"].indications) >= BONE


def test_foam_rolling_stays_off_the_trochanter_a_stress_fracture_and_a_fresh_bruise() -> None:
    assert {"gluteal_tendinopathy_bursitis", "hip_pointer", "deep_vein_thrombosis"} | BONE <= _contra(
        CARE["foam_rolling_massage"]
    )


def test_running_advice_is_never_given_for_a_possible_bone_stress_injury() -> None:
    for cid in ("cadence_running_form", "running_surface", "relative_rest"):
        assert _contra(CARE[cid]) >= BONE, cid
    assert set(CARE["protected_weight_bearing"].indications) >= BONE


def test_shoe_mileage_is_a_prompt_not_a_rule() -> None:
    footwear = CARE["footwear_check"]
    assert "prompt" in footwear.summary
    assert "s2-cause-pronation" not in footwear.seed_refs


# --- corrections and coverage ------------------------------------------------------------------


def test_every_seed_claim_the_brief_calls_wrong_is_corrected_and_not_endorsed() -> None:
    corrected = {ref for corr in CORRECTIONS for ref in corr.seed_refs}
    assert corrected >= WRONG
    endorsed = {r for c in CARE.values() for r in c.seed_refs} | {
        r for e in EXERCISES.values() for r in e.seed_refs
    }
    assert not (WRONG - {"s0-no-heat-bursitis"}) & endorsed


def test_every_seed_exercise_stretch_and_care_concept_is_covered() -> None:
    covered = (
        {r for c in CARE.values() for r in c.seed_refs}
        | {r for e in EXERCISES.values() for r in e.seed_refs}
        | {r for corr in CORRECTIONS for r in corr.seed_refs}
    )
    words = (
        "-ex-",
        "stretch",
        "shoes",
        "form-",
        "ice",
        "heat",
        "nsaids",
        "warmup",
        "foam",
        "massage",
        "rest",
    )
    mine = {c for c in CONCEPTS if any(w in c for w in words)}
    assert mine, "the concept filter found nothing"
    assert mine <= covered, sorted(mine - covered)


def _seven_word_runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + 7]) for i in range(len(words) - 6)}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seed articles are not next to the repo")
@pytest.mark.parametrize(
    "file_name", ["care.yaml", "exercises.yaml", "corrections.yaml", "return_to_run.yaml"]
)
def test_no_sentence_is_copied_from_the_seed_articles(file_name: str) -> None:
    seed_runs: set[tuple[str, ...]] = set()
    for seed in SEEDS.glob("*.txt"):
        seed_runs |= _seven_word_runs(seed.read_text(encoding="utf-8"))
    copied = _seven_word_runs((DATA / file_name).read_text()) & seed_runs
    assert not copied, sorted(" ".join(run) for run in copied)


def test_no_text_tells_a_runner_to_hop() -> None:
    """Safety rule R3: a hop test can complete a femoral-neck stress fracture."""
    texts = [yaml.safe_dump(_entries(n)) for n in ("care.yaml", "exercises.yaml")]
    texts.append((DATA / "return_to_run.yaml").read_text())
    for text in texts:
        for line in text.lower().splitlines():
            if re.search(r"\bhop", line):
                assert re.search(r"\b(do not|never|not after|no)\b", line), line


# --- return to run -------------------------------------------------------------------------------


def test_walk_run_stages_build_to_thirty_minutes_of_running() -> None:
    stages = RETURN_TO_RUN.stages
    assert [s.stage for s in stages] == list(range(1, 9))
    run_time = [s.run_minutes * s.repeats for s in stages]
    assert run_time[-1] == 30
    longest_bout = [s.run_minutes for s in stages]
    assert longest_bout == sorted(longest_bout)
    assert all(s.walk_minutes * s.repeats + s.run_minutes * s.repeats <= 30 for s in stages)


def test_bone_needs_clearance_and_no_pain_to_advance() -> None:
    assert RETURN_TO_RUN.max_pain_to_advance["bone"] == 0
    assert RETURN_TO_RUN.max_pain_to_advance["soft_tissue"] <= 3
    bone = " ".join(RETURN_TO_RUN.entry_criteria["bone"]).lower()
    assert "doctor has cleared" in bone and "imaging" in bone
    assert set(RETURN_TO_RUN.entry_criteria) == {"soft_tissue", "hamstring_acute", "bone", "not_applicable"}


# --- HAGOS ---------------------------------------------------------------------------------------


def test_hagos_has_the_37_items_of_the_form_in_six_subscales_and_the_half_rule() -> None:
    hagos = load_hagos()
    form = {  # item codes as printed on the HAGOS LK 1.0 form
        "symptoms": [f"S{i}" for i in range(1, 8)],
        "pain": [f"P{i}" for i in range(1, 11)],
        "adl": [f"A{i}" for i in range(1, 6)],
        "sport_recreation": [f"SP{i}" for i in range(1, 9)],
        "physical_activity": ["PA1", "PA2"],
        "quality_of_life": [f"Q{i}" for i in range(1, 6)],
    }
    assert [i.id for i in hagos.items] == [item for items in form.values() for item in items]
    assert {s.id: [i.id for i in hagos.items_of(s.id)] for s in hagos.subscales} == form
    # Missing-item rule (koos.nu family): at least half of a subscale's items, rounded up.
    assert {s.id: s.min_answered for s in hagos.subscales} == {
        "symptoms": 4,
        "pain": 5,
        "adl": 3,
        "sport_recreation": 4,
        "physical_activity": 1,
        "quality_of_life": 3,
    }
    assert hagos.source.year == 2011 and "Thorborg" in (hagos.source.authors or "")


def test_hagos_answer_boxes_run_from_no_problem_to_extreme() -> None:
    hagos = load_hagos()
    pa1 = next(i for i in hagos.items if i.id == "PA1")
    assert pa1.options[0].label == "Always" and pa1.options[4].label == "Never"
    s1 = next(i for i in hagos.items if i.id == "S1")
    assert s1.options[0].label == "Never" and s1.options[4].value == 4


def test_a_broken_hagos_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    raw = yaml.safe_load((DATA / "hagos.yaml").read_text())
    raw["items"][0]["options"] = raw["items"][0]["options"][:3]
    raw["colour"] = "blue"
    (tmp_path / "hagos.yaml").write_text(yaml.safe_dump(raw))
    with pytest.raises(KnowledgeBaseError) as info:
        load_hagos(tmp_path)
    problems = info.value.problems
    assert any(p.startswith("hagos.yaml: hagos: items.0.options") for p in problems)
    assert any("unknown key 'colour'" in p for p in problems)


def test_a_missing_hagos_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match=r"hagos\.yaml"):
        load_hagos(tmp_path)
