"""The polarity side of the emotion model: the CX re-weighting, the per-language stack, the
valence bands and the tweet loaders."""

from __future__ import annotations

import json

import numpy as np
import pytest

from empathos.understand import bands
from empathos.understand.backends._linear import LinearHead
from empathos.understand.backends._polarity import PolarityStack
from empathos.understand.emotions import POLARITY_OF_CX, polarity, valence, with_polarity
from empathos.understand.protocols import CX_EMOTIONS
from empathos.understand.train_data import _tweet_text


def test_with_polarity_sets_the_polarity_mass_and_keeps_the_split() -> None:
    rng = np.random.default_rng(0)
    cx = rng.dirichlet(np.ones(9), size=50)
    pol = rng.dirichlet(np.ones(3), size=50)
    out = with_polarity(cx, pol)
    np.testing.assert_allclose(out.sum(1), 1.0)
    np.testing.assert_allclose(polarity(out), pol, atol=1e-12)
    anger, frustration = CX_EMOTIONS.index("anger"), CX_EMOTIONS.index("frustration")
    np.testing.assert_allclose(
        out[:, anger] / out[:, frustration], cx[:, anger] / cx[:, frustration]
    )
    # a sure negative polarity makes valence negative whatever the emotion head said
    joyful = np.eye(9)[[CX_EMOTIONS.index("joy")]]
    v = valence(with_polarity(joyful, np.array([[1.0, 0.0, 0.0]])))
    assert v[0] < -0.5


def test_polarity_groups_cover_every_cx_emotion() -> None:
    assert set(POLARITY_OF_CX) == set(CX_EMOTIONS)


def _head(bias: list[float], d: int = 4) -> dict[str, np.ndarray]:
    h = LinearHead(np.zeros(d), np.ones(d), np.zeros((d, 3)), np.array(bias, dtype=np.float32))
    return h.arrays("")


def test_stack_uses_the_in_language_head_only_for_its_language() -> None:
    arrays = {f"pol_{k}": v for k, v in _head([2.0, 0.0, 0.0]).items()}  # joint: negative
    arrays |= {f"pol_de_{k}": v for k, v in _head([0.0, 0.0, 4.0]).items()}  # de: positive
    arrays["pol_de_mix"] = np.array([1.0])
    arrays["pol_de_temperature"] = np.array([1.0])
    stack = PolarityStack(arrays)
    p = stack.predict_proba(np.zeros((3, 4)), ["de", "en", None])
    assert p[0].argmax() == 2 and p[1].argmax() == 0 and p[2].argmax() == 0
    np.testing.assert_allclose(p.sum(1), 1.0)
    assert stack.predict_proba(np.zeros((0, 4))).shape == (0, 3)


def test_bands_come_from_the_card_and_fall_back_to_the_legacy_ones(tmp_path, monkeypatch) -> None:
    import empathos.understand.bands as module

    monkeypatch.setattr(module, "artefact_dir", lambda stem: tmp_path)
    (tmp_path / "x.json").write_text(json.dumps({"version": "9"}))
    legacy = bands.load_bands("x")
    assert (legacy.negative, legacy.positive) == (-0.25, 0.25) and "legacy" in legacy.source
    (tmp_path / "x.json").write_text(
        json.dumps({"version": "2", "bands": {"negative": -0.12, "positive": 0.3}})
    )
    b = bands.load_bands("x")
    assert (b.negative, b.positive) == (-0.12, 0.3)
    assert [b.label(v) for v in (-0.5, -0.12, 0.0, 0.3)] == [
        "negative",
        "negative",
        "neutral",
        "positive",
    ]


def test_the_packaged_bands_are_what_the_stages_use() -> None:
    from empathos.act.triage import TriageConfig
    from empathos.understand import peak_end
    from empathos.understand.pipeline.run import AnalyzeConfig

    assert AnalyzeConfig().unhelpful_valence == bands.NEGATIVE
    assert peak_end.SENTIMENT_EVENT_BANDS == (bands.NEGATIVE, bands.POSITIVE)
    assert TriageConfig().min_valence == bands.NEGATIVE
    assert -1.0 < bands.NEGATIVE < 0.0 < bands.POSITIVE < 1.0


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("i\\u2019m sorry ", "i\u2019m sorry"), ("plain text", "plain text")],
)
def test_tweet_text_decodes_xlmt_escapes(raw: str, clean: str) -> None:
    assert _tweet_text(raw) == clean
