"""The OODA page's decide step, computed once per predict run instead of on every load.

Why: decide (:func:`empathos.learn.ooda.decide`) ranks actions over every customer's value
at risk and every contact's last outcome — passes over the whole store (about 40 s at 1M
synthetic contacts, most of it the targets' frame of every scored contact and the
remembered-score/churn association) that ignore the page's filters by design. Its answer
only moves when what it stands on moves, so it is kept in ``web_refresh`` (row
:data:`NAME`) with the signature it was computed under: the summary's fingerprint as of
its last refresh (the customer scores' count and newest ``computed_at`` — a predict run —
and the latest ingest run; the page refreshes the summary first, so a predict run since
is seen there) plus the experiments' count. :func:`refresh_aggregates` recomputes it when it
recomputes the predict summary (a full rebuild, or the customer scores changed); the page
reads it while the signature holds and computes (and keeps) it otherwise.

What it does not see between two predict runs: contacts analysed since (a new "last
contact ended worse" changes a target set) and new outcomes of a running experiment — the
page names when the ranking was computed.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select

from empathos.store.tables_learn import experiments
from empathos.store.tables_web import web_refresh

NAME = "ooda_decide"


#: ``web_refresh`` row of the dashboard summary (``aggregates.REFRESH_NAME``; not imported:
#: ``aggregates`` calls this module)
SUMMARY = "daily"


def _signature(conn: Connection) -> dict[str, Any]:
    """The summary's fingerprint as of its last refresh, and the experiments' count."""
    row = conn.execute(select(web_refresh.c.details).where(web_refresh.c.name == SUMMARY)).first()
    fp = (row.details or {}).get("fingerprint") if row is not None else None
    n_exp = conn.execute(select(func.count()).select_from(experiments)).scalar_one()
    return {"fingerprint": fp, "n_experiments": int(n_exp)}


def refresh_decide(engine: Engine) -> list[dict[str, Any]]:
    """Compute the ranked actions now and keep them with their signature."""
    from empathos.learn.ooda import decide

    with engine.connect() as conn:
        sig = _signature(conn)
    actions = [asdict(a) for a in decide(engine)]
    with engine.begin() as conn:
        conn.execute(delete(web_refresh).where(web_refresh.c.name == NAME))
        conn.execute(
            insert(web_refresh).values(
                name=NAME,
                refreshed_at=datetime.now(UTC).replace(tzinfo=None),
                n_interactions=0,
                n_scores=0,
                n_customer_scores=int((sig["fingerprint"] or {}).get("n_customer_scores") or 0),
                seconds=0.0,
                details={"signature": sig, "actions": actions},
            )
        )
    return actions


def kept_decide(engine: Engine) -> tuple[list[dict[str, Any]], datetime] | None:
    """The kept ranking and when it was computed, if its signature still holds."""
    with engine.connect() as conn:
        row = conn.execute(
            select(web_refresh.c.refreshed_at, web_refresh.c.details).where(
                web_refresh.c.name == NAME
            )
        ).first()
        if row is None or (row.details or {}).get("signature") != _signature(conn):
            return None
    return list(row.details["actions"]), row.refreshed_at


def page_decide(engine: Engine) -> tuple[list[dict[str, Any]], datetime]:
    """The ranking for the page: the kept one, else computed now (and kept)."""
    got = kept_decide(engine)
    if got is not None:
        return got
    actions = refresh_decide(engine)
    got = kept_decide(engine)
    return (actions, got[1]) if got is not None else (actions, datetime.now(UTC))
