"""The read API under ``/data``: datasette's twin for what Empathos knows.

Why: the dashboard's pages are HTML; a BI tool, a notebook or another service needs the
same figures as data, and must not scrape them. So:

- ``GET /data/pages/{page}``: JSON of everything a dashboard page shows, computed by the
  very calls the page makes (``web.aggregates``, ``web.journeys``, ``web.stages``) under
  the same filters and the same default period; ``tests/api/test_read.py`` checks, page
  by page, that every figure on the HTML page is in this JSON.
- ``GET /data/contacts`` (+ ``/{id}``: transcript with emotions, scores, peak and end),
  ``/data/customers`` (+ ``/{id}``: scores, predictions of the current predict run,
  journey), ``/data/employees`` (+ ``/{id}``: coaching), with the shared filters and
  ``limit``/``offset`` pagination; ``format=csv`` or ``parquet`` answers the same rows
  as a file (CSV cells escaped against formulas, as ``empathos export`` does).
- ``GET /data/stats`` (``empathos stats --json``) and ``GET /data/export/{table}`` (a
  whole table, ``empathos export``).
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import orjson
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import Engine, and_, func, select
from starlette.background import BackgroundTask

from empathos.api._filters import (
    Day,
    ChannelQuery,
    CompanyQuery,
    EndQuery,
    LanguageQuery,
    PodQuery,
    StartQuery,
)
from empathos.store import schema
from empathos.store.queries import current_prediction_run, current_score_models
from empathos.web.tenancy import principal, store_engine, tenant_state

router = APIRouter(prefix="/data", tags=["read"])

Page = Literal[
    "overview",
    "journeys",
    "scores",
    "csat",
    "value",
    "drivers",
    "pods",
    "qa",
    "coaching",
    "experiments",
    "ooda",
    "maturity",
    "balance",
    "pilot",
]
Format = Literal["json", "csv", "parquet"]
SourceQuery = Query(None, description="only contacts of this source (imported, sample, simulated)")
LimitQuery = Query(100, ge=1, le=10_000, description="rows per page")
# bounded well inside the databases' integers (and a JSON double): an offset past 2**63
# raised OverflowError (500)
OffsetQuery = Query(0, ge=0, le=10**12, description="rows to skip (the next page: offset + limit)")
FormatQuery = Query("json", description="json, or the same rows as a csv or parquet file")
#: The 200 answer's other media types (``format=csv|parquet``), so the spec names them.
FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


def jsonable(value: Any) -> Any:
    """Dataclasses, dates and tuples as JSON values (NaN as null: unknown, never 0)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


# --------------------------------------------------------------------------- pages
def _pre(request: Request) -> bool:
    return request.app.state.settings.web_pre_aggregate


def _fresh(request: Request) -> None:
    """The pages' staleness check of the summary table, with the same throttle and the
    same app state (``web.routes``), so a page and its JSON read the same summary."""
    from empathos.web import aggregates as ag
    from empathos.web.routes import FRESH_CHECK_S

    state = tenant_state(request)
    now = time.monotonic()
    if _pre(request) and now - getattr(state, "web_fresh_checked", -1e9) >= FRESH_CHECK_S:
        ag.ensure_fresh(state.engine)
        state.web_fresh_checked = now


def _page_filters(request: Request, page: str) -> Any:
    """The page's filters exactly as the HTML page reads them (``web.routes``)."""
    from empathos.web import aggregates as ag
    from empathos.web.routes import IGNORES, PAGES, parse_filters

    path = "/" if page == "overview" else f"{PAGES}/{page}"
    f = parse_filters(request)
    if "period" in IGNORES.get(path, {}):
        return f, path
    _fresh(request)
    return ag.with_default_period(store_engine(request), f, pre=_pre(request)), path


def _kpis(k: Any) -> dict[str, Any]:
    from empathos.api.summary import _kpis as kpis

    return jsonable(kpis(k))


def _stage(result: Any) -> dict[str, Any]:
    out = jsonable(dataclasses.replace(result, figures={}))
    out["figures"] = {k: orjson.loads(_fig(v)) for k, v in result.figures.items()}
    return out


