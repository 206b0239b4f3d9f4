"""Customer Empathy Pods: defined in YAML or through the API, validated, stored, loaded.

A pod is a cross-functional team (service, sales, operations, marketing, …) that owns a
set of customers — whole segments and/or named customers — and whose members each have a
function, skills, languages, a capacity and, optionally, a declared empathy style and
competence. Definitions are validated with pydantic; every error names the file and the
field path (``pods.yaml: pods[1] (pod-b).members[0] (e-7).capacity: …``).

Storage uses the store's master tables: ``pods`` (name, functions, member ids, segments)
and ``employees`` (function, skills, languages, pod, capacity; the declared style,
competence and the card language in ``attributes``), plus ``pod_customers`` for named
customers (migration 0004, branch act).

:func:`load_pod_state` turns the stored pods into the :class:`PodState` a router reads.
Each member's empathy style is *measured* when the understand stage has annotated their
turns (``turn_empathy``): the share of their turns using each mechanism, shrunk toward the
declared style (or the scorer's default) with ``prior_turns`` pseudo-turns so a member
with three annotated turns is not judged on three turns. Competence likewise comes from
the share of their contacts with a ``resolved`` outcome, shrunk toward the declared
competence (or 0.5). Behaviours only — the employee's *feelings* are never inferred.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import Engine, and_, case, delete, func, select, update
from sqlalchemy.engine import Connection

from empathos.act.routing import MemberState, PodState
from empathos.listen.api_text import id_schema
from empathos.listen.parse import StorableStr

MECHANISMS: tuple[str, ...] = ("emotional_reaction", "interpretation", "exploration")
Mechanism = Literal["emotional_reaction", "interpretation", "exploration"]


def _not_bool(value: Any) -> Any:
    """A share is a number: pydantic's lax float would read ``false`` as 0.0."""
    if isinstance(value, bool):
        raise ValueError("must be a number between 0 and 1, not a boolean")
    return value


Share = Annotated[
    float, Field(ge=0.0, le=1.0), BeforeValidator(_not_bool)
]  # Field first: JSON schema
# Every string a pod stores follows the import's rule (no NUL, no lone surrogate), so
# SQLite and PostgreSQL accept the same pods.
Name = Annotated[StorableStr, Field(min_length=1, max_length=128)]
Tag = Annotated[StorableStr, Field(min_length=1, max_length=64)]
_MEMBER_ATTRS = ("empathy_style", "competence", "ui_language")  # attributes keys this module owns


class MemberSpec(BaseModel):
    """One pod member as written in a pods file or sent to the API."""

    model_config = ConfigDict(extra="forbid")

    employee_id: Name
    name: StorableStr | None = Field(None, max_length=256)
    function: Tag = "service"
    skills: list[Tag] = Field(
        default_factory=list, description="Needs this member can resolve, e.g. billing."
    )
    languages: list[Tag] = Field(
        min_length=1, description="Languages the member serves customers in."
    )
    capacity: int = Field(1, ge=1, le=50, description="Contacts at the same time (chat: 2-3).")
    empathy_style: dict[Mechanism, Share] | None = Field(
        None,
        description=(
            "Declared usage rate (0-1) of each empathy mechanism; measured turns refine it."
        ),
    )
    competence: Share | None = Field(
        None, description="Declared competence 0-1; resolved outcomes refine it."
    )
    ui_language: Tag | None = Field(
        None, description="Language of the member's assist card (en, de, ...)."
    )

    @field_validator("skills", "languages")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(v))


