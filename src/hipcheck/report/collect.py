"""Gather what is stored for one assessment into a `Report`: the one way both adapters do it.

`hipcheck report` (cli/report.py) and the web download (web/pages/report.py) call
`collect_report` with their own store and compiled model. Reads through `services` (and the
training import service for runs); the only write is the care plan, made and stored as
`services.current_plan` does when none is stored yet.
"""

from __future__ import annotations

import datetime as dt

from hipcheck import services
from hipcheck.care.progress import for_plan
from hipcheck.engine import CompiledModel
from hipcheck.report.content import Report, build_report
from hipcheck.report.training_chart import render_chart
from hipcheck.store.unit_of_work import Store
from hipcheck.training.import_service import training_summary
from hipcheck.training.metrics import Units


def collect_report(
    *,
    store: Store,
    model: CompiledModel,
    assessment_id: str,
    units: Units = "km",
    today: dt.date | None = None,
) -> Report:
    """The report of an assessment: NotFound for an unknown id.

    HAGOS questionnaires linked to this assessment or to none are included (the tool has one
    runner); the training summary covers the 12 weeks to `today`, and is left out without runs.
    """
    today = today or services.local_today()
    state = services.get_assessment(uow=store, model=model, assessment_id=assessment_id)
    plan = services.current_plan(uow=store, model=model, assessment_id=assessment_id).plan
    diary = services.list_diary(uow=store, assessment_id=assessment_id)
    hagos = [r.result for r in services.list_hagos(uow=store) if r.assessment_id in (None, assessment_id)]
    # services.progress would read the plan and the diary again: decide from the ones read above.
    progress = for_plan(plan, diary, model.kb.return_to_run.pain_monitoring) if diary else None
    summary, _ = training_summary(store.session_factory, today=today, units=units)
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
        progress=progress,
    )
