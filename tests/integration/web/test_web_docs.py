"""docs/web.md lists every API operation, so the documentation cannot drift from the app."""

from __future__ import annotations

from pathlib import Path

from hipcheck.config import Settings
from hipcheck.web.app import create_app

DOC = Path(__file__).resolve().parents[3] / "docs" / "web.md"


def test_every_api_operation_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    spec = create_app(Settings(database_url="sqlite://")).openapi()
    operations = {f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops}
    missing = sorted(op for op in operations if f"`{op}`" not in text)
    assert not missing, f"docs/web.md does not list: {missing}"
