"""Data for the emotional-journeys page: one contact's trajectory and one customer's memory.

These read a handful of rows by primary key (turns and annotations of one interaction,
scores of one customer), so they need no pre-aggregation. The list of contacts to pick
from is the worst-remembered of the chosen period (by default the latest with data) under
every filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, and_, func, select

from empathos.store.schema import (
    customer_journeys,
    customers,
    interaction_scores,
    interactions,
    turn_emotions,
    turns,
)
from empathos.store.queries import current_score_models, interaction_conditions
from empathos.web.aggregates import Filters, kpis

__all__ = [
    "ContactTrajectory",
    "CustomerJourney",
    "contact_trajectory",
    "customer_journey",
    "contacts_to_pick",
]


@dataclass
class ContactTrajectory:
    """One interaction: its turns with their emotion, its scores, its peak and end."""

    interaction: dict[str, Any]
    turns: list[dict[str, Any]] = field(default_factory=list)
    scores: dict[str, Any] | None = None
    peak: tuple[int, float] | None = None
    end: tuple[int, float] | None = None
    model: str | None = None


@dataclass
class CustomerJourney:
    """A customer's stored memory and their contacts, oldest first."""

    customer: dict[str, Any] | None
    memory: dict[str, Any] | None
    contacts: list[dict[str, Any]] = field(default_factory=list)


def contact_trajectory(engine: Engine, interaction_id: str) -> ContactTrajectory | None:
    """The trajectory of valence over the customer turns of one interaction (None if unknown)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(interactions).where(interactions.c.interaction_id == interaction_id)
        ).first()
        if row is None:
            return None
        out = ContactTrajectory(interaction=dict(row._mapping))
        model = current_score_models(conn)
        te = turn_emotions.c
        on = and_(te.interaction_id == turns.c.interaction_id, te.seq == turns.c.seq)
        if model is not None:
            on = and_(on, te.model == model[0], te.version == model[1])
            out.model = f"{model[0]}/{model[1]}"
        q = (
            select(
                turns.c.seq,
                turns.c.speaker,
                turns.c.text,
                turns.c.language,
                te.label,
                te.valence,
                te.intensity,
            )
            .outerjoin(turn_emotions, on)
            .where(turns.c.interaction_id == interaction_id)
            .order_by(turns.c.seq)
        )
        out.turns = (
            [dict(r._mapping) for r in conn.execute(q)]
            if model
            else [
                dict(r._mapping) | {"label": None, "valence": None, "intensity": None}
                for r in conn.execute(
                    select(turns.c.seq, turns.c.speaker, turns.c.text, turns.c.language)
                    .where(turns.c.interaction_id == interaction_id)
                    .order_by(turns.c.seq)
                )
            ]
        )
        if model is not None:
            s = interaction_scores.c
            sc = conn.execute(
                select(interaction_scores).where(
                    s.interaction_id == interaction_id,
                    s.model == model[0],
                    s.version == model[1],
                    s.empathy_model == model[2],
                    s.empathy_version == model[3],
                )
            ).first()
            out.scores = None if sc is None else dict(sc._mapping)
    scored = [t for t in out.turns if t["speaker"] == "customer" and t["valence"] is not None]
    if scored:
        last = scored[-1]
        out.end = (int(last["seq"]), float(last["valence"]))
        peak_seq = (out.scores or {}).get("peak_seq")
        match = [t for t in scored if peak_seq is not None and int(t["seq"]) == int(peak_seq)]
        if match:
            out.peak = (int(match[0]["seq"]), float(match[0]["valence"]))
    return out


def customer_journey(engine: Engine, customer_id: str, limit: int = 200) -> CustomerJourney:
    """The customer's row, stored journey memory and latest ``limit`` scored contacts."""
    with engine.connect() as conn:
        c = conn.execute(select(customers).where(customers.c.customer_id == customer_id)).first()
        model = current_score_models(conn)
        memory = None
        contacts: list[dict[str, Any]] = []
        if model is not None:
            cj = customer_journeys.c
            m = conn.execute(
                select(customer_journeys).where(
                    cj.customer_id == customer_id, cj.model == model[0], cj.version == model[1]
                )
            ).first()
            memory = None if m is None else dict(m._mapping)
            i, s = interactions.c, interaction_scores.c
            q = (
                select(
                    i.interaction_id,
                    i.channel,
                    i.started_at,
                    s.experienced,
                    s.remembered,
                    s.outcome,
                    s.effort_score,
                )
                .join(
                    interaction_scores,
                    and_(
                        s.interaction_id == i.interaction_id,
                        s.model == model[0],
                        s.version == model[1],
                        s.empathy_model == model[2],
                        s.empathy_version == model[3],
                    ),
                )
                .where(i.customer_id == customer_id)
                .order_by(i.started_at.desc())
                .limit(limit)
            )
            contacts = [dict(r._mapping) for r in conn.execute(q)][::-1]
    return CustomerJourney(None if c is None else dict(c._mapping), memory, contacts)


