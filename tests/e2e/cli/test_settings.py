"""A bad HIPCHECK_* value stops any command with one line naming the variable, and exit code 2."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(
    ("variable", "value", "command", "expected"),
    [
        ("HIPCHECK_PORT", "99999", ["serve"], "less than or equal to 65535"),
        ("HIPCHECK_PORT", "abc", ["serve"], "valid integer"),
        ("HIPCHECK_LOG_LEVEL", "loud", ["serve"], "'debug'"),
        ("HIPCHECK_UNITS", "furlongs", ["history"], "'km' or 'mi'"),
        ("HIPCHECK_WEB_THREADS", "0", ["history"], "greater than or equal to 1"),
        ("HIPCHECK_ACCESS_LOG", "maybe", ["history"], "valid boolean"),
    ],
)
def test_bad_setting_is_one_line_naming_the_variable(
    cli: Any, variable: str, value: str, command: list[str], expected: str
) -> None:
    run = cli(*command, env={variable: value})
    assert run.exit_code == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"error: {variable}='{value}': ") and expected in lines[0]


def test_bad_database_url_is_one_line(cli: Any) -> None:
    run = cli("history", env={"HIPCHECK_DATABASE_URL": "notaurl"})
    assert run.exit_code == 1
    assert run.stderr.strip() == "error: HIPCHECK_DATABASE_URL is not a database URL: 'notaurl'"
