"""The dashboard's pages (server-rendered, every asset served locally: no CDN).

Each page is a GET with the same filter parameters (``start``, ``end``, ``channel``,
``language``, ``pod``, ``company`` — the brand), so the filter form works without
JavaScript and every view has a shareable URL. A page either honours a filter or names
it, with the reason, in :data:`IGNORES` (shown under the filter form); without a chosen
period, a page that honours the period reads the latest one that has data
(:func:`empathos.web.aggregates.with_default_period`) and names it. Figures travel as
Plotly figure JSON inside the page and are drawn by the plotly.js that ships inside the
installed ``plotly`` wheel, served at ``/static/plotly.min.js``; each chart also has a
data table for screen readers and for anyone without JavaScript.
"""

from __future__ import annotations

import time
from datetime import date
from urllib.parse import parse_qs, quote
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from empathos.web import aggregates as ag
from empathos.web import charts, journeys, stages
from empathos.web.format import register_filters
from empathos.web.tenancy import store_engine, tenant_state

router = APIRouter(include_in_schema=False)

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=str(HERE / "templates"))
register_filters(templates.env)

#: Pages live under this prefix (the API owns /pods, /contacts, /assess, ...); the
#: overview is also served at ``/``.
PAGES = "/dashboard"

#: The navigation, in flywheel order: (path, label).
NAV: tuple[tuple[str, str], ...] = (
    ("/", "Overview"),
    (PAGES + "/journeys", "Journeys"),
    (PAGES + "/scores", "Remembered vs experienced"),
    (PAGES + "/csat", "Predicted CSAT"),
    (PAGES + "/value", "Value at risk"),
    (PAGES + "/drivers", "Drivers"),
    (PAGES + "/pods", "Pods & live"),
    (PAGES + "/qa", "Quality"),
    (PAGES + "/coaching", "Coaching"),
    (PAGES + "/experiments", "Experiments"),
    (PAGES + "/ooda", "OODA"),
    (PAGES + "/maturity", "Maturity"),
    (PAGES + "/balance", "Balance sheet"),
    (PAGES + "/pilot", "Pilot"),
)
FRESH_CHECK_S = 30.0  # how often a page may check whether the summary is stale

_CUSTOMER_LEVEL = (
    "customer-level scores of the latest predict run, not contacts: there is no period, "
    "channel, pod or brand to a customer's churn risk"
)
_WHOLE = "the assessment is of the whole company (answers plus the whole store)"
#: Per page, the filters it does not apply and why (shown on the page). A filter not
#: named here is honoured by every figure of that page's main content.
IGNORES: dict[str, dict[str, str]] = {
    "/": {},
    PAGES: {},
    PAGES + "/journeys": {},
    PAGES + "/scores": {},
    PAGES + "/value": {
        "period": _CUSTOMER_LEVEL,
        "channel": _CUSTOMER_LEVEL,
        "pod": _CUSTOMER_LEVEL,
        "brand": _CUSTOMER_LEVEL,
    },
    PAGES + "/csat": {},
    PAGES + "/drivers": {},
    PAGES + "/pods": {},
    PAGES + "/qa": {},
    PAGES + "/coaching": {},
    PAGES + "/experiments": {
        f: "an experiment is measured over all of its assigned contacts, as started"
        for f in ("period", "channel", "language", "pod", "brand")
    },
    PAGES + "/ooda": {},
    PAGES + "/maturity": {f: _WHOLE for f in ("period", "channel", "language", "pod", "brand")},
    PAGES + "/balance": {
        f: "the balance sheet is over the whole customer book of the latest predict run"
        for f in ("period", "channel", "language", "pod", "brand")
    },
    PAGES + "/pilot": {
        f: "the pilot simulates the chosen pod on the company's parameters calibrated "
        "from the whole store (pick the pod in its form)"
        for f in ("period", "channel", "language", "pod", "brand")
    },
}
#: What parts of a page stay unfiltered although the page honours the filters (notes).
PARTLY: dict[str, list[str]] = {
    "/": [
        "The Predict panel is per customer (latest predict run) and the Act/Learn panels "
        "count the live desk's decisions and the latest experiment: the filters do not "
        "apply to them."
    ],
    PAGES + "/journeys": [
        "The filters choose the contacts to pick from; a picked contact or customer is shown whole."
    ],
    PAGES + "/pods": ["The members list and the open live contacts are not filtered."],
    PAGES + "/ooda": [
        "Decide ranks actions over every customer's value at risk (latest predict run): "
        "the filters apply to observe and orient only."
    ],
}


