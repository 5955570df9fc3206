"""`hipcheck plan | diary | hagos | progress`: the care plan, pain diary, HAGOS and today's level.

Rendering and argument parsing only: plans, progress decisions and HAGOS scores come from
`services` (and through it from `hipcheck.care`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.table import Table

from hipcheck import services
from hipcheck.care.diary import DiaryEntry
from hipcheck.care.hagos import ITEM_MAX, ITEM_MIN
from hipcheck.care.models import (
    Equipment,
    HagosResult,
    Plan,
    PlanOptions,
    ProgressDecision,
)
from hipcheck.care.plan import dose_text, progress_where, training_lines
from hipcheck.cli.app import app
from hipcheck.cli.assessments import NOT_A_DIAGNOSIS
from hipcheck.cli.runtime import engine_model, opened_store, read_json_file, write_text_file
from hipcheck.errors import InvalidInput, NotFound
from hipcheck.knowledge.hagos_data import load_hagos
from hipcheck.knowledge.schema import Hagos

AssessmentId = Annotated[str, typer.Argument(help="Assessment id (see `hipcheck history`).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print exactly one JSON value.")]


def _console() -> Console:
    return Console(highlight=False)


def _parse_day(value: str, field: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{field} must be a date like 2026-03-09, not {value!r}", field=field) from None


# --- plan ----------------------------------------------------------------------------------


def _list(lines: list[str], items: list[str], indent: str = "") -> None:
    lines.extend(f"{indent}- {item}" for item in items)


def plan_markdown(plan: Plan, assessment_id: str) -> str:
    """The whole plan as Markdown (printed by `plan --markdown`, shown in the terminal otherwise)."""
    lines: list[str] = [f"# Care plan for assessment {assessment_id}", ""]
    lines += [f"**Triage:** {plan.triage_level.value.replace('_', ' ')}", ""]
    if plan.now:
        lines += ["## What to do now", ""]
        for item in plan.now:
            lines.append(f"- **{item.title}**: {item.text}")
            _list(lines, item.details, "  ")
        lines.append("")
    if plan.conditions:
        lines += ["## Built for", ""]
        _list(lines, [f"{c.name} ({100 * c.probability:.0f}%)" for c in plan.conditions])
        lines.append("")
    if plan.phases:
        lines += ["## Phases", ""]
        for phase in plan.phases:
            marker = " (you are here)" if phase.current else ""
            lines.append(f"### {phase.name}{marker}")
            lines.append("")
            lines.append(f"- Goal: {phase.goal}")
            if phase.typical_duration:
                lines.append(f"- Usually: {phase.typical_duration}")
            if phase.move_on_when:
                lines.append("")
                lines.append("Move on when:")
                _list(lines, phase.move_on_when)
            lines.append("")
    if plan.symptom_care:
        lines += ["## Symptom care", ""]
        for care in plan.symptom_care:
            if care.offered:
                lines.append(f"- **{care.name}** ({care.timing}): {care.summary}")
                _list(lines, care.how, "  ")
                _list(lines, [f"Caution: {c}" for c in care.cautions], "  ")
                if care.evidence_note:
                    lines.append(f"  - Evidence: {care.evidence_note}")
            else:
                why = "; ".join(f"{r.condition_name}: {r.reason}" for r in care.not_offered_because)
                lines.append(f"- **{care.name}**: not offered now" + (f" ({why})" if why else ""))
        lines.append("")
    if plan.exercises:
        lines += ["## Exercises", ""]
        for ex in plan.exercises:
            lines.append(f"### {ex.name}")
            lines.append("")
            lines.append(dose_text(ex.dose))
            lines.append("")
            for number, step in enumerate(ex.how_to, start=1):
                lines.append(f"{number}. {step}")
            lines.append("")
            lines.append(f"- Progress: {ex.progression}")
            lines.append(f"- Make it easier: {ex.regression}")
            _list(lines, [f"Caution: {c}" for c in ex.cautions])
            lines.append("")
    if plan.excluded_exercises:
        lines += ["## Left out for safety", ""]
        for excluded in plan.excluded_exercises:
            why = "; ".join(f"{r.condition_name}: {r.reason}" for r in excluded.ruled_out_by)
            lines.append(f"- {excluded.name}: {why}")
        lines.append("")
    if plan.training is not None:
        lines += ["## From your training log", ""]
        _list(lines, training_lines(plan.training))
        lines.append("")
    for title, items in (
        ("Running changes", plan.running_changes),
        ("Footwear", plan.footwear),
        ("Avoid", plan.avoid),
    ):
        if items:
            lines += [f"## {title}", ""]
            for item in items:
                lines.append(f"- **{item.title}**: {item.text}")
            lines.append("")
    if plan.return_to_run is not None:
        rtr = plan.return_to_run
        lines += ["## Return to running", ""]
        if rtr.needs_clearance:
            lines.append("Only after a clinician has cleared you to run.")
        _list(lines, [f"Start when: {c}" for c in rtr.entry_criteria])
        for stage in rtr.stages:
            lines.append(
                f"- Stage {stage.stage}: walk {stage.walk_minutes:g} min / run {stage.run_minutes:g} min "
                f"× {stage.repeats}" + (f" ({stage.note})" if stage.note else "")
            )
        _list(lines, rtr.rules)
        lines.append("")
    if plan.see_whom:
        lines += ["## When to see whom", ""]
        for ref in plan.see_whom:
            lines.append(f"- {ref.condition_name}: {ref.see_whom}, {ref.see_when}")
            if ref.what_to_tell_them:
                lines.append(f"  - Tell them: {ref.what_to_tell_them}")
        lines.append("")
    if plan.red_flags_to_watch:
        lines += ["## Red flags: stop and get help", ""]
        for flag in plan.red_flags_to_watch:
            lines.append(f"- **{flag.name}**: {flag.instruction}")
        lines.append("")
    if plan.sources:
        lines += ["## Sources", "", ", ".join(plan.sources), ""]
    lines += [f"_{NOT_A_DIAGNOSIS}_", ""]
    return "\n".join(lines)


@app.command("plan")
def plan_command(
    assessment_id: AssessmentId,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as one JSON object.")] = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="Print the plan as Markdown.")] = False,
    equipment: Annotated[
        list[str] | None,
        typer.Option(
            "--equipment",
            help="What you have: none, band, bench, ball, weight (repeat).",
        ),
    ] = None,
    days: Annotated[int | None, typer.Option("--days", help="Exercise days a week.")] = None,
    since: Annotated[
        int | None, typer.Option("--days-since-onset", help="Days since the pain started.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of the screen.")
    ] = None,
) -> None:
    """The care plan for a saved assessment; options make a new plan, otherwise the saved one is shown."""
    if as_json and as_markdown:
        raise InvalidInput("choose one of --json and --markdown", field="format")
    model = engine_model()
    with opened_store() as store:
        if equipment is None and days is None and since is None:
            stored = services.current_plan(uow=store, model=model, assessment_id=assessment_id)
        else:
            options = _plan_options(equipment, days, since)
            stored = services.plan(uow=store, model=model, assessment_id=assessment_id, options=options)
    if as_json:
        text = json.dumps(stored.plan.model_dump(mode="json"))
    else:
        text = plan_markdown(stored.plan, assessment_id)
    if output is not None:
        write_text_file(output, text + "\n")
        _console().print(f"Wrote the plan to {output}.")
    elif as_json or as_markdown:
        typer.echo(text)
    else:
        _console().print(Markdown(text))


def _plan_options(equipment: list[str] | None, days: int | None, since: int | None) -> PlanOptions:
    values: dict[str, Any] = {}
    if equipment:
        allowed: tuple[Equipment, ...] = ("none", "band", "bench", "ball", "weight")
        for item in equipment:
            if item not in allowed:
                raise InvalidInput(
                    f"--equipment must be one of {', '.join(allowed)}, not {item!r}", field="equipment"
                )
        values["equipment"] = equipment
    if days is not None:
        values["days_per_week"] = days
    if since is not None:
        values["days_since_onset"] = since
    try:
        return PlanOptions.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        flag = {"days_per_week": "--days", "days_since_onset": "--days-since-onset"}.get(
            str(first["loc"][0]) if first["loc"] else "", "--equipment"
        )
        raise InvalidInput(f"{flag}: {first['msg']}", field=flag.lstrip("-")) from None


# --- diary ---------------------------------------------------------------------------------

diary_app = typer.Typer(help="Your pain diary: one entry a day (pain 0-10).", no_args_is_help=True)
app.add_typer(diary_app, name="diary")


def _entry_fields(
    rest: int | None,
    during: int | None,
    after: int | None,
    next_morning: int | None,
    stiffness: int | None,
    run_minutes: float | None,
    exercises: list[str] | None,
    red_flags: list[str] | None,
    notes: str | None,
) -> dict[str, Any]:
    given = {
        "pain_rest": rest,
        "pain_during": during,
        "pain_after": after,
        "pain_next_morning": next_morning,
        "morning_stiffness_minutes": stiffness,
        "run_minutes": run_minutes,
        "exercises_done": exercises,
        "new_red_flags": red_flags,
        "notes": notes,
    }
    return {k: v for k, v in given.items() if v is not None}


def _render_entries(entries: list[DiaryEntry]) -> None:
    console = _console()
    if not entries:
        console.print("No diary entries yet: add one with `hipcheck diary add ID --rest N`.")
        return
    table = Table(title="Pain diary (pain 0-10, minutes)")
    table.add_column("date", no_wrap=True)
    for column in ("rest", "during", "after", "next am", "stiff", "run"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("exercises", overflow="fold")
    table.add_column("notes", overflow="fold")

    def show(value: int | float | None) -> str:
        return "-" if value is None else f"{value:g}"

    for e in entries:
        table.add_row(
            e.day.isoformat(),
            show(e.pain_rest),
            show(e.pain_during),
            show(e.pain_after),
            show(e.pain_next_morning),
            show(e.morning_stiffness_minutes),
            show(e.run_minutes),
            ", ".join(e.exercises_done),
            escape(e.notes),
        )
    console.print(table)


RestOption = Annotated[int | None, typer.Option("--rest", help="Pain at rest today, 0-10.")]
DuringOption = Annotated[
    int | None, typer.Option("--during", help="Worst pain during running or exercises, 0-10.")
]
AfterOption = Annotated[int | None, typer.Option("--after", help="Pain in the hours after, 0-10.")]
MorningOption = Annotated[
    int | None,
    typer.Option("--next-morning", help="Pain on getting up the next morning, 0-10."),
]
StiffnessOption = Annotated[int | None, typer.Option("--stiffness", help="Morning stiffness in minutes.")]
RunOption = Annotated[float | None, typer.Option("--run-minutes", help="Minutes run today.")]
ExerciseOption = Annotated[
    list[str] | None, typer.Option("--exercise", help="Exercise id done today (repeat for each).")
]
RedFlagOption = Annotated[
    list[str] | None,
    typer.Option("--red-flag", help="Red-flag finding id you noticed today, e.g. rf_fever_unwell (repeat)."),
]
NotesOption = Annotated[str | None, typer.Option("--notes", help="Anything else worth noting.")]


@diary_app.command("add")
def diary_add(
    assessment_id: AssessmentId,
    day: Annotated[str | None, typer.Option("--date", help="The day (YYYY-MM-DD); today by default.")] = None,
    rest: RestOption = None,
    during: DuringOption = None,
    after: AfterOption = None,
    next_morning: MorningOption = None,
    stiffness: StiffnessOption = None,
    run_minutes: RunOption = None,
    exercises: ExerciseOption = None,
    red_flags: RedFlagOption = None,
    notes: NotesOption = None,
) -> None:
    """Add today's (or a past day's) entry; one per day — use `diary edit` to change it."""
    if rest is None:
        raise InvalidInput("--rest is required: your pain at rest today, 0-10", field="pain_rest")
    fields = _entry_fields(
        rest, during, after, next_morning, stiffness, run_minutes, exercises, red_flags, notes
    )
    fields["day"] = services.local_today() if day is None else _parse_day(day)
    model = engine_model()
    with opened_store() as store:
        entry = services.add_diary_entry(uow=store, model=model, assessment_id=assessment_id, entry=fields)
    _console().print(f"Saved the diary entry for {entry.day.isoformat()}.")
    if entry.new_red_flags:
        _console().print(
            "[bold red]You noted a red flag:[/] run `hipcheck assess` again or see a clinician before "
            "you carry on with the plan."
        )


@diary_app.command("edit")
def diary_edit(
    assessment_id: AssessmentId,
    day: Annotated[str, typer.Argument(help="The day of the entry to change (YYYY-MM-DD).")],
    rest: RestOption = None,
    during: DuringOption = None,
    after: AfterOption = None,
    next_morning: MorningOption = None,
    stiffness: StiffnessOption = None,
    run_minutes: RunOption = None,
    exercises: ExerciseOption = None,
    red_flags: RedFlagOption = None,
    notes: NotesOption = None,
) -> None:
    """Change the entry of a day (e.g. add next-morning pain); only the values given change."""
    parsed = _parse_day(day)
    changes = _entry_fields(
        rest, during, after, next_morning, stiffness, run_minutes, exercises, red_flags, notes
    )
    if not changes:
        raise InvalidInput("nothing to change: give at least one value, e.g. --next-morning 2", field="entry")
    model = engine_model()
    with opened_store() as store:
        entry = services.edit_diary_entry(
            uow=store, model=model, assessment_id=assessment_id, day=parsed, changes=changes
        )
    _console().print(f"Updated the diary entry for {entry.day.isoformat()}.")


@diary_app.command("delete")
def diary_delete(
    assessment_id: AssessmentId,
    day: Annotated[str, typer.Argument(help="The day of the entry to delete (YYYY-MM-DD).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete the entry of a day (asks first unless --yes)."""
    parsed = _parse_day(day)
    with opened_store() as store:
        if not any(e.day == parsed for e in services.list_diary(uow=store, assessment_id=assessment_id)):
            raise NotFound(
                f"no diary entry on {parsed.isoformat()} for assessment {assessment_id!r}", field="date"
            )
        if not yes:
            typer.confirm(f"Delete the diary entry of {parsed.isoformat()}?", abort=True)
        services.delete_diary_entry(uow=store, assessment_id=assessment_id, day=parsed)
    _console().print(f"Deleted the diary entry for {parsed.isoformat()}.")


