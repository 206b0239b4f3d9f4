"""The ESConv reading: strategy mapping, phatic turns, the post, the split by conversation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from empathos.understand.esconv import (
    ESCONV_SPLIT,
    STRATEGY_TO_MECHANISM,
    STRATEGY_TO_MECHANISM_V3,
    conversation_ids,
    esconv_split,
    is_phatic,
)
from empathos.understand.evaluate_esconv import rule_scores
from empathos.understand.evaluate_metrics import binary_auc
from empathos.understand.train_data import shared_data_dir

needs_data = pytest.mark.skipif(
    not (shared_data_dir() / "esconv" / "train.json").exists(),
    reason="shared/data not beside the repository",
)
STRATEGIES = {
    "Question",
    "Restatement or Paraphrasing",
    "Reflection of feelings",
    "Self-disclosure",
    "Affirmation and Reassurance",
    "Providing Suggestions",
    "Information",
    "Others",
}


def test_the_mapping_names_every_strategy_and_only_the_three_mechanisms() -> None:
    assert set(STRATEGY_TO_MECHANISM) == STRATEGIES
    assert set(STRATEGY_TO_MECHANISM.values()) == {
        "exploration",
        "interpretation",
        "emotional_reaction",
        None,
    }
    assert STRATEGY_TO_MECHANISM["Reflection of feelings"] == "interpretation"


def test_self_disclosure_is_interpretation_and_v3_keeps_the_old_mapping() -> None:
    # EPITOME's strong interpretation includes describing a similar experience (v4)
    assert STRATEGY_TO_MECHANISM["Self-disclosure"] == "interpretation"
    assert STRATEGY_TO_MECHANISM_V3["Self-disclosure"] is None
    others = set(STRATEGIES) - {"Self-disclosure"}
    assert all(STRATEGY_TO_MECHANISM_V3[s] == STRATEGY_TO_MECHANISM[s] for s in others)


@pytest.mark.parametrize(
    "text", ["Hi!", "Hello, how are you doing today?", "How can I help you?", "You too!", "Thanks"]
)
def test_greetings_and_pleasantries_are_phatic(text: str) -> None:
    assert is_phatic(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hi, it sounds like losing your job has been really hard.",
        "How are you coping with the move?",
        "What happened after the call?",
    ],
)
def test_turns_with_content_are_not_phatic(text: str) -> None:
    assert not is_phatic(text)


def _write(tmp_path: Path, convs: list[dict]) -> Path:
    (tmp_path / "esconv").mkdir()
    with open(tmp_path / "esconv" / "train.json", "w") as fh:
        fh.writelines(json.dumps(c) + "\n" for c in convs)
    return tmp_path


def test_the_post_is_the_seekers_turns_before_the_reply(tmp_path: Path) -> None:
    conv = {
        "dialog": [
            {"speaker": "sys", "text": "Hello!", "strategy": "Question"},
            {"speaker": "usr", "text": "I lost my job."},
            {"speaker": "usr", "text": "I feel awful."},
            {"speaker": "sys", "text": "What happened?", "strategy": "Question"},
            {"speaker": "sys", "text": "You sound worn out.", "strategy": "Reflection of feelings"},
            {"speaker": "usr", "text": "I am."},
            {"speaker": "sys", "text": "Try a walk.", "strategy": "Providing Suggestions"},
            {"speaker": "sys", "text": "I lost mine last year.", "strategy": "Self-disclosure"},
        ]
    }
    data_dir = _write(tmp_path, [conv] * 10)
    pairs = esconv_split("train", data_dir)  # 8 of the 10 copies
    first = slice(0, 4)
    assert pairs.seeker[first] == [
        "",
        "I lost my job. I feel awful.",
        "I lost my job. I feel awful.",
        "I am.",
    ]
    # Hello! is Question but phatic: none after cleaning, exploration in the raw mapping
    np.testing.assert_array_equal(pairs.labels[first], [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 0]])
    assert pairs.raw_labels[0].tolist() == [0, 0, 1]
    # Self-disclosure: interpretation now, none in the v3 mapping
    assert pairs.labels[4].tolist() == [0, 1, 0] and pairs.v3_labels[4].tolist() == [0, 0, 0]


def test_the_split_is_by_conversation_disjoint_and_fixed() -> None:
    parts = {p: set(conversation_ids(p, 910).tolist()) for p in ("train", "val", "test")}
    assert sum(len(v) for v in parts.values()) == 910 and len(parts["val"]) == 91
    assert not (parts["train"] & parts["val"]) and not (parts["val"] & parts["test"])
    assert set(conversation_ids("val", 910).tolist()) == parts["val"]
    assert "seed13" in ESCONV_SPLIT


@needs_data
def test_esconv_val_has_every_mechanism() -> None:
    val = esconv_split("val")
    assert len(val.response) > 1000 and (val.labels.sum(0) > 100).all()
    assert set(val.conversation).isdisjoint(esconv_split("train").conversation)


def test_binary_auc_by_hand() -> None:
    assert binary_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == 0.75
    assert binary_auc(np.array([0, 1]), np.array([0.5, 0.5])) == 0.5  # ties count half
    assert np.isnan(binary_auc(np.array([1, 1]), np.array([0.1, 0.2])))


def test_the_rules() -> None:
    r = rule_scores(["What happened?", "I see you waited two days"])
    assert r["contains ?"].tolist() == [1.0, 0.0] and r["reply length"].tolist() == [2.0, 6.0]