# --------------------------------------------------------------------------- helpers
def _engine(request: Request) -> Engine:
    return store_engine(request)


def _pre(request: Request) -> bool:
    """Read the pre-aggregated summary (default) or the raw tables (the benchmark's
    baseline: ``Settings(web_pre_aggregate=False)``)."""
    return request.app.state.settings.web_pre_aggregate


def _fresh(request: Request) -> None:
    """Rebuild the summary when the store changed; checked at most every FRESH_CHECK_S so
    a busy dashboard does not count rows on every request."""
    state = tenant_state(request)
    if not _pre(request):
        return
    now = time.monotonic()
    if now - getattr(state, "web_fresh_checked", -1e9) < FRESH_CHECK_S:
        return
    ag.ensure_fresh(_engine(request))
    state.web_fresh_checked = now


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_filters(request: Request) -> ag.Filters:
    """Filters from the query string; empty or malformed values mean "no filter"."""
    q = request.query_params
    return ag.Filters(
        start=_date(q.get("start")),
        end=_date(q.get("end")),
        channel=q.get("channel") or None,
        language=q.get("language") or None,
        pod=q.get("pod") or None,
        company=q.get("company") or None,
        source=q.get("source") or None,
    )


def page_filters(request: Request) -> ag.Filters:
    """The query's filters, with the default period (the latest with data) filled in when
    the page honours the period and the user chose none."""
    f = parse_filters(request)
    if "period" in IGNORES.get(request.url.path, {}):
        return f
    _fresh(request)
    return ag.with_default_period(_engine(request), f, pre=_pre(request))


def render(request: Request, template: str, **context: Any) -> HTMLResponse:
    """A page in the base layout with the navigation, filters and data-source line."""
    engine = _engine(request)
    _fresh(request)
    options = ag.filter_options(engine, pre=_pre(request))
    f = context.pop("filters", None) or parse_filters(request)
    sources = options.get("source") or []
    ignored = IGNORES.get(request.url.path, {})
    base = {
        "request": request,
        "nav": NAV,
        "path": request.url.path,
        "filters": f,
        "options": options,
        "sources": sources,
        "query": str(request.url.query),
        "ignored": ignored,
        "ignored_groups": _groups(ignored),
        "partly": PARTLY.get(request.url.path, []),
        "figures": context.pop("figures", {}),
        "csrf_token": getattr(request.state, "csrf", ""),  # api.security: dashboard forms
    }
    return templates.TemplateResponse(request, template, base | context)


def _groups(ignored: dict[str, str]) -> list[tuple[str, list[str]]]:
    """The ignored filters grouped by their reason, in the order first named."""
    out: dict[str, list[str]] = {}
    for name, why in ignored.items():
        out.setdefault(why, []).append(name)
    return list(out.items())


def _fig(figures: dict[str, str], key: str, fig: charts.Figure) -> None:
    figures[key] = charts.to_json(fig)


