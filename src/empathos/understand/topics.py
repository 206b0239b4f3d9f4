"""Topics: what customers write about, discovered from their own words in any language.

Why embeddings and not keywords: a keyword list covers the words someone thought of, in
the languages they wrote it for. The multilingual sentence encoder (USE-multilingual,
:mod:`empathos.understand.backends._encoder`) puts translations close together, so
clustering its vectors finds topics that span languages — a German and a Spanish
complaint about a bill land in one topic — and finds topics nobody listed.

The method (pure, numpy + scikit-learn; the store I/O is in
:mod:`empathos.understand.pipeline.topics`):

1. **Embed** one vector per contact from its *opening*, where the reason for contacting
   is said (later turns are mostly reactions: "thanks", "still not fixed", which say how,
   not what): by default the vector of its first customer turn, encoded alone
   (``TopicConfig.vectors``) — the vector the emotion model computed for it in
   ``analyze``.
2. **Cluster** the L2-normalised vectors with k-means (scikit-learn's Lloyd ``KMeans``,
   fixed seed, ``n_init`` inits) fitted on a seeded sample of at most ``sample`` contacts
   (``MiniBatchKMeans`` measured slower at these sizes); ``k`` is chosen by the cosine
   silhouette over ``k_grid`` on a sub-sample (one init per k) unless given. Topics are then
   numbered by size (largest 0) with ties broken by their first example's text, so the
   same data and seed give the same topics, in the same order, on every rerun.
3. **Name** each topic by its top terms under class-based TF-IDF (Grootendorst,
   BERTopic 2022): the contacts of a topic are one document; a term's weight is its
   frequency in the topic times ``log(1 + A / f_t)`` (``A`` the mean number of words per
   topic, ``f_t`` the term's frequency over all topics), so words every topic uses
   (greetings, stop words in any language) sink without a stop-word list per language.
   The examples are the openings nearest the centroid.
4. **Assign** a new contact to the topic with the nearest centroid (cosine), with that
   similarity stored, so scoring new contacts never refits (incremental).

Limits (honest): k-means makes round, similar-sized clusters, so a rare reason (< 1 % of
contacts) usually joins a neighbour; a topic is what the encoder finds similar, not a
labelled need — how far the two agree is measured in ``bench/drivers.py``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "TOPIC_VERSION",
    "Topic",
    "TopicConfig",
    "TopicModel",
    "assign_topics",
    "ctfidf_terms",
    "fit_topics",
    "mean_vectors",
    "opening_text",
    "opening_turns",
]

#: The version of the method; a stored topic model is named ``topics.kmeans.v1-<hash>``.
TOPIC_VERSION = "topics.kmeans.v1"

# Letters only, three or more: order numbers, amounts and dates never name a topic;
# links are dropped before (``https``, ``www`` would name every topic of a social export).
_TOKEN = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True)
class TopicConfig:
    """How topics are fitted. Stored with the model (``details``) for reproducibility."""

    k: int | None = None
    """Number of topics; ``None`` picks it by silhouette over ``k_grid``."""
    k_grid: tuple[int, ...] = (6, 8, 10, 12, 16, 20)
    sample: int = 20_000
    """Contacts the clustering is fitted on at most (a seeded sample); all are assigned."""
    silhouette_sample: int = 2_000
    seed: int = 0
    n_init: int = 3
    n_terms: int = 8
    n_examples: int = 3
    opening_turns: int = 2
    """Customer turns joined into a contact's opening (the first ones)."""
    opening_chars: int = 400
    vectors: str = "first-turn"
    """What a contact's vector is: ``"first-turn"`` (the vector of its first non-empty
    customer turn, encoded alone — the vector ``analyze`` already computed for the
    emotion model, so assigning needs no encoder pass; the default since the cost bench,
    bench/analyze_overhead.py, and the better one on the simulator's needs, AMI 0.33 vs
    0.14 at k = 7: docs/drivers.md), ``"turn-mean"`` (the mean of the opening turns'
    vectors: as cheap, but AMI 0.05 there) or ``"opening"`` (the joined opening text
    encoded once: the first method; models stored without this key were fitted so and are
    assigned so)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "k_grid": list(self.k_grid),
            "sample": self.sample,
            "silhouette_sample": self.silhouette_sample,
            "seed": self.seed,
            "n_init": self.n_init,
            "n_terms": self.n_terms,
            "n_examples": self.n_examples,
            "opening_turns": self.opening_turns,
            "opening_chars": self.opening_chars,
            "vectors": self.vectors,
        }


@dataclass(frozen=True)
class Topic:
    """One topic: its number, name, top terms, examples, size and language mix."""

    topic_id: int
    label: str
    terms: list[str]
    examples: list[str]
    size: int
    languages: dict[str, int] = field(default_factory=dict)


@dataclass
class TopicModel:
    """Fitted topics: the centroids (``(k, dim)``, L2-normalised) and their descriptions."""

    centroids: np.ndarray
    topics: list[Topic]
    config: TopicConfig
    n_fitted: int
    silhouette: dict[int, float] = field(default_factory=dict)
    stored_version: str | None = None
    """The version it is stored under (set when stored or loaded)."""
    encoder: str = "use-multilingual-v3"
    """The sentence encoder its vectors come from (``backends._encoder.ENCODERS``)."""

    @property
    def k(self) -> int:
        return len(self.topics)

    @property
    def version(self) -> str:
        """A name that changes when the centroids change: ``topics.kmeans.v1-<8 hex>``."""
        if self.stored_version:
            return self.stored_version
        digest = hashlib.sha256(np.round(self.centroids, 5).astype(np.float32).tobytes())
        return f"{TOPIC_VERSION}-{digest.hexdigest()[:8]}"

    def assign(self, embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return assign_topics(embeddings, self.centroids)


def opening_text(customer_texts: Sequence[str], turns: int = 2, chars: int = 400) -> str:
    """A contact's opening: its first ``turns`` non-empty customer turns, at most ``chars``."""
    kept = [t.strip() for t in customer_texts if t and t.strip()][:turns]
    return " ".join(kept)[:chars]


