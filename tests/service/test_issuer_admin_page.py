"""The issuer's "issue to learner" screen is served with its script and a strict CSP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from plecak.issuer.app import create_app
from support.issuer import issuer_settings

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


async def test_admin_page_loads_external_script_under_strict_csp(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    page = await client.get("/admin")
    html = await page.text()
    assert page.status == 200
    assert '<script src="/static/admin.js" defer></script>' in html
    assert "<script>" not in html
    assert " style=" not in html
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    script = await client.get("/static/admin.js")
    assert script.status == 200
    text = await script.text()
    assert "innerHTML" not in text  # every value is set with textContent
