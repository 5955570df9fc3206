"""Properties of answering and going back, over random sequences (hypothesis, stateful).

Whatever the order of answers, grouped answers and `back`s, the stored assessment holds exactly
the answers not undone, in order, and the stored result is the engine's result for them.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from hipcheck import services
from hipcheck.engine import CompiledModel, assess
from hipcheck.engine.result import Evidence
from hipcheck.errors import Conflict
from hipcheck.knowledge.schema import Sex
from hipcheck.store.unit_of_work import Store

FINDINGS = ["rf_fever_unwell", "loc_outer_hip", "loc_groin", "worse_lying_on_side", "worse_hopping"]
answers = st.sampled_from(["yes", "no", "unknown"])


def test_answers_and_back_keep_store_and_engine_in_step(store: Store, model: CompiledModel) -> None:
    class AnswerAndBack(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.id = services.start_assessment(uow=store, model=model, age=40, sex="male").id
            self.steps: list[list[tuple[str, Any]]] = []

        @rule(finding=st.sampled_from(FINDINGS), value=answers)
        def answer(self, finding: str, value: str) -> None:
            services.answer(uow=store, model=model, assessment_id=self.id, finding_id=finding, value=value)
            self.steps.append([(finding, value)])

        @rule(group=st.dictionaries(st.sampled_from(FINDINGS), answers, min_size=1, max_size=3))
        def answer_group(self, group: dict[str, str]) -> None:
            services.answer_many(uow=store, model=model, assessment_id=self.id, answers=group)
            self.steps.append(list(group.items()))

        @rule()
        def back(self) -> None:
            try:
                services.back(uow=store, model=model, assessment_id=self.id)
            except Conflict:
                assert not self.steps
            else:
                self.steps.pop()

        @invariant()
        def stored_matches_the_engine(self) -> None:
            state = services.get_assessment(uow=store, model=model, assessment_id=self.id)
            flat = [a for step in self.steps for a in step]
            assert [(a.finding_id, a.value) for a in state.answers] == flat
            expected = Evidence(age=40, sex=Sex.male, answers=dict(flat))
            assert state.evidence == expected
            assert state.result == assess(model, expected)

    run_state_machine_as_test(
        AnswerAndBack,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        ),
    )
