"""Response models derived from the library's dataclasses, never copied by hand.

Most endpoints name the library's dataclass itself as their response model (FastAPI
documents a dataclass like a pydantic model, descriptions from ``field(metadata=...)``
included). Where the JSON leaves a field out (an internal index, a tie-break clock),
:func:`public_model` builds the model from the dataclass's own fields minus those, so a
field added to the library appears in the API without a second edit.
"""

from __future__ import annotations

import dataclasses
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model


def public_model(
    cls: type,
    *,
    exclude: tuple[str, ...] = (),
    name: str | None = None,
    extra: str | None = None,
) -> type[BaseModel]:
    """A pydantic model of dataclass ``cls``'s fields, minus ``exclude``.

    Types, defaults and descriptions (``field(metadata={"description": ...})``) come from
    the dataclass; the model is named ``name`` (default: the dataclass's name) and
    documented with its docstring. ``extra="allow"`` keeps keys the model does not name.
    """
    hints = get_type_hints(cls)
    unknown = set(exclude) - {f.name for f in dataclasses.fields(cls)}
    if unknown:
        raise ValueError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in exclude:
            continue
        kw: dict[str, Any] = {"description": f.metadata.get("description")}
        if f.default is not dataclasses.MISSING:
            kw["default"] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            kw["default_factory"] = f.default_factory
        fields[f.name] = (hints[f.name], Field(**kw))
    config = ConfigDict(extra=extra) if extra else None  # type: ignore[typeddict-item]
    return create_model(name or cls.__name__, __doc__=cls.__doc__, __config__=config, **fields)
