"""``empathos demo`` (``make demo``): the whole flywheel, as far as it is built, on a laptop
in minutes.

It imports the hand-written multilingual sample conversations (labelled as such), simulates
a mid-size company (labelled ``simulated``), annotates every turn with the default
understand models, fits CLV and churn risk, routes one live contact through the empathy
pods with its assist card, coaches a pod's endings, runs the OODA loop and the maturity
assessment with the balance sheet, and prints a short report. Every figure printed says
whether it comes from simulated or sample data. It ends by serving the dashboard on that
store (``--no-serve`` or ``EMPATHOS_DEMO_SERVE=0`` stops after the report).

This module is the library (``run_demo``); ``empathos.cli.demo`` is its command, and
``python -m empathos.demo`` runs that same command (so ``--help`` prints its help).
"""

from __future__ import annotations

import shutil
import time
from importlib import resources
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, func, select

from empathos.store import init_db, make_engine, schema

OUT = Path("demo-output")
# The demo preset is a 5,000-customer company; the default emotion and empathy models
# annotate ~250-500 turns/s on 2 cores, so the demo takes a month of a smaller book of
# customers to stay within three minutes. `empathos simulate --preset demo` runs it whole.
DEMO_SIZE = {"customers": 1500, "days": 30}
console = Console()


def samples_dir() -> Path:
    return Path(str(resources.files("empathos.listen") / "samples"))


def step(title: str) -> None:
    console.rule(f"[bold]{title}")


def listen(engine: Engine, sim_dir: Path, seed: int, display: Any = None) -> None:
    from empathos.listen import ingest_dir
    from empathos.simulate import preset, run_simulation
    from empathos.simulate.store import store_simulation

    step("1 listen: sample conversations (hand-written, 6 languages; source = sample)")
    for r in ingest_dir(samples_dir(), engine, rejects_path=None):
        console.print(
            f"  {Path(r.path).name}: {r.records_accepted} records, {r.records_rejected} rejected"
        )
    step("1 listen: simulating a company (source = simulated)")
    report = run_simulation(
        preset("demo", seed=seed, **DEMO_SIZE), sim_dir, progress=True, display=display
    )
    console.print(report.summary())
    for r in store_simulation(sim_dir, engine, display=display):
        console.print(f"  {Path(r.path).name}: {r.records_accepted:,} records in {r.seconds:.1f}s")


def understand(engine: Engine, display: Any = None) -> None:
    from empathos.config import get_settings
    from empathos.understand.pipeline import analyze
    from empathos.understand.protocols import UnknownModelError

    step("2 understand: emotion, empathy, effort, peak-end")
    settings = get_settings()
    try:
        report = analyze(engine, settings.emotion_model, settings.empathy_model, display=display)
    except UnknownModelError as exc:
        console.print(f"  [yellow]{exc}; using the lexicon baseline[/]")
        report = analyze(engine, "lexicon", "lexicon", display=display)
    console.print(
        f"  {report.turns_emotion:,} customer turns and {report.turns_empathy:,} employee turns "
        "annotated "
        f"({report.turns_per_second:,.0f} turns/s), {report.interactions_scored:,} interactions "
        "scored"
    )
    _remembered_table(engine, report.emotion_model, report.emotion_version)


def _remembered_table(engine: Engine, model: str, version: str) -> None:
    s, i = schema.interaction_scores, schema.interactions
    query = (
        select(
            i.c.source,
            s.c.outcome,
            func.count(),
            func.avg(s.c.experienced),
            func.avg(s.c.remembered),
            func.avg(s.c.effort_score),
        )
        .join_from(s, i, s.c.interaction_id == i.c.interaction_id)
        .where(s.c.model == model, s.c.version == version)
        .group_by(i.c.source, s.c.outcome)
        .order_by(i.c.source, s.c.outcome)
    )
    table = Table(title="experienced (mean) vs remembered (peak-end) valence, by emotional outcome")
    for col in ("data", "outcome", "contacts", "experienced", "remembered", "effort"):
        table.add_column(col, justify="left" if col in ("data", "outcome") else "right")
    with engine.connect() as conn:
        for source, outcome, n, exp, rem, eff in conn.execute(query):
            table.add_row(
                source,
                str(outcome),
                f"{n:,}",
                _fmt(exp),
                _fmt(rem),
                _fmt(eff),
            )
    console.print(table)


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:+.2f}"


