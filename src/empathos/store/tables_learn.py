"""Tables owned by the learn stage (on the store's one ``metadata``; migration branch learn)."""

from __future__ import annotations

from empathos.store.schema import ID, metadata  # noqa: F401
