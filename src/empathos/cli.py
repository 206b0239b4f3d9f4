"""The ``empathos`` command line. Every command is a thin wrapper over a library function,
so the CLI, the Python API and the REST API say the same things."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

console = Console()  # results
err_console = Console(stderr=True)  # progress and errors

app = typer.Typer(
    name="empathos",
    help="Empathos runs the empathy flywheel of customer experience: listen, understand & predict, act, learn.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def version() -> None:
    """Print the installed Empathos version."""
    from empathos import __version__

    typer.echo(__version__)


@app.callback()
def main() -> None:
    """Empathos: listen, understand & predict, act, learn."""


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (default: EMPATHOS_DATABASE_URL or sqlite:///empathos.db)."
    ),
]


def open_store(db: str | None):  # noqa: ANN201 - an Engine; imported lazily to keep --help fast
    """The engine for ``db``, migrated to the newest schema (creating it if new)."""
    from empathos.store import init_db, make_engine

    engine = make_engine(db)
    init_db(engine)
    return engine


def fail(message: str) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code=2)


@app.command()
def init(db: DbOption = None) -> None:
    """Create the database (or upgrade its schema) -- SQLite file by default, PostgreSQL by URL."""
    from empathos.store import init_db, make_engine

    engine = make_engine(db)
    revision = init_db(engine)
    console.print(
        f"store ready at [bold]{engine.url.render_as_string(hide_password=True)}[/] (schema {revision})"
    )


@app.command()
def ingest(
    path: Annotated[
        Path, typer.Argument(help="A file, or a folder whose JSONL/CSV files are all imported.")
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            help="interactions, turns, twitter, customers, employees, pods, outcomes or transactions (default: guessed)."
        ),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="YAML/TOML column mapping for any other export.")
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Where bad records go (default: ./NAME.rejects.jsonl).")
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option(help="Records per transaction (default 5000).")
    ] = None,
    language: Annotated[bool, typer.Option(help="Detect each turn's language.")] = True,
    db: DbOption = None,
) -> None:
    """Import conversations, customers, employees, outcomes or transactions.

    Bad records are written with file, line and field to a reject file while the good
    ones load; importing the same file again stores nothing twice.
    """
    from empathos.listen import IngestError, ingest_dir, ingest_file

    if not path.exists():
        fail(f"{path}: no such file or folder")
    engine = open_store(db)
    options = dict(batch_size=batch_size, detect_language=language)
    try:
        with _progress() as bar:
            if path.is_dir():
                if kind or mapping or rejects:
                    fail("--kind, --mapping and --rejects apply to one file, not a folder")
                task = bar.add_task(f"{path}", total=None)
                reports = ingest_dir(
                    path,
                    engine,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    **options,
                )
            else:
                task = bar.add_task(path.name, total=path.stat().st_size if path.exists() else None)
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


def _progress():  # noqa: ANN202
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )


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
        if r.records_rejected:
            console.print(
                f"[yellow]{r.records_rejected} rejected record(s) from {r.path} -> {r.rejects_path}[/]",
                soft_wrap=True,
            )
            for line in r.first_rejects[:5]:
                console.print(f"  {line}", soft_wrap=True, markup=False, highlight=False)


@app.command()
def stats(
    period: Annotated[
        str, typer.Option(help="Group interactions by day, week or month.")
    ] = "month",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    db: DbOption = None,
) -> None:
    """Counts in the store: rows per table, interactions per channel, language, period and source."""
    from dataclasses import asdict

    from empathos.listen.stats import store_stats

    if period not in ("day", "week", "month"):
        fail("--period must be day, week or month")
    result = store_stats(open_store(db), period=period)  # type: ignore[arg-type]
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
            ]
        )
    )
    console.print(small(f"interactions by {period}", result.by_period))


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


@app.command()
def analyze(
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="Registered emotion model (default: EMPATHOS_EMOTION_MODEL or 'default').",
        ),
    ] = None,
    empathy_model: Annotated[
        str | None,
        typer.Option(
            "--empathy-model",
            help="Registered empathy model (default: EMPATHOS_EMPATHY_MODEL or 'default').",
        ),
    ] = None,
    rerun: Annotated[
        bool, typer.Option("--rerun", help="Recompute everything for these model versions.")
    ] = False,
    batch_size: Annotated[
        int, typer.Option(help="Turns per model call and per transaction.")
    ] = 512,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Annotate every turn not yet annotated by the chosen model versions (emotion per
    customer turn, empathy per employee turn), then score interactions (peak-end, effort)
    and customer journeys. Incremental: a second run only does what is new."""
    from empathos.understand.pipeline import analyze as run_analyze
    from empathos.understand.protocols import UnknownModelError

    engine = open_store(db)
    try:
        report = run_analyze(
            engine,
            emotion_model=model,
            empathy_model=empathy_model,
            rerun=rerun,
            batch_size=batch_size,
            progress=not as_json,
        )
    except UnknownModelError as exc:
        fail(str(exc.args[0]) if exc.args else str(exc))
    _refresh_dashboard(engine)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    console.print(
        f"{report.emotion_model} {report.emotion_version} / {report.empathy_model} {report.empathy_version}: "
        f"{report.turns_emotion:,} customer turns and {report.turns_empathy:,} employee turns annotated, "
        f"{report.interactions_scored:,} interactions scored, {report.customers_updated:,} journeys updated "
        f"in {report.seconds:.1f}s ({report.turns_per_second:,.0f} turns/s)"
    )


