"""Every Settings field is documented in docs/configuration.md with its environment variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipcheck.config import Settings

DOC = Path(__file__).resolve().parents[3] / "docs" / "configuration.md"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith(f"| `{name}` |")]
    assert rows, f"docs/configuration.md has no table row for setting {name!r}"
    assert f"`HIPCHECK_{name.upper()}`" in rows[0], f"the row for {name!r} does not name its variable"


def test_documented_settings_exist() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = {
        line.split("`")[1] for line in text.splitlines() if line.startswith("| `") and "HIPCHECK_" in line
    }
    assert documented <= set(Settings.model_fields), documented - set(Settings.model_fields)
