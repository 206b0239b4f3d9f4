"""Churn risk per customer: LightGBM, Platt-calibrated, explained by SHAP contributions.

Why this design:

* **Gradient boosting** (LightGBM) takes the mixed, partly missing features of
  :mod:`empathos.predict.features` as they are (NaN = "never contacted us", not 0) and finds
  interactions (a bad last contact matters more for a customer who already has a bad
  memory) without hand-made terms.
* **Calibration by Platt scaling on out-of-fold scores.** Boosted trees rank well but their
  probabilities drift; value at risk multiplies P(churn) by money, so the probability must
  mean what it says. Platt scaling (a logistic regression on the raw logit, fitted on
  out-of-fold predictions so it never sees its own training fit) is *affine in the logit*:
  calibrated logit = a · raw logit + b. That keeps the explanation exact — LightGBM's
  ``pred_contrib`` (TreeSHAP) splits the raw logit into per-feature contributions plus a
  bias; multiplying them by ``a`` (and adding ``b`` to the bias) gives contributions that
  sum to the calibrated logit. Isotonic calibration would not allow that.
* **Time-based evaluation.** Train on features as of an earlier cut-off with labels from
  the window after it; test on a later cut-off whose label window lies after the training
  labels. No customer-level random split: churn prediction is used forward in time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from empathos.predict import features as feat
from empathos.predict.value_at_risk import Driver

__all__ = [
    "MODEL_NAME",
    "ChurnConfig",
    "ChurnEvaluation",
    "ChurnModel",
    "InsufficientData",
    "drivers_from",
    "evaluate_churn",
    "fit_churn",
    "plot_reliability",
    "reliability_table",
    "snapshot_dates",
    "stacked_training_set",
    "training_set",
]

MODEL_NAME = "churn.lgbm_platt.v1"


class InsufficientData(ValueError):
    """Too few customers or churners to fit a model."""


@dataclass(frozen=True, slots=True)
class ChurnConfig:
    """Model and evaluation settings.

    window_days: the label window — "churns within the next 14 days".
    snapshot_step_days, train_snapshots: training stacks several snapshots (features as of
        t, labels in (t, t + window]) taken every step days, the latest one ending its
        label window at the training cut-off. More snapshots = more churners to learn
        from; a customer appears once per snapshot, always with only their past.
    min_history_days: no snapshot earlier than this after the first contact in the store
        (features of an empty history say nothing).
    train_customers_per_snapshot: the most customers one training snapshot holds; above
        it a seeded uniform sample of that many (seed + the snapshot's position), so the
        training matrix is bounded (~snapshots × this × 28 float64, ≈ 90 MB at 100,000)
        however many customers the store has. At or below it nothing changes.
    The LightGBM defaults are deliberately small (shallow trees, strong minimum leaf
    size, row/column subsampling): a few thousand customers with a few percent churners
    is the common case, and a big model only memorises them.
    """

    window_days: float = 14.0
    snapshot_step_days: float = 7.0
    train_snapshots: int = 4
    min_history_days: float = 7.0
    n_estimators: int = 200
    learning_rate: float = 0.03
    num_leaves: int = 7
    min_child_samples: int = 20
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    reg_lambda: float = 1.0
    calibration_folds: int = 3
    min_positives: int = 5
    seed: int = 0
    n_jobs: int = 1  # measured: 2 threads were 15x slower on a busy 2-core box
    # the training matrix's bound: a snapshot with more active customers trains on a
    # seeded sample of this many (docs/scale.md, predict's memory); None = all of them
    train_customers_per_snapshot: int | None = 100_000

    def lgbm_params(self) -> dict[str, Any]:
        return dict(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            subsample=self.subsample,
            subsample_freq=1,
            colsample_bytree=self.colsample_bytree,
            reg_lambda=self.reg_lambda,
            random_state=self.seed,
            n_jobs=self.n_jobs,
            deterministic=True,
            force_col_wise=True,
            verbose=-1,
        )


@dataclass
class ChurnModel:
    """A fitted churn model: the booster, its Platt scaling and what it was trained on."""

    booster: Any  # lightgbm.LGBMClassifier
    features: tuple[str, ...]
    platt_a: float
    platt_b: float
    n_train: int
    n_positive: int
    trained_as_of: datetime | None = None
    model_name: str = MODEL_NAME

    def _x(self, X: pd.DataFrame) -> pd.DataFrame:
        return X.loc[:, list(self.features)].astype(float)

    def logit(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated log-odds of churn."""
        raw = self.booster.predict(self._x(X), raw_score=True)
        return self.platt_a * np.asarray(raw, dtype=float) + self.platt_b

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated P(churn within the window)."""
        return 1.0 / (1.0 + np.exp(-self.logit(X)))

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per customer and feature, the contribution to the calibrated logit (TreeSHAP via
        ``pred_contrib``, scaled by Platt's slope); column ``bias`` holds the rest. Each row
        sums to :meth:`logit` exactly (up to float rounding)."""
        contrib = np.asarray(self.booster.predict(self._x(X), pred_contrib=True), dtype=float)
        scaled = contrib * self.platt_a
        scaled[:, -1] += self.platt_b
        return pd.DataFrame(scaled, index=X.index, columns=[*self.features, "bias"])

    def drivers(self, X: pd.DataFrame, top: int = 5) -> dict[str, list[Driver]]:
        """The ``top`` features with the largest absolute contribution per customer
        (positive raises risk), strongest first — the input of ``avoidable_churn``."""
        return drivers_from(self.contributions(X), top)


def drivers_from(contributions: pd.DataFrame, top: int = 5) -> dict[str, list[Driver]]:
    """:meth:`ChurnModel.drivers` from contributions already computed (TreeSHAP is the
    dear part of scoring: ``predict`` computes it once for both). One stable argsort of
    the whole matrix, row by row the same order as a per-row stable argsort."""
    contrib = contributions.drop(columns="bias")
    out: dict[str, list[Driver]] = {}
    values = contrib.to_numpy()
    names = [str(n) for n in contrib.columns]
    if values.size == 0:
        return {str(cid): [] for cid in contrib.index}
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :top]
    picked = np.take_along_axis(values, order, axis=1)
    for cid, idx, vals in zip(contrib.index, order.tolist(), picked.tolist(), strict=True):
        out[str(cid)] = [Driver(names[j], v) for j, v in zip(idx, vals, strict=True) if v != 0]
    return out


