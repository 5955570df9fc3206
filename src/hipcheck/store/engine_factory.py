"""Build a SQLAlchemy engine from a database URL: SQLite file made on first use, foreign keys on.

SQLite ignores foreign keys unless each connection asks for them, and `ON DELETE CASCADE`
(deleting an assessment deletes its answers, plans and diary) depends on them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic_core
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from hipcheck.errors import StoreError


def _json_dumps(value: Any) -> str:
    # pydantic-core's JSON writer: the stored results and plans are large, and json.dumps is slow.
    return pydantic_core.to_json(value).decode()


def _json_loads(text: str | bytes) -> Any:
    try:
        return pydantic_core.from_json(text)
    except ValueError as exc:
        # Only a damaged file or a hand edit stores text that is not JSON: one line, no traceback.
        raise StoreError(
            f"a value stored in the database is not valid JSON ({exc}); the database may be damaged"
        ) from None


JSON_OPTIONS: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": _json_loads}


# Every SQLite connection: foreign keys on (see above), and a writer waits for another writer
# instead of failing at once with "database is locked".
_SQLITE_PRAGMAS: tuple[str, ...] = ("PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000")
# A SQLite file also gets a write-ahead log: readers (the web pages) never wait for the writer
# (an answer being saved).
_SQLITE_FILE_PRAGMAS = (*_SQLITE_PRAGMAS, "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def _on_connect(pragmas: tuple[str, ...]) -> Callable[[Any, Any], None]:
    def run(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    return run


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL points at, or None for other databases and in-memory SQLite."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created so first use just works."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"HIPCHECK_DATABASE_URL is not a database URL: {url!r}", field="database_url"
        ) from exc
    backend = parsed.get_backend_name()
    if backend != "sqlite":
        try:
            return create_engine(parsed, pool_pre_ping=True, **JSON_OPTIONS)
        except Exception as exc:  # a missing driver or bad option: say which URL
            raise StoreError(
                f"cannot use database {parsed.render_as_string(hide_password=True)}: {exc}",
                field="database_url",
            ) from exc

    path = sqlite_path(url)
    if path is None:
        # One shared connection, or every new connection would see a fresh empty database.
        kwargs: dict[str, Any] = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        pragmas = _SQLITE_PRAGMAS
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder for the database {path.parent}: {exc.strerror or exc}",
                field="database_url",
            ) from exc
        kwargs = {"connect_args": {"check_same_thread": False}}
        pragmas = _SQLITE_FILE_PRAGMAS
    engine = create_engine(parsed, **kwargs, **JSON_OPTIONS)
    event.listen(engine, "connect", _on_connect(pragmas))
    return engine


def describe_error(exc: SQLAlchemyError) -> str:
    """The driver's own first line (SQLAlchemy appends SQL, parameters and a help link)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
