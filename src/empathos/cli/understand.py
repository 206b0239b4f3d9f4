"""`empathos` commands of the understand stage (thin wrappers over library calls):
``analyze`` (annotate and score the store) and ``eval`` (a backend on the public test sets)."""

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
                "Emotion and empathy backend at once, e.g. 'fast' (static embeddings, ~10x "
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
    engine_name: EngineOption = "local",
    ray_address: RayAddressOption = "auto",
    workers: WorkersOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Annotate every turn not yet annotated by the chosen model versions (emotion per
    customer turn, empathy per employee turn), then score interactions (peak-end, effort),
    their auto-QA scorecards (EMPATHOS_QA_RUBRIC) and customer journeys. Incremental: a
    second run only does what is new."""
    from empathos.understand.pipeline import analyze as run_analyze
    from empathos.understand.protocols import UnknownModelError

    # local without --workers: analyze's default (every core when the run is big enough
    # to repay starting the workers, else in process)
    mapper = engine_mapper(engine_name, ray_address, workers)
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
                mapper=mapper,
            )
            refresh_dashboard(engine, engine_name, mapper)
        except UnknownModelError as exc:
            fail(str(exc.args[0]) if exc.args else str(exc))
        finally:
            if mapper is not None:
                mapper.close()
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    console.print(
        f"{report.emotion_model} {report.emotion_version} / {report.empathy_model} "
        f"{report.empathy_version}: "
        f"{report.turns_emotion:,} customer turns and {report.turns_empathy:,} employee turns "
        "annotated, "
        f"{report.interactions_scored:,} interactions scored, "
        f"{report.interactions_qa:,} QA scorecards, {report.customers_updated:,} "
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


@app.command("csat")
def csat(
    interaction: Annotated[
        list[str] | None, typer.Option("--interaction", help="Show these contacts (repeatable).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Contacts listed at most.")] = 20,
    recalibrate: Annotated[
        bool,
        typer.Option(
            "--recalibrate", help="Recalibrate every contact to the surveys (after many new ones)."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Predicted CSAT (1-5) per contact, written by analyze: the model's figure, the one
    calibrated to the company's surveys (where there are enough), the contact's source, and
    why a figure is unknown. See docs/understand.md (predicted CSAT)."""
    from sqlalchemy import func, select

    from empathos.store.tables_csat import interaction_csat
    from empathos.understand.pipeline.csat import calibrate

    engine = open_store(db)
    note = calibrate(engine, recalibrate=True) if recalibrate else None
    c = interaction_csat.c
    with engine.connect() as conn:
        q = select(interaction_csat).order_by(c.interaction_id)
        if interaction:
            q = q.where(c.interaction_id.in_(interaction))
        rows = [dict(r) for r in conn.execute(q.limit(limit)).mappings()]
        summary = conn.execute(
            select(
                func.count(),
                func.count(c.predicted_csat),
                func.avg(c.predicted_csat),
                func.count(c.calibrated_csat),
                func.avg(c.calibrated_csat),
            )
        ).one()
    info = {
        "contacts": summary[0],
        "predicted": summary[1],
        "unknown": summary[0] - summary[1],
        "mean_predicted": summary[2],
        "calibrated": summary[3],
        "mean_calibrated": summary[4],
        "recalibration": note,
        "rows": rows,
    }
    if as_json:
        typer.echo(json.dumps(info, indent=2, default=str))
        return
    if note:
        console.print(note)
    if not summary[0]:
        console.print("no predicted CSAT yet: run `empathos analyze` first")
        return
    mean_cal = f"{summary[4]:.2f}" if summary[4] is not None else "unknown (too few surveys)"
    mean_pred = f"{summary[2]:.2f}" if summary[2] is not None else "unknown"
    console.print(
        f"{summary[1]:,} of {summary[0]:,} contacts predicted (mean {mean_pred}); "
        f"calibrated: {summary[3]:,} (mean {mean_cal})"
    )
    for r in rows:
        if r["predicted_csat"] is None:
            fig = f"unknown: {r['reason']}"
        else:
            cal = r["calibrated_csat"]
            fig = f"{r['predicted_csat']:.2f}" + (f" (calibrated {cal:.2f})" if cal else "")
        console.print(f"{r['interaction_id']}  {fig}  [{r['source']}]  {r['model_version']}")


@app.command("fit-remembered")
def fit_remembered(
    outcome: Annotated[
        str, typer.Option(help="Outcome kind to fit on: csat, nps or ces.")
    ] = "csat",
    model: Annotated[
        str | None, typer.Option("--model", help="Emotion model whose scores are fitted.")
    ] = None,
    min_outcomes: Annotated[
        int, typer.Option(help="Fewer outcomes than this: keep the shipped weights.")
    ] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Refit the remembered score's weights (first, peak, end, mean) on the company's own
    CSAT/NPS/CES answers, with bootstrap intervals; falls back to the shipped USS-fitted
    weights when the data is too thin, and says so. Prints the weights to use (pass them to
    analyze's configuration); nothing is rewritten."""
    from empathos.store.queries import current_score_models
    from empathos.understand.pipeline import fit_remembered_for_company

    engine = open_store(db)
    sm = current_score_models(engine)
    if sm is None:
        fail("no scored interactions: run `empathos analyze` first")
    name = model or sm.model
    version = sm.version if model in (None, sm.model) else None
    if version is None:
        from empathos.understand.protocols import get_emotion_model

        version = get_emotion_model(name).version
    res = fit_remembered_for_company(engine, name, version, outcome, min_outcomes)
    if as_json:
        typer.echo(json.dumps(res, indent=2, default=str))
        return
    w = res["weights"]
    console.print(
        f"{res['basis']} weights ({res['weights_version']}, {res['n']} {outcome} outcomes): "
        + ", ".join(f"{k} {v:.2f}" for k, v in w.items())
    )
    if res["fit"]:
        ci = res["fit"]["weights_ci"]
        console.print(
            "fit on your data: "
            + ", ".join(
                f"{k} {res['fit']['weights'][k]:.2f} [{lo:.2f}, {hi:.2f}]"
                for k, (lo, hi) in ci.items()
            )
            + f"; R² {res['fit']['score']:.3f} vs mean only {res['fit']['score_mean_only']:.3f}"
        )
    for n in res["notes"]:
        console.print(n)
