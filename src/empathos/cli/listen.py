"""`empathos` commands of the listen stage (thin wrappers over library calls):
``init``, ``ingest``, ``stats`` and ``export``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, connect, console, fail, open_store, progress


@app.command()
def init(db: DbOption = None) -> None:
    """Create the database (or upgrade its schema) -- SQLite file by default, PostgreSQL by URL."""
    engine, revision = connect(db)
    console.print(
        f"store ready at [bold]{engine.url.render_as_string(hide_password=True)}[/] (schema "
        f"{revision})"
    )


@app.command()
def ingest(
    path: Annotated[
        Path, typer.Argument(help="A file, or a folder whose JSONL/CSV files are all imported.")
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            help=(
                "interactions, turns, twitter, customers, employees, pods, outcomes or "
                "transactions (default: guessed)."
            )
        ),
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            help="YAML/TOML column mapping for any other export: a file, or a shipped one by "
            "name (abcd, freshdesk_tickets, generic_tickets, intercom_conversations, "
            "zendesk_tickets; see docs/formats.md)."
        ),
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Where bad records go (default: ./NAME.rejects.jsonl).")
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option(help="Records per transaction (default 5000).")
    ] = None,
    language: Annotated[bool, typer.Option(help="Detect each turn's language.")] = True,
    on_conflict: Annotated[
        str,
        typer.Option(
            help="A record whose id is stored with different content: reject it (default), "
            "update the stored fields it carries, or skip it."
        ),
    ] = "reject",
    db: DbOption = None,
) -> None:
    """Import conversations, customers, employees, outcomes or transactions.

    Bad records are written with file, line and field to a reject file while the good
    ones load; importing the same file again stores nothing twice (its records count as
    unchanged), and a record that contradicts a stored one is a conflict (--on-conflict).
    An import that was killed is resumed by running it again.
    """
    from empathos.listen import IngestError, ingest_dir, ingest_file

    if not path.exists():
        fail(f"{path}: no such file or folder")
    if on_conflict not in ("reject", "update", "skip"):
        fail("--on-conflict must be reject, update or skip")
    engine = open_store(db)
    options = dict(batch_size=batch_size, detect_language=language, on_conflict=on_conflict)
    try:
        with progress() as bar:
            if path.is_dir():
                if kind or mapping or rejects:
                    fail("--kind, --mapping and --rejects apply to one file, not a folder")
                task = bar.add_task(f"{path}", total=None, unit="bytes")
                reports = ingest_dir(
                    path,
                    engine,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    **options,
                )
            else:
                task = bar.add_task(
                    path.name, total=path.stat().st_size if path.exists() else None, unit="bytes"
                )
                reports = [
                    ingest_file(
                        path,
                        engine,
                        kind=kind,
                        mapping=mapping,
                        rejects_path=rejects,
                        progress=lambda done, total: bar.update(task, completed=done, total=total),
                        **options,
                    )
                ]
    except IngestError as exc:
        fail(str(exc))
    _print_ingest(reports)


def _print_ingest(reports) -> None:  # noqa: ANN001
    from rich.table import Table

    table = Table(title="ingest")
    for col in ("file", "kind", "read", "accepted", "turns", "rejected", "records/s"):
        table.add_column(col, justify="right" if col not in ("file", "kind") else "left")
    for r in reports:
        rate = r.records_read / r.seconds if r.seconds else 0.0
        table.add_row(
            Path(r.path).name,
            r.kind,
            f"{r.records_read:,}",
            f"{r.records_accepted:,}",
            f"{r.turns_stored:,}",
            f"{r.records_rejected:,}",
            f"{rate:,.0f}",
        )
    console.print(table)
    for r in reports:
        console.print(f"{Path(r.path).name}: {ingest_summary(r)}", soft_wrap=True, highlight=False)
    for r in reports:
        if r.conflicts:
            console.print(
                f"[yellow]{r.conflicts} record(s) of {r.path} conflict with stored ones "
                "(see the reject file); --on-conflict update replaces the stored values, "
                "skip keeps them[/]",
                soft_wrap=True,
            )
        if r.records_rejected:
            console.print(
                f"[yellow]{r.records_rejected} rejected record(s) from {r.path} -> "
                f"{r.rejects_path}[/]",
                soft_wrap=True,
            )
            for line in r.first_rejects[:5]:
                console.print(f"  {line}", soft_wrap=True, markup=False, highlight=False)


def ingest_summary(r) -> str:  # noqa: ANN001
    """E.g. ``accepted 8: 0 new, 8 unchanged`` (a re-import), then what else happened."""
    parts = [f"{r.new:,} new", f"{r.unchanged:,} unchanged"]
    parts += [
        f"{n:,} {label}" for n, label in ((r.updated, "updated"), (r.skipped, "skipped")) if n
    ]
    text = f"accepted {r.records_accepted:,}: {', '.join(parts)}"
    if r.conflicts:
        text += f"; {r.conflicts:,} conflict{'s' if r.conflicts != 1 else ''}"
    redacted = getattr(r, "redacted", None)
    if redacted:
        text += "; redacted " + ", ".join(f"{n:,} {k}" for k, n in redacted.items())
    return text


@app.command()
def stats(
    period: Annotated[
        str, typer.Option(help="Group interactions by day, week or month.")
    ] = "month",
    company: Annotated[
        str | None,
        typer.Option(
            help="Count only this brand's interactions "
            "(interactions.company; '(none)': unrecorded)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    db: DbOption = None,
) -> None:
    """Counts in the store: rows per table, interactions per channel, language, period,
    source and brand, and imports that were interrupted (with how to resume them)."""
    from dataclasses import asdict

    from empathos.listen.stats import store_stats

    if period not in ("day", "week", "month"):
        fail("--period must be day, week or month")
    result = store_stats(open_store(db), period=period, company=company)  # type: ignore[arg-type]
    if as_json:
        typer.echo(json.dumps(asdict(result), indent=2))
        return
    from rich.columns import Columns
    from rich.table import Table

    def small(title: str, data: dict[str, int]) -> Table:
        table = Table(title=title)
        table.add_column(title.split(" ")[-1])
        table.add_column("count", justify="right")
        for key, value in data.items():
            table.add_row(key, f"{value:,}")
        return table

    console.print(
        Columns(
            [
                small("rows per table", result.tables),
                small("interactions by channel", result.by_channel),
                small("interactions by language", result.by_language),
                small("interactions by source", result.by_source),
                small("interactions by brand", result.by_company),
            ]
        )
    )
    console.print(small(f"interactions by {period}", result.by_period))
    for run in result.interrupted:
        console.print(
            f"[yellow]import {run['run_id']} of {run['path']} ({run['kind']}, started "
            f"{run['started_at']}) was interrupted after {run['records_accepted']:,} stored "
            f"record(s); resume it with: {run['resume']} (re-running is safe: stored "
            "records count as unchanged)[/]",
            soft_wrap=True,
        )


@app.command()
def export(
    table: Annotated[
        str,
        typer.Argument(
            help="turns, interactions, customers, employees, pods, outcomes or transactions."
        ),
    ],
    out: Annotated[
        Path, typer.Argument(help="Output file; .csv writes CSV, anything else Parquet.")
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", help="parquet or csv (default: from the suffix).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Export a table to Parquet or CSV (turns come with their channel and customer)."""
    from empathos.listen import IngestError
    from empathos.listen.export import export_table

    if fmt not in (None, "parquet", "csv"):
        fail("--format must be parquet or csv")
    try:
        rows = export_table(open_store(db), table, out, fmt)  # type: ignore[arg-type]
    except IngestError as exc:
        fail(str(exc))
    console.print(f"wrote {rows:,} rows to {out}")


