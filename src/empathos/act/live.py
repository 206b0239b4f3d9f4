"""The live desk: routes new contacts, follows them turn by turn, keeps the assist card.

``LiveDesk`` is what the REST/WebSocket API (``empathos.api.contacts``) and the load
benchmark drive. Per contact it keeps the lead (:mod:`empathos.act.lead`), the turns with
their emotion, and the card (:mod:`empathos.act.card`); it routes with the ``empathy``
policy (triage -> pod -> explainable member scores, :mod:`empathos.act.policies`).

**The hot path never waits for the database or a slow model.** Everything a decision
reads is in memory:

* the pod state (members, skills, languages, capacity) is loaded once and refreshed in
  the background every ``pod_ttl_s``; member *load* is tracked here as contacts open,
  hand over and close;
* each customer's record (last contacts, journey, predictions, rapport with each member)
  is cached for ``record_ttl_s``; a miss reads the store under a deadline;
* emotions are cached by text; a miss runs the model under a deadline;
* everything the desk writes (contacts, turns, decisions, lead changes) goes through a
  write-behind queue that a background thread flushes in batches.

**Fault tolerance** (issue 6, item 7). The store read and the emotion model each run in a
worker thread with a deadline (``store_timeout_s``, ``emotion_timeout_s``) behind a
circuit breaker: after ``breaker_failures`` consecutive failures or timeouts the breaker
opens for ``breaker_cooldown_s`` and the desk stops calling, so a dead dependency costs
the deadline a few times, then nothing. Fallbacks, each named in the decision's
``fallback_reasons`` and flagged ``fell_back``:

==================  =========================================================================
what failed         fallback
==================  =========================================================================
emotion model       the ``lexicon`` backend (keyword cues, microseconds, six languages)
customer record     the last cached record even if stale, else an empty record (no history,
                    no rapport, no predictions): routing by language, skill, need, emotion;
                    the contact takes the real record once the late read has cached it
pod state           the last loaded state; with none, nobody to route to: the contact queues
database writes     kept in the write-behind queue and retried; beyond ``write_queue_max``
                    the oldest are dropped and counted (``health()['writes_dropped']``)
==================  =========================================================================

So a decision answers within about ``store_timeout_s + emotion_timeout_s`` plus compute
even while both dependencies hang, and within the normal sub-millisecond path once the
breakers are open.

One desk = one process's memory: run the API with one worker per desk (scale out by
sharding contacts by id). Contacts not in memory are reloaded from ``live_contacts`` /
``live_turns`` on first use, so a restart loses nothing that was flushed.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.exc import DataError, IntegrityError

from empathos.act.card import (
    CustomerRecord,
    TurnEmotion,
    build_card,
    employee_language,
    handoff_note,
    load_customer_record,
)
from empathos.act.lead import LeadConfig, LeadDecision, LeadState, evaluate_lead, mood_of
from empathos.act.need import detect_need
from empathos.act.policies import EmpathyDecision, EmpathyPolicy
from empathos.act.routing import ContactRequest, MemberState, PodState
from empathos.act.scoring import ScoringConfig, fast_scores, score_members
from empathos.act.triage import TriageConfig
from empathos.store.schema import employees
from empathos.store.tables_live import lead_changes, live_contacts, live_turns, routing_decisions
from empathos.understand.protocols import CX_EMOTIONS
from empathos.understand.scores import valence_intensity

log = logging.getLogger(__name__)

DEFAULT_NEED = "general"


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class LiveConfig:
    """Budgets and cache sizes of the live desk (defaults and why in the module docstring)."""

    emotion_timeout_s: float = 0.02
    """A turn's emotion must be read within 20 ms (the default USE model needs 2–5 ms)."""
    store_timeout_s: float = 0.03
    """A customer-record read on a cache miss (four indexed queries, ~1–3 ms) gets 30 ms."""
    breaker_failures: int = 3
    breaker_cooldown_s: float = 15.0
    record_ttl_s: float = 300.0
    """Records change when the batch stages (understand, predict) rerun, not per second."""
    record_cache_size: int = 100_000
    pod_ttl_s: float = 30.0
    emotion_cache_size: int = 20_000
    write_batch: int = 1000
    write_interval_s: float = 0.05
    write_queue_max: int = 200_000
    closed_in_memory: int = 10_000
    """Closed contacts kept in memory (oldest evicted first; the store still has them and
    a later read reloads one), so a long-running desk's memory stays bounded by its open
    contacts."""
    lead: LeadConfig = field(default_factory=LeadConfig)
    triage: TriageConfig = field(default_factory=TriageConfig)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)


# ---------------------------------------------------------------------------- resilience


class Breaker:
    """A circuit breaker: ``failures`` consecutive failures open it for ``cooldown_s``.

    While open, :meth:`allow` says no and callers go straight to their fallback; after the
    cool-down one call is let through (half-open) and a success closes it again."""

    def __init__(self, name: str, failures: int, cooldown_s: float) -> None:
        self.name, self.failures, self.cooldown_s = name, failures, cooldown_s
        self._count = 0
        self._open_until = 0.0
        self.last_error: str | None = None
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            if self._open_until and time.monotonic() < self._open_until:
                return False
            if self._open_until:  # half-open: let one through
                self._open_until = time.monotonic() + self.cooldown_s
            return True

    def success(self) -> None:
        with self._lock:
            self._count, self._open_until = 0, 0.0

    def failure(self, error: str) -> None:
        with self._lock:
            self._count += 1
            self.last_error = error
            if self._count >= self.failures:
                self._open_until = time.monotonic() + self.cooldown_s

    @property
    def is_open(self) -> bool:
        return bool(self._open_until) and time.monotonic() < self._open_until

    def status(self) -> dict[str, Any]:
        return {
            "open": self.is_open,
            "consecutive_failures": self._count,
            "last_error": self.last_error,
        }


