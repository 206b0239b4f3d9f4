"""``empathos predict``: score every customer and employee as of a date and store it.

Steps (each a pure library call; only this module writes to the store — DESIGN.md's
"scores and decisions are separate objects"):

1. churn model: trained on stacked snapshots whose label windows end by ``as_of``
   (:mod:`empathos.predict.churn`), then applied to the features as of ``as_of``;
2. CLV: BG/NBD + Gamma-Gamma fitted on transactions up to ``as_of``
   (:mod:`empathos.predict.clv`);
3. value at risk = P(churn) × CLV and the avoidable-churn list
   (:mod:`empathos.predict.value_at_risk`);
4. employees: attrition index and ELV (:mod:`empathos.predict.attrition`);
5. effect sizes of the remembered score on later behaviour (:mod:`empathos.predict.effects`).

Rows go to ``customer_scores`` / ``employee_scores`` keyed by model, version (the
understand models the features read) and ``as_of``; a rerun for the same key replaces
its own rows and nothing else. Every figure is stored with its basis (``fitted``,
``prior``, ``fallback`` or ``unknown``, :data:`empathos.store.queries.BASES`) and a note
saying why when it is not fitted: a figure the data cannot support is NULL with its
reason, never 0 (no transactions: CLV unknown; no churn outcomes: churn risk unknown).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, func, select

from empathos.predict.features import plain_rows
from empathos.predict import attrition as attr
from empathos.predict import churn as ch
from empathos.predict import effects as eff
from empathos.predict import features as feat
from empathos.predict.scoring import (
    PARTITION_CUSTOMERS,
    ScoredPartition,
    ScoringModels,
    frame_partitions,
    score_partition,
)
from empathos.predict.value_at_risk import AvoidableChurnConfig, avoidable_churn
from empathos.store.queries import current_prediction_run
from empathos.store.schema import (
    customer_scores,
    customers,
    employee_scores,
    interactions,
    outcomes,
    transactions,
)
from empathos.understand.pipeline.mapper import BatchMapper, SerialMapper

__all__ = ["PredictReport", "predict", "store_scores", "top_risk"]

PRIOR_MODEL = "churn.prior.v1"


@dataclass
class PredictReport:
    """What one ``predict`` run computed and stored."""

    as_of: datetime
    churn_model: str
    version: str
    n_train: int = 0
    n_train_positive: int = 0
    customers_scored: int = 0
    employees_scored: int = 0
    # None = unknown (the data cannot support the figure; the *_note says why), never 0
    mean_p_churn: float | None = None
    total_clv: float | None = None
    total_value_at_risk: float | None = None
    churn_basis: str = "fitted"  # of the run's churn risks: fitted, prior or unknown
    churn_note: str = ""
    clv_model: str = ""
    clv_note: str = ""
    clv_bases: dict[str, int] = field(default_factory=dict)  # customers by CLV basis
    clv_estimated: float = 0.0  # the part of total_clv that is a fallback, not fitted
    elv_bases: dict[str, int] = field(default_factory=dict)  # employees by ELV basis
    effect_gaps: dict[str, str] = field(default_factory=dict)  # outcome -> why no row
    window_days: float = 0.0
    sources: dict[str, int] = field(default_factory=dict)  # scored customers by data source
    avoidable: list[dict[str, Any]] = field(default_factory=list)
    effects: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    computed_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["as_of"] = self.as_of.isoformat()
        return d

    def run_label(self) -> str:
        """The name every face gives this run (:meth:`PredictionRun.label`)."""
        from empathos.store.queries import PredictionRun

        return PredictionRun(self.as_of, self.churn_model, self.version, self.computed_at).label()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _default_as_of(engine: Engine) -> datetime | None:
    with engine.connect() as conn:
        a = conn.execute(select(func.max(interactions.c.started_at))).scalar()
        b = conn.execute(select(func.max(transactions.c.ts))).scalar()
    dates = [d for d in (a, b) if d is not None]
    return max(dates) if dates else None


def _clv(
    engine: Engine, as_of: datetime, clv_config: Any | None
) -> tuple[Any | None, pd.DataFrame | None, float, str, str]:
    """The CLV model (BG/NBD + Gamma-Gamma) fitted on the purchases up to ``as_of``, the
    purchase summary it scores from, the new-customer CLV, its name and why not.

    Scored per customer by :func:`empathos.predict.scoring.score_partition`: ``fitted``
    for a customer in the summary; a customer with no purchase yet is outside BG/NBD (it
    starts at the first purchase): they get the model's expectation for a *new* customer
    over the horizon × the population mean spend, basis ``fallback``. Without enough
    purchases to fit (none imported, fewer than 20 buyers, a failed fit) the model is
    ``None``: every CLV is NaN with basis ``unknown`` and the reason.
    """
    from empathos.predict import clv

    with engine.connect() as conn:
        res = conn.execute(
            select(transactions.c.customer_id, transactions.c.ts, transactions.c.amount).where(
                transactions.c.ts <= as_of
            )
        )
        tx = pd.DataFrame(plain_rows(res), columns=["customer_id", "ts", "amount"])
        n_all = conn.execute(select(func.count()).select_from(transactions)).scalar_one()
    if n_all == 0:
        return None, None, np.nan, "", "no transactions imported: CLV unknown"
    buyers = tx["customer_id"].nunique()
    if buyers < 20:
        return (
            None,
            None,
            np.nan,
            "",
            f"only {buyers} customers bought by {as_of:%Y-%m-%d} (BG/NBD needs 20): CLV unknown",
        )
    cfg = clv_config or clv.CLVConfig()
    summary = clv.rfm_summary(tx, as_of, time_unit_days=cfg.time_unit_days)
    try:
        fitted = clv.fit_clv(summary, cfg)
    except Exception as exc:  # noqa: BLE001 - an optimiser failure must not stop churn scores
        return None, None, np.nan, "", f"CLV fit failed ({exc}): CLV unknown"
    prior = float(
        clv.expected_purchases_new_customer(fitted.bgnbd, cfg.horizon) * fitted.mean_spend()
    )
    return fitted, summary, prior, fitted.model_name, ""


def _score(
    models: ScoringModels,
    frames: Iterator[pd.DataFrame],
    summary: pd.DataFrame | None,
    mapper: BatchMapper | None,
    partition_size: int,
) -> Iterator[ScoredPartition]:
    """Every customer of ``frames`` (feature frames, one per partition, built lazily)
    scored partition by partition through ``mapper`` (in process without one), yielded
    in ``frames``' order as they come back (the mapper keeps a few in flight)."""
    run = mapper or SerialMapper()
    parts = frame_partitions(frames, summary, partition_size)
    yield from run.map(partial(score_partition, models), parts)


