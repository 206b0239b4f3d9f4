"""Online learning of routing: a contextual bandit with Thompson sampling.

Why a bandit: which member ends a contact well depends on the member *and* on the state the
customer arrives in (an empathetic member matters most for an angry customer; a competent
one for everyone), and the only way to learn it without a labelled data set is to route,
watch how contacts end, and route better — while still trying members whose fit is
uncertain. Thompson sampling does that trade-off by drawing each member's expected reward
from its posterior: uncertain members are tried in proportion to their chance of being
best, and trying stops by itself as the posterior narrows.

The model (river style: ``predict_one`` / ``learn_one``), for contact state x and member m::

    reward ≈ g(x) + h_m(z)

* ``g`` — a shared Bayesian linear regression on the state (valence, intensity, need,
  channel, attempt, transfers, minutes waited): how well *any* contact in this state ends. It
  absorbs
  differences of case mix, so a member who only takes complaints is not judged worse for it.
* ``h_m`` — one small Bayesian linear regression per member on z = (1, negativity,
  intensity): how much better or worse than the baseline this member ends contacts, and
  how that changes with the customer's negative state. The two are fitted by online
  backfitting (each learns the residual of the other). Only *qualified* routings teach
  (the member had the skill and the language): an overflow pick made because nobody
  qualified was free says more about the queue than about the member.

Decision: among the *eligible* free members (the customer's language and the need's skill
— exactly the ``fifo`` baseline's qualified set), sample s_m ~ N(z·μ_m, min(zᵀΣ_m z, cap²))
and take the largest. The fallback is the baseline's: automation, skill overflow and
queueing are ``fifo``'s decisions, unchanged.

Bounded exploration, logged: the sampled spread is capped (``max_sample_sd``), and a draw
whose posterior-mean gap to the greedy member exceeds ``max_regret`` is overridden by the
greedy member — no exploratory choice is expected (under the current posterior) to cost
more than ``max_regret`` reward units. Every choice that differs from the greedy one is
counted, kept in ``explorations`` (the last ``log_size``) and logged at DEBUG level.

Reward: the contact's outcome, passed by the caller when the contact ends
(``learn(contact, served_by, outcome)``; the simulator calls it). Default: the remembered
(peak-end) score; ``emotional_outcome``, ``resolved`` or ``retention`` (−P(churn)) can be
chosen, or any callable.
"""

from __future__ import annotations

import logging
import math
import random
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from empathos.act.routing import (
    ContactRequest,
    FifoSkillsPolicy,
    PodState,
    RoutingDecision,
)

log = logging.getLogger(__name__)

NEEDS: tuple[str, ...] = (
    "billing",
    "technical",
    "sales",
    "complaint",
    "cancellation",
    "delivery",
    "account",
)
CHANNELS: tuple[str, ...] = ("voice", "chat", "email", "social", "self_service")
_NEED_INDEX = {n: i for i, n in enumerate(NEEDS)}
_CHANNEL_INDEX = {c: i for i, c in enumerate(CHANNELS)}
STATE_DIM = 7 + len(NEEDS) + len(CHANNELS)
MEMBER_DIM = 3


def state_features(c: ContactRequest) -> np.ndarray:
    """x for the shared baseline g: what is known of the contact when it is routed
    (emotion, attempt, transfers, minutes waited so far, need, channel)."""
    x = np.zeros(STATE_DIM)
    x[0] = 1.0
    x[1] = c.valence
    x[2] = c.intensity
    x[3] = max(0.0, -c.valence)
    x[4] = min(c.attempt, 3)
    x[5] = min(c.transfers, 2)
    x[6] = math.log1p(max(0.0, c.waited_min))  # a long wait sours the contact whoever answers
    i = _NEED_INDEX.get(c.need)
    if i is not None:
        x[7 + i] = 1.0
    j = _CHANNEL_INDEX.get(c.channel)
    if j is not None:
        x[7 + len(NEEDS) + j] = 1.0
    return x


def member_features(c: ContactRequest) -> np.ndarray:
    """z for a member's term h_m: intercept, how negative the customer is, how intense."""
    return np.array([1.0, max(0.0, 0.1 - c.valence), c.intensity])


