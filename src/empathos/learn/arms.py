"""Arms for stored traffic: which interactions of the store belong to which experiment arm.

Why: an experiment started with ``empathos experiment start`` measured nothing unless its
contacts were routed through the simulator — the report said n = 0, the balance sheet
booked −100 % and the maturity assessment still counted the empty experiment. Real traffic
reaches the store in two ways, and both can carry the arm that handled a contact:

* **live contacts** routed by the desk while an experiment runs: the desk records each
  contact's arm in ``experiment_assignments`` when it opens it (``act.live.experiment``);
  the contact joins the report once its interaction is imported under the same id;
* **imported interactions** whose record says which arm handled them
  (``attributes.arm`` = ``control`` or ``treatment``: the company's own router ran the
  split, e.g. a helpdesk rule or a pilot team), dated at or after the experiment's start
  (and before its end, if it ended).

With ``arms_from="hash"`` (an experiment's ``details``) interactions without the
attribute are assigned by the experiment's own split (``act.split.arm_for`` on the
interaction id, or the ON/OFF slice of its start time). That is only honest when the
router really applied this split — it is the rule the desk uses, so any router can call it
— and it is off by default: hashing contacts that were all routed the same way measures
two random halves of one policy (an A/A test), not a lift.

:func:`assign_stored` writes the arms it finds (idempotent: an interaction already in the
experiment keeps its arm) and is run by ``experiment report`` before measuring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

__all__ = ["ARM_ATTRIBUTE", "ARMS_FROM", "ArmScan", "assign_stored"]

ARM_ATTRIBUTE = "arm"  # attributes.arm of an imported interaction
ARMS_FROM = ("attribute", "hash")


@dataclass(slots=True)
class ArmScan:
    """What one pass over the stored interactions found for an experiment."""

    assigned: int = 0  # new rows in experiment_assignments
    from_attribute: int = 0
    from_hash: int = 0
    unreadable: int = 0  # attributes.arm set to something other than control/treatment
    without_arm: int = 0  # in the period, no arm attribute, not hashed (arms_from=attribute)


def _arm_value(attributes: Any) -> str | None | bool:
    """The arm an interaction's attributes name: ``control``/``treatment``, ``None`` when
    absent, ``False`` when present but unreadable."""
    if not isinstance(attributes, dict) or attributes.get(ARM_ATTRIBUTE) in (None, ""):
        return None
    value = str(attributes[ARM_ATTRIBUTE]).strip().lower()
    return value if value in ("control", "treatment") else False


def assign_stored(engine: Engine, name: str, chunk: int = 5000) -> ArmScan:
    """Give every stored interaction of experiment ``name``'s period its arm (see module
    docstring); returns what it found. Unknown ``name``: ``KeyError`` listing the known."""
    from empathos.act.split import CONTROL, TREATMENT, arm_for
    from empathos.store.schema import interactions
    from empathos.store.tables_learn import experiment_assignments as ea
    from empathos.store.tables_learn import experiments

    with engine.connect() as conn:
        exp = conn.execute(select(experiments).where(experiments.c.name == name)).mappings().first()
        if exp is None:
            known = sorted(conn.execute(select(experiments.c.name)).scalars())
            raise KeyError(f"no experiment named {name!r}; known: {', '.join(known) or 'none'}")
    arms_from = (exp["details"] or {}).get("arms_from", "attribute")
    start: datetime = exp["started_at"]
    i = interactions.c
    known = select(ea.c.interaction_id).where(ea.c.experiment == name)
    query = select(i.interaction_id, i.started_at, i.employee_id, i.attributes).where(
        i.started_at >= start, i.interaction_id.not_in(known)
    )
    if exp["ended_at"] is not None:
        query = query.where(i.started_at < exp["ended_at"])
    scan = ArmScan()
    rows: list[dict[str, Any]] = []
    with engine.connect() as conn:
        if arms_from != "hash":
            # Only rows that name an arm are read (a report runs this on every call; most
            # of a large store's interactions carry no arm); the rest are only counted.
            has_arm = i.attributes[ARM_ATTRIBUTE].as_string().is_not(None)
            scan.without_arm = int(
                conn.execute(
                    select(func.count()).select_from(query.where(~has_arm).subquery())
                ).scalar_one()
            )
            query = query.where(has_arm)
        for iid, started_at, employee_id, attributes in conn.execute(query):
            arm = _arm_value(attributes)
            if arm is False:
                scan.unreadable += 1
                continue
            if arm is None and arms_from == "hash":
                minutes = (started_at - start).total_seconds() / 60.0
                arm = arm_for(exp["salt"], iid, exp["control_share"], exp["cycle_minutes"], minutes)
                scan.from_hash += 1
            elif arm is None:  # an empty string: counted as no arm
                scan.without_arm += 1
                continue
            else:
                scan.from_attribute += 1
            rows.append(
                {
                    "experiment": name,
                    "interaction_id": iid,
                    "arm": CONTROL if arm == CONTROL else TREATMENT,
                    "assigned_at": started_at,
                    "employee_id": employee_id,
                }
            )
    with engine.begin() as conn:
        for k in range(0, len(rows), chunk):
            conn.execute(ea.insert(), rows[k : k + chunk])
    scan.assigned = len(rows)
    return scan
