"""Adapters from the later stages' library calls (act, learn, assess) to page content.

The dashboard sits on top of every stage, but those stages are built separately; each
adapter asks the stage's library for its figures and, when the stage (or its data) is
not there, returns a :class:`StageResult` that says so plainly — a page never shows a
number the library did not compute.

Why one module of this size: one small handler per page of the later stages (pods,
coaching, experiments, OODA, maturity, balance sheet, pilot), sharing the filters and
the notes about what each page ignores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy import Engine, select

from empathos.store.schema import employees, pods as pods_table
from empathos.web import charts
from empathos.web.aggregates import Filters
from empathos.web.tenancy import store_engine, live_desk


@dataclass
class Table:
    """A table for a page: caption, column headings, rows of display values."""

    caption: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class StageResult:
    """What a stage page shows: KPIs, tables, figures — or why there is nothing yet."""

    title: str
    intro: str
    available: bool = False
    missing: str = ""
    kpis: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    form: dict[str, Any] | None = None
    cards: list[dict[str, Any]] = field(default_factory=list)  # live assist cards


def pending(title: str, intro: str, what: str) -> StageResult:
    """The honest empty state: this stage has no data or feature yet."""
    return StageResult(title=title, intro=intro, available=False, missing=what)


def _g(x: float | None) -> str:
    """A signed lift figure to 3 significant digits (``+nan`` when undefined, as before)."""
    from empathos.learn.lift import fmt_figure

    return fmt_figure(x, "+.3g")


def _fmt(v: Any) -> str:
    """A cell value for a generic table (None shows as a dash, floats to 3 significant)."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if v != v:
            return "—"
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    if isinstance(v, list | tuple):
        return (" / " if v and isinstance(v[0], dict) else ", ").join(_fmt(x) for x in v)
    if isinstance(v, dict) and "speaker" in v and "text" in v:  # a transcript turn
        return f"{v['speaker']}: {v['text']}"
    if isinstance(v, dict):
        return "; ".join(f"{k} {_fmt(x)}" for k, x in v.items())
    return str(v)


def _dict_table(
    caption: str, rows: list[dict[str, Any]], columns: list[str] | None = None
) -> Table:
    """A table of dicts (columns: the given keys, else the first row's keys)."""
    cols = columns or (list(rows[0]) if rows else [])
    return Table(
        caption, [c.replace("_", " ") for c in cols], [[_fmt(r.get(c)) for c in cols] for r in rows]
    )


def _source_note(source: str | None) -> str:
    return f"Data source: {source or 'unknown'}" + (
        " — figures from the simulator, not real customers."
        if source and "simulated" in source
        else "."
    )


# --------------------------------------------------------------------------- act
def act_summary(engine: Engine) -> dict[str, Any] | None:
    """Routing figures of the act stage: decisions logged by the live desk (None: none)."""
    from sqlalchemy import func

    table = _table("routing_decisions")
    if table is None:
        return None
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(table)).scalar_one()
    if not n:
        return None
    return {"kpis": [("Live routing decisions", f"{n:,}")]}


def _table(name: str) -> Any:
    from empathos.store.schema import metadata

    return metadata.tables.get(name)


def pods(engine: Engine) -> list[dict[str, Any]]:
    """The pods in the store with their members' names and functions."""
    with engine.connect() as conn:
        rows = [
            dict(r._mapping) for r in conn.execute(select(pods_table).order_by(pods_table.c.pod_id))
        ]
        staff = {
            r.employee_id: r
            for r in conn.execute(
                select(
                    employees.c.employee_id,
                    employees.c.name,
                    employees.c.function,
                    employees.c.pod_id,
                )
            )
        }
    for p in rows:
        p["members"] = [
            {
                "employee_id": m,
                "name": getattr(staff.get(m), "name", None),
                "function": getattr(staff.get(m), "function", None),
            }
            for m in (p.get("member_ids") or [])
        ]
    return rows


