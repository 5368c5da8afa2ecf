"""A revocation reaches verifiers within the configured cache lifetime: the issuer serves status
lists with a short ``max-age`` and a strong ETag, and our status client revalidates its copy with
``If-None-Match`` once its own (configurable) lifetime is over. Time is an injected clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from plecak.core.did import DidResolver
from plecak.core.status.client import DEFAULT_CACHE_SECONDS, StatusListClient
from plecak.core.verify.credential import Outcome, Verifier
from plecak.issuer.app import create_app
from plecak.issuer.config import Settings as IssuerSettings
from plecak.verifier.config import Settings as VerifierSettings
from plecak.wallet.config import Settings as WalletSettings
from support.issuer import AUTH, TOKEN, issuer_settings, simple_credential_v2
from support.ports import Listener
from support.verifier import start_stack


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class LiveIssuer:
    base: str
    port: int
    #: (path, status, If-None-Match) of every status list request the issuer answered
    list_requests: list[tuple[str, int, str | None]] = field(default_factory=list)


async def _start_issuer(redis_url: str, tmp_path: Path, *, max_age: int) -> tuple[TestServer, LiveIssuer]:
    port_listener = Listener()
    port = port_listener.port
    base = f"http://127.0.0.1:{port}"
    app = create_app(issuer_settings(redis_url, tmp_path, public_url=base, status_list_max_age=max_age))
    live = LiveIssuer(base, port)

    async def record(request: web.Request, response: web.StreamResponse) -> None:
        if request.path.startswith("/status-lists/"):
            live.list_requests.append((request.path, response.status, request.headers.get("If-None-Match")))

    app.on_response_prepare.append(record)
    server = port_listener.server(app)
    await server.start_server()
    return server, live


@pytest.fixture
async def live_issuer(redis_url: str, tmp_path: Path) -> AsyncIterator[LiveIssuer]:
    # the issuer still says max-age=60 (as before): the verifier's own lifetime must win
    server, live = await _start_issuer(redis_url, tmp_path, max_age=60)
    try:
        yield live
    finally:
        await server.close()


async def _issue(http: aiohttp.ClientSession, base: str) -> dict[str, Any]:
    async with http.post(
        f"{base}/credentials/issue", json={"credential": simple_credential_v2()}, headers=AUTH
    ) as resp:
        assert resp.status == 201, await resp.text()
        vc: dict[str, Any] = (await resp.json())["verifiableCredential"]
        return vc


async def _set_status(
    http: aiohttp.ClientSession, base: str, credential_id: str, purpose: str, value: bool
) -> None:
    body = {"credentialId": credential_id, "credentialStatus": {"statusPurpose": purpose}, "status": value}
    async with http.post(f"{base}/credentials/status", json=body, headers=AUTH) as resp:
        assert resp.status == 200, await resp.text()


def _status_outcome(result: Any) -> tuple[Outcome, str]:
    check = result.check("status")
    assert check is not None
    return check.outcome, check.message


async def test_verifier_sees_a_revocation_once_its_cache_lifetime_is_over_via_revalidation(
    live_issuer: LiveIssuer,
) -> None:
    lifetime = 3
    clock = Clock()
    async with (
        aiohttp.ClientSession() as http,
        StatusListClient(
            insecure_hosts={f"127.0.0.1:{live_issuer.port}"}, max_ttl=lifetime, clock=clock
        ) as status_client,
    ):
        async with http.get(f"{live_issuer.base}/.well-known/did.json") as resp:
            did_doc = await resp.json()
        verifier = Verifier(DidResolver(static={did_doc["id"]: did_doc}), status_fetcher=status_client.fetch)
        vc = await _issue(http, live_issuer.base)

        assert _status_outcome(await verifier.verify(vc))[0] is Outcome.PASSED
        first = live_issuer.list_requests[:]
        assert [(status, inm) for _, status, inm in first] == [(200, None), (200, None)]  # two purposes

        await _set_status(http, live_issuer.base, vc["id"], "revocation", True)
        clock.advance(lifetime - 1)  # within the lifetime: the copy is used, the issuer is not asked
        assert _status_outcome(await verifier.verify(vc))[0] is Outcome.PASSED
        assert live_issuer.list_requests == first

        clock.advance(1)  # lifetime over: revalidated with the ETag; the revocation list changed
        outcome, message = _status_outcome(await verifier.verify(vc))
        assert outcome is Outcome.FAILED
        assert "revoked" in message.lower()
        revalidated = live_issuer.list_requests[len(first) :]
        assert revalidated
        assert all(inm is not None and inm.startswith('"') for _, _, inm in revalidated)
        assert {(path.rsplit("/", 1)[1], status) for path, status, _ in revalidated} == {
            ("revocation-1", 200),
            ("suspension-1", 304),
        }

        clock.advance(lifetime)  # nothing changed since: every list answers 304, verdict unchanged
        count = len(live_issuer.list_requests)
        outcome, _ = _status_outcome(await verifier.verify(vc))
        assert outcome is Outcome.FAILED
        again = live_issuer.list_requests[count:]
        assert again
        assert {status for _, status, _ in again} == {304}


async def test_issuer_serves_status_lists_with_the_configured_max_age_and_a_strong_etag(
    redis_url: str, tmp_path: Path
) -> None:
    server, live = await _start_issuer(redis_url, tmp_path, max_age=2)
    try:
        async with aiohttp.ClientSession() as http:
            vc = await _issue(http, live.base)
            url = vc["credentialStatus"][0]["statusListCredential"]
            async with http.get(url) as resp:
                assert resp.status == 200
                assert resp.headers["Cache-Control"] == "public, max-age=2, must-revalidate"
                etag = resp.headers["ETag"]
                assert etag.startswith('"')
                assert not etag.startswith("W/")
            async with http.get(url, headers={"If-None-Match": etag}) as resp:
                assert resp.status == 304
                assert resp.headers["ETag"] == etag
            async with http.get(f"{live.base}/status-lists/token/1") as resp:
                assert resp.status == 200
                assert resp.headers["Cache-Control"] == "public, max-age=2"
    finally:
        await server.close()


def test_cache_lifetimes_are_settings_parsed_clearly(tmp_path: Path) -> None:
    base = {"PLECAK_ADMIN_TOKEN": TOKEN, "PLECAK_DATA_DIR": str(tmp_path)}
    assert IssuerSettings.from_env(base).status_list_max_age == DEFAULT_CACHE_SECONDS <= 10
    assert VerifierSettings.from_env(base).status_cache_seconds == DEFAULT_CACHE_SECONDS
    assert WalletSettings.from_env(base).status_cache_seconds == DEFAULT_CACHE_SECONDS
    assert IssuerSettings.from_env({**base, "PLECAK_STATUS_LIST_MAX_AGE": "30"}).status_list_max_age == 30
    assert VerifierSettings.from_env({**base, "PLECAK_STATUS_CACHE_SECONDS": " 0 "}).status_cache_seconds == 0
    assert WalletSettings.from_env({**base, "PLECAK_STATUS_CACHE_SECONDS": "12"}).status_cache_seconds == 12
    for bad in ("5s", "-1", "1.5", "86401", "ten"):
        with pytest.raises(ValueError, match="PLECAK_STATUS_CACHE_SECONDS must be a whole number of seconds"):
            VerifierSettings.from_env({**base, "PLECAK_STATUS_CACHE_SECONDS": bad})
        with pytest.raises(ValueError, match="PLECAK_STATUS_LIST_MAX_AGE must be a whole number of seconds"):
            IssuerSettings.from_env({**base, "PLECAK_STATUS_LIST_MAX_AGE": bad})


async def test_verifier_service_with_zero_cache_lifetime_sees_a_revocation_at_once(
    aiohttp_server: Any, aiohttp_client: Any, redis_url: str, tmp_path: Path
) -> None:
    """The verifier service honours PLECAK_STATUS_CACHE_SECONDS (0: revalidate every time) even
    though the issuer allows caching for a while."""
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, status_cache_seconds=0)
    credential = await stack.issue()
    status, body = await stack.verify(credential)
    assert status == 200
    assert {r["check"]: r["outcome"] for r in body["results"]}["status"] == "passed"
    await stack.set_status(credential, "revocation")
    status, body = await stack.verify(credential)
    assert {r["check"]: r["outcome"] for r in body["results"]}["status"] == "failed", body
    assert body["verified"] is False
