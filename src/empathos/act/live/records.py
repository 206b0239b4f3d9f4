"""What the desk reads from the store: customer records (cached, under the store deadline),
the pod state and the employees' card languages."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future
from typing import Any

from sqlalchemy import Engine, select

from empathos.act.card import CustomerRecord, employee_language, load_customer_record
from empathos.act.live.config import LiveConfig
from empathos.act.live.resilience import LRU, Breaker, Deadline
from empathos.act.routing import PodState
from empathos.store.schema import employees


class RecordCache:
    """Customer records cached for ``record_ttl_s``; a miss reads under the store deadline.
    A read that finishes after its deadline still fills the cache for the next contact."""

    def __init__(
        self, engine: Engine, config: LiveConfig, deadline: Deadline, breaker: Breaker
    ) -> None:
        self.engine, self.config, self._deadline, self.breaker = engine, config, deadline, breaker
        self._cache = LRU(config.record_cache_size)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def _store(self, customer_id: str, record: CustomerRecord) -> None:
        with self._lock:
            self._cache.put(customer_id, (time.monotonic() + self.config.record_ttl_s, record))

    def get(self, customer_id: str) -> tuple[CustomerRecord, str]:
        """``(record, why_fell_back)`` (``why`` empty when the record is fresh)."""
        with self._lock:
            entry = self._cache.get_fresh(customer_id)
        if entry is not None and entry[0] > time.monotonic():
            self.hits += 1
            return entry[1], ""
        self.misses += 1
        ok, value, why = self._deadline.call(
            load_customer_record,
            self.config.store_timeout_s,
            self.breaker,
            self.engine,
            customer_id,
        )
        if ok:
            self._store(customer_id, value)
            return value, ""
        if isinstance(value, Future):  # timed out: let it finish into the cache
            value.add_done_callback(
                lambda f: f.exception() is None and self._store(customer_id, f.result())
            )
        elif value is None and (self.breaker.last_error or "").startswith("timeout"):
            # slow, not down: read it in the background when a worker is free
            self._deadline.submit_background(
                lambda: self._store(customer_id, load_customer_record(self.engine, customer_id))
            )
        if entry is not None:
            return entry[1], f"{why}; used the cached record from before"
        return CustomerRecord(customer_id), f"{why}; routed without the customer's history"

    def forget(self, customer_id: str) -> None:
        """Drop a cached record (an unknown customer: the next contact reads again, so a
        customer imported meanwhile is found at once rather than after ``record_ttl_s``)."""
        with self._lock:
            self._cache.pop(customer_id, None)

    def peek(self, customer_id: str) -> CustomerRecord | None:
        """The cached record, fresh or not, without touching the store."""
        entry = self._cache.get(customer_id)
        return entry[1] if entry is not None else None


class RapportView(Mapping):
    """customer id -> {employee id -> rapport}, read from the record cache: the shape the
    ``empathy`` policy takes, without copying anything per decision."""

    def __init__(self, records: RecordCache) -> None:
        self._records = records

    def __getitem__(self, customer_id: str) -> Mapping[str, float]:
        r = self._records.peek(customer_id)
        if r is None:
            raise KeyError(customer_id)
        return r.rapport

    def get(self, customer_id: str, default: Any = None) -> Any:  # noqa: D102 - Mapping
        r = self._records.peek(customer_id)
        return r.rapport if r is not None else default

    def __iter__(self):  # noqa: ANN204
        return iter(list(self._records._cache))

    def __len__(self) -> int:
        return len(self._records._cache)


def default_pod_loader(engine: Engine) -> PodState:
    """The pod state from the store (``empathos.act.pods.load_pod_state``)."""
    from empathos.act.pods import load_pod_state

    return load_pod_state(engine)


def load_employee_languages(engine: Engine) -> dict[str, str]:
    """employee id -> the card language they chose in ``employees.attributes``."""
    out: dict[str, str] = {}
    with engine.connect() as conn:
        for eid, attrs in conn.execute(select(employees.c.employee_id, employees.c.attributes)):
            lang = employee_language(attrs if isinstance(attrs, dict) else None)
            if lang:
                out[eid] = lang
    return out
