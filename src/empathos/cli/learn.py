"""`empathos` commands of the learn stage (thin wrappers over library calls):
``coach``, ``ooda``, ``retrain`` and the ``experiment`` sub-app."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, console, fail, open_store, progress


# The read filters every face shares (empathos.store.queries.interaction_conditions).
StartOption = Annotated[
    str | None, typer.Option(help="First day of the period (YYYY-MM-DD, inclusive).")
]
EndOption = Annotated[
    str | None, typer.Option(help="Last day of the period (YYYY-MM-DD, inclusive).")
]
ChannelOption = Annotated[str | None, typer.Option(help="Only contacts of this channel.")]
LanguageOption = Annotated[
    str | None, typer.Option(help="Only contacts of customers with this language.")
]
CompanyOption = Annotated[
    str | None,
    typer.Option(help="Only contacts of this brand (interactions.company; '(none)': unrecorded)."),
]


def _day(value: str | None, name: str):  # noqa: ANN202 - a date or None
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{name} {value!r}: not a date (YYYY-MM-DD)")


@app.command("coach")
def coach(
    subject: Annotated[str, typer.Argument(help="Employee id (or pod id with --pod).")],
    pod: Annotated[
        bool, typer.Option("--pod", help="SUBJECT is a pod id: report the pod and its members.")
    ] = False,
    weeks: Annotated[
        int,
        typer.Option(help="Default window: the last N weeks up to the newest (filtered) contact."),
    ] = 12,
    min_contacts: Annotated[
        int, typer.Option(help="Peers with fewer contacts are left out of percentiles.")
    ] = 5,
    start: StartOption = None,
    end: EndOption = None,
    channel: ChannelOption = None,
    language: LanguageOption = None,
    company: CompanyOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    db: DbOption = None,
) -> None:
    """How an employee's (or pod's) contacts END: end scores, emotional outcomes, empathy
    mechanisms, sympathy-only replies, peer percentiles, anonymised best/worst endings and
    the weekly trend. Behaviours only, never the employee's emotions."""
    import json

    from empathos.learn.coaching import CoachingConfig, CoachingError, coach_employee, coach_pod

    cfg = CoachingConfig(
        weeks=weeks,
        min_contacts=min_contacts,
        start=_day(start, "--start"),
        end=_day(end, "--end"),
        channel=channel,
        language=language,
        company=company,
    )
    try:
        rep = (coach_pod if pod else coach_employee)(open_store(db), subject, cfg)
    except CoachingError as exc:
        fail(str(exc))
    if as_json:
        console.print_json(json.dumps(rep.to_dict(), default=str, ensure_ascii=False))
        return
    _print_coaching(console, rep)


@app.command("ooda")
def ooda(
    benchmarks: Annotated[
        Path | None,
        typer.Option(help="Import this benchmark CSV first (metric,value,source,period,segment)."),
    ] = None,
    act: Annotated[
        str | None,
        typer.Option(
            "--act",
            help="Apply this ranked action: start a measured experiment of its routing policy.",
        ),
    ] = None,
    control_share: Annotated[
        float, typer.Option(help="With --act: share of contacts routed by fifo (control).")
    ] = 0.2,
    weeks: Annotated[int, typer.Option(help="Observe: weekly KPIs over the last N weeks.")] = 12,
    days: Annotated[int, typer.Option(help="Orient: our current KPIs over the last N days.")] = 30,
    start: StartOption = None,
    end: EndOption = None,
    channel: ChannelOption = None,
    language: LanguageOption = None,
    pod: Annotated[
        str | None, typer.Option(help="Only contacts handled in this pod ('(none)': no employee).")
    ] = None,
    company: CompanyOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    db: DbOption = None,
) -> None:
    """OODA: observe the KPIs over time, orient against benchmarks, decide on actions ranked
    by expected value (value at risk x measured effect), act by starting an experiment."""
    import json

    from empathos.learn.ooda import (
        BenchmarkError,
        Slice,
        apply_action,
        import_benchmarks,
        ooda_report,
    )

    engine = open_store(db)
    if benchmarks is not None:
        if not benchmarks.exists():
            fail(f"{benchmarks}: no such file")
        try:
            n = import_benchmarks(engine, benchmarks)
        except BenchmarkError as exc:
            fail(f"benchmark file not imported:\n{exc}")
        console.print(f"imported {n} benchmark rows from {benchmarks}")
    if act is not None:
        try:
            started = apply_action(engine, act, control_share)
        except (KeyError, ValueError) as exc:
            fail(str(exc.args[0]) if exc.args else str(exc))
        console.print(
            f"started experiment [bold]{started['experiment']}[/]: {started['treatment']} vs "
            f"{started['control']} ({started['control_share']:.0%} control); measure it with "
            f"`empathos experiment report {started['experiment']}`"
        )
        return
    sl = Slice(_day(start, "--start"), _day(end, "--end"), channel, language, pod, company)
    rep = ooda_report(engine, weeks, days, sl)
    if as_json:
        console.print_json(json.dumps(rep.to_dict(), default=str))
        return
    _print_ooda(console, rep)


