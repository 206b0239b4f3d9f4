"""`empathos pii status|on|off`: the store's (its tenant's) PII redaction setting."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, console, fail, open_store

ACTIONS = ("status", "on", "off", "default")


@app.command()
def pii(
    action: Annotated[
        str,
        typer.Argument(
            help="status: show the setting; on / off: store one for this tenant; default: "
            "remove it (back to EMPATHOS_PII_REDACTION)."
        ),
    ] = "status",
    kinds: Annotated[
        str | None,
        typer.Option(help="With on: the kinds redacted, e.g. email,phone (default: all)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """PII redaction before storage (emails, phones, cards, IBANs, SSNs, national ids):
    show or set it for the store's tenant. Text already stored is not rewritten; exports
    are redacted while it is on. What is detected: docs/security.md."""
    from empathos.listen.pii import KINDS, parse_kinds, policy_for, set_policy

    if action not in ACTIONS:
        fail(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    try:
        chosen = parse_kinds(kinds)
    except ValueError as exc:
        fail(str(exc))
    engine = open_store(db)
    if action in ("on", "off"):
        set_policy(engine, action == "on", chosen)
    elif action == "default":
        set_policy(engine, None)
    policy = policy_for(engine)
    if as_json:
        typer.echo(json.dumps({**policy.as_json(), "origin": policy.origin}))
        return
    state = "on" if policy.enabled else "off"
    where = "this store's setting" if policy.origin == "store" else "the default (no setting)"
    console.print(
        f"PII redaction [bold]{state}[/] ({where}); kinds: {', '.join(policy.kinds)}"
        + ("" if policy.kinds == KINDS else f" of {', '.join(KINDS)}")
    )
