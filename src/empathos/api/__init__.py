"""FastAPI app: REST + WebSocket, OpenAPI documented. Build it with :func:`create_app`."""

from empathos.api.app import create_app

__all__ = ["create_app"]