CLV_FALLBACK_NOTE = (
    "CLV: no purchase by the cut-off, so the fitted model's expectation for a new customer"
)


AVOIDABLE_SHOWN = 20  # the avoidable-churn customers a report carries (highest value at risk)


def _partition_rows(
    pt: ScoredPartition,
    report: PredictReport,
    clv_fitted: bool,
    acfg: AvoidableChurnConfig,
    now: datetime,
) -> tuple[list[dict[str, Any]], list[Any]]:
    """The ``customer_scores`` rows of one scored partition and its avoidable-churn
    customers (value at risk descending). Every field depends on its own customer only
    (the avoidable test included), so building them partition by partition stores the
    rows a whole-run pass would; the run's top list is the top of the partitions' tops
    under the same total order (value at risk, then id)."""
    known = np.isfinite(pt.p) & np.isfinite(pt.clv)
    var_by = {c: float(v) for c, v, k in zip(pt.ids, pt.var, known, strict=True) if k}
    avoid = avoidable_churn(var_by, pt.drivers, acfg)
    avoidable_ids = {a.customer_id for a in avoid}
    churn_why = [report.churn_note] if report.churn_basis != "fitted" else []
    rows = []
    for k, cid in enumerate(pt.ids):
        c = pt.clv[k]
        cb = ("fitted" if pt.clv_fitted[k] else "fallback") if clv_fitted else "unknown"
        why = list(churn_why)
        if cb == "fallback":
            why.append(CLV_FALLBACK_NOTE)
        elif cb == "unknown":
            why.append(report.clv_note)
        rows.append(
            {
                "customer_id": cid,
                "model": report.churn_model,
                "version": report.version,
                "as_of": report.as_of,
                "p_churn": float(pt.p[k]) if np.isfinite(pt.p[k]) else None,
                "clv": None if pd.isna(c) else float(c),
                "value_at_risk": float(pt.var[k]) if known[k] else None,
                "drivers": {
                    "top": [[d.name, round(d.contribution, 6)] for d in pt.drivers.get(cid, [])],
                    "bias": None if pt.bias is None else float(pt.bias[k]),
                    "avoidable": cid in avoidable_ids,
                    "clv_source": {"fitted": "bgnbd_gg", "fallback": "prior"}.get(cb, "none"),
                    "clv_model": report.clv_model,
                    "window_days": report.window_days,
                },
                "computed_at": now,
                "churn_basis": report.churn_basis,
                "clv_basis": cb,
                "basis_note": "; ".join(why) or None,
            }
        )
    return rows, avoid


