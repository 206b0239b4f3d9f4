"""Customer features for the churn model, as known at a moment (``as_of``).

Why a separate module: the one rule that makes a churn model honest is that a feature
may only use what was known at ``as_of``. Every query here filters on time — interactions
that *ended* by ``as_of`` (or started, when the end is unknown), outcomes and transactions
dated by ``as_of`` — and the labels come from a later window only. A test builds a store,
adds rows after ``as_of`` and checks the features do not move.

The stored ``customer_journeys`` row is the memory *at the customer's latest contact*,
which may be after ``as_of``; using it would leak the future. So the emotional memory is
recomputed here with the journey formula of ``understand.journey`` (same half-life and
loss aversion) from the interactions up to ``as_of``.

Feature groups (names matter: ``value_at_risk.AvoidableChurnConfig`` calls the emotional
and effort ones *actionable* by name and prefix):

* ``BASE_FEATURES``: recency/frequency/tenure/monetary and contact counts by need — what a
  CRM knows without reading a conversation.
* ``SURVEY_FEATURES``: mean CSAT/NPS answered so far (NaN when none).
* ``EMOTIONAL_FEATURES``: the understand stage's outputs — remembered and experienced
  score of the last contacts, emotional memory and balance, emotional outcomes, effort
  signals, empathy received, predicted CSAT (last contact and mean, uncalibrated).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, func, or_, select, true

from empathos.store.queries import ScoreModels, current_score_models
from empathos.store.schema import (
    customers,
    interaction_scores,
    interactions,
    outcomes,
    transactions,
)
from empathos.understand import journey as jny

__all__ = [
    "BASE_FEATURES",
    "EMOTIONAL_FEATURES",
    "FEATURES",
    "FEATURE_PARTITION",
    "ONE_FRAME_CUSTOMERS",
    "SURVEY_FEATURES",
    "ScoreModel",
    "active_customers",
    "churn_labels",
    "customer_features",
    "data_span",
    "feature_partitions",
    "latest_score_model",
]

BASE_FEATURES: tuple[str, ...] = (
    "tenure_days",
    "purchase_recency_days",
    "n_purchases",
    "spend_total",
    "spend_mean",
    "n_contacts",
    "n_contacts_30d",
    "contact_recency_days",
    "n_complaint_contacts",
    "n_cancellation_contacts",
    "last_need_cancellation",
)
SURVEY_FEATURES: tuple[str, ...] = ("survey_csat_mean", "survey_nps_mean")
EMOTIONAL_FEATURES: tuple[str, ...] = (
    "remembered_score",  # the last contact's peak-end score
    "experienced_score",  # the last contact's mean valence
    "emotion_remembered_mean_last3",
    "emotion_remembered_min",
    "emotional_memory",  # journey formula, recomputed as of as_of
    "emotion_balance",
    "emotional_outcome",  # last contact: +1 improved, 0 unchanged, -1 worsened
    "outcome_worsened_share",
    "effort_last",
    "effort_mean",
    "effort_recontacts",
    "effort_transfers",
    "empathy_received",  # mean agent empathy score over the contacts (-100..100)
    "predicted_csat_last",  # the last contact's predicted CSAT (1-5, the model's own scale)
    "predicted_csat_mean",
)
FEATURES: tuple[str, ...] = BASE_FEATURES + SURVEY_FEATURES + EMOTIONAL_FEATURES
# customers whose features are built at once (:func:`feature_partitions`): one set of
# queries each, their ids bound as parameters, so under SQLite's 32,766 variables
FEATURE_PARTITION = 20_000
# up to this many active customers ``predict`` builds the one frame (cheaper, and its
# peak was no higher at 65k customers); above it, partitions of FEATURE_PARTITION
ONE_FRAME_CUSTOMERS = 100_000

_OUTCOME_CODE = {"improved": 1.0, "unchanged": 0.0, "worsened": -1.0}


ScoreModel = ScoreModels
"""Which understand models' interaction scores the features read (the store's one type)."""


def latest_score_model(engine: Engine) -> ScoreModel | None:
    """The (emotion, empathy) model pair with the most scored interactions, or None
    (:func:`empathos.store.queries.current_score_models`, its tie-break included)."""
    return current_score_models(engine)


def data_span(engine: Engine) -> tuple[datetime | None, datetime | None]:
    """First and last interaction start in the store (to pick cut-offs)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(func.min(interactions.c.started_at), func.max(interactions.c.started_at))
        ).first()
    return (row[0], row[1]) if row else (None, None)


