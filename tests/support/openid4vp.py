"""Driving the verifier's OpenID4VP requests: ask, fetch the request, answer, read the result."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer

from plecak.core.did import DidResolver
from plecak.core.oid4vp.jar import verify_request_object
from support.verifier import Holder, Stack, start_stack

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def stack(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> Stack:
    return await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path)


@dataclass
class Request:
    tx: str
    page_url: str
    link: str
    request_uri: str
    client_id: str


async def ask(stack: Stack, **form: str) -> Request:
    """The employer fills in the "Ask a learner" form and lands on the request page."""
    token = await stack.csrf()
    resp = await stack.verifier.post(
        "/requests", data={"csrf_token": token, "what": "any", **form}, allow_redirects=False
    )
    assert resp.status == 303, await resp.text()
    page_url = resp.headers["Location"]
    tx = page_url.rsplit("/", 1)[1]
    page = await (await stack.verifier.get(page_url)).text()
    assert 'src="data:image/svg+xml;base64,' in page
    link = html.unescape(re.search(r'id="same-device" href="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    assert link.startswith("openid4vp://?")
    query = parse_qs(urlsplit(link).query)
    return Request(tx, page_url, link, query["request_uri"][0], query["client_id"][0])


async def fetch_request(stack: Stack, request: Request) -> dict[str, Any]:
    """The wallet fetches the Authorization Request from request_uri: a signed JAR, checked here
    with the project's wallet-side check (signature against the client identifier prefix)."""
    resp = await stack.verifier.get(
        urlsplit(request.request_uri).path, headers={"Accept": "application/oauth-authz-req+jwt"}
    )
    assert resp.status == 200, await resp.text()
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.content_type == "application/oauth-authz-req+jwt"
    verified = await verify_request_object(
        await resp.text(), resolve_did=DidResolver().resolve, now=datetime.now(UTC)
    )
    return verified.claims


async def answer(stack: Stack, claims: dict[str, Any], vp: Any, *, state: str | None = None) -> Any:
    token = json.dumps({"micro_credential": [vp]})
    data = {"vp_token": token, "state": claims["state"] if state is None else state}
    return await stack.verifier.post(urlsplit(claims["response_uri"]).path, data=data)


async def status(stack: Stack, request: Request) -> dict[str, Any]:
    resp = await stack.verifier.get(f"/requests/{request.tx}/status")
    assert resp.status == 200
    body: dict[str, Any] = await resp.json()
    return body


async def result(stack: Stack, request: Request) -> tuple[str, str]:
    state = await status(stack, request)
    assert state["status"] == "answered", state
    page = await (await stack.verifier.get(state["resultUrl"])).text()
    found = re.search(r'data-verdict="([a-z]+)"', page)
    assert found
    return found.group(1), page


async def own_credential_presented(
    stack: Stack, claims: dict[str, Any], *, challenge: str | None = None, domain: str | None = None
) -> dict[str, Any]:
    """A new learner's presentation of a credential issued to their did:key, signed for the request's
    nonce and client id (or for CHALLENGE and DOMAIN when given)."""
    holder = Holder()
    return holder.present(
        [await stack.issue(did=holder.did)],
        challenge=claims["nonce"] if challenge is None else challenge,
        domain=claims["client_id"] if domain is None else domain,
    )


async def answered(stack: Stack, request: Request, claims: dict[str, Any], vp: Any) -> tuple[str, str]:
    """The wallet posts VP (taken: 200); the verdict and the result page."""
    assert (await answer(stack, claims, vp)).status == 200
    return await result(stack, request)
