"""Predicted CSAT inside ``analyze``: one row of ``interaction_csat`` per scored contact.

Why inside the score step: the features (valences, labels, effort, empathy) are already in
memory there, so predicting costs a few microseconds per contact and needs no second pass
over the turns; and it inherits the score step's incrementality — only contacts scored in
this run (new, or invalidated by new turns) get a new row. Calibration to the company's
surveys runs once at the end of a run (:func:`calibrate`), over the rows still without a
calibrated figure (``recalibrate=True``: all of them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from empathos.store.schema import outcomes
from empathos.store.tables_csat import interaction_csat
from empathos.understand import csat as cs
from empathos.understand.protocols import EmotionModel, EmpathyModel


def model_version(model: cs.CsatModel | None, em: EmotionModel, pm: EmpathyModel) -> str:
    """The CSAT model's version and the annotation models its features came from."""
    head = model.version if model is not None else "none"
    return f"{head}|{em.name}-{em.version}/{pm.name}-{pm.version}"


def view_from(
    turn_rows: Sequence[Any],
    emotions: Mapping[int, tuple[float, float, str | None]],
    empathy: Mapping[int, tuple[int, int, int]],
    row: Mapping[str, Any],
) -> cs.ContactView:
    """The model's view of one stored contact: ``turn_rows`` (``seq, speaker, text`` in seq
    order), emotions per customer seq ``(valence, intensity, label)``, empathy levels per
    employee seq, and the contact's ``interaction_scores`` row (effort counts)."""
    cust = [t for t in turn_rows if t.speaker == "customer" and int(t.seq) in emotions]
    empl = [t for t in turn_rows if t.speaker == "employee"]
    return cs.ContactView(
        customer_texts=[t.text for t in cust],
        valences=[emotions[int(t.seq)][0] for t in cust],
        intensities=[emotions[int(t.seq)][1] for t in cust],
        labels=[emotions[int(t.seq)][2] for t in cust],
        n_employee_turns=len(empl),
        empathic=[max(empathy[int(t.seq)]) >= 1 for t in empl if int(t.seq) in empathy],
        repeats=int(row.get("repeats") or 0),
        effort_phrases=int(row.get("effort_phrases") or 0),
        transfers=int(row.get("transfers") or 0),
        employee_texts=[t.text for t in empl],
        prev_employee_texts=_prev_employee(turn_rows, emotions),
    )


def _prev_employee(
    turn_rows: Sequence[Any], emotions: Mapping[int, tuple[float, float, str | None]]
) -> list[str]:
    """Per customer turn with an emotion, the employee text since the previous customer
    turn (a customer turn without an emotion still closes the span, as at run time)."""
    from empathos.understand.csat_turns import customer_replies

    return [p for _, p in customer_replies(turn_rows, lambda t: int(t.seq) in emotions)]


def predict_row(
    model: cs.CsatModel | None, view: cs.ContactView
) -> tuple[float | None, str | None]:
    """``(predicted CSAT, None)`` or ``(None, why not)``: unknown is never 0."""
    if model is None:
        return None, "no CSAT model artefact installed (python -m empathos.understand.train_csat)"
    if not view.valences:
        return None, "no customer turn with an emotion: nothing to predict from"
    return model.predict(view), None


def store_rows(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the rows of these interactions (one row per interaction, whatever version)."""
    if not rows:
        return
    ids = [r["interaction_id"] for r in rows]
    for i in range(0, len(ids), 500):
        conn.execute(
            delete(interaction_csat).where(interaction_csat.c.interaction_id.in_(ids[i : i + 500]))
        )
    conn.execute(insert(interaction_csat), list(rows))


def survey_calibrator(conn: Connection) -> tuple[cs.QuantileCalibrator | None, str]:
    """Quantile matching of the surveyed contacts' predictions to their CSAT answers."""
    o, c = outcomes.c, interaction_csat.c
    pairs = conn.execute(
        select(c.predicted_csat, o.value)
        .select_from(interaction_csat.join(outcomes, o.interaction_id == c.interaction_id))
        .where(o.kind == "csat", c.predicted_csat.is_not(None))
    ).all()
    return cs.fit_calibrator([p for p, _ in pairs], [v for _, v in pairs])


def calibrate(engine: Engine, recalibrate: bool = False) -> str:
    """Fill ``calibrated_csat`` where surveys allow; returns what was done, in words.

    Only rows without a calibrated figure are touched unless ``recalibrate``: a run stays
    incremental, and ``empathos csat --recalibrate`` refreshes every row after many new
    surveys."""
    with engine.begin() as conn:
        cal, why = survey_calibrator(conn)
        if cal is None:
            return why
        c = interaction_csat.c
        q = select(c.interaction_id, c.predicted_csat).where(c.predicted_csat.is_not(None))
        if not recalibrate:
            q = q.where(c.calibrated_csat.is_(None))
        rows = conn.execute(q).all()
        if rows:
            values = cal.apply([r.predicted_csat for r in rows])
            from sqlalchemy import bindparam

            stmt = (
                update(interaction_csat)
                .where(interaction_csat.c.interaction_id == bindparam("iid"))
                .values(calibrated_csat=bindparam("cal"))
            )
            conn.execute(
                stmt,
                [
                    {"iid": r.interaction_id, "cal": float(v)}
                    for r, v in zip(rows, values, strict=True)
                ],
            )
        return f"{cal.label}: {len(rows)} contacts calibrated"


def load_views(
    engine: Engine, em: EmotionModel, pm: EmpathyModel, ids: Sequence[str] | None = None
) -> dict[str, cs.ContactView]:
    """The model's view of stored, scored contacts (all, or ``ids``) — what training reads,
    through the same :func:`view_from` the pipeline uses."""
    from collections import defaultdict

    from empathos.store.schema import interaction_scores, turn_emotions, turn_empathy, turns
    from empathos.understand.pipeline.run import pair

    out: dict[str, cs.ContactView] = {}
    with engine.connect() as conn:
        sq = select(interaction_scores).where(pair(em, pm))
        if ids is not None:
            sq = sq.where(interaction_scores.c.interaction_id.in_(list(ids)))
        scores = {r.interaction_id: r._mapping for r in conn.execute(sq)}
        by_turns: dict[str, list[Any]] = defaultdict(list)
        for t in conn.execute(
            select(turns.c.interaction_id, turns.c.seq, turns.c.speaker, turns.c.text).order_by(
                turns.c.interaction_id, turns.c.seq
            )
        ):
            if t.interaction_id in scores:
                by_turns[t.interaction_id].append(t)
        emo: dict[str, dict[int, tuple[float, float, str | None]]] = defaultdict(dict)
        for e in conn.execute(
            select(turn_emotions).where(
                turn_emotions.c.model == em.name, turn_emotions.c.version == em.version
            )
        ):
            emo[e.interaction_id][int(e.seq)] = (float(e.valence), float(e.intensity), e.label)
        emp: dict[str, dict[int, tuple[int, int, int]]] = defaultdict(dict)
        for e in conn.execute(
            select(turn_empathy).where(
                turn_empathy.c.model == pm.name, turn_empathy.c.version == pm.version
            )
        ):
            emp[e.interaction_id][int(e.seq)] = (
                int(e.emotional_reaction),
                int(e.interpretation),
                int(e.exploration),
            )
    for iid, row in scores.items():
        out[iid] = view_from(by_turns[iid], emo.get(iid, {}), emp.get(iid, {}), row)
    return out
