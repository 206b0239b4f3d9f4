"""Automation triage: should a bot (self-service) or a person take this contact?

The rule of the practice: simple, calm requests go to automation; emotional, complex,
high-value-at-risk or repeat contacts go to people. Bots are cheap and fast for "where is
my parcel" from a calm customer, and expensive when they meet an angry customer on the
third call about the same bill — that customer's *remembered* experience is decided by the
peak and the end of the contact, and a bot loop makes a bad peak.

The triage is a fixed, ordered list of named rules, so every decision is auditable: the
first rule that sends the contact to a person is named in :attr:`TriageDecision.rule`,
every rule that fired is listed in :attr:`TriageDecision.fired`, and the inputs it read are
copied into :attr:`TriageDecision.inputs`. All thresholds live in :class:`TriageConfig`
(documented defaults, loadable from a dict or the ``triage`` section of a YAML file).

Pure and cheap (a handful of comparisons): it runs on every routing decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from empathos.understand import bands
from empathos.act.routing import ContactRequest

#: The CX emotions that mean distress (same labels as ``empathos.understand`` uses).
DISTRESS_EMOTIONS: frozenset[str] = frozenset({"anger", "frustration", "anxiety", "sadness"})


@dataclass(frozen=True)
class TriageConfig:
    """Thresholds of the automation triage. Defaults and why:

    * ``automation_channels`` = self_service: the channels where a bot actually sits. In
      the simulator (and most centres) a bot answers only self-service; add ``chat`` when
      a chat bot is deployed. A contact on any other channel always goes to a person.
    * ``automatable_needs`` = account, delivery, billing: the needs a bot resolves often
      (the simulator's bot resolves 60 %, 55 % and 35 % of them; technical 25 %, sales
      20 %, cancellation 10 %, complaint 5 %). Complaints and cancellations are also the
      contacts where a person saves the relationship.
    * ``max_intensity`` = 0.5: above it the customer feels strongly (0 … 1 scale); a calm
      customer sits around 0.2–0.4.
    * ``min_valence``: the calibrated negative band (``understand/bands.py``; −0.3 before it
      was derived): below it the customer is clearly negative (−1 … 1).
    * ``distress_emotions`` = anger, frustration, anxiety, sadness: any of these labels on
      the first turn sends the contact to a person whatever its intensity.
    * ``max_value_at_risk`` = 500: value at risk (churn risk × value when the churn risk
      is known, else the value itself) at or above it gets a person — losing that
      customer costs more than a person's minutes.
    * ``max_attempt`` = 0: any re-contact about the same need (attempt ≥ 1) goes to a
      person; the first contact did not solve it.
    * ``max_transfers`` = 0: a contact that has already been transferred goes to a person.
    """

    automation_channels: frozenset[str] = frozenset({"self_service"})
    automatable_needs: frozenset[str] = frozenset({"account", "delivery", "billing"})
    max_intensity: float = 0.5
    min_valence: float = bands.NEGATIVE
    distress_emotions: frozenset[str] = DISTRESS_EMOTIONS
    max_value_at_risk: float = 500.0
    max_attempt: int = 0
    max_transfers: int = 0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> TriageConfig:
        """Build from a mapping (e.g. a YAML section); unknown keys fail with the valid ones.

        Lists become frozensets; missing keys keep their defaults."""
        data = dict(data or {})
        valid = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(valid))
        if unknown:
            raise ValueError(f"unknown triage setting(s) {unknown}; valid: {sorted(valid)}")
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            default = getattr(cls, key)
            if isinstance(default, frozenset):
                if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
                    raise ValueError(f"triage setting {key!r} must be a list, got {value!r}")
                kwargs[key] = frozenset(str(v) for v in value)
            else:
                try:
                    kwargs[key] = type(default)(value)
                except (TypeError, ValueError):
                    raise ValueError(
                        f"triage setting {key!r} must be a number, got {value!r}"
                    ) from None
        return cls(**kwargs)

    @classmethod
    def from_yaml(cls, path: str | Path, section: str = "triage") -> TriageConfig:
        """Read the ``section`` mapping of a YAML file (the whole file if it has none)."""
        import yaml

        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(doc, dict):
            raise ValueError(f"{path}: expected a mapping at the top level")
        part = doc.get(section, doc)
        try:
            return cls.from_dict(part)
        except ValueError as exc:
            raise ValueError(f"{path}: {section}: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (sets as sorted lists), e.g. to store with a decision."""
        return {k: sorted(v) if isinstance(v, frozenset) else v for k, v in asdict(self).items()}