def _fig(fig: Any) -> str:
    from empathos.web import charts

    return charts.to_json(fig)


def page_data(request: Request, page: str) -> dict[str, Any]:
    """What page ``page`` shows, as data (see the module docstring)."""
    from empathos.web import aggregates as ag
    from empathos.web import journeys, routes, stages

    engine: Engine = store_engine(request)
    f, path = _page_filters(request, page)
    pre = _pre(request)
    out: dict[str, Any] = {
        "page": page,
        "path": path,
        "filters": f.active(),
        "period": {
            "start": jsonable(f.start),
            "end": jsonable(f.end),
            "chosen": "latest with data" if f.period_default else "as asked",
        },
        "ignored_filters": routes.IGNORES.get(path, {}),
        "notes": routes.PARTLY.get(path, []),
    }
    if page == "overview":
        predict = ag.predict_summary(engine, pre=pre)
        k = ag.kpis(engine, f, pre=pre)
        out |= {
            "kpis": _kpis(k),
            # the page's own arithmetic on the KPIs, so no figure of it is missing here
            "derived": {
                "handled_by_staff_share": None
                if k.automated_share is None
                else 1 - k.automated_share,
                "transfers_per_contact": k.n_transfers / k.n_scored if k.n_scored else None,
            },
            "daily": [
                {"day": d.day.isoformat(), **_kpis(d.kpis)} for d in ag.daily(engine, f, pre)
            ],
            "by_channel": {
                k: _kpis(v) for k, v in ag.breakdown(engine, f, "channel", pre=pre).items()
            },
            "predict": jsonable(predict),
            "predict_figures": ag.predict_figures(predict),
            "act": jsonable(stages.act_summary(engine)),
            "learn": jsonable(stages.learn_summary(engine)),
        }
    elif page == "scores":
        days = [d for d in ag.daily(engine, f, pre=pre) if d.kpis.n_scored]
        k = ag.kpis(engine, f, pre=pre)
        gap = None if None in (k.remembered, k.experienced) else k.remembered - k.experienced
        out |= {
            "kpis": _kpis(k),
            "derived": {"gap_remembered_minus_experienced": gap},
            "daily": [{"day": d.day.isoformat(), **_kpis(d.kpis)} for d in days],
        }
    elif page == "value":
        summary = ag.predict_summary(engine, pre=pre)
        rows = [
            r
            for r in (summary or {}).get("avoidable", [])
            if not f.language or r["language"] == f.language
        ]
        out |= {
            "predict": jsonable(summary),
            "predict_figures": ag.predict_figures(summary),
            "avoidable": jsonable(rows),
        }
    elif page == "pods":
        out |= {
            "by_pod": {k: _kpis(v) for k, v in ag.breakdown(engine, f, "pod_id", pre=pre).items()},
            "pods": jsonable(stages.pods(engine)),
            "live": _stage(stages.live(request)),
        }
    elif page == "journeys":
        q = request.query_params
        iid = (q.get("interaction") or "").strip()
        cid = (q.get("customer") or "").strip()
        traj = journeys.contact_trajectory(engine, iid) if iid else None
        if traj is not None:
            cid = cid or (traj.interaction.get("customer_id") or "")
        journey = journeys.customer_journey(engine, cid) if cid else None
        summary = qa_card = None
        if traj is not None:
            from empathos.understand.qa.scorecards import contact_scorecard
            from empathos.understand.summary_store import stored_summary

            summary, qa_card = stored_summary(engine, iid), contact_scorecard(engine, iid)
        out |= {
            "interaction": iid or None,
            "customer": cid or None,
            "contact": jsonable(traj),
            "summary": jsonable(summary),
            "qa": jsonable(qa_card),
            "journey": jsonable(journey),
            "picks": jsonable(journeys.contacts_to_pick(engine, f)),
        }
    elif page == "csat":
        from empathos.web.csat_page import csat_stage

        out |= _stage(csat_stage(request, f))
    elif page == "drivers":
        from empathos.web.drivers import drivers_view

        view = drivers_view(request, f)
        out |= {
            "report": jsonable(view["report"]),
            "notes": view["notes"],
            "figures": {k: orjson.loads(_fig(v)) for k, v in view["figures"].items()},
        }
    elif page == "qa":
        from empathos.web.qa import qa_view

        view = qa_view(engine, f)
        figures = view.pop("figures")
        out |= jsonable(view)
        out["figures"] = {k: orjson.loads(_fig(v)) for k, v in figures.items()}
    elif page == "coaching":
        out |= _stage(stages.coaching(request, f))
    elif page == "experiments":
        out |= _stage(stages.experiments(request, f))
    elif page == "ooda":
        out |= _stage(stages.ooda(request, f))
    elif page == "maturity":
        result = stages.maturity(request)
        out |= _stage(dataclasses.replace(result, form=None))
        out["assessment"] = jsonable((result.form or {}).get("latest"))
    elif page == "balance":
        out |= _stage(stages.balance(request))
    elif page == "pilot":
        out |= _stage(stages.pilot(request))
    return out


