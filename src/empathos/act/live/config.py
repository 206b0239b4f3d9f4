"""The budgets and cache sizes of the live desk, and its naive-UTC clock.

Why each budget is what it is: see :mod:`empathos.act.live` (the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from empathos.act.lead import LeadConfig
from empathos.act.scoring import ScoringConfig
from empathos.act.triage import TriageConfig

DEFAULT_NEED = "general"


def utcnow() -> datetime:
    """Naive-UTC "now", the default clock of the desk (the store keeps naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class LiveConfig:
    """Budgets and cache sizes of the live desk (defaults and why in the package docstring)."""

    emotion_timeout_s: float = 0.02
    """A turn's emotion must be read within 20 ms (the default USE model needs 2–5 ms)."""
    store_timeout_s: float = 0.03
    """A customer-record read on a cache miss (four indexed queries, ~1–3 ms) gets 30 ms."""
    scan_chars: int = 4000
    """Emotion, need and language are read from a turn's first 4,000 characters (the turn
    is stored whole): the lexicon fallback's cost grows faster than the text (6 ms at 4,000
    characters, 260 ms at 50,000, minutes at 1 MB, holding the GIL), so an unbounded turn
    stalled the server."""
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
    flywheel: tuple[str, str] | None = None
    """(emotion model, empathy model) to import and analyze closed contacts with
    (:mod:`empathos.act.live.flywheel`); None: they stay in the live tables. The desk
    sets it from ``Settings.live_flywheel``."""
    lead: LeadConfig = field(default_factory=LeadConfig)
    triage: TriageConfig = field(default_factory=TriageConfig)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)