class _Deadline:
    """Run calls in a small worker pool and wait at most ``timeout`` seconds for each.

    The pool never queues: when all ``workers`` are busy a call fails at once ("busy"),
    because work queued behind a slow dependency would run long after its caller gave up
    and starve the requests that come next (measured: a 4-thread pool with an unbounded
    queue in front of a slowed model let the backlog eat the CPU, p50 went to 50 ms). A
    busy pool is not counted against the breaker; timeouts and errors are."""

    def __init__(self, name: str, workers: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"live-{name}")
        self._slots = threading.BoundedSemaphore(workers)

    def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        finally:
            self._slots.release()

    def submit_background(self, fn: Callable[[], Any]) -> Future | None:
        """Run ``fn`` on a free worker, or not at all when none is free (retried later)."""
        if not self._slots.acquire(blocking=False):
            return None
        return self.pool.submit(self._run, fn)

    def call(
        self, fn: Callable[..., Any], timeout: float, breaker: Breaker, *args: Any
    ) -> tuple[bool, Any, str]:
        """``(ok, value, why_not)``; after a timeout ``value`` is the still-running future."""
        if not breaker.allow():
            return (
                False,
                None,
                f"{breaker.name} circuit open after repeated failures ({breaker.last_error})",
            )
        if not self._slots.acquire(blocking=False):
            return False, None, f"{breaker.name} busy (all workers in use)"
        fut: Future = self.pool.submit(self._run, fn, *args)
        try:
            value = fut.result(timeout=timeout)
        except FutureTimeout:
            breaker.failure(f"timeout > {timeout * 1000:.0f} ms")
            return False, fut, f"{breaker.name} slower than {timeout * 1000:.0f} ms"
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency means fallback
            breaker.failure(f"{type(exc).__name__}: {exc}"[:200])
            return False, None, f"{breaker.name} failed ({type(exc).__name__}: {str(exc)[:120]})"
        breaker.success()
        return True, value, ""


class _LRU(OrderedDict):
    """A tiny bounded LRU mapping (the caches are read far more than written)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_fresh(self, key: Any) -> Any:
        v = super().get(key)
        if v is not None:
            self.move_to_end(key)
        return v

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


# ---------------------------------------------------------------------------- emotion


@dataclass(frozen=True, slots=True)
class EmotionRead:
    label: str
    valence: float
    intensity: float
    model: str
    fell_back: bool = False
    why: str = ""


class EmotionReader:
    """The emotion of one customer turn: the configured model, cached by text, under a
    deadline, with the lexicon backend as the fallback."""

    def __init__(self, model: Any, config: LiveConfig, deadline: _Deadline) -> None:
        from empathos.understand.protocols import get_emotion_model

        self._fallback = get_emotion_model("lexicon")
        self._deadline = deadline
        self._timeout = config.emotion_timeout_s
        self.breaker = Breaker("emotion model", config.breaker_failures, config.breaker_cooldown_s)
        self._cache = _LRU(config.emotion_cache_size)
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self._model: Any = None
        self._loading: Future | None = None
        if isinstance(model, str):
            self.model_name = model
            if model == "lexicon":
                self._model = self._fallback
            else:  # load in the background: the desk answers (with the fallback) meanwhile
                self._loading = deadline.pool.submit(get_emotion_model, model)
        else:
            self._model = model
            self.model_name = getattr(model, "name", type(model).__name__)

    def _current_model(self) -> tuple[Any, str]:
        if self._model is None and self._loading is not None and self._loading.done():
            try:
                self._model = self._loading.result()
            except Exception as exc:  # noqa: BLE001
                self._loading = None
                return None, f"emotion model {self.model_name!r} failed to load ({exc})"
        if self._model is None:
            return None, f"emotion model {self.model_name!r} still loading"
        return self._model, ""

    @staticmethod
    def _read(model: Any, text: str, language: str | None) -> tuple[str, float, float]:
        p = np.asarray(model.predict_proba([text], [language]), dtype=np.float64)
        if p.shape != (1, len(CX_EMOTIONS)) or not np.all(np.isfinite(p)):
            raise ValueError(f"bad probabilities of shape {p.shape}")
        v, i = valence_intensity(p)
        return CX_EMOTIONS[int(p[0].argmax())], float(v[0]), float(i[0])

    def _remember(
        self, key: tuple[str, str | None], value: tuple[str, float, float], model: Any
    ) -> EmotionRead:
        out = EmotionRead(*value, model=getattr(model, "name", "model"))
        with self._lock:
            self._cache.put(key, out)
        return out

    def read(self, text: str, language: str | None) -> EmotionRead:
        key = (text, language)
        with self._lock:
            hit = self._cache.get_fresh(key)
        if hit is not None:
            self.hits += 1
            return hit
        self.misses += 1
        model, why = self._current_model()
        if model is not None:
            if model is self._fallback:
                ok, value, why = True, self._read(model, text, language), ""
            else:
                ok, value, why = self._deadline.call(
                    self._read, self._timeout, self.breaker, model, text, language
                )
            if ok:
                return self._remember(key, value, model)
            if isinstance(value, Future):  # timed out: its answer still fills the cache
                value.add_done_callback(
                    lambda f, k=key, m=model: (
                        f.exception() is None and self._remember(k, f.result(), m)
                    )
                )
            elif value is None and (self.breaker.last_error or "").startswith("timeout"):
                # slow, not broken: score it in the background when a worker is free, so a
                # repeated text gets the model's answer from the cache next time
                self._deadline.submit_background(
                    lambda k=key, m=model, t=text, lg=language: self._remember(
                        k, self._read(m, t, lg), m
                    )
                )
        label, v, i = self._read(self._fallback, text, language)
        return EmotionRead(label, v, i, model="lexicon", fell_back=True, why=why)

    def cached(self, text: str, language: str | None) -> bool:
        """Whether reading ``text`` needs no model call (cached, or the model is the lexicon)."""
        return self._model is self._fallback or (text, language) in self._cache

    def stats(self) -> dict[str, Any]:
        model, why = self._current_model()
        return {
            "model": self.model_name,
            "ready": model is not None,
            "why": why,
            "cache_hits": self.hits,
            "cache_misses": self.misses,
            "cache_size": len(self._cache),
            "breaker": self.breaker.status(),
        }


# ---------------------------------------------------------------------------- store side


class RecordCache:
    """Customer records cached for ``record_ttl_s``; a miss reads under the store deadline.
    A read that finishes after its deadline still fills the cache for the next contact."""

    def __init__(
        self, engine: Engine, config: LiveConfig, deadline: _Deadline, breaker: Breaker
    ) -> None:
        self.engine, self.config, self._deadline, self.breaker = engine, config, deadline, breaker
        self._cache = _LRU(config.record_cache_size)
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

    def peek(self, customer_id: str) -> CustomerRecord | None:
        """The cached record, fresh or not, without touching the store."""
        entry = self._cache.get(customer_id)
        return entry[1] if entry is not None else None

    def invalidate(self, customer_id: str | None = None) -> None:
        with self._lock:
            if customer_id is None:
                self._cache.clear()
            else:
                self._cache.pop(customer_id, None)


class _RapportView(Mapping):
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


class _Writer:
    """Write-behind: rows queue in memory and a daemon thread inserts them in batches.

    A failed batch is retried (after a pause) until it succeeds; while the database is
    down the queue grows up to ``max_pending`` rows, then the oldest are dropped and
    counted, so the desk never blocks on the store."""

    def __init__(self, engine: Engine, config: LiveConfig) -> None:
        self.engine, self.config = engine, config
        self._q: queue.Queue = queue.Queue()
        self._pending: list[tuple[Any, dict[str, Any]]] = []
        self.dropped = self.written = self.rejected = 0
        self.last_error: str | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-writer", daemon=True)
        self._thread.start()

    def put(self, table: Any, row: dict[str, Any]) -> None:
        self._idle.clear()
        self._q.put((table, row))

    def _drain(self) -> None:
        while len(self._pending) < self.config.write_batch:
            try:
                self._pending.append(self._q.get_nowait())
            except queue.Empty:
                break
        over = len(self._pending) + self._q.qsize() - self.config.write_queue_max
        if over > 0:
            del self._pending[:over]
            self.dropped += over

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._pending.append(self._q.get(timeout=self.config.write_interval_s))
            except queue.Empty:
                if not self._pending:
                    self._idle.set()
                    continue
            self._drain()
            try:
                self._write(self._pending)
                self.written += len(self._pending)
                self._pending = []
                self.last_error = None
                if self._q.empty():
                    self._idle.set()
            except (IntegrityError, DataError) as exc:  # a bad row: write the others, drop it
                self.last_error = f"{type(exc).__name__}: {str(exc)[:200]}"
                self._write_one_by_one()
            except Exception as exc:  # noqa: BLE001 - the store is down: keep the rows, retry later
                self.last_error = f"{type(exc).__name__}: {str(exc)[:200]}"
                log.warning(
                    "live writer: %s (%d rows pending)", self.last_error, len(self._pending)
                )
                self._stop.wait(min(2.0, self.config.breaker_cooldown_s))

    def _write_one_by_one(self) -> None:
        """After a constraint error: each row alone, so one bad row (e.g. a client reusing a
        contact id from before a restart) cannot block every later write. Rejected rows
        are counted and logged, never retried."""
        for item in self._pending:
            try:
                self._write([item])
                self.written += 1
            except (IntegrityError, DataError) as exc:
                self.rejected += 1
                log.warning("live writer: rejected a %s row: %s", item[0].name, str(exc)[:200])
        self._pending = []
        if self._q.empty():
            self._idle.set()

    def _write(self, rows: list[tuple[Any, dict[str, Any]]]) -> None:
        contacts: dict[str, dict[str, Any]] = {}
        inserts: dict[Any, list[dict[str, Any]]] = {}
        for table, row in rows:
            if table is live_contacts:
                contacts[row["contact_id"]] = row  # the latest state of each contact wins
            elif table is routing_decisions:
                materialise(row)
                inserts.setdefault(table, []).append({k: row[k] for k in _DECISION_COLUMNS})
            else:
                inserts.setdefault(table, []).append(row)
        with self.engine.begin() as conn:
            if contacts:
                self._upsert_contacts(conn, list(contacts.values()))
            for table in (live_turns, routing_decisions, lead_changes):
                if table in inserts:
                    conn.execute(table.insert(), inserts[table])

    def _upsert_contacts(self, conn: Any, rows: list[dict[str, Any]]) -> None:
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(live_contacts)
        keep = {"contact_id", "opened_at", "customer_id"}
        cols = {c.name: stmt.excluded[c.name] for c in live_contacts.columns if c.name not in keep}
        conn.execute(stmt.on_conflict_do_update(index_elements=["contact_id"], set_=cols), rows)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is written (``False`` on timeout)."""
        return self._idle.wait(timeout)

    @property
    def pending(self) -> int:
        return len(self._pending) + self._q.qsize()

    def close(self, timeout: float = 2.0) -> None:
        self.flush(timeout)
        self._stop.set()
        self._thread.join(2.0)


