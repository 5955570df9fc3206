"""FastAPI dependencies: the app's settings, compiled engine model and store, built once per app.

Nothing here runs at import time: create_app stores the settings on ``app.state``; the knowledge
base is loaded, validated and compiled, and the store opened (and migrated), when the server
starts (the app's lifespan) or, without one, the first time a request needs them; then they are
kept for the app's lifetime.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from hipcheck.config import Settings
from hipcheck.engine.model import CompiledModel
from hipcheck.knowledge.schema import KnowledgeBase
from hipcheck.store.unit_of_work import Store

_lock = threading.Lock()
T = TypeVar("T")


# The dependencies are `async def` on purpose: after startup they only read app.state, and a
# plain `def` dependency would cost every request a hop through the thread pool.


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_model(request: Request) -> CompiledModel:
    """The engine model compiled from the validated knowledge base (built at startup)."""
    model: CompiledModel | None = getattr(request.app.state, "model", None)
    return model if model is not None else await run_in_threadpool(model_of, request.app.state)


def _kept(state: Any, name: str, build: Callable[[], T]) -> T:
    """The object kept on an app's state under `name`, built once (under the lock) if missing."""
    value: T | None = getattr(state, name, None)
    if value is None:
        with _lock:
            value = getattr(state, name, None)
            if value is None:
                value = build()
                setattr(state, name, value)
    return value


def _build_model() -> CompiledModel:
    from hipcheck.engine import compile_model
    from hipcheck.knowledge.load import load_knowledge_base

    return compile_model(load_knowledge_base())


def model_of(state: Any) -> CompiledModel:
    """The model kept on an app's state, built now if it is not there yet."""
    return _kept(state, "model", _build_model)


async def get_kb(model: Annotated[CompiledModel, Depends(get_model)]) -> KnowledgeBase:
    return model.kb


async def get_store(request: Request) -> Store:
    """The store on settings.database_url, migrated to the newest schema (at startup)."""
    store: Store | None = getattr(request.app.state, "store", None)
    return store if store is not None else await run_in_threadpool(store_of, request.app.state)


def store_of(state: Any) -> Store:
    """The store kept on an app's state, opened (and migrated) now if it is not there yet."""
    from hipcheck.store.unit_of_work import open_store

    return _kept(state, "store", lambda: open_store(state.settings.database_url))


def close(state: object) -> None:
    """Release the database connections held by an app's state (on shutdown)."""
    store: Store | None = getattr(state, "store", None)
    if store is not None:
        store.dispose()


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ModelDep = Annotated[CompiledModel, Depends(get_model)]
KBDep = Annotated[KnowledgeBase, Depends(get_kb)]
StoreDep = Annotated[Store, Depends(get_store)]
