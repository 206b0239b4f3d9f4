"""The 28-label n-gram head of emotion v3 (``backends/_ngramhead.py``): one logistic
regression over scikit-learn's character and word TF-IDF blocks side by side, split into a
character and a word head whose weighted logits must add up to sklearn's, and survive the
artefact round trip (float16 coefficients)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from empathos.understand.backends._chargram import CharGramHead
from empathos.understand.backends._ngramhead import NgramHead
from empathos.understand.backends._wordgram import WordGramHead

TEXTS = [
    "Thank you so much, the refund came through!",
    "ugh, third time I call and still no answer",
    "I'm scared my account was hacked",
    "lol that's hilarious",
    "Das ist eine Frechheit.",
    "",
    "   ",
    "why was I charged twice??",
    "thank you thank you",
    "still no answer from anyone",
]


def _fit() -> tuple[NgramHead, np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vc = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True)
    vw = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
    a = sp.hstack([vc.fit_transform(TEXTS), vw.fit_transform(TEXTS)]).tocsr()
    nc = len(vc.vocabulary_)
    coef = np.random.default_rng(13).normal(size=(a.shape[1], 28))
    intercept = np.linspace(-1, 1, 28)
    head = NgramHead(
        CharGramHead(
            sorted(vc.vocabulary_, key=vc.vocabulary_.get), vc.idf_, coef[:nc], intercept, (1, 5)
        ),
        WordGramHead(
            sorted(vw.vocabulary_, key=vw.vocabulary_.get), vw.idf_, coef[nc:], np.zeros(28), (1, 2)
        ),
        0.5,
    )
    return head, 0.5 * (a @ coef + intercept)


def test_the_split_heads_add_up_to_sklearns_logits() -> None:
    head, want = _fit()
    np.testing.assert_allclose(head.logits(TEXTS), want, atol=1e-9, rtol=0)


def test_the_artefact_round_trip_keeps_the_logits() -> None:
    head, want = _fit()
    arrays = {k: np.asarray(v) for k, v in head.arrays().items()}
    assert NgramHead.available(arrays)
    back = NgramHead.from_arrays(arrays)
    assert back.weight == 0.5
    np.testing.assert_allclose(back.logits(TEXTS), want, atol=2e-2, rtol=0)  # float16 coef
