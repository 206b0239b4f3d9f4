"""Train the empathy heads of a learned backend: EPITOME + ESConv + the CX supplement.

``python -m empathos.understand.train empathy [--encoder NAME]`` rebuilds
``models/empathy-<backend>.npz`` and its card.

Why three sources: EPITOME (Reddit, three levels per mechanism) is the only corpus with the
three mechanisms annotated as such, but on real supporters' turns a head trained on it
alone tells emotional reaction and interpretation from the rest barely better than chance
(issue 15: AUC ~0.60). ESConv's supporter strategies (``understand.esconv``: the documented
mapping to the mechanisms) add ~10k chat turns of people actually supporting someone; the
hand-written multilingual supplement (``models/empathy_supplement.csv``) teaches what
neither corpus has: corporate sympathy, greetings, "please DM us" and formulaic closings
are not empathy.

Why an EPITOME head per mechanism and one ESConv strategy model (v3): one 3-level softmax
fitted to EPITOME and ESConv together lost 0.08-0.12 EPITOME dev macro-F1 and still scored
under an ESConv-only head on ESConv val (measured while building v2, see docs/understand.md
"Empathy"), and the two corpora disagree on what a mechanism is. So each mechanism keeps an
EPITOME head (levels 0/1/2, EPITOME train + supplement, C and class weighting tuned on
EPITOME dev macro-F1), and one *strategy model* reads ESConv: a softmax over the eight
strategies plus "phatic" (they exclude each other), the product of three experts on the
heads' feature rows, the reply's character 2-5-grams and its word 1-3-grams (ESConv train +
supplement, each C tuned on the mean ESConv val AUC; ``backends.default.StrategyModel``).
Their votes meet in ``backends.default.stack_levels``, a logistic stack ``(r, b1, b0)``: for
each weight ``r`` of the ESConv vote the ``(b1, b0)`` with the best macro-F1 on the EPITOME
heads' out-of-fold predictions on EPITOME train (v4; v3 tuned them on dev's ~300 posts and
lost 0.02-0.05 on test), then the ``r`` with the best ESConv val AUC among those whose
EPITOME dev macro-F1 (held out from the stack) stays within
``DEV_TOLERANCE`` of the EPITOME head alone, or at the replaced artefact's dev figure
(``PREVIOUS_DEV_MACRO_F1``) when that is lower: the issue asks EPITOME at or above today's
figures, and dev is where that can be checked without reading test. ESConv test
(``ESCONV_SPLIT``) is scored once, after the choice, for the card; EPITOME
test is never read here (``bench/_quality_empathy.py`` reports it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from empathos.understand.backends import _encoder, _features
from empathos.understand.backends._linear import MODELS_DIR, LinearHead
from empathos.understand.backends._chargram import CharGramHead
from empathos.understand.backends._wordgram import WordGramHead
from empathos.understand.backends.default import StrategyModel, stack_levels
from empathos.understand.esconv import (
    mapping_labels,
    ESCONV_SPLIT,
    STRATEGY_TO_MECHANISM,
    esconv_split,
    is_phatic,
)
from empathos.understand.evaluate_metrics import binary_auc, multiclass_macro_f1
from empathos.understand.protocols import EMPATHY_MECHANISMS
from empathos.understand.train_data import EPITOME_SPLIT, epitome_split

SUPPLEMENT = MODELS_DIR / "empathy_supplement.csv"
SUPPLEMENT_WEIGHT = 3.0  # each hand-written customer-service pair counts as three Reddit pairs
ESCONV_SUPPLEMENT_WEIGHT = 10.0  # fixed a priori: 56 rows against ~10k ESConv turns
GRID_C = (0.003, 0.01, 0.03, 0.1)
GRID_CLASS_WEIGHT = (None, "balanced")
DEV_TOLERANCE = 0.01


def artefact_stem(encoder: str) -> str:
    """``empathy-default`` for the USE encoder, ``empathy-fast`` for the static one."""
    return "empathy-default" if encoder == _encoder.ENCODER_NAME else "empathy-fast"


def read_supplement(path=SUPPLEMENT) -> tuple[list[str], list[str], np.ndarray]:  # noqa: ANN001
    """Seeker posts, replies and ``(n, 3)`` levels of the hand-written supplement."""
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    levels = np.array([[int(r[m]) for m in EMPATHY_MECHANISMS] for r in rows], dtype=np.int64)
    return [r["seeker"] for r in rows], [r["response"] for r in rows], levels.reshape(-1, 3)


def _embed(texts: Sequence[str], encoder: str) -> np.ndarray:
    """Embeddings of ``texts``, each distinct text encoded once (cached on disk)."""
    from empathos.understand.train_common import embed_cached

    uniq = sorted(set(texts))
    emb = embed_cached(uniq, encoder=encoder)
    index = {t: i for i, t in enumerate(uniq)}
    return emb[[index[t] for t in texts]] if texts else emb[:0]


def pair_features(seekers: Sequence[str], replies: Sequence[str], encoder: str) -> np.ndarray:
    """The heads' input rows, built exactly as the backend builds them at run time."""
    seekers, replies = list(seekers), list(replies)
    return _features.empathy_features(
        seekers, replies, _embed(seekers, encoder), _embed(replies, encoder)
    )