def live(request: Request, limit: int = 12) -> StageResult:
    """Open live contacts (from the live desk's table) and each one's assist card."""
    title, intro = (
        "Live contacts",
        (
            "Contacts in progress and the assist card the lead "
            "employee sees (historical, contextual, predictive)."
        ),
    )
    table = _table("live_contacts")
    if table is None:
        return pending(title, intro, "no live contacts: the live desk has not stored any yet.")
    engine = store_engine(request)
    c = table.c
    with engine.connect() as conn:
        rows = [
            dict(r._mapping)
            for r in conn.execute(
                select(
                    c.contact_id,
                    c.customer_id,
                    c.channel,
                    c.language,
                    c.need,
                    c.mood,
                    c.pod_id,
                    c.lead_id,
                    c.handovers,
                    c.n_turns,
                    c.opened_at,
                    c.to_automation,
                )
                .where(c.status == "open")
                .order_by(c.opened_at.desc())
                .limit(limit)
            )
        ]
    if not rows:
        return pending(
            title,
            intro,
            "no contact is open right now (contacts arrive through "
            "POST /contacts and the WebSocket; this page shows them while open).",
        )
    out = StageResult(title, intro, available=True)
    out.tables.append(_dict_table("Open contacts, newest first", rows))
    desk = live_desk(request)
    if desk is None:
        out.notes.append(
            "Assist cards are kept by the live desk of the process that opened the "
            "contacts; this server has none in memory."
        )
        return out
    for r in rows:
        try:
            card = desk.card(r["contact_id"])
        except Exception as exc:  # noqa: BLE001 - one missing card must not break the page
            out.notes.append(f"{r['contact_id']}: no card ({exc})")
            continue
        parts = []
        for key in ("historical", "contextual", "predictive", "ending", "handoff"):
            part = card.get(key)
            if isinstance(part, dict):
                parts.append(
                    {
                        "title": part.get("title") or key,
                        "lines": [str(x) for x in part.get("lines") or []],
                    }
                )
            elif part:
                parts.append({"title": key, "lines": [_fmt(part)]})
        out.cards.append(
            {
                "contact_id": r["contact_id"],
                "lead_id": r["lead_id"],
                "pod_id": r["pod_id"],
                "parts": parts,
            }
        )
    return out


# --------------------------------------------------------------------------- learn
def _experiment_names(engine: Engine, n: int = 5) -> list[dict[str, Any]]:
    table = _table("experiments")
    if table is None:
        return []
    with engine.connect() as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(
                select(
                    table.c.name,
                    table.c.treatment_policy,
                    table.c.control_policy,
                    table.c.control_share,
                    table.c.started_at,
                    table.c.ended_at,
                    table.c.source,
                )
                .order_by(table.c.started_at.desc())
                .limit(n)
            )
        ]


def learn_summary(engine: Engine) -> dict[str, Any] | None:
    """The measured lifts of the latest experiment (None: no experiment yet)."""
    from empathos.learn.experiments import experiment_report as report_fn

    names = _experiment_names(engine, 1)
    if not names:
        return None
    try:
        rep = report_fn(engine, names[0]["name"])
    except Exception:  # noqa: BLE001 - an unreadable experiment shows as none
        return None
    if rep.is_empty:
        return {
            "kpis": [("Experiment", f"{rep.experiment}: empty — {rep.empty_note}")],
            "source": rep.source,
        }
    kpis = [
        (f"Lift · {x.kpi}", f"{_g(x.diff)} [{_g(x.ci_low)}, {_g(x.ci_high)}]")
        for x in rep.lifts[:3]
    ]
    kpis.insert(
        0, ("Experiment", f"{rep.experiment} ({rep.treatment_policy} vs {rep.control_policy})")
    )
    return {"kpis": kpis, "source": rep.source}