def plain_rows(result: Any) -> list[tuple[Any, ...]]:
    """A result's rows as plain tuples, for ``pd.DataFrame``: handed ``Row`` objects,
    pandas probes each for namedtuple/dataclass attributes and every probe raises and
    catches a KeyError inside SQLAlchemy — measured at about a third of ``predict``'s CPU
    at 25k contacts (issue 19). Same values, same dtypes (a test compares the frames)."""
    return list(map(tuple, result))


def _frame(engine: Engine, query) -> pd.DataFrame:  # noqa: ANN001 - a Select
    with engine.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(plain_rows(result), columns=list(result.keys()))


def _known_by(as_of: datetime):  # noqa: ANN202 - a SQL condition
    """Interactions whose end (or start, when the end is unknown) is at or before as_of."""
    i = interactions.c
    return or_(
        and_(i.ended_at.is_not(None), i.ended_at <= as_of),
        and_(i.ended_at.is_(None), i.started_at <= as_of),
    )


def _churned_by(
    engine: Engine, as_of: datetime, customer_ids: Sequence[str] | None = None
) -> set[str]:
    o = outcomes.c
    q = select(o.customer_id).where(o.kind == "churn", o.ts <= as_of, o.customer_id.is_not(None))
    if customer_ids is not None:
        q = q.where(o.customer_id.in_(list(customer_ids)))
    return set(_frame(engine, q)["customer_id"])


def active_customers(engine: Engine, as_of: datetime) -> list[str]:
    """The ids :func:`customer_features` gives a row at ``as_of`` (known by then: created,
    contacted or bought; not yet churned), sorted. Only ids are read, so this is the
    cheap first pass that lets the features be built a partition at a time."""
    i, c, t = interactions.c, customers.c, transactions.c
    with engine.connect() as conn:
        ids = set(
            conn.execute(
                select(c.customer_id).where(or_(c.created_at.is_(None), c.created_at <= as_of))
            ).scalars()
        )
        ids.update(
            conn.execute(
                select(i.customer_id).where(i.customer_id.is_not(None), _known_by(as_of)).distinct()
            ).scalars()
        )
        ids.update(conn.execute(select(t.customer_id).where(t.ts <= as_of).distinct()).scalars())
    return sorted(ids - _churned_by(engine, as_of))


def feature_partitions(
    engine: Engine,
    as_of: datetime,
    score_model: ScoreModel | None,
    size: int,
    ids: Sequence[str] | None = None,
    one_frame_up_to: int | None = None,
) -> Iterator[pd.DataFrame]:
    """:func:`customer_features` of ``ids`` (default: :func:`active_customers`, sorted), built
    ``size`` customers at a time and yielded lazily. Why: every feature is one customer's
    own rows, so the partitions concatenated are the one frame, row for row; but only one
    partition's interaction, score and purchase rows are in memory at a time (at 1M
    contacts the one frame's inputs were the largest term of ``predict``'s peak).

    With ``ids`` None and at most ``one_frame_up_to`` (default ``size``) active customers,
    the one frame's queries instead, without an id list: measured at 100k contacts (65k
    customers), partitions cost +35 % of predict's CPU for no lower peak (docs/scale.md)."""
    size = max(1, int(size))
    todo = active_customers(engine, as_of) if ids is None else list(ids)
    if ids is None and len(todo) <= max(size, one_frame_up_to or 0):
        yield customer_features(engine, as_of, score_model)
        return
    for start in range(0, len(todo), size):
        yield customer_features(engine, as_of, score_model, customer_ids=todo[start : start + size])