_TABLES = {t.name: t for t in (live_contacts, live_turns, routing_decisions, lead_changes)}


def _writer_process(url: str, config: LiveConfig, source: Any, stats: Any, error: Any) -> None:
    """The child process of :class:`_ProcessWriter`: a :class:`_Writer` on its own engine,
    fed from the inter-process queue; ``stats`` = [written, rejected, dropped]."""
    from empathos.store import make_engine

    writer = _Writer(make_engine(url), config)

    def report() -> None:
        stats[0], stats[1], stats[2] = writer.written, writer.rejected, writer.dropped
        msg = (writer.last_error or "").encode("utf-8", "replace")[:255]
        error.value = msg

    def reporter() -> None:
        while True:
            report()
            time.sleep(0.02)

    threading.Thread(target=reporter, name="live-writer-report", daemon=True).start()
    while True:
        item = source.get()
        if item is None:
            break
        writer.put(_TABLES[item[0]], item[1])
    writer.close(timeout=30.0)
    report()


class _ProcessWriter:
    """The write-behind in a child process (``spawn``): inserting rows, encoding JSON and
    building every member's explanation leave this process and its GIL, which the event
    loop needs (py-spy: the writer thread took a quarter to two fifths of the server's
    samples). Same contract as :class:`_Writer`: ``put``, ``flush``, ``pending``, ``close``."""

    def __init__(self, url: str, config: LiveConfig) -> None:
        import itertools
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        self._q = ctx.Queue()
        self._stats = ctx.Array("q", 3, lock=False)
        self._error = ctx.Array("c", 256, lock=False)
        self._count = itertools.count(1)
        self._put = 0
        self._proc = ctx.Process(
            target=_writer_process,
            args=(url, config, self._q, self._stats, self._error),
            name="live-writer",
            daemon=True,
        )
        self._proc.start()

    def put(self, table: Any, row: dict[str, Any]) -> None:
        self._put = next(self._count)
        self._q.put((table.name, row))

    @property
    def written(self) -> int:
        return int(self._stats[0])

    @property
    def rejected(self) -> int:
        return int(self._stats[1])

    @property
    def dropped(self) -> int:
        return int(self._stats[2])

    @property
    def last_error(self) -> str | None:
        return self._error.value.decode("utf-8", "replace") or None

    @property
    def pending(self) -> int:
        return max(0, self._put - self.written - self.rejected - self.dropped)

    def flush(self, timeout: float = 10.0) -> bool:
        end = time.monotonic() + timeout
        while self.pending > 0:
            if time.monotonic() > end or not self._proc.is_alive():
                return False
            time.sleep(0.005)
        return True

    def close(self, timeout: float = 2.0) -> None:
        self.flush(timeout)
        self._q.put(None)
        self._proc.join(timeout)
        if self._proc.is_alive():
            self._proc.terminate()


