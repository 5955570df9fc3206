"""Report downloads: the clinician report of `hipcheck report`, as HTML or PDF, from the browser."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from hipcheck import services
from hipcheck.config import Settings
from hipcheck.engine import CompiledModel
from hipcheck.errors import NotFound
from hipcheck.report.content import Report, build_report
from hipcheck.report.render import ReportFormat, render
from hipcheck.report.training_chart import render_chart
from hipcheck.store.unit_of_work import Store
from hipcheck.training.import_service import training_summary
from hipcheck.web.deps import ModelDep, SettingsDep, StoreDep

router = APIRouter(prefix="/assessments/{assessment_id}")

MEDIA_TYPES: dict[ReportFormat, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
}


def _gather(store: Store, model: CompiledModel, settings: Settings, assessment_id: str) -> Report:
    # The same gathering as `hipcheck report` (cli/report.py), on the app's own store and model.
    today = services.local_today()
    state = services.get_assessment(uow=store, assessment_id=assessment_id)
    plan = services.current_plan(uow=store, model=model, assessment_id=assessment_id).plan
    diary = services.list_diary(uow=store, assessment_id=assessment_id)
    hagos = [r.result for r in services.list_hagos(uow=store) if r.assessment_id in (None, assessment_id)]
    summary, _ = training_summary(store.session_factory, today=today, units=settings.units)
    has_runs = summary.runs > 0
    return build_report(
        kb=model.kb,
        state=state,
        plan=plan,
        diary=diary,
        hagos=hagos,
        training=summary if has_runs else None,
        training_chart_svg=render_chart(summary, "svg").decode("utf-8") if has_runs else None,
        today=today,
    )


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
