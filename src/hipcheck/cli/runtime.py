"""What every stored-data command needs: the store, the compiled engine model, files in and out.

Built per command call (never at import), from the settings of the moment, so tests can point
HIPCHECK_DATABASE_URL at a temporary database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hipcheck.config import get_settings
from hipcheck.engine import CompiledModel, compile_model
from hipcheck.engine.evaluate import Case, parse_cases
from hipcheck.errors import CaseFileError, InvalidInput
from hipcheck.knowledge.load import load_knowledge_base
from hipcheck.store.unit_of_work import Store, open_store


@contextmanager
def opened_store() -> Iterator[Store]:
    """The store of HIPCHECK_DATABASE_URL (migrated on first use), closed afterwards."""
    store = open_store(get_settings().database_url)
    try:
        yield store
    finally:
        store.dispose()


def engine_model() -> CompiledModel:
    """The packaged knowledge base, validated and compiled for the engine."""
    return compile_model(load_knowledge_base())


def read_text_file(
    path: Path, *, what: str, error: type[InvalidInput] = InvalidInput, field: str | None = None
) -> str:
    """The text of a file a person gave; a missing or unreadable file is one line naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {what}", field=field or what) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(
            f"{path}: cannot read the {what} ({exc.__class__.__name__})", field=field or what
        ) from None


def read_json_file(path: Path, *, what: str, error: type[InvalidInput] = InvalidInput) -> Any:
    """Parse a JSON file a person gave; any problem is one line naming the file."""
    text = read_text_file(path, what=what, error=error)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            f"{path}: the {what} is not valid JSON ({exc.msg} at line {exc.lineno})", field=what
        ) from None


def read_case_file(path: Path, model: CompiledModel) -> list[Case]:
    """The cases of an intake-v1 case file (at least one); errors name the file, line and case."""
    text = read_text_file(path, what="case file", error=CaseFileError, field="case")
    try:
        cases = parse_cases(text, model)
    except CaseFileError as exc:
        raise CaseFileError(f"{path}: {exc.message}", field=exc.field) from None
    if not cases:
        raise CaseFileError(f"{path}: the case file has no cases", field="case")
    return cases


def write_text_file(path: Path, text: str) -> None:
    """Write an output file; an unwritable path is one line naming it and why."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise InvalidInput(f"cannot write {path}: {reason}", field="output") from None
