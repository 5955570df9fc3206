"""What storing costs: `services.answer` (engine + one transaction) beside the engine call alone.

For each of N assessments that already hold some answers, one more answer is posted through the
service layer (load the assessment and its answers, run the engine, write the answer and the
result, commit) and, as the baseline in the same run, the engine's `assess()` is called on the
same evidence. The ratio is service / engine: how many engine calls one stored answer costs.
`get_assessment` (one read) is measured too. SQLite in a temporary file always; PostgreSQL as
well when HIPCHECK_TEST_POSTGRES_URL points at a server (`scripts/with-postgres.sh`).
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hipcheck import services
from hipcheck.engine import CompiledModel, assess, compile_model
from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.store.unit_of_work import Store, open_store

# (assessments, answers each already holds): a typical interview, and a very long one whose
# stored result (every condition with every contributing answer) is about 230 KB.
SCENARIOS = ((200, 8), (30, 80))


def _summary(ms: list[float]) -> tuple[float, float]:
    ordered = sorted(ms)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def _run(label: str, store: Store, model: CompiledModel, assessments: int, prior: int) -> None:
    findings = list(model.kb.findings)
    ids = []
    for _ in range(assessments):
        aid = services.start_assessment(uow=store, model=model, age=35, sex="female").id
        services.answer_many(
            uow=store, model=model, assessment_id=aid, answers=dict.fromkeys(findings[:prior], "no")
        )
        ids.append(aid)
    next_finding = findings[prior]

    service_ms: list[float] = []
    engine_ms: list[float] = []
    read_ms: list[float] = []
    for aid in ids:
        evidence = services.get_assessment(uow=store, model=model, assessment_id=aid).evidence
        after = evidence.model_copy(update={"answers": {**evidence.answers, next_finding: "yes"}})
        engine_ms.append(_timed(lambda after=after: assess(model, after)))  # type: ignore[misc]
        service_ms.append(
            _timed(
                lambda aid=aid: services.answer(  # type: ignore[misc]
                    uow=store, model=model, assessment_id=aid, finding_id=next_finding, value="yes"
                )
            )
        )
        read_ms.append(
            _timed(lambda aid=aid: services.get_assessment(uow=store, model=model, assessment_id=aid))
        )  # type: ignore[misc]

    s_med, s_p99 = _summary(service_ms)
    e_med, e_p99 = _summary(engine_ms)
    r_med, r_p99 = _summary(read_ms)
    print(f"{label}: {assessments} assessments holding {prior} answers, one more each; ms (median / p99)")
    print(f"  services.answer       {s_med:7.2f} / {s_p99:7.2f}")
    print(f"  engine assess() alone {e_med:7.2f} / {e_p99:7.2f}   (baseline)")
    print(f"  ratio answer / engine {s_med / e_med:7.1f}x")
    print(f"  get_assessment        {r_med:7.2f} / {r_p99:7.2f}")


def main() -> None:
    model = compile_model(load_knowledge_base())
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} CPU, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            for assessments, prior in SCENARIOS:
                _run("SQLite file (WAL)", store, model, assessments, prior)
        finally:
            store.dispose()
    url = os.environ.get("HIPCHECK_TEST_POSTGRES_URL")
    if url:
        store = open_store(url)
        try:
            for assessments, prior in SCENARIOS:
                _run("PostgreSQL", store, model, assessments, prior)
        finally:
            store.dispose()
    else:
        print("PostgreSQL: skipped (run under scripts/with-postgres.sh to include it)")


if __name__ == "__main__":
    main()
