"""Care pages of one assessment: the plan (with its options form), the pain diary with its chart and
the HAGOS questionnaire with its score history (a chart from two questionnaires on, and a table)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from hipcheck import services
from hipcheck.care.models import PlanOptions
from hipcheck.engine import CompiledModel
from hipcheck.errors import Conflict, HipcheckError, InvalidInput
from hipcheck.knowledge.hagos_data import load_hagos
from hipcheck.report.charts import HAGOS_CHART_FROM, hagos_chart, hagos_chart_svg, hagos_legend, pain_chart
from hipcheck.store.unit_of_work import Store
from hipcheck.web.deps import ModelDep, StoreDep
from hipcheck.web.errors import validation_message
from hipcheck.web.pages.assessment import see_other
from hipcheck.web.render import render

router = APIRouter(prefix="/assessments/{assessment_id}")

PAIN_FIELDS = ("pain_rest", "pain_during", "pain_after", "pain_next_morning")


def _int_or_none(form: FormData, name: str, *, lo: int, hi: int) -> int | None:
    raw = str(form.get(name, "") or "").strip()
    if raw in ("", "none"):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name.replace('_', ' ')} must be a whole number", field=name) from None
    if not lo <= value <= hi:
        raise InvalidInput(f"{name.replace('_', ' ')} must be between {lo} and {hi}", field=name)
    return value


@router.get("/plan")
def plan_page(request: Request, assessment_id: str, store: StoreDep, model: ModelDep) -> Response:
    stored = services.current_plan(uow=store, model=model, assessment_id=assessment_id)
    kb = model.kb
    sources = [kb.sources[s] for s in stored.plan.sources if s in kb.sources]
    return render(
        request,
        "assessment/plan.html",
        {"assessment_id": assessment_id, "stored": stored, "sources": sources},
    )


@router.post("/plan")
async def plan_update(request: Request, assessment_id: str, store: StoreDep, model: ModelDep) -> Response:
    form = await request.form()
    equipment = [str(v) for v in form.getlist("equipment")] or ["none"]
    data: dict[str, Any] = {"equipment": equipment}
    days = _int_or_none(form, "days_per_week", lo=1, hi=7)
    if days is not None:
        data["days_per_week"] = days
    data["days_since_onset"] = _int_or_none(form, "days_since_onset", lo=0, hi=3650)
    try:
        options = PlanOptions.model_validate(data)
    except ValidationError as exc:
        message, field = validation_message(exc)
        raise InvalidInput(f"plan options: {message}", field=field) from None
    await run_in_threadpool(
        services.plan, uow=store, model=model, assessment_id=assessment_id, options=options
    )
    return see_other(f"/assessments/{assessment_id}/plan")


@router.get("/diary")
def diary_page(request: Request, assessment_id: str, store: StoreDep, model: ModelDep) -> Response:
    return _diary(request, assessment_id, store, model)


def _diary(
    request: Request,
    assessment_id: str,
    store: Store,
    model: CompiledModel,
    error: HipcheckError | None = None,
) -> Response:
    entries = services.list_diary(uow=store, assessment_id=assessment_id)
    decision = services.progress(uow=store, model=model, assessment_id=assessment_id) if entries else None
    today = services.local_today()
    return render(
        request,
        "assessment/diary.html",
        {
            "assessment_id": assessment_id,
            "entries": list(reversed(entries)),
            "chart": pain_chart(entries),
            "decision": decision,
            "today": today,
            "has_today": any(e.day == today for e in entries),
            "error": error,
        },
        status_code=error.http_status if error else 200,
    )


@router.post("/diary")
async def diary_add(request: Request, assessment_id: str, store: StoreDep, model: ModelDep) -> Response:
    try:
        await _save_diary(request, assessment_id, store, model)
    except (InvalidInput, Conflict) as exc:
        # Shown inside the diary panel (the form swaps only that panel), values kept by the browser.
        return await run_in_threadpool(_diary, request, assessment_id, store, model, exc)
    return see_other(f"/assessments/{assessment_id}/diary")


@router.post("/diary/{day}/delete")
def diary_delete(assessment_id: str, day: dt.date, store: StoreDep) -> Response:
    services.delete_diary_entry(uow=store, assessment_id=assessment_id, day=day)
    return see_other(f"/assessments/{assessment_id}/diary")


async def _save_diary(request: Request, assessment_id: str, store: Store, model: CompiledModel) -> None:
    form = await request.form()
    raw_day = str(form.get("day", "") or "").strip()
    try:
        day = dt.date.fromisoformat(raw_day) if raw_day else services.local_today()
    except ValueError:
        raise InvalidInput(f"the date {raw_day!r} is not a date (use YYYY-MM-DD)", field="day") from None
    values: dict[str, Any] = {name: _int_or_none(form, name, lo=0, hi=10) for name in PAIN_FIELDS}
    if values["pain_rest"] is None:
        raise InvalidInput("choose your pain at rest (0 = none, 10 = worst)", field="pain_rest")
    values["morning_stiffness_minutes"] = _int_or_none(form, "morning_stiffness_minutes", lo=0, hi=1440)
    run = _int_or_none(form, "run_minutes", lo=0, hi=1440)
    values["run_minutes"] = float(run or 0)
    values["exercises_done"] = [str(v) for v in form.getlist("exercises_done")]
    notes = form.get("notes") or ""
    if not isinstance(notes, str):
        raise InvalidInput("notes must be text, not a file", field="notes")
    # Not cut to length here: the diary entry's own validation names the field and the limit.
    values["notes"] = notes
    entries = await run_in_threadpool(services.list_diary, uow=store, assessment_id=assessment_id)
    if any(e.day == day for e in entries):
        await run_in_threadpool(
            services.edit_diary_entry,
            uow=store,
            model=model,
            assessment_id=assessment_id,
            day=day,
            changes=values,
        )
    else:
        await run_in_threadpool(
            services.add_diary_entry,
            uow=store,
            model=model,
            assessment_id=assessment_id,
            entry={"day": day, **values},
        )


@router.get("/hagos")
def hagos_page(request: Request, assessment_id: str, store: StoreDep) -> Response:
    records = services.list_hagos(uow=store, assessment_id=assessment_id)
    instrument = load_hagos()
    sections = [(sub, instrument.items_of(sub.id)) for sub in instrument.subscales]
    chart = legend = None
    if len(records) >= HAGOS_CHART_FROM:
        drawn = hagos_chart([r.result for r in records])
        # Our own SVG (every text in it escaped by the writer), inline so screen readers get its
        # label; its legend is HTML, which wraps and reads at the page's size on a phone.
        chart = Markup(hagos_chart_svg(drawn, label_id="hagos-chart", font_size=22, legend=False))
        legend = [(label, Markup(key)) for label, key in hagos_legend(drawn)]
    return render(
        request,
        "assessment/hagos.html",
        {
            "assessment_id": assessment_id,
            "instrument": instrument,
            "sections": sections,
            "records": records,
            "chart": chart,
            "legend": legend,
            "today": services.local_today(),
        },
    )


@router.post("/hagos")
async def hagos_submit(request: Request, assessment_id: str, store: StoreDep) -> Response:
    form = await request.form()
    instrument = load_hagos()
    responses = {item.id: _int_or_none(form, item.id, lo=0, hi=4) for item in instrument.items}
    await run_in_threadpool(
        services.submit_hagos,
        uow=store,
        responses=responses,
        instrument=instrument,
        assessment_id=assessment_id,
    )
    return see_other(f"/assessments/{assessment_id}/hagos#history")