def coaching(request: Request, f: Filters) -> StageResult:
    """Coaching of one pod (the pod filter, else the first pod) with its members."""
    title = "Coaching"
    intro = (
        "Per pod and employee: the behaviours to coach (empathy mechanisms, how contacts "
        "end), from what people do, never what they feel."
    )
    from empathos.learn.coaching import CoachingConfig, coach_pod

    engine = store_engine(request)
    pod_ids = [p["pod_id"] for p in pods(engine)]
    pod = f.pod if f.pod in pod_ids else (pod_ids[0] if pod_ids else None)
    if pod is None:
        return pending(title, intro, "the store has no pods to coach.")
    cfg = CoachingConfig(
        start=f.start, end=f.end, channel=f.channel, language=f.language, company=f.company
    )
    try:
        if request.app.state.settings.web_pre_aggregate and f.start and f.end:
            from empathos.web.coaching_pre import coach_pod_pre  # the per-day summary

            rep = coach_pod_pre(engine, pod, cfg)
        else:
            rep = coach_pod(engine, pod, cfg)
    except Exception as exc:  # noqa: BLE001 - CoachingError and no-data cases
        return pending(title, intro, f"no coaching report for {pod}: {exc}")
    out = StageResult(f"Coaching · {rep.name or pod}", intro, available=True)
    out.kpis = [("Contacts", f"{rep.n_contacts:,}"), ("Employee replies", f"{rep.n_replies:,}")]
    out.kpis += [(k.replace("_", " "), _fmt(v)) for k, v in rep.figures.items()][:6]
    if rep.mechanisms:
        names = list(rep.mechanisms)
        out.figures["empathy_mechanisms"] = charts.bars(
            "Empathy mechanisms: share of replies",
            [n.replace("_", " ") for n in names],
            [rep.mechanisms[n] for n in names],
            "share of replies",
        )
        out.tables.append(
            _dict_table(
                "Empathy mechanisms (share of replies)",
                [{"mechanism": k, "share": v} for k, v in rep.mechanisms.items()],
            )
        )
    if rep.members:
        out.tables.append(_dict_table("Members", rep.members))
    if rep.qa.get("available"):  # the auto-QA scorecard beside the peers' (learn.coaching_qa)
        out.kpis.append(("QA score", _fmt(rep.qa["overall"])))
        out.kpis.append(("QA item to coach first", str(rep.qa["focus_item"] or "—")))
        qa_rows = [{"item": k, **v} for k, v in rep.qa["items"].items()]
        out.tables.append(_dict_table("QA scorecard (pass rates vs peers)", qa_rows))
    if rep.trend:
        out.tables.append(_dict_table("Weekly trend", rep.trend))
    for kind, items in (rep.examples or {}).items():
        if items:
            out.tables.append(_dict_table(f"Examples: {kind}", items))
    window = rep.window or {}
    out.notes = [
        f"Window: {str(window.get('from') or '—')[:10]} – {str(window.get('to') or '—')[:10]}"
        + (" (latest period with data)" if f.period_default else ""),
        rep.note,
        _source_note(rep.source),
        "Pick another pod with the Pod filter above.",
    ]
    return out


def experiments(request: Request, f: Filters) -> StageResult:
    """Treatment vs control of the latest experiments with the lift and its interval."""
    title = "Experiments"
    intro = (
        "Every change is measured against a control group handled the old way: "
        "treatment vs control per KPI, the lift and its confidence interval."
    )
    from empathos.learn.experiments import experiment_report as report_fn
    from empathos.learn.lift import REPORT_KEYS, lift_fields

    engine = store_engine(request)
    names = _experiment_names(engine)
    if not names:
        return pending(
            title,
            intro,
            "no experiment has been started, so no lift has been "
            "measured (start one with the learn stage's controlled policy).",
        )
    out = StageResult(title, intro, available=True)
    out.tables.append(_dict_table("Experiments, newest first", names))
    for k, e in enumerate(names):
        try:
            rep = report_fn(engine, e["name"])
        except Exception as exc:  # noqa: BLE001 - show the others
            out.notes.append(f"{e['name']}: no report ({exc})")
            continue
        if rep.is_empty:  # nothing measured: said as such, never a table of zeros
            out.notes.append(f"{rep.experiment}: empty — {rep.empty_note}.")
            continue
        rows = [lift_fields(x, REPORT_KEYS) for x in rep.lifts]
        out.tables.append(
            _dict_table(
                f"{rep.experiment}: {rep.treatment_policy} (treatment) vs {rep.control_policy} "
                f"(control), {rep.n_treatment:,} vs {rep.n_control:,} contacts — "
                f"source {rep.source}",
                rows,
            )
        )
        if k == 0 and rep.lifts:
            out.figures["treatment_vs_control"] = charts.grouped_bars(
                f"{rep.experiment}: treatment vs control",
                [x.kpi for x in rep.lifts],
                {
                    f"control ({rep.control_policy})": [x.control_mean for x in rep.lifts],
                    f"treatment ({rep.treatment_policy})": [x.treatment_mean for x in rep.lifts],
                },
                "KPI mean",
            )
            out.figures["lift_with_interval"] = charts.lift_bars(
                f"{rep.experiment}: lift (treatment − control) with its interval",
                [x.kpi for x in rep.lifts],
                [x.diff for x in rep.lifts],
                [x.ci_low for x in rep.lifts],
                [x.ci_high for x in rep.lifts],
            )
            out.notes.append(_source_note(rep.source))
    return out


