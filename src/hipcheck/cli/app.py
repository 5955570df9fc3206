"""The `hipcheck` command: assembles the command groups and maps errors to exit codes once."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape

from hipcheck.errors import HipcheckError

# Tracebacks must never print local variables: they would hold a runner's health answers.
app = typer.Typer(
    name="hipcheck",
    help="Hip pain help for runners: triage, likely causes, a care plan and training analysis. "
    "Not a diagnosis: if you cannot bear weight, have a fever, or numbness in the saddle area, "
    "get emergency care now.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


def _register() -> None:
    """Import the command groups; each module adds its commands to `app`."""
    from hipcheck.cli import assessments, care, eval, kb, report, serve, training  # noqa: F401


def main() -> None:
    """Console-script entry point: run the app, turning HipcheckError into one line and an exit code."""
    _register()
    err = Console(stderr=True)
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except HipcheckError as exc:
        # soft_wrap: one line however long (a path in it stays whole for copying)
        err.print(f"[bold red]error:[/] {escape(exc.message)}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        # Usage errors arrive as ClickException, from click or from typer's bundled copy of it
        # (typer._click): recognise both by their shape so neither prints a traceback.
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise
