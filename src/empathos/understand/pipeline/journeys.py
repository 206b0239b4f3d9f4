"""Step 3 of ``analyze``: customer journeys.

Each customer with scored interactions but no journey row for the run's emotion model
version gets their emotional memory (:func:`empathos.understand.journey.emotional_memory`:
remembered scores, decayed with a half-life and weighted for loss aversion)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, insert, select

from empathos.store.schema import customer_journeys, interaction_scores, interactions
from empathos.understand import journey as jny
from empathos.understand.pipeline.run import AnalysisRun, StatsKeeper, keyset, pair, utcnow


def journeys(run: AnalysisRun) -> None:
    """The emotional memory of every customer with scores but no journey row for this
    run's emotion model version."""
    engine, em, pm, cfg = run.engine, run.emotion, run.empathy, run.config
    batch_size, report = run.batch_size, run.report
    joined = interaction_scores.outerjoin(
        customer_journeys,
        and_(
            customer_journeys.c.customer_id == interaction_scores.c.customer_id,
            customer_journeys.c.model == em.name,
            customer_journeys.c.version == em.version,
        ),
    )

    def query_for(last: str | None):
        q = (
            select(interaction_scores.c.customer_id)
            .select_from(joined)
            .where(
                pair(em, pm),
                interaction_scores.c.customer_id.is_not(None),
                customer_journeys.c.customer_id.is_(None),
            )
            .group_by(interaction_scores.c.customer_id)
            .order_by(interaction_scores.c.customer_id)
        )
        return q if last is None else q.where(interaction_scores.c.customer_id > last)

    details = {"half_life_days": cfg.half_life_days, "loss_aversion": cfg.loss_aversion}
    stats = StatsKeeper(engine, customer_journeys)
    advance = run.progress("customer journeys", None, "customers")  # not counted first
    for conn, batch in keyset(engine, query_for, "customer_id", batch_size):
        customers = [r.customer_id for r in batch]
        events: dict[str, list[jny.JourneyEvent]] = defaultdict(list)
        rows = conn.execute(
            select(
                interaction_scores.c.customer_id,
                interaction_scores.c.remembered,
                interactions.c.started_at,
            )
            .select_from(
                interaction_scores.join(
                    interactions,
                    interactions.c.interaction_id == interaction_scores.c.interaction_id,
                )
            )
            .where(
                pair(em, pm),
                interaction_scores.c.customer_id.in_(customers),
                interaction_scores.c.remembered.is_not(None),
            )
        )
        for r in rows:
            events[r.customer_id].append(jny.JourneyEvent(r.started_at, float(r.remembered)))
        now = utcnow()
        out = []
        for c in customers:
            mem = jny.emotional_memory(
                events.get(c, []), None, cfg.half_life_days, cfg.loss_aversion
            )
            out.append(
                {
                    "customer_id": c,
                    "model": em.name,
                    "version": em.version,
                    "memory": mem.memory,
                    "balance": mem.balance,
                    "n_interactions": mem.n_interactions,
                    "n_negative": mem.n_negative,
                    "last_at": mem.last_at,
                    "details": {**details, "as_of": mem.as_of.isoformat() if mem.as_of else None},
                    "computed_at": now,
                }
            )
        conn.execute(insert(customer_journeys), out)
        report.customers_updated += len(out)
        stats.wrote(len(out))
        advance(len(out))
