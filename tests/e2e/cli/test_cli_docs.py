"""docs/cli.md cannot drift: it is regenerated from every command's --help and compared."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "gen_cli_docs.py"
DOCS = ROOT / "docs" / "cli.md"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("HIPCHECK_", "TYPER_"))}


def test_docs_cli_md_matches_the_commands() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, env=_env(), timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_command_of_help_has_a_section() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hipcheck", "--help"],
        capture_output=True,
        text=True,
        env=_env() | {"TYPER_USE_RICH": "0", "COLUMNS": "100"},
        timeout=120,
        check=True,
    )
    listed = re.findall(r"^  ([a-z][a-z-]*)  ", done.stdout.split("Commands:", 1)[1], flags=re.M)
    assert {"assess", "history", "show", "delete", "report"} <= set(listed)
    docs = DOCS.read_text(encoding="utf-8")
    for name in listed:
        assert f"\n## hipcheck {name}\n" in docs, name
