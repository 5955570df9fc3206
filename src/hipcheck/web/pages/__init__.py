"""HTML pages: one router per area, assembled here. Forms post back and redirect (PRG); htmx
boosts links and forms so pages swap without a full reload, and everything works without it."""

from __future__ import annotations

from fastapi import APIRouter

from hipcheck.web.pages import assessment, care, knowledge, report, start, training

router = APIRouter(include_in_schema=False)
router.include_router(start.router)
router.include_router(assessment.router)
router.include_router(care.router)
router.include_router(report.router)
router.include_router(training.router)
router.include_router(knowledge.router)

__all__ = ["router"]