@router.get("/pages/{page}", summary="JSON of everything a dashboard page shows")
def get_page(
    request: Request,
    page: Page,
    start: Day | None = StartQuery,
    end: Day | None = EndQuery,
    channel: str | None = ChannelQuery,
    language: str | None = LanguageQuery,
    pod: str | None = PodQuery,
    company: str | None = CompanyQuery,
    source: str | None = SourceQuery,
    interaction: str | None = Query(None, description="journeys: the contact to show"),
    customer: str | None = Query(None, description="journeys: the customer to show"),
    cost: float | None = Query(None, description="balance: the programme's cost"),
    coverage: float | None = Query(None, description="balance: share of the book reached"),
) -> dict[str, Any]:
    """The page's figures under the page's filters (the query parameters of its URL);
    a page that ignores a filter names it in ``ignored_filters``, as the page does. The
    pilot page's simulation runs only on its form's POST; here it is the form's state."""
    return page_data(request, page)


# --------------------------------------------------------------------------- lists
def _rows(
    engine: Engine, query: Any, limit: int, offset: int
) -> tuple[list[str], list[dict[str, Any]], int]:
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        result = conn.execute(query.limit(limit).offset(offset))
        names = list(result.keys())
        return names, [dict(r._mapping) for r in result], int(total)


def _answer(
    names: list[str], rows: list[dict[str, Any]], total: int, limit: int, offset: int, fmt: str
) -> Any:
    if fmt == "json":
        nxt = offset + limit if offset + limit < total else None
        return {
            "total": total,
            "limit": limit,
            "offset": offset,
            "next_offset": nxt,
            "rows": jsonable(rows),
        }
    if fmt == "csv":
        import csv

        from empathos.listen.export import csv_safe

        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(names)
        for r in rows:
            writer.writerow(
                [
                    csv_safe(orjson.dumps(v).decode() if isinstance(v, dict | list) else v)
                    for v in (r[n] for n in names)
                ]
            )
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8", headers=_total(total))
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {
        n: [orjson.dumps(r[n]).decode() if isinstance(r[n], dict | list) else r[n] for r in rows]
        for n in names
    }
    sink = io.BytesIO()
    pq.write_table(pa.table(columns), sink)
    return Response(
        sink.getvalue(), media_type="application/vnd.apache.parquet", headers=_total(total)
    )


def _total(total: int) -> dict[str, str]:
    return {"X-Total-Count": str(total)}


def _score_join(conn_model: tuple[str, str, str, str] | None) -> Any:
    s = schema.interaction_scores.c
    i = schema.interactions.c
    if conn_model is None:
        return None
    return and_(
        s.interaction_id == i.interaction_id,
        s.model == conn_model[0],
        s.version == conn_model[1],
        s.empathy_model == conn_model[2],
        s.empathy_version == conn_model[3],
    )


