"""Turn-pair satisfaction: how each (employee turn, customer reply) pair would be rated.

Why pairs: in USS (:mod:`empathos.understand.uss`) the rating on a user turn judges the
*system's preceding response* — "I could not find any", "anything else?", a booking
reference — and the user's reply shows how it landed (a correction, a repeated request,
"thanks, that's all"). So the unit rated here is the employee text since the previous
customer turn together with the customer turn that follows it.

The model: sublinear TF-IDF of word uni- and bigrams (employee words prefixed ``s_``, so
"sorry" said by the employee and by the customer are different terms), a ridge regression
fitted on ``USS_SPLIT`` train by ``python -m empathos.understand.train_csat`` and stored
inside ``csat-default.json`` (vocabulary, idf, coefficients; no scikit-learn object).

Its target is each turn's rating *relative to its own dialogue* (:func:`turn_deviations`:
the annotators' mean rating of the turn minus the mean of that dialogue's turn ratings).
Why: in USS the same annotators rate every turn of a dialogue, so most of a turn rating's
variance is the dialogue's shared level (an annotator's leniency, which no transcript
shows); removing it leaves what each exchange did to satisfaction — a failed search, a
repeated request, a booking — which is what text can predict, and the CSAT ridge then
weighs those events by where they fall (chosen on val and 5-fold CV on train; see
docs/understand.md). At run time a pair costs one tokenisation and a few dictionary
look-ups; the contact's turn predictions are summarised into :data:`TURN_FEATURES`
(:func:`aggregate`), which the CSAT ridge reads beside :data:`csat.FEATURES`.

Limits: the vocabulary is USS's (English task-oriented bots); turns in other languages are
mostly out of vocabulary and get the intercept, so their contacts are predicted from the
language-independent features. Unknown (no turn model) is NaN, imputed with the training
mean by the CSAT model, never 0.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


class PairView(Protocol):
    """What :func:`turn_features` reads of a contact (``csat.ContactView`` has it; named
    here so this module does not import ``csat``, which imports it)."""

    @property
    def customer_texts(self) -> Sequence[str]: ...

    @property
    def prev_employee_texts(self) -> Sequence[str]: ...


TURN_FEATURES: tuple[str, ...] = (
    "turn_sat_mean",
    "turn_sat_min",
    "turn_sat_last",
    "turn_sat_last2",
    "turn_sat_late_weighted",
    "turn_sat_low2",
    "turn_sat_last3",
    "turn_sat_max",
    "turn_sat_std",
    "turn_sat_low_share",
    "turn_sat_high_share",
    "turn_sat_first_half",
    "turn_sat_second_half",
)
#: A pair counts as lowering / raising satisfaction when its predicted deviation from the
#: dialogue's level is beyond this (USS rating points; about a fifth of train's pairs each
#: way, out of fold).
EVENT_MARGIN = 0.1
_TOKEN = re.compile(r"\b\w\w+\b")


def pair_terms(employee_text: str, customer_text: str) -> list[str]:
    """Uni- and bigrams of one pair: employee tokens prefixed ``s_``, then the customer's."""
    toks = list(map("s_".__add__, _TOKEN.findall(employee_text.lower())))
    toks += _TOKEN.findall(customer_text.lower())
    return toks + list(map(" ".join, zip(toks, toks[1:], strict=False)))


def preceding_employee(speakers: Sequence[str], texts: Sequence[str]) -> list[str]:
    """For each customer turn (in order), the employee text since the previous customer
    turn ("" when none): the response the customer's turn reacts to."""
    out: list[str] = []
    since: list[str] = []
    for sp, tx in zip(speakers, texts, strict=True):
        if sp == "customer":
            out.append(" ".join(since))
            since = []
        elif sp == "employee":
            since.append(tx)
    return out


def customer_replies(
    turns: Sequence[Any],
    keep: Callable[[Any], bool] = lambda t: True,
    text: Callable[[Any], str] = lambda t: t.text,
) -> list[tuple[Any, str]]:
    """``(customer turn, employee text since the previous customer turn)`` for each
    customer turn that ``keep`` accepts, in order — the pairs the model rates, wherever
    the turns come from (a USS dialogue, stored rows, the live desk). A customer turn
    that is not kept still closes its span, so the pairs are those of the whole contact.
    ``text`` reads a turn's text (the live desk passes its scan bound)."""
    prev = preceding_employee([t.speaker for t in turns], [text(t) for t in turns])
    cust = [t for t in turns if t.speaker == "customer"]
    return [(t, p) for t, p in zip(cust, prev, strict=True) if keep(t)]


