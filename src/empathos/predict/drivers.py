"""Drivers: which topics (and effort signals) lower the outcome most, with bootstrap CIs.

Why in predict: a driver report joins what understand found (each contact's topic, its
remembered score and effort) with what predict scored (each customer's churn and value
at risk), so it sits at the first stage that has both.

**Per topic**: volume, predicted CSAT, remembered score, churn and value at risk. Churn
is the mean P(churn) of the topic's distinct customers in the current prediction run; the
value at risk is the sum over those customers (a customer with contacts in two topics
counts in both: the columns do not add up across topics, on purpose — each says what is
at stake where that topic is raised). A figure the store cannot support is ``None`` with
its reason, never 0.

**The outcome** the drivers are ranked by is a per-contact lookup (``OutcomeLookup``),
so predicted CSAT plugs in when it is stored: :func:`default_outcome` uses
``empathos.store.queries.predicted_csat`` when contacts have one (``analyze`` stores it
in ``interaction_csat``), else the remembered score, and says which it used.

**A driver** is a set of contacts (a topic, or an effort signal such as "transferred").
Its *gap* is the mean outcome inside minus outside the set; its *impact* is
``share × gap``: how far the overall mean would rise if those contacts scored like the
rest — the ranking, most negative first, combines how bad and how frequent. Both come
with percentile bootstrap CIs over contacts (seeded). A driver with fewer than
``min_contacts`` inside or outside gets no figure (the reason is given).

This is association, not cause: a topic's contacts differ in more than their topic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, and_, select

from empathos.store.queries import (
    predicted_csat,
    current_prediction_run,
    current_score_models,
    interaction_conditions,
)
from empathos.store.schema import customer_scores, interaction_scores, interactions
from empathos.store.tables_csat import interaction_csat
from empathos.store.tables_topics import interaction_topics, topic_models, topics

__all__ = [
    "DriverRow",
    "DriversReport",
    "Outcome",
    "OutcomeLookup",
    "TopicRow",
    "default_outcome",
    "drivers_report",
    "rank_drivers",
]

#: ``lookup(conn, interaction_ids) -> {interaction_id: outcome}`` (higher is better).
OutcomeLookup = Callable[[Connection, Sequence[str]], dict[str, float]]

#: The effort signals ranked beside the topics: (name, column, what it means).
EFFORT_DRIVERS = (
    ("effort: transferred", "transfers", "the contact was transferred at least once"),
    ("effort: repeated", "repeats", "the customer repeated themselves"),
    ("effort: long wait", "long_waits", "a long wait inside the contact"),
    ("effort: re-contact", "recontact", "a previous contact within the re-contact window"),
    ("effort: channel switch", "channel_switch", "came back on another channel"),
)


@dataclass(frozen=True)
class Outcome:
    """The per-contact outcome the drivers are ranked by, and what it is."""

    name: str
    scale: str
    lookup: OutcomeLookup
    note: str = ""


@dataclass
class TopicRow:
    """One topic's figures (``None``: unknown, with the reason in ``notes``)."""

    topic_id: int
    label: str
    terms: list[str]
    examples: list[str]
    volume: int
    share: float
    languages: dict[str, int]
    predicted_csat: float | None
    remembered: float | None
    n_scored: int
    churn: float | None
    value_at_risk: float | None
    n_customers: int
    notes: list[str] = field(default_factory=list)


@dataclass
class DriverRow:
    """One driver: a set of contacts and how much it lowers the outcome."""

    name: str
    kind: str  # topic | effort
    n: int
    share: float | None
    mean_in: float | None
    mean_out: float | None
    gap: float | None
    gap_ci: tuple[float, float] | None
    impact: float | None
    impact_ci: tuple[float, float] | None
    note: str = ""

    @property
    def clearly_lowers(self) -> bool:
        """The impact's whole CI lies below 0."""
        return self.impact_ci is not None and self.impact_ci[1] < 0


@dataclass
class DriversReport:
    """Topics and drivers of one store (under the shared filters)."""

    available: bool
    reason: str = ""
    topic_model: str | None = None
    topic_model_fitted_on: str | None = None
    outcome: str = ""
    outcome_scale: str = ""
    outcome_note: str = ""
    predicted_csat_note: str = ""
    churn_run: str | None = None
    churn_note: str = ""
    sources: dict[str, int] = field(default_factory=dict)
    n_contacts: int = 0
    n_with_outcome: int = 0
    topics: list[TopicRow] = field(default_factory=list)
    drivers: list[DriverRow] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)
    n_boot: int = 0
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for row, obj in zip(d["drivers"], self.drivers, strict=True):
            row["clearly_lowers"] = obj.clearly_lowers
        return d