@router.get(
    "/contacts",
    summary="Contacts (interactions) with their scores, filtered and paged",
    responses=FILES,
)
def list_contacts(
    request: Request,
    start: Day | None = StartQuery,
    end: Day | None = EndQuery,
    channel: str | None = ChannelQuery,
    language: str | None = LanguageQuery,
    pod: str | None = PodQuery,
    company: str | None = CompanyQuery,
    source: str | None = SourceQuery,
    customer_id: str | None = Query(None, description="only this customer's contacts"),
    employee_id: str | None = Query(None, description="only contacts this employee handled"),
    limit: int = LimitQuery,
    offset: int = OffsetQuery,
    format: Format = FormatQuery,  # noqa: A002 - the query parameter's name
) -> Any:
    """Newest first; scores are those of the current (emotion, empathy) models, null
    when a contact is not analysed."""
    from empathos.store.queries import interaction_conditions

    engine: Engine = store_engine(request)
    i, s = schema.interactions, schema.interaction_scores
    with engine.connect() as conn:
        model = current_score_models(conn)
    cols = [
        i.c.interaction_id,
        i.c.customer_id,
        i.c.employee_id,
        i.c.channel,
        i.c.started_at,
        i.c.ended_at,
        i.c.queue,
        i.c.need,
        i.c.company,
        i.c.source,
    ]
    where = interaction_conditions(
        start=start, end=end, channel=channel, language=language, pod=pod, company=company
    )
    where += [
        c
        for c in (
            i.c.source == source if source else None,
            i.c.customer_id == customer_id if customer_id else None,
            i.c.employee_id == employee_id if employee_id else None,
        )
        if c is not None
    ]
    if (who := principal(request)).role == "agent":  # an agent lists its own contacts only
        where.append(i.c.employee_id == who.employee_id)
    if model is None:
        q = select(*cols).where(*where)
    else:
        q = (
            select(
                *cols,
                s.c.experienced,
                s.c.remembered,
                s.c.outcome,
                s.c.effort_score,
                s.c.empathy_score,
            )
            .outerjoin(s, _score_join(model))
            .where(*where)
        )
    q = q.order_by(i.c.started_at.desc(), i.c.interaction_id)
    names, rows, total = _rows(engine, q, limit, offset)
    return _answer(names, rows, total, limit, offset, format)


@router.get("/contacts/{interaction_id}", summary="One contact: transcript, emotions, scores")
def get_contact(request: Request, interaction_id: str) -> dict[str, Any]:
    from empathos.web.journeys import contact_trajectory

    traj = contact_trajectory(store_engine(request), interaction_id)
    if traj is None:
        raise HTTPException(status_code=404, detail=f"no contact {interaction_id!r}")
    return jsonable(traj)


@router.get(
    "/customers", summary="Customers with the current predict run's scores, paged", responses=FILES
)
def list_customers(
    request: Request,
    segment: str | None = Query(None, description="only this segment"),
    language: str | None = Query(None, description="only customers with this language"),
    source: str | None = Query(None, description="only customers of this source"),
    limit: int = LimitQuery,
    offset: int = OffsetQuery,
    format: Format = FormatQuery,  # noqa: A002
) -> Any:
    """Predictions are the current predict run's (null: not scored); ``prediction_run``
    names it in JSON answers."""
    engine: Engine = store_engine(request)
    c, cs = schema.customers, schema.customer_scores
    run = current_prediction_run(engine)
    cols = [c.c.customer_id, c.c.name, c.c.segment, c.c.language, c.c.created_at, c.c.source]
    where = [
        cond
        for cond in (
            c.c.segment == segment if segment else None,
            c.c.language == language if language else None,
            c.c.source == source if source else None,
        )
        if cond is not None
    ]
    if run is None:
        q = select(*cols).where(*where)
    else:
        q = (
            select(
                *cols, cs.c.p_churn, cs.c.clv, cs.c.value_at_risk, cs.c.churn_basis, cs.c.clv_basis
            )
            .outerjoin(
                cs,
                and_(
                    cs.c.customer_id == c.c.customer_id,
                    cs.c.model == run.model,
                    cs.c.version == run.version,
                    cs.c.as_of == run.as_of,
                ),
            )
            .where(*where)
        )
    names, rows, total = _rows(engine, q.order_by(c.c.customer_id), limit, offset)
    out = _answer(names, rows, total, limit, offset, format)
    if isinstance(out, dict):
        out["prediction_run"] = run.label() if run else None
    return out


