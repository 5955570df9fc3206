"""Many runners answering at once (the web server's threads): every answer is stored, none lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from hipcheck import services
from hipcheck.engine import CompiledModel
from hipcheck.errors import Conflict
from hipcheck.store.unit_of_work import Store

FINDINGS = ["rf_fever_unwell", "loc_outer_hip", "loc_groin", "worse_lying_on_side", "worse_hopping"]


def test_concurrent_answers_to_different_assessments_are_all_stored(
    store: Store, model: CompiledModel
) -> None:
    ids = [services.start_assessment(uow=store, model=model, age=30, sex="female").id for _ in range(12)]

    def runner(aid: str) -> None:
        for finding_id in FINDINGS:
            services.answer(uow=store, model=model, assessment_id=aid, finding_id=finding_id, value="no")

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(runner, ids))
    for aid in ids:
        state = services.get_assessment(uow=store, model=model, assessment_id=aid)
        assert [a.finding_id for a in state.answers] == FINDINGS


def test_concurrent_answers_to_one_assessment_keep_a_gapless_order(
    store: Store, model: CompiledModel
) -> None:
    aid = services.start_assessment(uow=store, model=model, age=30, sex="female").id

    def answer(finding_id: str) -> bool:
        try:
            services.answer(uow=store, model=model, assessment_id=aid, finding_id=finding_id, value="yes")
        except Conflict:  # two answers read the same last answer: the later one is refused
            return False
        return True

    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(answer, FINDINGS))
    state = services.get_assessment(uow=store, model=model, assessment_id=aid)
    stored = [a.finding_id for a in state.answers]
    # Every answer either went in or was refused as a conflict; nothing half-written.
    assert sorted(stored) == sorted(f for f, ok in zip(FINDINGS, results, strict=True) if ok)
    assert [a.seq for a in state.answers] == list(range(1, len(stored) + 1))
