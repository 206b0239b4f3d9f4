"""``analyze --engine ray``: the per-batch model work of ``analyze`` on a Ray cluster.

Why actors: each actor loads the model artefacts once (from the ``empathos`` package
installed on every worker node — the artefacts ship inside the wheel, so nothing is
sent through the object store but the batches) and then annotates batch after batch.
The parent keeps reading batches from the store and writing the rows back through it, so
the store stays the one source of truth (PostgreSQL when workers are on other machines).
Results come back in submission order with at most ``2 × workers`` batches in flight:
memory stays bounded and the rows written are identical to the in-process run."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Worker:
    """One Ray actor: runs the function it is given; models stay cached in its process.
    Its BLAS runs one thread, as in every mapper's workers (``one_blas_thread``)."""

    def __init__(self) -> None:
        from empathos.understand.pipeline.mapper import one_blas_thread

        one_blas_thread()

    def run(self, fn: Callable[[Any], Any], item: Any) -> Any:
        return fn(item)


class RayMapper:
    """A :class:`~empathos.understand.pipeline.mapper.BatchMapper` on Ray actors.

    ``address`` is a running cluster (``"auto"``, ``"ray://host:10001"``, ``"host:6379"``);
    ``None`` starts a local one in this process."""

    def __init__(self, address: str | None = "auto", workers: int = 2) -> None:
        import ray

        if workers < 1:
            raise ValueError("workers must be >= 1")
        self.workers = workers
        if not ray.is_initialized():
            ray.init(address=address, log_to_driver=False, include_dashboard=False)
        actor = ray.remote(num_cpus=1)(_Worker)
        self._actors = [actor.remote() for _ in range(workers)]

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        import ray

        pending: deque[Any] = deque()
        fn_ref = ray.put(fn)
        for i, item in enumerate(items):
            pending.append(self._actors[i % self.workers].run.remote(fn_ref, item))
            if len(pending) >= 2 * self.workers:
                yield ray.get(pending.popleft())
        while pending:
            yield ray.get(pending.popleft())

    def close(self) -> None:
        import ray

        for a in self._actors:
            ray.kill(a)
        self._actors = []


class RayEngine:
    """The ``ray`` plug-in of kind ``engines``: ``mapper(workers)`` on the cluster at
    ``address`` (default ``EMPATHOS_RAY_ADDRESS`` semantics are left to the caller: ``auto``)."""

    name = "ray"

    def __init__(self, address: str | None = "auto") -> None:
        self.address = address

    def mapper(self, workers: int) -> RayMapper:
        return RayMapper(self.address, workers)