def _fit_epitome(
    j: int, x: np.ndarray, y: np.ndarray, w: np.ndarray, x_dev: np.ndarray, y_dev: np.ndarray
) -> tuple[float, dict, LinearHead]:
    """The 3-level head of mechanism ``j`` with the best EPITOME dev macro-F1."""
    from empathos.understand.train_common import fit_head

    best = None
    for cw in GRID_CLASS_WEIGHT:
        clf = None
        for c in GRID_C:  # warm-started from strong to weak regularisation
            head, clf = fit_head(x, y[:, j], c, w, cw, warm=clf)
            f1, _ = multiclass_macro_f1(y_dev[:, j], head.predict_proba(x_dev).argmax(1), 3)
            print(
                f"empathy {EMPATHY_MECHANISMS[j]} EPITOME head C={c} cw={cw}: dev macro-F1 "
                f"{f1:.4f}",
                flush=True,
            )
            if best is None or f1 > best[0]:
                best = (f1, {"C": c, "class_weight": cw}, head)
    return best


STRATEGIES = (*sorted(STRATEGY_TO_MECHANISM), "phatic")  # the strategy model's classes
SUPPLEMENT_STRATEGY = ("Affirmation and Reassurance", "Reflection of feelings", "Question")
GRID_EMB_C = (0.0003, 0.001)
GRID_CHAR_C = (0.3, 1.0)
GRID_WORD_C = (0.3, 1.0, 3.0)
CHAR_NGRAMS, WORD_NGRAMS, MAX_NGRAMS = (2, 5), (1, 3), 20_000
GRID_STACK_R = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
# EPITOME dev macro-F1 of the artefacts v3 replaces (their cards: default v2, fast v1): the
# stack may not go below them on dev ("EPITOME at or above today's figures", issue 15)
PREVIOUS_DEV_MACRO_F1 = {
    "empathy-default": {
        "emotional_reaction": 0.6467,
        "interpretation": 0.5631,
        "exploration": 0.7317,
    },
    "empathy-fast": {"emotional_reaction": 0.6315, "interpretation": 0.5081, "exploration": 0.647},
}
GRID_STACK_B1 = (0.25, 0.5, 1.0, 1.5)
OOF_FOLDS = 5
GRID_STACK_B0 = tuple(float(b) for b in np.arange(-4.0, 4.01, 0.25))


def strategy_map() -> np.ndarray:
    """``(9, 3)``: which mechanism each class of the strategy model stands for."""
    return mapping_labels(list(STRATEGIES), STRATEGY_TO_MECHANISM).astype(np.float32)