class PodBody(BaseModel):
    """A pod without its id (the body of ``PUT /pods/{id}``)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[StorableStr, Field(min_length=1, max_length=256)]
    functions: list[Tag] = Field(default_factory=list, description="Empty: the members' functions.")
    segments: list[Tag] = Field(default_factory=list, description="Customer segments the pod owns.")
    customers: list[Name] = Field(default_factory=list, description="Named customers the pod owns.")
    members: list[MemberSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _members_unique(self) -> PodBody:
        seen: set[str] = set()
        for m in self.members:
            if m.employee_id in seen:
                raise ValueError(f"member {m.employee_id!r} is listed twice")
            seen.add(m.employee_id)
        if not self.functions:
            self.functions = sorted({m.function for m in self.members})
        return self


class PodSpec(PodBody):
    """A pod with its id (the body of ``POST /pods`` and what ``GET`` returns)."""

    pod_id: Annotated[Name, id_schema()]  # trimmed by the API, so never blank


class MemberView(BaseModel):
    """A stored member as read back: the fields of :class:`MemberSpec`, unvalidated (an
    ingested employee may lack languages; reading must still show them)."""

    employee_id: str
    name: str | None = None
    function: str = "service"
    skills: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    capacity: int = 1
    empathy_style: dict[str, float] | None = None
    competence: float | None = None
    ui_language: str | None = None


class PodView(BaseModel):
    """A stored pod as read back (see :class:`MemberView`)."""

    pod_id: str
    name: str
    functions: list[str] = Field(default_factory=list)
    segments: list[str] = Field(default_factory=list)
    customers: list[str] = Field(default_factory=list)
    members: list[MemberView] = Field(default_factory=list)


class PodsFile(BaseModel):
    """A pods file: ``pods:`` a list of pods; a member and a named customer in one pod only."""

    model_config = ConfigDict(extra="forbid")

    pods: list[PodSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_overlap(self) -> PodsFile:
        pod_ids: set[str] = set()
        owner: dict[str, str] = {}
        customer_owner: dict[str, str] = {}
        for p in self.pods:
            if p.pod_id in pod_ids:
                raise ValueError(f"pod {p.pod_id!r} is defined twice")
            pod_ids.add(p.pod_id)
            for m in p.members:
                if m.employee_id in owner:
                    raise ValueError(
                        f"member {m.employee_id!r} is in both {owner[m.employee_id]!r} and "
                        f"{p.pod_id!r}"
                    )
                owner[m.employee_id] = p.pod_id
            for c in p.customers:
                if c in customer_owner:
                    raise ValueError(
                        f"customer {c!r} is owned by both {customer_owner[c]!r} and {p.pod_id!r}"
                    )
                customer_owner[c] = p.pod_id
        return self


class PodsFileError(ValueError):
    """A pods file that cannot be read or does not validate; the message names file and fields."""


def _where(loc: tuple[Any, ...], raw: Any) -> str:
    """``pods[1] (pod-b).members[0] (e-7).capacity`` for a pydantic error location."""
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            ident = (
                node.get("pod_id") or node.get("employee_id") if isinstance(node, dict) else None
            )
            if ident:
                out += f" ({ident})"
        elif part == "[key]":  # pydantic's marker for a bad mapping key: the key is named already
            continue
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def format_errors(exc: ValidationError, raw: Any, source: str) -> str:
    """One line per error: ``SOURCE: FIELD: message``."""
    lines = []
    for err in exc.errors():
        where = _where(tuple(err["loc"]), raw)
        lines.append(f"{source}: {where}: {err['msg']}")
    return "\n".join(lines)


def parse_pods(raw: Any, source: str = "<pods>") -> list[PodSpec]:
    """Validate an already parsed pods document (``{"pods": [...]}``)."""
    try:
        return PodsFile.model_validate(raw).pods
    except ValidationError as exc:
        raise PodsFileError(format_errors(exc, raw, source)) from None


def load_pods_yaml(path: str | Path) -> list[PodSpec]:
    """Read and validate a pods YAML file; errors name the file and the field."""
    import yaml

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PodsFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise PodsFileError(f"{path}: not valid YAML: {exc}") from None
    return parse_pods(raw, str(path))


# --------------------------------------------------------------------------- store
def _tables():  # noqa: ANN202 - imported lazily: the act stage stays importable without the store
    from empathos.store.schema import employees, pods
    from empathos.store.tables_act import pod_customers

    return pods, employees, pod_customers


def save_pods(engine: Engine, specs: Iterable[PodSpec]) -> dict[str, int]:
    """Store pods (create or replace) in one transaction; returns counts.

    Each pod is the truth for its members and named customers: members listed elsewhere
    move here, former members not listed any more are left without a pod (their employee
    record stays), and named customers move to this pod. Employee fields not set by a pods
    file (hire date, source, other attributes) are kept."""
    specs = list(specs)
    with engine.begin() as conn:
        for spec in specs:
            _save_pod(conn, spec)
    return {
        "pods": len(specs),
        "members": sum(len(s.members) for s in specs),
        "customers": sum(len(s.customers) for s in specs),
    }


def _save_pod(conn: Connection, spec: PodSpec) -> None:
    from empathos.store.repository import upsert

    pods_t, emp_t, pc_t = _tables()
    member_ids = [m.employee_id for m in spec.members]
    upsert(
        conn,
        "pods",
        [
            {
                "pod_id": spec.pod_id,
                "name": spec.name,
                "functions": spec.functions,
                "member_ids": member_ids,
                "segments": spec.segments,
            }
        ],
    )
    existing = (
        {
            r.employee_id: r._mapping
            for r in conn.execute(select(emp_t).where(emp_t.c.employee_id.in_(member_ids)))
        }
        if member_ids
        else {}
    )
    rows = [_employee_row(m, spec.pod_id, existing.get(m.employee_id)) for m in spec.members]
    upsert(conn, "employees", rows)
    moved = set(member_ids)
    for other, listed in conn.execute(
        select(pods_t.c.pod_id, pods_t.c.member_ids).where(pods_t.c.pod_id != spec.pod_id)
    ):
        if moved & set(listed or []):  # keep other pods' member lists true to the move
            keep = [e for e in listed if e not in moved]
            conn.execute(update(pods_t).where(pods_t.c.pod_id == other).values(member_ids=keep))
    leavers = update(emp_t).where(emp_t.c.pod_id == spec.pod_id)
    if member_ids:
        leavers = leavers.where(emp_t.c.employee_id.not_in(member_ids))
    conn.execute(leavers.values(pod_id=None))
    conn.execute(delete(pc_t).where(pc_t.c.pod_id == spec.pod_id))
    if spec.customers:
        conn.execute(delete(pc_t).where(pc_t.c.customer_id.in_(spec.customers)))
        conn.execute(
            pc_t.insert(), [{"customer_id": c, "pod_id": spec.pod_id} for c in spec.customers]
        )


def _employee_row(m: MemberSpec, pod_id: str, old: Mapping[str, Any] | None) -> dict[str, Any]:
    attrs = dict((old or {}).get("attributes") or {})
    for key in _MEMBER_ATTRS:
        value = getattr(m, key)
        if value is None:
            attrs.pop(key, None)
        else:
            attrs[key] = dict(value) if isinstance(value, dict) else value
    return {
        "employee_id": m.employee_id,
        "name": m.name if m.name is not None else (old or {}).get("name"),
        "function": m.function,
        "skills": m.skills,
        "languages": m.languages,
        "pod_id": pod_id,
        "capacity": m.capacity,
        "hired_at": (old or {}).get("hired_at"),
        "source": (old or {}).get("source") or "imported",
        "attributes": attrs,
    }


def list_pods(engine: Engine, pod_ids: Iterable[str] | None = None) -> list[PodView]:
    """The stored pods (all, or those in ``pod_ids``), members and named customers included,
    sorted by id. Members are the employees whose ``pod_id`` is the pod (those listed in
    ``pods.member_ids`` by an ingest count too)."""
    pods_t, emp_t, pc_t = _tables()
    with engine.connect() as conn:
        q = select(pods_t).order_by(pods_t.c.pod_id)
        if pod_ids is not None:
            q = q.where(pods_t.c.pod_id.in_(list(pod_ids)))
        pod_rows = list(conn.execute(q))
        if not pod_rows:
            return []
        ids = [r.pod_id for r in pod_rows]
        listed = {eid for r in pod_rows for eid in (r.member_ids or [])}
        emp_rows = list(
            conn.execute(
                select(emp_t).where(emp_t.c.pod_id.in_(ids) | emp_t.c.employee_id.in_(listed))
            )
        )
        owned: dict[str, list[str]] = {}
        for cid, pid in conn.execute(
            select(pc_t.c.customer_id, pc_t.c.pod_id)
            .where(pc_t.c.pod_id.in_(ids))
            .order_by(pc_t.c.customer_id)
        ):
            owned.setdefault(pid, []).append(cid)
    by_pod: dict[str, list[Any]] = {}
    for r in emp_rows:
        by_pod.setdefault(r.pod_id, []).append(r)
    for r in pod_rows:  # listed in member_ids but stored without a pod id
        for e in emp_rows:
            if e.pod_id is None and e.employee_id in (r.member_ids or []):
                by_pod.setdefault(r.pod_id, []).append(e)
    out = []
    for r in pod_rows:
        order = {eid: i for i, eid in enumerate(r.member_ids or [])}
        members = sorted(
            by_pod.get(r.pod_id, []),
            key=lambda e: (order.get(e.employee_id, len(order)), e.employee_id),
        )
        out.append(
            PodView(
                pod_id=r.pod_id,
                name=r.name,
                functions=list(r.functions or []),
                segments=list(r.segments or []),
                customers=owned.get(r.pod_id, []),
                members=[_member_from_row(e) for e in members],
            )
        )
    return out


def _member_from_row(e: Any) -> MemberView:
    """Stored employees are shown as they are (an ingest may lack languages)."""
    attrs = e.attributes if isinstance(e.attributes, dict) else {}
    return MemberView(
        employee_id=e.employee_id,
        name=e.name,
        function=e.function or "service",
        skills=list(e.skills or []),
        languages=list(e.languages or []),
        capacity=e.capacity or 1,
        empathy_style=attrs.get("empathy_style"),
        competence=attrs.get("competence"),
        ui_language=attrs.get("ui_language"),
    )


def get_pod(engine: Engine, pod_id: str) -> PodView | None:
    """One stored pod, or ``None``."""
    found = list_pods(engine, [pod_id])
    return found[0] if found else None


def delete_pod(engine: Engine, pod_id: str) -> bool:
    """Delete a pod and its named customers; its members stay as employees without a pod.
    Returns whether the pod existed."""
    pods_t, emp_t, pc_t = _tables()
    with engine.begin() as conn:
        conn.execute(delete(pc_t).where(pc_t.c.pod_id == pod_id))
        conn.execute(update(emp_t).where(emp_t.c.pod_id == pod_id).values(pod_id=None))
        return conn.execute(delete(pods_t).where(pods_t.c.pod_id == pod_id)).rowcount > 0


# --------------------------------------------------------------------------- pod state
def load_pod_state(
    engine: Engine,
    now: float = 0.0,
    empathy_model: tuple[str, str] | None = None,
    prior_turns: float = 10.0,
    default_usage: float = 0.3,
) -> PodState:
    """The router's view of the stored pods: every active employee with a pod, all free.

    ``empathy_model`` picks the (model, version) of ``turn_empathy`` to measure styles
    with; ``None`` takes the one with the most annotated turns. Shrinkage: usage =
    (turns using the mechanism + ``prior_turns`` × prior) / (turns + ``prior_turns``),
    prior = declared style or ``default_usage``; competence the same over resolved
    outcomes with prior = declared competence or 0.5. Employees whose ``attributes``
    carry ``left_at`` have left and are not loaded."""
    pods_t, emp_t, _ = _tables()
    with engine.connect() as conn:
        rows = [
            r
            for r in conn.execute(
                select(emp_t).where(emp_t.c.pod_id.is_not(None)).order_by(emp_t.c.employee_id)
            )
            if not (isinstance(r.attributes, dict) and r.attributes.get("left_at"))
        ]
        ids = [r.employee_id for r in rows]
        usage = _measured_empathy(conn, ids, empathy_model) if ids else {}
        resolved = _resolution_counts(conn, ids) if ids else {}
        pod_ids = [p for (p,) in conn.execute(select(pods_t.c.pod_id).order_by(pods_t.c.pod_id))]
    state = PodState(now=now)
    for p in pod_ids:
        state.pod_members[p] = []
    for r in rows:
        attrs = r.attributes if isinstance(r.attributes, dict) else {}
        declared = attrs.get("empathy_style") or {}
        n, hits = usage.get(r.employee_id, (0, (0, 0, 0)))
        empathy: dict[str, float] = {}
        if n or declared:
            for i, mech in enumerate(MECHANISMS):
                prior = float(declared.get(mech, default_usage))
                empathy[mech] = (hits[i] + prior_turns * prior) / (n + prior_turns)
        k, total = resolved.get(r.employee_id, (0, 0))
        prior_c = float(attrs["competence"]) if attrs.get("competence") is not None else 0.5
        competence = (k + prior_turns * prior_c) / (total + prior_turns)
        m = MemberState(
            employee_id=r.employee_id,
            pod_id=r.pod_id,
            function=r.function or "service",
            skills=frozenset(r.skills or []),
            languages=frozenset(r.languages or []),
            capacity=max(1, r.capacity or 1),
            idle_since=now,
            competence=competence,
            empathy=empathy,
        )
        state.members[m.employee_id] = m
        state.pod_members.setdefault(m.pod_id, []).append(m.employee_id)
        state.free[m.employee_id] = None
    return state


def _measured_empathy(
    conn: Connection, ids: list[str], model: tuple[str, str] | None
) -> dict[str, tuple[int, tuple[int, int, int]]]:
    """employee id → (annotated turns, turns using each mechanism at any level)."""
    from empathos.store.queries import current_turn_empathy_model
    from empathos.store.schema import turn_empathy, turns

    te = turn_empathy
    if model is None:
        model = current_turn_empathy_model(conn)
        if model is None:
            return {}
    used = [func.sum(case((te.c[mech] > 0, 1), else_=0)) for mech in MECHANISMS]
    q = (
        select(turns.c.author_id, func.count(), *used)
        .select_from(
            te.join(
                turns, and_(te.c.interaction_id == turns.c.interaction_id, te.c.seq == turns.c.seq)
            )
        )
        .where(te.c.model == model[0], te.c.version == model[1], turns.c.author_id.in_(ids))
        .group_by(turns.c.author_id)
    )
    return {
        r[0]: (int(r[1]), (int(r[2] or 0), int(r[3] or 0), int(r[4] or 0))) for r in conn.execute(q)
    }


def _resolution_counts(conn: Connection, ids: list[str]) -> dict[str, tuple[int, int]]:
    """employee id → (resolved outcomes with value ≥ 0.5, resolved outcomes)."""
    from empathos.store.schema import outcomes

    o = outcomes
    q = (
        select(o.c.employee_id, func.sum(case((o.c.value >= 0.5, 1), else_=0)), func.count())
        .where(o.c.kind == "resolved", o.c.employee_id.in_(ids))
        .group_by(o.c.employee_id)
    )
    return {r[0]: (int(r[1] or 0), int(r[2])) for r in conn.execute(q)}