def _num(v: Any) -> float | None:
    return None if pd.isna(v) else float(v)


def _has_churn_outcomes(engine: Engine) -> bool:
    with engine.connect() as conn:
        row = conn.execute(select(outcomes.c.kind).where(outcomes.c.kind == "churn").limit(1))
        return row.first() is not None


def predict(
    engine: Engine,
    as_of: datetime | None = None,
    progress: bool = True,
    churn_config: ch.ChurnConfig | None = None,
    clv_config: Any | None = None,
    attrition_config: attr.AttritionConfig | None = None,
    avoidable_config: AvoidableChurnConfig | None = None,
    effects_boot: int = 200,
    mapper: BatchMapper | None = None,
    partition_size: int = PARTITION_CUSTOMERS,
    feature_partition: int | None = None,
) -> PredictReport:
    """Compute and store churn risk, CLV, value at risk and employee scores as of a date
    (default: the latest contact or purchase in the store).

    The per-customer scoring runs partition by partition (``partition_size`` customers)
    through ``mapper`` — in process without one, or an engine's (``local`` processes,
    ``ray``: docs/scale.md); the fits, the employees and the writes stay in this process,
    and every engine stores the same rows. Each partition's rows are inserted as it comes
    back (inside the one transaction that replaces the run's rows), so the per-customer
    row objects never exist for all customers at once (docs/scale.md, predict's memory).
    The features are built as the mapper asks for partitions: the one frame up to
    ``features.ONE_FRAME_CUSTOMERS`` customers, ``features.FEATURE_PARTITION`` at a time
    above (``feature_partition``: that many at a time, whatever the size)."""
    t0 = time.perf_counter()
    say = (lambda m: __import__("sys").stderr.write(m + "\n")) if progress else (lambda m: None)
    as_of = as_of or _default_as_of(engine)
    if as_of is None:
        raise ValueError("the store has no interactions or transactions to predict from")
    cfg = churn_config or ch.ChurnConfig()
    sm = feat.latest_score_model(engine)
    version = (sm.label() if sm else "no-understand")[:64]
    report = PredictReport(as_of=as_of, churn_model=ch.MODEL_NAME, version=version)
    if sm is None:
        report.notes.append(
            "no understand scores in the store: emotional features are empty "
            "(run `empathos analyze` first)"
        )

    # 1. churn
    say("predict: churn model")
    first, _ = feat.data_span(engine)
    ids = feat.active_customers(engine, as_of)  # the scored customers; features come later
    model: ch.ChurnModel | None = None
    try:
        Xtr, ytr = ch.stacked_training_set(
            engine, ch.snapshot_dates(as_of, cfg, first), cfg.window_days, sm, cfg
        )
        report.n_train, report.n_train_positive = len(ytr), int(ytr.sum())
        model = ch.fit_churn(Xtr, ytr, feat.FEATURES, cfg, as_of)
        del Xtr, ytr
    except ch.InsufficientData as exc:
        report.churn_model = PRIOR_MODEL
        if report.n_train and _has_churn_outcomes(engine):
            rate = report.n_train_positive / report.n_train
            report.churn_basis = "prior"
            report.churn_note = (
                f"churn model not fitted ({exc}): every customer gets the prior "
                f"{PRIOR_MODEL}, the observed churn rate {rate:.4f} "
                f"({report.n_train_positive} churners in {report.n_train:,} snapshots)"
            )
        else:
            report.churn_basis = "unknown"
            why = "no churn outcomes imported" if report.n_train else str(exc)
            report.churn_note = (
                f"churn risk unknown: {why} (import outcomes of kind `churn` to fit "
                "the churn model)"
            )
        report.notes.append(report.churn_note)
    rate = report.n_train_positive / report.n_train if report.n_train else np.nan

    # 2-3. CLV and value at risk
    say("predict: CLV")
    fitted_clv, summary, clv_prior, report.clv_model, report.clv_note = _clv(
        engine, as_of, clv_config
    )
    if report.clv_note:
        report.notes.append(report.clv_note)
    say("predict: scoring customers")
    models = ScoringModels(
        churn=model,
        p_prior=rate if model is None and report.churn_basis == "prior" else np.nan,
        clv=fitted_clv,
        clv_prior=clv_prior,
    )
    acfg = avoidable_config or AvoidableChurnConfig()
    now = _now()
    report.computed_at = now
    report.customers_scored = len(ids)
    report.window_days = cfg.window_days
    report.sources = _sources(engine, ids)
    # Streamed: each partition's rows are built and inserted as it comes back, so the
    # per-customer Python objects (row dicts, drivers) live for one partition only; what
    # is kept for the whole run are five numbers per customer (docs/scale.md, predict's
    # memory). One transaction still replaces the run's rows (see store_scores).
    cs, es = customer_scores.c, employee_scores.c
    p_parts: list[np.ndarray] = []
    clv_parts: list[np.ndarray] = []
    var_parts: list[np.ndarray] = []
    fit_parts: list[np.ndarray] = []
    top_avoid: list[Any] = []
    with engine.begin() as wconn:
        wconn.execute(
            delete(customer_scores).where(
                cs.model == report.churn_model, cs.version == version, cs.as_of == as_of
            )
        )
        wconn.execute(
            delete(employee_scores).where(
                es.model == attr.MODEL_NAME, es.version == version, es.as_of == as_of
            )
        )
        fsize, one = (
            (feat.FEATURE_PARTITION, feat.ONE_FRAME_CUSTOMERS)
            if feature_partition is None
            else (feature_partition, None)
        )
        frames = feat.feature_partitions(engine, as_of, sm, fsize, None, one)
        scored_ids: list[str] = []
        for pt in _score(models, frames, summary, mapper, partition_size):
            scored_ids.extend(pt.ids)
            rows, avoid = _partition_rows(pt, report, fitted_clv is not None, acfg, now)
            for start in range(0, len(rows), 2000):
                wconn.execute(customer_scores.insert(), rows[start : start + 2000])
            top_avoid = sorted(
                top_avoid + avoid[:AVOIDABLE_SHOWN],
                key=lambda a: (-a.value_at_risk, a.customer_id),
            )[:AVOIDABLE_SHOWN]
            p_parts.append(pt.p)
            clv_parts.append(pt.clv)
            var_parts.append(pt.var)
            fit_parts.append(pt.clv_fitted)
            del rows, avoid, pt
        p = np.concatenate(p_parts) if p_parts else np.zeros(0)
        clv_arr = np.concatenate(clv_parts) if clv_parts else np.zeros(0)
        var = np.concatenate(var_parts) if var_parts else np.zeros(0)
        index = pd.Index(scored_ids, dtype=object, name="customer_id")
        if fitted_clv is None:
            clv_basis = pd.Series("unknown", index=index, dtype=object)
        else:
            fit = np.concatenate(fit_parts) if fit_parts else np.zeros(0, bool)
            clv_basis = pd.Series(np.where(fit, "fitted", "fallback"), index=index, dtype=object)
        clv_values = pd.Series(clv_arr, index=index)
        known = np.isfinite(p) & np.isfinite(clv_arr)
        var_by = pd.Series(var[known], index=index[known])
        report.avoidable = [
            {
                "customer_id": a.customer_id,
                "value_at_risk": a.value_at_risk,
                "actionable": [d.name for d in a.actionable_drivers],
                "actionable_share": a.actionable_share,
            }
            for a in top_avoid
        ]
        finite_p, finite_clv = p[np.isfinite(p)], clv_arr[np.isfinite(clv_arr)]
        report.mean_p_churn = float(finite_p.mean()) if len(finite_p) else None
        report.total_clv = float(finite_clv.sum()) if len(finite_clv) else None
        report.total_value_at_risk = float(var[known].sum()) if known.any() else None
        report.clv_bases = {
            str(k): int(v) for k, v in clv_basis.value_counts().sort_index().items()
        }
        report.clv_estimated = float(clv_values[clv_basis == "fallback"].sum())
        del p_parts, clv_parts, var_parts, fit_parts, scored_ids

        # 4. employees
        say("predict: employees")
        acfg_e = attrition_config or attr.AttritionConfig()
        emo = (sm.model, sm.version) if sm else None
        emp_m = (sm.empathy_model, sm.empathy_version) if sm else None
        ef = attr.employee_features(engine, as_of, acfg_e, emo, emp_m)
        erows = []
        if len(ef):
            handled_var = _mean_var_handled(engine, as_of, acfg_e, var_by)
            scores = attr.score_employees(ef, acfg_e, handled_var)
            for eid, r in scores.iterrows():
                handled = handled_var.get(eid)
                depends = acfg_e.value_per_contact <= 0 and ef.loc[eid, "contacts_handled"] > 0
                if depends and (handled is None or pd.isna(handled)):
                    elv_basis, elv, elv_note = (
                        "unknown",
                        None,
                        "ELV unknown: no value at risk known for the customers this employee "
                        "handled (see the CLV and churn notes)",
                    )
                else:
                    elv_basis, elv, elv_note = (
                        "prior",
                        float(r["elv"]),
                        "ELV rests on placeholder assumptions (attrition index weights, "
                        f"retention uplift {acfg_e.retention_uplift:.0%}, replacement cost "
                        f"{acfg_e.elv.replacement_cost:,.0f}): set them from HR and finance data",
                    )
                terms = {
                    k.removeprefix("driver_"): round(float(v), 6)
                    for k, v in r.items()
                    if str(k).startswith("driver_")
                }
                erows.append(
                    {
                        "employee_id": str(eid),
                        "model": attr.MODEL_NAME,
                        "version": version,
                        "as_of": as_of,
                        "attrition_risk": float(r["attrition_risk"]),
                        "elv": elv,
                        "drivers": {
                            "terms": terms,
                            "features": {k: _num(v) for k, v in ef.loc[eid].items()},
                            "value_per_contact": float(r["value_per_contact"]),
                        },
                        "computed_at": now,
                        "elv_basis": elv_basis,
                        "basis_note": elv_note,
                    }
                )
        report.employees_scored = len(erows)
        for e in erows:
            report.elv_bases[e["elv_basis"]] = report.elv_bases.get(e["elv_basis"], 0) + 1
        if erows:
            wconn.execute(employee_scores.insert(), erows)

    # 5. effects (not stored: a report, not a score)
    say("predict: effect sizes")
    try:
        frame = eff.contact_outcomes(engine, score_model=sm)
        report.effects = [asdict(r) for r in eff.effect_table(frame, n_boot=effects_boot)]
        report.effect_gaps = eff.effect_gaps(frame)
    except Exception as exc:  # noqa: BLE001 - the effect table is a report; never block scores
        report.notes.append(f"effect table failed: {exc}")

    report.seconds = time.perf_counter() - t0
    return report


