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
    types: dict[str, Any] | None = None,
    flatten: tuple[str, type, tuple[tuple[str, str], ...]] | None = None,
) -> type[BaseModel]:
    """A pydantic model of dataclass ``cls``'s fields, minus ``exclude``.

    Types, defaults and descriptions (``field(metadata={"description": ...})``) come from
    the dataclass; ``types`` replaces a field's type (a nested dataclass whose JSON is
    itself derived). ``flatten=(field, inner_cls, keys)`` puts the inner dataclass's
    fields in place of ``field`` under the names ``keys`` gives (``(name, inner field)``
    pairs), as the wrapper's ``as_dict`` does. The model is named ``name`` (default: the
    dataclass's name) and documented with its docstring; ``extra="allow"`` keeps keys it
    does not name.
    """
    types = types or {}
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = (set(exclude) | set(types)) - names
    if unknown:
        raise ValueError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
    hints = get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in exclude:
            continue
        if flatten is not None and f.name == flatten[0]:
            inner_hints = get_type_hints(flatten[1])
            inner = {g.name: g for g in dataclasses.fields(flatten[1])}
            for key, attr in flatten[2]:
                fields[key] = (inner_hints[attr], _field(inner[attr], required=True))
            continue
        fields[f.name] = (types.get(f.name, hints[f.name]), _field(f))
    config = ConfigDict(extra=extra) if extra else None  # type: ignore[typeddict-item]
    return create_model(name or cls.__name__, __doc__=cls.__doc__, __config__=config, **fields)


def _field(f: dataclasses.Field, required: bool = False) -> Any:
    kw: dict[str, Any] = {"description": f.metadata.get("description")}
    if not required and f.default is not dataclasses.MISSING:
        kw["default"] = f.default
    elif not required and f.default_factory is not dataclasses.MISSING:
        kw["default_factory"] = f.default_factory
    return Field(**kw)
