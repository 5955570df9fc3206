"""JSON API under /api/v1: one router per area, assembled here."""

from __future__ import annotations

from fastapi import APIRouter

from hipcheck.web.api import assessments, care, hagos, health, knowledge
from hipcheck.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
router.include_router(health.router)
router.include_router(assessments.router)
router.include_router(care.router)
router.include_router(hagos.router)
router.include_router(knowledge.router)

__all__ = ["router"]
