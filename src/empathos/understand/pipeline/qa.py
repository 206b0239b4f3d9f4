"""Step 3 of ``analyze``: the auto-QA scorecard of every contact (issue 16 item 3).

Incremental like the other steps: a contact is scored when it has a score row for the
run's model pair but no scorecard for (rubric version, model pair), or a scorecard older
than its score row — ``prepare`` deletes the score rows of contacts whose turns or
annotations changed, and the score step rewrites them, so a newer ``computed_at`` is
exactly "something this contact's QA reads has changed". Nothing else is re-read: a
second run on an unchanged store scores nothing.

Most cards are not scored here: the score step scores the cards of the contacts it scores
(:func:`contact_from`, :func:`score_cards`, :func:`write_cards`, from the turns and
annotations it has already read, in its transaction, stamped with the score row's
``computed_at``), so a fresh store is read once, not twice (issue 16 item 6). What is left
here is what is stale for another reason — a new rubric or item version, cards deleted by
hand: those contacts are read in keyset pages with their turns and the run's annotations,
turned into :class:`~empathos.understand.qa.rubric.QAContact` values by the same
:func:`contact_from` and scored by the pure
:func:`~empathos.understand.qa.rubric.score_contact`; one transaction per page."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, delete, func, insert, or_, select

from empathos.store.schema import (
    interaction_scores,
    interactions,
    turn_emotions,
    turn_empathy,
    turns,
)
from empathos.store.tables_qa import qa_item_scores, qa_scorecards
from empathos.understand.pipeline.mapper import BatchMapper, SerialMapper
from empathos.understand.pipeline.run import AnalysisRun, chunks, pair, read_pages, utcnow
from empathos.understand.qa.rubric import QAContact, QATurn, Rubric, load_rubric, score_contact


def _recorded_transfers(attributes: Any) -> int | None:
    if isinstance(attributes, dict):
        v = attributes.get("transfers")
        if isinstance(v, int | float) and not isinstance(v, bool):
            return int(v)
    return None


def load_contacts(
    conn: Connection, rows: Sequence[Any], model: tuple[str, str, str, str]
) -> list[QAContact]:
    """``rows`` (interaction_id, channel, attributes) as QA contacts: their turns in order
    with the emotion and empathy annotations of ``model`` (emotion name, version, empathy
    name, version)."""
    ids = [r.interaction_id for r in rows]
    by: dict[str, list[Any]] = defaultdict(list)
    emo: dict[tuple[str, int], tuple[str, float]] = {}
    emp: dict[tuple[str, int], tuple[int, int, int]] = {}
    for chunk in chunks(ids, 500):
        for t in conn.execute(
            select(
                turns.c.interaction_id,
                turns.c.seq,
                turns.c.speaker,
                turns.c.text,
                turns.c.ts,
                turns.c.author_id,
                turns.c.language,
            )
            .where(turns.c.interaction_id.in_(chunk))
            .order_by(turns.c.interaction_id, turns.c.seq)
        ):
            by[t.interaction_id].append(t)
        for e in conn.execute(
            select(
                turn_emotions.c.interaction_id,
                turn_emotions.c.seq,
                turn_emotions.c.label,
                turn_emotions.c.valence,
            ).where(
                turn_emotions.c.interaction_id.in_(chunk),
                turn_emotions.c.model == model[0],
                turn_emotions.c.version == model[1],
            )
        ):
            emo[(e.interaction_id, int(e.seq))] = (str(e.label), float(e.valence))
        for e in conn.execute(
            select(
                turn_empathy.c.interaction_id,
                turn_empathy.c.seq,
                turn_empathy.c.emotional_reaction,
                turn_empathy.c.interpretation,
                turn_empathy.c.exploration,
            ).where(
                turn_empathy.c.interaction_id.in_(chunk),
                turn_empathy.c.model == model[2],
                turn_empathy.c.version == model[3],
            )
        ):
            emp[(e.interaction_id, int(e.seq))] = (
                int(e.emotional_reaction),
                int(e.interpretation),
                int(e.exploration),
            )
    return [
        contact_from(
            r.interaction_id,
            by.get(r.interaction_id, []),
            lambda seq, iid=r.interaction_id: emo.get((iid, seq)),
            lambda seq, iid=r.interaction_id: emp.get((iid, seq)),
            r.channel,
            r.attributes,
        )
        for r in rows
    ]


def contact_from(
    interaction_id: str,
    turn_rows: Sequence[Any],
    emotion: Callable[[int], tuple[str, float] | None],
    empathy: Callable[[int], tuple[int, int, int] | None],
    channel: str | None,
    attributes: Any,
) -> QAContact:
    """One QA contact from plain values: ``turn_rows`` (``seq, speaker, text, ts,
    author_id, language`` in seq order), the ``(label, valence)`` and the empathy levels of
    a seq (None: not annotated), the interaction's channel and attributes. The one place a
    :class:`QAContact` is assembled, so the QA step and the score step (which scores the
    cards of the contacts it scores, from the rows it has already read) build the same."""
    return QAContact(
        interaction_id,
        tuple(
            QATurn(
                int(t.seq),
                t.speaker,
                t.text,
                t.ts,
                t.author_id,
                emotion(int(t.seq)),
                empathy(int(t.seq)),
            )
            for t in turn_rows
        ),
        channel,
        _recorded_transfers(attributes),
        next((t.language for t in turn_rows if t.speaker == "customer" and t.language), None),
    )


def _key(model: tuple[str, str, str, str], version: str) -> dict[str, str]:
    return {
        "rubric_version": version,
        "model": model[0],
        "version": model[1],
        "empathy_model": model[2],
        "empathy_version": model[3],
    }


def _rows(
    cards: Sequence[Any], rubric: Rubric, key: dict[str, str], now: Any = None
) -> tuple[list, list]:
    now = now or utcnow()
    heads, items = [], []
    for card in cards:
        heads.append(
            {
                "interaction_id": card.interaction_id,
                **key,
                "rubric": rubric.name,
                "overall": card.overall,
                "n_scored": card.n_scored,
                "n_items": len(card.items),
                "computed_at": now,
            }
        )
        for name, res in card.items.items():
            d = res.as_dict()
            items.append(
                {
                    "interaction_id": card.interaction_id,
                    **key,
                    "item": name,
                    "status": res.status,
                    "score": res.score,
                    "reason": res.reason[:2000],
                    "evidence_seq": res.evidence[0].seq if res.evidence else None,
                    "evidence": d["evidence"],
                    "details": d["details"],
                }
            )
    return heads, items


@dataclass(frozen=True)
class QAPlan:
    """The rubric of a run, its version and the key columns of its rows (picklable: it
    travels in a score page to wherever the mapper runs it)."""

    rubric: Rubric
    version: str
    key: dict[str, str]


def plan_for(run: AnalysisRun, rubric: Rubric | None = None) -> QAPlan:
    """The run's QA plan (its configured rubric unless ``rubric``)."""
    rubric = rubric or load_rubric(run.config.qa_rubric)
    em, pm = run.emotion, run.empathy
    version = rubric.version
    return QAPlan(rubric, version, _key((em.name, em.version, pm.name, pm.version), version))


