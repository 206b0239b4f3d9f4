"""Coaching: how an employee's (or a pod's) contacts *end*, compared with peers, with examples.

Behaviours only (DESIGN.md): every figure here describes what the employee *did* (the
empathy mechanisms in their replies, sympathy formulas) and how the *customer's* state
moved; nothing infers the employee's own emotions.

Per employee (or pod), over the contacts they handled in the window:

* **endings** — mean end valence (the customer's valence in the last customer turn, −1…1),
  mean remembered (peak–end) and experienced (mean) scores, their gap (remembered −
  experienced: > 0 the contact will be remembered better than it felt), and the shares of
  emotional outcomes improved / unchanged / worsened (``interaction_scores``);
* **mechanisms** — the share of the employee's replies showing each EPITOME mechanism at
  level ≥ 1 (weak or strong) and any of them (``turn_empathy``);
* **sympathy-only replies** — the rule: a reply is *sympathy-only* when the empathy model
  gave every mechanism level 0 **and** the reply contains a formulaic sympathy phrase of the
  lexicon's list (``SYMPATHY_CUES``: "sorry for the inconvenience", "thank you for your
  patience", "wir entschuldigen uns", ... in six languages). Such a reply apologises for an
  *event* without acknowledging the person's feeling or situation — sympathy, not empathy;
* **peers** — the percentile of each figure among the pod's and the company's employees
  with at least ``min_contacts`` contacts (0 = lowest, 100 = highest; for the worsened and
  sympathy-only shares lower is better, which the report says);
* **examples** — the best and worst endings (by end valence, then remembered score): the
  last turns of those contacts, anonymised (``learn.anonymise``);
* **trends** — the same ending and mechanism figures per ISO week;
* **qa** — the subject's auto-QA scorecard beside its peers', the item to coach first
  and its weekly trend (:mod:`empathos.learn.coaching_qa`).

Why one module of this size: one report (figures, peers, examples, trends) over the
same two frames of contacts and replies; the QA block lives in its own module.

Every report names its data source (``interactions.source``) and its sample sizes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from empathos.learn.anonymise import Anonymiser
from empathos.learn.coaching_qa import qa_coaching
from empathos.store.queries import current_score_models, interaction_conditions
from empathos.store.schema import (
    customers,
    employees,
    interaction_scores,
    interactions,
    pods,
    turn_emotions,
    turn_empathy,
    turns,
)
from empathos.understand.protocols import EMPATHY_MECHANISMS

#: figure -> True when higher is better (used for the peer percentiles' reading).
KEY_FIGURES: dict[str, bool] = {
    "end_valence": True,
    "remembered": True,
    "improved_share": True,
    "worsened_share": False,
    "any_mechanism_share": True,
    "sympathy_only_share": False,
}


class CoachingError(LookupError):
    """No such employee or pod (the API answers 404)."""


@dataclass(frozen=True)
class CoachingConfig:
    weeks: int = 12  # default window: the last N weeks up to the newest contact (filtered)
    # An explicit period (inclusive days) replaces the default window; the other filters
    # narrow the contacts the report (and its peers) stand on, as on every face.
    start: date | None = None
    end: date | None = None
    channel: str | None = None
    language: str | None = None
    company: str | None = None  # the brand (interactions.company)

    def conditions(self, since: datetime | None, until: datetime | None) -> list[Any]:
        """WHERE conditions on interactions: the window plus the filters."""
        conds = interaction_conditions(
            channel=self.channel, language=self.language, company=self.company
        )
        if since is not None:
            conds.append(interactions.c.started_at >= since)
        if until is not None:
            conds.append(interactions.c.started_at <= until)
        return conds

    min_contacts: int = 5  # peers with fewer contacts are left out of the percentiles
    n_examples: int = 2  # best and worst endings shown
    example_turns: int = 4  # last turns of each example


@dataclass
class CoachingReport:
    subject: str  # employee | pod
    subject_id: str
    name: str | None
    pod_id: str | None
    window: dict[str, str | None]
    source: str = field(
        metadata={
            "description": "Where the figures come from: imported, sample, simulated or mixed "
            "(from interactions.source)."
        }
    )
    n_contacts: int
    n_replies: int
    figures: dict[str, float | None]
    mechanisms: dict[str, float | None]
    peers: dict[str, Any]
    examples: dict[str, list[dict[str, Any]]]
    trend: list[dict[str, Any]]
    members: list[dict[str, Any]] = field(default_factory=list)
    scores_model: str | None = None
    qa: dict[str, Any] = field(default_factory=dict)  # learn.coaching_qa: the QA scorecard
    note: str = (
        "Behaviours only: what was done and how the customer's state moved, never the "
        "employee's emotions."
    )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------- data


def _frame(engine: Engine, query: Any) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(query)
        # plain tuples: given Rows, pandas probes each one's attributes (10x slower)
        return pd.DataFrame([tuple(r) for r in res], columns=list(res.keys()))


def source_label(sources: pd.Series) -> str:
    """'simulated', 'imported', 'sample', or 'mixed (N imported, M simulated)' from a
    ``source`` column."""
    return source_label_counts(sources.fillna("unknown").value_counts().to_dict())


def source_label_counts(counts: dict[str, int]) -> str:
    """:func:`source_label` from contacts per source (largest first, as ``value_counts``)."""
    if len(counts) == 0:
        return "no data"
    if len(counts) == 1:
        return str(next(iter(counts)))
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    return "mixed (" + ", ".join(f"{n} {k}" for k, n in ranked) + ")"


def contacts_frame(
    engine: Engine,
    model: tuple[str, str, str, str],
    since: datetime | None,
    conds: list[Any] | None = None,
) -> pd.DataFrame:
    """Handled contacts (an employee is set) with their scores and the employee's pod."""
    i, s, e = interactions.c, interaction_scores.c, employees.c
    q = (
        select(
            i.interaction_id,
            i.employee_id,
            i.customer_id,
            i.started_at,
            i.source,
            e.pod_id,
            s.remembered,
            s.experienced,
            s.end_valence,
            s.outcome,
        )
        .select_from(
            interactions.join(interaction_scores, s.interaction_id == i.interaction_id).outerjoin(
                employees, e.employee_id == i.employee_id
            )
        )
        .where(
            i.employee_id.is_not(None),
            s.model == model[0],
            s.version == model[1],
            s.empathy_model == model[2],
            s.empathy_version == model[3],
        )
    )
    if since is not None:
        q = q.where(i.started_at >= since)
    if conds:
        q = q.where(*conds)
    return _frame(engine, q)


