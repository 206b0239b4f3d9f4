"""Pre-aggregated queries that keep the dashboard fast on millions of interactions.

A page never scans ``interactions``: it reads ``web_daily`` (one row per day × channel ×
language × pod × source × company, holding *sums and counts*, so every mean under any filter
combination is re-aggregated exactly, not averaged twice). :func:`refresh_aggregates`
rebuilds the table inside the database with one ``INSERT … SELECT`` (no rows travel to
Python) and records in ``web_refresh`` what it was built from; :func:`ensure_fresh` rebuilds
it when the store has changed since. The same questions can be answered from the raw
tables (``pre=False``) — the baseline of ``bench/dashboard_load.py`` and the oracle of the
tests (both paths must agree).

Dimensions, and why:

* **day** of ``started_at`` (undated contacts are counted in ``details`` only);
* **channel** of the interaction;
* **language**: the customer's language from the customer file (``(unknown)`` without
  one) — cheap and stable; the per-turn detected language would need a scan of all turns;
* **pod**: the pod of the employee who handled the contact (``(none)`` for contacts no
  employee handled: bot, self-service, abandoned — counted as *automated*);
* **source**: imported, sample or simulated, so every figure can say where it comes from;
* **company**: the brand side of the contact (``interactions.company``; ``(none)`` when not
  recorded), so one store holding several brands can be read brand by brand.

When the user picks no period, pages read :func:`with_default_period`: the
:data:`DEFAULT_PERIOD_DAYS` days ending on the latest day that has data *under the other
filters* — never "the last day" and never a window ending "now", where an old import or
one brand's data would show an empty page.

Emotional figures use one (emotion, empathy) model pair: the one that scored the most
interactions (:func:`empathos.store.queries.current_score_models`).

Why one module of this size: every page figure has two paths, the pre-aggregated summary
and the raw tables, kept side by side so that they cannot drift (tests compare them).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Engine,
    Select,
    case,
    cast,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from empathos.store.queries import (
    NO_COMPANY,
    NO_LANGUAGE,
    NO_POD,
    ScoreModels,
    current_prediction_run,
    current_score_models,
    remember_score_models,
    scores_on,
)
from empathos.store.schema import (
    customer_scores,
    customers,
    employees,
    ingest_runs,
    interaction_scores,
    interactions,
)
from empathos.store.tables_web import web_changes, web_daily, web_refresh
from empathos.understand.pipeline.mapper import BatchMapper
from empathos.web.daily_partitions import DAYS_PER_PARTITION, rebuild_days
from empathos.web.days import UNDATED, day_condition
from empathos.web.days import as_date as _as_date

__all__ = [
    "DayRow",
    "Filters",
    "Kpis",
    "RefreshReport",
    "breakdown",
    "daily",
    "ensure_fresh",
    "filter_options",
    "is_stale",
    "kpis",
    "predict_summary",
    "refresh_aggregates",
    "day_condition",
    "refresh_info",
    "with_default_period",
]

logger = logging.getLogger(__name__)
REFRESH_NAME = "daily"
SUM_COLUMNS = (
    "n_interactions",
    "n_automated",
    "n_scored",
    "sum_experienced",
    "sum_remembered",
    "n_improved",
    "n_unchanged",
    "n_worsened",
    "sum_effort",
    "n_recontact",
    "n_transfers",
    "n_empathy",
    "sum_empathy",
)
DIMENSIONS = ("channel", "language", "pod_id", "source", "company")
DEFAULT_PERIOD_DAYS = 30  # the default window: this many days up to the latest with data
AVOIDABLE_LIST = 100  # avoidable customers kept pre-ranked for the value page


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the pages to (all optional; ``end`` is inclusive)."""

    start: date | None = None
    end: date | None = None
    channel: str | None = None
    language: str | None = None
    pod: str | None = None
    company: str | None = None  # the brand (interactions.company)
    source: str | None = None  # imported | sample | simulated
    #: True when start/end were not chosen but filled by :func:`with_default_period`
    period_default: bool = False

    def active(self) -> dict[str, str]:
        """The filters set, for display and for building links."""
        out = {
            "start": self.start,
            "end": self.end,
            "channel": self.channel,
            "language": self.language,
            "pod": self.pod,
            "brand": self.company,
            "source": self.source,
        }
        return {k: str(v) for k, v in out.items() if v}

    def conditions(self) -> dict[str, Any]:
        """The keyword arguments of :func:`empathos.store.queries.interaction_conditions`
        (and of the learn stage's reports), so every face filters the same way."""
        return {
            "start": self.start,
            "end": self.end,
            "channel": self.channel,
            "language": self.language,
            "pod": self.pod,
            "company": self.company,
        }