def _lgbm(config: ChurnConfig) -> Any:
    import lightgbm as lgb

    return lgb.LGBMClassifier(**config.lgbm_params())


def fit_churn(
    X: pd.DataFrame,
    y: pd.Series | np.ndarray,
    features: Sequence[str] = feat.FEATURES,
    config: ChurnConfig | None = None,
    trained_as_of: datetime | None = None,
) -> ChurnModel:
    """Fit LightGBM on ``X[features]``, then Platt-scale it on out-of-fold raw scores."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    cfg = config or ChurnConfig()
    cols = list(features)
    Xf = X.loc[:, cols].astype(float)
    yv = np.asarray(y, dtype=int)
    n_pos = int(yv.sum())
    if n_pos < cfg.min_positives or len(yv) - n_pos < cfg.min_positives:
        raise InsufficientData(
            f"{n_pos} churners among {len(yv)} customers; need at least "
            f"{cfg.min_positives} of each class"
        )
    folds = max(2, min(cfg.calibration_folds, n_pos))
    oof = np.zeros(len(yv))
    for train, held in StratifiedKFold(folds, shuffle=True, random_state=cfg.seed).split(Xf, yv):
        model = _lgbm(cfg).fit(Xf.iloc[train], yv[train])
        oof[held] = model.predict(Xf.iloc[held], raw_score=True)
    platt = LogisticRegression(C=1e6).fit(oof.reshape(-1, 1), yv)
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    booster = _lgbm(cfg).fit(Xf, yv)
    return ChurnModel(booster, tuple(cols), a, b, len(yv), n_pos, trained_as_of)


def training_set(
    engine: Engine,
    as_of: datetime,
    window_days: float,
    score_model: feat.ScoreModel | None = None,
    *,
    max_customers: int | None = None,
    seed: int = 0,
    partition_size: int = feat.FEATURE_PARTITION,
) -> tuple[pd.DataFrame, pd.Series]:
    """Features as of ``as_of`` and churn labels in (as_of, as_of + window].

    ``max_customers``: above that many active customers, a seeded uniform sample of that
    many (``numpy`` ``default_rng(seed)``, sorted back into id order) is used instead of all
    of them — the bound on the training matrix's memory (``ChurnConfig``); at or below it
    every customer is used and the set is the one the unbounded call returns. The
    features are built ``partition_size`` customers at a time
    (:func:`empathos.predict.features.feature_partitions`)."""
    sample = None  # None: every active customer (feature_partitions lists them)
    if max_customers is not None:
        ids = feat.active_customers(engine, as_of)
        if len(ids) > max_customers:
            pick = np.random.default_rng(seed).choice(len(ids), size=max_customers, replace=False)
            sample = [ids[j] for j in np.sort(pick)]
    one = feat.ONE_FRAME_CUSTOMERS
    parts = list(feat.feature_partitions(engine, as_of, score_model, partition_size, sample, one))
    X = pd.concat(parts) if parts else feat.customer_features(engine, as_of, score_model)
    return X, feat.churn_labels(engine, X.index, as_of, window_days)


def snapshot_dates(
    cutoff: datetime, config: ChurnConfig, first: datetime | None = None
) -> list[datetime]:
    """Training snapshot dates whose label windows all end at or before ``cutoff``."""
    last = cutoff - timedelta(days=config.window_days)
    dates = [
        last - timedelta(days=k * config.snapshot_step_days) for k in range(config.train_snapshots)
    ]
    if first is not None:
        dates = [d for d in dates if d >= first + timedelta(days=config.min_history_days)]
    return sorted(dates)


def stacked_training_set(
    engine: Engine,
    dates: Sequence[datetime],
    window_days: float,
    score_model: feat.ScoreModel | None = None,
    config: ChurnConfig | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Snapshots at ``dates`` stacked (index: customer_id; column ``as_of`` kept apart).
    Each snapshot has at most ``config.train_customers_per_snapshot`` customers (a seeded
    sample above it, seed ``config.seed`` + the snapshot's position: :func:`training_set`)."""
    cfg = config or ChurnConfig()
    xs, ys = [], []
    for k, d in enumerate(dates):
        X, y = training_set(
            engine,
            d,
            window_days,
            score_model,
            max_customers=cfg.train_customers_per_snapshot,
            seed=cfg.seed + k,
        )
        xs.append(X.assign(as_of=d))
        ys.append(y)
    if not xs:
        raise InsufficientData("no training snapshot fits before the cut-off")
    return pd.concat(xs), pd.concat(ys)