# --------------------------------------------------------------------------- outcomes
def _predicted_csat_lookup(conn: Connection) -> OutcomeLookup | None:
    """``queries.predicted_csat`` when any contact has one (``analyze`` predicts it), else
    None: a store analysed before issue 16, or with no customer turns, has none."""
    c = interaction_csat.c
    if (
        conn.execute(select(c.interaction_id).where(c.predicted_csat.isnot(None)).limit(1)).first()
        is None
    ):
        return None
    return lambda conn, ids: predicted_csat(conn, list(ids))


def _remembered_lookup(conn: Connection, ids: Sequence[str]) -> dict[str, float]:
    pair = current_score_models(conn)
    if pair is None:
        return {}
    s = interaction_scores.c
    out: dict[str, float] = {}
    for chunk in _chunks(list(ids), 500):
        for r in conn.execute(
            select(s.interaction_id, s.remembered).where(
                s.interaction_id.in_(chunk),
                s.model == pair.model,
                s.version == pair.version,
                s.empathy_model == pair.empathy_model,
                s.empathy_version == pair.empathy_version,
                s.remembered.is_not(None),
            )
        ):
            out[r.interaction_id] = float(r.remembered)
    return out


PREDICTED_CSAT_ABSENT = (
    "no contact has a predicted CSAT yet (run `empathos analyze`): "
    "the drivers are ranked by the remembered score instead"
)


def default_outcome(conn: Connection) -> Outcome:
    """Predicted CSAT when stored, else the remembered score (and the note saying so)."""
    lookup = _predicted_csat_lookup(conn)
    if lookup is not None:
        return Outcome("predicted CSAT", "1–5", lookup, "calibrated where surveys exist")
    return Outcome("remembered score", "−1…1", _remembered_lookup, PREDICTED_CSAT_ABSENT)


