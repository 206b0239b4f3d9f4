"""`empathos` commands for topics and drivers (thin wrappers over library calls):
``topics`` (fit topics on the store's contacts when there are none, then assign the new
contacts) and ``drivers`` (per topic: volume, predicted CSAT, remembered score, churn and
value at risk; the drivers that lower the outcome most, with bootstrap CIs)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, console, fail, open_store


@app.command()
def topics(
    refit: Annotated[
        bool, typer.Option("--refit", help="Fit a new topic model even if one exists.")
    ] = False,
    k: Annotated[
        int | None, typer.Option("--k", help="Number of topics (default: chosen by silhouette).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the sample and of k-means.")] = 0,
    sample: Annotated[
        int, typer.Option(help="Contacts the topics are fitted on, at most.")
    ] = 20_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Find what customers write about: embed each contact's opening (its first customer
    turns) with the multilingual encoder, cluster (k-means, fixed seed: the same store
    gives the same topics), name each topic by its top terms; then assign every contact
    without a topic. Incremental: later runs only assign new contacts. See docs/drivers.md."""
    from empathos.understand.pipeline.topics import run_topics
    from empathos.understand.topics import TopicConfig

    engine = open_store(db)
    try:
        report = run_topics(engine, refit=refit, config=TopicConfig(k=k, seed=seed, sample=sample))
    except (ValueError, LookupError) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    what = (
        f"fitted {report.k} topics on {report.n_fitted:,} contacts"
        if report.fitted
        else (f"topic model of {report.k} topics")
    )
    console.print(
        f"{report.model_version}: {what}; {report.assigned:,} contacts assigned, "
        f"{report.without_words:,} without customer words (no topic) in {report.seconds:.1f}s",
        soft_wrap=True,
    )


def _num(v: float | None, spec: str) -> str:
    return "unknown" if v is None else format(v, spec)


@app.command()
def drivers(
    top: Annotated[int, typer.Option("--top", help="How many drivers to list.")] = 10,
    n_boot: Annotated[int, typer.Option("--boot", help="Bootstrap resamples for the CIs.")] = 1000,
    start: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD).")] = None,
    channel: Annotated[str | None, typer.Option(help="Only this channel.")] = None,
    language: Annotated[str | None, typer.Option(help="Only customers of this language.")] = None,
    pod: Annotated[str | None, typer.Option(help="Only contacts handled in this pod.")] = None,
    company: Annotated[str | None, typer.Option(help="Only this brand.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Why customers feel what they feel: per topic its volume, predicted CSAT, remembered
    score, churn and value at risk, then the drivers (topics and effort signals) that lower
    the outcome most, with 95% bootstrap CIs. Unknown figures say why. Run `empathos
    topics` first."""
    from datetime import date

    from rich.table import Table

    from empathos.predict.drivers import drivers_report, report_notes

    try:
        s = date.fromisoformat(start) if start else None
        e = date.fromisoformat(end) if end else None
    except ValueError as exc:
        fail(f"bad date: {exc}")
    report = drivers_report(
        open_store(db),
        n_boot=n_boot,
        start=s,
        end=e,
        channel=channel,
        language=language,
        pod=pod,
        company=company,
    )
    if as_json:
        d = report.as_dict()
        d["notes"] = report_notes(report) if report.available else []
        typer.echo(json.dumps(d, indent=2, default=str))
        return
    if not report.available:
        fail(report.reason)
    t = Table(title=f"topics ({report.topic_model})")
    for col in (
        "#",
        "topic",
        "contacts",
        "share",
        "pred. CSAT",
        "remembered",
        "churn",
        "value at risk",
        "languages",
    ):
        t.add_column(col, justify="left" if col in ("topic", "languages") else "right")
    for r in report.topics:
        t.add_row(
            str(r.topic_id),
            r.label,
            f"{r.volume:,}",
            f"{r.share:.1%}",
            _num(r.predicted_csat, ".2f"),
            _num(r.remembered, "+.3f"),
            _num(r.churn, ".3f"),
            _num(r.value_at_risk, ",.0f"),
            ", ".join(f"{k} {v}" for k, v in list(r.languages.items())[:4]),
        )
    console.print(t)
    d = Table(title=f"drivers that lower the {report.outcome} most (impact = share × gap, 95% CI)")
    for col in ("rank", "driver", "contacts", "gap", "gap 95% CI", "impact", "impact 95% CI"):
        d.add_column(col, justify="left" if col == "driver" else "right")
    for k, r in enumerate(report.drivers[:top], 1):
        d.add_row(
            str(k),
            r.name + (" *" if r.clearly_lowers else ""),
            f"{r.n:,}",
            _num(r.gap, "+.3f"),
            "unknown" if r.gap_ci is None else f"{r.gap_ci[0]:+.3f}..{r.gap_ci[1]:+.3f}",
            _num(r.impact, "+.4f"),
            "unknown" if r.impact_ci is None else f"{r.impact_ci[0]:+.4f}..{r.impact_ci[1]:+.4f}",
        )
    console.print(d)
    console.print("* the whole CI of the impact lies below 0")
    for note in report_notes(report):
        console.print(f"[yellow]note:[/] {note}", soft_wrap=True)
