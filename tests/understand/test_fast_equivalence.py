"""The vectorised fast path (issue 15 item 5: word-cached character n-grams counted with
``np.unique``, C-level surface cues, one joint polarity product) gives the outputs of the
code it replaced (``_fast_reference.py``) to float noise, on real customer turns (TWCS),
multilingual tweets (UMSAB val) and edge cases, with one language per batch and mixed."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from empathos.understand.train_data import shared_data_dir
from tests.understand import _fast_reference as ref

TWCS = shared_data_dir() / "real" / "twcs_5k.csv"
needs_data = pytest.mark.skipif(
    not TWCS.exists() or not (shared_data_dir() / "umsab").exists(),
    reason="shared/data not beside the repository",
)
EDGE = [
    "",
    "   ",
    "  spaced   out\ttext\n",
    "CUSTOMER SERVICE 👎 DID IT WRONG 😡😡 !!!",
    "❤️✨ thanks!!",
    "İstanbul ΣΟΦΟΣ straße ÆØÅ",
    "Jestem bardzo rozczarowany, zamówienie przyszło uszkodzone.",
    "Это ужасно",
    "😡",
    "Chapter \u216b: \u24b6\u24b7\u24b8 WINNER \U0001f170 ist schön",
]
UMSAB = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
    "es": "spanish",
}


def _twcs(inbound: bool, n: int) -> list[str]:
    with TWCS.open(encoding="utf-8") as fh:
        rows = [r["text"] for r in csv.DictReader(fh) if (r["inbound"] == "True") == inbound]
    return rows[:n]


@pytest.fixture(scope="module")
def sample() -> tuple[list[str], list[str | None]]:
    texts, langs = _twcs(True, 600), ["en"] * 600
    for lang, folder in UMSAB.items():
        d = shared_data_dir() / "umsab" / folder
        t = (d / "val_text.txt").read_text(encoding="utf-8").splitlines()[:60]
        texts += t
        langs += [lang] * len(t)
    texts += EDGE
    langs += [None, "pt-BR", "DE", "pl", "xx", "en", "tr", "ru", None, "de"]
    return texts, langs


def _check(model, texts, langs, embeddings) -> None:  # noqa: ANN001
    want = ref.emotion_parts(model, texts, langs, embeddings)
    got = model.predict_parts(texts, langs, embeddings)
    for g, w, what in zip(got, want, ("p28", "polarity", "cx"), strict=True):
        np.testing.assert_allclose(g, w, atol=1e-6, rtol=0, err_msg=what)


@needs_data
def test_fast_emotion_outputs_equal_the_previous_implementation(sample) -> None:  # noqa: ANN001
    from empathos.understand.backends._encoder import get_encoder
    from empathos.understand.protocols import get_emotion_model

    texts, langs = sample
    model = get_emotion_model("fast")
    enc = get_encoder("static-use-v1")
    old_emb = ref.static_encode(enc, texts)
    np.testing.assert_allclose(enc.encode(texts), old_emb, atol=1e-6, rtol=0)
    _check(model, texts, langs, old_emb)  # every language in one batch
    for i in range(0, len(texts), 64):  # batches as the pipeline sends them
        b = slice(i, i + 64)
        _check(model, texts[b], langs[b], old_emb[b])
    # and from text alone (the encoder inside), as ``predict_proba`` is called
    np.testing.assert_allclose(
        model.predict_proba(texts[:64], langs[:64]),
        ref.emotion_parts(model, texts[:64], langs[:64], old_emb[:64])[2],
        atol=1e-6,
        rtol=0,
    )


@needs_data
def test_default_emotion_outputs_equal_the_previous_implementation(sample) -> None:  # noqa: ANN001
    """The ``default`` backend shares the polarity stack and surface cues."""
    from empathos.understand.backends._encoder import get_encoder
    from empathos.understand.protocols import get_emotion_model

    texts, langs = sample
    pick = list(range(0, 600, 10)) + list(range(600, len(texts), 5))
    texts, langs = [texts[i] for i in pick], [langs[i] for i in pick]
    model = get_emotion_model("default")
    emb = get_encoder(model.encoder).encode(texts)
    _check(model, texts, langs, emb)


@needs_data
def test_fast_empathy_outputs_equal_the_previous_implementation() -> None:
    from empathos.understand.backends._encoder import get_encoder
    from empathos.understand.protocols import get_empathy_model

    replies, posts = _twcs(False, 400), _twcs(True, 400)
    replies += ["Hi!", "Please DM us.", ""]
    posts += ["my parcel never came", "", "help"]
    model = get_empathy_model("fast")
    enc = get_encoder("static-use-v1")
    want = ref.empathy_proba(
        model, posts, replies, ref.static_encode(enc, posts), ref.static_encode(enc, replies)
    )
    got = model.predict_proba(posts, replies, ["en"] * len(posts))
    np.testing.assert_allclose(got, want, atol=1e-6, rtol=0)


def test_the_upper_case_non_letters_are_all_listed() -> None:
    """The surface cues' shortcut counts upper case with ``str.isupper`` unless one of the
    characters that are upper case but not letters occurs; that list must be complete."""
    import sys

    from empathos.understand.backends._features import _UPPER_NOT_ALPHA

    odd = "".join(
        chr(i) for i in range(sys.maxunicode + 1) if chr(i).isupper() and not chr(i).isalpha()
    )
    assert odd and all(_UPPER_NOT_ALPHA.fullmatch(c) for c in odd)


def test_char_ngrams_are_the_previous_ones() -> None:
    from empathos.understand.backends._chargram import char_wb_ngrams

    for text in [*EDGE, "a", "ab cd", "abcdef ghijklmnop", "x  y\tz", "ÀÉÎ ñ"]:
        for lo, hi in ((1, 5), (2, 4), (3, 3), (1, 1)):
            assert char_wb_ngrams(text, lo, hi) == ref.char_wb_ngrams(text, lo, hi), text


@needs_data
def test_char_ngram_head_equals_sklearns_tfidf_on_real_tweets() -> None:
    """The vectorised n-gram head is scikit-learn's ``char_wb`` TF-IDF (what the training
    code fits) times the coefficients, on UMSAB French val tweets."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from empathos.understand.backends._chargram import CharGramHead

    d = shared_data_dir() / "umsab" / "french"
    texts = (d / "val_text.txt").read_text(encoding="utf-8").splitlines() + EDGE
    vec = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 5), min_df=2, sublinear_tf=True, max_features=3000
    )
    x = vec.fit_transform(texts)
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    coef = np.random.default_rng(13).normal(size=(len(vocab), 3))
    head = CharGramHead(vocab, vec.idf_, coef, np.array([0.1, -0.2, 0.3]), (1, 5))
    np.testing.assert_allclose(head.logits(texts), x @ coef + [0.1, -0.2, 0.3], atol=1e-9, rtol=0)


def test_reply_levels_by_search_equal_the_cue_counts() -> None:
    """The empathy features read each reply's lexicon levels from one ``search`` per level
    on the once-stripped reply; the levels are those the cue counts gave."""
    from empathos.understand.backends.lexicon import LexiconEmpathyModel
    from empathos.understand.protocols import EMPATHY_MECHANISMS

    lex = LexiconEmpathyModel()
    replies = (_twcs(False, 800) if TWCS.exists() else []) + EDGE
    replies += ["I understand how frustrating that must be. Could you tell me more?"]
    for text, got in zip(replies, lex.levels(replies), strict=True):
        t, _ = lex.strip_sympathy(text)
        for j, m in enumerate(EMPATHY_MECHANISMS):
            counts = dict(zip(lex._mech[m].names, lex._mech[m].counts([t], True)[0], strict=True))
            assert got[j] == (2 if counts.get("2", 0) > 0 else int(counts.get("1", 0) > 0)), text
