"""`hipcheck report ID --format html|pdf|md -o FILE`: the report for a physiotherapist or doctor.

Gathers what is stored for the assessment (answers and result, care plan, pain diary, HAGOS
scores, and the training summary when runs are stored) and hands it to `hipcheck.report`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hipcheck.cli.app import app
from hipcheck.cli.runtime import engine_model, opened_store
from hipcheck.config import get_settings
from hipcheck.errors import InvalidInput
from hipcheck.report.collect import collect_report
from hipcheck.report.content import Report
from hipcheck.report.render import FORMATS, ReportFormat, render

SUFFIXES: dict[str, ReportFormat] = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md"}


def gather(assessment_id: str) -> Report:
    """Everything stored for the assessment, as a report (the plan is made if none is stored)."""
    model = engine_model()
    with opened_store() as store:
        return collect_report(
            store=store, model=model, assessment_id=assessment_id, units=get_settings().units
        )


def _format(fmt: str | None, output: Path | None) -> ReportFormat:
    if fmt is None:
        if output is not None and output.suffix.lower() in SUFFIXES:
            return SUFFIXES[output.suffix.lower()]
        return "html"
    for known in FORMATS:
        if fmt.lower() == known:
            return known
    raise InvalidInput(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}", field="format")


def _check_writable(output: Path) -> None:
    """Fail before the (slow) rendering when the file cannot be written."""
    if output.is_dir():
        raise InvalidInput(f"cannot write {output}: it is a directory", field="output")
    if not output.parent.is_dir():
        raise InvalidInput(f"cannot write {output}: its folder does not exist", field="output")


def _write(output: Path, data: bytes) -> None:
    try:
        output.write_bytes(data)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InvalidInput(f"cannot write {output}: {reason}", field="output") from None


@app.command("report")
def report_command(
    assessment_id: Annotated[str, typer.Argument(help="Assessment id (see `hipcheck history`).")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="html, pdf or md; by default from the -o file's extension, else html.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write; html and md go to standard output without it, pdf needs it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """A report for a physiotherapist or doctor: triage, causes with reasons, plan, diary, HAGOS, training."""
    chosen = _format(fmt, output)
    if output is None and chosen == "pdf":
        raise InvalidInput("a PDF report needs a file: add -o FILE.pdf", field="output")
    if output is not None:
        _check_writable(output)
    data = render(gather(assessment_id), chosen)
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return
    _write(output, data)
    Console(stderr=True, highlight=False).print(f"Report written to {output}")
