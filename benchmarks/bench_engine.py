"""Engine speed: `assess()` as the interactive path calls it, one next-question step and one
full interactive assessment.

Each measurement prints median and p99 over many runs. `assess()` is timed on the states the
interactive path produces for every dev case, after 0, 5, 10 and 20 answers (the web API calls it
once per answer). The baseline beside the step is the same expected-information-gain computation
written as plain Python loops over findings x conditions, which is what the numpy version
replaces; the ratio is baseline / numpy. Run with `PYTHONPATH=<an older src>` to time an older
engine on the same cases.
"""

from __future__ import annotations

import json
import math
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from hipcheck.engine import CompiledModel, assess, compile_model, questions
from hipcheck.engine.evaluate import Case, parse_cases, run_interactive
from hipcheck.engine.inference import posterior
from hipcheck.engine.model import FloatArray, IntArray
from hipcheck.engine.questions import expected_gains
from hipcheck.engine.result import Answer, Evidence
from hipcheck.knowledge.load import load_knowledge_base

CASES = Path(__file__).resolve().parent.parent / "tests" / "cases" / "dev-cases.jsonl"
ANSWER_COUNTS = (0, 5, 10, 20)


def timings(fn: Callable[[], object], runs: int, warmup: int = 20) -> list[float]:
    for _ in range(warmup):
        fn()
    out: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def summary(ms: list[float]) -> tuple[float, float]:
    ordered = sorted(ms)
    p99 = ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]
    return statistics.median(ordered), p99


def python_gains(model: CompiledModel, probability: list[float], candidates: list[int]) -> list[float]:
    """Baseline: the same expected gain (entropy + weighted must-not-miss terms) in pure Python."""
    like = model.p_yes.tolist()
    mnm = model.must_not_miss.tolist()
    weight = model.params.mnm_weight
    n_c = len(probability)

    def entropy(p: list[float]) -> float:
        return -sum(x * math.log(x) for x in p if x > 1e-12)

    def binary(p: float) -> float:
        q = min(max(p, 1e-12), 1 - 1e-12)
        return -(q * math.log(q) + (1 - q) * math.log(1 - q))

    h_now = entropy(probability)
    mnm_now = sum(binary(probability[c]) for c in range(n_c) if mnm[c])
    gains: list[float] = []
    for f in candidates:
        joint_yes = [probability[c] * like[c][f] for c in range(n_c)]
        joint_no = [probability[c] * (1 - like[c][f]) for c in range(n_c)]
        p_yes = sum(joint_yes)
        p_no = 1 - p_yes
        post_yes = [x / max(p_yes, 1e-12) for x in joint_yes]
        post_no = [x / max(p_no, 1e-12) for x in joint_no]
        gain = h_now - (p_yes * entropy(post_yes) + p_no * entropy(post_no))
        after = sum(p_yes * binary(post_yes[c]) + p_no * binary(post_no[c]) for c in range(n_c) if mnm[c])
        gains.append(max(gain + weight * (mnm_now - after), 0.0))
    return gains


def interactive_states(model: CompiledModel, cases: list[Case]) -> dict[int, list[tuple[Evidence, int]]]:
    """Per answer count k: each case's first interactive state with at least k answers (and the
    number of screens asked), as `run_interactive` reaches it; cases that stop earlier are left out."""
    states: dict[int, list[tuple[Evidence, int]]] = {k: [] for k in ANSWER_COUNTS}
    for case in cases:
        answers: dict[str, Answer] = {}
        asked = 0
        pending = list(ANSWER_COUNTS)
        while True:
            evidence = Evidence(age=case.age, sex=case.sex, answers=dict(answers))
            while pending and len(answers) >= pending[0]:
                states[pending.pop(0)].append((evidence, asked))
            result = assess(model, evidence, questions_asked=asked)
            if result.should_stop or result.next_question is None:
                break
            for finding_id in result.next_question.finding_ids:
                answers[finding_id] = case.answer(finding_id)
            asked += 1
    return states


def assess_timings(model: CompiledModel, states: list[tuple[Evidence, int]], rounds: int) -> list[float]:
    """Milliseconds of each `assess()` call, every state `rounds` times (after one warm-up round)."""
    out: list[float] = []
    for round_number in range(rounds + 1):
        for evidence, asked in states:
            start = time.perf_counter()
            assess(model, evidence, questions_asked=asked)
            elapsed = (time.perf_counter() - start) * 1000.0
            if round_number:
                out.append(elapsed)
    return out


