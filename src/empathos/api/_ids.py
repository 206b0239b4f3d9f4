"""Ids through the API follow the import's rule (``listen.parse.as_id``): trimmed of
surrounding whitespace, at most 128 characters, never empty. Without it, ``" cu-1 "``
posted to the API and ``cu-1`` imported from a file would be two customers."""

from __future__ import annotations

from fastapi import HTTPException

from empathos.listen.errors import RecordError
from empathos.listen.parse import as_id


def normalised_id(value: str, field: str, where: str = "body") -> str:
    """``value`` as the store keys it, or a 422 naming ``field`` (in ``where``)."""
    try:
        return as_id(value, field)
    except RecordError as exc:
        raise HTTPException(
            status_code=422,
            detail=[
                {"loc": [where, field], "msg": f"{field} {exc.message}", "type": "value_error"}
            ],
        ) from None


def optional_id(value: str | None, field: str, where: str = "body") -> str | None:
    return None if value is None else normalised_id(value, field, where)
