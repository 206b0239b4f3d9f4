"""Tables owned by the act stage (on the store's one ``metadata``; migration branch act)."""

from __future__ import annotations

from empathos.store.schema import ID, metadata  # noqa: F401
