"""ESConv supporter turns as empathy labels: the strategy mapping, the post, the split.

ESConv (Liu et al., ACL 2021) is 910 emotional-support chats (in ``../shared/data`` only
its train split) where every supporter turn carries one of eight strategies. We read each
supporter turn as a (post, reply) pair with a binary label per EPITOME mechanism:

=============================  ===================  ==========================================
strategy                        mechanism            why
=============================  ===================  ==========================================
Question                        exploration          asking about the seeker's situation is
                                                     what EPITOME calls exploration
Restatement or Paraphrasing     interpretation       saying back what the seeker lived is
                                                     "showing you understood" (EPITOME)
Reflection of feelings          interpretation       naming the seeker's feeling *as
                                                     understood* ("you sound exhausted") is
                                                     an inferred feeling, EPITOME's
                                                     interpretation, not the supporter's own
                                                     emotional reaction
Self-disclosure                 interpretation       (v4) a similar experience of one's own
                                                     ("I went through a divorce too") is
                                                     EPITOME's *strong* interpretation
                                                     ("communicating understanding through
                                                     descriptions of similar experiences")
Affirmation and Reassurance     emotional_reaction   warmth, concern, encouragement towards
                                                     the seeker: the supporter's own feeling
                                                     ("I'm so sorry", "you are brave")
Providing Suggestions,          none                 useful, but none of the three mechanisms:
Information, Others                                  advice and facts do not acknowledge,
                                                     understand or explore
=============================  ===================  ==========================================

Why Self-disclosure moved (v4; ``STRATEGY_TO_MECHANISM_V3`` is the mapping before): the v3
strategy model's P(Self-disclosure) ranks EPITOME dev interpretations at AUC 0.89-0.90, its
P(Restatement) + P(Reflection) at 0.42-0.46 (below chance): on Reddit, most interpretations
annotated by EPITOME are shared experiences. With Self-disclosure counted as none, a reply
that EPITOME calls interpretation was a negative on ESConv, and no model could serve both
(v3's stack had to choose between them). The bench also reports the v3 mapping.

Each turn carries one strategy, so a reply that also asks a question (a Reassurance ending
in "how are you coping?") counts for one mechanism only: the labels are a lower bound.

**Phatic turns are none, whatever their strategy.** ESConv's annotators tagged the opening
"Hi, good afternoon." or "Hello, how are you today?" as Question (366 times), Restatement
or Reflection (679 phatic turns in all); a contact centre must not count a greeting as
exploring the customer's situation (issue 15). A supporter turn is phatic when nothing is
left after removing greetings, "how are you (doing/today)", "how can I help you", thanks
and names (:func:`is_phatic`); this applies to training *and* to the validation/test labels, and the
bench reports the raw mapping as well.

**The post** is the seeker's turn(s) since the previous supporter turn (joined with a
space); when the supporter speaks twice in a row, the latest seeker turns before it; empty
at the very start.

**The split** ``ESCONV_SPLIT``: conversations (not turns: turns of one chat are alike and
must not straddle train and test) in file order, permuted by
``numpy.random.default_rng(13)``, cut 80/10/10 into train/val/test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from empathos.understand.protocols import EMPATHY_MECHANISMS
from empathos.understand.train_data import shared_data_dir

ESCONV_SEED = 13
ESCONV_SPLIT = "esconv-train-by-conversation-seed13-80/10/10"
STRATEGY_TO_MECHANISM: dict[str, str | None] = {
    "Question": "exploration",
    "Restatement or Paraphrasing": "interpretation",
    "Reflection of feelings": "interpretation",
    "Affirmation and Reassurance": "emotional_reaction",
    "Self-disclosure": "interpretation",
    "Providing Suggestions": None,
    "Information": None,
    "Others": None,
}
# the mapping of v3 and before (Self-disclosure none), kept for the bench's comparison
STRATEGY_TO_MECHANISM_V3: dict[str, str | None] = {
    **STRATEGY_TO_MECHANISM,
    "Self-disclosure": None,
}

_PHATIC = re.compile(
    r"\b(?:hi+|hello+|hey+|hiya|greetings|good\s+(?:morning|afternoon|evening|day|night)"
    r"|how\s+(?:are|r)\s+(?:you|u)(?:\s+(?:doing|today|tonight|this\s+\w+|friend))*"
    r"|how\s+(?:is|was)\s+your\s+day(?:\s+going)?"
    r"|(?:i\s*(?:'m|am)\s+)?(?:doing\s+)?(?:fine|good|great|well)(?:\s+thanks?(?:\s+you)?)?"
    r"|how\s+(?:can|may|could)\s+i\s+(?:help|assist)(?:\s+you)?(?:\s+today)?"
    r"|(?:what\s+)?can\s+i\s+(?:help|assist)\s+you\s+with(?:\s+today)?"
    r"|thanks?(?:\s+you)?(?:\s+so\s+much)?|(?:it'?s\s+)?nice\s+to\s+(?:meet|chat\s+with)\s+you"
    r"|and\s+you|you\s+too|there|friend|today|welcome|i\s+hope\s+you\s*(?:'re|are)\s+(?:well|"
    r"doing\s+well|good))\b",
    re.IGNORECASE,
)


def is_phatic(text: str) -> bool:
    """A greeting / pleasantry with nothing else in it ("Hi!", "Hello, how are you
    today?", "How can I help you?"), in English (ESConv's language)."""
    rest = _PHATIC.sub(" ", text or "")
    return not re.search(r"[^\W\d_]{2,}", rest)  # no word of two letters or more left


@dataclass(frozen=True)
class EsconvPairs:
    """(post, reply) pairs with binary mechanism labels and their provenance."""

    seeker: list[str]
    response: list[str]
    labels: np.ndarray  # (n, 3) 0/1, columns in EMPATHY_MECHANISMS order (phatic -> 0)
    raw_labels: np.ndarray  # (n, 3) the strategy mapping alone, phatic turns untouched
    v3_labels: np.ndarray  # (n, 3) ``STRATEGY_TO_MECHANISM_V3``, phatic turns none
    strategy: list[str]
    conversation: list[int]  # index of the conversation in the file


def _path(data_dir: Path | None) -> Path:
    path = (data_dir or shared_data_dir()) / "esconv" / "train.json"
    if not path.exists():
        raise FileNotFoundError(f"ESConv train not found at {path}")
    return path


def _read_conversations(data_dir: Path | None) -> list[dict]:
    with open(_path(data_dir), encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def conversation_ids(part: str, n: int) -> np.ndarray:
    """Indices of the conversations of ``part`` (``train``/``val``/``test``) among ``n``."""
    perm = np.random.default_rng(ESCONV_SEED).permutation(n)
    cut1, cut2 = int(0.8 * n), int(0.9 * n)
    return np.sort({"train": perm[:cut1], "val": perm[cut1:cut2], "test": perm[cut2:]}[part])


def _pairs(conv: dict) -> list[tuple[str, str, str]]:
    """(post, reply, strategy) for each supporter turn of one conversation."""
    out, pending, last_block = [], [], ""
    for turn in conv["dialog"]:
        text = (turn.get("text") or "").strip()
        if turn["speaker"] == "usr":
            pending.append(text)
            continue
        if pending:
            last_block, pending = " ".join(pending), []
        out.append((last_block, text, turn.get("strategy") or "Others"))
    return out


def esconv_split(part: str, data_dir: Path | None = None) -> EsconvPairs:
    """The supporter turns of ``part`` of ``ESCONV_SPLIT``, as labelled pairs."""
    convs = _read_conversations(data_dir)
    seeker, response, strategy, conv_idx = [], [], [], []
    for ci in conversation_ids(part, len(convs)):
        for post, reply, strat in _pairs(convs[ci]):
            if not reply:
                continue
            seeker.append(post)
            response.append(reply)
            strategy.append(strat)
            conv_idx.append(int(ci))
    raw = mapping_labels(strategy, STRATEGY_TO_MECHANISM)
    phatic = np.array([is_phatic(r) for r in response], dtype=bool).reshape(-1)
    labels, v3 = raw.copy(), mapping_labels(strategy, STRATEGY_TO_MECHANISM_V3)
    labels[phatic] = 0
    v3[phatic] = 0
    return EsconvPairs(seeker, response, labels, raw, v3, strategy, conv_idx)


def mapping_labels(strategy: list[str], mapping: dict[str, str | None]) -> np.ndarray:
    """``(n, 3)`` 0/1 mechanism labels of turns with these strategies under ``mapping``."""
    out = np.zeros((len(strategy), len(EMPATHY_MECHANISMS)), dtype=np.int64)
    for i, strat in enumerate(strategy):
        mech = mapping.get(strat)
        if mech is not None:
            out[i, EMPATHY_MECHANISMS.index(mech)] = 1
    return out
