"""Migrations: an EMPTY database upgrades to head on SQLite and PostgreSQL, matching the models."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

import hipcheck.store.activities
import hipcheck.store.tables  # noqa: F401  (registers every table on Base.metadata)
from hipcheck.errors import StoreError
from hipcheck.store import migrate
from hipcheck.store.base import Base
from hipcheck.store.engine_factory import create_store_engine, sqlite_path
from hipcheck.store.schema_version import HEAD_REVISION, schema_is_current
from hipcheck.store.unit_of_work import open_store

TABLES = {"assessments", "answers", "plans", "diary_entries", "hagos_responses", "activities"}


def test_empty_database_upgrades_to_head_and_matches_the_models(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == [], f"the models changed without a migration: {diff}"
    finally:
        engine.dispose()


def test_downgrade_to_base_and_up_again(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "base")
        assert not TABLES & set(inspect(engine).get_table_names())
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_first_use_creates_the_sqlite_file_and_its_folder(tmp_path: pytest.TempPathFactory) -> None:
    url = f"sqlite:///{tmp_path}/a/b/hipcheck.db"
    path = sqlite_path(url)
    assert path is not None and not path.exists()
    store = open_store(url)
    try:
        assert path.exists()
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        store.dispose()
    # A second open finds the schema at head and leaves it be.
    again = open_store(url)
    try:
        assert migrate.current_revision(again.engine) == migrate.head_revision()
    finally:
        again.dispose()


def test_unwritable_sqlite_location_is_a_store_error(tmp_path: pytest.TempPathFactory) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create the folder"):
        open_store(f"sqlite:///{blocker}/sub/hipcheck.db")


def test_not_a_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        open_store("definitely not a url")


def test_the_expected_revision_is_the_newest_migration() -> None:
    # open_store skips Alembic when the database is at HEAD_REVISION: bump it with each migration.
    assert migrate.head_revision() == HEAD_REVISION


def test_schema_is_current_only_at_head(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        assert not schema_is_current(engine)
        migrate.upgrade(engine, "0001")
        assert not schema_is_current(engine)
        migrate.upgrade(engine)
        assert schema_is_current(engine)
    finally:
        engine.dispose()


def test_in_memory_sqlite_keeps_its_schema_across_units_of_work() -> None:
    store = open_store("sqlite://")
    try:
        with store() as uow:
            assert uow.assessments.recent() == []
        assert migrate.current_revision(store.engine) == migrate.head_revision()
    finally:
        store.dispose()


def test_upgrading_a_used_database_keeps_its_rows(database_url: str) -> None:
    """A database made by an older hipcheck (revision 0002) keeps its assessment and plan."""
    engine = create_store_engine(database_url)
    try:
        migrate.upgrade(engine, "0002")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO assessments (id, age, sex, status, created_at, updated_at, result) "
                    "VALUES ('old1', 40, 'male', 'complete', :t, :t, '{\"triage\": {\"level\": \"urgent\"}}')"
                ),
                {"t": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
            )
            conn.execute(
                text(
                    "INSERT INTO plans (assessment_id, created_at, options, plan) "
                    "VALUES ('old1', :t, '{}', '{}')"
                ),
                {"t": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
            )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT age, revision FROM assessments")).all() == [(40, 1)]
            stored = conn.execute(text("SELECT result FROM assessments")).scalar()
            assert json.loads(stored) == {"triage": {"level": "urgent"}}
            # The old plan belongs to the assessment's current revision, so it is still shown.
            assert conn.execute(text("SELECT assessment_revision FROM plans")).scalar() == 1
    finally:
        engine.dispose()


def test_a_migration_that_fails_half_way_changes_nothing(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        migrate.upgrade(engine, "0001")
        with pytest.raises(SQLAlchemyError), migrate.migration_connection(engine) as conn:
            conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
            conn.execute(text("DELETE FROM assessments"))
            conn.execute(text("CREATE TABLE half_done (x INTEGER)"))  # fails: already there
        assert "half_done" not in inspect(engine).get_table_names()
        assert migrate.current_revision(engine) == "0001"
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
