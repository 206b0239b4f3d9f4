"""Number formatting for the pages (Jinja2 filters): one place decides how figures read.

``None`` always prints as an em dash, so a missing figure is visibly missing and never a
zero that looks measured.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment

DASH = "—"


def num(v: Any, digits: int = 0) -> str:
    """A number with thousands separators (``—`` for missing)."""
    if v is None:
        return DASH
    return f"{v:,.{digits}f}"


def score(v: Any) -> str:
    """A score on −1…1 (or similar), signed with two decimals."""
    return DASH if v is None else f"{v:+.2f}"


def pct(v: Any, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage."""
    return DASH if v is None else f"{100 * v:.{digits}f} %"


def money(v: Any) -> str:
    """An amount in the store's currency units, rounded to whole units."""
    return DASH if v is None else f"{v:,.0f}"


def when(v: Any) -> str:
    """A timestamp to the minute, a date as is."""
    if v is None:
        return DASH
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)[:16].replace("T", " ")


def register_filters(env: Environment) -> None:
    """Make the formatters available in every template."""
    env.filters.update(num=num, score=score, pct=pct, money=money, when=when)
