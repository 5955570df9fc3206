"""`hipcheck assess | history | show | delete`: run, list, show and delete stored assessments.

`assess --case FILE` is the non-interactive path (the first case of an intake-v1 case file as
the answers); without `--case` the interactive terminal assessment of `hipcheck.cli.interactive`
takes over. Rendering only: every decision comes from `services` (and through it the engine).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hipcheck import services
from hipcheck.care.models import Plan
from hipcheck.cli.app import app
from hipcheck.cli.runtime import engine_model, opened_store, read_case_file
from hipcheck.errors import InvalidInput
from hipcheck.knowledge.schema import TriageLevel
from hipcheck.store.unit_of_work import Store

NOT_A_DIAGNOSIS = (
    "hipcheck is not a diagnosis. If you cannot bear weight, have a fever, or numbness in the "
    "saddle area, get emergency care now."
)

_TRIAGE_STYLE = {
    TriageLevel.self_care: "bold green",
    TriageLevel.see_clinician: "bold yellow",
    TriageLevel.urgent: "bold red",
    TriageLevel.emergency: "bold white on red",
}

JsonOption = Annotated[bool, typer.Option("--json", help="Print exactly one JSON object.")]
AssessmentId = Annotated[str, typer.Argument(help="Assessment id (see `hipcheck history`).")]


def _console() -> Console:
    return Console(highlight=False)


# --- shared rendering ----------------------------------------------------------------------


def assessment_json(state: services.AssessmentState, plan: Plan | None) -> dict[str, Any]:
    """The one JSON object of `assess --json` and `show --json`."""
    result = state.result
    return {
        "id": state.id,
        "age": state.age,
        "sex": state.sex.value,
        "status": state.status,
        "created_at": state.created_at.isoformat(),
        "triage": result.triage.model_dump(mode="json"),
        "conditions": [
            {"id": c.id, "name": c.name, "probability": c.probability, "must_not_miss": c.must_not_miss}
            for c in result.conditions
        ],
        "next_question": None
        if result.next_question is None
        else result.next_question.model_dump(mode="json"),
        "should_stop": result.should_stop,
        "stop_reason": result.stop_reason,
        "answers": [{"finding_id": a.finding_id, "value": a.value} for a in state.answers],
        "plan": None if plan is None else plan.model_dump(mode="json"),
        "not_a_diagnosis": NOT_A_DIAGNOSIS,
    }


def _bar(probability: float, width: int = 20) -> str:
    filled = round(probability * width)
    return "█" * filled + "░" * (width - filled)


def short_name(name: str) -> str:
    """A condition's name without its parenthesised clinical terms, for narrow tables."""
    return name.split(" (", 1)[0]


def render_result(console: Console, state: services.AssessmentState, *, top: int = 5) -> None:
    """Triage first, then the likeliest causes with bars and the answers that moved them."""
    triage = state.result.triage
    label = triage.level.value.replace("_", " ").upper()
    console.print(f"[{_TRIAGE_STYLE[triage.level]}] {label} [/] {escape(triage.instruction)}")
    serious = [r for r in triage.reasons if r.kind in ("red_flag", "must_not_miss", "escalation")]
    for reason in serious[:3]:
        console.print(f"  because: {escape(reason.text)}")
    if len(serious) > 3:
        console.print(f"  (and {len(serious) - 3} more reasons: `hipcheck show {state.id}`)")
    console.print("\n[bold]Most likely causes[/]")
    shown = [c for c in state.result.conditions[:top] if c.probability >= 0.01] or state.result.conditions[:1]
    for rank, score in enumerate(shown, start=1):
        console.print(
            f"{rank}. {_bar(score.probability)} {100 * score.probability:3.0f}%  {escape(score.name)}"
        )
        if score.supporting:
            console.print("   for: " + escape("; ".join(c.text for c in score.supporting[:3])), style="dim")
        if score.conflicting:
            console.print(
                "   against: " + escape("; ".join(c.text for c in score.conflicting[:2])), style="dim"
            )
    console.print()


def render_plan_summary(console: Console, plan: Plan, instruction: str = "") -> None:
    """What to do now and the exercises, in a few lines (the full plan: `hipcheck plan ID`)."""
    for item in plan.now:
        if item.text == instruction:
            continue  # already shown as the triage instruction
        console.print(f"• [bold]{escape(item.title)}[/]: {escape(item.text)}")
    if plan.exercises:
        console.print("[bold]Exercises:[/] " + escape(", ".join(e.name for e in plan.exercises)))
    elif not plan.now_only:
        console.print("No exercises yet: see the plan for what to do first.")