@dataclass(frozen=True)
class TurnSatModel:
    """Linear model on l2-normalised sublinear TF-IDF of :func:`pair_terms`."""

    vocab: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float

    def __post_init__(self) -> None:
        # term -> (idf, idf × coef) as Python floats: a pair has a few dozen terms, where
        # plain float arithmetic is several times cheaper than building numpy arrays
        idf, coef = self.idf.tolist(), self.coef.tolist()
        table = {t: (idf[i], idf[i] * coef[i]) for t, i in self.vocab.items()}
        object.__setattr__(self, "_table", table)
        # the live card re-rates a contact on every turn, and its earlier pairs do not
        # change: a bounded cache makes that incremental (analyze sees each pair once)
        object.__setattr__(self, "_pair", functools.lru_cache(maxsize=8192)(self._score))

    def __reduce__(self) -> tuple[type[TurnSatModel], tuple[Any, ...]]:
        # the model travels to analyze's worker processes: rebuild the table and the
        # cache there instead of pickling them
        return (type(self), (self.vocab, self.idf, self.coef, self.intercept))

    def predict_pairs(self, pairs: Iterable[tuple[str, str]]) -> np.ndarray:
        """Predicted deviation of each (employee, customer) pair's rating from its
        contact's level (USS rating points, 0 = as the rest of the contact)."""
        pair = self._pair  # type: ignore[attr-defined]
        return np.asarray([pair(emp, cust) for emp, cust in pairs], dtype=float)

    def _score(self, emp: str, cust: str) -> float:
        table: dict[str, tuple[float, float]] = self._table  # type: ignore[attr-defined]
        num = den = 0.0
        # only the terms in the vocabulary, in first-seen order, each with its count: the
        # terms the loop used to skip are dropped before counting (most bigrams), so the
        # sums see the same terms in the same order
        for t, n in Counter(filter(table.__contains__, pair_terms(emp, cust))).items():
            idf, w = table[t]
            tf = 1.0 if n == 1 else 1.0 + math.log(n)
            num += tf * w
            den += (tf * idf) ** 2
        return self.intercept + (num / math.sqrt(den) if den > 0 else 0.0)

    def to_json(self) -> dict[str, Any]:
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        return {
            "terms": terms,
            "idf": np.round(self.idf, 5).tolist(),
            "coef": np.round(self.coef, 5).tolist(),
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TurnSatModel:
        return cls(
            {t: i for i, t in enumerate(d["terms"])},
            np.asarray(d["idf"], dtype=float),
            np.asarray(d["coef"], dtype=float),
            float(d["intercept"]),
        )


def fit_turn_model(
    pairs: Sequence[tuple[str, str]],
    ratings: Sequence[float],
    max_features: int = 5000,
    alpha: float = 3.0,
    min_df: int = 3,
) -> TurnSatModel:
    """Fit on rated pairs (scikit-learn's TF-IDF with :func:`pair_terms` as analyzer, so
    training and :meth:`TurnSatModel.predict_pairs` share one tokenisation)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import Ridge

    vec = TfidfVectorizer(
        analyzer=lambda p: pair_terms(*p),
        sublinear_tf=True,
        min_df=min_df,
        max_features=max_features,
    )
    x = vec.fit_transform(list(pairs))
    ridge = Ridge(alpha=alpha).fit(x, np.asarray(ratings, dtype=float))
    vocab = {str(t): int(i) for t, i in vec.vocabulary_.items()}
    return TurnSatModel(
        vocab, vec.idf_.astype(float), ridge.coef_.astype(float), float(ridge.intercept_)
    )


def turn_deviations(ratings: Sequence[float]) -> list[float]:
    """The turn model's training target for one dialogue: each turn's rating minus the
    mean of the dialogue's turn ratings (the shared level removed; see the module
    docstring)."""
    r = np.asarray(ratings, dtype=float)
    return (r - r.mean()).tolist() if r.size else []


def aggregate(pred: np.ndarray) -> np.ndarray:
    """The :data:`TURN_FEATURES` of one contact's turn predictions (NaN when none): level
    (mean, first and second half), the worst and best moments (min, mean of the two
    lowest, max), the end (last, mean of the last two and three, a late-weighted mean),
    spread and the shares of pairs beyond :data:`EVENT_MARGIN` each way."""
    p = np.asarray(pred, dtype=float)
    if p.size == 0:
        return np.full(len(TURN_FEATURES), np.nan)
    w = np.arange(1, p.size + 1, dtype=float)
    half = p.size // 2
    return np.array(
        [
            p.mean(),
            p.min(),
            p[-1],
            p[-2:].mean(),
            float(w @ p / w.sum()),
            np.sort(p)[:2].mean(),
            p[-3:].mean(),
            p.max(),
            p.std(),
            float(np.count_nonzero(p < -EVENT_MARGIN)) / p.size,
            float(np.count_nonzero(p > EVENT_MARGIN)) / p.size,
            p[:half].mean() if half else p[0],
            p[half:].mean(),
        ]
    )


def turn_features(c: PairView, model: TurnSatModel | None) -> np.ndarray:
    """The :data:`TURN_FEATURES` row of one contact (NaN without a turn model)."""
    if model is None:
        return np.full(len(TURN_FEATURES), np.nan)
    cust = list(c.customer_texts)
    prev = list(c.prev_employee_texts) or [""] * len(cust)
    return aggregate(model.predict_pairs(zip(prev, cust, strict=True)))