def ooda(request: Request, f: Filters) -> StageResult:
    """Observe (weekly KPIs), orient (benchmarks), decide (ranked actions), act."""
    title = "OODA"
    intro = (
        "Observe (KPIs), orient (benchmarks against competitors and the industry), "
        "decide (actions ranked by expected value), act (a measured experiment)."
    )
    from empathos.learn.ooda import Slice
    from empathos.learn.ooda import ooda_report as report_fn

    sl = Slice(f.start, f.end, f.channel, f.language, f.pod, f.company)
    engine = store_engine(request)
    decided_at = None
    try:
        decided = observed = current = None
        if request.app.state.settings.web_pre_aggregate:  # kept per predict run
            from empathos.web.ooda_decide import page_decide

            decided, decided_at = page_decide(engine)
            if f.start and f.end:  # a chosen period: the per-day summaries
                from empathos.web.ooda_pre import current_kpis_pre, observe_pre

                observed, current = observe_pre(engine, sl), current_kpis_pre(engine, sl)
        rep = report_fn(engine, sl=sl, decided=decided, observed=observed, current=current)
    except Exception as exc:  # noqa: BLE001 - e.g. an empty store
        return pending(title, intro, f"no OODA report: {exc}")
    weekly = (rep.observe or {}).get("weekly") or []
    if not weekly:
        return pending(title, intro, "no contacts to observe yet.")
    out = StageResult(title, intro, available=True)
    kpis = (rep.current or {}).get("kpis") or {}
    out.kpis = [(k.replace("_", " "), _fmt((v or {}).get("value"))) for k, v in kpis.items()][:8]
    weeks = [w["week"] for w in weekly]
    out.figures["observe_weekly_scores"] = charts.lines(
        "Observe: remembered and experienced score per week",
        weeks,
        {
            "remembered": [w.get("remembered_score") for w in weekly],
            "experienced": [w.get("experienced_score") for w in weekly],
        },
        "score",
    )
    out.tables.append(_dict_table("Observe: weekly KPIs", weekly))
    if rep.orient:
        out.tables.append(_dict_table("Orient: our KPIs against the benchmarks", rep.orient))
    else:
        out.notes.append("Orient: no benchmarks imported yet (empathos ooda --benchmarks FILE).")
    if rep.decide:
        out.tables.append(
            _dict_table(
                "Decide: actions ranked by expected value",
                rep.decide,
                [
                    "rank",
                    "name",
                    "description",
                    "policy",
                    "n_customers",
                    "value_at_risk",
                    "expected_value",
                    "ev_low",
                    "ev_high",
                    "note",
                ],
            )
        )
    window = (rep.observe or {}).get("window") or {}
    out.notes.insert(
        0,
        f"Observed: {str(window.get('from') or '—')[:10]} – {str(window.get('to') or '—')[:10]}"
        + (" (latest period with data)" if f.period_default else ""),
    )
    run = (rep.observe or {}).get("prediction_run")
    if run:
        var = run.get("value_at_risk")
        amount = "unknown" if var is None else f"{var:,.0f}"
        out.notes.append(f"Value at risk {amount}: {run['run']}")
    else:
        out.notes.append("Value at risk: no stored predictions (run `empathos predict`).")
    if decided_at is not None:
        out.notes.append(
            f"Decide: ranked at {decided_at:%Y-%m-%d %H:%M} UTC, recomputed after each predict "
            "run, ingest run or new experiment."
        )
    out.notes += [f"Act: {rep.act}", *rep.notes, _source_note(rep.source)]
    return out


