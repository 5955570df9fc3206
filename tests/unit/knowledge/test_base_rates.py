"""Finding base rates agree with the knowledge base's own conditions.

The engine uses a finding's `base_rate` as P(yes | condition) for every condition that does not
list the finding, meaning "this answer says nothing about that cause". That is only true when the
base rate equals P(yes) over the whole differential, i.e. the prior-weighted mix of the conditions'
likelihoods. A base rate far below that mix quietly argues against every unlisted cause when the
runner says yes (and for it when they say no).
"""

from __future__ import annotations

import pytest

from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.knowledge.schema import KnowledgeBase

# Red flags and rare history items: their base rates are set from how often they are asked about
# in practice, not from the differential (a tiny absolute difference is a large ratio).
RARE = {"history_of_cancer", "groin_lump"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def _implied(kb: KnowledgeBase, finding_id: str, base_rate: float) -> float:
    conditions = list(kb.conditions.values())
    total = sum(c.prior_percent for c in conditions)
    implied = 0.0
    for c in conditions:
        likelihood = c.likelihoods.get(finding_id)
        if likelihood is not None:
            p = likelihood.p
        elif c.default_likelihood is not None:
            p = c.default_likelihood
        else:
            p = base_rate
        implied += c.prior_percent / total * p
    return implied


def test_base_rates_match_the_prior_weighted_mix(kb: KnowledgeBase) -> None:
    off = {}
    for finding in kb.findings.values():
        if finding.id.startswith("rf_") or finding.id in RARE:
            continue
        ratio = _implied(kb, finding.id, finding.base_rate) / finding.base_rate
        if not 0.75 <= ratio <= 1.33:
            off[finding.id] = round(ratio, 2)
    assert off == {}
