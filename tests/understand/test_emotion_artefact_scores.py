"""A fast check of the committed emotion artefact's scores on slices of visible test sets.

Not the quality claim (that is ``bench/understand_quality.py`` on the full test sets): a
floor that a broken artefact — wrong arrays, features that no longer match the head, a
polarity stack routed to the wrong language, lost calibration — would fall through. The
floors sit 0.08–0.14 below what the committed ``emotion-default`` v3 measured on these same
slices (in the comments), so ordinary retraining noise passes and a broken head does not
(chance is 0.33 on UMSAB, ~0.1 on the CX top label)."""

from __future__ import annotations

import numpy as np
import pytest

from empathos.understand import bands
from empathos.understand.emotions import GO_TO_CX_MATRIX, group_gold, valence
from empathos.understand.evaluate_metrics import multiclass_macro_f1
from empathos.understand.protocols import get_emotion_model
from empathos.understand.train_data import (
    UMSAB_LANGUAGES,
    load_goemotions,
    load_umsab,
    shared_data_dir,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shared_data_dir() / "umsab" / "english" / "test_text.txt").exists(),
        reason="shared/data not beside the repository",
    ),
]
PER_LANGUAGE = 40  # the first 40 test tweets of each language: 240 tweets
N_GOEMOTIONS = 200
# Measured with emotion-default v3 on these slices: macro-F1 0.689, negative-band reach 0.762,
# top-CX accuracy 0.610 (v2: 0.689, 0.750, 0.575; v3 kept v2's polarity stack).
F1_FLOOR = 0.60
REACH_FLOOR = 0.62
TOP_FLOOR = 0.53


@pytest.fixture(scope="module")
def model():
    return get_emotion_model("default")


def test_umsab_slice_polarity_and_negative_band(model) -> None:
    texts, langs, gold = [], [], []
    for lang in UMSAB_LANGUAGES:
        d = load_umsab(lang, "test")
        texts += d.texts[:PER_LANGUAGE]
        langs += [lang] * PER_LANGUAGE
        gold.append(d.y[:PER_LANGUAGE])
    y = np.concatenate(gold)
    p = model.predict_proba(texts, langs)
    pol = model.predict_polarity_proba(texts, langs)
    f1 = multiclass_macro_f1(y, pol.argmax(1), 3)[0]
    reach = float((valence(p)[y == 0] <= bands.NEGATIVE).mean())
    assert f1 >= F1_FLOOR, f"UMSAB slice macro-F1 {f1:.3f}"
    assert reach >= REACH_FLOOR, f"negative band reach {reach:.3f}"


def test_goemotions_slice_top_cx_emotion(model) -> None:
    d = load_goemotions("test")
    p = model.predict_proba(d.texts[:N_GOEMOTIONS], ["en"] * N_GOEMOTIONS)
    gold = group_gold(d.y28[:N_GOEMOTIONS], GO_TO_CX_MATRIX)
    accuracy = float(gold[np.arange(N_GOEMOTIONS), p.argmax(1)].mean())
    assert accuracy >= TOP_FLOOR, f"GoEmotions slice top-CX accuracy {accuracy:.3f}"