# ---------------------------------------------------------------------------- evaluation


def reliability_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Predicted vs observed churn rate by bin of predicted probability.

    Bins are quantiles of the prediction (equal counts), because churn probabilities
    crowd near 0 and equal-width bins would leave most of them empty.
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, max(len(edges) - 2, 0))
    rows = []
    for k in np.unique(which):
        m = which == k
        rows.append(
            {
                "bin": int(k),
                "n": int(m.sum()),
                "p_low": float(p[m].min()),
                "p_high": float(p[m].max()),
                "mean_predicted": float(p[m].mean()),
                "observed_rate": float(y[m].mean()),
            }
        )
    return pd.DataFrame(rows)


def plot_reliability(table: pd.DataFrame, path: str | Path, title: str = "") -> Path:
    """A reliability diagram (predicted vs observed, with the diagonal) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=110)
    hi = float(max(table["mean_predicted"].max(), table["observed_rate"].max(), 0.05)) * 1.1
    ax.plot([0, hi], [0, hi], ls="--", color="grey", lw=1, label="perfect")
    ax.plot(table["mean_predicted"], table["observed_rate"], marker="o", label="model")
    ax.set_xlabel("mean predicted P(churn)")
    ax.set_ylabel("observed churn rate")
    ax.set_xlim(0, hi)
    ax.set_ylim(0, hi)
    ax.set_title(title or "churn reliability", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


@dataclass
class ChurnEvaluation:
    """A time-split evaluation: train_as_of is the last training snapshot, test_as_of the
    first test snapshot (all dates in train_dates / test_dates)."""

    train_as_of: datetime
    test_as_of: datetime
    window_days: float
    n_train: int
    n_train_positive: int
    n_test: int
    n_test_positive: int
    auc: float
    brier: float
    brier_base_rate: float  # Brier of predicting the training churn rate for everyone
    reliability: pd.DataFrame
    ablation: dict[str, dict[str, float]] = field(default_factory=dict)
    model: ChurnModel | None = None
    test_X: pd.DataFrame | None = None
    test_y: pd.Series | None = None
    train_X: pd.DataFrame | None = None
    train_y: pd.Series | None = None
    predictions: dict[str, np.ndarray] = field(default_factory=dict)  # per feature set, on test_X
    train_dates: list[str] = field(default_factory=list)
    test_dates: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "train_as_of": self.train_as_of.isoformat(),
            "test_as_of": self.test_as_of.isoformat(),
            "window_days": self.window_days,
            "n_train": self.n_train,
            "n_train_positive": self.n_train_positive,
            "n_test": self.n_test,
            "n_test_positive": self.n_test_positive,
            "auc": self.auc,
            "brier": self.brier,
            "brier_base_rate": self.brier_base_rate,
            "reliability": self.reliability.to_dict(orient="records"),
            "ablation": self.ablation,
            "train_dates": self.train_dates,
            "test_dates": self.test_dates,
        }


FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "all (base + surveys + emotional)": feat.FEATURES,
    "without emotional (base + surveys)": feat.BASE_FEATURES + feat.SURVEY_FEATURES,
    "base only (RFM, tenure, contacts)": feat.BASE_FEATURES,
    "emotional only": feat.EMOTIONAL_FEATURES,
}


def evaluate_churn(
    engine: Engine,
    split_at: datetime,
    config: ChurnConfig | None = None,
    score_model: feat.ScoreModel | None = None,
    feature_sets: dict[str, tuple[str, ...]] | None = None,
    test_snapshots: int | None = None,
) -> ChurnEvaluation:
    """Time split at ``split_at``: train on snapshots whose label windows end by then, test
    on snapshots taken at ``split_at`` and every step after (while their label window fits
    in the data). AUC, Brier and reliability are pooled over the test snapshots; the
    ablation refits the same way on each feature set."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    cfg = config or ChurnConfig()
    sm = score_model or feat.latest_score_model(engine)
    first, last = feat.data_span(engine)
    if first is None or last is None:
        raise InsufficientData("no interactions in the store")
    train_dates = snapshot_dates(split_at, cfg, first)
    test_dates = []
    d = split_at
    while d + timedelta(days=cfg.window_days) <= last and (
        test_snapshots is None or len(test_dates) < test_snapshots
    ):
        test_dates.append(d)
        d += timedelta(days=cfg.snapshot_step_days)
    if not test_dates:
        raise InsufficientData("no test snapshot fits: the data end before split + window")
    Xtr, ytr = stacked_training_set(engine, train_dates, cfg.window_days, sm, cfg)
    test_cfg = replace(cfg, train_customers_per_snapshot=None)  # the test: every customer
    Xte, yte = stacked_training_set(engine, test_dates, cfg.window_days, sm, test_cfg)
    if yte.sum() == 0 or yte.sum() == len(yte):
        raise InsufficientData("the test snapshots have only one class")
    model = fit_churn(Xtr, ytr, feat.FEATURES, cfg, split_at)
    p = model.predict_proba(Xte)
    base = float(ytr.mean())
    ablation: dict[str, dict[str, float]] = {}
    predictions: dict[str, np.ndarray] = {}
    for name, cols in (feature_sets or FEATURE_SETS).items():
        m = model if cols == feat.FEATURES else fit_churn(Xtr, ytr, cols, cfg, split_at)
        pp = m.predict_proba(Xte)
        predictions[name] = pp
        ablation[name] = {
            "auc": float(roc_auc_score(yte, pp)),
            "brier": float(brier_score_loss(yte, pp)),
            "n_features": len(cols),
        }
    return ChurnEvaluation(
        train_as_of=train_dates[-1],
        test_as_of=test_dates[0],
        window_days=cfg.window_days,
        n_train=len(ytr),
        n_train_positive=int(ytr.sum()),
        n_test=len(yte),
        n_test_positive=int(yte.sum()),
        auc=float(roc_auc_score(yte, p)),
        brier=float(brier_score_loss(yte, p)),
        brier_base_rate=float(brier_score_loss(yte, np.full(len(yte), base))),
        reliability=reliability_table(yte.to_numpy(), p),
        ablation=ablation,
        model=model,
        test_X=Xte,
        test_y=yte,
        train_X=Xtr,
        train_y=ytr,
        predictions=predictions,
        train_dates=[x.isoformat() for x in train_dates],
        test_dates=[x.isoformat() for x in test_dates],
    )
