"""What the store shows about a company's practice: the data half of the assessment.

Answers say what a company believes it does; the store shows what it does: how many
contacts were analysed, whether customers are scored, whether lifts are measured,
whether endings are coached, whether pods exist, how much automation closes alone. Each
figure here is a plain count or share so the maturity rules (``maturity.py``) and the
blind-spot rules (``blind_spots.py``) stay readable, and so the dashboard can show them.

Tables of later stages (learn's experiments, coaching, feedback, act's decisions) are
found with SQLAlchemy ``inspect`` and never imported: a store without them is simply a
store where that practice is not (yet) in evidence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, MetaData, Table, and_, distinct, func, inspect, select

from empathos.assess.lifts import ExperimentEvidence, read_experiments
from empathos.store.queries import current_employee_run, current_prediction_run
from empathos.store.schema import (
    customer_scores,
    customers,
    employees,
    interaction_scores,
    interactions,
    outcomes,
    pods,
    turn_emotions,
    turn_empathy,
    turns,
)

__all__ = ["Evidence", "gather_evidence"]

#: Substrings that mark a later stage's table as coaching / label-feedback / routing data.
COACHING_MARKERS: tuple[str, ...] = ("coach",)
FEEDBACK_MARKERS: tuple[str, ...] = ("feedback", "correction")
DECISION_MARKERS: tuple[str, ...] = ("routing_decision", "decisions")

#: The least number of events a rung that rests on events needs (routing decisions,
#: coaching records, pulse answers, customer outcomes, contacts in each arm of an
#: experiment): one routing decision or one survey answer shows a feature was tried,
#: not that the company works that way. A documented judgement (docs/assess.md).
MIN_EVENTS = 20


@dataclass(slots=True)
class Evidence:
    """Counts and shares read from the store (all zero on an empty store)."""

    n_interactions: int = 0
    n_customers: int = 0
    n_employees: int = 0
    sources: dict[str, int] = field(default_factory=dict)  # interactions per source
    analysed_share: float = 0.0  # interactions with an interaction_scores row
    emotion_turn_share: float = 0.0  # customer turns with an emotion annotation
    empathy_turn_share: float = 0.0  # employee turns with an empathy annotation
    outcome_kinds: dict[str, int] = field(default_factory=dict)  # csat, nps, churn, pulse, ...
    customers_scored: int = 0  # latest predict run
    customers_with_clv: int = 0
    employees_scored: int = 0
    scores_as_of: datetime | None = None
    n_pods: int = 0
    mean_functions_per_pod: float = 0.0
    employees_in_pods_share: float = 0.0
    automation_share: float = 0.0  # contacts closed with no employee and not abandoned (bot)
    experiments_table: str | None = None
    experiments: int = 0  # rows in the experiments table, empty ones included
    experiments_with_data: int = 0  # at least MIN_EVENTS contacts in each arm
    measured_lifts: int = 0  # lifts with a finite CI from those experiments
    latest_experiment_at: datetime | None = None
    coaching_rows: int = 0
    feedback_rows: int = 0
    routing_decisions: int = 0
    latest_contact_at: datetime | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.n_interactions > 0

    @property
    def source(self) -> str:
        """``imported``, ``sample``, ``simulated``, ``mixed`` or ``none``: where the figures
        come from."""
        kinds = [k for k, v in self.sources.items() if v]
        if not kinds:
            return "none"
        return kinds[0] if len(kinds) == 1 else "mixed"

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["source"] = self.source
        for k in ("scores_as_of", "latest_experiment_at", "latest_contact_at"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


def _scalar(conn: Any, query: Any) -> Any:
    return conn.execute(query).scalar()


def _share(part: int | None, whole: int | None) -> float:
    return float(part or 0) / whole if whole else 0.0


def _count_distinct_pairs(conn: Any, table: Table) -> int:
    sub = select(table.c.interaction_id, table.c.seq).distinct().subquery()
    return int(_scalar(conn, select(func.count()).select_from(sub)) or 0)


def _turn_shares(conn: Any, ev: Evidence) -> None:
    by_speaker = dict(
        conn.execute(select(turns.c.speaker, func.count()).group_by(turns.c.speaker)).all()
    )
    ev.emotion_turn_share = min(
        1.0, _share(_count_distinct_pairs(conn, turn_emotions), by_speaker.get("customer"))
    )
    ev.empathy_turn_share = min(
        1.0, _share(_count_distinct_pairs(conn, turn_empathy), by_speaker.get("employee"))
    )


def _core(conn: Any, ev: Evidence) -> None:
    i = interactions.c
    ev.n_interactions = int(_scalar(conn, select(func.count()).select_from(interactions)) or 0)
    ev.n_customers = int(_scalar(conn, select(func.count()).select_from(customers)) or 0)
    ev.n_employees = int(_scalar(conn, select(func.count()).select_from(employees)) or 0)
    ev.sources = {
        str(k): int(v) for k, v in conn.execute(select(i.source, func.count()).group_by(i.source))
    }
    ev.latest_contact_at = _scalar(conn, select(func.max(i.started_at)))
    analysed = _scalar(conn, select(func.count(distinct(interaction_scores.c.interaction_id))))
    ev.analysed_share = min(1.0, _share(analysed, ev.n_interactions))
    ev.outcome_kinds = {
        str(k): int(v)
        for k, v in conn.execute(select(outcomes.c.kind, func.count()).group_by(outcomes.c.kind))
    }
    no_person = _scalar(conn, select(func.count()).where(i.employee_id.is_(None))) or 0
    abandoned = (
        _scalar(
            conn,
            select(func.count()).where(
                and_(i.employee_id.is_(None), i.attributes["abandoned"].as_boolean().is_(True))
            ),
        )
        or 0
    )
    ev.automation_share = _share(no_person - abandoned, ev.n_interactions)


def _scores(conn: Any, ev: Evidence) -> None:
    cs = customer_scores.c
    latest = current_prediction_run(conn)
    if latest is not None:
        where = and_(cs.as_of == latest[0], cs.model == latest[1], cs.version == latest[2])
        ev.scores_as_of = latest[0]
        ev.customers_scored = int(_scalar(conn, select(func.count()).where(where)) or 0)
        ev.customers_with_clv = int(
            _scalar(conn, select(func.count()).where(where, cs.clv.is_not(None))) or 0
        )
    erun = current_employee_run(conn, latest)
    if erun is not None:
        ev.employees_scored = int(_scalar(conn, select(func.count()).where(erun.where())) or 0)


def _pods(conn: Any, ev: Evidence) -> None:
    rows = conn.execute(select(pods.c.functions)).all()
    ev.n_pods = len(rows)
    if rows:
        ev.mean_functions_per_pod = sum(len(r[0] or []) for r in rows) / len(rows)
    in_pod = _scalar(
        conn, select(func.count()).select_from(employees).where(employees.c.pod_id.is_not(None))
    )
    ev.employees_in_pods_share = _share(in_pod, ev.n_employees)


def _rows_in(conn: Any, engine: Engine, names: list[str]) -> int:
    total = 0
    for name in names:
        table = Table(name, MetaData(), autoload_with=engine)
        total += int(_scalar(conn, select(func.count()).select_from(table)) or 0)
    return total


def _later_stages(engine: Engine, ev: Evidence) -> None:
    names = sorted(inspect(engine).get_table_names())
    coaching = [n for n in names if any(m in n for m in COACHING_MARKERS)]
    feedback = [n for n in names if any(m in n for m in FEEDBACK_MARKERS)]
    decisions = [n for n in names if any(m in n for m in DECISION_MARKERS)]
    with engine.connect() as conn:
        ev.coaching_rows = _rows_in(conn, engine, coaching)
        ev.feedback_rows = _rows_in(conn, engine, feedback)
        ev.routing_decisions = _rows_in(conn, engine, decisions)
    exp: ExperimentEvidence = read_experiments(engine)
    ev.experiments_table, ev.experiments = exp.table, exp.rows
    sized = [s for s in exp.sizes if min(s[2], s[3]) >= MIN_EVENTS]
    ev.experiments_with_data = len(sized)
    ev.measured_lifts = sum(min(x.n_treatment, x.n_control) >= MIN_EVENTS for x in exp.lifts)
    latest = sized[0][1] if sized else None
    ev.latest_experiment_at = latest if isinstance(latest, datetime) else None
    small = len(exp.sizes) - len(sized)
    if small:
        ev.notes.append(
            f"{small} experiment(s) with fewer than {MIN_EVENTS} contacts in an arm: "
            "not counted as evidence yet"
        )
    if exp.note:
        ev.notes.append(exp.note)
    if not coaching:
        ev.notes.append("no coaching table in the store (learn stage's coaching not stored)")


def gather_evidence(engine: Engine) -> Evidence:
    """Read every figure the maturity and blind-spot rules use from ``engine``."""
    ev = Evidence()
    with engine.connect() as conn:
        _core(conn, ev)
        _turn_shares(conn, ev)
        _scores(conn, ev)
        _pods(conn, ev)
    _later_stages(engine, ev)
    if not ev.has_data:
        ev.notes.append(
            "the store holds no interactions: the assessment rests on the answers alone"
        )
    return ev
