"""Whether a store's tenant wants redaction, and which kinds: a ``tenant_settings`` row
(key ``pii``) when the store has one, else the process's ``Settings`` (``pii_redaction``,
``pii_kinds``). Each tenant has its own store, so the row is the tenant's setting."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from empathos.listen.pii.detect import KINDS
from empathos.store.tables_tenant import ingest_run_redactions, tenant_settings

log = logging.getLogger(__name__)

KEY = "pii"


def parse_kinds(kinds: str | Iterable[str] | None) -> tuple[str, ...]:
    """Kinds from ``"email,phone"`` or a list, in :data:`KINDS` order; ``None``/empty: all.
    An unknown kind is a ``ValueError`` naming the known ones."""
    if kinds is None:
        return KINDS
    names = [k.strip().lower() for k in (kinds.split(",") if isinstance(kinds, str) else kinds)]
    names = [k for k in names if k]
    unknown = sorted(set(names) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown PII kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
    return tuple(k for k in KINDS if k in names) or KINDS


@dataclass(frozen=True)
class PiiPolicy:
    """Redaction on or off, the kinds, and where the choice came from (``store``:
    the tenant's row, ``settings``: the process default, ``fail-closed``: the store
    could not be read, so everything is redacted)."""

    enabled: bool
    kinds: tuple[str, ...] = KINDS
    origin: str = "settings"

    def as_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "kinds": list(self.kinds)}


def default_policy(settings: Any = None) -> PiiPolicy:
    if settings is None:
        from empathos.config import get_settings

        settings = get_settings()
    return PiiPolicy(settings.pii_redaction == "on", parse_kinds(settings.pii_kinds), "settings")


def policy_for(engine: Engine, settings: Any = None) -> PiiPolicy:
    """The policy of the store behind ``engine``. A store that cannot be read (down, or
    not migrated to ``0022`` yet) raises: callers decide (:class:`PolicyCache` fails
    closed)."""
    with engine.connect() as conn:
        value = conn.execute(
            select(tenant_settings.c.value).where(tenant_settings.c.key == KEY)
        ).scalar()
    if value is None:
        return default_policy(settings)
    return PiiPolicy(bool(value.get("enabled")), parse_kinds(value.get("kinds")), "store")


def set_policy(engine: Engine, enabled: bool | None, kinds: Iterable[str] | None = None) -> None:
    """Store the tenant's policy; ``enabled=None`` removes the row (back to the default)."""
    with engine.begin() as conn:
        if enabled is None:
            conn.execute(delete(tenant_settings).where(tenant_settings.c.key == KEY))
            return
        value = PiiPolicy(enabled, parse_kinds(kinds)).as_json()
        now = datetime.now()
        done = conn.execute(
            update(tenant_settings)
            .where(tenant_settings.c.key == KEY)
            .values(value=value, updated_at=now)
        )
        if not done.rowcount:
            conn.execute(insert(tenant_settings).values(key=KEY, value=value, updated_at=now))


class PolicyCache:
    """The policy for a long-running process (the live desk): read at start, re-read in
    the background every ``ttl_s`` so ``empathos pii on`` reaches a running server, never
    on the caller's path. The last known policy is kept while the store cannot be read;
    if it was never read, everything is redacted (fail closed)."""

    def __init__(self, engine: Engine, settings: Any = None, ttl_s: float = 5.0) -> None:
        self.engine, self.settings, self.ttl_s = engine, settings, ttl_s
        self._policy: PiiPolicy | None = None
        self._at = 0.0
        self._lock = threading.Lock()
        self._busy = False
        self._load()

    def _load(self) -> None:
        try:
            policy = policy_for(self.engine, self.settings)
        except SQLAlchemyError as exc:
            log.warning("PII policy could not be read (%s)", type(exc).__name__)
            policy = self._policy or PiiPolicy(True, KINDS, "fail-closed")
        with self._lock:
            self._policy, self._at, self._busy = policy, time.monotonic(), False

    def get(self) -> PiiPolicy:
        with self._lock:
            stale = time.monotonic() - self._at > self.ttl_s and not self._busy
            if stale:
                self._busy = True
            policy = self._policy
        if stale:
            threading.Thread(target=self._load, name="pii-policy", daemon=True).start()
        assert policy is not None
        return policy

    def refresh(self) -> PiiPolicy:
        """Read the store now (tests, after a change)."""
        self._load()
        return self.get()


def record_redactions(engine: Engine, run_id: int, counts: Mapping[str, int]) -> None:
    """Store an import run's redaction counts (replacing any for the run)."""
    rows = [{"run_id": run_id, "kind": k, "count": int(n)} for k, n in counts.items() if n]
    with engine.begin() as conn:
        conn.execute(delete(ingest_run_redactions).where(ingest_run_redactions.c.run_id == run_id))
        if rows:
            conn.execute(insert(ingest_run_redactions), rows)


def run_redactions(engine: Engine, run_id: int) -> dict[str, int]:
    """What run ``run_id`` redacted, per kind."""
    t = ingest_run_redactions
    with engine.connect() as conn:
        return dict(conn.execute(select(t.c.kind, t.c.count).where(t.c.run_id == run_id)).all())
