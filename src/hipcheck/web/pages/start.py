"""The start page: what hipcheck does and does not do, the safety note, and the start form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hipcheck.web.render import render

router = APIRouter()


@router.get("/")
def start_page(request: Request) -> Response:
    return render(request, "start.html", {})
