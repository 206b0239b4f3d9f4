"""Model feedback: employees and supervisors correct the labels the understand models wrote.

Why: the emotion and empathy heads are trained on Reddit (GoEmotions, EPITOME) and a small
hand-written supplement; the people who read the contacts know better. A correction names
one turn and the value it should have had — a CX emotion for a customer turn, a level
(0 none / 1 weak / 2 strong) per EPITOME mechanism for an employee turn. It is validated
against the store (the turn exists, it is the right speaker, the value is a known one),
stored with who made it, when, the value the model had given and that model's name and
version, and later used as training data by ``empathos retrain`` (``learn.retrain``).

Rows are append-only. When several corrections name the same turn (and mechanism), the
training set uses one of them: a supervisor's beats an employee's, and among equals the
latest wins — a supervisor reviews, and a person may fix their own mistake.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from empathos.store.schema import turn_emotions, turn_empathy, turns
from empathos.store.tables_feedback import label_feedback
from empathos.understand.protocols import CX_EMOTIONS, EMPATHY_MECHANISMS

ROLES: tuple[str, ...] = ("employee", "supervisor")
KINDS: tuple[str, ...] = ("emotion", "empathy")
_ROLE_RANK = {"employee": 0, "supervisor": 1}


class FeedbackError(ValueError):
    """A correction that cannot be stored; ``field`` names the offending input field and
    ``status`` is the HTTP status the API answers with (404: no such turn, 422: invalid)."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.status = status


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    """One stored correction (one mechanism for empathy)."""

    feedback_id: int
    kind: str
    interaction_id: str
    seq: int
    mechanism: str | None
    old_value: str | None
    new_value: str
    model: str | None
    version: str | None
    author_id: str
    author_role: str
    note: str | None
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _check_author(author_id: str, author_role: str) -> None:
    if not author_id or not str(author_id).strip():
        raise FeedbackError("author_id", "who made the correction is required")
    if author_role not in ROLES:
        raise FeedbackError("author_role", f"{author_role!r} is not one of {', '.join(ROLES)}")


def _turn_speaker(conn: Connection, interaction_id: str, seq: int) -> str:
    row = conn.execute(
        select(turns.c.speaker).where(turns.c.interaction_id == interaction_id, turns.c.seq == seq)
    ).first()
    if row is None:
        raise FeedbackError("seq", f"no turn {seq} in interaction {interaction_id!r}", status=404)
    return str(row.speaker)


def _from_live(engine: Engine, interaction_id: str, seq: int) -> None:
    """A turn of a live contact (``live_turns``) that is not an interaction yet: a closed
    contact is imported now (the flywheel's own import, idempotent), so its turns can be
    corrected at once; an open contact cannot be — its interaction does not exist until
    it closes — and answers 409 naming ``interaction_id``."""
    from empathos.act.live.flywheel import import_closed
    from empathos.store.tables_live import live_contacts, live_turns

    with engine.connect() as conn:
        if conn.execute(
            select(turns.c.seq).where(turns.c.interaction_id == interaction_id, turns.c.seq == seq)
        ).first():
            return
        live = conn.execute(
            select(live_contacts.c.status)
            .select_from(
                live_contacts.join(
                    live_turns, live_turns.c.contact_id == live_contacts.c.contact_id
                )
            )
            .where(live_turns.c.contact_id == interaction_id, live_turns.c.seq == seq)
        ).first()
    if live is None:
        return  # not a live turn either: the 404 below
    if live.status != "closed":
        raise FeedbackError(
            "interaction_id",
            f"live contact {interaction_id!r} is still open; its turns can be corrected "
            "once it is closed (it then becomes an interaction)",
            status=409,
        )
    import_closed(engine, [interaction_id])


def _current(conn: Connection, table: Any, interaction_id: str, seq: int, model: str | None) -> Any:
    """The annotation being corrected: of ``model`` if given, newest version first; else
    any model's (first by name then newest version) — None if the turn is not annotated."""
    q = select(table).where(table.c.interaction_id == interaction_id, table.c.seq == seq)
    if model:
        q = q.where(table.c.model == model)
    return conn.execute(q.order_by(table.c.model, table.c.version.desc())).first()


def correct_emotion(
    engine: Engine,
    interaction_id: str,
    seq: int,
    label: str,
    author_id: str,
    author_role: str = "employee",
    note: str | None = None,
    model: str | None = None,
) -> FeedbackRecord:
    """Store that customer turn ``(interaction_id, seq)`` expressed ``label`` (a CX emotion).

    ``model``: the emotion model whose label is corrected (default: whichever annotated
    the turn). Raises :class:`FeedbackError` naming the field that is wrong."""
    _check_author(author_id, author_role)
    if label not in CX_EMOTIONS:
        raise FeedbackError("label", f"{label!r} is not a CX emotion ({', '.join(CX_EMOTIONS)})")
    _from_live(engine, interaction_id, seq)
    note = _redact_note(engine, note)
    with engine.begin() as conn:
        speaker = _turn_speaker(conn, interaction_id, seq)
        if speaker != "customer":
            raise FeedbackError(
                "seq", f"turn {seq} is a {speaker} turn; emotions are labelled on customer turns"
            )
        cur = _current(conn, turn_emotions, interaction_id, seq, model)
        row = dict(
            kind="emotion",
            interaction_id=interaction_id,
            seq=int(seq),
            mechanism=None,
            old_value=cur.label if cur else None,
            new_value=label,
            model=cur.model if cur else model,
            version=cur.version if cur else None,
            author_id=str(author_id),
            author_role=author_role,
            note=note,
            created_at=_now(),
        )
        fid = conn.execute(insert(label_feedback).values(**row)).inserted_primary_key[0]
    return FeedbackRecord(feedback_id=int(fid), **row)


