"""The knowledge base shipped in the package: it loads, and it holds every intake-v1 id with its meaning."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from hipcheck.knowledge.coverage import seed_coverage, uncovered
from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.knowledge.schema import KnowledgeBase, TriageLevel

REPO = Path(__file__).resolve().parents[3]
SPEC: dict[str, Any] = yaml.safe_load((REPO / "docs/spec/intake-v1.yaml").read_text())
SEED_SPEC: dict[str, dict[str, str]] = yaml.safe_load((REPO / "docs/spec/seed-coverage.yaml").read_text())


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_packaged_kb_loads_and_is_cached(kb: KnowledgeBase) -> None:
    assert load_knowledge_base() is kb


@pytest.mark.parametrize("finding_id", sorted(SPEC["findings"]))
def test_every_intake_finding_exists_with_its_meaning(kb: KnowledgeBase, finding_id: str) -> None:
    finding = kb.findings[finding_id]
    assert finding.spec_meaning == SPEC["findings"][finding_id]
    assert finding.question.strip()


@pytest.mark.parametrize("condition_id", sorted(SPEC["conditions"]))
def test_every_intake_condition_exists_with_its_meaning(kb: KnowledgeBase, condition_id: str) -> None:
    assert kb.conditions[condition_id].spec_meaning == SPEC["conditions"][condition_id]


def test_triage_levels_match_the_spec() -> None:
    assert [t["id"] for t in SPEC["triage_levels"]] == [t.value for t in TriageLevel]


def test_bundled_seed_coverage_is_the_spec_copy(kb: KnowledgeBase) -> None:
    expected = {cid for concepts in SEED_SPEC.values() for cid in concepts}
    assert set(kb.seed_concepts) == expected


def test_every_seed_concept_is_covered(kb: KnowledgeBase) -> None:
    assert uncovered(kb) == []
    assert all(seed_coverage(kb).values())


def test_every_seed_article_is_a_source(kb: KnowledgeBase) -> None:
    seed_files = {s.file for s in kb.sources.values() if s.kind == "seed"}
    assert seed_files == set(SEED_SPEC)


def test_no_help_text_instructs_a_hop_test(kb: KnowledgeBase) -> None:
    """Safety rule R3: hopping can complete a femoral-neck stress fracture."""
    for finding in kb.findings.values():
        for text in (finding.question.lower(), (finding.help or "").lower()):
            if "hop" in text:
                assert "do not" in text or "never" in text, finding.id
    # What a runner is told to do (exercise steps, return-to-run stages and criteria) never hops.
    doing = [step for e in kb.exercises.values() for step in e.how_to]
    doing += [e.progression for e in kb.exercises.values()]
    doing += [s.note or "" for s in kb.return_to_run.stages]
    doing += [c for criteria in kb.return_to_run.entry_criteria.values() for c in criteria]
    assert doing
    assert not [text for text in doing if re.search(r"\bhop", text, re.IGNORECASE)]


def test_sex_specific_findings(kb: KnowledgeBase) -> None:
    assert kb.findings["scrotal_pain"].sex is not None
    assert kb.findings["scrotal_pain"].sex.value == "male"


def test_red_flag_findings_are_asked_on_red_flag_screens(kb: KnowledgeBase) -> None:
    for fid, finding in kb.findings.items():
        if fid.startswith("rf_"):
            assert finding.group == "red_flag"
            assert finding.ask_group in {"red_flags_1", "red_flags_2"}
        if fid.startswith("loc_"):
            assert finding.ask_group == "location"


def test_every_red_flag_finding_has_a_rule(kb: KnowledgeBase) -> None:
    used = {
        f
        for rule in kb.red_flags.values()
        for f in [*rule.when.all_of, *(x for g in rule.when.any_of for x in g)]
    }
    assert {fid for fid in kb.findings if fid.startswith("rf_")} <= used


def test_must_not_miss_conditions_have_a_red_flag_or_escalation(kb: KnowledgeBase) -> None:
    suspected = {c for rule in kb.red_flags.values() for c in rule.suspects}
    for cid, cond in kb.conditions.items():
        if cond.must_not_miss:
            assert cid in suspected or cond.escalations, cid
