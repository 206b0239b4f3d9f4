"""Rebuild the committed model artefacts.

``python -m empathos.understand.train [emotion|empathy|transformer|all] [--encoder NAME]
[--keep-polarity]``.

The thin CLI over the per-kind training code -- emotion in ``train_emotion`` (GoEmotions,
UMSAB in six languages, TweetEval emotion, the supplement; calibrated), empathy in
``train_empathy`` (EPITOME, ESConv with the strategy mapping, the supplement) -- and the
shared helpers of ``train_common``, re-exported for ``understand.training``. ``--encoder``
names the sentence encoder the heads are trained on: ``use-multilingual-v3`` (default)
writes ``emotion-default`` / ``empathy-default``, ``static-use-v1`` the ``fast`` backend's
``emotion-fast`` / ``empathy-fast``.

Reproducible by construction: fixed seed, fixed data (``../shared/data``), fixed splits
(GoEmotions', UMSAB's and TweetEval's own; ``EPITOME_SPLIT``; ``ESCONV_SPLIT``), fixed
hyper-parameter grids searched on *dev/val* only; the test splits are never read for a
choice (ESConv's own test part is scored once, after the choice, for the empathy card).
Embeddings are cached in ``Settings.cache_dir`` (``$EMPATHOS_CACHE`` or
``~/.cache/empathos``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

from empathos.understand.backends import _encoder
from empathos.understand.train_common import (
    BACKEND_OF_ENCODER,
    SEED,
    embed_cached,
    expand_multilabel,
    fit_head,
    save_artefact,
)
from empathos.understand.train_emotion import (
    EMOTION_SUPPLEMENT,
    EMOTION_SUPPLEMENT_WEIGHT,
    read_emotion_supplement,
    train_emotion,
)
from empathos.understand.train_empathy import (
    SUPPLEMENT,
    SUPPLEMENT_WEIGHT,
    read_supplement,
    train_empathy,
)

__all__ = [
    "EMOTION_SUPPLEMENT",
    "EMOTION_SUPPLEMENT_WEIGHT",
    "SEED",
    "SUPPLEMENT",
    "SUPPLEMENT_WEIGHT",
    "embed_cached",
    "expand_multilabel",
    "fit_head",
    "main",
    "read_emotion_supplement",
    "read_supplement",
    "save_artefact",
    "train_emotion",
    "train_empathy",
]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what", nargs="?", default="all", choices=["emotion", "empathy", "transformer", "all"]
    )
    parser.add_argument(
        "--encoder",
        default=_encoder.ENCODER_NAME,
        choices=sorted(BACKEND_OF_ENCODER),
        help="sentence encoder of the heads (the artefact is named after its backend): "
        "use-multilingual-v3 (default backend) or static-use-v1 (fast backend)",
    )
    parser.add_argument(
        "--keep-polarity",
        action="store_true",
        help="emotion: refit the 28-label heads and the bands only, keeping the committed "
        "artefact's polarity stack (most of the training time; the card records it)",
    )
    args = parser.parse_args(argv)
    np.random.seed(SEED)
    if args.what in ("emotion", "all"):
        train_emotion(args.encoder, keep_polarity=args.keep_polarity)
    if args.what in ("empathy", "all"):
        train_empathy(encoder=args.encoder)
    if args.what == "transformer":
        from empathos.understand.train_transformer import main as train_transformer

        train_transformer()


if __name__ == "__main__":
    main()
