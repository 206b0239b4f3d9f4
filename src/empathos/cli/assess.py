"""`empathos` commands of the assess stage (thin wrappers over library calls):
``assess`` (maturity + blind spots), ``balance-sheet`` and ``pilot``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, console, err_console, fail, open_store, progress


@app.command("assess")
def assess_cmd(
    answers: Annotated[
        Path | None, typer.Option("--answers", help="YAML/JSON file: question id -> option id.")
    ] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", help="Ask the questions one by one.")
    ] = False,
    save: Annotated[
        bool, typer.Option(help="Store the assessment (GET /assess/latest shows it).")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Maturity assessment: place the company on transactional -> interaction ->
    engagement -> empathy per pillar from your answers and what the store shows, and
    list the blind spots found with what to do next. See docs/assess.md."""
    from empathos.assess.assessment import run_assessment
    from empathos.assess.questionnaire import AnswerError, load_answers, load_questionnaire

    q = load_questionnaire()
    given: dict[str, str] = {}
    try:
        if answers is not None:
            if not answers.exists():
                fail(f"{answers}: no such file")
            given = load_answers(answers)
        if interactive:
            given = {
                **given,
                **_ask(q, given, err_console),
            }  # prompts on stderr: stdout stays data
        result = run_assessment(open_store(db), given, q, save=save)
    except AnswerError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, default=str))
        return
    _print_assessment(result.as_dict(), console)


@app.command("balance-sheet")
def balance_sheet_cmd(
    cost: Annotated[
        float,
        typer.Option(
            "--cost", help="Cost of the empathy programme (same currency as transactions)."
        ),
    ] = 0.0,
    coverage: Annotated[
        float,
        typer.Option(help="Share of the customer book the measured action reaches (0-1]."),
    ] = 1.0,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the self-contained HTML report here.")
    ] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the PDF report here.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the balance sheet as JSON.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Empathy balance sheet: CLV and ELV totals, value at risk, value protected by
    measured actions, programme cost and ROI with its 95% interval; optionally as a
    self-contained HTML report and a PDF. See docs/assess.md."""
    from empathos.assess.balance_report import render_html, render_pdf, rows, source_text
    from empathos.assess.balance_sheet import balance_sheet

    try:
        bs = balance_sheet(open_store(db), cost=cost, coverage=coverage)
    except ValueError as exc:
        fail(str(exc))
    if html:
        html.write_text(render_html(bs), encoding="utf-8")
    if pdf:
        pdf.write_bytes(render_pdf(bs))
    if as_json:
        typer.echo(json.dumps(bs.as_dict(), indent=2, default=str))
    else:
        from rich.table import Table

        table = Table(title=f"empathy balance sheet - data source: {source_text(bs)}")
        for col in ("line", "value", "how"):
            table.add_column(col, justify="right" if col == "value" else "left")
        for r in rows(bs):
            table.add_row(r.label, r.value, r.how)
        console.print(table)
        if bs.run:
            console.print(bs.run, soft_wrap=True)
        for note in bs.notes:
            console.print(f"[yellow]note:[/] {note}", soft_wrap=True)
    if not as_json:
        for path in (p for p in (html, pdf) if p):
            console.print(f"wrote {path}", soft_wrap=True)


@app.command("pilot")
def pilot_cmd(
    pod: Annotated[str, typer.Option("--pod", help="The pod to pilot in (a pod id of the store).")],
    policy: Annotated[
        str,
        typer.Option("--policy", help="Registered routing policy to try, e.g. empathy or bandit."),
    ] = "empathy",
    weeks: Annotated[int, typer.Option(help="Weeks to simulate.")] = 6,
    seeds: Annotated[
        int,
        typer.Option(help="Simulated replications (each runs policy and fifo on the same seed)."),
    ] = 3,
    max_customers: Annotated[
        int, typer.Option(help="Scale the book down to this many customers for speed.")
    ] = 3000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Pilot planner: simulate the policy in one pod against fifo for N weeks on the
    company's own parameters; print the expected lift with its 95% CI and the sample
    size (and weeks) a real pilot needs to detect it. See docs/assess.md."""
    from empathos.assess.pilot import run_pilot

    engine = open_store(db)
    with progress("nothing is stored by a pilot; re-run to plan again") as display:
        try:
            result = run_pilot(
                engine,
                pod,
                policy,
                weeks=weeks,
                seeds=tuple(range(1, seeds + 1)),
                max_customers=max_customers,
                display=display,
            )
        except ValueError as exc:
            fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, default=str))
        return
    _print_pilot(result, console)