@diary_app.command("list")
def diary_list(assessment_id: AssessmentId, as_json: JsonOption = False) -> None:
    """Show the diary, oldest day first."""
    with opened_store() as store:
        entries = services.list_diary(uow=store, assessment_id=assessment_id)
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in entries]))
        return
    _render_entries(entries)


# --- progress ------------------------------------------------------------------------------


@app.command("progress")
def progress_command(assessment_id: AssessmentId, as_json: JsonOption = False) -> None:
    """Today's level in the plan and why, from your pain diary."""
    model = engine_model()
    with opened_store() as store:
        decision = services.progress(uow=store, model=model, assessment_id=assessment_id)
    if as_json:
        typer.echo(json.dumps(decision.model_dump(mode="json")))
        return
    _render_progress(decision)


_ACTION_WORDS = {
    "advance": "[bold green]Move on[/]",
    "hold": "[bold yellow]Stay at this level[/]",
    "step_back": "[bold yellow]Step back a level[/]",
    "see_clinician": "[bold red]See a clinician[/]",
    "retriage": "[bold red]Check again[/] (run `hipcheck assess`)",
}


def _render_progress(decision: ProgressDecision) -> None:
    console = _console()
    where = progress_where(decision)
    console.print(f"{_ACTION_WORDS.get(decision.action, decision.action)}: {where}")
    console.print(escape(decision.reason))
    if decision.stop_progression:
        console.print("Progression is paused until a clinician has seen you or you have re-checked.")


