"""The emotion of a live customer turn: the configured model, cached by text, under a
deadline, falling back to the ``lexicon`` backend (keyword cues, microseconds)."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np

from empathos.act.live.config import LiveConfig
from empathos.act.live.resilience import LRU, Breaker, Deadline
from empathos.understand.protocols import CX_EMOTIONS
from empathos.understand.scores import valence_intensity


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

    def __init__(self, model: Any, config: LiveConfig, deadline: Deadline) -> None:
        from empathos.understand.protocols import get_emotion_model

        self._fallback = get_emotion_model("lexicon")
        self._deadline = deadline
        self._timeout = config.emotion_timeout_s
        self.breaker = Breaker("emotion model", config.breaker_failures, config.breaker_cooldown_s)
        self._cache = LRU(config.emotion_cache_size)
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