def replies_frame(
    engine: Engine,
    model: tuple[str, str, str, str],
    since: datetime | None,
    conds: list[Any] | None = None,
) -> pd.DataFrame:
    """Employee replies with their empathy levels and the sympathy-only flag."""
    from empathos.understand.backends.lexicon import LexiconEmpathyModel

    i, t, p = interactions.c, turns.c, turn_empathy.c
    q = (
        select(
            t.interaction_id,
            t.seq,
            t.text,
            i.employee_id,
            i.started_at,
            p.emotional_reaction,
            p.interpretation,
            p.exploration,
        )
        .select_from(
            turns.join(interactions, i.interaction_id == t.interaction_id).join(
                turn_empathy, (p.interaction_id == t.interaction_id) & (p.seq == t.seq)
            )
        )
        .where(
            t.speaker == "employee",
            i.employee_id.is_not(None),
            p.model == model[2],
            p.version == model[3],
        )
    )
    if since is not None:
        q = q.where(i.started_at >= since)
    if conds:
        q = q.where(*conds)
    df = _frame(engine, q)
    if df.empty:
        return df.assign(any_mechanism=[], sympathy_only=[])
    levels = df[list(EMPATHY_MECHANISMS)].to_numpy()
    df["any_mechanism"] = (levels >= 1).any(axis=1)
    lex = LexiconEmpathyModel()
    has_sympathy = np.array([lex.strip_sympathy(x)[1] > 0 for x in df["text"]])
    df["sympathy_only"] = (~df["any_mechanism"].to_numpy()) & has_sympathy
    return df


# ---------------------------------------------------------------------------- figures


def _mean(x: pd.Series) -> float | None:
    x = pd.to_numeric(x, errors="coerce").dropna()
    return None if x.empty else round(float(x.mean()), 4)


def figures(contacts: pd.DataFrame, replies: pd.DataFrame) -> dict[str, float | None]:
    """The ending and behaviour figures of one set of contacts and replies."""
    out: dict[str, float | None] = {
        "end_valence": _mean(contacts["end_valence"]) if len(contacts) else None,
        "remembered": _mean(contacts["remembered"]) if len(contacts) else None,
        "experienced": _mean(contacts["experienced"]) if len(contacts) else None,
    }
    out["memory_gap"] = (
        None
        if out["remembered"] is None or out["experienced"] is None
        else round(out["remembered"] - out["experienced"], 4)
    )
    oc = contacts["outcome"].dropna() if len(contacts) else pd.Series(dtype=object)
    for k in ("improved", "unchanged", "worsened"):
        out[f"{k}_share"] = None if oc.empty else round(float((oc == k).mean()), 4)
    out["any_mechanism_share"] = (
        None if replies.empty else round(float(replies["any_mechanism"].mean()), 4)
    )
    out["sympathy_only_share"] = (
        None if replies.empty else round(float(replies["sympathy_only"].mean()), 4)
    )
    return out


