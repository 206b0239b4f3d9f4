"""Predicted CSAT on the assist card, live: the model ``analyze`` stores, on the turns so far.

Why in act and this small: the card is rebuilt on every turn of a live contact, so the
figure moves as turns arrive at no extra cost beyond a few feature counts; the model and
its features are understand's (``understand.csat``), only the live view is built here.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any


@cache
def _csat_model() -> Any:
    from empathos.understand.csat import load_model

    return load_model()


#: Characters of each turn the live figure reads: the default of ``LiveConfig.scan_chars``,
#: the bound the desk's emotion and need scans use.
LIVE_SCAN_CHARS = 4000


def live_csat(turns: Sequence[Any], scan_chars: int = LIVE_SCAN_CHARS) -> dict[str, Any]:
    """Predicted CSAT of a live contact from its turns so far (the model ``analyze`` uses;
    live turns carry emotions but no empathy annotation, so empathy takes the training
    mean). Recomputed on every card, so it moves as turns arrive; unknown with a reason
    before the first customer turn with an emotion.

    Each turn is read to its first ``scan_chars`` characters: the card is rebuilt on every
    turn, and its feature scans (effort phrases, repeats, resolution cues) over whole
    maximal turns held the GIL for ~200 ms a card once a contact had twenty of them, so
    ``/health`` waited behind them (issue 18). ``analyze`` reads whole turns; the two
    figures differ only for turns longer than the bound."""
    from empathos.understand import effort as eff
    from empathos.understand.csat import ContactView
    from empathos.understand.csat_turns import customer_replies

    model = _csat_model()
    cust = [t for t in turns if t.speaker == "customer" and t.valence is not None]
    out: dict[str, Any] = {
        "predicted_csat": None,
        "model_version": getattr(model, "version", None),
        "basis": "live: the contact's turns so far (empathy not annotated live)",
        "reason": None,
    }
    if model is None:
        out["reason"] = "no CSAT model installed"
        return out
    if not cust:
        out["reason"] = "no customer turn yet"
        return out
    texts = [t.text[:scan_chars] for t in cust]
    view = ContactView(
        customer_texts=texts,
        valences=[float(t.valence or 0.0) for t in cust],
        intensities=[float(t.intensity or 0.0) for t in cust],
        labels=[t.label for t in cust],
        n_employee_turns=sum(1 for t in turns if t.speaker == "employee"),
        repeats=eff.count_repeats(texts),
        effort_phrases=eff.count_effort_phrases(texts),
        employee_texts=[t.text[:scan_chars] for t in turns if t.speaker == "employee"],
        prev_employee_texts=[
            p
            for _, p in customer_replies(
                turns, lambda t: t.valence is not None, lambda t: t.text[:scan_chars]
            )
        ],
    )
    out["predicted_csat"] = round(model.predict(view), 3)
    return out
