"""The word n-gram head of the v3 empathy strategy model (``backends/_wordgram.py``) is
scikit-learn's ``TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True)`` followed by a
linear layer: same features, numpy only at run time."""

from __future__ import annotations

import numpy as np

from empathos.understand.backends._wordgram import WordGramHead, word_ngrams

TRAIN = [
    "It sounds like you are feeling really alone right now.",
    "I'm sure you will get through this, you are doing great!",
    "Have you talked to your manager about it?",
    "Please DM us your order number.",
    "so you feel that your friend let you down?",
    "That must be so hard. I am sorry you're going through it.",
]
OTHER = [
    "It sounds like your manager let you down",
    "",
    "?!",
    "Ça a l'air vraiment difficile, je suis désolé.",
    "you are doing great great great",
]


def test_word_ngrams_match_sklearn_analyzer() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyzer = TfidfVectorizer(ngram_range=(1, 3)).build_analyzer()
    for text in TRAIN + OTHER:
        assert sorted(word_ngrams(text, 1, 3)) == sorted(analyzer(text))


def test_logits_equal_sklearn_tfidf_times_coefficients() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True).fit(TRAIN)
    rng = np.random.default_rng(0)
    coef = rng.normal(size=(len(vec.vocabulary_), 3))
    intercept = rng.normal(size=3)
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    head = WordGramHead(vocab, vec.idf_, coef, intercept, (1, 3))
    texts = TRAIN + OTHER
    want = vec.transform(texts) @ coef + intercept
    np.testing.assert_allclose(head.logits(texts), want, atol=1e-9)
    back = WordGramHead.from_arrays(head.arrays("w_"), "w_")  # float16 coefficients
    np.testing.assert_allclose(back.logits(texts), want, atol=5e-3)
    assert head.logits([]).shape == (0, 3)


def test_integer_keys_give_the_string_look_ups_logits_bit_for_bit() -> None:
    """The vectorised look-up (tokens numbered, windows as base-T keys) against the string
    join per n-gram it replaced, on the shipped strategy model's vocabulary and real agent
    replies in batches of 64, and on a head with a vocabulary that is not max_features-cut
    (2- and 3-grams whose tokens are not unigrams of the vocabulary)."""
    import csv

    from empathos.understand.backends._linear import load_artefact
    from empathos.understand.train_data import shared_data_dir

    texts = TRAIN + OTHER
    twcs = shared_data_dir() / "real" / "twcs_5k.csv"
    if twcs.exists():
        with twcs.open(encoding="utf-8") as fh:
            texts += [r["text"] or "" for r in csv.DictReader(fh)][:1000]
    arrays, _ = load_artefact("empathy-fast")
    heads = [WordGramHead.from_arrays(arrays, "esconv_word_")]
    vocab = ["sounds like", "like you are feeling", "you are feeling", "dm", "dm us", "great"]
    heads.append(WordGramHead(vocab, np.ones(6), np.eye(6)[:, :3], np.zeros(3), (1, 3)))
    for head in heads:
        for i in range(0, len(texts), 64):
            batch = texts[i : i + 64]
            np.testing.assert_array_equal(head.logits(batch), head._logits_loop(batch))
    # the hand-made vocabulary is found: "sounds like", "you are feeling", "dm", "dm us" (four
    # n-grams of TF-IDF 1/2 after the norm; "dm" and "dm us" have zero coefficients here, and
    # the 4-gram lies outside (1, 3))
    got = heads[1].logits(["Sounds like you are feeling it, DM us"])
    np.testing.assert_allclose(got, [[0.5, 0.0, 0.5]], atol=1e-12)