# ---------------------------------------------------------------------------- contacts


@dataclass
class LiveContact:
    """One live contact in memory."""

    contact_id: str
    customer_id: str
    channel: str
    language: str
    need: str
    mood: str
    lead: LeadState
    pod_id: str | None
    to_automation: bool
    record: CustomerRecord
    opened_at: datetime
    turns: list[TurnEmotion] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    lead_changes: list[dict[str, Any]] = field(default_factory=list)
    status: str = "open"
    attempt: int = 0
    customer_language: str | None = None
    last_emotion: EmotionRead | None = None
    record_fell_back: bool = False
    """Opened on a fallback record (the store read missed its deadline or failed): the
    customer's record is adopted from the cache once a late read has put it there."""

    def row(self, now: datetime) -> dict[str, Any]:
        return {
            "contact_id": self.contact_id,
            "customer_id": self.customer_id,
            "channel": self.channel,
            "language": self.language,
            "need": self.need,
            "mood": self.mood,
            "status": self.status,
            "to_automation": self.to_automation,
            "pod_id": self.pod_id,
            "lead_id": self.lead.lead_id,
            "handovers": self.lead.handovers,
            "n_turns": len(self.turns),
            "opened_at": self.opened_at,
            "updated_at": now,
            "closed_at": now if self.status == "closed" else None,
            "state": {
                "lead_id": self.lead.lead_id,
                "need": self.lead.need,
                "mood": self.lead.mood,
                "opened_turn": self.lead.opened_turn,
                "handovers": self.lead.handovers,
                "last_handover_turn": self.lead.last_handover_turn,
                "previous_leads": list(self.lead.previous_leads),
                "attempt": self.attempt,
            },
        }


class UnknownContact(KeyError):
    """No live contact with this id (in memory or in the store)."""


def _scores_json(members: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "employee_id": s.employee_id,
            "pod_id": s.pod_id,
            "score": s.score,
            "parts": s.parts,
            "eligible": s.eligible,
            "reason": s.reason,
        }
        for s in members
    ]


_DECISION_COLUMNS = tuple(c.name for c in routing_decisions.columns if c.name != "decision_id")
_PUBLIC_KEYS = tuple(
    k for k in (*_DECISION_COLUMNS, "member_scores") if k not in ("inputs", "scores")
)


def materialise(decision: dict[str, Any]) -> dict[str, Any]:
    """Fill ``scores`` (every member's parts, eligibility and reason) of a decision whose
    explanation was deferred; idempotent and safe to race (both sides compute the same)."""
    deferred = decision.get("_explain")
    if deferred is not None and decision.get("scores") is None:
        req, members, snap, pod_members, now, rapport, scoring = deferred
        view = PodState(now=now, pod_members=pod_members)
        for eid, m in members.items():
            load, idle = snap[eid]
            view.members[eid] = replace(m, load=load, idle_since=idle)
            if view.members[eid].available:
                view.free[eid] = None
        decision["scores"] = _scores_json(score_members(req, view, scoring, rapport))
    # only existing keys are reassigned (never added or popped): readers may iterate meanwhile
    decision["_explain"] = None
    return decision


def new_contact_id() -> str:
    """A random 128-bit id. Not from ``uuid4``: ``os.urandom`` measured ~1 ms per call on
    this VM, a quarter of the routing budget; contact ids need uniqueness, not secrecy."""
    return uuid.UUID(int=random.getrandbits(128), version=4).hex