def predict(engine: Engine) -> None:
    import pandas as pd

    from empathos.predict.clv import fit_clv, rfm_summary, score_customers

    step("3 predict: customer lifetime value (BG/NBD + Gamma-Gamma) on simulated purchases")
    t = schema.transactions
    with engine.connect() as conn:
        frame = pd.DataFrame(
            conn.execute(select(t.c.customer_id, t.c.ts, t.c.amount)).all(),
            columns=["customer_id", "ts", "amount"],
        )
    if frame.empty:
        console.print("  no transactions")
        return
    summary = rfm_summary(frame, frame["ts"].max())
    fitted = fit_clv(summary)
    scores = score_customers(fitted, summary)
    console.print(
        f"  {len(scores):,} customers (simulated): total 1-year CLV {scores['clv'].sum():,.0f}, "
        f"median {scores['clv'].median():,.1f}, mean P(alive) {scores['p_alive'].mean():.2f}"
    )
    console.print(f"  fitted BG/NBD: {fitted.bgnbd}")
    console.print(
        f"  [yellow]caveat:[/] {DEMO_SIZE['days']} days of purchases are too short a window to "
        "identify "
        "dropout (a, b); CLV validated on real data (CDNOW): python bench/predict_quality.py"
    )


def risk(engine: Engine) -> None:
    """Churn risk, value at risk and the avoidable list from the predict pipeline."""
    from empathos.predict.pipeline import predict as run_predict

    step("3 predict: churn risk, value at risk, employees (simulated customers)")
    # The default as-of is the latest contact: the end of the simulated month, as the
    # hand-written samples are dated inside it (listen/samples/README.md).
    report = run_predict(engine, progress=False, effects_boot=100)
    sources = ", ".join(f"{n:,} {src}" for src, n in sorted(report.sources.items()))
    console.print(
        f"  {report.customers_scored:,} customers scored ({sources}) with {report.churn_model}, "
        "trained on "
        f"{report.n_train:,} customer-snapshots ({report.n_train_positive} churned within "
        f"{report.window_days:.0f} days)"
    )
    from empathos.predict.basis import basis_of, known, worst

    clv_basis = basis_of(report.clv_bases)
    share = (
        f" ({report.total_value_at_risk / report.total_clv:.1%})"
        if report.total_clv and report.total_value_at_risk is not None
        else ""
    )
    console.print(
        f"  mean P(churn in {report.window_days:.0f} days) "
        f"{known(report.mean_p_churn, '.3f', report.churn_basis)}; value at risk "
        f"{known(report.total_value_at_risk, ',.0f', worst(report.churn_basis, clv_basis))} of a "
        f"total CLV of {known(report.total_clv, ',.0f', clv_basis)}{share}; "
        f"{report.employees_scored} employees scored (attrition index, ELV)"
    )
    if report.clv_estimated:
        n = report.clv_bases.get("fallback", 0)
        console.print(
            f"  of the CLV, {report.clv_estimated:,.0f} is estimated: {n:,} customers with no "
            "purchase yet carry the new-customer fallback"
        )
    table = Table(
        title="top 5 avoidable churn: value at risk whose drivers an action can change (simulated)"
    )
    for col in ("customer", "value at risk", "actionable drivers"):
        table.add_column(col, justify="right" if col == "value at risk" else "left")
    for a in report.avoidable[:5]:
        table.add_row(a["customer_id"], f"{a['value_at_risk']:,.0f}", ", ".join(a["actionable"]))
    console.print(table)
    for note in report.notes:
        console.print(f"  [yellow]note:[/] {note}")


def act(engine: Engine) -> None:
    """One live contact: triage, pod, lead with every member's score, and the assist card."""
    from empathos.act.live import LiveDesk

    step("4 act: a live contact routed through the empathy pods (simulated customer)")
    p = schema.customer_scores.c
    with engine.connect() as conn:
        customer = conn.execute(
            select(p.customer_id).order_by(p.value_at_risk.desc().nulls_last()).limit(1)
        ).scalar()
    desk = LiveDesk(engine)
    try:
        text = (
            "This is the third time I write about the wrong invoice. I am really angry, fix it now."
        )
        decision = desk.open_contact(customer, "chat", text, language="en")
        console.print(f"  customer {customer} (highest value at risk) writes: [italic]{text}[/]")
        console.print(f"  decision: {_decision_line(decision)}")
        card = desk.card(decision["contact_id"], lang="en")
        for section in ("historical", "contextual", "predictive", "ending_well"):
            if section in card:
                console.print(f"  card/{section}: {_short(card[section])}")
    finally:
        desk.close()


def _decision_line(decision: dict) -> str:
    emo = decision.get("emotion") or {}
    who = (
        "automation"
        if decision.get("to_automation")
        else f"pod {decision.get('pod_id')}, lead {decision.get('employee_id')}"
    )
    line = (
        f"{who}; need {decision.get('need')}, emotion {emo.get('label')} "
        f"(valence {emo.get('valence', 0):+.2f}); rule {decision.get('rule')}: "
        f"{decision.get('reason')}"
    )
    if decision.get("fell_back"):
        line += f" [fell back: {decision.get('fallback_reason')}]"
    return line