@contextmanager
def python_gains_in_engine() -> Iterator[None]:
    """Swap the engine's numpy information gain for the pure-Python loop (the baseline run)."""
    original = questions.expected_gains

    def loop(model: CompiledModel, probability: FloatArray, candidates: IntArray) -> FloatArray:
        gains = python_gains(model, probability.tolist(), candidates.tolist())
        return np.array(gains, dtype=np.float64)

    questions.expected_gains = loop
    try:
        yield
    finally:
        questions.expected_gains = original


def main() -> None:
    model = compile_model(load_knowledge_base())
    n_c, n_f = model.p_yes.shape
    cases = parse_cases(CASES.read_text(encoding="utf-8"), model)
    print(f"python {platform.python_version()}, numpy {np.__version__}; {n_c} conditions x {n_f} findings")

    # A mid-assessment state in the information-gain phase: replay dev-002's interview until the
    # engine picks a question by expected gain (after the red-flag, location and rule screens).
    case = next(c for c in cases if c.id == "dev-002")
    answers: dict[str, Answer] = {}
    while True:
        evidence = Evidence(age=case.age, sex=case.sex, answers=answers)
        result = assess(model, evidence)
        assert result.next_question is not None, "dev-002 stopped before an information-gain question"
        if result.next_question.expected_gain > 0:
            break
        answers.update({f: case.answer(f) for f in result.next_question.finding_ids})
    post = posterior(model, evidence)
    probability = post.probability
    candidates = np.array([i for i, f in enumerate(model.finding_ids) if f not in answers], dtype=np.int64)

    fast = np.asarray(expected_gains(model, probability, candidates))
    slow = np.asarray(python_gains(model, probability.tolist(), candidates.tolist()))
    assert np.allclose(fast, slow, atol=1e-9), "baseline and numpy disagree"

    rows: list[tuple[str, float, float, float | None]] = []
    by_count: dict[str, tuple[float, float]] = {}
    for k, states in interactive_states(model, cases).items():
        measured = summary(assess_timings(model, states, 60))
        by_count[str(k)] = measured
        rows.append((f"assess(), {k} answers ({len(states)} dev-case states)", *measured, None))
    gain_np = summary(timings(lambda: expected_gains(model, probability, candidates), 2000))
    gain_py = summary(timings(lambda: python_gains(model, probability.tolist(), candidates.tolist()), 300))
    rows.append(("information gain, all findings (numpy)", *gain_np, None))
    rows.append(("information gain, all findings (pure Python baseline)", *gain_py, gain_py[0] / gain_np[0]))
    step = summary(timings(lambda: assess(model, evidence), 3000, warmup=300))
    rows.append(("next-question step: assess() after one answer", *step, None))
    after_step = len(rows)
    interactive = summary(timings(lambda: run_interactive(model, case), 50, warmup=3))
    rows.append(("full interactive assessment (dev-002)", *interactive, None))
    with python_gains_in_engine():
        step_py = summary(timings(lambda: assess(model, evidence), 1000, warmup=100))
        interactive_py = summary(timings(lambda: run_interactive(model, case), 20, warmup=2))
    rows.insert(
        after_step, ("next-question step, pure-Python gain (baseline)", *step_py, step_py[0] / step[0])
    )
    rows.append(
        ("full interactive, pure-Python gain (baseline)", *interactive_py, interactive_py[0] / interactive[0])
    )
    all_cases = summary(timings(lambda: [run_interactive(model, c) for c in cases], 5, warmup=1))
    rows.append((f"all {len(cases)} dev cases, interactive", *all_cases, None))

    width = max(len(r[0]) for r in rows)
    print(f"{'measurement'.ljust(width)}  median ms    p99 ms   ratio")
    for name, median, p99, ratio in rows:
        ratio_text = f"{ratio:6.1f}x" if ratio is not None else ""
        print(f"{name.ljust(width)}  {median:9.3f} {p99:9.3f}   {ratio_text}")
    print(
        json.dumps(
            {
                "gain_numpy_ms": gain_np,
                "gain_python_ms": gain_py,
                "speedup": round(gain_py[0] / gain_np[0], 1),
                "assess_by_answers_ms": by_count,
                "assess_ms": step,
                "assess_python_gain_ms": step_py,
                "interactive_ms": interactive,
                "interactive_python_gain_ms": interactive_py,
            }
        )
    )


if __name__ == "__main__":
    main()
