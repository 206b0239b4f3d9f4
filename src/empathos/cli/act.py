"""`empathos` commands of the act stage (thin wrappers over library calls):
``pods load FILE`` and ``pods list``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, console, fail, open_store

pods_app = typer.Typer(
    name="pods",
    help=(
        "Customer Empathy Pods: define them in YAML, store and list them. See docs/act_routing.md."
    ),
    no_args_is_help=True,
)
app.add_typer(pods_app, name="pods")


@pods_app.command("load")
def pods_load(
    path: Annotated[
        Path, typer.Argument(help="Pods YAML file (see src/empathos/act/examples/pods.yaml).")
    ],
    check: Annotated[
        bool, typer.Option("--check", help="Only validate the file; store nothing.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Validate a pods YAML file and store its pods, members and owned customers
    (create or replace each pod). Errors name the file and the field."""
    from empathos.act.pods import PodsFileError, load_pods_yaml, save_pods

    try:
        specs = load_pods_yaml(path)
    except PodsFileError as exc:
        fail(str(exc))
    if check:
        console.print(
            f"{path}: valid ({len(specs)} pods, {sum(len(p.members) for p in specs)} members)"
        )
        return
    counts = save_pods(open_store(db), specs)
    console.print(
        f"stored {counts['pods']} pods, {counts['members']} members, "
        f"{counts['customers']} named customers from {path}"
    )


@pods_app.command("list")
def pods_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print the pods as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """List the stored pods with their members, functions, segments and owned customers."""
    from rich.table import Table

    from empathos.act.pods import list_pods

    specs = list_pods(open_store(db))
    if as_json:
        typer.echo(json.dumps([p.model_dump() for p in specs], indent=2, ensure_ascii=False))
        return
    if not specs:
        console.print("no pods stored (load some with `empathos pods load FILE`)")
        return
    table = Table(title=f"{len(specs)} pods")
    for col in ("pod", "name", "segments", "customers", "members", "languages", "capacity"):
        table.add_column(col)
    for p in specs:
        langs = sorted({lang for m in p.members for lang in m.languages})
        table.add_row(
            p.pod_id,
            p.name,
            ", ".join(p.segments),
            str(len(p.customers)),
            ", ".join(f"{m.employee_id} ({m.function})" for m in p.members) or "-",
            ", ".join(langs),
            str(sum(m.capacity for m in p.members)),
        )
    console.print(table)