# --------------------------------------------------------------------------- ranking
def _chunks(items: list[Any], size: int) -> Any:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def rank_drivers(
    y: np.ndarray,
    members: dict[str, tuple[str, np.ndarray]],
    n_boot: int = 1000,
    seed: int = 0,
    min_contacts: int = 5,
    level: float = 0.95,
) -> list[DriverRow]:
    """Gap and impact of each driver over outcomes ``y`` with bootstrap CIs, ranked by
    impact (most negative first; drivers without a figure last, by name).

    ``members`` maps a driver name to ``(kind, boolean mask over y)``. Pure."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    names = list(members)
    if n == 0 or not names:
        return []
    m = np.array([members[k][1] for k in names], dtype=float).reshape(len(names), n)
    rng = np.random.default_rng(seed)
    w = np.ones((1, n))
    if n_boot > 0:
        idx = rng.integers(0, n, size=(n_boot, n))
        w = np.vstack([w, np.stack([np.bincount(r, minlength=n) for r in idx]).astype(float)])
    n_in = w @ m.T  # (B+1, d)
    s_in = (w * y) @ m.T
    n_all = w.sum(axis=1, keepdims=True)
    s_all = (w @ y).reshape(-1, 1)
    n_out = n_all - n_in
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_in = s_in / n_in
        mean_out = (s_all - s_in) / n_out
        gap = mean_in - mean_out
        impact = (n_in / n_all) * gap
    alpha = (1 - level) / 2
    out = []
    for j, name in enumerate(names):
        k_in = int(n_in[0, j])
        kind = members[name][0]
        if k_in < min_contacts or n - k_in < min_contacts:
            out.append(
                DriverRow(
                    name,
                    kind,
                    k_in,
                    k_in / n,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    note=f"fewer than {min_contacts} contacts inside or outside: no figure",
                )
            )
            continue
        gci = ici = None
        if n_boot > 0:
            g, im = gap[1:, j], impact[1:, j]
            ok = np.isfinite(g)
            if ok.sum() >= 10:
                gci = tuple(float(v) for v in np.quantile(g[ok], [alpha, 1 - alpha]))
                ici = tuple(float(v) for v in np.quantile(im[ok], [alpha, 1 - alpha]))
        out.append(
            DriverRow(
                name,
                kind,
                k_in,
                k_in / n,
                float(mean_in[0, j]),
                float(mean_out[0, j]),
                float(gap[0, j]),
                gci,
                float(impact[0, j]),
                ici,
            )
        )
    out.sort(key=lambda d: (d.impact is None, d.impact if d.impact is not None else 0.0, d.name))
    return out


# --------------------------------------------------------------------------- report
def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def drivers_report(
    engine: Engine,
    outcome: Outcome | None = None,
    topic_model: str | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    min_contacts: int = 5,
    include_effort: bool = True,
    **filters: Any,
) -> DriversReport:
    """Topics and drivers of the contacts under the shared ``filters`` (``start``, ``end``,
    ``channel``, ``language``, ``pod``, ``company``: :func:`interaction_conditions`)."""
    from empathos.understand.pipeline.topics import current_topic_model

    active = {k: str(v) for k, v in filters.items() if v}
    with engine.connect() as conn:
        version = topic_model or current_topic_model(conn)
        if version is None:
            return DriversReport(
                False,
                "no topic model yet: run `empathos topics` to find the topics",
                filters=active,
            )
        meta = conn.execute(
            select(topic_models).where(topic_models.c.model_version == version)
        ).first()
        if meta is None:
            return DriversReport(False, f"no topic model {version!r}", filters=active)
        described = {
            r.topic_id: r
            for r in conn.execute(select(topics).where(topics.c.model_version == version))
        }
        it, i = interaction_topics.c, interactions.c
        q = (
            select(it.interaction_id, it.topic_id, i.customer_id, i.source)
            .select_from(
                interaction_topics.join(interactions, i.interaction_id == it.interaction_id)
            )
            .where(it.model_version == version, *interaction_conditions(**filters))
            .order_by(it.interaction_id)
        )
        rows = conn.execute(q).all()
        report = DriversReport(
            True,
            topic_model=version,
            topic_model_fitted_on=f"{meta.n_fitted:,} contacts ({meta.source or 'unknown'})",
            filters=active,
            n_boot=n_boot,
            seed=seed,
        )
        if not rows:
            report.available = False
            report.reason = "no contact with a topic under these filters"
            return report
        ids = [r.interaction_id for r in rows]
        for r in rows:
            report.sources[r.source or "unknown"] = report.sources.get(r.source or "unknown", 0) + 1
        csat_lookup = _predicted_csat_lookup(conn)
        csat_of = csat_lookup(conn, ids) if csat_lookup else None
        if csat_of is None:
            report.predicted_csat_note = (
                "predicted CSAT unknown: no contact has one yet (run `empathos analyze`)"
            )
        remembered_of = _remembered_lookup(conn, ids)
        out = outcome or default_outcome(conn)
        report.outcome, report.outcome_scale, report.outcome_note = out.name, out.scale, out.note
        if outcome is None:  # the default outcome is one of the two just read: no third read
            y_of = csat_of if csat_of is not None else remembered_of
        else:
            y_of = out.lookup(conn, ids)
        effort = _effort_flags(conn, ids) if include_effort else {}
        run = current_prediction_run(conn)
        churn_of: dict[str, tuple[float | None, float | None]] = {}
        if run is None:
            report.churn_note = (
                "churn and value at risk unknown: no predict run (`empathos predict`)"
            )
        else:
            report.churn_run = run.label()
            cs = customer_scores.c
            customers = sorted({r.customer_id for r in rows if r.customer_id})
            for chunk in _chunks(customers, 500):
                for c in conn.execute(
                    select(cs.customer_id, cs.p_churn, cs.value_at_risk).where(
                        run.where(), cs.customer_id.in_(chunk)
                    )
                ):
                    churn_of[c.customer_id] = (c.p_churn, c.value_at_risk)
    n = len(rows)
    report.n_contacts = n
    by_topic: dict[int, list[Any]] = {}
    for r in rows:
        by_topic.setdefault(int(r.topic_id), []).append(r)
    for tid in sorted(set(described) | set(by_topic)):
        members = by_topic.get(tid, [])
        d = described.get(tid)
        notes: list[str] = []
        rem = [
            remembered_of[r.interaction_id] for r in members if r.interaction_id in remembered_of
        ]
        csat = None
        if csat_of is not None:
            vals = [csat_of[r.interaction_id] for r in members if r.interaction_id in csat_of]
            csat = _mean(vals)
            if csat is None and members:
                notes.append("no predicted CSAT stored for these contacts")
        if members and not rem:
            notes.append("no remembered score: run `empathos analyze`")
        custs = sorted({r.customer_id for r in members if r.customer_id})
        p = [churn_of[c][0] for c in custs if c in churn_of and churn_of[c][0] is not None]
        v = [churn_of[c][1] for c in custs if c in churn_of and churn_of[c][1] is not None]
        churn = _mean(p)
        var = float(np.sum(v)) if v else None
        if run is not None and members and churn is None:
            notes.append("churn unknown for these customers in the current predict run")
        if run is not None and members and var is None:
            notes.append("value at risk unknown for these customers (no CLV or churn)")
        report.topics.append(
            TopicRow(
                topic_id=tid,
                label=d.label if d else f"topic {tid}",
                terms=list(d.terms) if d else [],
                examples=list(d.examples) if d else [],
                volume=len(members),
                share=len(members) / n,
                languages=dict(d.languages) if d else {},
                predicted_csat=csat,
                remembered=_mean(rem),
                n_scored=len(rem),
                churn=churn,
                value_at_risk=var,
                n_customers=len(custs),
                notes=notes,
            )
        )
    keep = [k for k, r in enumerate(rows) if r.interaction_id in y_of]
    report.n_with_outcome = len(keep)
    if keep:
        y = np.array([y_of[rows[k].interaction_id] for k in keep])
        topic_arr = np.array([int(rows[k].topic_id) for k in keep])
        members_of: dict[str, tuple[str, np.ndarray]] = {}
        for t in report.topics:
            members_of[f"topic {t.topic_id}: {t.label}"] = ("topic", topic_arr == t.topic_id)
        if effort:
            for name, col, _why in EFFORT_DRIVERS:
                mask = np.array(
                    [effort.get(rows[k].interaction_id, {}).get(col, 0) > 0 for k in keep]
                )
                if mask.any():
                    members_of[name] = ("effort", mask)
        report.drivers = rank_drivers(y, members_of, n_boot, seed, min_contacts)
    return report


def _effort_flags(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, int]]:
    pair = current_score_models(conn)
    if pair is None:
        return {}
    s = interaction_scores.c
    cols = [getattr(s, c) for _, c, _ in EFFORT_DRIVERS]
    out: dict[str, dict[str, int]] = {}
    for chunk in _chunks(list(ids), 500):
        for r in conn.execute(
            select(s.interaction_id, *cols).where(
                s.interaction_id.in_(chunk),
                and_(
                    s.model == pair.model,
                    s.version == pair.version,
                    s.empathy_model == pair.empathy_model,
                    s.empathy_version == pair.empathy_version,
                ),
            )
        ):
            out[r.interaction_id] = {c: int(getattr(r, c) or 0) for _, c, _ in EFFORT_DRIVERS}
    return out


def report_notes(report: DriversReport) -> list[str]:
    """What every face says under the figures (the CLI, the API and the page share it)."""
    notes = []
    src = ", ".join(f"{n:,} {s}" for s, n in sorted(report.sources.items()))
    if src:
        notes.append(
            f"data: {src} contacts"
            + (
                " (simulated = from the simulator, not real customers)"
                if "simulated" in src
                else ""
            )
        )
    if report.topic_model:
        notes.append(f"topic model {report.topic_model}, fitted on {report.topic_model_fitted_on}")
    notes.append(
        f"drivers ranked by the {report.outcome} ({report.outcome_scale}) of "
        f"{report.n_with_outcome:,} of {report.n_contacts:,} contacts; impact = share × gap "
        f"(mean inside − outside), {int(100 * 0.95)}% percentile bootstrap CI over contacts "
        f"({report.n_boot} resamples, seed {report.seed}); an association, not a cause"
    )
    for n in (report.outcome_note, report.predicted_csat_note, report.churn_note):
        if n:
            notes.append(n)
    if report.churn_run:
        notes.append(
            f"churn = mean P(churn) of the topic's customers, value at risk = their sum "
            f"(a customer in two topics counts in both); {report.churn_run}"
        )
    return notes
