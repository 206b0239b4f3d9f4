"""The API reference (Swagger UI at ``/docs``, ReDoc at ``/redoc``) from local assets.

Why: FastAPI's own pages load Swagger UI and ReDoc from a CDN (and ReDoc its fonts from
Google), so offline — a call centre's closed network, this project's CI — ``/docs`` was a
blank page. The assets ship inside the ``fastapi-offline`` wheel (MIT, Swagger UI and
ReDoc bundles with their own licences inside the files); this module serves them from that
package's folder under ``/docs-assets/`` and renders FastAPI's page templates pointed at
them. ``create_app`` turns FastAPI's CDN pages off (``docs_url=None``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse

router = APIRouter(include_in_schema=False)

ASSETS = "/docs-assets"
#: The asset files served, with their media types (nothing else under the folder is).
FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}
OAUTH2_REDIRECT = "/docs/oauth2-redirect"


def assets_dir() -> Path:
    """The folder of the installed ``fastapi_offline`` package that holds the bundles."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI on this app's OpenAPI schema, every asset from this server."""
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - API reference",
        oauth2_redirect_url=f"{root}{OAUTH2_REDIRECT}",
        swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
    )


@router.get(OAUTH2_REDIRECT)
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """ReDoc on this app's OpenAPI schema, without Google's fonts (offline)."""
    root = request.scope.get("root_path", "")
    return get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - API reference",
        redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
        with_google_fonts=False,
    )


@router.get(ASSETS + "/{name}")
def asset(name: str) -> FileResponse:
    """One of :data:`FILES` (a fixed list: no path from the request reaches the disk)."""
    if name not in FILES:
        raise HTTPException(status_code=404, detail=f"no asset {name!r}")
    return FileResponse(
        assets_dir() / name,
        media_type=FILES[name],
        headers={"Cache-Control": "public, max-age=86400"},
    )
