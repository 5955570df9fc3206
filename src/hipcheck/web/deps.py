"""FastAPI dependencies: the app's settings, knowledge base and service layer, built once per app.

Nothing here runs at import time: create_app stores the settings on ``app.state`` and the
knowledge base is loaded (and validated) the first time a request needs it.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Request

from hipcheck.config import Settings
from hipcheck.knowledge.schema import KnowledgeBase

_kb_lock = threading.Lock()


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_kb(request: Request) -> KnowledgeBase:
    """The validated knowledge base, loaded on first use and kept for the app's lifetime."""
    state = request.app.state
    kb: KnowledgeBase | None = getattr(state, "kb", None)
    if kb is None:
        with _kb_lock:
            kb = getattr(state, "kb", None)
            if kb is None:
                from hipcheck.knowledge.load import load_knowledge_base

                kb = load_knowledge_base()
                state.kb = kb
    return kb


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
KBDep = Annotated[KnowledgeBase, Depends(get_kb)]