class LiveDesk:
    """Routes contacts, follows their turns, keeps their cards (see the module docstring).

    ``emotion_model``: a model object (anything with ``predict_proba``) or a registered
    name; default the settings' ``emotion_model``. ``pod_loader`` reads the pod state from
    the store (default :func:`default_pod_loader`). ``clock`` gives naive-UTC "now" (tests
    pin it to the simulated period). ``writer``: ``thread`` (default) or ``process`` — the
    write-behind in a child process on the same database URL (what ``empathos serve``
    uses; not for engines that need extra connect arguments)."""

    def __init__(
        self,
        engine: Engine,
        settings: Any = None,
        emotion_model: Any = None,
        config: LiveConfig | None = None,
        pod_loader: Callable[[Engine], PodState] = default_pod_loader,
        clock: Callable[[], datetime] = _utcnow,
        writer: str = "thread",
    ) -> None:
        from empathos.config import get_settings

        self.engine = engine
        self.settings = settings or get_settings()
        self.config = config or LiveConfig()
        self.clock = clock
        self._deadline = _Deadline("store", workers=4)
        self._model_deadline = _Deadline("model", workers=2)
        self.store_breaker = Breaker(
            "database", self.config.breaker_failures, self.config.breaker_cooldown_s
        )
        self.emotions = EmotionReader(
            emotion_model or self.settings.emotion_model, self.config, self._model_deadline
        )
        self.records = RecordCache(engine, self.config, self._deadline, self.store_breaker)
        self.policy = EmpathyPolicy(
            triage_config=self.config.triage,
            scoring=self.config.scoring,
            rapport=_RapportView(self.records),
        )
        if writer == "process":  # the child opens its own engine on the same URL
            self._writer: Any = _ProcessWriter(
                engine.url.render_as_string(hide_password=False), self.config
            )
        elif writer == "thread":
            self._writer = _Writer(engine, self.config)
        else:
            raise ValueError(f"writer must be 'thread' or 'process', not {writer!r}")
        self._pod_loader = pod_loader
        self._lock = threading.RLock()
        self._contacts: dict[str, LiveContact] = {}
        self._load: Counter[str] = Counter()
        self._idle_since: dict[str, float] = {}
        self._t0 = time.monotonic()
        self._state: PodState | None = None
        self._state_at = -1e18
        self._state_why = ""
        self._refreshing: Future | None = None
        self._emp_lang: dict[str, str] = {}
        self._listeners: dict[str, list[Callable[[dict[str, Any]], None]]] = {}
        self._waiting: OrderedDict[str, float] = OrderedDict()  # queued contacts, oldest first
        self._closed: OrderedDict[str, None] = OrderedDict()  # closed contacts still in memory
        self.refresh_pods(wait=True)

    # ------------------------------------------------------------------ pod state

    def _minutes(self) -> float:
        return (time.monotonic() - self._t0) / 60.0

    def _load_pods(self) -> tuple[PodState, dict[str, str]]:
        return self._pod_loader(self.engine), load_employee_languages(self.engine)

    def refresh_pods(self, wait: bool = False) -> None:
        """Reload the pod state from the store (under the store deadline when ``wait``,
        else in the background); on failure the last state stays in use."""
        if wait:
            ok, value, why = self._deadline.call(
                self._load_pods, max(1.0, self.config.store_timeout_s), self.store_breaker
            )
            if ok:
                self._install(*value)
            else:
                self._state_why = f"pod state not reloaded: {why}"
                self._state_at = time.monotonic()
            return
        if self._refreshing is None or self._refreshing.done():

            def job() -> None:
                if not self.store_breaker.allow():
                    return
                try:
                    value = self._load_pods()
                except Exception as exc:  # noqa: BLE001
                    self.store_breaker.failure(f"{type(exc).__name__}: {exc}"[:200])
                    self._state_why = f"pod state not reloaded: {type(exc).__name__}"
                    return
                self.store_breaker.success()
                self._install(*value)

            self._state_at = time.monotonic()
            self._refreshing = self._deadline.submit_background(job)

    def _install(self, state: PodState, languages: dict[str, str]) -> None:
        """Adopt a freshly loaded state, with the loads this desk tracks."""
        with self._lock:
            now = self._minutes()
            members: dict[str, MemberState] = {}
            for eid, m in state.members.items():
                members[eid] = replace(
                    m, load=self._load.get(eid, 0), idle_since=self._idle_since.get(eid, 0.0)
                )
            new = PodState(
                now=now,
                members=members,
                pod_members={k: list(v) for k, v in state.pod_members.items()},
            )
            new.free = {
                eid: None
                for eid in sorted(members, key=lambda e: members[e].idle_since)
                if members[eid].available
            }
            self._state, self._state_at, self._state_why = new, time.monotonic(), ""
            self._emp_lang = languages

    def _pod_state(self) -> tuple[PodState, str]:
        if time.monotonic() - self._state_at > self.config.pod_ttl_s:
            self.refresh_pods()
        if self._state is None:
            return PodState(now=self._minutes()), self._state_why or "no pod state loaded"
        self._state.now = self._minutes()
        return self._state, (
            "" if not self._state_why else self._state_why + "; used the last loaded pod state"
        )

    def _assign(self, eid: str | None, delta: int) -> None:
        """Track a member's load (caller holds the lock)."""
        if eid is None:
            return
        self._load[eid] = max(0, self._load[eid] + delta)
        st = self._state
        if st is None or eid not in st.members:
            return
        m = st.members[eid]
        m.load = self._load[eid]
        if m.load == 0:
            m.idle_since = self._idle_since[eid] = self._minutes()
        if m.available:
            st.free.setdefault(eid, None)
        else:
            st.free.pop(eid, None)

    # ------------------------------------------------------------------ contacts

    def _request(self, c: LiveContact, emotion: EmotionRead | None) -> ContactRequest:
        s = c.record.scores or {}
        return ContactRequest(
            contact_id=c.contact_id,
            customer_id=c.customer_id,
            channel=c.channel,
            need=c.need,
            language=c.language,
            segment=c.record.segment,
            pod_id=c.record.pod_id,
            emotion=emotion.label if emotion else None,
            valence=emotion.valence if emotion else 0.0,
            intensity=emotion.intensity if emotion else 0.0,
            value=float(s.get("clv") or 0.0),
            churn_risk=s.get("p_churn"),
            attempt=c.attempt,
        )

    def open_contact(
        self,
        customer_id: str,
        channel: str,
        text: str,
        language: str | None = None,
        need: str | None = None,
        contact_id: str | None = None,
    ) -> dict[str, Any]:
        """Route a new contact from its first customer message; returns the decision."""
        t0 = time.perf_counter()
        now = self.clock()
        record, rec_why = self.records.get(customer_id)
        lang = language or record.language or "en"
        emotion = self.emotions.read(text, lang)
        guess = detect_need(text)
        use_need = need or guess.need or DEFAULT_NEED
        mood = mood_of(emotion.valence, emotion.intensity, self.config.lead)
        c = LiveContact(
            contact_id=contact_id or new_contact_id(),
            customer_id=customer_id,
            channel=channel,
            language=lang,
            need=use_need,
            mood=mood,
            lead=LeadState.start(None, use_need, mood),
            pod_id=None,
            to_automation=False,
            record=record,
            opened_at=now,
            attempt=record.attempt(use_need, now),
            customer_language=record.language,
            record_fell_back=bool(rec_why),
        )
        c.turns.append(
            TurnEmotion(1, "customer", text, emotion.label, emotion.valence, emotion.intensity)
        )
        req = self._request(c, emotion)
        with self._lock:
            if c.contact_id in self._contacts:
                raise ValueError(f"contact {c.contact_id!r} already exists")
            state, pod_why = self._pod_state()
            ed: EmpathyDecision = self.policy.decide(req, state, explain=False)
            d = ed.decision
            deferred = self._defer(req, state, record.rapport)
            self._assign(d.employee_id, +1)
            c.lead = LeadState.start(d.employee_id, use_need, mood, turn=1)
            c.pod_id, c.to_automation = d.pod_id or ed.pod_id, d.to_automation
            c.last_emotion = emotion
            self._contacts[c.contact_id] = c
            if d.queued:
                self._waiting[c.contact_id] = time.monotonic()
        whys = [w for w in (rec_why, emotion.why, pod_why) if w]
        if d.fell_back:
            whys.append("routing fell back: " + d.reason)
        decision = {
            "contact_id": c.contact_id,
            "seq": 1,
            "kind": "open",
            "at": now,
            "policy": self.policy.name,
            "to_automation": d.to_automation,
            "pod_id": c.pod_id,
            "employee_id": d.employee_id,
            "rule": ed.triage.rule,
            "reason": d.reason,
            "fell_back": bool(whys),
            "fallback_reason": "; ".join(whys) or None,
            "inputs": {
                "request": self._request_json(req),
                "triage": ed.triage.inputs,
                "triage_fired": list(ed.triage.fired),
                "need_cues": list(guess.cues),
                "emotion_model": emotion.model,
                "rapport": record.rapport,
                "record_found": record.found,
            },
            "scores": None,
            "member_scores": d.scores,
            "_explain": deferred,
            "latency_ms": (time.perf_counter() - t0) * 1000.0,
        }
        c.decisions.append(decision)
        self._writer.put(live_contacts, c.row(now))
        self._writer.put(live_turns, self._turn_row(c, c.turns[-1], emotion, guess.need, now))
        self._writer.put(routing_decisions, decision)
        return self._public_decision(decision, emotion, c)

    @staticmethod
    def _turn_row(
        c: LiveContact, t: TurnEmotion, emotion: EmotionRead | None, need: str | None, now: datetime
    ) -> dict[str, Any]:
        return {
            "contact_id": c.contact_id,
            "seq": t.seq,
            "speaker": t.speaker,
            "text": t.text,
            "ts": now,
            "emotion": t.label,
            "valence": t.valence,
            "intensity": t.intensity,
            "model": emotion.model if emotion else None,
            "need": need,
        }

    @staticmethod
    def _public_decision(
        decision: dict[str, Any], emotion: EmotionRead, c: LiveContact
    ) -> dict[str, Any]:
        out = {k: decision[k] for k in _PUBLIC_KEYS}
        out["at"] = decision["at"].isoformat()
        out["need"], out["mood"], out["language"] = c.need, c.mood, c.language
        out["emotion"] = {
            "label": emotion.label,
            "valence": emotion.valence,
            "intensity": emotion.intensity,
            "model": emotion.model,
        }
        return out

    def answers_from_memory(
        self,
        customer_id: str | None,
        text: str | None,
        language: str | None = None,
        contact_id: str | None = None,
    ) -> bool:
        """True when a call for these arguments needs no store read and no model call (the
        record is cached and fresh, the text's emotion is cached, the contact is in memory):
        the API then runs it inline on the event loop instead of hopping to a thread."""
        if contact_id is not None:
            c = self._contacts.get(contact_id)
            if c is None:
                return False
            customer_id, language = None, language or c.language
        if customer_id is not None:
            entry = self.records._cache.get(customer_id)
            if entry is None or entry[0] <= time.monotonic():
                return False
            language = language or entry[1].language or "en"
        return text is None or self.emotions.cached(text, language)

    def contact(self, contact_id: str) -> LiveContact:
        """The live contact (reloaded from the store when not in memory)."""
        c = self._contacts.get(contact_id)
        if c is None:
            c = self._reload(contact_id)
        if c.record_fell_back:
            self._adopt_record(c)
        return c

    def _adopt_record(self, c: LiveContact) -> None:
        """Give a contact opened on a fallback record the customer's real one as soon as a
        late store read has cached it. Without this the contact kept the empty record for
        its whole life: its card said "no earlier contacts" and "no predictions" although
        the store had both, whenever the first read of a customer missed its deadline
        (30 ms by default: a loaded machine, or a fresh PostgreSQL connection, is enough).
        Memory only, no store read here, so the hot path stays as fast as before."""
        record = self.records.peek(c.customer_id)
        if record is None:
            return
        with self._lock:
            if c.record_fell_back:
                c.record, c.record_fell_back = record, False
                c.customer_language = c.customer_language or record.language
                c.attempt = max(c.attempt, record.attempt(c.need, c.opened_at))

    def add_turn(self, contact_id: str, speaker: str, text: str) -> dict[str, Any]:
        """Record one turn; on a customer turn read its emotion and need and re-decide the lead."""
        t0 = time.perf_counter()
        now = self.clock()
        c = self.contact(contact_id)
        if c.status != "open":
            raise ValueError(f"contact {contact_id!r} is closed")
        emotion: EmotionRead | None = None
        guess_need: str | None = None
        if speaker == "customer":
            emotion = self.emotions.read(text, c.language)
            guess_need = detect_need(text).need
        change: LeadDecision | None = None
        with self._lock:
            seq = len(c.turns) + 1
            turn = TurnEmotion(
                seq,
                speaker,
                text,
                emotion.label if emotion else None,
                emotion.valence if emotion else None,
                emotion.intensity if emotion else None,
            )
            c.turns.append(turn)
            if emotion is not None:
                need_before = c.lead.need
                change, members, state_why, req = self._reconsider(c, seq, emotion, guess_need)
        self._writer.put(live_turns, self._turn_row(c, turn, emotion, guess_need, now))
        event: dict[str, Any] = {
            "type": "turn",
            "contact_id": c.contact_id,
            "seq": seq,
            "speaker": speaker,
            "emotion": None if emotion is None else asdict(emotion),
            "need": c.need,
            "mood": c.mood,
            "lead_id": c.lead.lead_id,
        }
        if change is not None:
            whys = [w for w in (emotion.why if emotion else "", state_why) if w]
            decision = {
                "contact_id": c.contact_id,
                "seq": seq,
                "kind": "turn",
                "at": now,
                "policy": "lead",
                "to_automation": c.to_automation,
                "pod_id": c.pod_id,
                "employee_id": c.lead.lead_id,
                "rule": "handover" if change.handover else "keep",
                "reason": change.reason,
                "fell_back": bool(whys),
                "fallback_reason": "; ".join(whys) or None,
                "inputs": {
                    "need": c.need,
                    "mood": c.mood,
                    "trigger": list(change.trigger),
                    "emotion": asdict(emotion) if emotion else None,
                    "lead_score": change.lead_score,
                    "challenger_id": change.challenger_id,
                    "challenger_score": change.challenger_score,
                    "handovers": c.lead.handovers,
                    "request_need": req.need,
                },
                "scores": None,
                "member_scores": members[0],
                "_explain": members[1],
                "latency_ms": (time.perf_counter() - t0) * 1000.0,
            }
            c.decisions.append(decision)
            self._writer.put(routing_decisions, decision)
            event["fell_back"] = decision["fell_back"]
            event["fallback_reason"] = decision["fallback_reason"]
            if change.handover:
                event["lead_change"] = self._record_handover(c, change, seq, now, need_before)
        if emotion is not None:
            c.last_emotion = emotion
        self._writer.put(live_contacts, c.row(now))
        if change is not None and change.handover:
            self._serve_queue()
        event["card"] = self.card(contact_id)
        self._notify(c.contact_id, event)
        if event.get("lead_change"):
            self._notify(c.contact_id, {"type": "lead_change", **event["lead_change"]})
        return event

    def _reconsider(
        self, c: LiveContact, seq: int, emotion: EmotionRead, guess_need: str | None
    ) -> tuple[LeadDecision, list[Any], str, ContactRequest]:
        """Re-score the members for the contact as it is now and re-decide the lead
        (caller holds the lock). The current lead's own load from this contact is not
        counted against it, so a lead at capacity stays eligible for its own contact."""
        need = guess_need or c.need
        mood = mood_of(emotion.valence, emotion.intensity, self.config.lead)
        c.need, c.mood = need, mood
        req = self._request(c, emotion)
        state, why = self._pod_state()
        lead = c.lead.lead_id
        if lead is not None and lead in state.members:
            view = PodState(
                now=state.now,
                members=dict(state.members),
                pod_members=state.pod_members,
                free=state.free,
            )
            m = state.members[lead]
            view.members[lead] = replace(m, load=max(0, m.load - 1))
            state = view
        scores, _ = fast_scores(req, state, self.config.scoring, c.record.rapport)
        eligible = {
            eid: sc for eid, sc in scores.items() if self._eligible(req, state.members[eid])
        }
        deferred = self._defer(req, state, c.record.rapport)
        change = evaluate_lead(c.lead, seq, need, mood, eligible, self.config.lead)
        if change.handover:
            self._assign(change.from_id, -1)
            self._assign(change.to_id, +1)
            new = state.members.get(change.to_id)
            if new is not None:
                c.pod_id = new.pod_id
            c.to_automation = False
        c.lead = change.state
        return change, (scores, deferred), why, req

    def _record_handover(
        self, c: LiveContact, change: LeadDecision, seq: int, now: datetime, need_before: str
    ) -> dict[str, Any]:
        lang, note = handoff_note(
            self._emp_lang.get(change.to_id or ""),
            change.from_id,
            need_before,
            c.need,
            c.mood,
            c.turns,
            change.trigger,
            change.challenger_score,
            change.lead_score,
        )
        row = {
            "contact_id": c.contact_id,
            "seq": seq,
            "at": now,
            "from_id": change.from_id,
            "to_id": change.to_id,
            "trigger": list(change.trigger),
            "reason": change.reason,
            "note_language": lang,
            "note": note,
        }
        c.lead_changes.append(row)
        self._writer.put(lead_changes, row)
        return {**row, "at": now.isoformat()}

    def close_contact(self, contact_id: str) -> dict[str, Any]:
        """End a contact: free its lead's capacity."""
        c = self.contact(contact_id)
        with self._lock:
            if c.status == "open":
                c.status = "closed"
                self._waiting.pop(contact_id, None)
                self._assign(c.lead.lead_id, -1)
                self._closed[contact_id] = None
                while len(self._closed) > self.config.closed_in_memory:
                    old, _ = self._closed.popitem(last=False)
                    self._contacts.pop(old, None)
                    self._listeners.pop(old, None)
        self._writer.put(live_contacts, c.row(self.clock()))
        self._serve_queue()
        return {
            "contact_id": contact_id,
            "status": c.status,
            "lead_id": c.lead.lead_id,
            "handovers": c.lead.handovers,
            "turns": len(c.turns),
        }

    def _serve_queue(self) -> None:
        """Offer freed capacity to waiting contacts, longest waiting first (the policy may
        widen to overflow as ``waited_min`` grows). Each assignment is a decision (kind
        ``assign``) and a ``lead_change`` event from nobody."""
        assigned = []
        with self._lock:
            if not self._waiting:
                return
            state, why = self._pod_state()
            for cid, since in list(self._waiting.items()):
                if not state.free:
                    break
                c = self._contacts[cid]
                req = self._request(c, c.last_emotion)
                req.waited_min = (time.monotonic() - since) / 60.0
                ed = self.policy.decide(req, state, explain=False)
                deferred = self._defer(req, state, c.record.rapport)
                d = ed.decision
                if d.employee_id is None:
                    continue
                del self._waiting[cid]
                self._assign(d.employee_id, +1)
                c.lead = replace(c.lead, lead_id=d.employee_id, need=c.need, mood=c.mood)
                c.pod_id = d.pod_id
                assigned.append((c, ed, req, why, deferred))
        now = self.clock()
        for c, ed, req, why, deferred in assigned:
            d = ed.decision
            whys = [w for w in (why, "routing fell back: " + d.reason if d.fell_back else "") if w]
            decision = {
                "contact_id": c.contact_id,
                "seq": len(c.turns),
                "kind": "assign",
                "at": now,
                "policy": self.policy.name,
                "to_automation": False,
                "pod_id": c.pod_id,
                "employee_id": d.employee_id,
                "rule": ed.triage.rule,
                "reason": d.reason,
                "fell_back": bool(whys),
                "fallback_reason": "; ".join(whys) or None,
                "inputs": {"request": self._request_json(req), "waited_min": req.waited_min},
                "scores": None,
                "member_scores": d.scores,
                "_explain": deferred,
                "latency_ms": None,
            }
            c.decisions.append(decision)
            self._writer.put(routing_decisions, decision)
            self._writer.put(live_contacts, c.row(now))
            self._notify(
                c.contact_id,
                {
                    "type": "lead_change",
                    "contact_id": c.contact_id,
                    "seq": len(c.turns),
                    "at": now.isoformat(),
                    "from_id": None,
                    "to_id": d.employee_id,
                    "trigger": ["assigned"],
                    "reason": d.reason,
                },
            )

    def _eligible(self, req: ContactRequest, m: MemberState) -> bool:
        """The eligibility rule of ``scoring.score_member`` (free, not excluded, language
        and skill unless relaxed); a test checks both agree."""
        c = self.config.scoring
        return (
            m.available
            and m.employee_id not in req.exclude_employee_ids
            and (req.language in m.languages or not c.require_language)
            and (req.need in m.skills or not c.require_skill)
        )

    def _defer(self, req: ContactRequest, state: PodState, rapport: dict[str, float]) -> tuple:
        """What it takes to rebuild every member's explained score later, off the hot path:
        the request, the members as they were (load and idle time change afterwards) and
        the clock. The writer thread (or a reader of the decisions) materialises it."""
        members = state.members
        return (
            req,
            members,
            {e: (m.load, m.idle_since) for e, m in members.items()},
            state.pod_members,
            state.now,
            rapport,
            self.config.scoring,
        )

    @staticmethod
    def _request_json(req: ContactRequest) -> dict[str, Any]:
        return {k: getattr(req, k) for k in req.__slots__ if k != "exclude_employee_ids"}

    def card(self, contact_id: str, lang: str | None = None) -> dict[str, Any]:
        """The assist card, in ``lang`` or else the lead's language setting, else English."""
        c = self.contact(contact_id)
        use = lang or self._emp_lang.get(c.lead.lead_id or "") or None
        card = build_card(use, c.record, list(c.turns), c.need, c.mood, c.attempt)
        card.update(
            contact_id=c.contact_id,
            lead_id=c.lead.lead_id,
            pod_id=c.pod_id,
            handovers=c.lead.handovers,
            to_automation=c.to_automation,
            status=c.status,
            n_turns=len(c.turns),
        )
        return card

    def decisions(self, contact_id: str) -> list[dict[str, Any]]:
        """Every decision on this contact, oldest first (from memory, else the store)."""
        c = self._contacts.get(contact_id)
        if c is not None:
            return [self._audit(materialise(d)) for d in list(c.decisions)]
        self.flush()
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    select(routing_decisions)
                    .where(routing_decisions.c.contact_id == contact_id)
                    .order_by(routing_decisions.c.decision_id)
                )
                .mappings()
                .all()
            )
        if not rows:
            raise UnknownContact(contact_id)
        return [{**dict(r), "at": r["at"].isoformat()} for r in rows]

    @staticmethod
    def _audit(d: dict[str, Any]) -> dict[str, Any]:
        out = {k: d[k] for k in (*_DECISION_COLUMNS, "member_scores") if k in d}
        out["at"] = d["at"].isoformat()
        return out

    def _reload(self, contact_id: str) -> LiveContact:
        """A contact flushed by an earlier process: rebuild it from the store."""
        try:
            with self.engine.connect() as conn:
                row = conn.execute(
                    select(live_contacts).where(live_contacts.c.contact_id == contact_id)
                ).first()
                turns = (
                    conn.execute(
                        select(live_turns)
                        .where(live_turns.c.contact_id == contact_id)
                        .order_by(live_turns.c.seq)
                    ).all()
                    if row is not None
                    else []
                )
        except Exception as exc:  # noqa: BLE001
            raise UnknownContact(
                f"{contact_id} (store unavailable: {type(exc).__name__})"
            ) from None
        if row is None:
            raise UnknownContact(contact_id)
        s = dict(row.state or {})
        attempt = int(s.pop("attempt", 0))
        s["previous_leads"] = tuple(s.get("previous_leads") or ())
        record, rec_why = self.records.get(row.customer_id)
        c = LiveContact(
            contact_id=row.contact_id,
            customer_id=row.customer_id,
            channel=row.channel,
            language=row.language or "en",
            need=row.need or DEFAULT_NEED,
            mood=row.mood or "calm",
            lead=LeadState(**s),
            pod_id=row.pod_id,
            to_automation=bool(row.to_automation),
            record=record,
            opened_at=row.opened_at,
            status=row.status,
            attempt=attempt,
            record_fell_back=bool(rec_why),
            turns=[
                TurnEmotion(t.seq, t.speaker, t.text, t.emotion, t.valence, t.intensity)
                for t in turns
            ],
        )
        with self._lock:
            existing = self._contacts.setdefault(contact_id, c)
            if existing is c and c.status == "open":
                self._assign(c.lead.lead_id, +1)
            elif existing is c:
                self._closed[contact_id] = None
        return existing

    # ------------------------------------------------------------------ streaming & ops

    def subscribe(
        self, contact_id: str, callback: Callable[[dict[str, Any]], None]
    ) -> Callable[[], None]:
        """Call ``callback(event)`` after every turn of the contact (and on lead changes);
        returns the function that unsubscribes."""
        with self._lock:
            self._listeners.setdefault(contact_id, []).append(callback)

        def unsubscribe() -> None:
            with self._lock:
                cbs = self._listeners.get(contact_id, [])
                if callback in cbs:
                    cbs.remove(callback)

        return unsubscribe

    def _notify(self, contact_id: str, event: dict[str, Any]) -> None:
        for cb in list(self._listeners.get(contact_id, ())):
            try:
                cb(event)
            except Exception:  # noqa: BLE001 - a broken listener must not break the desk
                log.exception("live listener failed")

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued write reached the store (tests, shutdown, audits)."""
        return self._writer.flush(timeout)

    def health(self) -> dict[str, Any]:
        """Breakers, caches and the write queue, for an operator."""
        return {
            "contacts_in_memory": len(self._contacts),
            "members": len(self._state.members) if self._state else 0,
            "pod_state": self._state_why or "ok",
            "emotion": self.emotions.stats(),
            "store": self.store_breaker.status(),
            "records": {"hits": self.records.hits, "misses": self.records.misses},
            "writes_pending": self._writer.pending,
            "writes_done": self._writer.written,
            "writes_dropped": self._writer.dropped,
            "writes_rejected": self._writer.rejected,
            "write_error": self._writer.last_error,
        }

    def close(self, timeout: float = 2.0) -> None:
        """Flush what can be flushed within ``timeout`` s and stop the background threads."""
        self._writer.close(timeout)
        for d in (self._deadline, self._model_deadline):
            d.pool.shutdown(wait=False, cancel_futures=True)
