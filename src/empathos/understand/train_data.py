"""The training and evaluation corpora: where they are, how they are read, how EPITOME is split.

GoEmotions comes with its own train/dev/test split. EPITOME (Sharma et al., EMNLP 2020)
comes without one, so we fix one: ``EPITOME_SPLIT`` — the (seeker, response) pairs sorted by
response id, permuted by ``numpy.random.default_rng(13)``, cut 80/10/10. Every backend is
trained on train, tuned on dev and reported on test of this one split.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from empathos.understand.emotions import labels_to_matrix, read_goemotions
from empathos.understand.protocols import EMPATHY_MECHANISMS

EPITOME_SEED = 13
EPITOME_SPLIT = "epitome-reddit-seed13-80/10/10"
GOEMOTIONS_SPLIT = "goemotions-original"
UMSAB_SPLIT = "umsab-original"  # XLM-T's own train/val/test per language
TWEETEVAL_SPLIT = "tweeteval-emotion-original"
# UMSAB's directory names and the ISO codes the rest of Empathos uses.
UMSAB_LANGUAGES: dict[str, str] = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
    "es": "spanish",
}
UMSAB_LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
TWEETEVAL_EMOTION_LABELS: tuple[str, ...] = ("anger", "joy", "optimism", "sadness")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_EPITOME_FILES = {
    "emotional_reaction": "emotional-reactions-reddit.csv",
    "interpretation": "interpretations-reddit.csv",
    "exploration": "explorations-reddit.csv",
}


def shared_data_dir() -> Path:
    """The settings' ``shared_data_dir`` (``EMPATHOS_SHARED_DATA``), else ``../shared/data``
    beside the repository checkout."""
    from empathos.config import get_settings

    configured = get_settings().shared_data_dir
    if configured is not None:
        return Path(configured)
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


@dataclass(frozen=True)
class EmotionSplit:
    texts: list[str]
    y28: np.ndarray  # (n, 28) multi-hot


def load_goemotions(split: str, data_dir: Path | None = None) -> EmotionSplit:
    """One GoEmotions split (``train``, ``dev`` or ``test``)."""
    path = (data_dir or shared_data_dir()) / "goemotions" / f"{split}.tsv"
    if not path.exists():
        raise FileNotFoundError(f"GoEmotions {split} not found at {path}")
    texts, labels = read_goemotions(path)
    return EmotionSplit(texts, labels_to_matrix(labels))


@dataclass(frozen=True)
class EmpathySplit:
    seeker: list[str]
    response: list[str]
    levels: np.ndarray  # (n, 3) ints, columns in EMPATHY_MECHANISMS order
    ids: list[str]


def load_epitome(data_dir: Path | None = None) -> EmpathySplit:
    """All EPITOME Reddit pairs with the three mechanism levels joined on the response id."""
    base = (data_dir or shared_data_dir()) / "epitome"
    rows: dict[str, dict] = {}
    for j, mech in enumerate(EMPATHY_MECHANISMS):
        path = base / _EPITOME_FILES[mech]
        if not path.exists():
            raise FileNotFoundError(f"EPITOME file not found at {path}")
        with open(path, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                key = f"{r['sp_id']}/{r['rp_id']}"
                entry = rows.setdefault(
                    key,
                    {
                        "seeker": r["seeker_post"],
                        "response": r["response_post"],
                        "levels": [0, 0, 0],
                    },
                )
                entry["levels"][j] = int(r["level"])
    ids = sorted(rows)
    return EmpathySplit(
        seeker=[rows[k]["seeker"] for k in ids],
        response=[rows[k]["response"] for k in ids],
        levels=np.array([rows[k]["levels"] for k in ids], dtype=np.int64),
        ids=ids,
    )


def epitome_split(part: str, data_dir: Path | None = None) -> EmpathySplit:
    """``train`` / ``dev`` / ``test`` of ``EPITOME_SPLIT``."""
    full = load_epitome(data_dir)
    n = len(full.ids)
    perm = np.random.default_rng(EPITOME_SEED).permutation(n)
    cut1, cut2 = int(0.8 * n), int(0.9 * n)
    idx = {"train": perm[:cut1], "dev": perm[cut1:cut2], "test": perm[cut2:]}[part]
    idx = np.sort(idx)
    return EmpathySplit(
        seeker=[full.seeker[i] for i in idx],
        response=[full.response[i] for i in idx],
        levels=full.levels[idx],
        ids=[full.ids[i] for i in idx],
    )


@dataclass(frozen=True)
class LabelledTexts:
    """Single-label texts: ``y`` indexes the corpus' own label tuple."""

    texts: list[str]
    y: np.ndarray  # (n,) int


def _tweet_text(line: str) -> str:
    """XLM-T ships some characters as literal ``\\uXXXX`` escapes (``i\\u2019m``): decode
    them so the encoder sees the apostrophe, and strip the trailing blank of every line."""
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), line).strip()


def _read_pair(base: Path, split: str) -> LabelledTexts:
    text_path, label_path = base / f"{split}_text.txt", base / f"{split}_labels.txt"
    if not text_path.exists():
        raise FileNotFoundError(f"{text_path} not found")
    texts = [_tweet_text(t) for t in text_path.read_text(encoding="utf-8").split("\n")]
    labels = [int(x) for x in label_path.read_text().split()]
    texts = texts[: len(labels)]
    if len(texts) != len(labels):
        raise ValueError(f"{base}: {len(texts)} texts for {len(labels)} labels in {split}")
    return LabelledTexts(texts, np.array(labels, dtype=np.int64))


def load_umsab(language: str, split: str, data_dir: Path | None = None) -> LabelledTexts:
    """One UMSAB split (``train``, ``val``, ``test``) of one language (ISO code, see
    ``UMSAB_LANGUAGES``); labels 0 negative, 1 neutral, 2 positive."""
    return _read_pair((data_dir or shared_data_dir()) / "umsab" / UMSAB_LANGUAGES[language], split)


def load_tweeteval_emotion(split: str, data_dir: Path | None = None) -> LabelledTexts:
    """One TweetEval emotion split; labels index ``TWEETEVAL_EMOTION_LABELS``."""
    return _read_pair((data_dir or shared_data_dir()) / "tweeteval" / "emotion", split)