def _stored_plan(store: Store, assessment_id: str) -> Plan | None:
    stored = services.get_plan(uow=store, assessment_id=assessment_id)
    return None if stored is None else stored.plan


# --- assess --------------------------------------------------------------------------------


def _run_interactive(resume: str | None, as_json: bool) -> None:
    from hipcheck.cli.interactive import run_interactive  # its key reading is only needed here

    run_interactive(resume=resume, as_json=as_json)


@app.command("assess")
def assess_command(
    case: Annotated[
        Path | None,
        typer.Option(
            "--case",
            help="Answer from the first case of this intake-v1 case file (JSON Lines) instead of asking.",
            dir_okay=False,
        ),
    ] = None,
    resume: Annotated[
        str | None, typer.Option("--resume", help="Continue a saved interactive assessment.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Assess hip pain: triage, likely causes with reasons, and a care plan; the result is saved."""
    if case is None:
        _run_interactive(resume, as_json)
        return
    if resume is not None:
        raise InvalidInput(
            "--case starts a new assessment; it cannot be combined with --resume", field="resume"
        )
    model = engine_model()
    parsed = read_case_file(case, model)[0]  # the first case is the answers
    with opened_store() as store:
        outcome = services.assess_case(uow=store, model=model, case=parsed)
    if as_json:
        typer.echo(json.dumps(assessment_json(outcome.assessment, outcome.plan.plan)))
        return
    console = _console()
    render_result(console, outcome.assessment)
    render_plan_summary(console, outcome.plan.plan, outcome.assessment.result.triage.instruction)
    console.print(
        f"Saved as [bold]{outcome.assessment.id}[/]: `hipcheck plan {outcome.assessment.id}` for the plan."
    )
    console.print(NOT_A_DIAGNOSIS)


# --- history, show, delete -----------------------------------------------------------------


@app.command("history")
def history_command(
    limit: Annotated[int | None, typer.Option("--limit", help="Show at most this many.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List saved assessments, newest first."""
    with opened_store() as store:
        rows = services.list_assessments(uow=store, limit=limit)
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows]))
        return
    console = _console()
    if not rows:
        console.print("No saved assessments yet: start one with `hipcheck assess`.")
        return
    model = engine_model()
    table = Table(title="Saved assessments")
    table.add_column("id", no_wrap=True)
    table.add_column("date", no_wrap=True)
    for column in ("who", "status", "triage", "most likely"):
        table.add_column(column)
    table.add_column("answers", justify="right")
    for r in rows:
        top = model.kb.conditions.get(r.top_condition) if r.top_condition else None
        table.add_row(
            r.id,
            r.created_at.astimezone().strftime("%Y-%m-%d"),
            f"{r.sex.value[0].upper()} {r.age}",
            "done" if r.status == "complete" else "open",
            (r.triage_level or "-").replace("_", " "),
            escape(short_name(top.name) if top else (r.top_condition or "-")),
            str(r.answers),
        )
    console.print(table)


@app.command("show")
def show_command(assessment_id: AssessmentId, as_json: JsonOption = False) -> None:
    """Show a saved assessment: the answers, the result and the plan."""
    model = engine_model()
    with opened_store() as store:
        state = services.get_assessment(uow=store, model=model, assessment_id=assessment_id)
        plan = _stored_plan(store, assessment_id)
    if as_json:
        typer.echo(json.dumps(assessment_json(state, plan)))
        return
    console = _console()
    console.print(
        f"[bold]Assessment {state.id}[/] — {state.age}, {state.sex.value}, "
        f"{state.created_at.astimezone().strftime('%Y-%m-%d %H:%M')}, {state.status.replace('_', ' ')}"
    )
    answers = Table(title="Answers")
    answers.add_column("question")
    answers.add_column("answer")
    for finding_id, value in state.evidence.answers.items():
        finding = model.kb.findings.get(finding_id)
        answers.add_row(escape(finding.question if finding else finding_id), value)
    console.print(answers)
    render_result(console, state)
    if plan is not None:
        render_plan_summary(console, plan, state.result.triage.instruction)
    console.print(NOT_A_DIAGNOSIS)


@app.command("delete")
def delete_command(
    assessment_id: AssessmentId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a saved assessment with its answers, plan, diary and HAGOS scores."""
    with opened_store() as store:
        services.get_summary(uow=store, assessment_id=assessment_id)
        if not yes:
            typer.confirm(
                f"Delete assessment {assessment_id} with its plan, diary and HAGOS scores?", abort=True
            )
        services.delete_assessment(uow=store, assessment_id=assessment_id)
    _console().print(f"Deleted assessment {assessment_id}.")
