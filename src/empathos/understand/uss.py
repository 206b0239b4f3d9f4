"""The User Satisfaction Simulation data (Sun et al., SIGIR 2021) and its fixed split.

``../shared/data/uss`` holds ``MWOZ.txt`` and ``SGD.txt``: 1,000 task-oriented dialogues
each, every user turn rated 1–5 by several annotators, plus an ``OVERALL`` line with the
dialogue's rating by the same annotators (format: ``README.upstream.md``). It is the only
public data the project has where real people rated a *whole* service conversation and
every moment of it, so it is what the remembered score's weights and the predicted CSAT are
fitted on.

No split ships with it, so we fix one: ``USS_SPLIT`` — per set, the dialogues in file order,
permuted by ``numpy.random.default_rng(USS_SEED)``, cut 70/15/15 *by dialogue* (no dialogue's
turns in two parts). Train on train, tune on val, report on test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

USS_SEED = 13
USS_SETS: tuple[str, ...] = ("MWOZ", "SGD")
USS_SPLIT = "uss-mwoz+sgd-by-dialogue-seed13-70/15/15"
PARTS: tuple[str, ...] = ("train", "val", "test")


@dataclass(frozen=True)
class UssTurn:
    """One turn: ``speaker`` is ``customer`` (USER) or ``employee`` (SYSTEM); ``rating`` the
    annotators' mean rating of a user turn (None for system turns)."""

    speaker: str
    text: str
    rating: float | None


@dataclass(frozen=True)
class UssDialogue:
    """One rated dialogue: ``rating`` is the mean of the annotators' overall ratings."""

    dialogue_id: str
    dataset: str
    turns: tuple[UssTurn, ...]
    rating: float

    @property
    def user_ratings(self) -> list[float]:
        return [t.rating for t in self.turns if t.rating is not None]

    @property
    def satisfied(self) -> bool:
        """The 2-class target: satisfied when the overall rating is at least 4."""
        return self.rating >= 4.0


def _mean_rating(field: str) -> float | None:
    vals = [float(v) for v in field.split(",") if v.strip()]
    return float(np.mean(vals)) if vals else None


def parse_uss(text: str, dataset: str) -> list[UssDialogue]:
    """Dialogues of one USS file (blank-line separated sessions; ``OVERALL`` closes one).

    A session without an ``OVERALL`` rating is dropped: it cannot be scored."""
    out: list[UssDialogue] = []
    for block in text.split("\n\n"):
        turns: list[UssTurn] = []
        overall: float | None = None
        for line in block.splitlines():
            if not line.strip():
                continue
            cols = line.split("\t")
            role = cols[0].strip().upper()
            utter = cols[1].strip() if len(cols) > 1 else ""
            sat = cols[3] if len(cols) > 3 else ""
            if role == "USER" and utter == "OVERALL":
                overall = _mean_rating(sat)
            elif role == "USER":
                turns.append(UssTurn("customer", utter, _mean_rating(sat)))
            elif role == "SYSTEM":
                turns.append(UssTurn("employee", utter, None))
        if overall is not None and any(t.speaker == "customer" for t in turns):
            out.append(UssDialogue(f"{dataset}-{len(out):04d}", dataset, tuple(turns), overall))
    return out


def uss_dir(data_dir: Path | None = None) -> Path:
    if data_dir is not None:
        return Path(data_dir)
    from empathos.understand.train_data import shared_data_dir

    return shared_data_dir() / "uss"


def load_uss(dataset: str, data_dir: Path | None = None) -> list[UssDialogue]:
    """Every rated dialogue of ``dataset`` (``MWOZ`` or ``SGD``), in file order."""
    path = uss_dir(data_dir) / f"{dataset}.txt"
    return parse_uss(path.read_text(encoding="utf-8"), dataset)


def split_indices(n: int, seed: int = USS_SEED) -> dict[str, np.ndarray]:
    """Positions of each part of a 70/15/15 split of ``n`` items under ``seed``."""
    perm = np.random.default_rng(seed).permutation(n)
    a, b = int(round(0.70 * n)), int(round(0.85 * n))
    return {"train": perm[:a], "val": perm[a:b], "test": perm[b:]}


def uss_split(
    part: str, datasets: tuple[str, ...] = USS_SETS, data_dir: Path | None = None
) -> list[UssDialogue]:
    """The dialogues of ``part`` (train / val / test) of ``USS_SPLIT``, every set together."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, got {part!r}")
    out: list[UssDialogue] = []
    for ds in datasets:
        dialogues = load_uss(ds, data_dir)
        out.extend(dialogues[i] for i in sorted(split_indices(len(dialogues))[part]))
    return out
