"""Authentication and authorization, enforced centrally (docs/security.md).

``create_app`` adds :func:`authorize` to every router, so no route can forget it: it
authenticates the request (an API key, or the dashboard's session cookie) and checks the
route against :data:`~empathos.api.security.policy.ROUTE_ROLES`; a route missing from the
table is refused (fail closed, and a test asserts the table covers ``app.routes``).
"""

from empathos.api.security.guard import authorize
from empathos.api.security.policy import PUBLIC, ROUTE_ROLES

__all__ = ["PUBLIC", "ROUTE_ROLES", "authorize"]
