"""What the store's text rules look like in the OpenAPI spec, so the contract says what
the code refuses.

The rules themselves live in :mod:`empathos.listen.parse` (no NUL, no lone surrogate; an
id is trimmed, non-empty, at most ``MAX_ID`` characters). Without these annotations the
spec promised that any string was fine: schemathesis sent ``interaction_id: ""`` or a
pod name holding a NUL, valid by the spec, and the API (rightly) refused them. The
patterns use only escapes that Python, ECMAScript and Rust regexes read alike, and list
the blanks ``str.strip`` removes explicitly (``\\s`` differs between those dialects).
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import GetJsonSchemaHandler
from pydantic_core import core_schema as cs


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else char  # non-Latin-1 blanks as themselves


#: The characters ``str.strip()`` removes (``str.isspace``), as a regex class body.
BLANKS = "".join(_escaped(c) for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
#: Any text the store keeps: no NUL (PostgreSQL refuses it in every text column).
NO_NUL = r"^[^\x00]*$"
#: Text with something besides blanks, and no NUL.
NON_BLANK = rf"^[^\x00]*[^\x00{BLANKS}][^\x00]*$"


class JsonSchema:
    """Adds ``extra`` (e.g. ``pattern``, ``maxLength``) to a type's JSON schema only: the
    validation stays the code's, the spec documents it. Usable inside ``Annotated`` in
    any position (a list item, a union member), unlike ``Field(json_schema_extra=)``."""

    def __init__(self, **extra: Any) -> None:
        self.extra = extra

    def __get_pydantic_json_schema__(
        self, schema: cs.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        out = handler.resolve_ref_schema(handler(schema))
        for key, value in self.extra.items():
            if key == "pattern" and out.get("pattern") not in (None, value, NO_NUL):
                continue  # a stricter pattern given by the field itself wins
            out[key] = value
        return out

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.extra.items())))


#: Free text (a message): non-blank, storable.
NON_BLANK_TEXT = JsonSchema(pattern=NON_BLANK, minLength=1)


def id_schema(max_length: int = 128) -> JsonSchema:
    """An id as ``parse.as_id`` takes it: trimmed, non-empty, at most ``max_length``."""
    return JsonSchema(pattern=NON_BLANK, minLength=1, maxLength=max_length)
