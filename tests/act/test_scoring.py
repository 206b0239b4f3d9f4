"""Explainable member scoring: parts sum to the score, eligibility, empathy fit, the fast path."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathos.act.routing import ContactRequest, MemberState, PodState
from empathos.act.scoring import PARTS, ScoringConfig, choose_pod, fast_scores, score_members

EMOTIONS = ["anger", "frustration", "anxiety", "sadness", "confusion", "neutral", "joy", None]


def member(
    eid: str,
    *,
    pod: str = "pod-1",
    langs: tuple[str, ...] = ("de",),
    skills: tuple[str, ...] = ("billing",),
    empathy: dict[str, float] | None = None,
    competence: float = 0.5,
    idle_since: float = 0.0,
    load: int = 0,
    capacity: int = 1,
) -> MemberState:
    return MemberState(
        employee_id=eid,
        pod_id=pod,
        function="service",
        skills=frozenset(skills),
        languages=frozenset(langs),
        capacity=capacity,
        load=load,
        idle_since=idle_since,
        competence=competence,
        empathy=dict(empathy or {}),
    )


def state(*members: MemberState, now: float = 100.0) -> PodState:
    return PodState.from_members(members, now=now)


def contact(**kw: object) -> ContactRequest:
    base: dict[str, object] = {
        "contact_id": "c-1",
        "customer_id": "cu-1",
        "channel": "voice",
        "need": "billing",
        "language": "de",
        "pod_id": "pod-1",
    }
    return ContactRequest(**{**base, **kw})  # type: ignore[arg-type]


unit = st.floats(0.0, 1.0)
members_st = st.lists(
    st.builds(
        member,
        st.text("abcdef", min_size=1, max_size=4),
        pod=st.sampled_from(["pod-1", "pod-2"]),
        langs=st.lists(st.sampled_from(["de", "en", "fr"]), min_size=1, max_size=3).map(tuple),
        skills=st.lists(
            st.sampled_from(["billing", "sales", "technical"]), min_size=1, max_size=3
        ).map(tuple),
        empathy=st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"emotional_reaction": unit, "interpretation": unit, "exploration": unit}
            ),
        ),
        competence=unit,
        idle_since=st.floats(0.0, 200.0),
        load=st.integers(0, 2),
        capacity=st.integers(1, 2),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda m: m.employee_id,
)
requests_st = st.builds(
    contact,
    need=st.sampled_from(["billing", "sales", "technical"]),
    language=st.sampled_from(["de", "en", "fr"]),
    pod_id=st.sampled_from(["pod-1", "pod-2", None]),
    emotion=st.sampled_from(EMOTIONS),
    valence=st.floats(-1.0, 1.0),
    intensity=unit,
    exclude_employee_ids=st.lists(st.text("abc", min_size=1, max_size=2), max_size=2).map(tuple),
)
rapport_st = st.one_of(
    st.none(), st.dictionaries(st.text("abcdef", min_size=1, max_size=4), st.floats(-2.0, 2.0))
)


@settings(max_examples=50, deadline=None)
@given(members_st, requests_st, rapport_st)
def test_parts_sum_to_score_and_order_is_eligible_then_best(
    members: list[MemberState], r: ContactRequest, rapport: dict[str, float] | None
) -> None:
    s = state(*members)
    before = copy.deepcopy(s)
    out = score_members(r, s, rapport=rapport)
    assert {x.employee_id for x in out} == set(s.members)
    for x in out:
        assert set(x.parts) == set(PARTS)
        assert sum(x.parts.values()) == pytest.approx(x.score, abs=1e-12)
        assert x.reason.startswith(x.employee_id) and x.reason.endswith(").")
        if x.eligible:
            m = s.members[x.employee_id]
            assert x.employee_id in s.free and x.employee_id not in r.exclude_employee_ids
            assert r.language in m.languages and r.need in m.skills
    keys = [(not x.eligible, -x.score) for x in out]
    assert keys == sorted(keys)
    assert s == before  # pure


@settings(max_examples=50, deadline=None)
@given(members_st, requests_st, rapport_st, st.booleans(), st.booleans())
def test_fast_path_gives_the_same_scores_and_winner(
    members: list[MemberState],
    r: ContactRequest,
    rapport: dict[str, float] | None,
    req_lang: bool,
    req_skill: bool,
) -> None:
    s = state(*members)
    cfg = ScoringConfig(require_language=req_lang, require_skill=req_skill)
    full = score_members(r, s, cfg, rapport)
    scores, best = fast_scores(r, s, cfg, rapport)
    assert scores == {x.employee_id: x.score for x in full}  # exactly the same floats
    assert best == (full[0].employee_id if full[0].eligible else None)


@settings(max_examples=50, deadline=None)
@given(members_st, requests_st, rapport_st, st.integers(0, 14))
def test_limit_gives_the_head_of_the_full_list(
    members: list[MemberState], r: ContactRequest, rapport: dict[str, float] | None, limit: int
) -> None:
    s = state(*members)
    assert (
        score_members(r, s, rapport=rapport, limit=limit)
        == score_members(r, s, rapport=rapport)[:limit]
    )


def test_language_and_skill_make_a_member_ineligible_with_a_readable_reason() -> None:
    s = state(member("e-fr", langs=("fr",)), member("e-sales", skills=("sales",)), member("e-ok"))
    out = {x.employee_id: x for x in score_members(contact(), s)}
    assert not out["e-fr"].eligible and "does not speak de" in out["e-fr"].reason
    assert not out["e-sales"].eligible and "lacks the billing skill" in out["e-sales"].reason
    assert out["e-ok"].eligible and "speaks de and has the billing skill" in out["e-ok"].reason
    assert score_members(contact(), s)[0].employee_id == "e-ok"
    relaxed = {
        x.employee_id: x.eligible
        for x in score_members(contact(), s, ScoringConfig(require_skill=False))
    }
    assert relaxed == {"e-fr": False, "e-sales": True, "e-ok": True}


def test_busy_off_shift_and_excluded_members_are_not_eligible() -> None:
    busy = member("e-busy", load=1)
    off = member("e-off")
    off.on_shift = False
    s = state(busy, off, member("e-x"))
    out = {x.employee_id: x for x in score_members(contact(exclude_employee_ids=("e-x",)), s)}
    assert "at capacity (1/1)" in out["e-busy"].reason and "off shift" in out["e-off"].reason
    assert "handed this contact on" in out["e-x"].reason
    assert not any(x.eligible for x in out.values())


def test_anxious_customer_prefers_the_stronger_explorer() -> None:
    explorer = member(
        "e-explore", empathy={"emotional_reaction": 0.2, "interpretation": 0.7, "exploration": 0.8}
    )
    reactor = member(
        "e-react", empathy={"emotional_reaction": 0.8, "interpretation": 0.2, "exploration": 0.1}
    )
    s = state(reactor, explorer)
    anxious = contact(emotion="anxiety", valence=-0.5, intensity=0.7)
    out = score_members(anxious, s)
    assert out[0].employee_id == "e-explore"
    assert out[0].parts["empathy"] > out[1].parts["empathy"]
    assert "exploration fits an anxious customer" in out[0].reason
    sad = contact(emotion="sadness", valence=-0.5, intensity=0.4)
    assert score_members(sad, s)[0].employee_id == "e-react"  # acknowledging the feeling first


def test_empathy_matters_little_for_a_calm_customer() -> None:
    s = state(
        member(
            "e-1", empathy={"emotional_reaction": 1.0, "interpretation": 1.0, "exploration": 1.0}
        )
    )
    calm = score_members(contact(emotion="joy", valence=0.5, intensity=0.2), s)[0]
    upset = score_members(contact(emotion="anger", valence=-0.8, intensity=0.9), s)[0]
    assert calm.parts["empathy"] < 0.25 * upset.parts["empathy"]


def test_owner_pod_rapport_and_competence_raise_the_score() -> None:
    s = state(member("e-home", pod="pod-1"), member("e-away", pod="pod-2"))
    out = {x.employee_id: x for x in score_members(contact(pod_id="pod-1"), s)}
    assert (
        out["e-home"].score > out["e-away"].score and "customer's own pod" in out["e-home"].reason
    )
    out = {
        x.employee_id: x
        for x in score_members(contact(pod_id=None), s, rapport={"e-away": 1.0, "e-home": -0.5})
    }
    assert out["e-away"].parts["rapport"] == pytest.approx(0.1) and out["e-home"].parts[
        "rapport"
    ] == pytest.approx(-0.05)
    assert "went badly" in out["e-home"].reason
    s = state(member("e-lo", competence=0.2), member("e-hi", competence=0.9))
    assert score_members(contact(), s)[0].employee_id == "e-hi"


def test_choose_pod_owner_first_else_best_staffed_pod() -> None:
    s = state(
        member("a", pod="pod-1", langs=("en",)), member("b", pod="pod-2"), member("c", pod="pod-2")
    )
    assert choose_pod(contact(pod_id="pod-1"), s) == "pod-1"
    assert choose_pod(contact(pod_id=None), s) == "pod-2"  # two German billing members
    assert choose_pod(contact(pod_id="pod-unknown"), s) == "pod-2"
    assert choose_pod(contact(), PodState()) is None


def test_config_from_yaml_section(tmp_path) -> None:  # noqa: ANN001
    f = tmp_path / "routing.yaml"
    f.write_text("scoring:\n  w_empathy: 0.35\n  require_skill: false\n", encoding="utf-8")
    cfg = ScoringConfig.from_yaml(f)
    assert cfg.w_empathy == 0.35 and cfg.require_skill is False
    f.write_text("scoring:\n  require_skill: maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match="routing.yaml: scoring: .*require_skill"):
        ScoringConfig.from_yaml(f)


def test_config_from_dict_rejects_unknown_weights() -> None:
    assert ScoringConfig.from_dict({"w_empathy": 0.4}).w_empathy == 0.4
    with pytest.raises(ValueError, match="w_empaty"):
        ScoringConfig.from_dict({"w_empaty": 0.4})
    d = ScoringConfig().to_dict()
    assert sum(v for k, v in d.items() if k.startswith("w_")) == pytest.approx(1.0)
