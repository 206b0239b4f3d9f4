"""`empathos` commands of the auto-QA scorecards and contact summaries (thin wrappers):
``qa`` (scorecards per employee, pod or week, or one contact's) and ``summary`` (one
contact's extractive summary). The scorecards themselves are written by ``analyze``."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, console, fail, open_store


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        fail(f"not a date (YYYY-MM-DD): {value!r}")


@app.command("qa")
def qa_command(
    by: Annotated[
        str, typer.Option("--by", help="Group scorecards by employee, pod, week or all.")
    ] = "employee",
    contact: Annotated[
        str | None, typer.Option("--contact", help="Show one contact's scorecard instead.")
    ] = None,
    employee: Annotated[str | None, typer.Option(help="Only this employee's contacts.")] = None,
    pod: Annotated[str | None, typer.Option(help="Only contacts handled in this pod.")] = None,
    channel: Annotated[str | None, typer.Option(help="Only this channel.")] = None,
    start: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Auto-QA scorecards (written by `empathos analyze` with the EMPATHOS_QA_RUBRIC
    rubric): per item the contacts scored, mean, pass rate, and the not-applicable and
    unknown counts (never counted as 0). --contact shows one contact's items with the
    quoted evidence turns."""
    from empathos.understand.qa.scorecards import QAScope, contact_scorecard, scorecards

    engine = open_store(db)
    if contact:
        card = contact_scorecard(engine, contact)
        if card is None:
            fail(f"no QA scorecard for {contact!r} (run `empathos analyze`)")
        if as_json:
            typer.echo(json.dumps(card, indent=2, default=str))
            return
        overall = "—" if card["overall"] is None else f"{card['overall']:.2f}"
        console.print(
            f"{contact}: overall {overall} (rubric {card['rubric']} {card['rubric_version']})"
        )
        for name, r in card["items"].items():
            score = "—" if r["score"] is None else f"{r['score']:.2f}"
            console.print(f"  {name}: {r['status']} {score} — {r['reason']}", highlight=False)
            for e in r["evidence"]:
                console.print(f"      [{e['seq']}] {e['speaker']}: “{e['excerpt']}”", markup=False)
        return
    if by not in ("employee", "pod", "week", "all"):
        fail(f"--by must be employee, pod, week or all, not {by!r}")
    scope = QAScope(_day(start), _day(end), channel, None, pod, None, employee)
    out = scorecards(engine, by, scope)  # type: ignore[arg-type]
    if as_json:
        typer.echo(json.dumps(out, indent=2, default=str))
        return
    if not out["groups"]:
        console.print(out.get("note", "no scorecards"))
        return
    console.print(
        f"QA scorecards by {by}: {out['n_contacts']:,} contacts, rubric {out['rubric']} "
        f"{out['rubric_version']}, {out['model']}; source {out['source']}",
        highlight=False,
    )
    names = sorted({k for g in out["groups"] for k in g["items"]})
    console.print("key | contacts | overall | " + " | ".join(names), highlight=False)
    for g in out["groups"]:
        cells = []
        for n in names:
            f = g["items"].get(n)
            cells.append("—" if not f or f["pass_rate"] is None else f"{f['pass_rate']:.0%}")
        overall = "—" if g["overall"] is None else f"{g['overall']:.2f}"
        console.print(
            f"{g['key'] or '(none)'} | {g['n_contacts']} | {overall} | " + " | ".join(cells),
            highlight=False,
        )
    console.print("cells: pass rate over the contacts the item scored (— none scored)")


@app.command("summary")
def summary_command(
    interaction_id: Annotated[str, typer.Argument(help="The contact (interaction id).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """One contact's extractive summary: the need, what was tried, the customer's state
    now and open promises, each quoting the turn it comes from."""
    from empathos.understand.summary_store import stored_summary

    s = stored_summary(open_store(db), interaction_id)
    if s is None:
        fail(f"no contact {interaction_id!r}")
    if as_json:
        typer.echo(json.dumps(s.as_dict(), indent=2, default=str))
        return
    for line in s.lines():
        console.print(line, markup=False, highlight=False)