@dataclass(slots=True)
class TriageDecision:
    """The triage's answer: ``automate`` or not, the deciding rule, a sentence, the inputs.

    ``rule`` is the first person-rule that fired (or ``calm_simple`` when automated);
    ``fired`` lists every person-rule that fired, so an audit sees all the reasons."""

    automate: bool
    rule: str
    reason: str
    inputs: dict[str, Any]
    fired: tuple[str, ...] = field(default=())


def value_at_risk(request: ContactRequest) -> float:
    """Churn risk × value when the churn risk is known, else the value itself (the
    caller may already pass value at risk in ``value``)."""
    if request.churn_risk is None:
        return float(request.value)
    return float(request.churn_risk) * float(request.value)


_REASONS: dict[str, str] = {
    "bot_already_tried": "the bot already tried and handed over",
    "channel_not_automated": "no bot serves the {channel} channel",
    "repeat_contact": "the customer is back about the same need (attempt {attempt})",
    "transferred": "the contact has already been transferred {transfers} time(s)",
    "high_intensity": (
        "the customer feels strongly (intensity {intensity:.2f} > {max_intensity:.2f})"
    ),
    "negative_valence": "the customer is negative (valence {valence:.2f} < {min_valence:.2f})",
    "distress_emotion": "the customer shows {emotion}",
    "high_value_at_risk": "a lot is at risk ({value_at_risk:.0f} >= {max_value_at_risk:.0f})",
    "complex_need": "a bot rarely resolves '{need}'",
}


def _fired_rules(r: ContactRequest, c: TriageConfig, var: float) -> list[str]:
    """Every person-rule that holds, in the documented order."""
    checks = (
        ("bot_already_tried", r.bot_tried),
        ("channel_not_automated", r.channel not in c.automation_channels),
        ("repeat_contact", r.attempt > c.max_attempt),
        ("transferred", r.transfers > c.max_transfers),
        ("high_intensity", r.intensity > c.max_intensity),
        ("negative_valence", r.valence < c.min_valence),
        ("distress_emotion", r.emotion is not None and r.emotion in c.distress_emotions),
        ("high_value_at_risk", var >= c.max_value_at_risk),
        ("complex_need", r.need not in c.automatable_needs),
    )
    return [name for name, hit in checks if hit]


def triage(request: ContactRequest, config: TriageConfig = TriageConfig()) -> TriageDecision:
    """Automation or a person for ``request``; the first rule that fires decides.

    Person-rules in order: bot_already_tried, channel_not_automated, repeat_contact,
    transferred, high_intensity, negative_valence, distress_emotion, high_value_at_risk,
    complex_need. If none fires the contact is calm and simple → automation
    (rule ``calm_simple``)."""
    var = value_at_risk(request)
    inputs: dict[str, Any] = {
        "channel": request.channel,
        "need": request.need,
        "emotion": request.emotion,
        "valence": request.valence,
        "intensity": request.intensity,
        "value_at_risk": var,
        "attempt": request.attempt,
        "transfers": request.transfers,
        "bot_tried": request.bot_tried,
    }
    fired = _fired_rules(request, config, var)
    if not fired:
        return TriageDecision(
            automate=True,
            rule="calm_simple",
            reason=f"calm, simple '{request.need}' request: self-service first",
            inputs=inputs,
        )
    rule = fired[0]
    fmt = {
        **inputs,
        "max_intensity": config.max_intensity,
        "min_valence": config.min_valence,
        "max_value_at_risk": config.max_value_at_risk,
    }
    reason = "to a person: " + _REASONS[rule].format(**fmt)
    return TriageDecision(
        automate=False, rule=rule, reason=reason, inputs=inputs, fired=tuple(fired)
    )
