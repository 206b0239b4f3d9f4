"""The summary of one stored contact: its turns and the current emotion model's
annotations, read from the store and handed to the pure :func:`summarise`.

Who handed over is read from the turns: a bot that spoke before the first employee turn
(``bot``), else the previous employee when the answering employee changes (the id of the
one before the last). The journey page and ``GET /interactions/{id}/summary`` call this.
"""

from __future__ import annotations

from sqlalchemy import Engine, and_, select

from empathos.store.queries import current_score_models
from empathos.store.schema import interactions, turn_emotions, turns
from empathos.understand.summary import ContactSummary, SummaryTurn, summarise


def handed_over_by(speakers: list[str], authors: list[str | None]) -> str | None:
    """``bot`` when a bot spoke before the first employee turn, else the employee before
    the last change of employee, else None (nobody handed the contact over)."""
    first_emp = next((k for k, s in enumerate(speakers) if s == "employee"), None)
    if first_emp is None:
        return None
    previous: str | None = None
    last: str | None = None
    for s, a in zip(speakers, authors, strict=True):
        if s == "employee" and a:
            if last is not None and a != last:
                previous = last
            last = a
    if previous is not None:
        return previous
    return "bot" if "bot" in speakers[:first_emp] else None


def stored_summary(engine: Engine, interaction_id: str) -> ContactSummary | None:
    """The summary of one stored contact (None: no such contact)."""
    with engine.connect() as conn:
        found = conn.execute(
            select(interactions.c.interaction_id).where(
                interactions.c.interaction_id == interaction_id
            )
        ).first()
        if found is None:
            return None
        model = current_score_models(conn)
        te = turn_emotions.c
        cols = [turns.c.seq, turns.c.speaker, turns.c.text, turns.c.author_id]
        if model is None:
            q = select(*cols)
        else:
            on = and_(
                te.interaction_id == turns.c.interaction_id,
                te.seq == turns.c.seq,
                te.model == model[0],
                te.version == model[1],
            )
            q = select(*cols, te.label, te.valence).select_from(turns.outerjoin(turn_emotions, on))
        rows = conn.execute(
            q.where(turns.c.interaction_id == interaction_id).order_by(turns.c.seq)
        ).all()
    sts = [
        SummaryTurn(
            int(r.seq),
            r.speaker,
            r.text,
            (str(r.label), float(r.valence))
            if model is not None and getattr(r, "valence", None) is not None
            else None,
        )
        for r in rows
    ]
    by = handed_over_by([r.speaker for r in rows], [r.author_id for r in rows])
    return summarise(sts, handed_over_by=by)
