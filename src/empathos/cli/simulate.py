"""`empathos simulate`: a synthetic contact centre written as ingest files (and optionally
stored), a thin wrapper over the simulate stage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, console, fail, open_store, progress


@app.command()
def simulate(
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write the simulated files into.")
    ] = Path("data/simulated"),
    customers: Annotated[
        int | None, typer.Option(help="Number of customers (default: from the preset).")
    ] = None,
    days: Annotated[
        int | None, typer.Option(help="Days to simulate (default: from the preset).")
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed writes byte-identical files.")
    ] = 7,
    policy: Annotated[str, typer.Option(help="Registered routing policy, e.g. fifo.")] = "fifo",
    preset_name: Annotated[
        str, typer.Option("--preset", help="Named configuration: default, demo, medium, small.")
    ] = "default",
    employees: Annotated[
        int | None, typer.Option(help="Number of employees (default: sized to the load).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    store: Annotated[
        bool, typer.Option("--store", help="Also ingest the files into the store (--db).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Simulate a contact centre (customers, pods, conversations, outcomes) and write the
    ingest files plus ground_truth.json into --out. See docs/simulate.md."""
    from empathos.act.routing import available_policies
    from empathos.simulate import preset as make_preset
    from empathos.simulate import run_simulation

    if policy not in available_policies():
        fail(f"unknown routing policy {policy!r}; available: {', '.join(available_policies())}")
    overrides: dict[str, object] = {"seed": seed, "policy": policy}
    for key, value in (("customers", customers), ("days", days), ("employees", employees)):
        if value is not None:
            overrides[key] = value
    try:
        config = make_preset(preset_name, **overrides)
    except ValueError as exc:
        fail(str(exc))
    with progress(f"the files in {out} are incomplete; re-run to simulate again") as display:
        report = run_simulation(config, out, display=display)
    stored = []
    if store:
        from empathos.simulate.store import store_simulation

        engine = open_store(db)
        with progress() as display:
            stored = [
                {"kind": r.kind, "accepted": r.records_accepted, "rejected": r.records_rejected}
                for r in store_simulation(out, engine, display=display)
            ]
    if as_json:
        typer.echo(json.dumps({**report.to_dict(), "stored": stored}, indent=2))
        return
    console.print(report.summary())
    for r in stored:
        console.print(f"stored {r['kind']}: {r['accepted']:,} accepted, {r['rejected']:,} rejected")