def score_cards(plan: QAPlan, contacts: Sequence[QAContact], now: Any = None) -> QAResult:
    """The scorecard and item rows of ``contacts`` (pure: no store access)."""
    items = plan.rubric.items()  # resolved once per page, not per contact
    cards = [score_contact(plan.rubric, c, plan.version, items) for c in contacts]
    heads, items = _rows(cards, plan.rubric, plan.key, now)
    return QAResult(heads, items, tuple(c.interaction_id for c in contacts))


def write_cards(conn: Connection, plan: QAPlan, res: QAResult) -> None:
    """Replace the cards of ``res.ids`` for this plan's rubric version and model pair
    (item rows first, then the heads) by ``res``'s rows, in the caller's transaction."""
    key = plan.key
    q, i = qa_scorecards.c, qa_item_scores.c
    for chunk in chunks(res.ids, 500):
        for t, c in ((qa_item_scores, i), (qa_scorecards, q)):
            conn.execute(
                delete(t).where(
                    c.rubric_version == key["rubric_version"],
                    c.model == key["model"],
                    c.version == key["version"],
                    c.empathy_model == key["empathy_model"],
                    c.empathy_version == key["empathy_version"],
                    c.interaction_id.in_(chunk),
                )
            )
    if res.heads:
        conn.execute(insert(qa_scorecards), res.heads)
    if res.items:
        conn.execute(insert(qa_item_scores), res.items)


