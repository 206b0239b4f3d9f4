"""Synthetic purchase histories drawn from the BG/NBD process with known parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betaln, gammaln

from empathos.predict.clv import BGNBDParams, GammaGammaParams

DEFAULT_SPEND = GammaGammaParams(p=6.0, q=4.0, v=15.0)


def simulate_bgnbd(
    params: BGNBDParams,
    n: int,
    seed: int,
    t_min: float = 26.0,
    t_max: float = 52.0,
    spend: GammaGammaParams = DEFAULT_SPEND,
) -> pd.DataFrame:
    """Summary rows (customer_id, frequency, recency, T, monetary) from the BG/NBD story.

    Each customer makes a first purchase at 0 and is watched for T ~ U(t_min, t_max);
    purchases follow a Poisson process with rate λ ~ Gamma(r, rate α); after each *repeat*
    purchase the customer drops out with probability p ~ Beta(a, b) (FHL 2005, §3).
    Spend follows the Gamma-Gamma story: ν ~ Gamma(q, rate v) per customer, each repeat
    purchase ~ Gamma(p, rate ν); the defaults give a population mean p·v/(q−1) = 30.
    """
    rng = np.random.default_rng(seed)
    lam = rng.gamma(params.r, 1.0 / params.alpha, n)
    p = rng.beta(params.a, params.b, n)
    T = rng.uniform(t_min, t_max, n)
    nu = rng.gamma(spend.q, 1.0 / spend.v, n)
    freq = np.zeros(n)
    rec = np.zeros(n)
    money = np.zeros(n)
    for i in range(n):
        t = 0.0
        spent = []
        while True:
            t += rng.exponential(1.0 / lam[i]) if lam[i] > 0 else np.inf
            if t > T[i]:
                break
            spent.append(rng.gamma(spend.p, 1.0 / nu[i]))
            rec[i] = t
            if rng.random() < p[i]:
                break
        freq[i] = len(spent)
        money[i] = float(np.mean(spent)) if spent else 0.0
    return pd.DataFrame(
        {"customer_id": np.arange(n), "frequency": freq, "recency": rec, "T": T, "monetary": money}
    )


def bgnbd_log_likelihood(params: BGNBDParams, summary: pd.DataFrame) -> float:
    """The BG/NBD log-likelihood (FHL 2005 eq. 6), written out independently of the fit."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    x = summary["frequency"].to_numpy(float)
    t_x = summary["recency"].to_numpy(float)
    T = summary["T"].to_numpy(float)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(
        x > 0,
        np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))