def _ask(q, given: dict[str, str], console) -> dict[str, str]:  # noqa: ANN001
    """Rich prompts for every question not answered yet (option number or id)."""
    from rich.prompt import Prompt

    out: dict[str, str] = {}
    for question in q.questions:
        if question.id in given:
            continue
        console.print(f"\n[bold]{q.pillars[question.pillar]}[/]: {question.text}")
        for k, o in enumerate(question.options, 1):
            console.print(f"  {k}. {o.label}")
        choices = (
            [str(k) for k in range(1, len(question.options) + 1)]
            + [o.id for o in question.options]
            + ["skip"]
        )
        pick = Prompt.ask(
            "answer", choices=choices, show_choices=False, default="skip", console=console
        )
        if pick == "skip":
            continue
        out[question.id] = question.options[int(pick) - 1].id if pick.isdigit() else pick
    return out


def _print_assessment(d: dict, console) -> None:  # noqa: ANN001
    from rich.table import Table

    score = d["overall_score"]
    console.print(
        f"[bold]overall: {d['overall_stage']}[/] (score {score:.2f} of 3)"
        if score is not None
        else f"[bold]overall: {d['overall_stage']}[/]"
    )
    console.print(f"data source of the evidence: {d['source']}")
    table = Table(
        title="maturity per pillar (0 transactional, 1 interaction, 2 engagement, 3 empathy)"
    )
    for col in ("pillar", "stage", "score", "answers", "data", "evidence (met / not met)"):
        table.add_column(col)
    for p in d["pillars"].values():
        ev = "\n".join(
            f"{'[green]yes[/]' if e['met'] else '[red]no[/]'} {e['stage']}: {e['observed']}"
            for e in p["evidence"]
        )

        def fmt(v: float | None) -> str:
            return "-" if v is None else f"{v:.2f}"

        table.add_row(
            p["title"],
            p["stage"],
            fmt(p["score"]),
            fmt(p["answer_score"]),
            p["data_stage"] or "-",
            ev,
        )
    console.print(table)
    for p in d["pillars"].values():
        if p["gap"]:
            console.print(f"[yellow]gap:[/] {p['gap']}", soft_wrap=True)
    found = [b for b in d["blind_spots"] if b["detected"]]
    console.print(f"\n[bold]blind spots found: {len(found)} of 6[/]")
    for b in found:
        console.print(f"[bold]{b['title']}[/] ({b['severity']})")
        for s in b["answer_signals"]:
            console.print(f"  answer: {s}", soft_wrap=True)
        for s in b["data_signals"]:
            console.print(f"  data: {s}", soft_wrap=True)
        for s in b["next_steps"]:
            console.print(f"  next: {s}", soft_wrap=True, markup=False)
    for n in d["notes"]:
        console.print(f"[yellow]note:[/] {n}", soft_wrap=True)
    if d.get("assessment_id"):
        console.print(f"stored as assessment {d['assessment_id']}")


def _print_pilot(r, console) -> None:  # noqa: ANN001
    from rich.table import Table

    console.print(
        f"[bold]pilot: {r.policy} vs {r.baseline} in {r.pod}[/] for {r.weeks} weeks, seeds "
        f"{r.seeds} "
        f"(SIMULATED; {r.customers_simulated:,} of {r.customers_in_store:,} customers, "
        f"{r.pod_customers_simulated:,} in the pod; {r.pod_contacts_per_week:,.0f} pod "
        "contacts/week at full scale)"
    )
    table = Table(
        title="expected lift (treatment - control) and what a real pilot needs to detect it"
    )
    for col in (
        "KPI",
        "per",
        "control",
        "treatment",
        "lift [95% CI]",
        "p",
        "n per arm needed",
        "weeks needed",
    ):
        table.add_column(col, justify="left" if col in ("KPI", "per") else "right")
    from empathos.learn.lift import fmt_figure as fig

    for k in r.kpis:
        table.add_row(
            k.kpi,
            k.unit,
            fig(k.control, ".4f"),
            fig(k.treatment, ".4f"),
            f"{fig(k.lift, '+.4f')} [{fig(k.ci_low, '+.4f')}, {fig(k.ci_high, '+.4f')}]",
            fig(k.p_value, ".3g"),
            "-" if k.n_per_arm_needed is None else f"{k.n_per_arm_needed:,}",
            "-" if k.weeks_needed is None else f"{k.weeks_needed:,.1f}",
        )
    console.print(table)
    for n in r.notes:
        console.print(f"[yellow]note:[/] {n}", soft_wrap=True)