@dataclass
class Kpis:
    """Sums over a filtered slice and the ratios the pages show (``None``: no data)."""

    n_interactions: int = 0
    n_automated: int = 0
    n_scored: int = 0
    sum_experienced: float = 0.0
    sum_remembered: float = 0.0
    n_improved: int = 0
    n_unchanged: int = 0
    n_worsened: int = 0
    sum_effort: float = 0.0
    n_recontact: int = 0
    n_transfers: int = 0
    n_empathy: int = 0
    sum_empathy: float = 0.0

    @staticmethod
    def _ratio(a: float, b: float) -> float | None:
        return a / b if b else None

    @property
    def experienced(self) -> float | None:
        return self._ratio(self.sum_experienced, self.n_scored)

    @property
    def remembered(self) -> float | None:
        return self._ratio(self.sum_remembered, self.n_scored)

    @property
    def effort(self) -> float | None:
        return self._ratio(self.sum_effort, self.n_scored)

    @property
    def empathy(self) -> float | None:
        return self._ratio(self.sum_empathy, self.n_empathy)

    @property
    def improved_share(self) -> float | None:
        return self._ratio(self.n_improved, self.n_scored)

    @property
    def worsened_share(self) -> float | None:
        return self._ratio(self.n_worsened, self.n_scored)

    @property
    def automated_share(self) -> float | None:
        return self._ratio(self.n_automated, self.n_interactions)

    @property
    def analysed_share(self) -> float | None:
        return self._ratio(self.n_scored, self.n_interactions)


@dataclass
class DayRow:
    """One day's sums (a :class:`Kpis`) under the filters."""

    day: date
    kpis: Kpis


@dataclass
class RefreshReport:
    """What one rebuild of the summary read and wrote."""

    rows: int
    n_interactions: int
    n_scores: int
    n_customer_scores: int
    score_model: str | None
    score_version: str | None
    seconds: float
    details: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- raw queries
def _day(conn: Connection, column: ColumnElement) -> ColumnElement:
    """The calendar day of a timestamp in each dialect (SQLite keeps dates as text)."""
    if conn.dialect.name == "sqlite":
        return func.date(column)
    return cast(column, Date)


def _per_interaction(conn: Connection, model: tuple[str, str, str, str] | None) -> Select:
    """One row per dated interaction with its dimensions and the values the sums need."""
    i, s, e, c = interactions.c, interaction_scores.c, employees.c, customers.c
    on = scores_on(model)
    scored = s.interaction_id.is_not(None)
    return (
        select(
            _day(conn, i.started_at).label("day"),
            i.channel.label("channel"),
            func.coalesce(c.language, NO_LANGUAGE).label("language"),
            func.coalesce(e.pod_id, NO_POD).label("pod_id"),
            i.source.label("source"),
            func.coalesce(i.company, NO_COMPANY).label("company"),
            i.started_at.label("started_at"),
            case((i.employee_id.is_(None), 1), else_=0).label("automated"),
            case((scored, 1), else_=0).label("scored"),
            func.coalesce(s.experienced, 0.0).label("experienced"),
            func.coalesce(s.remembered, 0.0).label("remembered"),
            case((s.outcome == "improved", 1), else_=0).label("improved"),
            case((s.outcome == "unchanged", 1), else_=0).label("unchanged"),
            case((s.outcome == "worsened", 1), else_=0).label("worsened"),
            func.coalesce(s.effort_score, 0.0).label("effort"),
            func.coalesce(s.recontact, 0).label("recontact"),
            func.coalesce(s.transfers, 0).label("transfers"),
            case((s.empathy_score.is_not(None), 1), else_=0).label("has_empathy"),
            func.coalesce(s.empathy_score, 0.0).label("empathy"),
        )
        .select_from(interactions)
        .outerjoin(interaction_scores, on)
        .outerjoin(employees, e.employee_id == i.employee_id)
        .outerjoin(customers, c.customer_id == i.customer_id)
        .where(i.started_at.is_not(None))
    )