class BayesLinear:
    """Bayesian linear regression with a Gaussian prior, updated one observation at a time.

    Known-noise conjugate update in covariance form (a Kalman step): O(d²) per
    observation, no matrix inversion, so thousands of updates a second in pure NumPy.
    ``noise_var`` is the reward noise σ²; ``prior_var`` the prior variance τ² of each weight.
    """

    def __init__(self, dim: int, prior_var: float = 1.0, noise_var: float = 0.1) -> None:
        self.mean = np.zeros(dim)
        self.cov = np.eye(dim) * prior_var
        self.noise_var = noise_var
        self.n = 0

    def predict_one(self, x: np.ndarray) -> float:
        """Posterior mean of x·w."""
        return float(x @ self.mean)

    def variance_one(self, x: np.ndarray) -> float:
        """Posterior variance of x·w (the model's uncertainty, without the noise)."""
        return float(x @ self.cov @ x)

    def learn_one(self, x: np.ndarray, y: float) -> None:
        sx = self.cov @ x
        denom = self.noise_var + float(x @ sx)
        self.mean += sx * ((y - float(x @ self.mean)) / denom)
        self.cov -= np.outer(sx, sx) / denom
        self.n += 1


def _emotional_outcome(o: Mapping[str, float]) -> float:
    """+1 improved, 0 unchanged, −1 worsened (end vs start valence, threshold 0.2 as in
    ``understand.peak_end.OUTCOME_THRESHOLD``)."""
    d = o.get("end", 0.0) - o.get("start", 0.0)
    return 1.0 if d > 0.2 else -1.0 if d < -0.2 else 0.0


REWARDS: dict[str, Callable[[Mapping[str, float]], float]] = {
    "remembered": lambda o: float(o["remembered"]),
    "emotional_outcome": _emotional_outcome,
    "resolved": lambda o: float(o["resolved"]),
    "retention": lambda o: -float(o["churn_probability"]),
}
"""Named rewards computed from a contact's outcome mapping."""


@dataclass(frozen=True, slots=True)
class Exploration:
    """One choice that differed from the greedy member: what it was expected to cost."""

    contact_id: str
    chosen: str
    greedy: str
    expected_gap: float  # posterior-mean reward of greedy minus chosen (≥ 0)
    at_min: float


