"""Automation triage: calm and simple to the bot, emotional/complex/valuable/repeat to people."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from empathos.act.routing import ContactRequest
from empathos.act.triage import DISTRESS_EMOTIONS, TriageConfig, triage, value_at_risk

CFG = TriageConfig()
CALM_EMOTIONS = ["neutral", "joy", "gratitude", "relief", "confusion", None]


def request(**kw: object) -> ContactRequest:
    base: dict[str, object] = {
        "contact_id": "c-1",
        "customer_id": "cu-1",
        "channel": "self_service",
        "need": "account",
        "language": "en",
        "emotion": "neutral",
        "valence": 0.0,
        "intensity": 0.2,
        "value": 40.0,
    }
    return ContactRequest(**{**base, **kw})  # type: ignore[arg-type]


calm_simple = st.builds(
    request,
    need=st.sampled_from(sorted(CFG.automatable_needs)),
    emotion=st.sampled_from(CALM_EMOTIONS),
    valence=st.floats(CFG.min_valence, 1.0),
    intensity=st.floats(0.0, CFG.max_intensity),
    value=st.floats(0.0, CFG.max_value_at_risk, exclude_max=True),
)


@given(calm_simple)
def test_calm_simple_self_service_goes_to_automation(r: ContactRequest) -> None:
    d = triage(r)
    assert d.automate and d.rule == "calm_simple" and d.fired == ()
    assert d.inputs["need"] == r.need and d.inputs["intensity"] == r.intensity


@given(calm_simple, st.floats(CFG.max_intensity, 1.0, exclude_min=True))
def test_high_intensity_goes_to_a_person(r: ContactRequest, intensity: float) -> None:
    r.intensity = intensity
    d = triage(r)
    assert not d.automate and d.rule == "high_intensity" and "high_intensity" in d.fired
    assert f"{intensity:.2f}" in d.reason


@given(calm_simple, st.floats(-1.0, CFG.min_valence, exclude_max=True))
def test_negative_valence_goes_to_a_person(r: ContactRequest, valence: float) -> None:
    r.valence = valence
    d = triage(r)
    assert not d.automate and "negative_valence" in d.fired


@given(calm_simple, st.sampled_from(sorted(DISTRESS_EMOTIONS)))
def test_distress_emotion_goes_to_a_person_even_when_mild(r: ContactRequest, emotion: str) -> None:
    r.emotion = emotion
    d = triage(r)
    assert not d.automate and d.rule == "distress_emotion" and emotion in d.reason


@given(calm_simple, st.integers(1, 5))
def test_repeat_contact_goes_to_a_person(r: ContactRequest, attempt: int) -> None:
    r.attempt = attempt
    d = triage(r)
    assert not d.automate and d.rule == "repeat_contact"


@given(calm_simple, st.sampled_from(["voice", "chat", "email", "social"]))
def test_channels_without_a_bot_go_to_a_person(r: ContactRequest, channel: str) -> None:
    r.channel = channel
    assert triage(r).rule == "channel_not_automated"


def test_complex_need_transferred_or_bot_tried_go_to_a_person() -> None:
    assert triage(request(need="complaint")).rule == "complex_need"
    assert triage(request(transfers=1)).rule == "transferred"
    assert triage(request(bot_tried=True)).rule == "bot_already_tried"


def test_value_at_risk_uses_churn_risk_when_known() -> None:
    assert value_at_risk(request(value=1000.0)) == 1000.0
    assert value_at_risk(request(value=1000.0, churn_risk=0.2)) == pytest.approx(200.0)
    assert triage(request(value=1000.0)).rule == "high_value_at_risk"
    assert triage(request(value=1000.0, churn_risk=0.2)).automate  # 200 at risk: fine for the bot


def test_every_rule_that_fired_is_listed_first_one_decides() -> None:
    d = triage(
        request(
            channel="voice",
            need="complaint",
            emotion="anger",
            valence=-0.8,
            intensity=0.9,
            attempt=2,
        )
    )
    assert d.rule == "channel_not_automated"
    assert d.fired == (
        "channel_not_automated",
        "repeat_contact",
        "high_intensity",
        "negative_valence",
        "distress_emotion",
        "complex_need",
    )


def test_config_is_configurable_from_a_dict_and_yaml(tmp_path: Path) -> None:
    cfg = TriageConfig.from_dict(
        {"automation_channels": ["self_service", "chat"], "max_intensity": 0.8}
    )
    assert (
        cfg.automation_channels == frozenset({"self_service", "chat"}) and cfg.max_intensity == 0.8
    )
    assert triage(request(channel="chat", intensity=0.7), cfg).automate
    assert not triage(request(channel="chat", intensity=0.7)).automate
    f = tmp_path / "routing.yaml"
    f.write_text(
        "triage:\n  max_value_at_risk: 50\n  automatable_needs: [delivery]\n", encoding="utf-8"
    )
    cfg = TriageConfig.from_yaml(f)
    assert cfg.max_value_at_risk == 50.0 and cfg.automatable_needs == frozenset({"delivery"})
    assert TriageConfig.from_dict(cfg.to_dict()) == cfg  # round trip


def test_config_errors_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_intensty.*valid:"):
        TriageConfig.from_dict({"max_intensty": 0.3})
    with pytest.raises(ValueError, match="automatable_needs.*list"):
        TriageConfig.from_dict({"automatable_needs": "billing"})
    f = tmp_path / "bad.yaml"
    f.write_text("triage:\n  max_intensity: high\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.yaml: triage: .*max_intensity"):
        TriageConfig.from_yaml(f)