def _sums(sub: Any) -> list[ColumnElement]:
    """The summary's sum columns over a per-interaction subquery, in ``SUM_COLUMNS`` order."""
    c = sub.c
    return [
        func.count().label("n_interactions"),
        func.sum(c.automated).label("n_automated"),
        func.sum(c.scored).label("n_scored"),
        func.sum(c.experienced).label("sum_experienced"),
        func.sum(c.remembered).label("sum_remembered"),
        func.sum(c.improved).label("n_improved"),
        func.sum(c.unchanged).label("n_unchanged"),
        func.sum(c.worsened).label("n_worsened"),
        func.sum(c.effort).label("sum_effort"),
        func.sum(c.recontact).label("n_recontact"),
        func.sum(c.transfers).label("n_transfers"),
        func.sum(c.has_empathy).label("n_empathy"),
        func.sum(c.empathy).label("sum_empathy"),
    ]


def _raw_filtered(conn: Connection, f: Filters) -> Any:
    """The per-interaction subquery narrowed by the filters (raw path)."""
    q = _per_interaction(conn, current_score_models(conn))
    i = interactions.c
    if f.start:
        q = q.where(i.started_at >= datetime.combine(f.start, datetime.min.time()))
    if f.end:
        q = q.where(i.started_at < datetime.combine(f.end + timedelta(days=1), datetime.min.time()))
    sub = q.subquery()
    conds = []
    if f.channel:
        conds.append(sub.c.channel == f.channel)
    if f.language:
        conds.append(sub.c.language == f.language)
    if f.pod:
        conds.append(sub.c.pod_id == f.pod)
    if f.company:
        conds.append(sub.c.company == f.company)
    if f.source:
        conds.append(sub.c.source == f.source)
    return sub, conds


def _pre_filtered(f: Filters) -> list[ColumnElement]:
    w = web_daily.c
    conds: list[ColumnElement] = []
    if f.start:
        conds.append(w.day >= f.start)
    if f.end:
        conds.append(w.day <= f.end)
    if f.channel:
        conds.append(w.channel == f.channel)
    if f.language:
        conds.append(w.language == f.language)
    if f.pod:
        conds.append(w.pod_id == f.pod)
    if f.company:
        conds.append(w.company == f.company)
    if f.source:
        conds.append(w.source == f.source)
    return conds


def _pre_sums() -> list[ColumnElement]:
    return [func.sum(web_daily.c[name]).label(name) for name in SUM_COLUMNS]


def _kpis(row: Any) -> Kpis:
    m = row._mapping
    values = {}
    for name in SUM_COLUMNS:
        v = m[name]
        values[name] = 0 if v is None else (float(v) if name.startswith("sum_") else int(v))
    return Kpis(**values)