class BanditPolicy:
    """Thompson-sampling routing among the eligible free members (see the module doc)."""

    name = "bandit"

    def __init__(
        self,
        reward: str | Callable[[Mapping[str, float]], float] = "remembered",
        prior_var: float = 0.05,
        baseline_prior_var: float = 1.0,
        noise_var: float = 0.1,
        max_sample_sd: float = 0.25,
        max_regret: float = 0.15,
        seed: int = 0,
        log_size: int = 1000,
        fallback: FifoSkillsPolicy | None = None,
    ) -> None:
        if isinstance(reward, str):
            try:
                reward = REWARDS[reward]
            except KeyError:
                raise ValueError(
                    f"unknown reward {reward!r}; available: {', '.join(sorted(REWARDS))}"
                ) from None
        self.reward_fn = reward
        self.prior_var = prior_var
        self.noise_var = noise_var
        self.max_sample_sd = max_sample_sd
        self.max_regret = max_regret
        self.rng = random.Random(seed)
        self.fallback = fallback or FifoSkillsPolicy()
        self.baseline = BayesLinear(STATE_DIM, baseline_prior_var, noise_var)
        self.members: dict[str, BayesLinear] = {}
        self.explorations: deque[Exploration] = deque(maxlen=log_size)
        self.n_decisions = 0  # choices among ≥ 2 eligible members
        self.n_explored = 0  # of which not the greedy member
        self.n_capped = 0  # draws overridden by the regret bound
        self.n_learned = 0
        self._pending: dict[str, list[tuple[str, ContactRequest, bool]]] = {}
        self._state: PodState | None = None  # the last state seen: who is qualified for what
        self._max_pending = 200_000

    # --- model ---------------------------------------------------------------------
    def _member(self, eid: str) -> BayesLinear:
        m = self.members.get(eid)
        if m is None:
            m = self.members[eid] = BayesLinear(MEMBER_DIM, self.prior_var, self.noise_var)
        return m

    def predict_one(self, contact: ContactRequest, employee_id: str) -> float:
        """Expected reward if ``employee_id`` handles ``contact`` (posterior mean)."""
        return self.baseline.predict_one(state_features(contact)) + self._member(
            employee_id
        ).predict_one(member_features(contact))

    def learn_one(self, contact: ContactRequest, employee_id: str, reward: float) -> None:
        """One observation: this member handled this contact and it ended with ``reward``
        (backfitting: each part learns what the other does not explain)."""
        x, z = state_features(contact), member_features(contact)
        m = self._member(employee_id)
        self.baseline.learn_one(x, reward - m.predict_one(z))
        m.learn_one(z, reward - self.baseline.predict_one(x))
        self.n_learned += 1

    # --- policy --------------------------------------------------------------------
    def route(self, contact: ContactRequest, state: PodState) -> RoutingDecision:
        self._state = state
        d = self.fallback.route(contact, state)
        if d.employee_id is None or d.fell_back or len(d.scores) < 2:
            if d.employee_id is not None:
                self._remember(contact, d.employee_id, qualified=not d.fell_back)
            return d
        try:
            chosen, scores, greedy, gap, capped = self._choose(contact, list(d.scores))
        except (
            FloatingPointError,
            ValueError,
            np.linalg.LinAlgError,
        ) as exc:  # model failure → baseline
            log.warning("bandit model failed (%s); fifo decides", exc)
            d.fell_back = True
            d.reason = f"bandit failed ({exc}); {d.reason}"
            self._remember(contact, d.employee_id)
            return d
        self.n_decisions += 1
        self.n_capped += capped
        reason = "thompson sample among eligible members"
        if chosen != greedy and gap > 1e-12:  # a tie with the greedy member costs nothing
            self.n_explored += 1
            rec = Exploration(contact.contact_id, chosen, greedy, gap, state.now)
            self.explorations.append(rec)
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "explore %s: %s instead of %s (expected cost %.3f)",
                    rec.contact_id,
                    chosen,
                    greedy,
                    gap,
                )
            reason += f" (exploring; expected cost {gap:.3f})"
        m = state.members[chosen]
        self._remember(contact, chosen)
        return RoutingDecision(pod_id=m.pod_id, employee_id=chosen, scores=scores, reason=reason)

    def _choose(
        self, contact: ContactRequest, eligible: list[str]
    ) -> tuple[str, dict[str, float], str, float, bool]:
        """Thompson draw per member (capped spread); the regret bound overrides costly draws.
        The baseline g(x) is the same for every member, so only h_m decides."""
        z = member_features(contact)
        gauss = self.rng.gauss
        cap = self.max_sample_sd
        means: dict[str, float] = {}
        scores: dict[str, float] = {}
        for eid in eligible:
            m = self._member(eid)
            mu = float(z @ m.mean)
            sd = min(math.sqrt(max(0.0, float(z @ m.cov @ z))), cap)
            means[eid] = mu
            scores[eid] = mu + sd * gauss(0.0, 1.0)
        greedy = max(means, key=means.__getitem__)
        chosen = max(scores, key=scores.__getitem__)
        gap = means[greedy] - means[chosen]
        capped = gap > self.max_regret
        if capped:
            chosen, gap = greedy, 0.0
        return chosen, scores, greedy, gap, capped

    def _remember(self, contact: ContactRequest, employee_id: str, qualified: bool = True) -> None:
        """Keep the contact's state as it was when this member was chosen (the caller
        mutates the request afterwards: waits and transfers change it), and whether the
        member was qualified (an overflow pick is not evidence about fit)."""
        snap = ContactRequest(
            contact_id=contact.contact_id,
            customer_id=contact.customer_id,
            channel=contact.channel,
            need=contact.need,
            language=contact.language,
            valence=contact.valence,
            intensity=contact.intensity,
            attempt=contact.attempt,
            transfers=contact.transfers,
            waited_min=contact.waited_min,
        )
        self._pending.setdefault(contact.contact_id, []).append((employee_id, snap, qualified))
        if len(self._pending) > self._max_pending:  # outcomes that never came back
            self._pending.pop(next(iter(self._pending)))

    def learn(
        self, contact: ContactRequest, served_by: Sequence[str], outcome: Mapping[str, float]
    ) -> None:
        """A contact ended: every member who served it learns its reward, with the state
        the contact was in when they were chosen (or its final state for contacts another
        policy routed, e.g. the control arm)."""
        routed = {eid: (snap, ok) for eid, snap, ok in self._pending.pop(contact.contact_id, ())}
        if not served_by:
            return
        r = self.reward_fn(outcome)
        if not math.isfinite(r):
            return
        for eid in served_by:
            snap, qualified = routed.get(eid, (contact, self._qualified(contact, eid)))
            if (
                qualified
            ):  # overflow picks (no skill or language) would blame the member for the queue
                self.learn_one(snap, eid, r)

    def _qualified(self, contact: ContactRequest, employee_id: str) -> bool:
        """Had the member the need's skill and the customer's language (for contacts
        another policy routed; unknown members count as qualified)."""
        m = self._state.members.get(employee_id) if self._state is not None else None
        return m is None or (contact.need in m.skills and contact.language in m.languages)

    def stats(self) -> dict[str, float]:
        """How much the policy explored and learned (for reports and logs)."""
        return {
            "decisions": self.n_decisions,
            "explored": self.n_explored,
            "capped": self.n_capped,
            "explore_rate": self.n_explored / self.n_decisions if self.n_decisions else 0.0,
            "learned": self.n_learned,
            "members": len(self.members),
        }