# --- HAGOS ---------------------------------------------------------------------------------


def _ask_hagos(instrument: Hagos) -> dict[str, int | None]:
    """Ask every item of the questionnaire, one per line: 0-4, or Enter to skip."""
    console = _console()
    console.print(f"[bold]{escape(instrument.name)}[/]")
    console.print(escape(instrument.instructions))
    console.print(f"Think of {escape(instrument.recall_period)}. Press Enter to skip an item.")
    responses: dict[str, int | None] = {}
    for subscale in instrument.subscales:
        console.print(f"\n[bold]{escape(subscale.name)}[/]")
        if subscale.intro:
            console.print(escape(subscale.intro))
        for item in instrument.items_of(subscale.id):
            choices = "  ".join(f"{o.value} {o.label}" for o in item.options)
            console.print(f"{item.id}. {escape(item.text)}\n   {escape(choices)}")
            while True:
                raw = typer.prompt(f"{item.id}", default="", show_default=False).strip()
                if raw == "":
                    responses[item.id] = None
                    break
                if raw.isdigit() and ITEM_MIN <= int(raw) <= ITEM_MAX:
                    responses[item.id] = int(raw)
                    break
                console.print(f"Please type a number from {ITEM_MIN} to {ITEM_MAX}, or press Enter to skip.")
    return responses