# --------------------------------------------------------------------------- assess
def maturity(request: Request) -> StageResult:
    """The latest stored assessment and the questionnaire to run a new one."""
    title = "Maturity assessment"
    intro = (
        "Where the company stands on transactional → interaction → engagement → empathy, "
        "per pillar, combining your answers with what the data shows, and the blind "
        "spots found with what to do next."
    )
    from empathos.assess.assessment import latest_assessment as latest
    from empathos.assess.questionnaire import load_questionnaire as load_q

    out = StageResult(title, intro, available=True)
    out.form = {"questionnaire": load_q().as_dict()}
    result = latest(store_engine(request))
    out.form["latest"] = result
    if result is None:
        out.available = False
        out.missing = "no assessment yet: answer the questionnaire below."
        return out
    out.kpis = [
        ("Overall stage", str(result.get("overall_stage"))),
        ("Overall score (0–3)", _fmt(result.get("overall_score"))),
        ("Weakest pillar", str(result.get("weakest_pillar") or "—")),
        ("Assessed", str(result.get("created_at", ""))[:16].replace("T", " ")),
    ]
    pillars = result.get("pillars") or {}
    out.tables.append(
        _dict_table(
            "Pillars",
            list(pillars.values()),
            ["title", "stage", "score", "answer_score", "data_stage", "gap"],
        )
    )
    if pillars:
        names = [p.get("title") or k for k, p in pillars.items()]
        out.figures["pillar_scores"] = charts.grouped_bars(
            "Pillar scores (0 transactional … 3 empathy)",
            names,
            {
                "from the answers": [p.get("answer_score") for p in pillars.values()],
                "combined": [p.get("score") for p in pillars.values()],
            },
            "score",
        )
    for p in pillars.values():
        if p.get("evidence"):
            out.tables.append(
                _dict_table(
                    f"Evidence · {p.get('title')}",
                    p["evidence"],
                    ["stage", "requirement", "met", "observed"],
                )
            )
    spots = [b for b in result.get("blind_spots") or [] if b.get("detected")]
    out.tables.append(
        _dict_table(
            "Blind spots found and what to do next",
            spots,
            ["title", "severity", "answer_signals", "data_signals", "next_steps"],
        )
    )
    out.notes = list(result.get("notes") or []) + [_source_note(result.get("source"))]
    return out


def run_maturity(request: Request, answers: dict[str, str]) -> None:
    """Assess from the submitted answers (stored, so the page shows it after a redirect)."""
    from empathos.assess.assessment import run_assessment

    run_assessment(store_engine(request), answers, save=True)


def balance(request: Request) -> StageResult:
    """The balance sheet for the cost and coverage in the query string."""
    title = "Empathy balance sheet"
    intro = (
        "CLV and ELV totals, value at risk, value protected by measured actions, the "
        "programme's cost (your input) and the ROI with its uncertainty."
    )
    from empathos.assess.balance_report import rows as rows_fn
    from empathos.assess.balance_sheet import balance_sheet as sheet_fn

    q = request.query_params
    cost = _float(q.get("cost"), 0.0, 0.0, None)
    coverage = _float(q.get("coverage"), 1.0, 1e-6, 1.0)
    form = {
        "label": "Programme cost and coverage",
        "submit": "Recompute",
        "fields": [
            {
                "name": "cost",
                "label": "Programme cost (currency units)",
                "type": "number",
                "value": cost,
                "step": "any",
            },
            {
                "name": "coverage",
                "label": "Coverage (share of the book reached, 0–1)",
                "type": "number",
                "value": coverage,
                "step": "0.05",
            },
        ],
    }
    bs = sheet_fn(store_engine(request), cost=cost, coverage=coverage)
    if not bs.n_customers:
        out = pending(title, intro, "no customer scores: run `empathos predict` first.")
        out.form = form
        return out
    out = StageResult(title, intro, available=True, form=form)
    lines = rows_fn(bs)
    out.tables.append(
        Table("Balance sheet", ["line", "value", "how"], [[r.label, r.value, r.how] for r in lines])
    )
    bars = [r for r in lines if r.amount is not None]
    out.figures["balance_sheet"] = charts.bars(
        "Balance sheet lines",
        [r.label.strip() for r in bars],
        [r.amount for r in bars],
        "currency units",
        horizontal=True,
    )
    export = f"cost={cost:g}&coverage={coverage:g}"
    out.notes = [bs.run or "", *bs.notes] + [
        _source_note(bs.source),
        f"Export: /assess/balance-sheet.html?{export} (self-contained HTML); PDF with "
        f"`empathos balance-sheet --cost {cost:g} --coverage {coverage:g} --pdf balance_sheet.pdf`"
        ".",
    ]
    out.form["export"] = f"/assess/balance-sheet.html?{export}"
    return out


