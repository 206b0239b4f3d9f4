"""How a prediction says what it stands on: ``fitted``, ``prior``, ``fallback`` or
``unknown`` (:data:`empathos.store.queries.BASES`), written once for every face.

Why: a CLV that is a new-customer fallback, or a churn risk that is the observed base
rate because no model could be fitted, looks like a measurement when printed bare; and
a figure the data cannot support at all must read "unknown", never 0. The CLI, the demo
and the reports format figures through these helpers so they mark them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["ORDER", "basis_of", "known", "worst"]

# least certain first: a figure computed from others takes the first basis found here
ORDER = ("unknown", "mixed", "prior", "fallback", "fitted")


def worst(*bases: str | None) -> str:
    """The basis of a figure computed from others (value at risk from churn risk and
    CLV): the least certain of them; ``None`` (a row from before migration 0011) counts
    as fitted."""
    found = {b or "fitted" for b in bases}
    return next((b for b in ORDER if b in found), "fitted")


def basis_of(counts: Mapping[str, int]) -> str:
    """One basis for a total over subjects counted by basis: the single basis they
    share, ``mixed`` when fitted and estimated values add up, ``unknown`` when none."""
    kinds = [k for k, v in counts.items() if v]
    if not kinds:
        return "unknown"
    return kinds[0] if len(kinds) == 1 else "mixed"


def known(value: float | None, spec: str, basis: str) -> str:
    """A figure with its basis: ``unknown`` when the data cannot support it (never 0),
    ``(estimated: prior)`` etc. when it rests on a prior or a fallback."""
    if value is None or value != value or basis == "unknown":
        return "unknown"
    text = format(value, spec)
    return text if basis == "fitted" else f"{text} (estimated: {basis})"