def _short(value: object, width: int = 150) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def learn(engine: Engine) -> None:
    """How one pod's contacts end, and the OODA loop's ranked actions."""
    from empathos.learn.coaching import CoachingConfig, coach_pod
    from empathos.learn.ooda import ooda_report

    step("5 learn: coaching on endings and the OODA loop (simulated)")
    e, i = schema.employees.c, schema.interactions.c
    with engine.connect() as conn:  # the pod that handled the most contacts
        pod = conn.execute(
            select(e.pod_id)
            .join_from(schema.interactions, schema.employees, i.employee_id == e.employee_id)
            .where(e.pod_id.is_not(None))
            .group_by(e.pod_id)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar()
    if pod:
        # Coaching's default window (the 12 weeks before the newest contact) holds the
        # simulated month and the samples, which are dated inside it.
        rep = coach_pod(engine, pod, CoachingConfig())
        fig = {k: v for k, v in rep.figures.items() if isinstance(v, float)}
        shown = ", ".join(f"{k} {v:.2f}" for k, v in list(fig.items())[:6])
        console.print(f"  pod {pod}: {rep.n_contacts:,} contacts ({rep.source}); {shown}")
    report = ooda_report(engine)
    for a in report.decide[:3]:
        ev = (
            "unmeasured"
            if a["expected_value"] is None
            else f"expected value {a['expected_value']:,.0f}"
        )
        console.print(
            f"  action {a['rank']}: {a['name']} ({a['n_customers']:,} customers, {ev}) {a['note']}"
        )


def assess(engine: Engine) -> None:
    """Maturity from what the data shows, blind spots, and the balance sheet report."""
    from empathos.assess.assessment import run_assessment
    from empathos.assess.balance_report import known as known_line
    from empathos.assess.balance_report import render_html
    from empathos.assess.balance_sheet import balance_sheet

    step("6 assess: maturity from the data, blind spots, empathy balance sheet (simulated)")
    result = run_assessment(engine, {}, save=True)
    d = result.as_dict()
    pillars = ", ".join(f"{k} {v['stage']}" for k, v in d["pillars"].items())
    console.print(f"  overall {d['overall_stage']} (data only, no answers): {pillars}")
    spots = [b.title for b in result.blind_spots if b.detected]
    console.print(f"  blind spots: {', '.join(spots) or 'none detected'}")
    bs = balance_sheet(engine, cost=250_000)
    html = OUT / "balance_sheet.html"
    html.write_text(render_html(bs), encoding="utf-8")
    console.print(
        f"  CLV {known_line(bs, 'clv_total')}, ELV {known_line(bs, 'elv_total')}, value at risk "
        f"{known_line(bs, 'value_at_risk')}; report {html}"
    )


def serve(url: str, port: int = 8000) -> None:
    """Refresh the dashboard's summary and serve it on 127.0.0.1:``port`` until Ctrl-C.

    With auth off: the demo's store holds only simulated data and listens on loopback
    only, so a login would add a step and protect nothing (docs/security.md)."""
    import uvicorn

    from empathos.api import create_app
    from empathos.config import Settings
    from empathos.web.aggregates import refresh_aggregates

    engine = make_engine(url)
    refresh_aggregates(engine)
    console.print(
        f"\n[bold]Dashboard: http://127.0.0.1:{port}/[/]  "
        "(API docs: /docs; auth off, loopback only; Ctrl-C stops)"
    )
    uvicorn.run(
        create_app(Settings(database_url=url, auth="off"), engine=engine),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )


def run_demo(
    seed: int = 7, serve_dashboard: bool = True, port: int = 8000, display: Any = None
) -> None:
    """Run every step on a fresh store in ``demo-output/`` (replaced each run), print the
    report, then serve the dashboard on ``port`` unless ``serve_dashboard`` is false.
    ``display`` (the CLI's progress display, or None for the steps' own Rich bars) shows
    the long steps: simulating, storing and analysing."""
    started = time.perf_counter()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    url = f"sqlite:///{OUT / 'empathos-demo.db'}"
    engine = make_engine(url)
    init_db(engine)
    listen(engine, OUT / "simulated", seed, display)
    understand(engine, display)
    predict(engine)
    risk(engine)
    act(engine)
    learn(engine)
    assess(engine)
    step("store")
    from empathos.listen.stats import store_stats

    stats = store_stats(engine)
    console.print(f"  rows: {stats.tables}")
    console.print(f"  interactions by language: {stats.by_language}")
    console.print(f"  interactions by channel: {stats.by_channel}")
    console.print(
        f"\nDone in {time.perf_counter() - started:.0f}s. The store is {url}; try "
        f"[bold]empathos stats --db {url}[/]"
    )
    if serve_dashboard:
        serve(url, port)