def _redact_note(engine: Engine, note: str | None) -> str | None:
    """A correction's free-text note, redacted when the store's tenant asks for it."""
    if not note:
        return note
    from empathos.listen.pii import policy_for, redact

    policy = policy_for(engine)
    return redact(note, policy.kinds)[0] if policy.enabled else note


def correct_empathy(
    engine: Engine,
    interaction_id: str,
    seq: int,
    levels: Mapping[str, int],
    author_id: str,
    author_role: str = "employee",
    note: str | None = None,
    model: str | None = None,
) -> list[FeedbackRecord]:
    """Store the right level of one or more mechanisms of employee turn ``(interaction_id, seq)``.

    ``levels`` maps an EPITOME mechanism to 0, 1 or 2; one row is stored per mechanism."""
    _check_author(author_id, author_role)
    if not levels:
        raise FeedbackError("levels", f"give at least one of {', '.join(EMPATHY_MECHANISMS)}")
    for mech, level in levels.items():
        if mech not in EMPATHY_MECHANISMS:
            raise FeedbackError(
                f"levels.{mech}", f"unknown mechanism; use {', '.join(EMPATHY_MECHANISMS)}"
            )
        if isinstance(level, bool) or not isinstance(level, int) or level not in (0, 1, 2):
            raise FeedbackError(
                f"levels.{mech}", f"{level!r} is not a level (0 none, 1 weak, 2 strong)"
            )
    out: list[FeedbackRecord] = []
    _from_live(engine, interaction_id, seq)
    note = _redact_note(engine, note)
    with engine.begin() as conn:
        speaker = _turn_speaker(conn, interaction_id, seq)
        if speaker != "employee":
            raise FeedbackError(
                "seq", f"turn {seq} is a {speaker} turn; empathy is labelled on employee turns"
            )
        cur = _current(conn, turn_empathy, interaction_id, seq, model)
        now = _now()
        for mech, level in levels.items():
            row = dict(
                kind="empathy",
                interaction_id=interaction_id,
                seq=int(seq),
                mechanism=mech,
                old_value=str(getattr(cur, mech)) if cur else None,
                new_value=str(level),
                model=cur.model if cur else model,
                version=cur.version if cur else None,
                author_id=str(author_id),
                author_role=author_role,
                note=note,
                created_at=now,
            )
            fid = conn.execute(insert(label_feedback).values(**row)).inserted_primary_key[0]
            out.append(FeedbackRecord(feedback_id=int(fid), **row))
    return out


def list_feedback(
    engine: Engine,
    kind: str | None = None,
    interaction_id: str | None = None,
    author_id: str | None = None,
    limit: int = 100,
) -> list[FeedbackRecord]:
    """Stored corrections, newest first, optionally filtered."""
    if kind is not None and kind not in KINDS:
        raise FeedbackError("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    c = label_feedback.c
    q = select(label_feedback).order_by(c.created_at.desc(), c.feedback_id.desc()).limit(limit)
    for col, value in (
        (c.kind, kind),
        (c.interaction_id, interaction_id),
        (c.author_id, author_id),
    ):
        if value is not None:
            q = q.where(col == value)
    with engine.connect() as conn:
        return [_record(r) for r in conn.execute(q)]


def _record(r: Any) -> FeedbackRecord:
    return FeedbackRecord(
        feedback_id=int(r.feedback_id),
        kind=r.kind,
        interaction_id=r.interaction_id,
        seq=int(r.seq),
        mechanism=r.mechanism,
        old_value=r.old_value,
        new_value=r.new_value,
        model=r.model,
        version=r.version,
        author_id=r.author_id,
        author_role=r.author_role,
        note=r.note,
        created_at=r.created_at,
    )


def effective(records: Sequence[FeedbackRecord]) -> list[FeedbackRecord]:
    """One correction per (kind, turn, mechanism): supervisor over employee, then latest."""
    best: dict[tuple[str, str, int, str | None], FeedbackRecord] = {}
    for r in records:
        key = (r.kind, r.interaction_id, r.seq, r.mechanism)
        rank = (_ROLE_RANK[r.author_role], r.created_at, r.feedback_id)
        old = best.get(key)
        if old is None or rank > (_ROLE_RANK[old.author_role], old.created_at, old.feedback_id):
            best[key] = r
    return sorted(best.values(), key=lambda r: r.feedback_id)


def all_feedback(engine: Engine, kind: str) -> list[FeedbackRecord]:
    """Every stored correction of ``kind`` (no limit), oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(label_feedback)
            .where(label_feedback.c.kind == kind)
            .order_by(label_feedback.c.feedback_id)
        )
        return [_record(r) for r in rows]
