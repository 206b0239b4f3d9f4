"""Topics (pure part): clustering is deterministic for a seed, ordered by size, named by
class-based TF-IDF, and — with the real multilingual encoder — one topic spans languages."""

from __future__ import annotations

import numpy as np
import pytest

from empathos.understand.topics import (
    TopicConfig,
    assign_topics,
    ctfidf_terms,
    fit_topics,
    opening_text,
)


def _blobs(seed: int = 3) -> tuple[list[str], np.ndarray, list[int]]:
    """Three well-separated groups of 40, 25 and 10 points with their own words."""
    rng = np.random.default_rng(seed)
    centres = np.eye(16)[:3] * 5
    sizes = (40, 25, 10)
    words = ("invoice charged twice", "parcel never arrived", "password reset locked")
    x, texts, truth = [], [], []
    for g, (c, n) in enumerate(zip(centres, sizes, strict=True)):
        x.append(c + rng.normal(0, 0.3, (n, 16)))
        texts += [f"hello {words[g]} number {i}" for i in range(n)]
        truth += [g] * n
    return texts, np.vstack(x), truth


def test_the_same_seed_gives_the_same_topics_in_the_same_order() -> None:
    texts, x, _ = _blobs()
    a = fit_topics(texts, x, None, TopicConfig(k=3, seed=0))
    b = fit_topics(texts, x, None, TopicConfig(k=3, seed=0))
    assert a.version == b.version
    assert np.array_equal(a.centroids, b.centroids)
    assert [t.label for t in a.topics] == [t.label for t in b.topics]


def test_topics_recover_the_groups_largest_first_named_by_their_own_words() -> None:
    texts, x, truth = _blobs()
    model = fit_topics(texts, x, None, TopicConfig(k=3, seed=0))
    labels, sims = model.assign(x)
    assert [t.size for t in model.topics] == [40, 25, 10]
    assert labels.tolist() == truth
    assert set(model.topics[0].terms[:3]) == {"invoice", "charged", "twice"}
    # "hello" and "number" are in every topic: class-based TF-IDF sinks them
    assert all("hello" not in t.terms[:3] for t in model.topics)
    assert np.all(sims > 0.9)
    assert model.topics[2].examples and "password" in model.topics[2].examples[0]


def test_k_is_chosen_by_silhouette_when_not_given() -> None:
    texts, x, _ = _blobs()
    model = fit_topics(texts, x, None, TopicConfig(k_grid=(2, 3, 5, 8), seed=0))
    assert model.k == 3
    assert max(model.silhouette, key=model.silhouette.get) == 3


def test_assign_picks_the_nearest_centroid_by_cosine() -> None:
    c = np.array([[1.0, 0.0], [0.0, 1.0]])
    ids, sims = assign_topics(np.array([[10.0, 1.0], [0.1, 3.0], [0.0, 0.0]]), c)
    assert ids.tolist() == [0, 1, 0]  # a zero vector ties: the lower id
    assert sims[0] == pytest.approx(10 / np.hypot(10, 1))


def test_ctfidf_ignores_numbers_and_single_occurrences() -> None:
    terms = ctfidf_terms(
        ["refund 123 refund", "refund please", "delivery late", "delivery again zzq"],
        [0, 0, 1, 1],
        2,
        5,
    )
    assert terms[0] == ["refund"]
    assert terms[1] == ["delivery"]  # "late", "again", "zzq" occur once: no name


def test_opening_is_the_first_customer_turns() -> None:
    assert opening_text(["", "  My bill is wrong. ", "Twice!", "Third"], 2, 400) == (
        "My bill is wrong. Twice!"
    )
    assert opening_text(["x" * 500], 1, 10) == "x" * 10
    assert opening_text([], 2, 10) == ""


def test_fit_needs_two_contacts() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        fit_topics(["one"], np.ones((1, 4)), None, TopicConfig(k=1))


BILL = {
    "en": ["I was charged twice on my invoice", "Why is my bill so high this month?"],
    "de": ["Mir wurde die Rechnung doppelt abgebucht", "Warum ist meine Rechnung so hoch?"],
    "es": ["Me cobraron dos veces la factura", "¿Por qué mi factura es tan alta este mes?"],
    "fr": ["On m'a facturé deux fois", "Pourquoi ma facture est-elle si élevée ce mois-ci ?"],
}
PARCEL = {
    "en": ["My parcel has not arrived yet", "Where is my package? The delivery is late"],
    "de": ["Mein Paket ist noch nicht angekommen", "Wo ist meine Lieferung? Sie ist zu spät"],
    "es": ["Mi paquete todavía no ha llegado", "¿Dónde está mi pedido? El envío llega tarde"],
    "fr": [
        "Mon colis n'est toujours pas arrivé",
        "Où est ma commande ? La livraison est en retard",
    ],
}


def test_with_the_multilingual_encoder_one_topic_spans_languages() -> None:
    """Billing and delivery messages in four languages: two topics, by meaning, each
    holding all four languages (the encoder is the real one; embeddings are cached)."""
    from empathos.understand.embeddings import embed

    texts, langs, truth = [], [], []
    for g, group in enumerate((BILL, PARCEL)):
        for lang, items in group.items():
            texts += items
            langs += [lang] * len(items)
            truth += [g] * len(items)
    x = embed(texts)
    model = fit_topics(texts, x, langs, TopicConfig(k=2, seed=0))
    labels = model.assign(x)[0].tolist()
    by_meaning = {g: {labels[i] for i, t in enumerate(truth) if t == g} for g in (0, 1)}
    assert all(len(v) == 1 for v in by_meaning.values()), (labels, truth)
    assert by_meaning[0] != by_meaning[1]
    assert all(len(t.languages) == 4 for t in model.topics)


def test_words_of_most_topics_and_links_name_none() -> None:
    docs = [
        "the invoice https://t.co/x1 the",
        "the invoice again",
        "the parcel www.example.com",
        "the parcel late",
        "the password reset",
        "the password again",
        "the refund now",
        "the refund please",
    ]
    terms = ctfidf_terms(docs, [0, 0, 1, 1, 2, 2, 3, 3], 4, 3)
    assert [t[0] for t in terms] == ["invoice", "parcel", "password", "refund"]
    assert all("the" not in t and "https" not in t and "www" not in t for t in terms)
