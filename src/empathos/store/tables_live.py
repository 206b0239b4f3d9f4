"""Tables owned by the live part (on the store's one ``metadata``; migration branch live)."""

from __future__ import annotations

from empathos.store.schema import ID, metadata  # noqa: F401
