"""Record one contact's turns as they are spoken, with their true labels.

The engine decides *what happens* (waits, replies, resolution); this module turns each
step into a turn record of docs/formats.md and keeps the truth beside it: the customer's
(emotion, valence, intensity) per customer turn, the employee's mechanism levels per
employee turn. The truth goes to ``truth_interactions.jsonl``, never into the
interactions file, so models cannot read labels from their input.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from empathos.simulate import text as T
from empathos.simulate.emotion import EmotionState, label
from empathos.simulate.writer import Clock


@dataclass(slots=True)
class Conversation:
    """Turns and truths of one interaction."""

    interaction_id: str
    customer_id: str
    language: str
    need: str
    slots: T.SlotValues
    clock: Clock
    turns: list[dict[str, Any]] = field(default_factory=list)
    valences: list[float] = field(default_factory=list)
    intensities: list[float] = field(default_factory=list)
    truth_turns: list[dict[str, Any]] = field(default_factory=list)
    started_negative: bool = False
    empathic: bool = False  # any mechanism used so far
    last_emotion: str = "neutral"
    _last_ts: float = -1e9

    def _add(self, ts: float, speaker: str, text: str, author: str | None) -> int:
        seq = len(self.turns)
        ts = max(ts, self._last_ts + 0.05)  # turns are spoken in order, ≥ 3 s apart
        self._last_ts = ts
        self.turns.append(
            {
                "seq": seq,
                "speaker": speaker,
                "text": text,
                "ts": self.clock.iso(ts),
                "author_id": author,
            }
        )
        return seq

    def emotion_now(self, st: EmotionState, *, ending: bool = False, resolved: bool = False) -> str:
        return label(
            st.valence,
            st.arousal,
            self.need,
            ending=ending,
            resolved=resolved,
            started_negative=self.started_negative,
            empathic=self.empathic,
        )

    def customer(self, ts: float, text: str, st: EmotionState, emotion: str) -> None:
        seq = self._add(ts, "customer", text, self.customer_id)
        if not self.valences:
            self.started_negative = st.valence < -0.2
        v, i = round(st.valence, 4), round(st.intensity, 4)
        self.valences.append(v)
        self.intensities.append(i)
        self.last_emotion = emotion
        self.truth_turns.append(
            {"seq": seq, "speaker": "customer", "emotion": emotion, "valence": v, "intensity": i}
        )

    def employee(
        self,
        ts: float,
        text: str,
        employee_id: str,
        levels: tuple[int, int, int] = (0, 0, 0),
        sympathy: bool = False,
    ) -> None:
        seq = self._add(ts, "employee", text, employee_id)
        if any(levels):
            self.empathic = True
        self.truth_turns.append(
            {
                "seq": seq,
                "speaker": "employee",
                "emotional_reaction": levels[0],
                "interpretation": levels[1],
                "exploration": levels[2],
                "sympathy_only": sympathy and not any(levels),
            }
        )

    def bot(self, ts: float, text: str) -> None:
        self._add(ts, "bot", text, "bot")

    # --- speech acts, so the engine reads as a story ------------------------------
    def say_opening(
        self,
        rng: random.Random,
        ts: float,
        st: EmotionState,
        waited_min: float,
        complain_after: float,
    ) -> None:
        emo = self.emotion_now(st)
        self.customer(
            ts,
            T.customer_opening(
                rng,
                self.language,
                self.need,
                emo,
                st.intensity,
                self.slots,
                waited_min,
                complain_after,
            ),
            st,
            emo,
        )

    def say_reply(self, rng: random.Random, ts: float, st: EmotionState, detail: bool) -> None:
        emo = self.emotion_now(st)
        self.customer(ts, T.customer_reply(rng, self.language, emo, self.slots, detail), st, emo)

    def say_transferred(self, rng: random.Random, ts: float, st: EmotionState) -> None:
        emo = self.emotion_now(st)
        self.customer(ts, T.customer_transferred(rng, self.language, emo), st, emo)

    def say_end(self, rng: random.Random, ts: float, st: EmotionState, resolved: bool) -> None:
        emo = self.emotion_now(st, ending=True, resolved=resolved)
        self.customer(ts, T.customer_end(rng, self.language, emo), st, emo)

    def say_ask_human(self, rng: random.Random, ts: float, st: EmotionState) -> None:
        emo = self.emotion_now(st)
        self.customer(
            ts, T.fill(T._pick(rng, T.BANKS[self.language]["ask_human"]), self.slots), st, emo
        )