def _hagos_file(path: Path, instrument: Hagos) -> dict[str, int | None]:
    raw = read_json_file(path, what="answers file")
    if not isinstance(raw, dict):
        raise InvalidInput(
            f'{path}: the answers file must be one JSON object of item id -> 0..4 (e.g. {{"S1": 2}})',
            field="answers",
        )
    unknown = sorted(set(raw) - {item.id for item in instrument.items})
    if unknown:
        raise InvalidInput(f"{path}: unknown HAGOS item id {unknown[0]!r}", field="answers")
    return {str(k): v for k, v in raw.items()}


def _render_hagos(results: list[HagosResult], instrument: Hagos) -> None:
    console = _console()
    if not results:
        console.print("No HAGOS scores yet: run `hipcheck hagos`.")
        return
    table = Table(title="HAGOS (0 = extreme problems, 100 = none)")
    table.add_column("subscale")
    for r in results:
        table.add_column(r.day.isoformat())
    for subscale in instrument.subscales:
        row = [subscale.name]
        for r in results:
            value = r.score(subscale.id)
            row.append("-" if value is None else f"{value:g}")
        table.add_row(*row)
    console.print(table)


@app.command("hagos")
def hagos_command(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="JSON file of item id -> 0..4 (S1..S7, P1..P10, A1..A5, SP1..SP8, PA1, PA2, Q1..Q5).",
            dir_okay=False,
        ),
    ] = None,
    assessment: Annotated[
        str | None, typer.Option("--assessment", help="Link the scores to this assessment.")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", help="Day answered (YYYY-MM-DD); today by default.")
    ] = None,
    history: Annotated[bool, typer.Option("--history", help="Show stored scores over time instead.")] = False,
    as_json: JsonOption = False,
) -> None:
    """The HAGOS hip and groin questionnaire (37 items, 6 scores 0-100), stored so you see change."""
    if history:
        if answers is not None or day is not None:
            # Without this the answers would be dropped silently: --history stores nothing.
            raise InvalidInput(
                "--history only shows stored scores: leave out --answers and --date", field="history"
            )
        with opened_store() as store:
            records = services.list_hagos(uow=store, assessment_id=assessment)
        if as_json:
            typer.echo(json.dumps([r.result.model_dump(mode="json") for r in records]))
        else:
            _render_hagos([r.result for r in records], load_hagos())
        return
    parsed_day = None if day is None else _parse_day(day)
    instrument = load_hagos()
    responses = _hagos_file(answers, instrument) if answers is not None else _ask_hagos(instrument)
    with opened_store() as store:
        record = services.submit_hagos(
            uow=store,
            responses=responses,
            instrument=instrument,
            day=parsed_day,
            assessment_id=assessment,
        )
    if as_json:
        typer.echo(json.dumps(record.result.model_dump(mode="json")))
        return
    _render_hagos([record.result], instrument)
