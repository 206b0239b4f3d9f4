"""`empathos` commands of the predict stage (thin wrappers over library calls):
``predict`` (score customers and employees) and ``customers`` (the top value at risk)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import (
    DbOption,
    EngineOption,
    RayAddressOption,
    WorkersOption,
    console,
    engine_mapper,
    fail,
    open_store,
    progress,
    refresh_dashboard,
)


@app.command("predict")
def predict_cmd(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Score as of this date/time (default: the latest contact or purchase)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    engine_name: EngineOption = "local",
    ray_address: RayAddressOption = "auto",
    workers: WorkersOption = None,
    db: DbOption = None,
) -> None:
    """Score every customer (churn risk, CLV, value at risk, drivers) and employee
    (attrition risk, ELV) as of a date and store the scores with their model versions;
    print a summary, the data sources and the remembered-score effect table (effect sizes
    with confidence intervals). The per-customer scoring runs partition by partition on the
    chosen engine (docs/scale.md). See docs/predict.md."""
    from datetime import datetime

    from empathos.predict.basis import basis_of, known, worst
    from empathos.predict.pipeline import predict

    when = datetime.fromisoformat(as_of) if as_of else None
    engine = open_store(db)
    mapper = engine_mapper(engine_name, ray_address, workers)
    try:
        # Its steps are logged as they start (predict's own lines); Ctrl-C says what was kept.
        with progress("this run's scores are stored only at its end; re-run predict"):
            try:
                report = predict(engine, as_of=when, progress=not as_json, mapper=mapper)
            except ValueError as exc:
                fail(str(exc))
        with progress():
            refresh_dashboard(engine, engine_name, mapper)
    finally:
        if mapper is not None:
            mapper.close()
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2, default=str))
        return
    console.print(report.run_label(), soft_wrap=True)
    console.print(
        f"{report.customers_scored:,} customers and {report.employees_scored:,} employees "
        f"scored in {report.seconds:.1f}s; churn model trained on {report.n_train:,} snapshots "
        f"({report.n_train_positive:,} churners)",
        soft_wrap=True,
    )
    clv_basis = basis_of(report.clv_bases)
    var_basis = worst(report.churn_basis, clv_basis)
    console.print(
        f"mean P(churn) {known(report.mean_p_churn, '.3f', report.churn_basis)}, "
        f"total CLV {known(report.total_clv, ',.0f', clv_basis)}, "
        f"value at risk {known(report.total_value_at_risk, ',.0f', var_basis)}; "
        f"{len(report.avoidable)} avoidable in the top list",
        soft_wrap=True,
    )
    if report.clv_estimated and report.total_clv:
        n = report.clv_bases.get("fallback", 0)
        console.print(
            f"  of the total CLV, {report.clv_estimated:,.0f} "
            f"({report.clv_estimated / report.total_clv:.0%}) is estimated: {n:,} of "
            f"{report.customers_scored:,} customers have no purchase yet and carry the "
            "new-customer fallback",
            soft_wrap=True,
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
    for outcome, why in report.effect_gaps.items():
        console.print(f"effect on {outcome}: unknown ({why})", soft_wrap=True)
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
    """The customers with the highest value at risk (P(churn) x CLV) from the current
    `empathos predict` run (the latest computed; named above the table), with their top
    churn drivers; estimated values are marked *, unknown ones ?."""
    from empathos.predict.basis import worst
    from empathos.predict.pipeline import top_risk as ranked

    rows = ranked(open_store(db), top_risk, avoidable_only=avoidable)
    if not rows:
        fail("no stored scores: run `empathos predict` first")
    if as_json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    from rich.table import Table

    table = Table(title=f"top {len(rows)} by value at risk: {rows[0]['run']}")
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
        cb, pb = r["clv_basis"] or "fitted", r["churn_basis"] or "fitted"
        table.add_row(
            str(k),
            r["customer_id"],
            _cell(r["p_churn"], ".3f", pb),
            _cell(r["clv"], ",.0f", cb),
            _cell(r["value_at_risk"], ",.0f", worst(pb, cb)),
            "yes" if d.get("avoidable") else "",
            drivers,
        )
    console.print(table)
    notes = sorted({n for r in rows if r["basis_note"] for n in r["basis_note"].split("; ")})
    if any(worst(r["churn_basis"] or "", r["clv_basis"] or "") != "fitted" for r in rows):
        console.print("* estimated (a prior or fallback, not a fitted value); ? unknown")
    for note in notes:
        console.print(f"[yellow]note:[/] {note}", soft_wrap=True)


def _cell(value: float | None, spec: str, basis: str) -> str:
    """A table cell: ``?`` unknown, ``*`` after an estimated value."""
    if value is None or basis == "unknown":
        return "?"
    return format(value, spec) + ("" if basis == "fitted" else "*")
