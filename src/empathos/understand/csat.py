"""Predicted CSAT (1–5) for a contact from its turns, and its calibration to real surveys.

Why: surveys reach a few percent of contacts, so a figure for *every* contact has to be
predicted from what the contact itself shows. The model is deliberately small and
auditable — a ridge regression on a handful of named features — trained on the one public
data set where people rated whole service conversations (USS, :mod:`empathos.understand.uss`:
train on ``USS_SPLIT`` train, regularisation tuned on val, accuracy reported on test, by
``python -m empathos.understand.train_csat``). The artefact (``models/csat-default.json``)
carries its card: data, split, features, test accuracy beside the mean and peak–end
baselines.

Features (:data:`FEATURES`), all computable from a stored contact *and* from a live one:

* emotion trajectory of the customer turns (model valence): mean, first, peak, end, min,
  max, trend, share of clearly negative / positive turns, share of each CX emotion label;
* the length of the contact (customer and employee turns, log);
* resolution signals: the customer's last turn thanks / closes (``thanks_end``), turns that
  say the problem persists (``unresolved``);
* effort: repeats, effort phrases, transfers (:mod:`empathos.understand.effort`);
* empathy: share of employee turns with any EPITOME mechanism at level ≥ 1 (imputed with
  the training mean when no employee turn is annotated, e.g. on the live desk).
* turn-pair satisfaction (:mod:`empathos.understand.csat_turns`, :data:`MODEL_FEATURES`
  beyond :data:`FEATURES`): each (employee turn, customer reply) pair rated by a TF-IDF
  ridge fitted on USS's turn ratings relative to their dialogue's level (what the exchange
  did, not how lenient its raters were), summarised by :func:`csat_turns.aggregate` (level,
  worst and best moments, the end, spread, shares of lowering / raising pairs) — USS's turn
  rating judges the response before it.

Calibration (:class:`QuantileCalibrator`): the model's scale is USS's, not the company's;
where the company has surveys, a prediction is mapped to the survey answer at the same
quantile (quantile matching, as Dialpad describes for its CSAT AI), so the predicted
distribution matches the answered one while the ranking of contacts is unchanged.

Limits (docs/understand.md): USS dialogues are English task-oriented bots (restaurants,
hotels, flights), rated by crowd workers, not customers; the model transfers the
*direction* of the signals, and calibration fixes the scale, not the domain gap.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from empathos.understand import csat_turns as ct
from empathos.understand import peak_end as pe
from empathos.understand.effort import normalise_text as _effort_normalise
from empathos.understand.protocols import CX_EMOTIONS

ARTEFACT = "csat-default.json"
MODELS_DIR = Path(__file__).resolve().parent / "models"
CSAT_MIN, CSAT_MAX = 1.0, 5.0
#: Valence beyond which a turn counts as clearly negative / positive (as peak_end's events).
CLEAR_VALENCE = pe.SENTIMENT_EVENT_THRESHOLD
#: Surveys needed before calibrating: fewer and the quantiles are mostly noise.
MIN_SURVEYS = 30

FEATURES: tuple[str, ...] = (
    "mean",
    "first",
    "peak",
    "end",
    "min",
    "max",
    "trend",
    "neg_share",
    "pos_share",
    *(f"share_{e}" for e in CX_EMOTIONS),
    "log_customer_turns",
    "log_employee_turns",
    "thanks_end",
    "unresolved",
    "repeats",
    "effort_phrases",
    "transfers",
    "empathy_share",
    "employee_apology_share",
    "employee_confirmed",
    "employee_question_share",
    "customer_question_share",
    "log_customer_words",
)
#: What the shipped model reads: :data:`FEATURES` and the turn-pair satisfaction summary
#: (:data:`csat_turns.TURN_FEATURES`, computed by :func:`csat_turns.turn_features`).
MODEL_FEATURES: tuple[str, ...] = FEATURES + ct.TURN_FEATURES


def normalise_text(text: str) -> str:
    """Effort's normalisation (lower case, no punctuation) without accents, so one
    unaccented pattern matches "bestätigt" and "bestatigt", "résolu" and "resolu"."""
    return _strip_accents(_effort_normalise(text))


@functools.lru_cache(maxsize=1 << 14)
def _strip_accents(text: str) -> str:
    """NFKD, combining marks dropped; cached (bounded) and ASCII returned as is (it has
    no combining mark and NFKD leaves it unchanged), so the same result, cheaper."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Customer phrases, normalised by :func:`normalise_text`, in the six languages.
