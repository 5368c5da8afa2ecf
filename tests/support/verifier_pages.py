"""The verifier's pages as a person uses them: the stack and share-link fixtures, pasting, reading the verdict."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from support.ports import Listener
from support.verifier import (
    Stack,
    start_stack,
)

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


class ShareServer:
    """Stands in for a wallet's share links: serves whatever JSON a test puts at a path."""

    def __init__(self) -> None:
        self.documents: dict[str, Any] = {}
        self.app = web.Application()
        self.app.router.add_get("/share/{name}", self._share)
        self.app.router.add_get("/page", self._page)
        self.app.router.add_get("/moved", self._moved)
        self.url = ""

    async def _share(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.documents:
            raise web.HTTPNotFound()
        return web.json_response(self.documents[name], content_type="application/vp+ld+json")

    async def _page(self, request: web.Request) -> web.Response:
        return web.Response(text="<html><body>Hello</body></html>", content_type="text/html")

    async def _moved(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/share/valid")


@pytest.fixture
async def share(aiohttp_server: ServerFactory) -> ShareServer:
    server = ShareServer()
    port_listener = Listener()
    port = port_listener.port
    await aiohttp_server(server.app, listener=port_listener)
    server.url = f"http://127.0.0.1:{port}"
    return server


@pytest.fixture
async def stack(
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
    redis_url: str,
    tmp_path: Path,
    share: ShareServer,
) -> Stack:
    insecure = {share.url.removeprefix("http://")}
    return await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, extra_insecure=insecure)


def verdict(page: str) -> str:
    match = re.search(r'id="verdict" data-verdict="([a-z]+)"', page)
    assert match, page[:2000]
    return match.group(1)


def element(page: str, key: str) -> str:
    """The plain text shown for one EU element (tags stripped, entities decoded)."""
    match = re.search(rf'id="el-{key}"[^>]*>\s*<dt>.*?</dt>\s*<dd>(.*?)</dd>', page, re.S)
    assert match, f"no element {key}"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def check(page: str, name: str) -> str:
    match = re.search(rf'data-check="{name}" data-outcome="([a-z]+)"', page)
    assert match, f"no check {name}"
    return match.group(1)


async def paste(stack: Stack, document: Any, *, token: str | None = None) -> aiohttp.ClientResponse:
    token = token if token is not None else await stack.csrf()
    text = document if isinstance(document, str) else json.dumps(document)
    return await stack.verifier.post(
        "/verify", data={"csrf_token": token, "credential": text}, allow_redirects=False
    )


async def result_page(stack: Stack, resp: aiohttp.ClientResponse) -> tuple[str, str]:
    assert resp.status == 303, await resp.text()
    location = resp.headers["Location"]
    assert re.fullmatch(r"/results/[A-Za-z0-9_-]{32}", location)
    page = await stack.verifier.get(location)
    assert page.status == 200
    assert page.headers["Cache-Control"] == "no-store"
    return location, await page.text()


async def upload_report(stack: Stack, document: Any) -> dict[str, Any]:
    """Upload ``document`` as a JSON file on the verifier's page; the result's ``report.json``."""
    form = aiohttp.FormData()
    form.add_field("csrf_token", await stack.csrf())
    form.add_field("file", json.dumps(document).encode(), filename="credential.json", content_type="application/json")
    resp = await stack.verifier.post("/verify/upload", data=form, allow_redirects=False)
    assert resp.status == 303, await resp.text()
    report: dict[str, Any] = await (await stack.verifier.get(resp.headers["Location"] + "/report.json")).json()
    return report
