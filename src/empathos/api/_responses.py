"""The error answers every operation can give, documented once for the whole spec.

FastAPI documents only the success and (for operations with parameters) a 422 of its own
shape; the answers the app's edges give — a body that is not JSON (400), no or a wrong key
(401/403), an unknown id in the path (404), a method the path lacks (405), a slow or a too
large request (408/413), too many requests (429) — were undocumented, so a client (and
schemathesis' ``status_code_conformance``) met status codes the contract never named.
:func:`install` post-processes the generated OpenAPI instead of every route repeating
them, so a route added later is covered without an edit; a route's own description of a
status (``responses=`` on the route) is kept.

The 422 body is ``{"detail": [...field errors...]}`` (FastAPI's own validation and the
handlers naming a field) or ``{"detail": "message"}`` (a handler refusing a value it can
only judge against the store, e.g. an unknown question id): both shapes are documented,
since both are what clients receive.

:func:`allow_header_405` answers 405 with an ``Allow`` header listing every method the
path supports: Starlette lists only the methods of the first route matching the path, so
``DELETE /pods`` said ``Allow: GET`` although ``POST /pods`` exists.

:func:`storable_url` (an app-wide dependency) refuses a NUL in any query or path
parameter with a 422, and the spec's string parameters say so (``pattern``): the same
rule as the request bodies' ``StorableStr`` fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI, HTTPException, Request, WebSocketException
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection
from starlette.routing import compile_path

from empathos.listen.api_text import NO_NUL

_MESSAGE = {"$ref": "#/components/schemas/ErrorMessage"}
_JSON_MESSAGE = {"application/json": {"schema": _MESSAGE}}

#: Component schemas the common answers refer to.
SCHEMAS: dict[str, Any] = {
    "ErrorMessage": {
        "title": "ErrorMessage",
        "type": "object",
        "required": ["detail"],
        "properties": {"detail": {"type": "string", "title": "Detail"}},
        "description": "An error answer: what went wrong, in words.",
    },
    "FieldError": {
        "title": "FieldError",
        "type": "object",
        "required": ["loc", "msg", "type"],
        "properties": {
            "loc": {
                "type": "array",
                "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                "title": "Location",
                "description": "Where: body/query/path/header, then the field's path.",
            },
            "msg": {"type": "string", "title": "Message"},
            "type": {"type": "string", "title": "Error Type"},
        },
        "description": "One refused field.",
    },
    "UnprocessableRequest": {
        "title": "UnprocessableRequest",
        "type": "object",
        "required": ["detail"],
        "properties": {
            "detail": {
                "anyOf": [
                    {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
                    {"type": "string"},
                ],
                "title": "Detail",
            }
        },
        "description": "A refused request: the fields that are wrong, or a message when the "
        "request is well-formed but names something the store cannot act on.",
    },
}

_ALLOW = {"Allow": {"description": "The methods this path supports.", "schema": {"type": "string"}}}
_RETRY = {
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}}
}

#: status -> (description, applies to: "all", "body" (has a request body), "path" (has
#: path parameters), "input" (has parameters or a body)).
COMMON: dict[str, tuple[dict[str, Any], str]] = {
    "400": ({"description": "The body could not be parsed (not UTF-8 / JSON)"}, "body"),
    "401": ({"description": "No or an unknown API key"}, "all"),
    "403": ({"description": "The key's role may not do this"}, "all"),
    "404": ({"description": "Nothing with this id"}, "path"),
    "405": ({"description": "The path does not support this method", "headers": _ALLOW}, "all"),
    "408": ({"description": "The request was not received in time"}, "all"),
    "413": ({"description": "The request (body, text or headers) is too large"}, "all"),
    "422": ({"description": "The request is not valid"}, "input"),
    "429": ({"description": "Too many requests for this key", "headers": _RETRY}, "all"),
}

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def document_common_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the common error answers to every operation of ``schema`` (in place)."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
    for item in schema.get("paths", {}).values():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [*item.get("parameters", []), *op.get("parameters", [])]
            for param in params:
                if param.get("in") in ("query", "path") and "schema" in param:
                    _no_nul(param["schema"])
            kinds = {"all"}
            if "requestBody" in op:
                kinds |= {"body", "input"}
            if params:
                kinds.add("input")
            if any(p.get("in") == "path" for p in params):
                kinds.add("path")
            responses = op.setdefault("responses", {})
            for status, (answer, applies) in COMMON.items():
                if applies not in kinds:
                    continue
                content = {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/UnprocessableRequest"}
                    }
                }
                if status == "422":
                    # FastAPI's own 422 (HTTPValidationError) describes only the list shape.
                    mine = responses.get(status, {})
                    responses[status] = {**answer, **mine, "content": content}
                    continue
                if status not in responses:
                    responses[status] = {**answer, "content": _JSON_MESSAGE}
                else:
                    responses[status].setdefault("content", _JSON_MESSAGE)
                    for key in ("headers",):
                        if key in answer:
                            responses[status].setdefault(key, answer[key])
    return schema


def _no_nul(schema: dict[str, Any]) -> None:
    """Give a parameter's string schema (or string member of its anyOf) the NUL-free
    pattern :func:`storable_url` enforces, unless it states a pattern of its own."""
    if schema.get("type") == "string" and "pattern" not in schema:
        schema["pattern"] = NO_NUL
    for member in schema.get("anyOf", []):
        _no_nul(member)


async def storable_url(request: HTTPConnection) -> None:
    """Refuse (422 naming it) a query or path parameter holding a NUL: PostgreSQL cannot
    compare text with one (``GET /summary?channel=%00`` answered 500 there, 200 on
    SQLite), and no stored value holds one, so it can never match anything.

    ``async`` because it reads no store: a plain ``def`` dependency costs every request a
    hop to a worker thread and back (py-spy under wrk: the largest share of the request
    path outside the route itself)."""
    where = [("query", k, v) for k, v in request.query_params.multi_items()]
    where += [("path", k, str(v)) for k, v in request.path_params.items()]
    bad = [
        {"loc": [kind, name], "msg": "contains a NUL character (U+0000)", "type": "value_error"}
        for kind, name, value in where
        if "\x00" in value or "\x00" in name
    ]
    if bad:
        if request.scope["type"] == "websocket":
            raise WebSocketException(code=1008, reason="a parameter contains a NUL character")
        raise HTTPException(status_code=422, detail=bad)


def install(app: FastAPI) -> None:
    """Document the common answers in ``app``'s OpenAPI and answer 405 with a full Allow.

    Wraps whatever ``app.openapi`` is at call time, so another post-processor installed
    before or after composes with this one."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_common_responses(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_exception_handler(StarletteHTTPException, allow_header_405)


async def allow_header_405(request: Request, exc: Exception) -> Response:
    """FastAPI's HTTP error answer, with a 405's ``Allow`` naming every route of the path."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        path = request.scope.get("path", "")
        methods = {
            m
            for regex, allowed in _routes(request.app.router.routes)
            if regex.match(path)
            for m in allowed
        }
        if methods:
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(methods))}
    return await http_exception_handler(request, exc)


def _routes(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[Any, set[str]]]:
    """(path regex, methods) of every HTTP route, through included routers (this FastAPI
    keeps an included router as one nested route, whose ``matches`` says only PARTIAL)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _routes(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif getattr(route, "methods", None) and isinstance(getattr(route, "path", None), str):
            yield compile_path(prefix + route.path)[0], set(route.methods)