_THANKS = re.compile(
    r"\b(thanks?|thank you|thx|great|perfect|that'?s all|that is all|all set|"
    r"have a (?:good|nice|great)|goodbye|bye|solved|resolved|works now|"
    r"danke|perfekt|erledigt|tschuss|auf wiedersehen|"
    r"gracias|perfecto|resuelto|adios|"
    r"merci|parfait|resolu|au revoir|"
    r"grazie|perfetto|risolto|arrivederci|"
    r"dziekuje|dzieki|super|rozwiazane|do widzenia)\b"
)
_UNRESOLVED = re.compile(
    r"\b(still (?:not|no|doesn'?t|does not|isn'?t|waiting|broken)|not (?:what i|helpful|working)|"
    r"doesn'?t (?:work|help)|didn'?t (?:work|help)|no (?:help|answer)|useless|"
    r"immer noch nicht|funktioniert nicht|hilft nicht|"
    r"sigue sin|todavia no|no funciona|no sirve|"
    r"toujours pas|ne marche pas|ne fonctionne pas|"
    r"ancora non|non funziona|non serve|"
    r"nadal nie|nie dziala|nie pomaga)\b"
)


# Employee phrases: the answer could not give what was asked (an apology, "not available")
# and the request was carried out (a booking, a confirmation, a reference) — the plainest
# resolution signals a transcript has.
_APOLOGY = re.compile(
    r"\b(sorry|unfortunately|apolog\w*|not available|no (?:results|availability)|"
    r"(?:could ?n[o']t|can ?n[o']t|cannot|unable to) (?:find|book|locate|help)|there (?:are|is) no|"
    r"leider|entschuldig\w*|nicht verfugbar|lo siento|lamentablemente|disculp\w*|"
    r"desole|malheureusement|mi dispiace|purtroppo|przepraszam|niestety)\b"
)
_CONFIRMED = re.compile(
    r"\b(booked|confirmed|reserved|reservation (?:is|has been)|reference (?:number|code)|"
    r"ref(?:erence)?\s*#|successfully|all set|has been (?:sent|processed|refunded|updated|changed)|"
    r"gebucht|bestatigt|erledigt|reservado|confirmado|reserve|confirme|prenotato|confermato|"
    r"zarezerwowan\w*|potwierdz\w*)\b"
)


def apology(text: str) -> bool:
    """The employee apologises or says the request cannot be met."""
    return bool(_APOLOGY.search(normalise_text(text)))


def confirmed(text: str) -> bool:
    """The employee confirms the request was carried out."""
    return bool(_CONFIRMED.search(normalise_text(text)))


def thanks(text: str) -> bool:
    """The customer thanks or closes contentedly (any of the six languages)."""
    return bool(_THANKS.search(normalise_text(text)))


def unresolved(text: str) -> bool:
    """The customer says the problem persists or the answer did not help."""
    return bool(_UNRESOLVED.search(normalise_text(text)))


@dataclass(frozen=True)
class ContactView:
    """What the model reads of one contact. ``valences``/``intensities``/``labels`` and
    ``customer_texts`` are the customer turns in order; ``empathic`` one flag per annotated
    employee turn (any mechanism ≥ 1), empty when none is annotated."""

    customer_texts: Sequence[str]
    valences: Sequence[float]
    intensities: Sequence[float]
    labels: Sequence[str | None]
    n_employee_turns: int
    empathic: Sequence[bool] = ()
    repeats: int = 0
    effort_phrases: int = 0
    transfers: int = 0
    employee_texts: Sequence[str] = ()
    #: Per customer turn, the employee text since the previous customer turn (empty: the
    #: turn-pair model reads each customer turn alone).
    prev_employee_texts: Sequence[str] = ()