def mechanisms(replies: pd.DataFrame) -> dict[str, float | None]:
    """Share of replies with each mechanism at level >= 1, and strong (2) separately."""
    out: dict[str, float | None] = {}
    for m in EMPATHY_MECHANISMS:
        out[m] = None if replies.empty else round(float((replies[m] >= 1).mean()), 4)
        out[f"{m}_strong"] = None if replies.empty else round(float((replies[m] >= 2).mean()), 4)
    return out


def per_employee(contacts: pd.DataFrame, replies: pd.DataFrame, min_contacts: int) -> pd.DataFrame:
    """One row of key figures per employee with at least ``min_contacts`` contacts."""
    rows = []
    by_reply = dict(tuple(replies.groupby("employee_id"))) if not replies.empty else {}
    for emp, c in contacts.groupby("employee_id"):
        if len(c) < min_contacts:
            continue
        f = figures(c, by_reply.get(emp, replies.iloc[0:0]))
        rows.append(
            {
                "employee_id": emp,
                "pod_id": c["pod_id"].iloc[0],
                "n_contacts": len(c),
                **{k: f[k] for k in KEY_FIGURES},
            }
        )
    return pd.DataFrame(rows)


def percentile(values: pd.Series, value: float | None) -> float | None:
    """Mid-rank percentile of ``value`` among ``values`` (0 lowest … 100 highest)."""
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy()
    if value is None or len(v) == 0:
        return None
    return round(100.0 * (float((v < value).sum()) + 0.5 * float((v == value).sum())) / len(v), 1)


def peer_block(
    table: pd.DataFrame, mine: dict[str, float | None], key: str, pool: str
) -> dict[str, Any]:
    out: dict[str, Any] = {"n_peers": int(len(table))}
    for k, higher_better in KEY_FIGURES.items():
        col = table[k] if k in table else pd.Series(dtype=float)
        out[k] = {
            "percentile": percentile(col, mine.get(k)),
            "median": _mean(pd.Series([pd.to_numeric(col, errors="coerce").median()]))
            if len(col)
            else None,
            "higher_is_better": higher_better,
        }
    out["pool"] = pool
    return out


def weekly(contacts: pd.DataFrame, replies: pd.DataFrame) -> list[dict[str, Any]]:
    """Ending and behaviour figures per ISO week (weeks start on Monday)."""
    if contacts.empty:
        return []

    def week(ts: pd.Series) -> pd.Series:
        """The Monday of each timestamp's ISO week."""
        day = pd.to_datetime(ts)
        return day.dt.normalize() - pd.to_timedelta(day.dt.day_of_week, unit="D")

    c = contacts.assign(week=week(contacts["started_at"]))
    r = replies.assign(week=week(replies["started_at"])) if not replies.empty else replies
    items = []
    for wk, cw in c.groupby("week"):
        rw = r[r["week"] == wk] if not r.empty else r
        items.append((wk.date(), len(cw), len(rw), figures(cw, rw)))
    return weekly_rows(items)


def weekly_rows(
    items: list[tuple[date, int, int, dict[str, float | None]]],
) -> list[dict[str, Any]]:
    """The trend's rows from (Monday, contacts, replies, figures) per week."""
    out = []
    for wk, n_contacts, n_replies, f in items:
        out.append(
            {
                "week": wk.isoformat(),
                "n_contacts": n_contacts,
                "n_replies": n_replies,
                **{
                    k: f[k]
                    for k in (
                        "end_valence",
                        "remembered",
                        "improved_share",
                        "worsened_share",
                        "any_mechanism_share",
                        "sympathy_only_share",
                    )
                },
            }
        )
    return out


# ---------------------------------------------------------------------------- examples


