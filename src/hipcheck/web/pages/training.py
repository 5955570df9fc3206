"""Training page: weekly distance chart, load ratios, single-run spikes, shoes and cadence.

The numbers come from the runs `hipcheck import` stored; what cannot be measured is said.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from hipcheck import services
from hipcheck.report.training_chart import render_chart
from hipcheck.store.unit_of_work import Store
from hipcheck.training.import_service import training_summary
from hipcheck.training.metrics import ProposedAnswer, TrainingSummary, distance_text
from hipcheck.web.deps import SettingsDep, StoreDep
from hipcheck.web.render import render

router = APIRouter(prefix="/training")


def summary_for(store: Store, units: str) -> tuple[TrainingSummary, list[ProposedAnswer]]:
    """The training summary and the answers it proposes (for the page and the question screens)."""
    return training_summary(
        store.session_factory,
        today=services.local_today(),
        units="mi" if units == "mi" else "km",
    )


@router.get("")
async def training_page(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    summary, proposals = await run_in_threadpool(summary_for, store, settings.units)
    return render(
        request,
        "training.html",
        {"summary": summary, "proposals": proposals, "distance": distance_text, "units": summary.units},
    )


@router.get("/chart.svg")
async def training_chart(store: StoreDep, settings: SettingsDep) -> Response:
    summary, _ = await run_in_threadpool(summary_for, store, settings.units)
    data = await run_in_threadpool(render_chart, summary, "svg")
    return Response(data, media_type="image/svg+xml")
