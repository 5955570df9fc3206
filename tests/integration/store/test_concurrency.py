"""Many runners answering at once (the web server's threads): every answer is stored, none lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from hipcheck import services
from hipcheck.engine import CompiledModel
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


def test_concurrent_answers_to_one_assessment_are_all_stored_in_a_gapless_order(
    store: Store, model: CompiledModel
) -> None:
    # The assessment's row is locked for the answer (PostgreSQL: SELECT ... FOR UPDATE; SQLite:
    # the store's writer lock), so each answer reads the ones before it: none is refused or lost.
    aid = services.start_assessment(uow=store, model=model, age=30, sex="female").id

    def answer(finding_id: str) -> None:
        services.answer(uow=store, model=model, assessment_id=aid, finding_id=finding_id, value="yes")

    with ThreadPoolExecutor(max_workers=5) as pool:
        list(pool.map(answer, FINDINGS))
    state = services.get_assessment(uow=store, model=model, assessment_id=aid)
    assert sorted(a.finding_id for a in state.answers) == sorted(FINDINGS)
    assert [a.seq for a in state.answers] == list(range(1, len(FINDINGS) + 1))
    assert [a.step for a in state.answers] == list(range(1, len(FINDINGS) + 1))
