"""On SQLite, answers to one assessment from several threads queue on the store's writer lock:
each is stored and the stored result is the engine's result on all of them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hipcheck import services
from hipcheck.engine import CompiledModel, assess
from hipcheck.store.unit_of_work import open_store

FINDINGS = [
    "rf_fever_unwell",
    "loc_outer_hip",
    "loc_groin",
    "worse_lying_on_side",
    "worse_hopping",
]


def test_threads_answering_one_assessment_on_sqlite_are_all_stored(
    tmp_path: Path, model: CompiledModel
) -> None:
    store = open_store(f"sqlite:///{tmp_path}/hipcheck.db")
    try:
        assert store.write_lock is not None
        aid = services.start_assessment(uow=store, model=model, age=30, sex="female").id

        def answer(finding_id: str) -> None:
            services.answer(uow=store, model=model, assessment_id=aid, finding_id=finding_id, value="no")

        with ThreadPoolExecutor(max_workers=len(FINDINGS)) as pool:
            list(pool.map(answer, FINDINGS))
        state = services.get_assessment(uow=store, model=model, assessment_id=aid)
        assert sorted(a.finding_id for a in state.answers) == sorted(FINDINGS)
        assert [a.seq for a in state.answers] == list(range(1, len(FINDINGS) + 1))
        assert [a.step for a in state.answers] == list(range(1, len(FINDINGS) + 1))
        assert state.result == assess(model, state.evidence)
    finally:
        store.dispose()
