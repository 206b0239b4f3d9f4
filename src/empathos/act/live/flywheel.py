"""Closed live contacts re-enter the flywheel: imported as interactions, then analyzed.

Why: the desk writes ``live_*`` tables that no other stage reads; understand, predict,
learn and the dashboard read ``interactions`` and ``turns``. When a contact closes, its
rows (written by the write-behind) are turned into one interaction record — the JSONL
shape an import takes, with its turns under the same seq numbers, the final lead as
``employee_id``, the routing decisions and lead changes and the experiment arm under
``attributes.live`` / ``attributes.arm`` — and imported through
:func:`empathos.listen.ingest.ingest_records`, the file import's own path. Then
``analyze`` (understand's incremental run: it annotates only unannotated turns) scores it.

Idempotent by construction: only closed contacts with no interaction of their id are
picked (an anti-join), and the import itself stores nothing twice, so closing twice, a
journal replay or a restart never duplicates. :class:`Flywheel` runs this in a daemon
thread of the writer (thread or child process), after the rows it needs are committed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, select

from empathos.store.schema import interactions
from empathos.store.tables_learn import experiment_assignments
from empathos.store.tables_live import lead_changes, live_contacts, live_turns, routing_decisions

log = logging.getLogger(__name__)

SOURCE = "live:desk"


def pending_contacts(engine: Engine, ids: Iterable[str] | None = None) -> list[str]:
    """Closed live contacts that are not an interaction yet (of ``ids``, else all)."""
    q = (
        select(live_contacts.c.contact_id)
        .outerjoin(interactions, interactions.c.interaction_id == live_contacts.c.contact_id)
        .where(live_contacts.c.status == "closed", interactions.c.interaction_id.is_(None))
        .order_by(live_contacts.c.closed_at, live_contacts.c.contact_id)
    )
    if ids is not None:
        ids = list(ids)
        if not ids:
            return []
        q = q.where(live_contacts.c.contact_id.in_(ids))
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(q)]


def contact_records(engine: Engine, ids: list[str]) -> list[dict[str, Any]]:
    """The interaction records (JSONL shape) of these live contacts."""
    out: list[dict[str, Any]] = []
    with engine.connect() as conn:
        contacts = conn.execute(
            select(live_contacts).where(live_contacts.c.contact_id.in_(ids))
        ).mappings()
        by_id = {r["contact_id"]: dict(r) for r in contacts}

        def grouped(table: Any, order: Any) -> dict[str, list[dict[str, Any]]]:
            rows: dict[str, list[dict[str, Any]]] = {}
            key = table.c.contact_id if "contact_id" in table.c else table.c.interaction_id
            for r in conn.execute(select(table).where(key.in_(ids)).order_by(*order)).mappings():
                rows.setdefault(r[key.name], []).append(dict(r))
            return rows

        turns = grouped(live_turns, [live_turns.c.seq])
        decisions = grouped(routing_decisions, [routing_decisions.c.decision_id])
        changes = grouped(lead_changes, [lead_changes.c.change_id])
        arms = grouped(experiment_assignments, [experiment_assignments.c.experiment])
    for cid in ids:
        c = by_id.get(cid)
        if c is None or not turns.get(cid):
            continue  # its turns are not written yet: a later pass takes it
        arm = arms.get(cid, [])
        out.append(
            {
                "interaction_id": cid,
                "customer_id": c["customer_id"],
                "channel": c["channel"],
                "started_at": c["opened_at"],
                "ended_at": c["closed_at"] or c["updated_at"],
                "employee_id": c["lead_id"],
                "need": c["need"],
                "source": "imported",
                "attributes": {
                    "origin": "live",
                    **({"arm": arm[-1]["arm"], "experiment": arm[-1]["experiment"]} if arm else {}),
                    "live": {
                        "pod_id": c["pod_id"],
                        "to_automation": bool(c["to_automation"]),
                        "handovers": c["handovers"],
                        "decisions": [
                            {
                                "seq": d["seq"],
                                "kind": d["kind"],
                                "policy": d["policy"],
                                "employee_id": d["employee_id"],
                                "rule": d["rule"],
                                "fell_back": bool(d["fell_back"]),
                            }
                            for d in decisions.get(cid, [])
                        ],
                        "lead_changes": [
                            {
                                "seq": lc["seq"],
                                "from_id": lc["from_id"],
                                "to_id": lc["to_id"],
                                "trigger": lc["trigger"],
                            }
                            for lc in changes.get(cid, [])
                        ],
                    },
                },
                "turns": [
                    {"seq": t["seq"], "speaker": t["speaker"], "text": t["text"], "ts": t["ts"]}
                    for t in turns[cid]
                ],
            }
        )
    return out


def import_closed(engine: Engine, ids: Iterable[str] | None = None) -> int:
    """Import the closed live contacts not yet interactions; how many were stored new."""
    from empathos.listen.ingest import ingest_records

    todo = pending_contacts(engine, ids)
    if not todo:
        return 0
    records = contact_records(engine, todo)
    if not records:
        return 0
    report, rejects = ingest_records(
        enumerate(records, 1), engine, kind="interactions", label=SOURCE
    )
    for r in rejects:
        log.warning("live flywheel: contact rejected by the import: %s", r)
    return report.new


class Flywheel:
    """A daemon thread that imports closed contacts (:func:`import_closed`) and then runs
    ``analyze`` once per wave. ``notify(ids)`` after the contacts' rows are committed;
    ``settle(timeout)`` waits until everything notified is imported and analyzed."""

    def __init__(self, engine: Engine, emotion_model: str, empathy_model: str) -> None:
        self.engine = engine
        self.models = (emotion_model, empathy_model)
        self.imported = self.analyzed = self.errors = 0
        self.last_error: str | None = None
        self._ids: set[str] = set()
        self._scan = True  # at start: contacts closed before a crash or restart
        self._cv = threading.Condition()
        self._busy = False
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="live-flywheel", daemon=True)
        self._thread.start()

    def notify(self, ids: Iterable[str]) -> None:
        with self._cv:
            self._ids.update(ids)
            self._cv.notify_all()

    def _run(self) -> None:
        while True:
            with self._cv:
                while not (self._ids or self._scan or self._stop):
                    self._cv.wait()
                if self._stop and not (self._ids or self._scan):
                    return
                ids, scan = self._ids, self._scan
                self._ids, self._scan, self._busy = set(), False, True
            try:
                n = import_closed(self.engine, None if scan else ids)
                self.imported += n
                if n:
                    from empathos.understand.pipeline import analyze

                    analyze(self.engine, *self.models, progress=False)
                    self.analyzed += n
                self.last_error = None
            except Exception as exc:  # noqa: BLE001 - retried at the next wave or restart
                self.errors += 1
                self.last_error = f"{type(exc).__name__}: {str(exc)[:200]}"
                with self._cv:
                    if self._stop:  # closed meanwhile: the next start's scan picks them up
                        log.warning("live flywheel: %s (left to the next start)", self.last_error)
                        return
                    log.warning("live flywheel: %s (retried later)", self.last_error)
                    self._ids |= ids
                    self._scan = self._scan or scan
                    self._cv.wait(2.0)
            finally:
                with self._cv:
                    self._busy = False
                    self._cv.notify_all()

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is waiting to be imported or analyzed (``False`` on timeout)."""
        with self._cv:
            return self._cv.wait_for(
                lambda: not (self._ids or self._scan or self._busy), timeout=timeout
            )

    def close(self, timeout: float = 10.0) -> None:
        self.settle(timeout)
        with self._cv:
            self._stop = True
            self._ids.clear()
            self._scan = False
            self._cv.notify_all()
        self._thread.join(timeout)
