"""The control-group split: which arm a contact (or a time slice) belongs to.

Why here, below learn: the live desk (act) must put each contact it routes in the arm of
the running experiment, and learn's experiments (``learn.experiments.assign_arm``) must
agree with it to the bit, so both call this one rule. A keyed hash (blake2b of the
experiment's salt and the contact id, or of the slice index) gives the same arm in every
process and Python version; ``hash()`` is salted per process and would not.
"""

from __future__ import annotations

import hashlib

__all__ = ["CONTROL", "TREATMENT", "arm_for", "time_slice", "unit_hash"]

TREATMENT = "treatment"
CONTROL = "control"


def unit_hash(*parts: object) -> float:
    """A uniform number in [0, 1) from the parts; stable across processes."""
    h = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") / 2.0**64


def time_slice(now_min: float, cycle_minutes: float) -> int:
    """Index of the ON/OFF slice that minute ``now_min`` falls in."""
    return int(now_min // cycle_minutes)


def arm_for(
    key: str,
    contact_id: str,
    control_share: float,
    cycle_minutes: float | None = None,
    now_min: float | None = None,
) -> str:
    """``control`` or ``treatment`` for one contact: by the hash of the contact id, or, with
    ``cycle_minutes``, of the slice that ``now_min`` (minutes since the start) falls in."""
    if cycle_minutes is None:
        u = unit_hash(key, contact_id)
    else:
        if now_min is None:
            raise ValueError("cycle mode needs the time of the contact (now_min)")
        u = unit_hash(key, "slice", time_slice(now_min, cycle_minutes))
    return CONTROL if u < control_share else TREATMENT
