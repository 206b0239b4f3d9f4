"""The evaluation harness and its CLI, on the lexicon backends (fast) and small limits."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from empathos.cli import app
from empathos.understand.evaluate import evaluate_emotion, evaluate_empathy, markdown_tables
from empathos.understand.evaluate_metrics import f1_per_label, multiclass_macro_f1, predict_sets
from empathos.understand.train_data import EPITOME_SPLIT, epitome_split, shared_data_dir

needs_data = pytest.mark.skipif(
    not (shared_data_dir() / "goemotions" / "test.tsv").exists(),
    reason="shared/data not beside the repository",
)


def test_f1_per_label_by_hand() -> None:
    y = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
    p = np.array([[1, 0], [0, 1], [0, 0], [0, 1]])
    # label 0: tp=1, fn=1, fp=0 -> 2/3 ; label 1: tp=1, fn=1, fp=1 -> 1/2
    np.testing.assert_allclose(f1_per_label(y, p), [2 / 3, 1 / 2])
    assert multiclass_macro_f1(np.array([0, 1, 2, 2]), np.array([0, 1, 2, 1]), 3)[
        0
    ] == pytest.approx((1 + 2 / 3 + 2 / 3) / 3)


def test_predict_sets_always_keeps_the_argmax() -> None:
    p = np.array([[0.5, 0.3, 0.2], [0.1, 0.45, 0.45]])
    np.testing.assert_array_equal(predict_sets(p, 0.9), [[1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(predict_sets(p, 0.4), [[1, 0, 0], [0, 1, 1]])


@needs_data
def test_epitome_split_is_fixed_disjoint_and_80_10_10() -> None:
    parts = {p: epitome_split(p) for p in ("train", "dev", "test")}
    ids = {p: set(s.ids) for p, s in parts.items()}
    assert (
        not (ids["train"] & ids["dev"])
        and not (ids["train"] & ids["test"])
        and not (ids["dev"] & ids["test"])
    )
    n = sum(len(v) for v in ids.values())
    assert abs(len(ids["train"]) / n - 0.8) < 0.01 and abs(len(ids["test"]) / n - 0.1) < 0.01
    assert epitome_split("test").ids == parts["test"].ids  # same seed, same split
    assert EPITOME_SPLIT == "epitome-reddit-seed13-80/10/10"


@needs_data
def test_evaluate_lexicon_small() -> None:
    emo = evaluate_emotion("lexicon", limit=200)
    assert emo["n_test"] == 200 and 0 <= emo["cx"]["macro_f1"] <= 1
    assert set(emo["cx"]["per_label"]) == {
        "anger",
        "frustration",
        "anxiety",
        "sadness",
        "confusion",
        "neutral",
        "joy",
        "gratitude",
        "relief",
    }
    emp = evaluate_empathy("lexicon", limit=100)
    assert set(emp["mechanisms"]) == {"emotional_reaction", "interpretation", "exploration"}
    assert emp["sympathy_set"]["sympathy_scored_as_empathy"] == 0.0
    table = markdown_tables([emo], [emp])
    assert "0.46" in table and "lexicon" in table and EPITOME_SPLIT in table


@needs_data
def test_cli_eval_json() -> None:
    result = CliRunner().invoke(
        app, ["eval", "empathy", "--model", "lexicon", "--limit", "50", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["data"] == EPITOME_SPLIT


def test_cli_eval_unknown_model_lists_the_available_ones() -> None:
    result = CliRunner().invoke(app, ["eval", "emotion", "--model", "nope"])
    assert result.exit_code != 0
    assert "lexicon" in result.output