def examples(
    engine: Engine, contacts: pd.DataFrame, cfg: CoachingConfig, model: tuple[str, str, str, str]
) -> dict[str, list[dict[str, Any]]]:
    """The best and worst endings, their last turns anonymised."""
    c = contacts.dropna(subset=["end_valence"])
    if c.empty:
        return {"best": [], "worst": []}
    ranked = c.sort_values(
        ["end_valence", "remembered", "interaction_id"], ascending=[False, False, True]
    )
    best = ranked.head(cfg.n_examples)
    worst = ranked.iloc[::-1].head(cfg.n_examples)
    worst = worst[~worst["interaction_id"].isin(best["interaction_id"])]
    ids = list(best["interaction_id"]) + list(worst["interaction_id"])
    t, em, ep = turns.c, turn_emotions.c, turn_empathy.c
    q = (
        select(
            t.interaction_id,
            t.seq,
            t.speaker,
            t.text,
            em.label,
            ep.emotional_reaction,
            ep.interpretation,
            ep.exploration,
        )
        .select_from(
            turns.outerjoin(
                turn_emotions,
                (em.interaction_id == t.interaction_id)
                & (em.seq == t.seq)
                & (em.model == model[0])
                & (em.version == model[1]),
            ).outerjoin(
                turn_empathy,
                (ep.interaction_id == t.interaction_id)
                & (ep.seq == t.seq)
                & (ep.model == model[2])
                & (ep.version == model[3]),
            )
        )
        .where(t.interaction_id.in_(ids))
        .order_by(t.interaction_id, t.seq)
    )
    turn_rows = _frame(engine, q)
    anon = Anonymiser(_known_names(engine, contacts))

    def one(r: Any) -> dict[str, Any]:
        tr = turn_rows[turn_rows["interaction_id"] == r.interaction_id].tail(cfg.example_turns)
        shown = []
        for x in tr.itertuples():
            item: dict[str, Any] = {
                "seq": int(x.seq),
                "speaker": x.speaker,
                "text": anon.mask(x.text),
            }
            if x.speaker == "customer" and isinstance(x.label, str):
                item["emotion"] = x.label
            if x.speaker == "employee" and not pd.isna(x.emotional_reaction):
                item["empathy"] = {m: int(getattr(x, m)) for m in EMPATHY_MECHANISMS}
            shown.append(item)
        return {
            "interaction_id": r.interaction_id,
            "started_at": str(r.started_at),
            "end_valence": round(float(r.end_valence), 3),
            "remembered": _round(r.remembered),
            "outcome": r.outcome,
            "last_turns": shown,
        }

    return {
        "best": [one(r) for r in best.itertuples()],
        "worst": [one(r) for r in worst.itertuples()],
    }


def _round(x: Any) -> float | None:
    return None if x is None or pd.isna(x) else round(float(x), 3)


def _known_names(engine: Engine, contacts: pd.DataFrame) -> list[str]:
    cust = sorted(set(contacts["customer_id"].dropna()))
    names: list[str] = []
    with engine.connect() as conn:
        for k in range(0, len(cust), 500):
            names += [
                n
                for n in conn.execute(
                    select(customers.c.name).where(customers.c.customer_id.in_(cust[k : k + 500]))
                ).scalars()
                if n
            ]
        names += [n for n in conn.execute(select(employees.c.name)).scalars() if n]
    return names


# ---------------------------------------------------------------------------- reports


def _window(engine: Engine, cfg: CoachingConfig) -> tuple[datetime | None, datetime | None]:
    """The report's window: the chosen period, else the ``weeks`` weeks up to the newest
    contact *under the filters* (the latest period that has data, not "now")."""
    if cfg.start is not None or cfg.end is not None:
        since = None if cfg.start is None else datetime.combine(cfg.start, datetime.min.time())
        until = (
            None
            if cfg.end is None
            else datetime.combine(cfg.end + timedelta(days=1), datetime.min.time())
            - timedelta(microseconds=1)
        )
        return since, until
    with engine.connect() as conn:
        last = conn.execute(
            select(func.max(interactions.c.started_at)).where(*cfg.conditions(None, None))
        ).scalar()
    if last is None:
        return None, None
    return last - timedelta(weeks=cfg.weeks), last


def _load(
    engine: Engine, cfg: CoachingConfig
) -> tuple[Any, pd.DataFrame, pd.DataFrame, dict[str, str | None]]:
    model = current_score_models(engine)
    since, until = _window(engine, cfg)
    window = {
        "from": since.isoformat() if since else None,
        "to": until.isoformat() if until else None,
        "chosen": "period" if cfg.start or cfg.end else f"latest {cfg.weeks} weeks with data",
    }
    conds = cfg.conditions(since, until)
    if model is None:
        empty = pd.DataFrame(
            columns=[
                "interaction_id",
                "employee_id",
                "customer_id",
                "started_at",
                "source",
                "pod_id",
                "remembered",
                "experienced",
                "end_valence",
                "outcome",
            ]
        )
        return None, empty, pd.DataFrame(), window
    return (
        model,
        contacts_frame(engine, model, since, conds),
        replies_frame(engine, model, since, conds),
        window,
    )


