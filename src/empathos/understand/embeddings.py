"""Sentence embeddings of stored texts, cached per text on disk.

Why a per-text cache: topics embed each contact's opening; an incremental run only meets
new openings, and a rerun (or the benchmark, or a test fitting the same corpus twice)
meets the same ones again. Keyed by a hash of the encoder name and the text, so a cache
shared by several checkouts (``EMPATHOS_CACHE``) never mixes encoders. One SQLite file
(stdlib, safe for several processes at once) rather than one file per text.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from empathos.understand.backends import _encoder

__all__ = ["DIM", "ENCODER_NAME", "cache_path", "embed", "remember"]

ENCODER_NAME = _encoder.ENCODER_NAME
DIM = _encoder.DIM


def cache_path() -> Path:
    """``<EMPATHOS_CACHE>/text-embeddings.sqlite`` (the settings' ``cache_dir``)."""
    from empathos.config import get_settings

    d = Path(get_settings().cache_dir)
    d.mkdir(parents=True, exist_ok=True)
    return d / "text-embeddings.sqlite"


def _key(text: str, encoder: str = ENCODER_NAME) -> str:
    return hashlib.sha256(f"{encoder}\x00{text}".encode()).hexdigest()[:32]


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=60)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
    return conn


def remember(texts: Sequence[str], vectors: np.ndarray, encoder: str = ENCODER_NAME) -> None:
    """Put vectors already computed by ``encoder`` (``encoder.encode(texts)``) into the
    cache, so a later :func:`embed` of the same texts encodes nothing.

    Why: ``analyze`` encodes every customer turn for the emotion model; the topics step
    needs the opening turns' vectors again, in another command, often another process —
    re-encoding them cost more than predicted CSAT and QA together (bench/analyze_overhead.py)."""
    if len(texts) == 0:
        return
    rows = [
        (_key(t, encoder), np.asarray(v, dtype=np.float32).tobytes())
        for t, v in zip(texts, vectors, strict=True)
    ]
    conn = _connect(cache_path())
    try:
        with conn:
            conn.executemany("INSERT OR IGNORE INTO emb (key, vec) VALUES (?, ?)", rows)
    finally:
        conn.close()


def embed(
    texts: Sequence[str], cache: bool = True, batch: int = 256, encoder: str = ENCODER_NAME
) -> np.ndarray:
    """``(n, dim)`` float32 L2-normalised embeddings of ``texts`` by ``encoder`` (a name
    in ``backends._encoder.ENCODERS``; default USE-multilingual, 512 dims); only texts
    not in the cache are encoded (``cache=False``: encode everything, touch no file)."""
    enc = _encoder.get_encoder(encoder)
    n = len(texts)
    out = np.zeros((n, enc.dim), dtype=np.float32)
    if n == 0:
        return out
    if not cache:
        for i in range(0, n, batch):
            out[i : i + batch] = enc.encode(list(texts[i : i + batch]))
        return out
    keys = [_key(t, encoder) for t in texts]
    conn = _connect(cache_path())
    try:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for k, blob in conn.execute(f"SELECT key, vec FROM emb WHERE key IN ({marks})", chunk):
                found[k] = np.frombuffer(blob, dtype=np.float32)
        missing = [k for k in unique if k not in found]
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            for i in range(0, len(missing), batch):
                chunk = missing[i : i + batch]
                vecs = enc.encode([text_of[k] for k in chunk])
                rows = [
                    (k, np.asarray(v, dtype=np.float32).tobytes())
                    for k, v in zip(chunk, vecs, strict=True)
                ]
                with conn:
                    conn.executemany("INSERT OR IGNORE INTO emb (key, vec) VALUES (?, ?)", rows)
                for k, v in zip(chunk, vecs, strict=True):
                    found[k] = np.asarray(v, dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
    finally:
        conn.close()
    return out
