"""The cheaper CSAT features and QA cards of issue 16 item 6 store what the code before
them stored (commit 618acb8):

* :func:`~empathos.understand.csat.features` (one cached scan per turn, counted shares)
  equals the pre-change formula, kept verbatim below as ``_reference_features``, bit for
  bit, on real TWCS turns (both speakers), edge cases and the views ``analyze`` builds of
  a simulated and a real store;
* the QA cards the score step now scores beside each score row equal the cards the QA
  step scores for the same contacts (it re-reads the store: the pre-change path), every
  column but the time, on a simulated store and on real conversations (TWCS, ABCD);
* QA's effort item finds the repeats its pairwise ``similarity`` loop found (now
  ``effort.repeat_flags``, each turn's trigrams once), and the cached
  ``peak_end_terms`` answers what its formula computes."""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine, delete, select

from empathos.store import init_db, make_engine
from empathos.store.tables_qa import qa_item_scores, qa_scorecards
from empathos.understand import csat as cs
from empathos.understand import peak_end as pe
from empathos.understand.pipeline import analyze
from empathos.understand.pipeline.csat import load_views
from empathos.understand.pipeline.run import resolve_models
from empathos.understand.protocols import CX_EMOTIONS
from empathos.understand.train_data import shared_data_dir

REAL = shared_data_dir() / "real"
TWCS = REAL / "twcs_5k.csv"
needs_real = pytest.mark.skipif(not TWCS.exists(), reason="shared/data/real not present")
EDGE = ["", "   ", "?", "Still not working?!", "Danke, perfekt.", "Bestätigt — résolu ✅", "😡?"]


def _reference_features(c: cs.ContactView) -> np.ndarray:
    """``understand.csat.features`` as it was at 618acb8 (one regex pass per feature)."""
    v = np.asarray(c.valences, dtype=float)
    t = pe.peak_end_terms(v, np.asarray(c.intensities, dtype=float))
    n = v.size
    labels = list(c.labels)
    shares = [sum(1 for lb in labels if lb == e) / n for e in CX_EMOTIONS]
    texts = list(c.customer_texts)
    emp = list(c.empathic)

    def share(pred: Any, xs: Sequence[str]) -> float:
        xs = list(xs)
        return float(np.mean([bool(pred(x)) for x in xs])) if xs else float("nan")

    row = [
        t.mean,
        t.first,
        t.peak,
        t.end,
        t.negative_peak,
        t.positive_peak,
        t.trend,
        float(np.mean(v <= -cs.CLEAR_VALENCE)),
        float(np.mean(v >= cs.CLEAR_VALENCE)),
        *shares,
        math.log1p(n),
        math.log1p(max(0, c.n_employee_turns)),
        float(bool(texts) and cs.thanks(texts[-1])),
        float(min(3, sum(cs.unresolved(x) for x in texts))),
        float(min(3, c.repeats)),
        float(min(3, c.effort_phrases)),
        float(min(3, c.transfers)),
        float(np.mean(emp)) if emp else float("nan"),
        share(cs.apology, c.employee_texts),
        float(any(cs.confirmed(x) for x in c.employee_texts)),
        share(lambda x: x.rstrip().endswith("?"), c.employee_texts),
        share(lambda x: "?" in x, texts),
        math.log1p(float(np.mean([len(x.split()) for x in texts])) if texts else 0.0),
    ]
    return np.asarray(row, dtype=float)


def _same_features(views: Sequence[cs.ContactView]) -> None:
    assert views
    for v in views:
        got, want = cs.features(v), _reference_features(v)
        assert got.tobytes() == want.tobytes() or np.array_equal(got, want, equal_nan=True)


