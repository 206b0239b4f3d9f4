"""`empathos` commands of the learn stage (thin wrappers over library calls)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach this stage's commands to ``app``."""
    register_experiments(app)


def register_experiments(app: typer.Typer) -> None:
    """``empathos experiment start|end|report``: control groups and measured lift."""
    from datetime import datetime
    from typing import Annotated

    from empathos.cli import DbOption, console, fail, open_store

    exp_app = typer.Typer(help="Measured experiments: a treatment policy against a control group routed the old way.",
                          no_args_is_help=True)
    app.add_typer(exp_app, name="experiment")
    names = {"Annotated": Annotated, "DbOption": DbOption, "typer": typer}

    def command(name: str):  # noqa: ANN202 - a decorator
        """``exp_app.command`` after evaluating the string annotations (this module has
        ``from __future__ import annotations``; Typer needs the real ``Annotated`` objects)."""

        def deco(fn):  # noqa: ANN001, ANN202
            import typing

            fn.__annotations__ = typing.get_type_hints(fn, localns=names, include_extras=True)
            return exp_app.command(name)(fn)

        return deco

    @command("start")
    def start(
        name: Annotated[str, typer.Argument(help="Experiment name (unique; restarting a name replaces it).")],
        treatment: Annotated[str, typer.Option(help="Routing policy under test, e.g. bandit or empathy.")] = "bandit",
        control: Annotated[str, typer.Option(help="Baseline policy of the control arm.")] = "fifo",
        control_share: Annotated[float, typer.Option(help="Share of contacts (or time slices) in the control arm.")] = 0.2,
        cycle_minutes: Annotated[float | None, typer.Option(help="ON/OFF time slices of this many minutes instead of a per-contact split.")] = None,
        source: Annotated[str, typer.Option(help="Where the contacts come from: real or simulated.")] = "real",
        db: DbOption = None,
    ) -> None:
        """Record a new experiment: which policy is compared with which, and how traffic is split."""
        from empathos.learn.experiments import ExperimentConfig, start_experiment

        try:
            cfg = ExperimentConfig(name=name, treatment=treatment, control=control, control_share=control_share,
                                   cycle_minutes=cycle_minutes)
        except ValueError as exc:
            fail(str(exc))
        start_experiment(open_store(db), cfg, datetime.now().replace(microsecond=0), source=source)
        split = f"{cycle_minutes:g}-minute ON/OFF slices" if cycle_minutes else "per contact (hash)"
        console.print(f"experiment [bold]{name}[/]: {treatment} vs {control}, {control_share:.0%} control, {split}")

    @command("end")
    def end(name: Annotated[str, typer.Argument(help="Experiment name.")], db: DbOption = None) -> None:
        """Close an experiment's period (its assignments and report stay)."""
        from empathos.learn.experiments import end_experiment

        try:
            end_experiment(open_store(db), name, datetime.now().replace(microsecond=0))
        except KeyError as exc:
            fail(str(exc.args[0]))
        console.print(f"experiment [bold]{name}[/] ended")

    @command("report")
    def report(
        name: Annotated[str, typer.Argument(help="Experiment name.")],
        churn_days: Annotated[float, typer.Option(help="Churn counted within this many days after a contact.")] = 14.0,
        bootstrap: Annotated[bool, typer.Option(help="Add a bootstrap CI for the remembered score.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
        db: DbOption = None,
    ) -> None:
        """Treatment vs control on every KPI in the store, each with its CI, test, sizes and data source."""
        import json

        from rich.table import Table

        from empathos.learn.experiments import experiment_report

        try:
            rep = experiment_report(open_store(db), name, churn_window_days=churn_days, bootstrap=bootstrap)
        except KeyError as exc:
            fail(str(exc.args[0]))
        if as_json:
            console.print_json(json.dumps(rep.to_dict(), default=str))
            return
        table = Table(title=f"{name}: {rep.treatment_policy} vs {rep.control_policy} — data: {rep.source}; "
                            f"n = {rep.n_treatment:,} treatment / {rep.n_control:,} control")
        for col in ("KPI", "treatment", "control", "diff", "95% CI", "test", "p", "n T / C"):
            table.add_column(col)
        for x in rep.lifts:
            table.add_row(x.kpi, f"{x.treatment_mean:.4f}", f"{x.control_mean:.4f}", f"{x.diff:+.4f}",
                          f"[{x.ci_low:+.4f}, {x.ci_high:+.4f}]", x.test, f"{x.p_value:.3g}",
                          f"{x.n_treatment:,} / {x.n_control:,}")
        console.print(table)
        if not rep.lifts:
            console.print("no KPI values yet (are the contacts stored and analysed?)")
        elif rep.scores_model:
            console.print(f"scores from {rep.scores_model}; a diff is a lift only where its CI excludes 0")
