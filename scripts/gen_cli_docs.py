"""Write docs/cli.md from the `--help` of every hipcheck command and sub-command.

    python scripts/gen_cli_docs.py          # regenerate docs/cli.md
    python scripts/gen_cli_docs.py --check  # exit 1 if docs/cli.md differs (tests/e2e/cli/test_cli_docs.py)

The help is rendered as plain text (no Rich boxes, no colour) at a fixed width, with no
HIPCHECK_* settings from the environment, so the page is the same on every machine.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

WIDTH = 100
ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "cli.md"

# Set before typer is imported: it reads these once, at import.
os.environ.update(
    TYPER_USE_RICH="0", COLUMNS=str(WIDTH), TERMINAL_WIDTH=str(WIDTH), NO_COLOR="1", TERM="dumb"
)
for key in [k for k in os.environ if k.startswith("HIPCHECK_")]:
    del os.environ[key]

from typer.main import get_command  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from hipcheck.cli.app import _register, app  # noqa: E402


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every visible command, depth first, in the order `--help` lists them."""
    yield path, command
    if hasattr(command, "list_commands"):
        ctx = command.make_context("hipcheck", [], resilient_parsing=True)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not getattr(sub, "hidden", False):
                yield from _commands(sub, (*path, name))


def _help(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="hipcheck", terminal_width=WIDTH)
    if result.exit_code != 0:
        raise SystemExit(f"`hipcheck {' '.join(path)} --help` failed: {result.output}")
    return "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())


def _summary(command: Any) -> str:
    """The first paragraph of a command's help, on one line."""
    first = (command.help or command.short_help or "").strip().split("\n\n")[0]
    return " ".join(first.split()).rstrip(".")


def _anchor(title: str) -> str:
    return title.lower().replace(" ", "-")


def render() -> str:
    """The whole of docs/cli.md."""
    _register()
    commands = list(_commands(get_command(app)))
    lines = [
        "# Command-line reference",
        "",
        "Generated from `hipcheck … --help` by `scripts/gen_cli_docs.py`; do not edit by hand. "
        "`tests/e2e/cli/test_cli_docs.py` fails when this page and the commands differ: run "
        "`python scripts/gen_cli_docs.py` after changing a command.",
        "",
        "Errors a person can act on (an unknown id, a file that cannot be read or written, a bad "
        "value) print one line starting with `error:` and exit non-zero (2 for bad input, 1 for "
        "an unknown id); an interrupted interactive assessment exits 130.",
        "",
        "In the interactive `hipcheck assess` (no `--case`), answer each question with one key: "
        "`y` yes, `n` no, `d` or `?` don't know, `b` back (undoes the previous question or "
        "screen), or move with the arrow keys and press Enter. Warning signs come first; an "
        "emergency stops the questions at once. Every answer is saved as you go: Ctrl-C stops "
        "and prints the `hipcheck assess --resume ID` that continues where you left off.",
        "",
    ]
    for path, command in commands:
        title = " ".join(("hipcheck", *path))
        short = _summary(command) if path else "the main command"
        indent = "  " * max(len(path) - 1, 0)
        lines.append(f"{indent}- [`{title}`](#{_anchor(title)}) — {short}")
    for path, _ in commands:
        title = " ".join(("hipcheck", *path))
        lines += ["", f"## {title}", "", "```text", _help(path), "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run `python scripts/gen_cli_docs.py`.")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
