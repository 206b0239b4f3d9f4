"""Tables owned by the feedback part (on the store's one ``metadata``; migration branch feedback)."""

from __future__ import annotations

from empathos.store.schema import ID, metadata  # noqa: F401
