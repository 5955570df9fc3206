"""Report downloads: the clinician report of `hipcheck report`, as HTML or PDF, from the browser."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from hipcheck.config import Settings
from hipcheck.engine import CompiledModel
from hipcheck.errors import NotFound
from hipcheck.report.collect import collect_report
from hipcheck.report.content import Report
from hipcheck.report.render import ReportFormat, render
from hipcheck.store.unit_of_work import Store
from hipcheck.web.deps import ModelDep, SettingsDep, StoreDep

router = APIRouter(prefix="/assessments/{assessment_id}")

MEDIA_TYPES: dict[ReportFormat, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
}


def _gather(store: Store, model: CompiledModel, settings: Settings, assessment_id: str) -> Report:
    return collect_report(store=store, model=model, assessment_id=assessment_id, units=settings.units)


@router.get("/report.{fmt}")
async def download_report(
    assessment_id: str, fmt: str, store: StoreDep, model: ModelDep, settings: SettingsDep
) -> Response:
    if fmt not in MEDIA_TYPES:
        raise NotFound(f"there is no {fmt!r} report; choose html, pdf or md", field="fmt")
    chosen: ReportFormat = "pdf" if fmt == "pdf" else ("md" if fmt == "md" else "html")
    report = await run_in_threadpool(_gather, store, model, settings, assessment_id)
    data = await run_in_threadpool(render, report, chosen)
    filename = f"hipcheck-report-{assessment_id}.{chosen}"
    return Response(
        data,
        media_type=MEDIA_TYPES[chosen],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
