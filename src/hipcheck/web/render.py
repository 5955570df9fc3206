"""Jinja2 environment of the web app and the one `render` helper the page routers use."""

from __future__ import annotations

from enum import Enum
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from hipcheck.care.plan import training_lines
from hipcheck.knowledge.schema import TriageLevel
from hipcheck.report.content import percent_text

TEMPLATE_DIR = Path(str(files("hipcheck.web") / "templates"))
STATIC_DIR = Path(str(files("hipcheck.web") / "static"))

TRIAGE_LABELS = {
    TriageLevel.self_care.value: "Self-care",
    TriageLevel.see_clinician.value: "See a clinician",
    TriageLevel.urgent.value: "Urgent: see a doctor within 24 hours",
    TriageLevel.emergency.value: "Emergency: get help now",
}

ANSWER_LABELS = {"yes": "Yes", "no": "No", "unknown": "Don't know"}


def _triage_label(level: object) -> str:
    key = level.value if isinstance(level, TriageLevel) else str(level)
    return TRIAGE_LABELS.get(key, key)


def _level_value(value: object) -> str:
    """The plain value of an enum (TriageLevel, Sex...) or the text itself."""
    return str(value.value) if isinstance(value, Enum) else str(value)


def make_templates() -> Jinja2Templates:
    """A fresh template environment (one per app) with hipcheck's filters."""
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    env = templates.env
    env.filters["percent"] = percent_text
    env.filters["triage_label"] = _triage_label
    env.filters["level"] = _level_value
    env.filters["answer_label"] = lambda v: ANSWER_LABELS.get(str(v), str(v))
    env.filters["training_lines"] = training_lines
    env.globals["TRIAGE_LABELS"] = TRIAGE_LABELS
    return templates


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    """Render a page template with the request in its context."""
    templates: Jinja2Templates = request.app.state.templates
    ctx = dict(context or {})
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if request.headers.get("hx-request") == "true" and request.method == "GET":
        # A boosted form posts, the server redirects (303), htmx swaps in the page it landed on:
        # tell htmx that page's address so the address bar, Back button and reload agree with it.
        response.headers["HX-Push-Url"] = str(request.url)
    return response