def store_scores(
    engine: Engine,
    customer_rows: list[dict[str, Any]],
    employee_rows: list[dict[str, Any]],
    churn_model: str,
    employee_model: str,
    version: str,
    as_of: datetime,
) -> None:
    """Replace the rows of this (model, version, as_of) in one transaction, so a rerun
    never duplicates scores and never touches another model's or date's rows."""
    cs, es = customer_scores.c, employee_scores.c
    with engine.begin() as conn:
        conn.execute(
            delete(customer_scores).where(
                cs.model == churn_model, cs.version == version, cs.as_of == as_of
            )
        )
        conn.execute(
            delete(employee_scores).where(
                es.model == employee_model, es.version == version, es.as_of == as_of
            )
        )
        for start in range(0, len(customer_rows), 2000):
            conn.execute(customer_scores.insert(), customer_rows[start : start + 2000])
        if employee_rows:
            conn.execute(employee_scores.insert(), employee_rows)


def _sources(engine: Engine, ids: Sequence[str]) -> dict[str, int]:
    """How many of the scored customers come from each data source (imported, sample, simulated),
    so every report can say where its figures come from. Customers seen only in
    interactions or transactions (no customers row) count as "unknown"."""
    with engine.connect() as conn:
        res = conn.execute(select(customers.c.customer_id, customers.c.source))
        by_id = dict(res.fetchall())
    counts: dict[str, int] = {}
    for cid in ids:
        src = by_id.get(cid) or "unknown"
        counts[src] = counts.get(src, 0) + 1
    return counts