@app.command("listen")
def listen_stream(
    source: Annotated[
        str,
        typer.Option(
            "--from", help="The NATS server to consume from (JetStream enabled): nats://host:port."
        ),
    ] = "nats://127.0.0.1:4222",
    subject: Annotated[
        str, typer.Option(help="The subject whose messages (one JSON record each) to import.")
    ] = "empathos.ingest",
    durable: Annotated[
        str,
        typer.Option(help="Durable consumer name: a restart goes on where the last one stopped."),
    ] = "empathos-listen",
    stream: Annotated[
        str | None,
        typer.Option(
            help="The stream holding the subject (default: the one capturing it, or new)."
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(help="Every message's kind (default: guessed per message from its fields)."),
    ] = None,
    dead_letter: Annotated[
        str, typer.Option(help="Subject for refused messages, with the reason in a header.")
    ] = "empathos.deadletter",
    batch: Annotated[int, typer.Option(help="Messages per fetch and per transaction.")] = 500,
    on_conflict: Annotated[
        str,
        typer.Option(
            help="A record contradicting a stored one: reject (dead-letter it), update or skip."
        ),
    ] = "reject",
    ack_wait: Annotated[
        float,
        typer.Option(
            help="Seconds before an unacknowledged message is redelivered (new consumer)."
        ),
    ] = 60.0,
    idle_exit: Annotated[
        float | None,
        typer.Option(help="Stop after this many seconds without a message (default: run on)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Consume a NATS JetStream subject into the store, through the same path as `ingest`.

    Each message is acknowledged only after its batch is stored, so a consumer that is
    killed loses nothing and, restarted, stores nothing twice (redelivered records count
    unchanged). Messages that cannot be stored go to the dead-letter subject with the
    reason (header Empathos-Reason). Stop with Ctrl-C or SIGTERM.
    """
    import asyncio
    import signal

    from empathos.listen.stream import StreamConfig, consume

    if not source.startswith("nats://"):
        fail("--from must be a nats:// URL (the only stream source so far)")
    if on_conflict not in ("reject", "update", "skip"):
        fail("--on-conflict must be reject, update or skip")
    if batch < 1:
        fail("--batch must be at least 1")
    engine = open_store(db)
    config = StreamConfig(
        url=source,
        subject=subject,
        durable=durable,
        stream=stream,
        kind=kind,
        dead_letter=dead_letter,
        batch=batch,
        on_conflict=on_conflict,
        idle_exit_s=idle_exit,
        ack_wait_s=ack_wait,
    )

    def show(r) -> None:  # noqa: ANN001
        console.print(
            f"{r.messages:,} messages: {r.new:,} new, {r.unchanged:,} unchanged, "
            f"{r.dead:,} dead-lettered ({r.per_second:,.0f}/s)",
            highlight=False,
        )

    async def main():  # noqa: ANN202
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)
        return await consume(engine, config, on_batch=show)

    try:
        report = asyncio.run(main())
    except asyncio.CancelledError:
        console.print("stopped; unacknowledged messages are redelivered to the next consumer")
        return
    except ConnectionError as exc:
        fail(str(exc))
    show(report)
    for reason in report.dead_reasons[:5]:
        console.print(f"  dead letter: {reason}", markup=False, highlight=False)