@needs_real
def test_features_equal_the_previous_formula_on_real_twcs_turns() -> None:
    with TWCS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cust = [r["text"] for r in rows if r["inbound"] == "True"] + EDGE
    empl = [r["text"] for r in rows if r["inbound"] != "True"] + EDGE
    rng = random.Random(0)
    views = []
    for k in range(400):  # contacts of 1-12 real turns a side, valences drawn
        nc, ne = rng.randint(1, 12), rng.randint(0, 12)
        vals = [rng.uniform(-1, 1) for _ in range(nc)]
        views.append(
            cs.ContactView(
                customer_texts=rng.sample(cust, nc),
                valences=vals,
                intensities=[abs(x) for x in vals],
                labels=[rng.choice([*CX_EMOTIONS, None]) for _ in range(nc)],
                n_employee_turns=ne,
                empathic=[rng.random() < 0.4 for _ in range(ne if k % 3 else 0)],
                repeats=rng.randint(0, 4),
                effort_phrases=rng.randint(0, 4),
                transfers=rng.randint(0, 4),
                employee_texts=rng.sample(empl, ne),
            )
        )
    _same_features(views)


def _cards(engine: Engine) -> tuple[list[tuple], list[tuple]]:
    with engine.connect() as conn:
        heads = sorted(
            tuple(v for k, v in r._mapping.items() if k != "computed_at")
            for r in conn.execute(select(qa_scorecards))
        )
        items = sorted(
            tuple(str(v) for v in r._mapping.values()) for r in conn.execute(select(qa_item_scores))
        )
    return heads, items


def _score_step_cards_equal_qa_step_cards(engine: Engine) -> None:
    em, pm = resolve_models("fast", "fast")
    first = analyze(engine, em, pm, progress=False)
    in_score_step = _cards(engine)
    assert first.interactions_qa == first.interactions_scored > 0
    with engine.begin() as conn:  # drop every card: the QA step scores them all again
        conn.execute(delete(qa_item_scores))
        conn.execute(delete(qa_scorecards))
    again = analyze(engine, em, pm, progress=False)
    assert again.interactions_scored == 0 and again.interactions_qa == first.interactions_qa
    assert _cards(engine) == in_score_step
    # and the CSAT features of what analyze stored equal the previous formula's
    _same_features(list(load_views(engine, em, pm).values()))


def test_qa_cards_and_features_on_a_simulated_store(tmp_path: Path) -> None:
    from empathos.simulate import preset, run_simulation
    from empathos.simulate.store import store_simulation

    engine = make_engine(f"sqlite:///{tmp_path / 'sim.db'}")
    init_db(engine)
    run_simulation(preset("small", seed=5, customers=40, days=6), tmp_path / "sim", progress=False)
    store_simulation(tmp_path / "sim", engine)
    _score_step_cards_equal_qa_step_cards(engine)


@needs_real
def test_qa_cards_and_features_on_real_conversations(tmp_path: Path) -> None:
    from empathos.listen import ingest_file

    engine = make_engine(f"sqlite:///{tmp_path / 'real.db'}")
    init_db(engine)
    for name, mapping in (("abcd_sample.json", "abcd"), ("twcs_kaggle_sample.csv", None)):
        ingest_file(REAL / name, engine, mapping=mapping, rejects_path=tmp_path / f"{name}.rej")
    _score_step_cards_equal_qa_step_cards(engine)


def _reference_repeat_flags(texts: Sequence[str]) -> list[bool]:
    """QA's effort item before ``effort.repeat_flags``: every pair through ``similarity``."""
    from empathos.understand import effort as eff

    cfg = eff.EffortConfig()
    flags, seen = [], []
    for t in texts:
        if len(eff.normalise_text(t)) < cfg.repeat_min_chars:
            flags.append(False)
            continue
        flags.append(any(eff.similarity(t, s) >= cfg.repeat_similarity for s in seen))
        seen.append(t)
    return flags


