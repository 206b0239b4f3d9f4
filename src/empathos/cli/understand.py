"""`empathos` commands of the understand stage (thin wrappers over library calls):
``analyze`` (annotate and score the store) and ``eval`` (a backend on the public test sets)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, console, fail, open_store, progress, refresh_dashboard


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
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend",
            help=(
                "Emotion and empathy backend at once, e.g. 'fast' (static embeddings, 15-50x "
                "faster, less accurate: docs/understand_fast.md) or 'default'; --model and "
                "--empathy-model override it."
            ),
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
    with progress() as display:
        try:
            report = run_analyze(
                engine,
                emotion_model=model or backend,
                empathy_model=empathy_model or backend,
                rerun=rerun,
                batch_size=batch_size,
                display=display,
            )
        except UnknownModelError as exc:
            fail(str(exc.args[0]) if exc.args else str(exc))
        refresh_dashboard(engine)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    console.print(
        f"{report.emotion_model} {report.emotion_version} / {report.empathy_model} "
        f"{report.empathy_version}: "
        f"{report.turns_emotion:,} customer turns and {report.turns_empathy:,} employee turns "
        "annotated, "
        f"{report.interactions_scored:,} interactions scored, {report.customers_updated:,} "
        "journeys updated "
        f"in {report.seconds:.1f}s ({report.turns_per_second:,.0f} turns/s)"
    )


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
