"""Compiling the knowledge base: defaults, modifiers, pools and prepared reasons."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hipcheck.engine import assess
from hipcheck.engine.result import Evidence

from .conftest import build_model, tiny_kb_data


def test_unlisted_findings_use_the_base_rate_or_the_conditions_default() -> None:
    data = tiny_kb_data()
    data["conditions"]["septic"]["default_likelihood"] = 0.05
    model = build_model(data)
    gtps, septic = model.condition_index["gtps"], model.condition_index["septic"]
    hop = model.finding_index["hop_pain"]
    assert model.p_yes[gtps, hop] == pytest.approx(0.2)  # hop_pain base rate
    assert model.p_yes[septic, hop] == pytest.approx(0.05)
    assert model.log_lr_yes[gtps, hop] == pytest.approx(0.0)


def test_a_zero_factor_makes_a_condition_practically_impossible_not_nan() -> None:
    data = tiny_kb_data()
    data["conditions"]["septic"]["prior_modifiers"] = [{"factor": 0.0, "age_max": 16}]
    model = build_model(data)
    result = assess(model, Evidence(age=12, sex="male", answers={"loc_groin": "yes"}))
    septic = next(c for c in result.conditions if c.id == "septic")
    assert septic.probability < 1e-12
    assert all(not math.isnan(c.probability) for c in result.conditions)


def test_a_finding_modifier_already_carried_by_a_likelihood_is_not_counted_twice() -> None:
    data = tiny_kb_data()
    data["conditions"]["fnsf"]["prior_modifiers"] = [
        {"factor": 3.0, "if_present": ["hop_pain"]},  # hop_pain has a likelihood: skipped
        {"factor": 2.0, "if_present": ["lying_side"]},  # no likelihood for lying_side: applied
    ]
    model = build_model(data)
    fnsf_mods = [m for m in model.modifiers if m.condition == model.condition_index["fnsf"]]
    assert [m.log_factor for m in fnsf_mods] == [pytest.approx(math.log(2.0))]
    plain = assess(model, Evidence(age=30, sex="female", answers={"loc_groin": "yes"}))
    more = assess(model, Evidence(age=30, sex="female", answers={"loc_groin": "yes", "lying_side": "yes"}))
    fnsf = next(c for c in more.conditions if c.id == "fnsf")
    reason = next(r for r in fnsf.supporting if r.finding_id == "lying_side")
    assert reason.log_lr == pytest.approx(math.log(2.0), abs=1e-6)  # LR 1 from the base rate, x2
    assert fnsf.prior == pytest.approx(next(c.prior for c in plain.conditions if c.id == "fnsf"))


def test_prepared_reasons_match_the_log_likelihood_ratios() -> None:
    model = build_model(tiny_kb_data())
    n_f = len(model.finding_ids)
    assert model.answer_reason.shape == (len(model.condition_ids), 2 * n_f)
    for (ci, column), reason in np.ndenumerate(model.answer_reason):
        is_yes, fi = column >= n_f, column % n_f
        table = model.log_lr_yes if is_yes else model.log_lr_no
        assert reason.log_lr == pytest.approx(float(table[ci, fi]), abs=1e-6)
        assert reason.finding_id == model.finding_ids[fi]
        assert reason.answer == ("yes" if is_yes else "no")


def test_must_not_miss_conditions_of_one_safety_pool_sharing_a_level_are_pooled() -> None:
    data = tiny_kb_data()
    for cid in ("fnsf", "septic"):
        data["conditions"][cid].update(
            must_not_miss=True, safety_threshold=0.3, default_triage="urgent", safety_pool="bone_injury"
        )
    model = build_model(data)
    pool = (model.condition_index["fnsf"], model.condition_index["septic"])
    assert model.safety_pools == {"bone_injury:urgent": pool}
    assert np.isinf(model.safety_threshold[model.condition_index["gtps"]])