def strategy_targets(strategy: Sequence[str], responses: Sequence[str]) -> np.ndarray:
    """Class ids of ESConv turns: the strategy, or "phatic" (``esconv.is_phatic``)."""
    return np.array(
        [
            STRATEGIES.index("phatic") if is_phatic(r) else STRATEGIES.index(s)
            for s, r in zip(strategy, responses, strict=True)
        ],
        dtype=np.int64,
    )


def supplement_targets(levels: np.ndarray) -> np.ndarray:
    """Supplement rows as strategies: the strongest mechanism's strategy, else Others."""
    return np.array(
        [
            STRATEGIES.index(SUPPLEMENT_STRATEGY[int(lv.argmax())] if lv.max() > 0 else "Others")
            for lv in levels
        ],
        dtype=np.int64,
    )


def _mean_auc(y_val: np.ndarray, used: np.ndarray) -> float:
    return float(np.mean([binary_auc(y_val[:, j], used[:, j]) for j in range(used.shape[1])]))


def _fit_ngram(kind: str, texts, y, w, val_texts, y_val, grid):  # noqa: ANN001, ANN202
    """A char (``kind="char"``) or word n-gram TF-IDF softmax over the strategies, C with
    the best mean ESConv val AUC; checked against sklearn's own transform on val."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from empathos.understand.train_common import SEED

    if kind == "char":
        vec = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=CHAR_NGRAMS,
            min_df=3,
            sublinear_tf=True,
            max_features=MAX_NGRAMS,
        )
    else:
        vec = TfidfVectorizer(
            ngram_range=WORD_NGRAMS, min_df=2, sublinear_tf=True, max_features=MAX_NGRAMS
        )
    a, b = vec.fit_transform(texts), vec.transform(val_texts)
    mapping = strategy_map()
    best = None
    for c in grid:
        clf = LogisticRegression(C=c, max_iter=2000, random_state=SEED).fit(a, y, sample_weight=w)
        auc = _mean_auc(y_val, clf.predict_proba(b) @ mapping)
        print(f"empathy strategy model, {kind} n-grams C={c}: val mean AUC {auc:.4f}", flush=True)
        if best is None or auc > best[0]:
            best = (auc, c, clf)
    auc, c, clf = best
    vocab = [None] * len(vec.vocabulary_)
    for g, i in vec.vocabulary_.items():
        vocab[i] = g
    cls = CharGramHead if kind == "char" else WordGramHead
    head = cls(
        vocab, vec.idf_, clf.coef_.T, clf.intercept_, CHAR_NGRAMS if kind == "char" else WORD_NGRAMS
    )
    gap = np.abs(head.logits(val_texts) - clf.decision_function(b)).max()
    if gap > 1e-6:
        raise AssertionError(f"{kind} n-gram features differ from sklearn's by {gap}")
    return head, {"C": c, "val_mean_auc": round(auc, 4), "vocabulary": len(vocab)}


def _fit_emb(x, y, w, x_val, y_val):  # noqa: ANN001, ANN202
    """The strategy softmax on the heads' feature rows, C with the best mean val AUC."""
    from empathos.understand.train_common import fit_head

    mapping, best, clf = strategy_map(), None, None
    for c in GRID_EMB_C:
        head, clf = fit_head(x, y, c, w, None, warm=clf, n_classes=len(STRATEGIES))
        auc = _mean_auc(y_val, head.predict_proba(x_val) @ mapping)
        print(f"empathy strategy model, features C={c}: val mean AUC {auc:.4f}", flush=True)
        if best is None or auc > best[0]:
            best = (auc, c, head)
    return best[2], {"C": best[1], "val_mean_auc": round(best[0], 4)}