class CustomerScan(NamedTuple):
    """What the features read of one customer turn, from one pass over its text (one
    normalisation, each phrase pattern once). A new per-turn feature is one more field
    here and one more line in :func:`scan_customer`."""

    unresolved: bool  # the problem persists / the answer did not help
    question: bool  # the turn asks something ("?" anywhere)
    words: int  # whitespace-separated words


class EmployeeScan(NamedTuple):
    """What the features read of one employee turn (see :class:`CustomerScan`)."""

    apology: bool
    confirmed: bool
    question: bool  # the turn ends with a question


@functools.lru_cache(maxsize=1 << 14)
def scan_customer(text: str) -> CustomerScan:
    """One customer turn's scan. Cached (bounded) because it is a pure function of the
    text: the live card rescans the same turns on every card, and the cache changes no
    result."""
    return CustomerScan(unresolved(text), "?" in text, len(text.split()))


@functools.lru_cache(maxsize=1 << 14)
def scan_employee(text: str) -> EmployeeScan:
    """One employee turn's scan (cached like :func:`scan_customer`)."""
    norm = normalise_text(text)
    return EmployeeScan(
        bool(_APOLOGY.search(norm)),
        bool(_CONFIRMED.search(norm)),
        text.rstrip().endswith("?"),
    )


def features(c: ContactView) -> np.ndarray:
    """The :data:`FEATURES` row of one contact (NaN ``empathy_share`` when unknown).

    Each turn's text is read once (:func:`scan_customer`, :func:`scan_employee`) and the
    shares are counts over ``n`` (the same floats as the means of 0/1 flags they are:
    a sum of integers is exact), so a row costs a fraction of what one regex pass per
    feature did (issue 16 item 6). Raises ValueError without a scored customer turn:
    there is nothing to predict from."""
    v = np.asarray(c.valences, dtype=float)
    if v.size == 0:
        raise ValueError("no customer turn with an emotion")
    t = pe.peak_end_terms(v, np.asarray(c.intensities, dtype=float))
    n = v.size
    counts = Counter(c.labels)
    shares = [counts[e] / n for e in CX_EMOTIONS]
    texts = list(c.customer_texts)
    cs = [scan_customer(x) for x in texts]
    es = [scan_employee(x) for x in c.employee_texts]
    emp = list(c.empathic)
    row = [
        t.mean,
        t.first,
        t.peak,
        t.end,
        t.negative_peak,
        t.positive_peak,
        t.trend,
        int(np.count_nonzero(v <= -CLEAR_VALENCE)) / n,
        int(np.count_nonzero(v >= CLEAR_VALENCE)) / n,
        *shares,
        math.log1p(n),
        math.log1p(max(0, c.n_employee_turns)),
        float(bool(texts) and thanks(texts[-1])),
        float(min(3, sum(x.unresolved for x in cs))),
        float(min(3, c.repeats)),
        float(min(3, c.effort_phrases)),
        float(min(3, c.transfers)),
        sum(map(bool, emp)) / len(emp) if emp else float("nan"),
        _count_share([x.apology for x in es]),
        float(any(x.confirmed for x in es)),
        _count_share([x.question for x in es]),
        _count_share([x.question for x in cs]),
        math.log1p(sum(x.words for x in cs) / len(cs) if cs else 0.0),
    ]
    return np.asarray(row, dtype=float)


def _count_share(flags: Sequence[bool]) -> float:
    """Share of true ``flags`` (NaN for none: unknown, not 0)."""
    return sum(flags) / len(flags) if flags else float("nan")


