"""The ``local`` engine: ``analyze``'s model calls on the cores of this machine.

An ``empathos.engines`` plug-in: an engine gives a
:class:`~empathos.understand.pipeline.mapper.BatchMapper` for a number of workers, and
``analyze`` runs the same pipeline through it (the parent keeps all store access), so
local and cluster engines store identical results. ``workers=1`` is the in-process
serial mapper; more are spawned worker processes."""

from __future__ import annotations

from empathos.understand.pipeline.mapper import (
    BatchMapper,
    ProcessMapper,
    SerialMapper,
    default_workers,
)


class LocalEngine:
    """Worker processes on this machine (default: every core)."""

    name = "local"

    def mapper(self, workers: int | None = None) -> BatchMapper:
        n = workers or default_workers()
        return SerialMapper() if n <= 1 else ProcessMapper(n)
