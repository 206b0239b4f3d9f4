"""Tables owned by the assess stage (on the store's one ``metadata``; migration branch assess)."""

from __future__ import annotations

from empathos.store.schema import ID, metadata  # noqa: F401