def opening_turns(customer_texts: Sequence[str], turns: int = 2) -> list[str]:
    """The turns :func:`opening_text` joins, as stored (not stripped: the exact strings
    the emotion model encoded, so their cached vectors are found)."""
    return [t for t in customer_texts if t and t.strip()][:turns]


def mean_vectors(vectors: np.ndarray, counts: Sequence[int]) -> np.ndarray:
    """Row blocks of ``vectors`` (``counts[i]`` rows each, in order) averaged and
    L2-normalised: one contact's vector from its opening turns' vectors."""
    out = np.zeros((len(counts), vectors.shape[1]), dtype=np.float32)
    at = 0
    for i, c in enumerate(counts):
        if c:
            out[i] = vectors[at : at + c].mean(axis=0)
        at += c
    return _normalise(out).astype(np.float32)


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def assign_topics(embeddings: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The nearest topic of each row (cosine) and that similarity; ties go to the lower id."""
    if len(embeddings) == 0:
        return np.zeros(0, dtype=int), np.zeros(0)
    sims = _normalise(embeddings) @ _normalise(centroids).T
    ids = np.argmax(sims, axis=1)
    return ids.astype(int), sims[np.arange(len(ids)), ids]


def ctfidf_terms(
    docs: Sequence[str], labels: Sequence[int], k: int, n_terms: int
) -> list[list[str]]:
    """The top ``n_terms`` terms of each of ``k`` classes by class-based TF-IDF.

    Terms are lower-cased words of three letters or more, links removed; a term must
    occur in at least two documents (a misspelling or a name names nothing), and a term
    found in more than half of the classes (and more than two) names none of them: the
    IDF alone let "the" and "you" name topics of real tweets (measured on TWCS)."""
    doc_freq: Counter[str] = Counter()
    tokens = []
    for d in docs:
        toks = _TOKEN.findall(_LINK.sub(" ", (d or "").casefold()))
        tokens.append(toks)
        doc_freq.update(set(toks))
    vocab = sorted(t for t, n in doc_freq.items() if n >= 2)
    if not vocab:
        return [[] for _ in range(k)]
    index = {t: i for i, t in enumerate(vocab)}
    tf = np.zeros((k, len(vocab)))
    for toks, c in zip(tokens, labels, strict=True):
        for t in toks:
            j = index.get(t)
            if j is not None:
                tf[int(c), j] += 1
    words_per_class = tf.sum(axis=1)
    mean_words = words_per_class[words_per_class > 0].mean() if words_per_class.any() else 1.0
    term_freq = tf.sum(axis=0)
    idf = np.log1p(mean_words / np.where(term_freq > 0, term_freq, 1.0))
    weight = (tf / np.where(words_per_class > 0, words_per_class, 1.0)[:, None]) * idf
    in_classes = (tf > 0).sum(axis=0)
    everywhere = in_classes > max(2, k / 2)
    out = []
    for c in range(k):
        order = sorted(
            (j for j in np.flatnonzero((tf[c] > 0) & ~everywhere)),
            key=lambda j: (-weight[c, j], vocab[j]),
        )
        out.append([vocab[j] for j in order[:n_terms]])
    return out


def _choose_k(x: np.ndarray, cfg: TopicConfig) -> tuple[int, dict[int, float]]:
    from sklearn.metrics import silhouette_score

    grid = [k for k in cfg.k_grid if 2 <= k < len(x)]
    if not grid:
        return max(1, min(len(x), 2)), {}
    rng = np.random.default_rng(cfg.seed)
    sub = (
        x
        if len(x) <= cfg.silhouette_sample
        else x[rng.choice(len(x), cfg.silhouette_sample, replace=False)]
    )
    scores: dict[int, float] = {}
    for k in grid:
        labels = _kmeans(sub, k, cfg, n_init=1).labels_
        if len(set(labels.tolist())) < 2:
            continue
        scores[k] = float(silhouette_score(sub, labels, metric="cosine"))
    if not scores:
        return grid[0], {}
    best = max(scores, key=lambda k: (round(scores[k], 4), -k))
    return best, scores


def _kmeans(x: np.ndarray, k: int, cfg: TopicConfig, n_init: int | None = None) -> Any:
    from sklearn.cluster import KMeans

    return KMeans(
        n_clusters=k, random_state=cfg.seed, n_init=n_init or cfg.n_init, max_iter=300
    ).fit(x)


def fit_topics(
    texts: Sequence[str],
    embeddings: np.ndarray,
    languages: Sequence[str | None] | None = None,
    config: TopicConfig | None = None,
) -> TopicModel:
    """Topics of ``texts`` (one opening per contact) from their ``embeddings``.

    Deterministic for the same inputs and ``config.seed``. Needs at least two texts."""
    cfg = config or TopicConfig()
    n = len(texts)
    if n != len(embeddings):
        raise ValueError("texts and embeddings differ in length")
    if n < 2:
        raise ValueError(f"need at least 2 contacts to find topics, got {n}")
    langs = list(languages) if languages is not None else [None] * n
    x_all = _normalise(embeddings)
    rng = np.random.default_rng(cfg.seed)
    fit_idx = np.arange(n) if n <= cfg.sample else np.sort(rng.choice(n, cfg.sample, replace=False))
    x = x_all[fit_idx]
    scores: dict[int, float] = {}
    if cfg.k is not None:
        k = max(1, min(cfg.k, len(x)))
    else:
        k, scores = _choose_k(x, cfg)
    km = _kmeans(x, k, cfg)
    centroids = _normalise(km.cluster_centers_)
    labels, sims = assign_topics(x_all, centroids)
    # canonical order: largest topic first, ties by the text nearest its centroid
    sizes = np.bincount(labels, minlength=k)
    nearest = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        nearest.append(texts[members[np.argmax(sims[members])]] if len(members) else "\uffff")
    order = sorted(range(k), key=lambda c: (-sizes[c], nearest[c]))
    remap = np.empty(k, dtype=int)
    remap[order] = np.arange(k)
    centroids = centroids[order]
    labels = remap[labels]
    terms = ctfidf_terms(texts, labels.tolist(), k, cfg.n_terms)
    topics = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        ranked = members[np.argsort(-sims[members], kind="stable")]
        examples: list[str] = []
        for i in ranked:
            t = texts[i].strip()
            if t and t not in examples:
                examples.append(t)
            if len(examples) >= cfg.n_examples:
                break
        lang_counts = Counter(str(langs[i] or "unknown") for i in members)
        top = terms[c][:3]
        topics.append(
            Topic(
                topic_id=c,
                label=" / ".join(top) if top else f"topic {c}",
                terms=terms[c],
                examples=examples,
                size=int(len(members)),
                languages=dict(sorted(lang_counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    return TopicModel(
        centroids.astype(np.float32), topics, cfg, n_fitted=len(fit_idx), silhouette=scores
    )
