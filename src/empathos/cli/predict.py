"""`empathos` commands of the predict stage (thin wrappers over library calls):
``predict`` (score customers and employees) and ``customers`` (the top value at risk)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, console, fail, open_store, progress, refresh_dashboard


@app.command("predict")
def predict_cmd(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Score as of this date/time (default: the latest contact or purchase)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Score every customer (churn risk, CLV, value at risk, drivers) and employee
    (attrition risk, ELV) as of a date and store the scores with their model versions;
    print a summary, the data sources and the remembered-score effect table (effect sizes
    with confidence intervals). See docs/predict.md."""
    from datetime import datetime

    from empathos.predict.pipeline import predict

    when = datetime.fromisoformat(as_of) if as_of else None
    engine = open_store(db)
    # Its steps are logged as they start (predict's own lines); Ctrl-C says what was kept.
    with progress("this run's scores are stored only at its end; re-run predict"):
        try:
            report = predict(engine, as_of=when, progress=not as_json)
        except ValueError as exc:
            fail(str(exc))
    with progress():
        refresh_dashboard(engine)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2, default=str))
        return
    console.print(
        f"as of {report.as_of:%Y-%m-%d %H:%M}: {report.customers_scored:,} customers and "
        f"{report.employees_scored:,} employees scored with {report.churn_model} ({report.version}; "
        f"trained on {report.n_train:,} snapshots, {report.n_train_positive:,} churners) in {report.seconds:.1f}s; "
        f"mean P(churn) {report.mean_p_churn:.3f}, total CLV {report.total_clv:,.0f}, "
        f"value at risk {report.total_value_at_risk:,.0f}; {len(report.avoidable)} avoidable in the top list"
    )
    sources = ", ".join(f"{n:,} {src}" for src, n in sorted(report.sources.items()))
    console.print(f"data: {sources} customers (simulated = from `empathos simulate`, not real)")
    if report.effects:
        from rich.table import Table

        table = Table(
            title="remembered score vs what followed (30 days after a contact): effect of +1 SD, "
            "95% bootstrap CI over customers; an association, not a cause"
        )
        for col in ("outcome", "contacts", "customers", "mean", "per +1 SD", "95% CI", "r"):
            table.add_column(col, justify="left" if col == "outcome" else "right")
        for e in report.effects:
            table.add_row(
                e["outcome"],
                f"{e['n_contacts']:,}",
                f"{e['n_customers']:,}",
                f"{e['mean_outcome']:.3f}",
                f"{e['slope_per_sd']:+.3f}",
                f"{e['slope_ci'][0]:+.3f}..{e['slope_ci'][1]:+.3f}",
                f"{e['r']:+.2f}",
            )
        console.print(table)
    for note in report.notes:
        console.print(f"[yellow]note:[/] {note}", soft_wrap=True)


@app.command()
def customers(
    top_risk: Annotated[
        int, typer.Option("--top-risk", help="How many customers to list, ranked by value at risk.")
    ] = 20,
    avoidable: Annotated[
        bool,
        typer.Option("--avoidable", help="Only customers whose top drivers an action can change."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    db: DbOption = None,
) -> None:
    """The customers with the highest value at risk (P(churn) x CLV) from the latest
    `empathos predict` run, with their top churn drivers."""
    from empathos.predict.pipeline import top_risk as ranked

    rows = ranked(open_store(db), top_risk, avoidable_only=avoidable)
    if not rows:
        fail("no stored scores: run `empathos predict` first")
    if as_json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    from rich.table import Table

    table = Table(
        title=f"top {len(rows)} by value at risk, as of {rows[0]['as_of']:%Y-%m-%d} ({rows[0]['model']})"
    )
    for col in (
        "#",
        "customer",
        "P(churn)",
        "CLV",
        "value at risk",
        "avoidable",
        "top drivers (+ raises risk)",
    ):
        table.add_column(
            col, justify="right" if col in ("#", "P(churn)", "CLV", "value at risk") else "left"
        )
    for k, r in enumerate(rows, 1):
        d = r["drivers"] or {}
        drivers = ", ".join(f"{name} {value:+.2f}" for name, value in d.get("top", [])[:3])
        money = lambda v: "-" if v is None else f"{v:,.0f}"
        table.add_row(
            str(k),
            r["customer_id"],
            f"{r['p_churn']:.3f}",
            money(r["clv"]),
            money(r["value_at_risk"]),
            "yes" if d.get("avoidable") else "",
            drivers,
        )
    console.print(table)