@dataclass(frozen=True)
class QAJob:
    """One page of contacts to score against a rubric (picklable: any
    :class:`~empathos.understand.pipeline.mapper.BatchMapper` runs :func:`qa_job`)."""

    rubric: Rubric
    version: str
    key: dict[str, str]
    ids: tuple[str, ...]  # every contact of the page (their stale cards are replaced)
    contacts: tuple[QAContact, ...]


class QAResult(NamedTuple):
    heads: list[dict[str, Any]]
    items: list[dict[str, Any]]
    ids: tuple[str, ...]


def qa_job(job: QAJob) -> QAResult:
    """The scorecard and item rows of one page: pure (no store access)."""
    items = job.rubric.items()  # resolved once per page, not per contact
    cards = [score_contact(job.rubric, c, job.version, items) for c in job.contacts]
    heads, items = _rows(cards, job.rubric, job.key)
    return QAResult(heads, items, job.ids)


def qa(run: AnalysisRun, rubric: Rubric | None = None, mapper: BatchMapper | None = None) -> None:
    """Score every contact of this run's model pair whose scorecard is missing or stale.

    The parent reads each page and writes its cards (deleting the stale ones first, one
    transaction per page); the pure :func:`qa_job` runs on ``mapper`` (default: here)."""
    t0 = time.perf_counter()
    engine, em, pm = run.engine, run.emotion, run.empathy
    plan = plan_for(run, rubric) if rubric is not None or run.qa_plan is None else run.qa_plan
    rubric, version, key = plan.rubric, plan.version, plan.key
    model = (em.name, em.version, pm.name, pm.version)
    q, s = qa_scorecards.c, interaction_scores.c
    on = and_(
        q.interaction_id == s.interaction_id,
        q.rubric_version == version,
        q.model == s.model,
        q.version == s.version,
        q.empathy_model == s.empathy_model,
        q.empathy_version == s.empathy_version,
    )
    todo = or_(q.interaction_id.is_(None), q.computed_at < s.computed_at)
    joined = interaction_scores.outerjoin(qa_scorecards, on).join(
        interactions, interactions.c.interaction_id == s.interaction_id
    )
    with engine.connect() as conn:
        total = int(
            conn.execute(
                select(func.count()).select_from(joined).where(pair(em, pm), todo)
            ).scalar_one()
        )
    advance = run.progress(f"QA scorecards (rubric {rubric.name} {version})", total, "contacts")

    def query_for(last: str | None):
        sel = (
            select(
                interactions.c.interaction_id,
                interactions.c.channel,
                interactions.c.attributes,
            )
            .select_from(joined)
            .where(pair(em, pm), todo)
            .order_by(s.interaction_id)
        )
        return sel if last is None else sel.where(s.interaction_id > last)

    def page(conn: Connection, batch: list[Any]) -> QAJob:
        ids = tuple(r.interaction_id for r in batch)
        return QAJob(rubric, version, key, ids, tuple(load_contacts(conn, batch, model)))

    pages = read_pages(engine, query_for, "interaction_id", run.batch_size, page)
    for res in (mapper or SerialMapper()).map(qa_job, pages):
        with engine.begin() as conn:
            write_cards(conn, plan, res)
        run.report.interactions_qa += len(res.heads)
        advance(len(res.ids))
    run.report.qa_seconds += time.perf_counter() - t0