# --------------------------------------------------------------------------- refresh
def _count(conn: Connection, table: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def store_fingerprint(conn: Connection) -> dict[str, Any]:
    """What the summary depends on besides the logged days (:data:`web_changes`, written
    by triggers on every contact, score and CSAT row): the customer scores (count and
    newest ``computed_at``: a predict run, also one that *replaces* rows) and the latest
    ingest run. Index reads only, whatever the store's size."""
    newest = conn.execute(select(func.max(customer_scores.c.computed_at))).scalar()
    return {
        "last_ingest_run": _last_ingest_run(conn),
        "n_customer_scores": _count(conn, customer_scores),
        "customer_scores_at": _iso(newest),
    }


MAX_INCREMENTAL_DAYS = 90  # more changed days than this: one full rebuild is cheaper
CHANGES = "log"  # details["changes"]: built with the trigger-kept change log (0024)


def _take_changes(conn: Connection) -> list[date]:
    """The days logged since the last refresh, removed from the log in the same statement
    (``DELETE … RETURNING``: a day a writer logs meanwhile, not yet committed, stays for
    the next refresh; on SQLite the statement also takes the write lock, so nothing is
    written between it and the rebuild)."""
    got = conn.execute(delete(web_changes).returning(web_changes.c.day)).scalars().all()
    return sorted({_as_date(d) for d in got})


def _model_days(conn: Connection, days: list[date] | None) -> dict[str, dict[str, list]]:
    """Per day (:data:`UNDATED` for undated contacts), per model pair ("a|b|c|d"): the
    scored contacts and the newest ``computed_at`` — of ``days`` only (index ranges), or of
    every day (``None``: one pass, on a full rebuild). Summed over the days they give
    :func:`current_score_models`' answer without its GROUP BY over every score."""
    i, s = interactions.c, interaction_scores.c
    keys = (s.model, s.version, s.empathy_model, s.empathy_version)
    day = func.coalesce(_day(conn, i.started_at), UNDATED)
    if conn.dialect.name == "sqlite":
        day = func.coalesce(_day(conn, i.started_at), UNDATED.isoformat())
    q = (
        select(day, *keys, func.count(), func.max(s.computed_at))
        .select_from(interaction_scores)
        .join(interactions, i.interaction_id == s.interaction_id)
        .group_by(day, *keys)
    )
    if days is not None:
        if not days:
            return {}
        q = q.where(day_condition(i.started_at, days))
    out: dict[str, dict[str, list]] = {d.isoformat(): {} for d in days or []}
    for d, a, b, c, e, n, at in conn.execute(q):
        out.setdefault(_as_date(d).isoformat(), {})["|".join((a, b, c, e))] = [int(n), _iso(at)]
    return out


def _pick_model(model_days: dict[str, dict[str, list]]) -> ScoreModels | None:
    """:func:`current_score_models`' choice from per-day counts: the most contacts, then
    the newest score, then the names in alphabetical order."""
    totals: dict[str, list] = {}
    for per in model_days.values():
        for pair, (n, at) in per.items():
            t = totals.setdefault(pair, [0, None])
            t[0] += n
            t[1] = at if t[1] is None or (at is not None and at > t[1]) else t[1]
    if not totals:
        return None
    pair = min(totals, key=lambda k: (-totals[k][0], _neg(totals[k][1]), k.split("|")))
    return ScoreModels(*pair.split("|"))


def _neg(at: str | None) -> tuple[int, str]:
    """Sort key: newest ``computed_at`` first (ISO strings compare as times), None last."""
    if at is None:
        return (1, "")
    return (0, "".join(chr(0x10FFFF - ord(ch)) for ch in at))


def _changed_days(conn: Connection, model: Any, logged: list[date]) -> list[date] | None:
    """The days to rebuild since the last refresh, or ``None`` for a full rebuild: no
    previous refresh kept with the log, another model pair, or a new ingest run (a
    re-import may rewrite customers or employees — a language, a pod — which changes the
    dimensions of contacts no trigger saw)."""
    row = conn.execute(select(web_refresh).where(web_refresh.c.name == REFRESH_NAME)).first()
    details = (row.details or {}) if row is not None else {}
    if details.get("changes") != CHANGES:
        return None
    if details.get("model") != (None if model is None else list(model)):
        return None
    if (details.get("fingerprint") or {}).get("last_ingest_run") != _last_ingest_run(conn):
        return None
    return logged


def _last_ingest_run(conn: Connection) -> int | None:
    v = conn.execute(select(func.max(ingest_runs.c.run_id))).scalar()
    return None if v is None else int(v)


def refresh_aggregates(
    engine: Engine,
    incremental: bool = False,
    mapper: BatchMapper | None = None,
    partition_days: int = DAYS_PER_PARTITION,
) -> RefreshReport:
    """Rebuild the dashboard's summaries from the store (call after analyze / predict).

    In one transaction, computed by the database itself, so a page reading meanwhile sees
    the old summary, never half of the new one. ``incremental=True`` rebuilds only the days
    the change log (``web_changes``, kept by triggers) names since the last refresh —
    falling back to a full rebuild when it cannot know (:func:`_changed_days`);
    ``details["days_rebuilt"]`` lists the days it rebuilt (``"all"`` for a full one). Both
    give exactly the same tables (tests compare them). The predict summary is recomputed
    only when the customer scores changed. With ``mapper`` (an engine's: ``local``
    processes, ``ray``) the daily sums are computed ``partition_days`` days a partition
    through it instead of by the database (:mod:`empathos.web.daily_partitions`;
    ``details["engine"]`` says which).
    """
    from empathos.web.coach_daily import rebuild_coach_daily
    from empathos.web.csat import rebuild_csat_daily

    t0 = time.perf_counter()
    with engine.begin() as conn:
        logged = _take_changes(conn)
        before = _previous_details(conn)
        model_days = before.get("model_days") if incremental else None
        if model_days is not None and before.get("changes") == CHANGES:
            model_days = {**model_days, **_model_days(conn, logged)}
            model_days = {d: per for d, per in model_days.items() if per}
            model = _pick_model(model_days)
            remember_score_models(conn, model)  # the pages ask it next
        else:
            model = current_score_models(conn)
            model_days = None
        days = _changed_days(conn, model, logged) if incremental else None
        if days is not None and len(days) > MAX_INCREMENTAL_DAYS:
            days = None
        q = _per_interaction(conn, model)
        if days is not None and mapper is None:
            q = q.where(day_condition(interactions.c.started_at, days))
        sub = q.subquery()
        keys = [sub.c.day, *(sub.c[d] for d in DIMENSIONS)]
        grouped = select(*keys, *_sums(sub)).group_by(*keys)
        if days is None:
            conn.execute(delete(web_daily))
        elif days:
            conn.execute(delete(web_daily).where(web_daily.c.day.in_(days)))
        if mapper is not None:
            todo = days if days is not None else _all_days(conn)
            todo = [d for d in todo if d != UNDATED]
            n_parts = rebuild_days(conn, q, todo, DIMENSIONS, SUM_COLUMNS, mapper, partition_days)
        elif days is None or days:
            conn.execute(insert(web_daily).from_select(["day", *DIMENSIONS, *SUM_COLUMNS], grouped))
        rebuild_csat_daily(conn, days)
        rebuild_coach_daily(conn, model, days)
        rows = _count(conn, web_daily)
        fp = store_fingerprint(conn)
        undated = int(
            conn.execute(
                select(func.count())
                .select_from(interactions)
                .where(interactions.c.started_at.is_(None))
            ).scalar_one()
        )
        in_summary = conn.execute(select(func.sum(web_daily.c.n_interactions))).scalar()
        n_int = int(in_summary or 0) + undated
        n_scores, n_cs = _count(conn, interaction_scores), fp["n_customer_scores"]
        if days is None or model_days is None:
            model_days = {d: per for d, per in _model_days(conn, None).items() if per}
        predict_again = not (
            days is not None and before.get("fingerprint") == fp and "predict" in before
        )
        # no predict run since: the same totals
        predict = _predict_summary_raw(conn) if predict_again else before["predict"]
        details = {
            "undated_interactions": undated,
            "fingerprint": fp,
            "predict": predict,
            "empathy_model": None if model is None else f"{model[2]}/{model[3]}",
            "model": None if model is None else list(model),
            "changes": CHANGES,
            "model_days": model_days,
            "days_rebuilt": "all" if days is None else [d.isoformat() for d in days],
        }
        if mapper is not None:
            details["engine"] = f"{type(mapper).__name__}: {n_parts} partitions"
        seconds = time.perf_counter() - t0
        conn.execute(delete(web_refresh).where(web_refresh.c.name == REFRESH_NAME))
        conn.execute(
            insert(web_refresh).values(
                name=REFRESH_NAME,
                refreshed_at=datetime.now(UTC).replace(tzinfo=None),
                n_interactions=n_int,
                n_scores=n_scores,
                n_customer_scores=n_cs,
                score_model=None if model is None else model[0],
                score_version=None if model is None else model[1],
                seconds=seconds,
                details=details,
            )
        )
    if predict_again:  # the OODA page's decide step, a whole-store pass, once per run
        from empathos.web.ooda_decide import refresh_decide

        try:
            refresh_decide(engine)
        except Exception:  # noqa: BLE001 - e.g. an empty store: the page says why
            logger.warning("OODA decide not kept at refresh", exc_info=True)
    return RefreshReport(
        rows,
        n_int,
        n_scores,
        n_cs,
        None if model is None else model[0],
        None if model is None else model[1],
        seconds,
        details,
    )


def _previous_details(conn: Connection) -> dict[str, Any]:
    row = conn.execute(
        select(web_refresh.c.details).where(web_refresh.c.name == REFRESH_NAME)
    ).first()
    return (row[0] or {}) if row is not None else {}


def _all_days(conn: Connection) -> list[date]:
    """Every day with a dated contact (the partitions of a full rebuild through a mapper)."""
    day = _day(conn, interactions.c.started_at)
    q = select(day).where(interactions.c.started_at.is_not(None)).distinct()
    return sorted(_as_date(d) for (d,) in conn.execute(q))


def refresh_info(engine: Engine) -> dict[str, Any] | None:
    """The last rebuild's record (``None`` if the summary was never built)."""
    with engine.connect() as conn:
        row = conn.execute(select(web_refresh).where(web_refresh.c.name == REFRESH_NAME)).first()
    return None if row is None else dict(row._mapping)


def is_stale(engine: Engine) -> bool:
    """True when the store changed since the last rebuild: a day in the change log (a
    contact, score or CSAT row written or deleted), another predict run, or a new ingest
    run. Index reads only."""
    info = refresh_info(engine)
    if info is None or (info["details"] or {}).get("changes") != CHANGES:
        return True
    with engine.connect() as conn:
        if conn.execute(select(web_changes.c.id).limit(1)).first() is not None:
            return True
        now = store_fingerprint(conn)
    return now != (info["details"] or {}).get("fingerprint")


def ensure_fresh(engine: Engine) -> RefreshReport | None:
    """Refresh the summary if it is stale, only the changed days where that is known
    (``incremental=True``); the report of the refresh, or None."""
    return refresh_aggregates(engine, incremental=True) if is_stale(engine) else None


# --------------------------------------------------------------------------- page queries
def kpis(engine: Engine, f: Filters, pre: bool = True) -> Kpis:
    """The sums and ratios of the filtered slice."""
    with engine.connect() as conn:
        if pre:
            q = select(*_pre_sums()).where(*_pre_filtered(f))
        else:
            sub, conds = _raw_filtered(conn, f)
            q = select(*_sums(sub)).where(*conds)
        row = conn.execute(q).first()
    return _kpis(row) if row is not None else Kpis()


def daily(engine: Engine, f: Filters, pre: bool = True) -> list[DayRow]:
    """Per-day sums of the filtered slice, oldest first."""
    with engine.connect() as conn:
        if pre:
            w = web_daily.c
            q = select(w.day, *_pre_sums()).where(*_pre_filtered(f)).group_by(w.day).order_by(w.day)
        else:
            sub, conds = _raw_filtered(conn, f)
            q = select(sub.c.day, *_sums(sub)).where(*conds).group_by(sub.c.day).order_by(sub.c.day)
        return [DayRow(_as_date(r[0]), _kpis(r)) for r in conn.execute(q)]


def breakdown(engine: Engine, f: Filters, dimension: str, pre: bool = True) -> dict[str, Kpis]:
    """Sums of the filtered slice per value of one dimension (channel, language, pod_id,
    source), largest first."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; one of {DIMENSIONS}")
    with engine.connect() as conn:
        if pre:
            col = web_daily.c[dimension]
            q = select(col, *_pre_sums()).where(*_pre_filtered(f)).group_by(col)
        else:
            sub, conds = _raw_filtered(conn, f)
            col = sub.c[dimension]
            q = select(col, *_sums(sub)).where(*conds).group_by(col)
        out = {str(r[0]): _kpis(r) for r in conn.execute(q)}
    return dict(sorted(out.items(), key=lambda kv: (-kv[1].n_interactions, kv[0])))


def filter_options(engine: Engine, pre: bool = True) -> dict[str, Any]:
    """Values offered by the filter form, and the dated span of the data."""
    w = web_daily.c
    i = interactions.c
    with engine.connect() as conn:
        if pre:
            cols = {d: w[d] for d in DIMENSIONS}
            opts: dict[str, Any] = {
                d: [str(v) for (v,) in conn.execute(select(c).distinct().order_by(c))]
                for d, c in cols.items()
            }
            lo, hi = conn.execute(select(func.min(w.day), func.max(w.day))).first() or (None, None)
        else:
            sub = _per_interaction(conn, None).subquery()
            opts = {
                d: [str(v) for (v,) in conn.execute(select(sub.c[d]).distinct().order_by(sub.c[d]))]
                for d in DIMENSIONS
            }
            lo, hi = conn.execute(select(func.min(i.started_at), func.max(i.started_at))).first()
    opts["first_day"] = None if lo is None else _as_date(lo)
    opts["last_day"] = None if hi is None else _as_date(hi)
    return opts


def latest_day(engine: Engine, f: Filters, pre: bool = True) -> date | None:
    """The latest day with data under ``f``'s filters other than the period (None: none)."""
    from dataclasses import replace

    g = replace(f, start=None, end=None)
    with engine.connect() as conn:
        if pre:
            q = select(func.max(web_daily.c.day)).where(*_pre_filtered(g))
        else:
            sub, conds = _raw_filtered(conn, g)
            q = select(func.max(sub.c.day)).where(*conds)
        v = conn.execute(q).scalar()
    return None if v is None else _as_date(v)


def with_default_period(
    engine: Engine, f: Filters, pre: bool = True, days: int = DEFAULT_PERIOD_DAYS
) -> Filters:
    """``f`` with the default period when the user chose none: the ``days`` days ending on
    the latest day that has data under the other filters (so a brand whose contacts all
    sit in an old month shows that month). Unchanged when a bound was given or there is
    no data at all."""
    from dataclasses import replace

    if f.start or f.end:
        return f
    last = latest_day(engine, f, pre=pre)
    if last is None:
        return f
    return replace(f, start=last - timedelta(days=days - 1), end=last, period_default=True)


# --------------------------------------------------------------------------- predict
def _known_sum(values: list[float | None]) -> float | None:
    """Σ of the known values; ``None`` (unknown) when none is known, never 0."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _predict_summary_raw(conn: Connection) -> dict[str, Any] | None:
    """Totals of the current predict run (:func:`current_prediction_run`, named by its
    ``run`` label), how many figures are estimated (prior/fallback) or unknown and why,
    and its avoidable-churn list (ranked)."""
    run = current_prediction_run(conn)
    if run is None:
        return None
    cs, c = customer_scores.c, customers.c
    rows = conn.execute(
        select(
            cs.customer_id,
            cs.p_churn,
            cs.clv,
            cs.value_at_risk,
            cs.drivers,
            cs.churn_basis,
            cs.clv_basis,
            cs.basis_note,
            c.language,
            c.segment,
            c.source,
        )
        .outerjoin(customers, c.customer_id == cs.customer_id)
        .where(run.where())
    ).all()
    p_known = [r.p_churn for r in rows if r.p_churn is not None]
    avoidable = [r for r in rows if (r.drivers or {}).get("avoidable")]
    avoidable.sort(key=lambda r: (-(r.value_at_risk or 0.0), -(r.p_churn or 0.0), r.customer_id))
    sources = sorted({str(r.source) for r in rows if r.source})
    clv_bases: dict[str, int] = {}
    for r in rows:
        b = r.clv_basis or "fitted"
        clv_bases[b] = clv_bases.get(b, 0) + 1
    churn_basis = sorted({r.churn_basis or "fitted" for r in rows}) or ["unknown"]
    notes = sorted({n for r in rows if r.basis_note for n in r.basis_note.split("; ")})
    return {
        "as_of": _iso(run.as_of),
        "model": run.model,
        "version": run.version,
        "run": run.label(),
        "customers": len(rows),
        "total_clv": _known_sum([r.clv for r in rows]),
        "total_value_at_risk": _known_sum([r.value_at_risk for r in rows]),
        "mean_p_churn": (sum(p_known) / len(p_known)) if p_known else None,
        "churn_basis": churn_basis[0] if len(churn_basis) == 1 else "mixed",
        "clv_bases": clv_bases,
        "clv_estimated": _known_sum(
            [r.clv for r in rows if (r.clv_basis or "fitted") in ("prior", "fallback")]
        ),
        "basis_notes": notes,
        "n_avoidable": len(avoidable),
        "avoidable_value_at_risk": _known_sum([r.value_at_risk for r in avoidable]),
        "sources": sources,
        "avoidable": [
            {
                "customer_id": r.customer_id,
                "p_churn": r.p_churn,
                "clv": r.clv,
                "value_at_risk": r.value_at_risk,
                "clv_basis": r.clv_basis or "fitted",
                "churn_basis": r.churn_basis or "fitted",
                "language": r.language,
                "segment": r.segment,
                "drivers": [d[0] for d in (r.drivers or {}).get("top", [])][:3],
            }
            for r in avoidable[:AVOIDABLE_LIST]
        ],
    }


def _money(v: float) -> str:
    return f"{v:,.0f}"


def predict_figures(summary: dict[str, Any] | None) -> dict[str, dict[str, str]]:
    """How the predict/value panels show each figure of a :func:`predict_summary`:
    ``text`` ("unknown" when the data cannot support it, never 0; "(estimated)" when it
    rests on a prior or fallback) and a ``hint`` saying what to import to see it or why
    it is estimated. Tolerates summaries cached before the basis columns existed."""
    if not summary:
        return {}
    n = int(summary.get("customers") or 0)
    bases = summary.get("clv_bases") or {}
    notes = " ".join(summary.get("basis_notes") or [])
    churn_basis = summary.get("churn_basis") or "fitted"
    clv_unknown = summary.get("total_clv") is None
    fallback = int(bases.get("fallback", 0)) + int(bases.get("prior", 0))
    out: dict[str, dict[str, str]] = {}
    if clv_unknown:
        hint = (
            "import transactions to see CLV"
            if "no transactions" in notes or not notes
            else next((x for x in summary["basis_notes"] if "CLV" in x), notes)
        )
        out["clv"] = {"text": "unknown", "hint": hint}
    elif fallback:
        out["clv"] = {
            "text": _money(summary["total_clv"]) + " (estimated)",
            "hint": f"{fallback:,} of {n:,} customers ({fallback / max(n, 1):.0%}) carry the "
            "new-customer fallback CLV (no purchase yet): "
            f"{_money(summary.get('clv_estimated') or 0)} of it is estimated",
        }
    else:
        out["clv"] = {"text": _money(summary["total_clv"]), "hint": "fitted (BG/NBD + Gamma-Gamma)"}
    p = summary.get("mean_p_churn")
    if p is None or churn_basis == "unknown":
        out["p_churn"] = {"text": "unknown", "hint": "import churn outcomes to see churn risk"}
    elif churn_basis != "fitted":
        out["p_churn"] = {
            "text": f"{100 * p:.1f} % (estimated)",
            "hint": f"prior {summary.get('model')}: the observed churn rate, too few "
            "churners to fit the model",
        }
    else:
        out["p_churn"] = {"text": f"{100 * p:.1f} %", "hint": ""}
    var = summary.get("total_value_at_risk")
    if var is None:
        need = [w for w, miss in (("churn outcomes", "p_churn"), ("transactions", "clv"))
                if out[miss]["text"] == "unknown"]  # fmt: skip
        out["var"] = {
            "text": "unknown",
            "hint": "import "
            + " and ".join(need or ["churn outcomes", "transactions"])
            + " to see value at risk",
        }
        out["avoidable"] = {"text": "unknown", "hint": out["var"]["hint"]}
    else:
        est = fallback or churn_basis != "fitted"
        tag = " (estimated)" if est else ""
        out["var"] = {"text": _money(var) + tag, "hint": "Σ P(churn) × CLV"}
        out["avoidable"] = {
            "text": f"{int(summary.get('n_avoidable') or 0):,} customers",
            "hint": _money(summary.get("avoidable_value_at_risk") or 0) + tag + " at risk",
        }
    return out


def _iso(v: Any) -> str | None:
    return v.isoformat() if isinstance(v, datetime | date) else (None if v is None else str(v))


def predict_summary(engine: Engine, pre: bool = True) -> dict[str, Any] | None:
    """The value-at-risk totals and the avoidable-churn list of the latest predict run
    (``None`` when ``empathos predict`` has not run)."""
    if pre:
        info = refresh_info(engine)
        if info is not None:
            return (info["details"] or {}).get("predict")
    with engine.connect() as conn:
        return _predict_summary_raw(conn)