def _refresh_dashboard(engine) -> None:  # noqa: ANN001 - an Engine
    """Rebuild the dashboard's summary now, so its first page load after a run is fast
    (seconds here instead of on the first request; 47 s at 1M contacts, docs/dashboard.md)."""
    from empathos.web.aggregates import refresh_aggregates

    refresh_aggregates(engine)


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
    from empathos.learn import experiments as _learn_policies  # noqa: F401  registers "bandit", "controlled"
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
    report = run_simulation(config, out, progress=not as_json)
    stored = []
    if store:
        from empathos.simulate.store import store_simulation

        stored = [
            {"kind": r.kind, "accepted": r.records_accepted, "rejected": r.records_rejected}
            for r in store_simulation(out, open_store(db))
        ]
    if as_json:
        typer.echo(json.dumps({**report.to_dict(), "stored": stored}, indent=2))
        return
    console.print(report.summary())
    for r in stored:
        console.print(f"stored {r['kind']}: {r['accepted']:,} accepted, {r['rejected']:,} rejected")


@app.command("eval")
def eval_models(
    task: Annotated[
        str, typer.Argument(help="emotion (GoEmotions test) or empathy (EPITOME test split).")
    ],
    model: Annotated[
        str, typer.Option("--model", help="Registered backend name, e.g. default, lexicon.")
    ] = "default",
    limit: Annotated[
        int | None, typer.Option(help="Score only the first N dev/test items (smoke runs).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
) -> None:
    """Evaluate an understand backend on the shared test sets (macro-F1 per label and overall,
    next to the published baselines). See docs/understand.md."""
    from empathos.understand.evaluate import evaluate_emotion, evaluate_empathy, markdown_tables
    from empathos.understand.protocols import UnknownModelError

    if task not in ("emotion", "empathy"):
        fail(f"unknown task {task!r}; choose emotion or empathy")
    try:
        result = (
            evaluate_emotion(model, limit) if task == "emotion" else evaluate_empathy(model, limit)
        )
    except (UnknownModelError, FileNotFoundError, ImportError) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(
        markdown_tables([result], []) if task == "emotion" else markdown_tables([], [result])
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
    try:
        report = predict(engine, as_of=when, progress=not as_json)
    except ValueError as exc:
        fail(str(exc))
    _refresh_dashboard(engine)
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


# The later stages' commands live in empathos.commands, one module per stage.
from empathos.commands import register_all  # noqa: E402

register_all(app)
