"""The simulated world behaves as its documented effect sizes say."""

from __future__ import annotations

import json
from pathlib import Path
from statistics import mean

from empathos.simulate import EffectSizes, SimulationReport
from empathos.simulate import outcomes as O
from empathos.simulate.emotion import label, peak_end, wait_shift


def test_worse_remembered_experience_churns_more(medium_run: tuple[Path, SimulationReport]) -> None:
    out, _ = medium_run
    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    seen = sorted(
        (c for c in truth["customers"] if c["n_contacts"]), key=lambda c: c["mean_remembered"]
    )
    q = len(seen) // 4
    worst, best = seen[:q], seen[-q:]
    churn_worst = mean(c["churn_cause"] == "experience" for c in worst)
    churn_best = mean(c["churn_cause"] == "experience" for c in best)
    assert q > 300
    assert churn_worst > 2 * churn_best, (churn_worst, churn_best)


def test_churn_probability_follows_effect_sizes() -> None:
    eff = EffectSizes()
    good = O.churn_probability(eff, "billing", remembered=0.5, effort=0.0, memory_before=0.0)
    bad = O.churn_probability(eff, "billing", remembered=-0.5, effort=0.0, memory_before=0.0)
    effortful = O.churn_probability(eff, "billing", remembered=-0.5, effort=3.0, memory_before=0.0)
    assert good < bad < effortful
    none = EffectSizes(churn_remembered_logit=0.0)
    assert O.churn_probability(none, "billing", 0.5, 0.0, 0.0) == O.churn_probability(
        none, "billing", -0.5, 0.0, 0.0
    )


def test_peak_end_uses_most_intense_turn_and_last_turn() -> None:
    peak, end, remembered = peak_end([-0.2, -0.9, 0.1, 0.6], [0.3, 0.9, 0.2, 0.4], 0.5, 0.5)
    assert (peak, end) == (-0.9, 0.6)
    assert abs(remembered - (-0.15)) < 1e-9


def test_waits_raise_frustration_in_the_model() -> None:
    eff = EffectSizes()
    shifts = [
        wait_shift(m, eff.wait_valence_per_log_min, eff.wait_valence_cap)
        for m in (0, 1, 5, 30, 5000)
    ]
    assert shifts[0] == 0 and all(a > b for a, b in zip(shifts, shifts[1:-1], strict=False))
    assert shifts[-1] == eff.wait_valence_cap
    assert label(-0.4, 0.6, "billing") == "frustration"
    assert label(-0.7, 0.8, "billing") == "anger"


def test_waits_raise_frustration_in_the_data(medium_run: tuple[Path, SimulationReport]) -> None:
    """First customer turn on live channels: customers who waited long are more negative."""
    out, _ = medium_run
    waits: dict[str, float] = {}
    with (out / "interactions.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if (
                r["channel"] in ("voice", "chat")
                and not r["attributes"]["abandoned"]
                and "started_in" not in r["attributes"]
            ):
                waits[r["interaction_id"]] = r["attributes"]["wait_seconds"] / 60
    short, long_ = [], []
    with (out / "truth" / "interactions.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            w = waits.get(r["interaction_id"])
            if w is None:
                continue
            first = next(t for t in r["turns"] if t["speaker"] == "customer")
            (short if w < 0.2 else long_ if w >= 3 else []).append(first)
    assert len(short) > 200 and len(long_) > 50
    assert mean(t["valence"] for t in long_) < mean(t["valence"] for t in short) - 0.1
    angry = {"anger", "frustration"}
    assert mean(t["emotion"] in angry for t in long_) > mean(t["emotion"] in angry for t in short)


def test_employee_attrition_rises_with_stress() -> None:
    eff = EffectSizes()
    assert (
        O.attrition_probability(eff, 1.0)
        < O.attrition_probability(eff, 4.0)
        < O.attrition_probability(eff, 8.0)
    )
    assert (
        O.emotional_load([-0.8, -0.6], [0.9, 0.8]) > O.emotional_load([0.2, 0.5], [0.3, 0.4]) == 0.0
    )
