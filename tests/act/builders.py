"""Members, pod states and contacts for routing tests, shared by the act tests and the
routing contract suite (one definition of "a free member who speaks de and does billing")."""

from __future__ import annotations

from empathos.act.routing import ContactRequest, MemberState, PodState


def member(
    eid: str, langs: set[str], skills: set[str], idle_since: float = 0.0, pod: str = "pod-1"
) -> MemberState:
    return MemberState(
        employee_id=eid,
        pod_id=pod,
        function="service",
        skills=frozenset(skills),
        languages=frozenset(langs),
        idle_since=idle_since,
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
    }
    return ContactRequest(**{**base, **kw})  # type: ignore[arg-type]
