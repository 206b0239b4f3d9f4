"""The pod state the live desk routes on, and the member loads it tracks.

Loaded from the store once and refreshed in the background every ``pod_ttl_s``; on a
failed reload the last state stays in use. Member *load* is tracked here as the desk's
contacts open, hand over and close, so a decision never waits for the store."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace

from sqlalchemy import Engine

from empathos.act.live.config import LiveConfig
from empathos.act.live.records import load_employee_languages
from empathos.act.live.resilience import Breaker, Deadline
from empathos.act.routing import MemberState, PodState


class PodBoard:
    """The members, their pods and their loads as the desk sees them now.

    ``lock`` is the desk's own (re-entrant) lock: :meth:`assign` runs inside the desk's
    decisions, which already hold it."""

    def __init__(
        self,
        engine: Engine,
        config: LiveConfig,
        loader: Callable[[Engine], PodState],
        deadline: Deadline,
        breaker: Breaker,
        lock: threading.RLock,
    ) -> None:
        self.engine, self.config, self._loader = engine, config, loader
        self._deadline, self.breaker, self._lock = deadline, breaker, lock
        self._load: Counter[str] = Counter()
        self._idle_since: dict[str, float] = {}
        self._t0 = time.monotonic()
        self.state: PodState | None = None
        self._at = -1e18
        self.why = ""
        """Why the last reload failed ("" when it did not)."""
        self._refreshing: Future | None = None
        self.languages: dict[str, str] = {}
        """employee id -> the card language they chose."""

    def minutes(self) -> float:
        """The routing clock: minutes since the desk started (what ``idle_since`` counts)."""
        return (time.monotonic() - self._t0) / 60.0

    def _load_pods(self) -> tuple[PodState, dict[str, str]]:
        return self._loader(self.engine), load_employee_languages(self.engine)

    def refresh(self, wait: bool = False) -> None:
        """Reload the pod state from the store (under the store deadline when ``wait``,
        else in the background); on failure the last state stays in use."""
        if wait:
            ok, value, why = self._deadline.call(
                self._load_pods, max(1.0, self.config.store_timeout_s), self.breaker
            )
            if ok:
                self._install(*value)
            else:
                self.why = f"pod state not reloaded: {why}"
                self._at = time.monotonic()
            return
        if self._refreshing is None or self._refreshing.done():

            def job() -> None:
                if not self.breaker.allow():
                    return
                try:
                    value = self._load_pods()
                except Exception as exc:  # noqa: BLE001
                    self.breaker.failure(f"{type(exc).__name__}: {exc}"[:200])
                    self.why = f"pod state not reloaded: {type(exc).__name__}"
                    return
                self.breaker.success()
                self._install(*value)

            self._at = time.monotonic()
            self._refreshing = self._deadline.submit_background(job)

    def _install(self, state: PodState, languages: dict[str, str]) -> None:
        """Adopt a freshly loaded state, with the loads this desk tracks."""
        with self._lock:
            now = self.minutes()
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
            self.state, self._at, self.why = new, time.monotonic(), ""
            self.languages = languages

    def current(self) -> tuple[PodState, str]:
        """``(state, why_fell_back)``: the state to route on now, refreshed in the background
        once older than ``pod_ttl_s``; ``why`` says when it is not the latest."""
        if time.monotonic() - self._at > self.config.pod_ttl_s:
            self.refresh()
        if self.state is None:
            return PodState(now=self.minutes()), self.why or "no pod state loaded"
        self.state.now = self.minutes()
        return self.state, ("" if not self.why else self.why + "; used the last loaded pod state")

    def assign(self, eid: str | None, delta: int) -> None:
        """Track a member's load (caller holds the lock)."""
        if eid is None:
            return
        self._load[eid] = max(0, self._load[eid] + delta)
        st = self.state
        if st is None or eid not in st.members:
            return
        m = st.members[eid]
        m.load = self._load[eid]
        if m.load == 0:
            m.idle_since = self._idle_since[eid] = self.minutes()
        if m.available:
            st.free.setdefault(eid, None)
        else:
            st.free.pop(eid, None)
