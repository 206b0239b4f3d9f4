"""Fault tolerance of the live desk: a circuit breaker, a deadline pool, a bounded LRU.

A dependency (the store, the emotion model) is called through :class:`Deadline` behind a
:class:`Breaker`, so a dead or slow dependency costs its deadline a few times and then
nothing; the caches are :class:`LRU` mappings, bounded so a long-running desk's memory
stays bounded too."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

log = logging.getLogger(__name__)


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


class Deadline:
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
            # The details (SQL, driver text) go to the server's log only: the reason and
            # the breaker's last error reach API answers, so they name the error's class.
            log.warning("%s failed: %s: %s", breaker.name, type(exc).__name__, str(exc)[:500])
            breaker.failure(type(exc).__name__)
            return False, None, f"{breaker.name} failed ({type(exc).__name__})"
        breaker.success()
        return True, value, ""


class LRU(OrderedDict):
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
