"""Tables owned by the web part (on the store's one ``metadata``; migration branch web)."""

from __future__ import annotations

from empathos.store.schema import ID, metadata  # noqa: F401
