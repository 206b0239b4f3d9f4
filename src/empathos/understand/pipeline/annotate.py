"""Step 1 of ``analyze``: annotate turns.

Customer turns get the emotion model's probabilities (and valence, intensity, label),
employee turns the empathy model's mechanism levels, read against their *seeker text*
(the customer's words they answer). Streamed in keyset pages, one transaction each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, insert, select, tuple_

from empathos.store.schema import turn_emotions, turn_empathy, turns
from empathos.understand.pipeline.run import KINDS, AnalysisRun, StatsKeeper, chunks, pending_turns
from empathos.understand.protocols import CX_EMOTIONS, EMPATHY_MECHANISMS
from empathos.understand.scores import empathy_levels, top_labels, valence_intensity


def seeker_texts(
    turn_rows: Sequence[tuple[int, str, str]], employee_seqs: Sequence[int], max_turns: int = 3
) -> dict[int, str]:
    """The seeker text of each employee turn: the customer turns since the previous employee
    turn (at most ``max_turns``, bot turns skipped); if there are none (the employee speaks
    twice), the last customer turn before it; "" if the customer has not spoken yet.

    ``turn_rows`` are ``(seq, speaker, text)`` of one interaction in seq order.
    """
    out: dict[int, str] = {}
    wanted = set(employee_seqs)
    since_employee: list[str] = []
    last_customer: str = ""
    for seq, speaker, text in turn_rows:
        if speaker == "employee":
            if seq in wanted:
                chosen = since_employee[-max_turns:] if since_employee else [last_customer]
                out[seq] = "\n".join(t for t in chosen if t)
            since_employee = []
        elif speaker == "customer":
            since_employee.append(text)
            last_customer = text
    return out


def _annotate_batch(conn: Connection, batch: Sequence[Any], run: AnalysisRun) -> tuple[int, int]:
    em, pm, cfg = run.emotion, run.empathy, run.config
    cust = [r for r in batch if r.speaker == "customer"]
    empl = [r for r in batch if r.speaker == "employee"]
    if cust:
        probs = np.asarray(
            em.predict_proba([r.text for r in cust], [r.language for r in cust]), dtype=float
        )
        if probs.shape != (len(cust), len(CX_EMOTIONS)):
            raise ValueError(
                f"emotion model {em.name} {em.version} returned {probs.shape}, "
                f"expected {(len(cust), len(CX_EMOTIONS))}"
            )
        val, inten = valence_intensity(probs)
        labels = top_labels(probs)
        conn.execute(
            insert(turn_emotions),
            [
                {
                    "interaction_id": r.interaction_id,
                    "seq": int(r.seq),
                    "model": em.name,
                    "version": em.version,
                    "probabilities": [round(float(p), 6) for p in probs[i]],
                    "label": labels[i],
                    "valence": float(val[i]),
                    "intensity": float(inten[i]),
                }
                for i, r in enumerate(cust)
            ],
        )
    if empl:
        ids = sorted({r.interaction_id for r in empl})
        context: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for ids_chunk in chunks(ids, 500):
            rows = conn.execute(
                # no speaker filter in SQL: it would steer the planner to the speaker
                # index instead of the primary key; bot turns are skipped below
                select(turns.c.interaction_id, turns.c.seq, turns.c.speaker, turns.c.text)
                .where(turns.c.interaction_id.in_(ids_chunk))
                .order_by(turns.c.interaction_id, turns.c.seq)
            )
            for row in rows:
                if row.speaker not in ("customer", "employee"):
                    continue
                context[row.interaction_id].append((int(row.seq), row.speaker, row.text))
        wanted: dict[str, list[int]] = defaultdict(list)
        for r in empl:
            wanted[r.interaction_id].append(int(r.seq))
        seekers: dict[tuple[str, int], str] = {}
        for iid, seqs in wanted.items():
            for seq, text in seeker_texts(context[iid], seqs, cfg.seeker_max_turns).items():
                seekers[(iid, seq)] = text
        probs = np.asarray(
            pm.predict_proba(
                [seekers.get((r.interaction_id, int(r.seq)), "") for r in empl],
                [r.text for r in empl],
                [r.language for r in empl],
            ),
            dtype=float,
        )
        expected = (len(empl), len(EMPATHY_MECHANISMS), 3)
        if probs.shape != expected:
            raise ValueError(
                f"empathy model {pm.name} {pm.version} returned {probs.shape}, expected {expected}"
            )
        levels = empathy_levels(probs)
        conn.execute(
            insert(turn_empathy),
            [
                {
                    "interaction_id": r.interaction_id,
                    "seq": int(r.seq),
                    "model": pm.name,
                    "version": pm.version,
                    **{m: int(levels[i, j]) for j, m in enumerate(EMPATHY_MECHANISMS)},
                    "probabilities": [[round(float(p), 6) for p in row] for row in probs[i]],
                }
                for i, r in enumerate(empl)
            ],
        )
    return len(cust), len(empl)


def annotate(run: AnalysisRun, total: int) -> None:
    """Annotate the ``total`` turns not yet annotated by this run's model versions.

    Keyset pages over the primary key ``(interaction_id, seq)``: each page is an index
    range scan from the last key, so the cost per page does not grow with the table."""
    engine, em, pm = run.engine, run.emotion, run.empathy
    batch_size, report = run.batch_size, run.report
    advance = run.progress(
        f"annotate ({em.name} {em.version} / {pm.name} {pm.version})", total, "turns"
    )
    stats = StatsKeeper(engine, turn_emotions, turn_empathy)
    for kind in KINDS:
        base = (
            pending_turns(
                kind,
                em,
                pm,
                engine.dialect.name,
                turns.c.interaction_id,
                turns.c.seq,
                turns.c.speaker,
                turns.c.text,
                turns.c.language,
            )
            .order_by(turns.c.interaction_id, turns.c.seq)
            .limit(batch_size)
        )
        last: tuple[str, int] | None = None
        while True:
            q = (
                base
                if last is None
                else base.where(tuple_(turns.c.interaction_id, turns.c.seq) > tuple_(*last))
            )
            with engine.begin() as conn:
                batch = conn.execute(q).all()
                if not batch:
                    break
                n_c, n_e = _annotate_batch(conn, batch, run)
            report.turns_emotion += n_c
            report.turns_empathy += n_e
            last = (batch[-1].interaction_id, int(batch[-1].seq))
            advance(len(batch))
            stats.wrote(len(batch))
    if stats.written:
        stats.refresh()
