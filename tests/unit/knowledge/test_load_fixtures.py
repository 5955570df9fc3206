"""The loader on small fixture knowledge bases: a valid one loads; each broken one names its problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipcheck.errors import KnowledgeBaseError
from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.knowledge.schema import TriageLevel


def problems_of(root: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(root)
    return info.value.problems


def test_minimal_kb_loads_with_every_kind(minimal_kb: Path) -> None:
    kb = load_knowledge_base(minimal_kb)
    assert set(kb.findings) == {"f_outer", "f_night", "rf_fever"}
    assert set(kb.conditions) == {"cond_a", "cond_b"}
    assert kb.conditions["cond_b"].must_not_miss
    assert kb.conditions["cond_a"].likelihoods["f_outer"].p == 0.9
    assert kb.red_flags["fever_rule"].level is TriageLevel.emergency
    assert kb.care["ice"].seed_refs == ["c-ice"]
    assert kb.return_to_run.stages[0].run_minutes == 1
    assert kb.seed_concepts["c-wrong"].file == "000_example.txt"


def test_unknown_key_is_named(broken_kb: Callable[..., Path]) -> None:
    problems = problems_of(broken_kb("unknown_key"))
    assert problems == [
        "findings.yaml: f_outer: colour: unknown key 'colour' (not in the schema: check the spelling)"
    ]


def test_dangling_references_are_each_reported(broken_kb: Callable[..., Path]) -> None:
    problems = problems_of(broken_kb("dangling"))
    cond = "conditions/cond_a.yaml: cond_a"
    expected = [
        f"{cond}: sources: unknown source id 's99' (dangling reference)",
        f"{cond}: likelihoods: unknown finding id 'f_outr' (dangling reference)",
        f"{cond}: first_line_care: unknown care component id 'heat' (dangling reference)",
        f"{cond}: favoured_exercises: unknown exercise id 'ex_missing' (dangling reference)",
        "red_flags.yaml: fever_rule: when.any_of.0: unknown finding id 'f_nowhere' (dangling reference)",
        "red_flags.yaml: fever_rule: suspects: unknown condition id 'cond_zzz' (dangling reference)",
    ]
    without_hints = [p.split("; did you mean")[0] for p in problems]
    assert sorted(without_hints) == sorted(expected)
    # a near-miss id gets a suggestion
    assert (
        f"{cond}: likelihoods: unknown finding id 'f_outr' (dangling reference); did you mean 'f_outer'?"
        in problems
    )


def test_probability_out_of_range(broken_kb: Callable[..., Path]) -> None:
    problems = problems_of(broken_kb("probability"))
    assert problems == [
        "conditions/cond_a.yaml: cond_a: likelihoods.f_outer.p: probability outside (0, 1): got 1.2",
        "conditions/cond_a.yaml: cond_a: likelihoods.f_night.p: probability outside (0, 1): got 0",
    ]


def test_missing_sources(broken_kb: Callable[..., Path]) -> None:
    problems = problems_of(broken_kb("missing_source"))
    assert "care.yaml: ice: sources: missing source: cite at least one source id" in problems
    assert "exercises.yaml: ex_bridge: sources: missing source: cite at least one source id" in problems


def test_duplicate_id(broken_kb: Callable[..., Path]) -> None:
    problems = problems_of(broken_kb("duplicate"))
    assert problems == ["findings.yaml: f_outer: id: duplicate finding id (first defined in findings.yaml)"]


def test_seed_ref_that_is_not_a_concept(broken_kb: Callable[..., Path]) -> None:
    problems = problems_of(broken_kb("bad_seed_ref"))
    assert [p.split("; did you mean")[0] for p in problems] == [
        "exercises.yaml: ex_bridge: seed_refs: unknown seed concept id 'c-nope' (dangling reference)"
    ]


def test_must_not_miss_needs_a_threshold(broken_kb: Callable[..., Path]) -> None:
    problems = problems_of(broken_kb("must_not_miss"))
    assert problems == [
        "conditions/cond_b.yaml: cond_b: safety_threshold: a must_not_miss condition needs a safety_threshold"
    ]


def test_yaml_syntax_error_names_file_and_line(broken_kb: Callable[..., Path]) -> None:
    problems = problems_of(broken_kb("yaml_syntax"))
    assert len(problems) == 1
    assert problems[0].startswith("corrections.yaml: -: line ")
    assert "not valid YAML" in problems[0]


def test_condition_id_must_match_file_name(broken_kb: Callable[..., Path]) -> None:
    problems = problems_of(broken_kb("condition_file_name"))
    assert "conditions/cond_a.yaml: cond_x: id: id 'cond_x' differs from the file name 'cond_a'" in problems


def test_every_problem_is_collected_across_files(broken_kb: Callable[..., Path]) -> None:
    """Several broken files at once: the loader reports all of them, not just the first."""
    problems = problems_of(
        broken_kb("unknown_key", "probability", "missing_source", "must_not_miss", "yaml_syntax")
    )
    files = {p.split(":", 1)[0] for p in problems}
    assert files == {
        "findings.yaml",
        "conditions/cond_a.yaml",
        "conditions/cond_b.yaml",
        "care.yaml",
        "exercises.yaml",
        "corrections.yaml",
    }
    assert any("unknown key 'colour'" in p for p in problems)
    assert sum("probability outside (0, 1)" in p for p in problems) == 2
    assert any("care.yaml: ice: sources: missing source" in p for p in problems)
    assert any("exercises.yaml: ex_bridge: sources: missing source" in p for p in problems)
    assert any("needs a safety_threshold" in p for p in problems)
    assert any(p.startswith("corrections.yaml: -: line") for p in problems)


def test_missing_files_are_reported_not_crashed(tmp_path: Path) -> None:
    problems = problems_of(tmp_path)
    for name in ("sources.yaml", "findings.yaml", "red_flags.yaml", "care.yaml", "exercises.yaml"):
        assert f"{name}: -: -: file is missing" in problems
    assert "conditions/: -: -: directory is missing (one YAML file per condition)" in problems
    assert "return_to_run.yaml: -: -: file is missing" in problems


def test_yaml_duplicate_key_is_a_problem(minimal_kb: Path) -> None:
    path = minimal_kb / "conditions" / "cond_a.yaml"
    path.write_text(path.read_text() + "prior_percent: 5\n")
    problems = problems_of(minimal_kb)
    assert len(problems) == 1
    assert problems[0].startswith("conditions/cond_a.yaml: -: line ")
    assert "duplicate key 'prior_percent'" in problems[0]


def test_favoured_exercise_that_forbids_the_condition(minimal_kb: Path) -> None:
    path = minimal_kb / "conditions" / "cond_b.yaml"
    data = yaml.safe_load(path.read_text())
    data["favoured_exercises"] = ["ex_bridge"]
    path.write_text(yaml.safe_dump(data))
    assert problems_of(minimal_kb) == [
        "conditions/cond_b.yaml: cond_b: favoured_exercises: exercise 'ex_bridge' forbids this condition"
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    p=st.one_of(
        st.floats(max_value=0.0, allow_nan=False, allow_infinity=False),
        st.floats(min_value=1.0, allow_nan=False, allow_infinity=False),
    )
)
def test_any_likelihood_outside_zero_one_is_rejected(minimal_kb: Path, p: float) -> None:
    path = minimal_kb / "conditions" / "cond_a.yaml"
    data = yaml.safe_load((Path(__file__).parent / "fixtures/minimal/conditions/cond_a.yaml").read_text())
    data["likelihoods"]["f_night"]["p"] = p
    path.write_text(yaml.safe_dump(data))
    problems = problems_of(minimal_kb)
    assert problems == [
        f"conditions/cond_a.yaml: cond_a: likelihoods.f_night.p: probability outside (0, 1): got {p!r}"
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(p=st.floats(min_value=0.0, max_value=1.0, exclude_min=True, exclude_max=True))
def test_any_likelihood_inside_zero_one_loads(minimal_kb: Path, p: float) -> None:
    path = minimal_kb / "conditions" / "cond_a.yaml"
    data = yaml.safe_load((Path(__file__).parent / "fixtures/minimal/conditions/cond_a.yaml").read_text())
    data["likelihoods"]["f_night"]["p"] = p
    path.write_text(yaml.safe_dump(data))
    assert load_knowledge_base(minimal_kb).conditions["cond_a"].likelihoods["f_night"].p == p


def test_duplicate_is_reported_even_when_the_second_copy_is_invalid(minimal_kb: Path) -> None:
    path = minimal_kb / "findings.yaml"
    data = yaml.safe_load(path.read_text())
    data["findings"].append({"id": "f_night", "question": "Again?", "group": "nonsense", "base_rate": 0.2})
    path.write_text(yaml.safe_dump(data))
    problems = problems_of(minimal_kb)
    assert "findings.yaml: f_night: id: duplicate finding id (first defined in findings.yaml)" in problems
    assert any(p.startswith("findings.yaml: f_night: group: ") for p in problems)
    assert len(problems) == 2


def test_wrong_top_level_key_is_named(minimal_kb: Path) -> None:
    path = minimal_kb / "care.yaml"
    path.write_text(path.read_text().replace("care:", "cares:", 1))
    assert problems_of(minimal_kb) == ["care.yaml: -: cares: unknown top-level key (expected 'care')"]


def test_a_finding_without_a_base_rate_is_reported(minimal_kb: Path) -> None:
    # The base rate is P(yes) among runners with hip pain: a clinical estimate the data must state.
    path = minimal_kb / "findings.yaml"
    data = yaml.safe_load(path.read_text())
    del data["findings"][0]["base_rate"]
    path.write_text(yaml.safe_dump(data))
    fid = data["findings"][0]["id"]
    assert problems_of(minimal_kb) == [f"findings.yaml: {fid}: base_rate: required field is missing"]


def test_a_file_that_is_not_utf8_is_one_problem_line(minimal_kb: Path) -> None:
    (minimal_kb / "findings.yaml").write_bytes(b"\xff\xfe not text")
    (minimal_kb / "conditions" / "cond_a.yaml").write_bytes(b"id: cond_a\nname: caf\xe9\n")
    # byte 20 is the 0xe9 after "id: cond_a\nname: caf"; nothing else is reported as a result
    assert problems_of(minimal_kb) == [
        "findings.yaml: -: -: not UTF-8 text (byte 0 cannot be decoded)",
        "conditions/cond_a.yaml: -: -: not UTF-8 text (byte 20 cannot be decoded)",
    ]
