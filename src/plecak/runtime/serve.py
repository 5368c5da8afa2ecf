"""A service's aiohttp application: how each service builds it and how ``python -m plecak.<service>`` runs it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TypeVar

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from plecak.runtime.assets import add_static_routes
from plecak.runtime.template_cache import COMPILED_TEMPLATES
from plecak.runtime.web import security_headers_middleware

__all__ = ["add_service_routes", "serve", "service_app"]

S = TypeVar("S")


def serve(app: web.Application, host: str, port: int) -> None:
    """Serve ``app`` until stopped, without aiohttp's banner."""
    # PLECAK_REUSE_PORT=1 (set by `plecak up --workers N`): several processes share the port.
    reuse_port = os.environ.get("PLECAK_REUSE_PORT") == "1"
    web.run_app(app, host=host, port=port, print=None, reuse_port=reuse_port)


def service_app(
    package: str,
    settings_key: web.AppKey[S],
    settings: S,
    client_max_size: int,
    middlewares: Iterable[Middleware],
    resources: Callable[[web.Application], AsyncIterator[None]],
    setup_routes: Callable[[web.Application], None],
) -> web.Application:
    """A service's application: its settings under ``settings_key``, the security headers and then its
    own middlewares, its Jinja templates (``<package>/templates``, then the shared ``plecak/runtime/templates``
    such as the page frame ``_page.html``; escaped; compiled once per process, plecak.runtime.template_cache),
    its resources (opened on
    start-up, closed on clean-up) and its routes."""
    app = web.Application(client_max_size=client_max_size, middlewares=[security_headers_middleware, *middlewares])
    app[settings_key] = settings
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader(package, "templates"), jinja2.PackageLoader("plecak.runtime", "templates")]
        ),
        autoescape=jinja2.select_autoescape(default=True),
        bytecode_cache=COMPILED_TEMPLATES,  # compiled once per process, not once per app
    )
    app.cleanup_ctx.append(resources)
    setup_routes(app)
    return app


def add_service_routes(
    app: web.Application,
    service_package_file: str,
    table: Iterable[web.AbstractRouteDef],
    *,
    health: Handler,
    set_language: Handler,
) -> None:
    """The routes every service has (``GET /health``, the language switch ``GET /lang/{lang}``, its static
    files, see :func:`~plecak.runtime.assets.add_static_routes`), then the service's own ``table``."""
    app.router.add_get("/health", health)
    app.router.add_get("/lang/{lang}", set_language)
    add_static_routes(app.router, service_package_file)
    app.router.add_routes(table)
