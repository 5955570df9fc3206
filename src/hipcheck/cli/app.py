"""The `hipcheck` command: assembles the command groups and maps errors to exit codes once."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

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
    from hipcheck.cli import kb  # noqa: F401
    from hipcheck.cli import serve  # noqa: F401
    from hipcheck.cli import eval  # noqa: F401
    from hipcheck.cli import assessments, care  # noqa: F401
    from hipcheck.cli import training  # noqa: F401


def main() -> None:
    """Console-script entry point: run the app, turning HipcheckError into one line and an exit code."""
    _register()
    err = Console(stderr=True)
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except HipcheckError as exc:
        err.print(f"[bold red]error:[/] {exc.message}", highlight=False, markup=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors arrive as ClickException
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
