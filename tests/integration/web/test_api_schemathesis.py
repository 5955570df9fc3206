"""Schemathesis against the app's own OpenAPI schema: no 5xx, and every response matches the schema.

Bounded: each operation gets a fixed number of generated requests (valid and invalid data), with
no per-example deadline and a time budget for the whole run. Operations with an assessment id
in the path are run twice: once against a real stored assessment (so generated bodies reach the
service layer) and once with generated ids (404 paths).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from hipcheck.config import Settings
from hipcheck.engine import CompiledModel
from hipcheck.web.app import create_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = 20
BUDGET_SECONDS = 240


def _exercise(operation: Any, mode: GenerationMode, path_parameters: dict[str, Any] | None) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def run(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        # An operation with nothing to get wrong (no parameters, no body) has no invalid requests.
        if mode is not GenerationMode.NEGATIVE:
            raise


def test_api_conforms_to_its_schema(database_url: str, model: CompiledModel) -> None:
    # schemathesis's ASGI client sends `Host: testserver`, a name the app refuses unless allowed.
    app = create_app(Settings(database_url=database_url, access_log=False, allowed_hosts=["testserver"]))
    app.state.model = model
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    client = schemathesis.python.asgi.get_client(app)
    with client:
        aid = client.post("/api/v1/assessments", json={"age": 40, "sex": "female"}).json()["id"]
        deadline = time.monotonic() + BUDGET_SECONDS
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 15, [op.label for op in operations]
        # Deleting the shared assessment early would turn the rest into 404s: run DELETE last.
        operations.sort(key=lambda op: op.method.upper() == "DELETE")
        for operation in operations:
            if time.monotonic() > deadline:
                pytest.fail(f"schemathesis run exceeded {BUDGET_SECONDS}s before {operation.label}")
            has_id = "{assessment_id}" in operation.path
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _exercise(operation, mode, None)
                if has_id:
                    _exercise(operation, mode, {"assessment_id": aid})
