"""`hipcheck import` (activity files into the store) and `hipcheck training summary`."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hipcheck.cli.app import app
from hipcheck.cli.runtime import opened_store, write_text_file
from hipcheck.config import get_settings
from hipcheck.errors import InvalidInput
from hipcheck.report.training_chart import ChartFormat, render_chart, text_bars
from hipcheck.training import import_service
from hipcheck.training.metrics import TrainingSummary, distance_text

training_app = typer.Typer(
    help="Your training history: load, spikes, shoes and cadence.", no_args_is_help=True
)
app.add_typer(training_app, name="training")

JsonOption = Annotated[bool, typer.Option("--json", help="Print exactly one JSON object.")]


@app.command("import")
def import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files (.fit, .gpx, .tcx, also .gz), folders, .zip archives or a Strava export."),
    ],
    all_sports: Annotated[
        bool, typer.Option("--all-sports", help="Also store rides, walks, swims... (default: runs only).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import activities from a watch or a Strava/Garmin export. Exit 1 if any file failed."""
    console = Console(stderr=True)
    try:
        report = _import(paths, all_sports, as_json, console)
    except KeyboardInterrupt:
        console.print(
            "interrupted: every file imported before the stop is kept (each file is stored whole or "
            "not at all); run the same command again for the rest, stored files count as duplicates",
            highlight=False,
        )
        raise typer.Exit(130) from None
    if as_json:
        typer.echo(json.dumps(report.as_dict()))
    else:
        out = Console()
        out.print(
            f"[bold]{report.imported}[/] imported, {report.duplicates} already stored (duplicates), "
            f"{report.skipped} not running (skipped{'' if all_sports else '; --all-sports keeps them'}), "
            f"[{'red' if report.failed else 'green'}]{len(report.failed)} failed[/]"
        )
        for warning in report.warnings:
            out.print(f"[yellow]note:[/] {warning}", highlight=False)
        for failed in report.failed:
            out.print(f"[red]failed:[/] {failed.file}: {failed.reason}", highlight=False)
    if report.failed:
        raise typer.Exit(1)


def _import(
    paths: list[Path], all_sports: bool, as_json: bool, console: Console
) -> import_service.ImportReport:
    """Run the import, with a progress bar on ``console`` unless JSON is wanted."""
    with opened_store() as store:
        if as_json:
            return import_service.import_paths(paths, store.session_factory, all_sports=all_sports)
        with Progress(
            TextColumn("importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("import", total=None, counts="")
            counts: dict[str, int] = {}

            def started(total: int) -> None:
                progress.update(task, total=total)

            def advanced(step: import_service.Progress) -> None:
                counts[step.outcome] = counts.get(step.outcome, 0) + 1
                text = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
                progress.update(task, completed=step.done, counts=text)

            return import_service.import_paths(
                paths,
                store.session_factory,
                all_sports=all_sports,
                on_start=started,
                on_progress=advanced,
            )


def _summary_json(summary: TrainingSummary, proposals: list[Any]) -> dict[str, Any]:
    data = asdict(summary)
    data["proposed_answers"] = [asdict(p) for p in proposals]
    encoded: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return encoded


@training_app.command("summary")
def summary_command(
    weeks: Annotated[int, typer.Option("--weeks", help="How many weeks to show (1-520).")] = 12,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Also write the chart to this .png or .svg file.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Weekly distance, load ratios, single-run spikes, shoes and cadence, with a chart."""
    settings = get_settings()
    if not 1 <= weeks <= 520:
        raise InvalidInput(f"--weeks must be between 1 and 520, not {weeks}", field="weeks")
    if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
        raise InvalidInput(f"{chart}: the chart file must end in .png or .svg", field="chart")
    with opened_store() as store:
        summary, proposals = import_service.training_summary(
            store.session_factory, today=datetime.now(UTC).date(), weeks=weeks, units=settings.units
        )
    if chart is not None:
        fmt: ChartFormat = "svg" if chart.suffix.lower() == ".svg" else "png"
        data = render_chart(summary, fmt)
        if fmt == "svg":
            write_text_file(chart, data.decode("utf-8"))
        else:
            try:
                chart.write_bytes(data)
            except OSError as exc:
                raise InvalidInput(f"cannot write {chart}: {exc.strerror or exc}", field="chart") from None
    if as_json:
        typer.echo(json.dumps(_summary_json(summary, proposals)))
        return
    _print_summary(Console(), summary, proposals)
    if chart is not None:
        Console().print(f"chart written to {chart}")


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _print_summary(console: Console, summary: TrainingSummary, proposals: list[Any]) -> None:
    units = summary.units
    if summary.runs == 0:
        console.print(
            f"No runs stored in the last {len(summary.weeks)} weeks. Import some with `hipcheck import PATH`."
        )
        return
    table = Table(title=f"Weekly running distance, last {len(summary.weeks)} weeks", show_edge=False)
    table.add_column("week of")
    table.add_column("")
    table.add_column(units, justify="right")
    table.add_column("runs", justify="right")
    table.add_column("vs week before", justify="right")
    for (label, bar, value), week, change in zip(
        text_bars(summary), summary.weeks, summary.week_change, strict=True
    ):
        change_text = "" if change is None else f"{change * 100:+.0f} %"
        table.add_row(label, f"[cyan]{bar}[/]", value, str(week.runs), change_text)
    console.print(table)
    console.print(f"[dim]! = a week with {summary.spike_definition}[/]")
    console.print(
        f"Acute:chronic load (7/28 days): rolling {_ratio(summary.acwr_rolling)}, "
        f"EWMA {_ratio(summary.acwr_ewma)} (λ = 2/(N+1), Williams 2017). "
        f"Monotony {_ratio(summary.monotony)}, strain "
        f"{'—' if summary.strain_m is None else distance_text(summary.strain_m, units)} (Foster)."
    )
    for spike in summary.spikes[-5:]:
        console.print(
            f"[red]spike[/] {spike.day:%d %b}: {distance_text(spike.distance_m, units)}, "
            f"{spike.increase * 100:.0f} % longer than {distance_text(spike.previous_longest_m, units)} "
            f"({spike.previous_longest_day:%d %b})"
        )
    for shoe in summary.shoes:
        line = f"shoe '{shoe.shoe}': {distance_text(shoe.distance_m, units)} in {shoe.runs} runs"
        console.print(f"[yellow]{shoe.prompt}[/]" if shoe.prompt else line, highlight=False)
    if summary.cadence.median_spm is not None:
        console.print(f"Cadence: {summary.cadence.hint}.")
    for proposal in proposals:
        console.print(
            f"[bold]Suggested answer[/] to '{proposal.finding_id}': {proposal.answer} — "
            + "; ".join(proposal.evidence),
            highlight=False,
        )
    console.print("[dim]Not measured: " + "; ".join(summary.not_measured) + ".[/]")