def warm_start(
    policy: BanditPolicy,
    engine: object,
    since: object | None = None,
    reward: str = "remembered",
) -> int:
    """Teach ``policy`` from stored history: every scored interaction with an employee,
    oldest first, as if its outcome had just arrived. Returns the number learned.

    Why: a router that starts from its prior explores for thousands of contacts; the store
    already knows how past contacts ended. The state is what a router would have seen — the
    first customer turn's emotion (``turn_emotions`` of the annotation model that scored
    the contact) and the interaction's need, channel, attempt and transfers — and the
    reward the stored ``remembered`` score (``reward="remembered"``) or the emotional
    outcome (``"emotional_outcome"``: improved +1, unchanged 0, worsened −1). Contacts a
    transfer passed through several members credit the last (the only one stored on the
    interaction). Uses only what the store holds; no simulator truth.
    """
    from sqlalchemy import select

    from empathos.store.schema import interaction_scores as s
    from empathos.store.schema import interactions as i
    from empathos.store.schema import turn_emotions as te

    if reward not in ("remembered", "emotional_outcome"):
        raise ValueError(f"warm_start learns remembered or emotional_outcome, not {reward!r}")
    outcome_value = {"improved": 1.0, "unchanged": 0.0, "worsened": -1.0}
    q = (
        select(
            i.c.interaction_id,
            i.c.customer_id,
            i.c.employee_id,
            i.c.channel,
            i.c.need,
            i.c.attributes,
            s.c.remembered,
            s.c.outcome,
            s.c.model,
            s.c.version,
        )
        .select_from(i.join(s, s.c.interaction_id == i.c.interaction_id))
        .where(i.c.employee_id.is_not(None), s.c.remembered.is_not(None))
        .order_by(i.c.ended_at, i.c.interaction_id)
    )
    if since is not None:
        q = q.where(i.c.started_at >= since)
    learned = 0
    seen: set[str] = set()
    with engine.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(q).all()
        first_turn: dict[tuple[str, str, str], tuple[float, float]] = {}
        for model, version in {(r.model, r.version) for r in rows}:
            for iid, val, inten in conn.execute(
                select(te.c.interaction_id, te.c.valence, te.c.intensity)
                .where(te.c.model == model, te.c.version == version)
                .order_by(te.c.interaction_id, te.c.seq.desc())
            ):
                first_turn[(iid, model, version)] = (
                    val,
                    inten,
                )  # descending seq: the first turn wins
    for r in rows:
        if r.interaction_id in seen:  # one score row per contact (several empathy models)
            continue
        seen.add(r.interaction_id)
        y = r.remembered if reward == "remembered" else outcome_value.get(r.outcome)
        if y is None:
            continue
        val, inten = first_turn.get((r.interaction_id, r.model, r.version), (0.0, 0.0))
        attrs = r.attributes or {}
        c = ContactRequest(
            contact_id=r.interaction_id,
            customer_id=r.customer_id or "",
            channel=r.channel,
            need=r.need or "",
            language="",
            valence=float(val),
            intensity=float(inten),
            attempt=int(attrs.get("attempt", 0) or 0),
            transfers=int(attrs.get("transfers", 0) or 0),
        )
        policy.learn_one(c, r.employee_id, float(y))
        learned += 1
    return learned
