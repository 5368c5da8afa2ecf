"""The services' static files: each service's own ``static/`` folder at ``/static/``, and the scripts
the services share (``plecak/runtime/static/``, e.g. the camera QR reader) at ``/shared/``. Both are
same-origin, so the pages' CSP (``script-src 'self'``) covers them."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

__all__ = ["SHARED_STATIC", "add_static_routes"]

SHARED_STATIC = Path(__file__).parent / "static"


def add_static_routes(router: web.UrlDispatcher, service_package_file: str) -> None:
    """Serve the ``static/`` folder beside ``service_package_file`` (a module's ``__file__``) and the shared one."""
    router.add_static("/static", Path(service_package_file).parent / "static")
    router.add_static("/shared", SHARED_STATIC)