def _float(v: str | None, default: float, lo: float, hi: float | None) -> float:
    try:
        x = float(v) if v not in (None, "") else default
    except ValueError:
        return default
    if x != x or x < lo or (hi is not None and x > hi):
        return default
    return x


def pilot_form(request: Request, values: dict[str, str] | None = None) -> dict[str, Any]:
    """The pilot form: pod, policy, weeks."""
    from empathos.act.routing import available_policies as policies

    values = values or {}
    pod_ids = [p["pod_id"] for p in pods(store_engine(request))] or [
        f"pod-{k}" for k in range(1, 5)
    ]
    names = [p for p in policies() if p != "fifo"]
    return {
        "label": "Pilot",
        "method": "post",
        "submit": "Simulate the pilot",
        "fields": [
            {
                "name": "pod",
                "label": "Pod",
                "options": [(p, p) for p in pod_ids],
                "value": values.get("pod", pod_ids[0]),
            },
            {
                "name": "policy",
                "label": "Policy (against fifo)",
                "options": [(p, p) for p in names],
                "value": values.get("policy", "empathy" if "empathy" in names else names[0]),
            },
            {
                "name": "weeks",
                "label": "Weeks",
                "type": "number",
                "value": values.get("weeks", "6"),
                "step": "1",
            },
            {
                "name": "seeds",
                "label": "Seeds (repeat runs)",
                "type": "number",
                "value": values.get("seeds", "3"),
                "step": "1",
            },
        ],
    }


def pilot(request: Request, values: dict[str, str] | None = None) -> StageResult:
    """The planner's form; with submitted values, the simulated pilot's result."""
    title = "Pilot planner"
    intro = (
        "Pick a pod and a policy: six weeks are simulated on the company's own "
        "parameters (calibrated from the store) against fifo, giving the expected lift "
        "and the sample size needed to detect it. A run takes about 1–2 minutes."
    )
    form = pilot_form(request, values)
    if not values:
        out = pending(
            title,
            intro,
            "no pilot simulated in this session yet: choose a pod and "
            "a policy and press the button.",
        )
        out.form = form
        return out
    from empathos.assess.pilot import run_pilot as run

    try:
        weeks = max(1, min(26, int(values.get("weeks", "6"))))
        seeds = max(1, min(5, int(values.get("seeds", "3"))))
        res = run(
            store_engine(request),
            values["pod"],
            values["policy"],
            weeks=weeks,
            seeds=tuple(range(1, seeds + 1)),
        )
    except (ValueError, KeyError) as exc:
        out = pending(title, intro, f"the pilot could not run: {exc}")
        out.form = form
        return out
    out = StageResult(
        f"Pilot: {res.policy} vs {res.baseline} in {res.pod}", intro, available=True, form=form
    )
    rows = [k.as_dict() for k in res.kpis]
    for r in rows:
        r.pop("per_seed", None)
    out.tables.append(_dict_table("Expected lift per KPI (simulated)", rows))
    if res.kpis:
        out.figures["pilot_lift"] = charts.lift_bars(
            "Expected lift (treatment − control) with its interval",
            [k.kpi for k in res.kpis],
            [k.lift for k in res.kpis],
            [k.ci_low for k in res.kpis],
            [k.ci_high for k in res.kpis],
        )
    out.kpis = [
        ("Weeks", str(res.weeks)),
        ("Seeds", str(len(res.seeds))),
        ("Pod contacts / week", _fmt(res.pod_contacts_per_week)),
        ("Run time", f"{res.seconds:.0f} s"),
    ]
    out.notes = list(res.notes) + [_source_note(res.source)]
    return out