@app.command("retrain")
def retrain(
    kind: Annotated[str, typer.Argument(help="emotion, empathy or all.")] = "all",
    limit_train: Annotated[
        int | None,
        typer.Option(
            help=(
                "Train on the first N texts only (quick look; 'before' is then a refit on the "
                "same subset)."
            )
        ),
    ] = None,
    limit_eval: Annotated[
        int | None, typer.Option(help="Score on the first N dev/test texts only.")
    ] = None,
    models_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where promoted heads go (default: $EMPATHOS_MODELS_DIR or ./empathos-models)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Retrain the default understand heads with the stored label corrections, score before
    and after on the fixed test sets, and promote the new version only if not worse."""
    import json

    from empathos.learn.retrain import RetrainOptions
    from empathos.learn.retrain import retrain as run

    if kind not in ("emotion", "empathy", "all"):
        fail(f"kind must be emotion, empathy or all, not {kind!r}")
    opts = RetrainOptions(limit_train=limit_train, limit_eval=limit_eval, models_dir=models_dir)
    engine = open_store(db)
    with progress("nothing is promoted before a retrain ends; re-run it"):
        results = run(engine, kind, opts)
    if as_json:
        console.print_json(json.dumps([r.to_dict() for r in results], default=str))
        return
    for r in results:
        if r.score_before is None:
            console.print(f"[bold]{r.kind}[/]: {r.reason}")
            continue
        verdict = "[green]promoted[/]" if r.promoted else "[red]not promoted[/]"
        console.print(
            f"[bold]{r.kind}[/] ({r.n_corrections} corrections from {r.corrections_source} "
            "contacts; "
            f"test: {r.data} (real public data), {r.metric}, n_test={r.n_test}): "
            f"before {r.score_before:.4f} ({r.baseline}) -> after {r.score_after:.4f}: {verdict}"
            + (f" as v{r.new_version} at {r.path}" if r.promoted else "")
            + f" [{r.seconds:.0f} s]"
        )
    if any(r.promoted for r in results) and models_dir is None:
        console.print(
            "the default backend loads promoted heads when EMPATHOS_MODELS_DIR points at that "
            "folder"
        )


def _fmt(x: object, pct: bool = False) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.0%}" if pct else f"{x:+.3f}" if -1.0 <= x <= 1.0 else f"{x:,.2f}"
    return str(x)


def _print_coaching(console, rep) -> None:  # noqa: ANN001 - a rich Console and a CoachingReport
    """The coaching report as Rich tables (turn texts escaped: masks like [name] are not markup)."""
    from rich.markup import escape
    from rich.table import Table

    who = f"{rep.subject} {rep.subject_id}" + (f" ({rep.name})" if rep.name else "")
    console.print(
        f"[bold]Coaching — {who}[/]  data: [bold]{rep.source}[/]; {rep.n_contacts} contacts, "
        f"{rep.n_replies} replies; window {rep.window.get('from')} .. {rep.window.get('to')}"
    )
    console.print(f"[dim]{rep.note} Scores: {rep.scores_model}[/]")
    pct = {
        "improved_share",
        "unchanged_share",
        "worsened_share",
        "any_mechanism_share",
        "sympathy_only_share",
    }
    t = Table(title="How the contacts end, and what was done")
    t.add_column("figure")
    t.add_column("value")
    for pool in rep.peers:
        t.add_column(f"percentile in {pool} (n={rep.peers[pool]['n_peers']})")
    for k, v in {
        **rep.figures,
        **{f"replies with {m}": v for m, v in rep.mechanisms.items() if not m.endswith("_strong")},
    }.items():
        cells = []
        for pool in rep.peers:
            p = rep.peers[pool].get(k)
            cells.append(
                "—"
                if not isinstance(p, dict) or p["percentile"] is None
                else f"{p['percentile']:.0f} "
                f"({'higher' if p['higher_is_better'] else 'lower'} is better)"
            )
        t.add_row(k, _fmt(v, k in pct or k.startswith("replies with")), *cells)
    console.print(t)
    if rep.members:
        m = Table(title="Members")
        for col in (
            "employee",
            "name",
            "contacts",
            "end valence",
            "improved",
            "worsened",
            "any mechanism",
            "sympathy-only",
        ):
            m.add_column(col)
        for r in rep.members:
            m.add_row(
                r["employee_id"],
                r["name"] or "",
                str(r["n_contacts"]),
                _fmt(r["end_valence"]),
                _fmt(r["improved_share"], True),
                _fmt(r["worsened_share"], True),
                _fmt(r["any_mechanism_share"], True),
                _fmt(r["sympathy_only_share"], True),
            )
        console.print(m)
    if rep.trend:
        w = Table(title="Weekly trend")
        for col in (
            "week",
            "contacts",
            "end valence",
            "remembered",
            "improved",
            "worsened",
            "any mechanism",
            "sympathy-only",
        ):
            w.add_column(col)
        for r in rep.trend:
            w.add_row(
                r["week"],
                str(r["n_contacts"]),
                _fmt(r["end_valence"]),
                _fmt(r["remembered"]),
                _fmt(r["improved_share"], True),
                _fmt(r["worsened_share"], True),
                _fmt(r["any_mechanism_share"], True),
                _fmt(r["sympathy_only_share"], True),
            )
        console.print(w)
    for kind in ("best", "worst"):
        for ex in rep.examples.get(kind, []):
            console.print(
                f"[bold]{kind} ending[/] {ex['interaction_id']} ({ex['started_at']}): end valence "
                f"{ex['end_valence']:+.2f}, outcome {ex['outcome']}"
            )
            for turn in ex["last_turns"]:
                tag = turn.get("emotion") or (
                    "/".join(f"{k[:3]}={v}" for k, v in turn["empathy"].items())
                    if "empathy" in turn
                    else ""
                )
                console.print(
                    f"   {turn['speaker']:>8}: {escape(turn['text'])}  [dim]{tag}[/]",
                    soft_wrap=True,
                )


def _print_ooda(console, rep) -> None:  # noqa: ANN001 - a rich Console and an OodaReport
    """The OODA report as Rich tables."""
    from rich.table import Table

    cur = rep.current
    console.print(
        f"[bold]OODA[/]  data: [bold]{rep.source}[/]; {cur.get('n_contacts', 0)} contacts in the "
        "last "
        f"{(cur.get('window') or {}).get('days', '?')} days"
    )
    for note in rep.notes:
        console.print(f"[yellow]{note}[/]")
    o = Table(title="Observe: KPIs per week")
    for col in (
        "week",
        "contacts",
        "automation",
        "remembered",
        "experienced",
        "churned",
        "CSAT (n)",
    ):
        o.add_column(col)
    for r in rep.observe.get("weekly", []):
        o.add_row(
            r["week"],
            str(r["contacts"]),
            _fmt(r["automation_share"], True),
            _fmt(r["remembered_score"]),
            _fmt(r["experienced_score"]),
            str(r["churned_customers"]),
            f"{_fmt(r['csat'])} ({r['n_csat']})",
        )
    console.print(o)
    v = rep.observe.get("prediction_run")
    if v:
        amount = (
            "unknown (see `empathos predict`'s notes)"
            if v["value_at_risk"] is None
            else f"{v['value_at_risk']:,.0f} over {v['customers_with_value']:,} customers"
        )
        console.print(f"value at risk: {amount}; {v['run']}", soft_wrap=True)
    else:
        console.print("value at risk: no stored predictions (run `empathos predict`)")
    k = Table(title="Orient: our KPIs vs benchmarks")
    for col in ("metric", "segment", "ours (n)", "benchmark", "source", "period", "gap", "verdict"):
        k.add_column(col)
    for r in rep.orient:
        k.add_row(
            r["metric"],
            r["segment"] or "all",
            f"{_fmt(r['ours'])} ({r['n']})",
            _fmt(r["benchmark"]),
            r["benchmark_source"],
            r["period"],
            _fmt(r["gap"]),
            r["verdict"] or "—",
        )
    if rep.orient:
        console.print(k)
    else:
        console.print(
            "orient: no benchmarks stored (import with `empathos ooda --benchmarks FILE`)"
        )
    d = Table(title="Decide: actions ranked by expected value (value kept if churn falls)")
    for col in (
        "#",
        "action",
        "policy",
        "customers",
        "value at risk",
        "expected value [interval]",
        "effect basis",
    ):
        d.add_column(col)
    for a in rep.decide:
        ev = (
            "unmeasured"
            if a["expected_value"] is None
            else (f"{a['expected_value']:,.0f} [{a['ev_low']:,.0f}, {a['ev_high']:,.0f}]")
        )
        basis = (
            a["effect"]["basis"] + f" (n={a['effect']['n']}, {a['effect']['source']})"
            if a["effect"]
            else a["note"]
        )
        d.add_row(
            str(a["rank"]),
            a["name"],
            a["policy"] or "—",
            str(a["n_customers"]),
            "unknown" if a["value_at_risk"] is None else f"{a['value_at_risk']:,.0f}",
            ev,
            basis,
        )
    console.print(d)
    console.print(f"[dim]Act: {rep.act}[/]")


def _utcnow() -> datetime:
    """Now as the store keeps time: naive UTC (the live desk's clock)."""
    from datetime import UTC

    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


exp_app = typer.Typer(
    help="Measured experiments: a treatment policy against a control group routed the old way.",
    no_args_is_help=True,
)
app.add_typer(exp_app, name="experiment")


@exp_app.command("start")
def exp_start(
    name: Annotated[
        str, typer.Argument(help="Experiment name (unique; restarting a name replaces it).")
    ],
    treatment: Annotated[
        str, typer.Option(help="Routing policy under test, e.g. bandit or empathy.")
    ] = "bandit",
    control: Annotated[str, typer.Option(help="Baseline policy of the control arm.")] = "fifo",
    control_share: Annotated[
        float, typer.Option(help="Share of contacts (or time slices) in the control arm.")
    ] = 0.2,
    cycle_minutes: Annotated[
        float | None,
        typer.Option(
            help="ON/OFF time slices of this many minutes instead of a per-contact split."
        ),
    ] = None,
    source: Annotated[
        str,
        typer.Option(help="Where the contacts come from: imported, sample or simulated."),
    ] = "imported",
    started_at: Annotated[
        str | None,
        typer.Option(
            "--started-at",
            help="When the split began (ISO 8601, e.g. 2026-01-05); default now. Stored "
            "interactions from then on join the experiment.",
        ),
    ] = None,
    arms_from: Annotated[
        str,
        typer.Option(
            help="How imported interactions get their arm: 'attribute' (attributes.arm = "
            "control/treatment, set by the router that ran the split) or 'hash' (this "
            "experiment's own split, only when the router applied it). Live contacts "
            "routed by the desk always record their arm.",
        ),
    ] = "attribute",
    db: DbOption = None,
) -> None:
    """Record a new experiment: which policy is compared with which, and how traffic is split.

    The live desk routes the control arm with the control policy and records every
    contact's arm; `experiment report` adds the stored interactions of the period that
    carry an arm (see docs/learn.md)."""
    from empathos.learn.arms import ARMS_FROM, assign_stored
    from empathos.learn.experiments import ExperimentConfig, start_experiment

    try:
        cfg = ExperimentConfig(
            name=name,
            treatment=treatment,
            control=control,
            control_share=control_share,
            cycle_minutes=cycle_minutes,
        )
        when = datetime.fromisoformat(started_at) if started_at else _utcnow()
    except ValueError as exc:
        fail(str(exc))
    if arms_from not in ARMS_FROM:
        fail(f"--arms-from must be one of {', '.join(ARMS_FROM)}, not {arms_from!r}")
    if when.tzinfo is not None:  # the store keeps naive UTC
        from datetime import UTC

        when = when.astimezone(UTC).replace(tzinfo=None)
    engine = open_store(db)
    start_experiment(
        engine, cfg, when.replace(microsecond=0), source=source, details={"arms_from": arms_from}
    )
    split = f"{cycle_minutes:g}-minute ON/OFF slices" if cycle_minutes else "per contact (hash)"
    console.print(
        f"experiment [bold]{name}[/]: {treatment} vs {control}, {control_share:.0%} control, "
        f"{split}, from {when:%Y-%m-%d %H:%M}"
    )
    scan = assign_stored(engine, name)
    console.print(
        f"stored interactions since then: {scan.from_attribute:,} with an arm attribute"
        + (f", {scan.from_hash:,} assigned by the split" if scan.from_hash else "")
        + (
            f", {scan.without_arm:,} without an arm (not in the experiment)"
            if scan.without_arm
            else ""
        )
        + (f", {scan.unreadable:,} with an unreadable arm" if scan.unreadable else "")
    )


@exp_app.command("end")
def exp_end(
    name: Annotated[str, typer.Argument(help="Experiment name.")], db: DbOption = None
) -> None:
    """Close an experiment's period (its assignments and report stay)."""
    from empathos.learn.experiments import end_experiment

    try:
        end_experiment(open_store(db), name, _utcnow())
    except KeyError as exc:
        fail(str(exc.args[0]))
    console.print(f"experiment [bold]{name}[/] ended")


@exp_app.command("report")
def exp_report(
    name: Annotated[str, typer.Argument(help="Experiment name.")],
    churn_days: Annotated[
        float, typer.Option(help="Churn counted within this many days after a contact.")
    ] = 14.0,
    bootstrap: Annotated[
        bool, typer.Option(help="Add a bootstrap CI for the remembered score.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    db: DbOption = None,
) -> None:
    """Treatment vs control on every KPI in the store, each with its CI, test, sizes and data
    source."""
    import json

    from rich.table import Table

    from empathos.learn.experiments import experiment_report

    try:
        rep = experiment_report(
            open_store(db), name, churn_window_days=churn_days, bootstrap=bootstrap
        )
    except KeyError as exc:
        fail(str(exc.args[0]))
    if as_json:
        console.print_json(json.dumps(rep.to_dict(), default=str))
        return
    table = Table(
        title=f"{name}: {rep.treatment_policy} vs {rep.control_policy} — data: {rep.source}; "
        f"n = {rep.n_treatment:,} treatment / {rep.n_control:,} control"
    )
    for col in ("KPI", "treatment", "control", "diff", "95% CI", "test", "p", "n T / C"):
        table.add_column(col)
    from empathos.learn.lift import fmt_figure

    for x in rep.lifts:
        table.add_row(
            x.kpi,
            fmt_figure(x.treatment_mean, ".4f"),
            fmt_figure(x.control_mean, ".4f"),
            fmt_figure(x.diff, "+.4f"),
            f"[{fmt_figure(x.ci_low, '+.4f')}, {fmt_figure(x.ci_high, '+.4f')}]",
            x.test,
            fmt_figure(x.p_value, ".3g"),
            f"{x.n_treatment:,} / {x.n_control:,}",
        )
    if rep.is_empty:
        console.print(f"{name}: empty — {rep.empty_note}; no lift is measured")
        return
    console.print(table)
    if not rep.lifts:
        console.print("no KPI values yet (are the contacts analysed? run `empathos analyze`)")
    elif rep.scores_model:
        console.print(
            f"scores from {rep.scores_model}; a diff is a lift only where its CI excludes 0"
        )
