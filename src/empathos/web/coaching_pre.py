"""The coaching page's pod report from the per-day summary (``web_coach_daily``).

Why: :func:`empathos.learn.coaching.coach_pod` loads every scored contact of the window
(all pods: the other pods are the peers) into pandas; at ten million contacts that was a
page of more than a minute. Here the contact figures (endings, outcomes, per member, per
pod, per week, sources) are sums of the summary's rows for the period; the employee
replies (mechanisms, sympathy-only), the QA block and the examples are read as the library
reads them, the examples from one pod's contacts of the period (the library loads every
pod's). Same report as the library for a chosen
period (tests compare them); without one (the default 12 weeks up to the newest contact,
not day-aligned) the page calls the library.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from empathos.learn.coaching import (
    KEY_FIGURES,
    CoachingConfig,
    CoachingError,
    CoachingReport,
    model_name,
    peer_block,
    examples,
    figures,
    mechanisms,
    replies_frame,
    source_label_counts,
    weekly_rows,
)
from empathos.learn.coaching_qa import qa_coaching
from empathos.store.queries import NO_POD, current_score_models
from empathos.store.schema import employees, interaction_scores, interactions, pods
from empathos.web import coach_daily as cd


def _contact_figures(s: dict[str, Any]) -> dict[str, float | None]:
    """The contact half of :func:`empathos.learn.coaching.figures` from summed counts."""
    out: dict[str, float | None] = {
        "end_valence": cd.mean(s["sum_end"], s["n_end"]),
        "remembered": cd.mean(s["sum_remembered"], s["n_remembered"]),
        "experienced": cd.mean(s["sum_experienced"], s["n_experienced"]),
    }
    rem, exp = out["remembered"], out["experienced"]
    out["memory_gap"] = None if rem is None or exp is None else round(rem - exp, 4)
    for k in ("improved", "unchanged", "worsened"):
        out[f"{k}_share"] = cd.mean(s[f"n_{k}"], s["n_outcome"])
    return out


def _figures(s: dict[str, Any], replies: pd.DataFrame) -> dict[str, float | None]:
    empty = pd.DataFrame(columns=["end_valence", "remembered", "experienced", "outcome"])
    return figures(empty, replies) | _contact_figures(s)


def _of(replies: pd.DataFrame, members: set[str]) -> pd.DataFrame:
    return replies[replies["employee_id"].isin(members)] if not replies.empty else replies


def coach_pod_pre(engine: Engine, pod_id: str, cfg: CoachingConfig) -> CoachingReport:
    """:func:`empathos.learn.coaching.coach_pod` for ``cfg``'s chosen period, from the
    summary (``cfg.start`` and ``cfg.end`` must be set)."""
    assert cfg.start is not None and cfg.end is not None
    with engine.connect() as conn:
        pod = conn.execute(select(pods).where(pods.c.pod_id == pod_id)).first()
        names = dict(conn.execute(select(employees.c.employee_id, employees.c.name)).all())
    if pod is None:
        raise CoachingError(f"no pod {pod_id!r}")
    model = current_score_models(engine)
    since = datetime.combine(cfg.start, datetime.min.time())
    until = datetime.combine(cfg.end + timedelta(days=1), datetime.min.time()) - timedelta(
        microseconds=1
    )
    window = {"from": since.isoformat(), "to": until.isoformat(), "chosen": "period"}
    conds = cd.conditions(cfg.start, cfg.end, cfg.channel, cfg.language, None, cfg.company)
    w = cd.web_coach_daily.c
    with engine.connect() as conn:
        rows = cd.grouped(conn, [*conds, w.employee_id != NO_POD], "day", "pod_id",
                          "employee_id", "source")  # fmt: skip
    rows = [r for r in rows if r["n_scored"]] if model is not None else []
    replies = (
        replies_frame(engine, model, since, cfg.conditions(since, until))
        if model is not None
        else pd.DataFrame()
    )
    pod_rows_all = [r for r in rows if r["pod_id"] == pod_id]
    members = {r["employee_id"] for r in pod_rows_all}
    pod_r = _of(replies, members)
    pod_sum = cd.add(pod_rows_all)
    fig = _figures(pod_sum, pod_r)
    peers = []
    for pid in sorted({r["pod_id"] for r in rows} - {NO_POD}):
        of_pod = [r for r in rows if r["pod_id"] == pid]
        f = _figures(cd.add(of_pod), _of(replies, {r["employee_id"] for r in of_pod}))
        peers.append({"pod_id": pid, **{k: f[k] for k in KEY_FIGURES}})
    member_rows = []
    for emp in sorted(members):
        mine = [r for r in pod_rows_all if r["employee_id"] == emp]
        s = cd.add(mine)
        f = _figures(s, _of(pod_r, {emp}))
        member_rows.append(
            {"employee_id": emp, "name": names.get(emp), "n_contacts": s["n_scored"],
             **{k: f[k] for k in KEY_FIGURES}}
        )  # fmt: skip
    return CoachingReport(
        subject="pod",
        subject_id=pod_id,
        name=pod.name,
        pod_id=pod_id,
        window=window,
        source=source_label_counts(cd.source_counts(pod_rows_all, "n_scored"))
        if pod_rows_all
        else "no data",
        n_contacts=pod_sum["n_scored"],
        n_replies=len(pod_r),
        figures=fig,
        mechanisms=mechanisms(pod_r),
        peers={"company": peer_block(pd.DataFrame(peers), fig, "company", "all pods")},
        examples=examples(engine, _example_frame(engine, model, pod_id, cfg), cfg, model)
        if model and pod_rows_all
        else {"best": [], "worst": []},
        trend=weekly_rows(_weeks(pod_rows_all, pod_r)),
        members=member_rows,
        scores_model=model_name(model),
        qa=qa_coaching(engine, "pod", pod_id, window, cfg),
    )


def _weeks(
    rows: list[dict[str, Any]], replies: pd.DataFrame
) -> list[tuple[date, int, int, dict[str, float | None]]]:
    """(Monday, contacts, replies, figures) per ISO week with a scored contact."""
    by: dict[date, list[dict[str, Any]]] = {}
    for r in rows:
        by.setdefault(cd.monday(r["day"]), []).append(r)
    if not replies.empty:
        day = pd.to_datetime(replies["started_at"])
        wk = (day.dt.normalize() - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.date
    out = []
    for monday in sorted(by):
        s = cd.add(by[monday])
        rw = replies[wk == monday] if not replies.empty else replies
        out.append((monday, s["n_scored"], len(rw), _figures(s, rw)))
    return out


def _example_frame(
    engine: Engine, model: tuple[str, str, str, str], pod_id: str, cfg: CoachingConfig
) -> pd.DataFrame:
    """The pod's scored contacts of the period (one index range of the period, the pod by
    the employee's key): what the library ranks for the best and worst endings and whose
    customers' names it masks — one pod's rows, where the library loads every pod's."""
    i, s, e = interactions.c, interaction_scores.c, employees.c
    since = datetime.combine(cfg.start, datetime.min.time())  # type: ignore[arg-type]
    until = datetime.combine(cfg.end, datetime.max.time())  # type: ignore[arg-type]
    q = (
        select(
            i.interaction_id, i.customer_id, i.started_at, s.remembered, s.end_valence, s.outcome
        )  # fmt: skip
        .select_from(
            interactions.join(interaction_scores, s.interaction_id == i.interaction_id).join(
                employees, e.employee_id == i.employee_id
            )
        )
        .where(
            s.model == model[0],
            s.version == model[1],
            s.empathy_model == model[2],
            s.empathy_version == model[3],
            e.pod_id == pod_id,
            *cfg.conditions(since, until),
        )
    )
    with engine.connect() as conn:
        res = conn.execute(q)
        return pd.DataFrame([tuple(r) for r in res], columns=list(res.keys()))