def customer_features(
    engine: Engine,
    as_of: datetime,
    score_model: ScoreModel | None = None,
    *,
    customer_ids: Sequence[str] | None = None,
    half_life_days: float = jny.HALF_LIFE_DAYS,
    loss_aversion: float = jny.LOSS_AVERSION,
) -> pd.DataFrame:
    """One row per customer active at ``as_of`` (known by then, not yet churned), indexed
    by customer_id, with the columns of :data:`FEATURES` (NaN where nothing is known:
    LightGBM handles missing values natively). With ``customer_ids`` only those of them
    (every query is restricted to them: :func:`feature_partitions`)."""
    sm = score_model or latest_score_model(engine)
    i, c, t, o = interactions.c, customers.c, transactions.c, outcomes.c

    def only(col):  # noqa: ANN001, ANN202 - a column, a SQL condition
        return true() if customer_ids is None else col.in_(list(customer_ids))

    cust = _frame(engine, select(c.customer_id, c.created_at).where(only(c.customer_id)))
    inter = _frame(
        engine,
        select(i.interaction_id, i.customer_id, i.started_at, i.need).where(
            i.customer_id.is_not(None), _known_by(as_of), only(i.customer_id)
        ),
    )
    tx = _frame(
        engine,
        select(t.customer_id, t.ts, t.amount).where(t.ts <= as_of, only(t.customer_id)),
    )
    surveys = _frame(
        engine,
        select(o.customer_id, o.kind, o.value).where(
            o.kind.in_(("csat", "nps")),
            o.ts <= as_of,
            o.customer_id.is_not(None),
            only(o.customer_id),
        ),
    )
    churned = _churned_by(engine, as_of, customer_ids)

    ids = set(cust.loc[cust["created_at"].isna() | (cust["created_at"] <= as_of), "customer_id"])
    ids |= set(inter["customer_id"]) | set(tx["customer_id"])
    ids -= churned
    index = pd.Index(sorted(ids), name="customer_id")
    out = pd.DataFrame(index=index, columns=list(FEATURES), dtype=float)

    def days(ts: pd.Series) -> pd.Series:
        return (pd.Timestamp(as_of) - pd.to_datetime(ts)).dt.total_seconds() / 86400.0

    # --- base: tenure, purchases, contacts -------------------------------------------
    first_seen = pd.concat(
        [
            cust.set_index("customer_id")["created_at"].dropna().pipe(pd.to_datetime),
            pd.to_datetime(inter.groupby("customer_id")["started_at"].min()),
            pd.to_datetime(tx.groupby("customer_id")["ts"].min()),
        ]
    )
    first_seen = first_seen[first_seen <= pd.Timestamp(as_of)].groupby(level=0).min()
    out["tenure_days"] = days(first_seen).reindex(index)
    if len(tx):
        g = tx.groupby("customer_id")
        out["purchase_recency_days"] = days(g["ts"].max()).reindex(index)
        out["n_purchases"] = g.size().reindex(index)
        out["spend_total"] = g["amount"].sum().reindex(index)
        out["spend_mean"] = g["amount"].mean().reindex(index)
    out[["n_purchases", "spend_total"]] = out[["n_purchases", "spend_total"]].fillna(0.0)
    if len(inter):
        inter = inter.assign(started_at=pd.to_datetime(inter["started_at"]))
        g = inter.groupby("customer_id")
        out["n_contacts"] = g.size().reindex(index)
        recent = inter["started_at"] > pd.Timestamp(as_of) - pd.Timedelta(days=30)
        out["n_contacts_30d"] = inter[recent].groupby("customer_id").size().reindex(index)
        out["contact_recency_days"] = days(g["started_at"].max()).reindex(index)
        for need, col in (
            ("complaint", "n_complaint_contacts"),
            ("cancellation", "n_cancellation_contacts"),
        ):
            out[col] = inter[inter["need"] == need].groupby("customer_id").size().reindex(index)
        last = inter.sort_values(["started_at", "interaction_id"]).groupby("customer_id").last()
        last_cancel = (last["need"] == "cancellation").astype(float)
        out["last_need_cancellation"] = last_cancel.reindex(index)
    counts = ["n_contacts", "n_contacts_30d", "n_complaint_contacts", "n_cancellation_contacts"]
    out[counts] = out[counts].fillna(0.0)

    # --- surveys ---------------------------------------------------------------------
    for kind, col in (("csat", "survey_csat_mean"), ("nps", "survey_nps_mean")):
        rows = surveys[surveys["kind"] == kind]
        if len(rows):
            out[col] = rows.groupby("customer_id")["value"].mean().reindex(index)

    # --- emotional: the understand stage's scores of the contacts known by as_of --------
    if sm is not None and len(inter):
        s = interaction_scores.c
        q = select(
            s.interaction_id,
            s.experienced,
            s.remembered,
            s.outcome,
            s.empathy_score,
            s.effort_score,
            s.recontact,
            s.transfers,
        ).where(
            s.model == sm.model,
            s.version == sm.version,
            s.empathy_model == sm.empathy_model,
            s.empathy_version == sm.empathy_version,
        )
        if customer_ids is not None:  # the partition's contacts only (the merge keeps those)
            q = q.join(interactions, i.interaction_id == s.interaction_id).where(
                only(i.customer_id)
            )
        scores = _frame(engine, q)
        ev = inter.merge(scores, on="interaction_id", how="inner")
        ev = ev.merge(_predicted_csat(engine, customer_ids), on="interaction_id", how="left")
        ev = ev.sort_values(["customer_id", "started_at", "interaction_id"])
        if len(ev):
            _emotional(out, ev, as_of, half_life_days, loss_aversion)
    return out.astype(float)


