"""The seam between ``analyze`` and whatever runs its model calls: a *batch mapper*.

Why a seam: annotating turns is the cost of ``analyze`` (model calls, CPU bound), and it
is a pure function of a batch of turn rows and the backends' names (see
:func:`empathos.understand.pipeline.annotate.annotate_job`; the score and QA steps'
pure per-page work, ``score_job`` and ``qa_job``, runs on the same mapper). So
``analyze`` only needs something that applies a function to a stream of batches and
gives the results back in order; the parent keeps all store access (it streams batches
from the store and writes the results in bulk). One process (:class:`SerialMapper`), the
cores of one machine (:class:`ProcessMapper`), or a cluster (an ``empathos.engines``
plug-in such as ``ray``) are then interchangeable, and their stored results identical (a
test compares them).

The contract a mapper meets (:class:`BatchMapper`): ``workers`` (how many batches run at
once), ``map(fn, items)`` yielding ``fn(item)`` in the order of ``items`` — ``fn`` is a
picklable top-level function (or a ``functools.partial`` of one holding what every call
shares, e.g. ``predict``'s fitted models) and the items are picklable, so any engine can
ship them —
consuming ``items`` lazily with a bounded number of batches in flight (memory stays flat
however many turns are pending), and ``close()``.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol, TypeVar, runtime_checkable

__all__ = ["BatchMapper", "ProcessMapper", "SerialMapper", "default_workers", "one_blas_thread"]

T = TypeVar("T")
R = TypeVar("R")


@runtime_checkable
class BatchMapper(Protocol):
    """Applies a function to batches, results in input order (see the module docstring)."""

    workers: int

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


def one_blas_thread() -> Any:
    """A context in which numpy's BLAS runs one thread: every mapper runs ``fn`` in one.

    Why: the model calls are small matrix products that gain nothing from more BLAS
    threads, and each worker process would otherwise start one per core, so two workers
    on two cores run four busy threads spinning against each other (measured on the
    flywheel bench: one model call about 5x faster in wall time, 4-8x less CPU, with one
    thread per worker). And the same thread count everywhere keeps the stored floats
    identical between engines: a many-thread product sums in another order and differs
    in the last bits."""
    import numpy  # noqa: F401 - loads the BLAS library threadpoolctl pins
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def _start_worker(initializer: Callable[..., Any] | None, initargs: tuple[Any, ...]) -> None:
    """A worker process's start: BLAS pinned for the process's life (see
    :func:`one_blas_thread`), then the caller's initializer."""
    one_blas_thread()
    if initializer is not None:
        initializer(*initargs)


def default_workers() -> int:
    """Every core this process may use (the affinity mask where there is one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class SerialMapper:
    """One worker: the calls run in this process, one after the other."""

    workers = 1

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            with one_blas_thread():  # as in the workers of every other mapper
                result = fn(item)
            yield result

    def close(self) -> None:
        return None


class ProcessMapper:
    """``workers`` worker processes on this machine (``concurrent.futures``, *spawn*).

    Spawn, not fork: a forked child inherits the parent's threads' locks (BLAS, ONNX
    runtime, database drivers) in whatever state they were, which deadlocks at random;
    spawn starts clean interpreters on every platform. Each worker loads what the
    function needs once — either in ``initializer(*initargs)`` or lazily on its first
    call into a module-level cache (what ``annotate_job`` does) — and keeps it for
    every later batch. Each worker's BLAS runs one thread (:func:`one_blas_thread`).
    At most ``in_flight`` batches (default ``2 * workers``) are submitted and not yet
    consumed, so the parent reads the store only as fast as the workers annotate and its
    memory stays bounded.
    """

    def __init__(
        self,
        workers: int | None = None,
        initializer: Callable[..., Any] | None = None,
        initargs: tuple[Any, ...] = (),
        in_flight: int | None = None,
    ) -> None:
        self.workers = max(1, int(workers or default_workers()))
        self.in_flight = max(1, int(in_flight or 2 * self.workers))
        self._initializer = initializer
        self._initargs = initargs
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:  # started on first use: building a mapper costs nothing
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self._initializer, self._initargs),
            )
        return self._pool

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pool = self._executor()
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) >= self.in_flight:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:  # a consumer that stops early: drop what was not started
                f.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ProcessMapper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