def _oof_levels(
    j: int, params: dict, x_tr: np.ndarray, y_tr: np.ndarray, x_sup: np.ndarray, y_sup: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold level probabilities of mechanism ``j``'s EPITOME head on EPITOME train
    and on the supplement (``OOF_FOLDS`` folds over both, the chosen C and class
    weighting): the stack's threshold is tuned on them, not on dev, and the supplement's
    greetings, "DM us" and closings are scored as the head scores phrasings it never saw
    (see :func:`_choose_stack`)."""
    from empathos.understand.train_common import SEED, fit_head

    x, y = np.vstack([x_tr, x_sup]), np.concatenate([y_tr, y_sup])
    w = np.concatenate([np.ones(len(y_tr)), np.full(len(y_sup), SUPPLEMENT_WEIGHT)])
    fold = np.random.default_rng(SEED).permutation(len(x)) % OOF_FOLDS
    out = np.zeros((len(x), 3))
    for k in range(OOF_FOLDS):
        fit = fold != k
        head, _ = fit_head(x[fit], y[fit], params["C"], w[fit], params["class_weight"])
        out[~fit] = head.predict_proba(x[~fit])
    return out[: len(y_tr)], out[len(y_tr) :]


def _best_b(p, q, y, r) -> tuple[float, float, float]:  # noqa: ANN001
    """(macro-F1, b1, b0) of the best (b1, b0) of :func:`stack_levels` at weight ``r``."""
    best = None
    for b1 in GRID_STACK_B1:
        for b0 in GRID_STACK_B0:
            f1, _ = multiclass_macro_f1(y, stack_levels(p, q, (r, b1, b0)).argmax(1), 3)
            if best is None or f1 > best[0] + 1e-12:
                best = (f1, b1, b0)
    return best


def _choose_stack(tune, dev, val, f1_floor: float, not_empathy) -> tuple[dict, list]:  # noqa: ANN001
    """``(r, b1, b0)`` of :func:`stack_levels`; ``tune``, ``dev``, ``val`` are (EPITOME
    head levels, P(used), gold) on EPITOME train out-of-fold, EPITOME dev, ESConv val;
    ``not_empathy`` (head levels out-of-fold, P(used)) of the supplement's rows that are
    none on every mechanism (sympathy, greetings, "DM us", closings).

    For each ``r`` the (b1, b0) with the best macro-F1 on the out-of-fold train rows (v3
    tuned them on dev's ~300 posts, where they overfit: -0.02 to -0.05 on EPITOME test);
    then the ``r`` with the best ESConv val AUC among those whose EPITOME dev macro-F1, now
    held out from the stack, reaches ``f1_floor`` (``r`` 0 with (1, 0), the EPITOME head
    alone, always qualifies). First of all, though, the fewest ``not_empathy`` rows scored as
    the mechanism (P >= 0.5): the EPITOME heads call "Hi!" or "Have a great day!" an
    emotional reaction with P ~1, only the ESConv vote says otherwise, and a contact centre
    must not count them (issue 15); where no ``r`` that fewest reaches the dev floor, the
    best dev macro-F1 among them."""
    f1_head = multiclass_macro_f1(dev[2], dev[0].argmax(1), 3)[0]
    f1_floor = min(f1_floor, f1_head)
    grid = []

    def f1(part, stack) -> float:  # noqa: ANN001
        return multiclass_macro_f1(part[2], stack_levels(part[0], part[1], stack).argmax(1), 3)[0]

    # the EPITOME head alone (0, 1, 0) first: it always qualifies
    for r, b in [(0.0, (1.0, 0.0)), *((r, None) for r in GRID_STACK_R)]:
        b1, b0 = b if b is not None else _best_b(*tune, r)[1:]
        stack = (r, b1, b0)
        f1_tune, f1_dev = f1(tune, stack), f1(dev, stack)
        auc = binary_auc(val[2], stack_levels(val[0], val[1], stack)[:, 1:].sum(1))
        wrong = int((stack_levels(*not_empathy, stack)[:, 1:].sum(1) >= 0.5).sum())
        grid.append(
            {
                "r": r,
                "b1": b1,
                "b0": b0,
                "supplement_not_empathy_scored_as_empathy": wrong,
                "epitome_train_oof_macro_f1": round(f1_tune, 4),
                "epitome_dev_macro_f1": round(f1_dev, 4),
                "esconv_val_auc": round(auc, 4),
            }
        )
        print(
            f"  stack {stack}: EPITOME train OOF macro-F1 {f1_tune:.4f}, dev {f1_dev:.4f}, "
            f"ESConv val AUC {auc:.4f}, supplement not-empathy scored as empathy {wrong}",
            flush=True,
        )
    fewest = min(g["supplement_not_empathy_scored_as_empathy"] for g in grid)
    clean = [g for g in grid if g["supplement_not_empathy_scored_as_empathy"] == fewest]
    ok = [g for g in clean if g["epitome_dev_macro_f1"] >= round(f1_floor, 4)]
    if not ok:
        return max(clean, key=lambda g: (g["epitome_dev_macro_f1"], g["esconv_val_auc"])), grid
    pick = max(ok, key=lambda g: (g["esconv_val_auc"], g["epitome_dev_macro_f1"]))
    return pick, grid


def train_empathy(encoder: str = _encoder.ENCODER_NAME) -> dict:
    """Fit, tune and save ``empathy-<backend>`` (see the module docstring); returns the card."""
    from empathos.understand.train_common import SEED, save_artefact

    t0 = time.time()
    np.random.seed(SEED)
    tr, dev = epitome_split("train"), epitome_split("dev")
    es_tr, es_val, es_test = esconv_split("train"), esconv_split("val"), esconv_split("test")
    s_seek, s_resp, s_levels = read_supplement()
    x_sup = pair_features(s_seek, s_resp, encoder)
    x_tr = pair_features(tr.seeker, tr.response, encoder)
    x_ep = np.vstack([x_tr, x_sup])
    y_ep = np.vstack([tr.levels, s_levels])
    w_ep = np.concatenate([np.ones(len(tr.levels)), np.full(len(s_levels), SUPPLEMENT_WEIGHT)])
    # the strategy model sees the supplement too (as strategies): ESConv has no corporate
    # sympathy or "DM us"; weighed more, as ~10k ESConv rows would drown 56
    x_es = np.vstack([pair_features(es_tr.seeker, es_tr.response, encoder), x_sup])
    r_es = [*es_tr.response, *s_resp]
    y_es = np.concatenate(
        [strategy_targets(es_tr.strategy, es_tr.response), supplement_targets(s_levels)]
    )
    w_es = np.concatenate(
        [np.ones(len(es_tr.response)), np.full(len(s_levels), ESCONV_SUPPLEMENT_WEIGHT)]
    )
    x_dev = pair_features(dev.seeker, dev.response, encoder)
    x_val = pair_features(es_val.seeker, es_val.response, encoder)
    x_test = pair_features(es_test.seeker, es_test.response, encoder)
    print(f"empathy features ready in {time.time() - t0:.0f}s", flush=True)
    emb, emb_info = _fit_emb(x_es, y_es, w_es, x_val, es_val.labels)
    char, char_info = _fit_ngram(
        "char", r_es, y_es, w_es, es_val.response, es_val.labels, GRID_CHAR_C
    )
    word, word_info = _fit_ngram(
        "word", r_es, y_es, w_es, es_val.response, es_val.labels, GRID_WORD_C
    )
    arrays: dict[str, np.ndarray] = {
        **emb.arrays(f"{StrategyModel.PREFIX}emb_"),
        **char.arrays(f"{StrategyModel.PREFIX}char_"),
        **word.arrays(f"{StrategyModel.PREFIX}word_"),
        f"{StrategyModel.PREFIX}map": strategy_map(),
    }
    strategy = StrategyModel(arrays)  # as the backend will load it (float16 coefficients)
    q_tr = strategy.used(x_tr, tr.response)
    q_sup = strategy.used(x_sup, s_resp)
    q_dev = strategy.used(x_dev, dev.response)
    q_val = strategy.used(x_val, es_val.response)
    q_test = strategy.used(x_test, es_test.response)
    chosen: dict[str, dict] = {}
    for j, mech in enumerate(EMPATHY_MECHANISMS):
        f1_ep, ep_params, ep_head = _fit_epitome(j, x_ep, y_ep, w_ep, x_dev, dev.levels)
        auc_q = binary_auc(es_val.labels[:, j], q_val[:, j])
        print(f"empathy {mech}: strategy model val AUC {auc_q:.4f}", flush=True)
        # the floor: within DEV_TOLERANCE of the EPITOME head alone, or the replaced
        # artefact's dev figure when that is lower (never below today's figures on dev)
        previous = PREVIOUS_DEV_MACRO_F1.get(artefact_stem(encoder), {}).get(mech, 1.0)
        floor = min(f1_ep - DEV_TOLERANCE, previous)
        oof, oof_sup = _oof_levels(j, ep_params, x_tr, tr.levels[:, j], x_sup, s_levels[:, j])
        none = s_levels.max(1) == 0
        pick, grid = _choose_stack(
            (oof, q_tr[:, j], tr.levels[:, j]),
            (ep_head.predict_proba(x_dev), q_dev[:, j], dev.levels[:, j]),
            (ep_head.predict_proba(x_val), q_val[:, j], es_val.labels[:, j]),
            floor,
            (oof_sup[none], q_sup[none, j]),
        )
        stack = (pick["r"], pick["b1"], pick["b0"])
        s_test = stack_levels(ep_head.predict_proba(x_test), q_test[:, j], stack)[:, 1:].sum(1)
        arrays.update(ep_head.arrays(f"{mech}_"))
        arrays[f"{mech}_stack"] = np.array(stack, dtype=np.float32)
        chosen[mech] = {
            **ep_params,
            "epitome_head_dev_macro_f1": round(f1_ep, 4),
            "strategy_model_val_auc": round(auc_q, 4),
            "strategy_model_test_auc": round(binary_auc(es_test.labels[:, j], q_test[:, j]), 4),
            "stack": {"r": stack[0], "b1": stack[1], "b0": stack[2]},
            "dev_macro_f1_floor": round(floor, 4),
            "dev_macro_f1": pick["epitome_dev_macro_f1"],
            "esconv_val_auc": pick["esconv_val_auc"],
            "esconv_test_auc": round(binary_auc(es_test.labels[:, j], s_test), 4),
            "stack_grid": grid,
        }
    card = {
        "name": "default" if encoder == _encoder.ENCODER_NAME else "fast",
        "version": "4",
        "kind": "empathy",
        "encoder": encoder,
        "data": [EPITOME_SPLIT, ESCONV_SPLIT],
        "esconv_mapping": STRATEGY_TO_MECHANISM,
        "esconv_phatic_turns": "class 'phatic' of the strategy model, none for every mechanism "
        "(understand.esconv.is_phatic)",
        "esconv_rows": {
            "train": len(es_tr.response),
            "val": len(es_val.response),
            "test": len(es_test.response),
        },
        "supplement": SUPPLEMENT.name,
        "supplement_rows": len(s_levels),
        "supplement_weight": SUPPLEMENT_WEIGHT,
        "esconv_supplement_weight": ESCONV_SUPPLEMENT_WEIGHT,
        "trained_on": "EPITOME train + supplement (3-level heads); ESConv train + supplement "
        "(strategy model: 9 classes, features / char 2-5-grams / word 1-3-grams of the reply)",
        "tuned_on": "EPITOME dev (macro-F1) and ESConv val (AUC); stack (r, b1, b0): for each r "
        f"the best macro-F1 on EPITOME train out-of-fold ({OOF_FOLDS} folds of the EPITOME "
        "head), then the best ESConv val AUC with EPITOME dev "
        f"macro-F1 at or above the floor: the EPITOME head alone - {DEV_TOLERANCE}, or the "
        "replaced artefact's dev figure when lower",
        "seed": SEED,
        "strategy_model": {
            "classes": list(STRATEGIES),
            "features": emb_info,
            "char_ngrams": char_info,
            "word_ngrams": word_info,
        },
        "heads": chosen,
        "seconds": round(time.time() - t0, 1),
    }
    save_artefact(artefact_stem(encoder), arrays, card)
    return card