#: contacts_to_pick: at most PICK_SORT filtered contacts are simply sorted; above, the
#: candidates are the store's worst-remembered ``k`` scores (at least PICK_BATCH; ``k``
#: times 8 while the filters keep fewer than ``n`` of them; past PICK_CAP the plain sort).
PICK_SORT, PICK_BATCH, PICK_CAP = 50_000, 2_000, 500_000


def contacts_to_pick(engine: Engine, f: Filters, n: int = 15) -> list[dict[str, Any]]:
    """The worst-remembered contacts of the period under every filter (period, channel,
    language, pod, brand): where a CX lead starts reading transcripts.

    At ten million contacts a month holds ~800k scored contacts, and sorting them for 15
    rows took seconds. So the candidates are read in index order instead
    (``ix_interaction_scores_remembered``: the store's worst-remembered ``k`` scores, a
    keyset walk of ``k`` index entries) and the filters applied to those; when fewer than
    ``n`` pass, ``k`` grows. The answer is the same rows in the same order as sorting the
    whole filtered set: the first ``n`` filtered rows of a total order are among its first
    ``k`` rows whenever ``n`` of those ``k`` pass the filters."""
    i, s = interactions.c, interaction_scores.c
    with engine.connect() as conn:
        model = current_score_models(conn)
        if model is None:
            return []
        of_model = (
            s.model == model[0],
            s.version == model[1],
            s.empathy_model == model[2],
            s.empathy_version == model[3],
        )
        q = (
            select(
                i.interaction_id,
                i.customer_id,
                i.channel,
                i.company,
                i.started_at,
                s.remembered,
                s.experienced,
                s.outcome,
            )
            .join(interaction_scores, and_(s.interaction_id == i.interaction_id, *of_model))
            .where(i.started_at.is_not(None), *interaction_conditions(**f.conditions()))
            .order_by(s.remembered, s.interaction_id)
            .limit(n)
        )
        # how many scored contacts pass the filters, and of all, from the daily summary
        # (an estimate only: a stale summary costs time, never a wrong row)
        m, total = kpis(engine, f).n_scored, kpis(engine, Filters()).n_scored
        if m <= PICK_SORT or total <= PICK_SORT:  # few enough to sort
            return [dict(r._mapping) for r in conn.execute(q)]
        k = max(PICK_BATCH, 4 * n * total // m)  # ~4n of them expected among the first k
        while k <= PICK_CAP:
            worst = (
                select(s.interaction_id)
                .where(*of_model)
                .order_by(s.remembered, s.interaction_id)
                .limit(k)
            )
            rows = [dict(r._mapping) for r in conn.execute(q.where(i.interaction_id.in_(worst)))]
            if len(rows) == n:
                return rows
            n_candidates = conn.execute(
                select(func.count()).select_from(worst.subquery())
            ).scalar_one()
            if n_candidates < k:  # every score of the model was a candidate
                return rows
            k *= 8
        return [dict(r._mapping) for r in conn.execute(q)]