def _predicted_csat(engine: Engine, customer_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Each contact's *uncalibrated* predicted CSAT: it comes from the contact's own turns
    only, while the calibration map uses surveys that may postdate ``as_of``. With
    ``customer_ids``, only their contacts'."""
    from empathos.store.tables_csat import interaction_csat

    k = interaction_csat.c
    q = select(k.interaction_id, k.predicted_csat).where(k.predicted_csat.is_not(None))
    if customer_ids is not None:
        i = interactions.c
        q = q.join(interactions, i.interaction_id == k.interaction_id).where(
            i.customer_id.in_(list(customer_ids))
        )
    return _frame(engine, q)


def _emotional(
    out: pd.DataFrame,
    ev: pd.DataFrame,
    as_of: datetime,
    half_life_days: float,
    loss_aversion: float,
) -> None:
    index = out.index
    for col in ("experienced", "remembered", "empathy_score", "effort_score"):
        ev[col] = pd.to_numeric(ev[col], errors="coerce")
    g = ev.groupby("customer_id")
    out["effort_mean"] = g["effort_score"].mean().reindex(index)
    out["effort_recontacts"] = g["recontact"].sum().reindex(index)
    out["effort_transfers"] = g["transfers"].sum().reindex(index)
    out["empathy_received"] = g["empathy_score"].mean().reindex(index)
    if "predicted_csat" in ev:
        ev["predicted_csat"] = pd.to_numeric(ev["predicted_csat"], errors="coerce")
        pc = ev.dropna(subset=["predicted_csat"]).groupby("customer_id")["predicted_csat"]
        out["predicted_csat_last"] = pc.last().reindex(index)
        out["predicted_csat_mean"] = pc.mean().reindex(index)
    last = g.last()  # the last contact (sorted by start)
    out["effort_last"] = last["effort_score"].reindex(index)
    code = ev["outcome"].map(_OUTCOME_CODE)
    ev = ev.assign(outcome_code=code)
    last_out = ev.dropna(subset=["outcome_code"]).groupby("customer_id")["outcome_code"]
    out["emotional_outcome"] = last_out.last().reindex(index)
    worsened = ev.dropna(subset=["outcome_code"]).assign(
        worsened=lambda d: (d["outcome_code"] < 0).astype(float)
    )
    out["outcome_worsened_share"] = (
        worsened.groupby("customer_id")["worsened"].mean().reindex(index)
    )
    rem = ev.dropna(subset=["remembered"])
    if len(rem):
        gr = rem.groupby("customer_id")
        out["remembered_score"] = gr["remembered"].last().reindex(index)
        out["experienced_score"] = gr["experienced"].last().reindex(index)
        out["emotion_remembered_mean_last3"] = (
            gr.tail(3).groupby("customer_id")["remembered"].mean().reindex(index)
        )
        out["emotion_remembered_min"] = gr["remembered"].min().reindex(index)
        # The journey formula of understand.journey, vectorised, evaluated at as_of.
        age = (pd.Timestamp(as_of) - rem["started_at"]).dt.total_seconds() / 86400.0
        d = np.power(0.5, np.maximum(age.to_numpy(float), 0.0) / half_life_days)
        r = rem["remembered"].to_numpy(float)
        v = np.where(r >= 0, r, loss_aversion * r)
        acc = pd.DataFrame({"customer_id": rem["customer_id"].to_numpy(), "dv": d * v, "d": d})
        sums = acc.groupby("customer_id")[["dv", "d"]].sum()
        out["emotional_memory"] = sums["dv"].reindex(index)
        out["emotion_balance"] = (sums["dv"] / sums["d"]).reindex(index)


def churn_labels(engine: Engine, index: pd.Index, start: datetime, window_days: float) -> pd.Series:
    """1 if the customer has a ``churn`` outcome in (start, start + window], else 0.

    The label window lies entirely after the features' ``as_of`` (= ``start``), so a
    model trained on it never sees its own future.
    """
    o = outcomes.c
    end = start + timedelta(days=window_days)
    q = select(o.customer_id).where(
        o.kind == "churn", o.ts > start, o.ts <= end, o.customer_id.is_not(None)
    )
    churned = set(_frame(engine, q)["customer_id"])
    return pd.Series(
        [1 if cid in churned else 0 for cid in index], index=index, name="churn", dtype=int
    )