# ---------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class CsatModel:
    """Ridge regression on standardised features, clipped to 1–5 (see the module docstring);
    ``turn_model`` computes the :data:`csat_turns.TURN_FEATURES` columns."""

    version: str
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    card: dict[str, Any] = field(default_factory=dict)
    turn_model: ct.TurnSatModel | None = None

    def row(self, contact: ContactView) -> np.ndarray:
        """The model's feature row of one contact (:data:`MODEL_FEATURES`)."""
        return np.concatenate([features(contact), ct.turn_features(contact, self.turn_model)])

    def predict_rows(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float).reshape(-1, len(self.features))
        x = np.where(np.isfinite(x), x, self.mean)  # unknown -> the training mean
        z = (x - self.mean) / self.scale
        return np.clip(z @ self.coef + self.intercept, CSAT_MIN, CSAT_MAX)

    def predict(self, contact: ContactView) -> float:
        return float(self.predict_rows(self.row(contact)[None, :])[0])

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "card": self.card,
            "turn_model": self.turn_model.to_json() if self.turn_model is not None else None,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CsatModel:
        feats = tuple(d["features"])
        if feats != MODEL_FEATURES:
            raise ValueError("the CSAT artefact was trained on other features; retrain it")
        return cls(
            version=str(d["version"]),
            features=feats,
            mean=np.asarray(d["mean"], dtype=float),
            scale=np.asarray(d["scale"], dtype=float),
            coef=np.asarray(d["coef"], dtype=float),
            intercept=float(d["intercept"]),
            card=dict(d.get("card", {})),
            turn_model=ct.TurnSatModel.from_json(d["turn_model"]) if d.get("turn_model") else None,
        )


def fit_ridge(
    x: np.ndarray,
    y: np.ndarray,
    alpha: float,
    version: str,
    turn_model: ct.TurnSatModel | None = None,
) -> CsatModel:
    """Closed-form ridge on standardised columns (NaN -> column mean); the intercept is
    not penalised."""
    x = np.asarray(x, dtype=float)
    mean = np.nanmean(np.where(np.isfinite(x), x, np.nan), axis=0)
    mean = np.where(np.isfinite(mean), mean, 0.0)
    x = np.where(np.isfinite(x), x, mean)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = (x - mean) / scale
    yc = y - y.mean()
    coef = np.linalg.solve(z.T @ z + alpha * np.eye(z.shape[1]), z.T @ yc)
    return CsatModel(
        version, MODEL_FEATURES, mean, scale, coef, float(y.mean()), turn_model=turn_model
    )


def load_model(path: Path | None = None) -> CsatModel | None:
    """The shipped CSAT model, or None when the artefact is missing (predictions are then
    unknown, with that reason)."""
    path = path or MODELS_DIR / ARTEFACT
    try:
        return CsatModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError):
        return None


# ---------------------------------------------------------------------------- calibration


@dataclass(frozen=True)
class QuantileCalibrator:
    """Maps a prediction to the survey answer at the same quantile.

    ``pred_q``/``survey_q`` are the quantiles (0, 1, …, 100 %) of the predictions of the
    surveyed contacts and of their answers; between them a prediction is interpolated
    linearly, so the map is monotone and ranking-preserving."""

    pred_q: np.ndarray
    survey_q: np.ndarray
    n_surveys: int

    def apply(self, predicted: np.ndarray | Sequence[float]) -> np.ndarray:
        p = np.asarray(predicted, dtype=float)
        return np.interp(p, self.pred_q, self.survey_q)

    @property
    def label(self) -> str:
        return f"quantile-matched to {self.n_surveys} surveys"


def fit_calibrator(
    predicted: Sequence[float], surveys: Sequence[float], min_surveys: int = MIN_SURVEYS
) -> tuple[QuantileCalibrator | None, str]:
    """Quantile matching of predictions to survey answers (paired or not: only the two
    distributions matter). Returns ``(None, reason)`` when there are too few surveys."""
    p = np.asarray([x for x in predicted if x is not None and math.isfinite(x)], dtype=float)
    s = np.asarray([x for x in surveys if x is not None and math.isfinite(x)], dtype=float)
    if s.size < min_surveys or p.size < min_surveys:
        return None, (
            f"not calibrated: {s.size} CSAT surveys (need {min_surveys}); "
            "the figure is on the model's USS scale"
        )
    qs = np.linspace(0.0, 1.0, 101)
    pred_q = np.maximum.accumulate(np.quantile(p, qs))
    # strictly increasing x for interp: ties (a flat run of predictions) are nudged apart
    pred_q = pred_q + np.arange(qs.size) * 1e-9
    cal = QuantileCalibrator(pred_q, np.quantile(s, qs), int(s.size))
    return cal, cal.label
