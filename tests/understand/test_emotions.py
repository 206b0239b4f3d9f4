"""The GoEmotions -> CX mapping and the valence / intensity formulas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathos.understand.emotions import (
    EKMAN_GROUPS,
    GO_TO_CX,
    GO_TO_CX_MATRIX,
    GOEMOTIONS_LABELS,
    SENTIMENT_GROUPS,
    go_to_cx,
    intensity,
    valence,
)
from empathos.understand.protocols import CX_EMOTIONS

LABELS_TXT = Path(__file__).resolve().parents[3] / "shared" / "data" / "goemotions" / "labels.txt"


def test_label_order_matches_the_corpus() -> None:
    if not LABELS_TXT.exists():
        pytest.skip("shared/data/goemotions is not beside the repository")
    assert tuple(LABELS_TXT.read_text().split()) == GOEMOTIONS_LABELS


def test_every_goemotions_label_maps_to_exactly_one_cx_emotion() -> None:
    assert set(GO_TO_CX) == set(GOEMOTIONS_LABELS)
    assert set(GO_TO_CX.values()) == set(CX_EMOTIONS)  # every CX emotion is reachable
    assert (GO_TO_CX_MATRIX.sum(axis=1) == 1).all()


def test_groupings_partition_the_28_labels() -> None:
    for groups in (EKMAN_GROUPS, SENTIMENT_GROUPS):
        flat = [label for labels in groups.values() for label in labels]
        assert sorted(flat) == sorted(GOEMOTIONS_LABELS)


def test_specific_mappings() -> None:
    assert GO_TO_CX["annoyance"] == "frustration"
    assert GO_TO_CX["disappointment"] == "sadness"
    assert GO_TO_CX["nervousness"] == "anxiety"
    assert GO_TO_CX["gratitude"] == "gratitude"


probs9 = st.lists(st.floats(0, 1), min_size=9, max_size=9).filter(lambda v: sum(v) > 1e-6)


@settings(max_examples=200, deadline=None)
@given(probs9)
def test_valence_and_intensity_are_bounded(values: list[float]) -> None:
    p = np.array(values) / sum(values)
    assert -1.0 <= float(valence(p)) <= 1.0
    assert 0.0 <= float(intensity(p)) <= 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=28, max_size=28).filter(lambda v: sum(v) > 1e-6))
def test_mapping_keeps_probability_mass(values: list[float]) -> None:
    p = np.array(values) / sum(values)
    assert go_to_cx(p).sum() == pytest.approx(1.0)


def test_anchor_orderings() -> None:
    one_hot = np.eye(len(CX_EMOTIONS))
    v = dict(zip(CX_EMOTIONS, valence(one_hot), strict=True))
    a = dict(zip(CX_EMOTIONS, intensity(one_hot), strict=True))
    assert v["anger"] < v["frustration"] < v["neutral"] == 0 < v["relief"] < v["gratitude"]
    assert a["neutral"] == 0 and a["anger"] == max(a.values())
    # an uncertain distribution is milder than a certain one
    assert abs(valence(np.full(9, 1 / 9))) < abs(v["anger"])


def test_pipeline_scores_agree_with_the_mapping() -> None:
    """The pipeline's valence/intensity (renormalising rows) equals the mapping's."""
    from empathos.understand.scores import valence_intensity

    p = np.random.default_rng(3).dirichlet(np.ones(9), size=50)
    v, i = valence_intensity(p)
    assert np.allclose(v, valence(p)) and np.allclose(i, intensity(p))
