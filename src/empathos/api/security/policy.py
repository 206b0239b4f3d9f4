"""The one table of who may call what: ``(method, path template) -> minimum role``.

Roles are ordered viewer < agent < supervisor < admin. ``viewer`` reads aggregates and
the dashboard; ``agent`` also works its own live contacts and reads its own contacts'
details (``guard`` scopes every ``interaction_id``/``contact_id``/``employee_id`` path
parameter to the agent's employee, and the contacts list to their rows); ``supervisor``
reads every contact, customer and employee, exports, ingests and runs assessments;
``admin`` changes pods and acts (OODA actions start experiments). A route that is not
here answers 403 to everyone: adding a route means deciding its role here.
"""

from __future__ import annotations

PUBLIC = "public"

V, A, S, ADMIN = "viewer", "agent", "supervisor", "admin"

ROUTE_ROLES: dict[tuple[str, str], str] = {
    # public: health, the API reference and its assets, the login page, static files
    ("GET", "/health"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/docs-assets/{name}"): PUBLIC,
    ("GET", "/static/plotly.min.js"): PUBLIC,
    ("GET", "/static/{name}"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): V,
    # pods
    ("GET", "/pods"): V,
    ("GET", "/pods/{pod_id}"): V,
    ("POST", "/pods"): ADMIN,
    ("PUT", "/pods/{pod_id}"): ADMIN,
    ("DELETE", "/pods/{pod_id}"): ADMIN,
    # live contacts (an agent: only contacts it leads)
    ("POST", "/contacts"): A,
    ("POST", "/contacts/{contact_id}/turns"): A,
    ("GET", "/contacts/{contact_id}/card"): A,
    ("GET", "/contacts/{contact_id}/decisions"): A,
    ("POST", "/contacts/{contact_id}/close"): A,
    ("WS", "/contacts/{contact_id}/stream"): A,
    ("GET", "/live/health"): S,
    # learn: corrections are authored by the principal (api.learn)
    ("POST", "/feedback/emotion"): A,
    ("POST", "/feedback/empathy"): A,
    ("GET", "/feedback"): S,
    ("GET", "/coaching/pods/{pod_id}"): S,
    ("GET", "/coaching/{employee_id}"): A,
    ("GET", "/ooda"): S,
    ("POST", "/ooda/act"): ADMIN,
    # assess
    ("GET", "/assess/questionnaire"): V,
    ("POST", "/assess"): S,
    ("GET", "/assess/latest"): V,
    ("GET", "/assess/balance-sheet"): V,
    ("GET", "/assess/balance-sheet.html"): V,
    ("POST", "/assess/pilot"): S,
    ("GET", "/jobs/{job_id}"): S,  # the pilot's result: the role that may start one
    # aggregates and per-contact reads
    ("GET", "/summary"): V,
    ("GET", "/drivers"): V,
    ("GET", "/qa/scorecards"): S,
    ("GET", "/interactions/{interaction_id}/qa"): A,
    ("GET", "/interactions/{interaction_id}/summary"): A,
    ("POST", "/ingest/{kind}"): S,
    ("GET", "/data/pages/{page}"): V,
    ("GET", "/data/contacts"): A,
    ("GET", "/data/contacts/{interaction_id}"): A,
    ("GET", "/data/customers"): S,
    ("GET", "/data/customers/{customer_id}"): S,
    ("GET", "/data/employees"): S,
    ("GET", "/data/employees/{employee_id}"): A,
    ("GET", "/data/stats"): V,
    ("GET", "/data/export/{table}"): S,
    ("GET", "/csat"): V,
    ("GET", "/csat/{interaction_id}"): A,
    # the dashboard (conversation text: journeys is supervisor's)
    ("GET", "/"): V,
    ("GET", "/dashboard"): V,
    ("GET", "/dashboard/journeys"): S,
    ("GET", "/dashboard/scores"): V,
    ("GET", "/dashboard/value"): V,
    ("GET", "/dashboard/pods"): S,
    ("GET", "/dashboard/coaching"): S,
    ("GET", "/dashboard/csat"): V,
    ("GET", "/dashboard/experiments"): V,
    ("GET", "/dashboard/ooda"): S,
    ("GET", "/dashboard/maturity"): V,
    ("POST", "/dashboard/maturity"): S,
    ("GET", "/dashboard/balance"): V,
    ("GET", "/dashboard/pilot"): V,
    ("POST", "/dashboard/pilot"): S,
    ("GET", "/dashboard/drivers"): V,
    ("GET", "/dashboard/qa"): S,
}


def route_key(method: str, path: str) -> tuple[str, str]:
    """The table's key of a request: HEAD is GET's."""
    return ("GET" if method == "HEAD" else method, path)


def walk_routes(routes: list, prefix: str = "") -> list[tuple[str, str, object]]:
    """Every ``(method, path, route)`` of an app, WebSockets as ``WS`` (routers included
    with ``include_router`` are nested in FastAPI 0.165)."""
    out: list[tuple[str, str, object]] = []
    for r in routes:
        if hasattr(r, "original_router"):
            out += walk_routes(r.original_router.routes, prefix + r.include_context.prefix)
            continue
        methods = getattr(r, "methods", None) or {"WS"}
        out += [(m, prefix + r.path, r) for m in sorted(methods) if m != "HEAD"]
    return out