@needs_real
def test_repeat_flags_equal_the_pairwise_similarity_on_real_turns() -> None:
    from empathos.understand import effort as eff

    with TWCS.open(encoding="utf-8") as fh:
        cust = [r["text"] for r in csv.DictReader(fh) if r["inbound"] == "True" and r["text"]]
    rng = random.Random(1)
    cfg = eff.EffortConfig()
    n_repeats = 0
    for _ in range(400):  # contacts of real turns, some turns repeated (edited or not)
        texts = rng.sample(cust, rng.randint(1, 8))
        for _ in range(rng.randint(0, 3)):
            t = rng.choice(texts)
            texts.append(rng.choice([t, t.upper() + "!!", t[: len(t) * 4 // 5], t + " ??"]))
        got = eff.repeat_flags(texts, cfg.repeat_similarity, cfg.repeat_min_chars)
        assert got == _reference_repeat_flags(texts)
        assert eff.count_repeats(texts, cfg.repeat_similarity, cfg.repeat_min_chars) == sum(got)
        n_repeats += sum(got)
    assert n_repeats > 50


def test_peak_end_terms_cached_equal_the_formula() -> None:
    """The few-entry cache of ``peak_end_terms`` answers what the formula computes, for the
    same valences with other intensities or end windows too (the key holds all three)."""
    rng = random.Random(2)
    for _ in range(300):
        n = rng.randint(1, 12)
        v = np.array([rng.uniform(-1, 1) for _ in range(n)])
        for inten in (None, [rng.random() for _ in range(n)], [rng.random() for _ in range(n)]):
            for w in (1, 2, 3):
                got = pe.peak_end_terms(v, inten, w)
                key = np.abs(v) if inten is None else np.asarray(inten, dtype=float)
                i = int(np.argmax(key))
                k = max(1, min(w, n))
                want = pe.PeakEndTerms(
                    peak=float(v[i]),
                    end=float(v[-k:].mean()),
                    mean=float(v.mean()),
                    peak_index=i,
                    positive_peak=float(v.max()),
                    negative_peak=float(v.min()),
                    first=float(v[0]),
                    trend=pe.trend(v),
                )
                assert got == want and pe.peak_end_terms(list(v), inten, w) == want
    with pytest.raises(ValueError):
        pe.peak_end_terms([0.1, 0.2], [0.5])


@needs_real
def test_turn_pair_scores_equal_the_previous_loop_on_real_turns() -> None:
    """``TurnSatModel``'s pair score (terms filtered to the vocabulary before counting)
    equals the loop that skipped them one by one, bit for bit, on real TWCS pairs."""
    from collections import Counter

    from empathos.understand import csat_turns as ct

    model = cs.load_model()
    assert model is not None and model.turn_model is not None
    tm = model.turn_model
    table = {t: (tm.idf[i], tm.idf[i] * tm.coef[i]) for t, i in tm.vocab.items()}

    def old_terms(emp: str, cust: str) -> list[str]:
        toks = ["s_" + t for t in ct._TOKEN.findall(emp.lower())]
        toks += ct._TOKEN.findall(cust.lower())
        return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]

    def old_score(emp: str, cust: str) -> float:
        num = den = 0.0
        for t, n in Counter(old_terms(emp, cust)).items():
            hit = table.get(t)
            if hit is None:
                continue
            tf = 1.0 if n == 1 else 1.0 + math.log(n)
            num += tf * float(hit[1])
            den += (tf * float(hit[0])) ** 2
        return tm.intercept + (num / math.sqrt(den) if den > 0 else 0.0)

    with TWCS.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["text"]]
    cust = [r["text"] for r in rows if r["inbound"] == "True"] + EDGE
    empl = [r["text"] for r in rows if r["inbound"] != "True"] + EDGE + ["thanks thanks thanks"]
    rng = random.Random(3)
    for _ in range(2000):
        e = " ".join(rng.sample(empl, rng.randint(0, 2)))
        c = rng.choice(cust)
        assert ct.pair_terms(e, c) == old_terms(e, c)
        assert tm._score(e, c) == old_score(e, c)
