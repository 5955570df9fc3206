"""GET /api/v1/health: a trivial endpoint (liveness, and the benchmark's baseline)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

import hipcheck

router = APIRouter(tags=["service"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


@router.get("/health", response_model=Health, summary="Is the server up")
def health() -> Health:
    return Health(version=hipcheck.__version__)