@router.get("/customers/{customer_id}", summary="One customer: scores, predictions, journey")
def get_customer(request: Request, customer_id: str) -> dict[str, Any]:
    from empathos.web.journeys import customer_journey

    engine: Engine = store_engine(request)
    journey = customer_journey(engine, customer_id)
    if journey.customer is None:
        raise HTTPException(status_code=404, detail=f"no customer {customer_id!r}")
    run = current_prediction_run(engine)
    prediction = None
    if run is not None:
        cs = schema.customer_scores.c
        with engine.connect() as conn:
            row = conn.execute(
                select(schema.customer_scores).where(
                    cs.customer_id == customer_id,
                    cs.model == run.model,
                    cs.version == run.version,
                    cs.as_of == run.as_of,
                )
            ).first()
        prediction = None if row is None else dict(row._mapping)
    return jsonable(
        {
            "customer": journey.customer,
            "prediction": prediction,
            "prediction_run": run.label() if run else None,
            "journey": {"memory": journey.memory, "contacts": journey.contacts},
        }
    )


@router.get("/employees", summary="Employees, filtered by pod, paged", responses=FILES)
def list_employees(
    request: Request,
    pod: str | None = Query(None, description="only members of this pod"),
    limit: int = LimitQuery,
    offset: int = OffsetQuery,
    format: Format = FormatQuery,  # noqa: A002
) -> Any:
    e = schema.employees
    q = select(e.c.employee_id, e.c.name, e.c.function, e.c.pod_id, e.c.capacity, e.c.source)
    if pod:
        q = q.where(e.c.pod_id == pod)
    names, rows, total = _rows(store_engine(request), q.order_by(e.c.employee_id), limit, offset)
    return _answer(names, rows, total, limit, offset, format)


@router.get("/employees/{employee_id}", summary="One employee and their coaching report")
def get_employee(
    request: Request,
    employee_id: str,
    start: Day | None = StartQuery,
    end: Day | None = EndQuery,
    channel: str | None = ChannelQuery,
    language: str | None = LanguageQuery,
    company: str | None = CompanyQuery,
) -> dict[str, Any]:
    """The coaching part is ``learn.coaching.coach_employee`` (as ``GET /coaching/{id}``);
    ``coaching_unavailable`` says why when it cannot be computed."""
    from empathos.learn.coaching import CoachingConfig, CoachingError, coach_employee

    engine: Engine = store_engine(request)
    e = schema.employees
    with engine.connect() as conn:
        row = conn.execute(select(e).where(e.c.employee_id == employee_id)).first()
    if row is None:
        raise HTTPException(status_code=404, detail=f"no employee {employee_id!r}")
    out: dict[str, Any] = {"employee": dict(row._mapping), "coaching": None}
    cfg = CoachingConfig(start=start, end=end, channel=channel, language=language, company=company)
    try:
        out["coaching"] = coach_employee(engine, employee_id, cfg).to_dict()
    except CoachingError as exc:
        out["coaching_unavailable"] = str(exc)
    return jsonable(out)


@router.get("/stats", summary="Counts in the store (as `empathos stats --json`)")
def get_stats(
    request: Request,
    period: Literal["day", "week", "month"] = "month",
    company: str | None = CompanyQuery,
) -> dict[str, Any]:
    from empathos.listen.stats import store_stats

    return jsonable(store_stats(store_engine(request), period=period, company=company))


@router.get(
    "/export/{table}",
    summary="A whole table as CSV or Parquet (as `empathos export`)",
    responses=FILES,
)
def export(
    request: Request,
    table: Literal[
        "turns", "interactions", "customers", "employees", "pods", "outcomes", "transactions"
    ],
    format: Literal["csv", "parquet"] = Query("parquet"),  # noqa: A002
) -> FileResponse:
    from empathos.listen.export import export_table

    tmp = Path(tempfile.mkdtemp(prefix="empathos-export-")) / f"{table}.{format}"
    export_table(store_engine(request), table, tmp, format)

    def cleanup() -> None:
        tmp.unlink(missing_ok=True)
        tmp.parent.rmdir()

    media = "text/csv" if format == "csv" else "application/vnd.apache.parquet"
    return FileResponse(
        tmp, media_type=media, filename=tmp.name, background=BackgroundTask(cleanup)
    )
