"""`hipcheck eval CASES.jsonl [--interactive] [--json]`: measure the engine on a case file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hipcheck.cli.app import app
from hipcheck.engine.evaluate import CaseOutcome, EvalReport, evaluate, parse_cases
from hipcheck.errors import CaseFileError
from hipcheck.knowledge.schema import TriageLevel


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _render(report: EvalReport, console: Console, worst: int) -> None:
    console.print(f"[bold]hipcheck eval[/] ({report.mode}): {report.cases} case(s) with a gold answer")
    metrics = Table(show_header=False, box=None)
    rows = [
        ("top-1 accuracy", _percent(report.top1)),
        ("top-3 accuracy", _percent(report.top3)),
        ("triage exact", _percent(report.triage_exact)),
        ("triage safe (at or above gold)", _percent(report.triage_safe)),
        ("red-flag sensitivity", _percent(report.red_flag_sensitivity)),
        ("self-care kept", _percent(report.self_care_kept)),
        ("under-triaged", ", ".join(report.under_triage) or "none"),
    ]
    if report.mean_questions is not None:
        rows.append(("questions (mean / max)", f"{report.mean_questions} / {report.max_questions}"))
    for name, value in rows:
        metrics.add_row(name, value)
    console.print(metrics)

    levels = [level.value for level in TriageLevel]
    confusion = Table(title="triage: gold (rows) x engine (columns)")
    confusion.add_column("gold")
    for level in levels:
        confusion.add_column(level, justify="right")
    for gold in levels:
        row = report.confusion.get(gold, {})
        confusion.add_row(gold, *[str(row.get(level, 0)) for level in levels])
    console.print(confusion)

    def under(o: CaseOutcome) -> bool:
        return o.gold is not None and o.gold.triage is not None and o.triage < o.gold.triage

    def off(o: CaseOutcome) -> bool:
        wrong_triage = o.gold is not None and o.gold.triage is not None and o.triage != o.gold.triage
        return (o.rank is not None and o.rank > 1) or wrong_triage

    bad = sorted(
        (o for o in report.outcomes if o.gold is not None and off(o)),
        key=lambda o: (-under(o), -(o.rank or 0), o.id),
    )
    if not bad:
        console.print("every case: gold condition ranked first and triage exact")
        return
    console.print(f"[bold]worst cases[/] (up to {worst}):")
    for o in bad[:worst]:
        assert o.gold is not None
        flag = " [bold red]UNDER-TRIAGED[/]" if under(o) else ""
        gold_triage = o.gold.triage.value if o.gold.triage else "not given"
        cause = f"gold {o.gold.condition} ranked {o.rank}; " if o.gold.condition else ""
        console.print(
            f"  {o.id}: {cause}triage {o.triage.value} (gold {gold_triage}){flag}",
            highlight=False,
        )
        top3 = " · ".join(f"{c} {100 * p:.0f}%" for c, p in zip(o.top3, o.probabilities, strict=False))
        console.print(f"      top 3: {top3}", highlight=False)


@app.command("eval")
def eval_command(
    cases: Annotated[Path, typer.Argument(help="Case file: JSON Lines in the intake-v1 case format.")],
    interactive: Annotated[
        bool, typer.Option("--interactive", help="Let the engine ask; the case answers.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print exactly one JSON object.")] = False,
    worst: Annotated[int, typer.Option(min=0, help="How many of the worst cases to list.")] = 10,
) -> None:
    """Measure triage and ranking on a case file (accuracy, triage safety, questions asked)."""
    from hipcheck.engine import compile_model
    from hipcheck.knowledge.load import load_knowledge_base

    try:
        text = cases.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError(f"{cases}: cannot read the case file ({exc.__class__.__name__})") from None
    model = compile_model(load_knowledge_base())
    try:
        parsed = parse_cases(text, model)
    except CaseFileError as exc:
        raise CaseFileError(f"{cases}: {exc.message}", field=exc.field) from None
    if not parsed:
        raise CaseFileError(f"{cases}: the case file has no cases")
    report = evaluate(model, parsed, "interactive" if interactive else "static")
    if as_json:
        typer.echo(json.dumps(report.summary()))
        return
    _render(report, Console(), worst)