def _mean_var_handled(
    engine: Engine, as_of: datetime, cfg: attr.AttritionConfig, var_by: dict[str, float]
) -> pd.Series:
    """Mean value at risk of the customers each employee handled in the look-back."""
    from datetime import timedelta

    i = interactions.c
    start = as_of - timedelta(days=cfg.lookback_days)
    with engine.connect() as conn:
        res = conn.execute(
            select(i.employee_id, i.customer_id).where(
                i.employee_id.is_not(None), i.started_at > start, i.started_at <= as_of
            )
        )
        df = pd.DataFrame(plain_rows(res), columns=["employee_id", "customer_id"])
    if df.empty:
        return pd.Series(dtype=float)
    df["var"] = df["customer_id"].map(var_by)
    return df.groupby("employee_id")["var"].mean()


def top_risk(engine: Engine, n: int = 20, avoidable_only: bool = False) -> list[dict[str, Any]]:
    """The current run's customers (:func:`empathos.store.queries.current_prediction_run`)
    ranked by value at risk (unknown last), then P(churn), then id; each row carries its
    ``churn_basis`` / ``clv_basis`` / ``basis_note`` and the run's ``run`` label."""
    cs = customer_scores.c
    with engine.connect() as conn:
        run = current_prediction_run(conn)
        if run is None:
            return []
        q = (
            select(
                cs.customer_id,
                cs.p_churn,
                cs.clv,
                cs.value_at_risk,
                cs.drivers,
                cs.as_of,
                cs.model,
                cs.version,
                cs.churn_basis,
                cs.clv_basis,
                cs.basis_note,
            )
            .where(run.where())
            .order_by(
                cs.value_at_risk.is_(None),
                cs.value_at_risk.desc(),
                cs.p_churn.is_(None),
                cs.p_churn.desc(),
                cs.customer_id,
            )
        )
        out = []
        for r in conn.execute(q):
            d = dict(r._mapping)
            if avoidable_only and not (d["drivers"] or {}).get("avoidable"):
                continue
            d["run"] = run.label()
            out.append(d)
            if len(out) >= n:
                break
    return out
