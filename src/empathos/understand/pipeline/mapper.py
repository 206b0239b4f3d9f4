"""The seam between ``analyze`` and whatever runs its pure per-batch work.

Why a protocol: the parent process reads batches from the store and writes results in
bulk; only the model calls in between are worth spreading. A mapper runs a picklable
top-level function over picklable items and gives the results back *in order*, so the
rows written are the same whichever mapper ran them (in process, local worker
processes, a Ray cluster: ``empathos.scale``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class BatchMapper(Protocol):
    workers: int

    def map(
        self, fn: Callable[[T], R], items: Iterable[T]
    ) -> Iterator[R]: ...  # ordered results; fn picklable top-level; items picklable

    def close(self) -> None: ...


class SerialMapper:
    """workers=1, in process: the default, and the baseline every other mapper matches."""

    workers: int = 1

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)

    def close(self) -> None:
        return None
