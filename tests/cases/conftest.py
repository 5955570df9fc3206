"""The packaged knowledge base compiled once for the case tests."""

from __future__ import annotations

import pytest

from hipcheck.engine import CompiledModel, compile_model


@pytest.fixture(scope="session")
def model() -> CompiledModel:
    from hipcheck.errors import KnowledgeBaseError
    from hipcheck.knowledge.load import load_knowledge_base

    try:
        kb = load_knowledge_base()
    except KnowledgeBaseError as exc:  # the knowledge base is still being written
        pytest.skip(f"packaged knowledge base does not load yet: {exc.problems[:1]}")
    return compile_model(kb)