# --------------------------------------------------------------------------- static
@router.get("/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js from the installed plotly wheel: offline, same version as the Python side."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return FileResponse(
        path, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """The dashboard's own CSS/JS (flat folder; no path traversal possible)."""
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise HTTPException(404)
    kind = {"css": "text/css", "js": "text/javascript", "svg": "image/svg+xml"}.get(
        path.suffix.lstrip("."), "application/octet-stream"
    )
    return FileResponse(path, media_type=kind, headers={"Cache-Control": "public, max-age=3600"})


# --------------------------------------------------------------------------- pages
@router.get("/", response_class=HTMLResponse)
@router.get(PAGES, response_class=HTMLResponse)
def overview(request: Request) -> HTMLResponse:
    """The flywheel at a glance: one panel per stage with its KPIs."""
    engine, f = _engine(request), page_filters(request)
    _fresh(request)
    k = ag.kpis(engine, f, pre=_pre(request))
    days = ag.daily(engine, f, pre=_pre(request))
    by_channel = ag.breakdown(engine, f, "channel", pre=_pre(request))
    figures: dict[str, str] = {}
    if days:
        _fig(
            figures,
            "volume",
            charts.lines(
                "Contacts per day",
                [d.day for d in days],
                {"contacts": [d.kpis.n_interactions for d in days]},
                "contacts",
            ),
        )
    if by_channel:
        _fig(
            figures,
            "channels",
            charts.bars(
                "Contacts by channel",
                list(by_channel),
                [v.n_interactions for v in by_channel.values()],
                "contacts",
            ),
        )
    return render(
        request,
        "overview.html",
        filters=f,
        figures=figures,
        k=k,
        days=days,
        by_channel=by_channel,
        predict=(predict := ag.predict_summary(engine, pre=_pre(request))),
        pf=ag.predict_figures(predict),
        act=stages.act_summary(engine),
        learn=stages.learn_summary(engine),
    )


@router.get(PAGES + "/journeys", response_class=HTMLResponse)
def journeys_page(request: Request) -> HTMLResponse:
    """A contact's emotional trajectory (peak and end marked) and its customer's journey."""
    engine, f = _engine(request), page_filters(request)
    iid = (request.query_params.get("interaction") or "").strip()
    cid = (request.query_params.get("customer") or "").strip()
    figures: dict[str, str] = {}
    traj = journeys.contact_trajectory(engine, iid) if iid else None
    if traj is not None:
        cid = cid or (traj.interaction.get("customer_id") or "")
        pts = [t for t in traj.turns if t["speaker"] == "customer" and t["valence"] is not None]
        if pts:
            _fig(
                figures,
                "trajectory",
                charts.trajectory(
                    f"Contact {iid}: valence per customer turn",
                    [t["seq"] for t in pts],
                    [t["valence"] for t in pts],
                    traj.peak,
                    traj.end,
                ),
            )
    summary = qa_card = None
    if traj is not None:
        from empathos.understand.qa.scorecards import contact_scorecard
        from empathos.understand.summary_store import stored_summary

        summary, qa_card = stored_summary(engine, iid), contact_scorecard(engine, iid)
    journey = journeys.customer_journey(engine, cid) if cid else None
    if journey is not None and journey.contacts:
        _fig(
            figures,
            "journey",
            charts.lines(
                f"Customer {cid}: remembered and experienced score per contact",
                [c["started_at"] for c in journey.contacts],
                {
                    "remembered (peak–end)": [c["remembered"] for c in journey.contacts],
                    "experienced (mean)": [c["experienced"] for c in journey.contacts],
                },
                "score",
            ),
        )
    return render(
        request,
        "journeys.html",
        filters=f,
        figures=figures,
        iid=iid,
        cid=cid,
        traj=traj,
        summary=summary,
        qa_card=qa_card,
        journey=journey,
        not_found=bool(iid) and traj is None,
        picks=journeys.contacts_to_pick(engine, f),
    )


@router.get(PAGES + "/scores", response_class=HTMLResponse)
def scores_page(request: Request) -> HTMLResponse:
    """Remembered (peak–end) vs experienced (mean) score per day, and endings."""
    engine, f = _engine(request), page_filters(request)
    _fresh(request)
    days = [d for d in ag.daily(engine, f, pre=_pre(request)) if d.kpis.n_scored]
    figures: dict[str, str] = {}
    if days:
        x = [d.day for d in days]
        _fig(
            figures,
            "scores",
            charts.lines(
                "Remembered vs experienced score per day",
                x,
                {
                    "remembered (peak–end)": [d.kpis.remembered for d in days],
                    "experienced (mean valence)": [d.kpis.experienced for d in days],
                },
                "score",
            ),
        )
        _fig(
            figures,
            "outcomes",
            charts.lines(
                "Emotional outcome: share of contacts per day",
                x,
                {
                    "improved": [d.kpis.improved_share for d in days],
                    "worsened": [d.kpis.worsened_share for d in days],
                },
                "share",
                colours=(charts.GREEN, charts.RED),
            ),
        )
    return render(
        request,
        "scores.html",
        filters=f,
        figures=figures,
        days=days,
        k=ag.kpis(engine, f, pre=_pre(request)),
    )


@router.get(PAGES + "/value", response_class=HTMLResponse)
def value_page(request: Request) -> HTMLResponse:
    """Value at risk of the current predict run (named on the page) and the avoidable list."""
    engine, f = _engine(request), page_filters(request)
    _fresh(request)
    summary = ag.predict_summary(engine, pre=_pre(request))
    rows = []
    figures: dict[str, str] = {}
    if summary:
        rows = [r for r in summary["avoidable"] if not f.language or r["language"] == f.language]
        top = rows[:15]
        if top:
            _fig(
                figures,
                "avoidable",
                charts.bars(
                    "Avoidable churn: value at risk of the top customers",
                    [r["customer_id"] for r in top],
                    [r["value_at_risk"] for r in top],
                    "value at risk",
                    colour=charts.RED,
                    horizontal=True,
                ),
            )
    return render(
        request,
        "value.html",
        filters=f,
        figures=figures,
        summary=summary,
        pf=ag.predict_figures(summary),
        rows=rows,
    )


@router.get(PAGES + "/pods", response_class=HTMLResponse)
def pods_page(request: Request) -> HTMLResponse:
    """Pods, their members and contacts, and the live contacts with assist cards."""
    engine, f = _engine(request), page_filters(request)
    _fresh(request)
    by_pod = ag.breakdown(engine, f, "pod_id", pre=_pre(request))
    figures: dict[str, str] = {}
    if by_pod:
        _fig(
            figures,
            "pods",
            charts.grouped_bars(
                "Remembered vs experienced score by pod",
                list(by_pod),
                {
                    "experienced": [v.experienced for v in by_pod.values()],
                    "remembered": [v.remembered for v in by_pod.values()],
                },
                "score",
            ),
        )
    return render(
        request,
        "pods.html",
        filters=f,
        figures=figures,
        by_pod=by_pod,
        pods=stages.pods(engine),
        live=stages.live(request),
    )


def _stage_page(
    request: Request, template: str, result: stages.StageResult, f: ag.Filters | None = None
) -> HTMLResponse:
    return render(
        request,
        template,
        filters=f or parse_filters(request),
        figures={k: charts.to_json(v) for k, v in result.figures.items()},
        stage=result,
    )


@router.get(PAGES + "/coaching", response_class=HTMLResponse)
def coaching_page(request: Request) -> HTMLResponse:
    """Coaching views: which behaviours (endings, empathy) each employee can improve."""
    f = page_filters(request)
    return _stage_page(request, "stage.html", stages.coaching(request, f), f)


@router.get(PAGES + "/csat", response_class=HTMLResponse)
def csat_page(request: Request) -> HTMLResponse:
    """Predicted CSAT: trend and breakdowns (pod, employee, channel, language, brand)."""
    from empathos.web.csat_page import csat_stage

    f = page_filters(request)
    return _stage_page(request, "stage.html", csat_stage(request, f), f)


@router.get(PAGES + "/experiments", response_class=HTMLResponse)
def experiments_page(request: Request) -> HTMLResponse:
    """Experiments: treatment vs control with the measured lift and its interval."""
    return _stage_page(request, "stage.html", stages.experiments(request, parse_filters(request)))


@router.get(PAGES + "/ooda", response_class=HTMLResponse)
def ooda_page(request: Request) -> HTMLResponse:
    """OODA: observe (KPIs), orient (benchmarks), decide (ranked actions), act."""
    f = page_filters(request)
    return _stage_page(request, "stage.html", stages.ooda(request, f), f)


@router.get(PAGES + "/maturity", response_class=HTMLResponse)
def maturity_page(request: Request) -> HTMLResponse:
    """Maturity stage per pillar with its evidence, the blind spots, and the questionnaire."""
    result = stages.maturity(request)
    return render(
        request,
        "maturity.html",
        filters=parse_filters(request),
        figures={k: charts.to_json(v) for k, v in result.figures.items()},
        stage=result,
        error=request.query_params.get("error"),
    )


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form body (parsed here: no python-multipart dependency needed)."""
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[-1] for k, v in parse_qs(body).items()}


@router.post(PAGES + "/maturity", response_class=HTMLResponse)
async def maturity_submit(request: Request) -> Response:
    """Assess from the submitted answers, then show the result (POST → redirect → GET)."""
    answers = {
        k.removeprefix("q-"): v
        for k, v in (await _form(request)).items()
        if k.startswith("q-") and v
    }
    try:
        await run_in_threadpool(stages.run_maturity, request, answers)
    except (ValueError, LookupError) as exc:
        return RedirectResponse(f"{PAGES}/maturity?error={quote(str(exc))}", status_code=303)
    return RedirectResponse(f"{PAGES}/maturity", status_code=303)


@router.get(PAGES + "/balance", response_class=HTMLResponse)
def balance_page(request: Request) -> HTMLResponse:
    """The empathy balance sheet: CLV/ELV, value at risk, value protected, ROI."""
    return _stage_page(request, "stage.html", stages.balance(request))


@router.get(PAGES + "/pilot", response_class=HTMLResponse)
def pilot_page(request: Request) -> HTMLResponse:
    """Pilot planner: expected lift of a policy on a pod and the sample size to detect it."""
    return _stage_page(request, "stage.html", stages.pilot(request))


@router.post(PAGES + "/pilot", response_class=HTMLResponse)
async def pilot_run(request: Request) -> HTMLResponse:
    """Run the pilot simulation for the submitted pod and policy (takes 1–2 minutes)."""
    values = await _form(request)
    result = await run_in_threadpool(stages.pilot, request, values)
    return _stage_page(request, "stage.html", result)