def model_name(model: Any) -> str | None:
    return None if model is None else f"{model[0]} v{model[1]} / empathy {model[2]} v{model[3]}"


def coach_employee(
    engine: Engine, employee_id: str, config: CoachingConfig | None = None
) -> CoachingReport:
    """The coaching report of one employee (raises :class:`CoachingError` if unknown)."""
    cfg = config or CoachingConfig()
    with engine.connect() as conn:
        emp = conn.execute(select(employees).where(employees.c.employee_id == employee_id)).first()
    if emp is None:
        raise CoachingError(f"no employee {employee_id!r}")
    model, contacts, replies, window = _load(engine, cfg)
    mine_c = contacts[contacts["employee_id"] == employee_id]
    mine_r = replies[replies["employee_id"] == employee_id] if not replies.empty else replies
    fig = figures(mine_c, mine_r)
    table = per_employee(contacts, replies, cfg.min_contacts)
    pod_table = table[table["pod_id"] == emp.pod_id] if not table.empty else table
    peers = {
        "pod": peer_block(
            pod_table, fig, "pod", f"employees of {emp.pod_id} with >= {cfg.min_contacts} contacts"
        ),
        "company": peer_block(
            table, fig, "company", f"all employees with >= {cfg.min_contacts} contacts"
        ),
    }
    return CoachingReport(
        subject="employee",
        subject_id=employee_id,
        name=emp.name,
        pod_id=emp.pod_id,
        window=window,
        source=source_label(mine_c["source"]) if len(mine_c) else "no data",
        n_contacts=len(mine_c),
        n_replies=len(mine_r),
        figures=fig,
        mechanisms=mechanisms(mine_r),
        peers=peers,
        examples=examples(engine, mine_c, cfg, model) if model else {"best": [], "worst": []},
        trend=weekly(mine_c, mine_r),
        scores_model=model_name(model),
        qa=qa_coaching(engine, "employee", employee_id, window, cfg),
    )


def coach_pod(engine: Engine, pod_id: str, config: CoachingConfig | None = None) -> CoachingReport:
    """The coaching report of one pod: its contacts together, its members, other pods."""
    cfg = config or CoachingConfig()
    with engine.connect() as conn:
        pod = conn.execute(select(pods).where(pods.c.pod_id == pod_id)).first()
        names = dict(conn.execute(select(employees.c.employee_id, employees.c.name)).all())
    if pod is None:
        raise CoachingError(f"no pod {pod_id!r}")
    model, contacts, replies, window = _load(engine, cfg)
    pod_c = contacts[contacts["pod_id"] == pod_id]
    members = set(pod_c["employee_id"])
    pod_r = replies[replies["employee_id"].isin(members)] if not replies.empty else replies
    fig = figures(pod_c, pod_r)
    # other pods as peers: one row of figures per pod
    pod_rows = []
    for pid, c in contacts.groupby("pod_id"):
        r = (
            replies[replies["employee_id"].isin(set(c["employee_id"]))]
            if not replies.empty
            else replies
        )
        pod_rows.append({"pod_id": pid, **{k: figures(c, r)[k] for k in KEY_FIGURES}})
    table = per_employee(pod_c, pod_r, 1)
    member_rows = (
        [
            {
                "employee_id": r["employee_id"],
                "name": names.get(r["employee_id"]),
                "n_contacts": int(r["n_contacts"]),
                **{k: r[k] for k in KEY_FIGURES},
            }
            for _, r in table.sort_values("employee_id").iterrows()
        ]
        if not table.empty
        else []
    )
    return CoachingReport(
        subject="pod",
        subject_id=pod_id,
        name=pod.name,
        pod_id=pod_id,
        window=window,
        source=source_label(pod_c["source"]) if len(pod_c) else "no data",
        n_contacts=len(pod_c),
        n_replies=len(pod_r),
        figures=fig,
        mechanisms=mechanisms(pod_r),
        peers={"company": peer_block(pd.DataFrame(pod_rows), fig, "company", "all pods")},
        examples=examples(engine, pod_c, cfg, model) if model else {"best": [], "worst": []},
        trend=weekly(pod_c, pod_r),
        members=member_rows,
        scores_model=model_name(model),
        qa=qa_coaching(engine, "pod", pod_id, window, cfg),
    )
