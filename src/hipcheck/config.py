"""Settings: one pydantic-settings object (env prefix HIPCHECK_), built by get_settings().

Nothing is read from the environment at import time, so tests can build settings per case.
Every field is documented in docs/configuration.md (a test checks this).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from hipcheck.errors import InvalidInput


def _default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("hipcheck", appauthor=False))
    return f"sqlite:///{data_dir / 'hipcheck.db'}"


class Settings(BaseSettings):
    """Everything hipcheck can be configured with, from HIPCHECK_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="HIPCHECK_", extra="ignore")

    database_url: str = Field(
        default_factory=_default_database_url,
        description="SQLAlchemy URL of the store; SQLite in the user data directory by default.",
    )
    host: str = Field(default="127.0.0.1", description="Address `hipcheck serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `hipcheck serve` listens on.")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Host names the web app answers besides localhost, 127.0.0.1, [::1] and `host` "
            "(comma-separated); any other Host header gets 400, against DNS rebinding."
        ),
    )
    units: Literal["km", "mi"] = Field(default="km", description="Distance unit shown to the runner.")
    log_level: Literal["critical", "error", "warning", "info", "debug"] = Field(
        default="info", description="Log level of `hipcheck serve`."
    )
    access_log: bool = Field(default=True, description="Whether `hipcheck serve` logs each request.")
    web_threads: int = Field(
        default=4, ge=1, le=200, description="Worker threads of the web app for database and engine work."
    )

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _normalise_postgres(cls, value: str) -> str:
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value


def get_settings() -> Settings:
    """Build settings from the environment now (not at import).

    A bad value is one line naming the variable, what it holds and what it should be.
    """
    try:
        return Settings()
    except ValidationError as exc:
        problems = [
            f"HIPCHECK_{'_'.join(str(part) for part in e['loc']).upper()}={e.get('input')!r}: {e['msg']}"
            for e in exc.errors()
        ]
        first = exc.errors()[0]["loc"]
        raise InvalidInput("; ".join(problems), field=str(first[0]) if first else None) from None
