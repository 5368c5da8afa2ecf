"""A credential from the issuer goes through the core verification pipeline, before and after revocation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from plecak.core.did import DidResolver
from plecak.core.timeutil import utc_now
from plecak.core.verify.credential import Outcome, Verifier
from plecak.issuer.app import create_app
from support.issuer import AUTH, PUBLIC_URL, achievement, issuer_settings, profile

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


class Registry:
    def __init__(self, trusted: dict[str, dict[str, Any]]) -> None:
        self.trusted = trusted

    def lookup(self, issuer: str) -> dict[str, Any] | None:
        return self.trusted.get(issuer)


async def _setup(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> tuple[TestClient[Any, Any], dict[str, Any], Verifier]:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    uuid = (await (await client.post("/api/achievements", json=achievement(0), headers=AUTH)).json())["uuid"]
    resp = await client.post(
        f"/api/achievements/{uuid}/credentials", json={"learner": {"name": "Jan Nowak"}}, headers=AUTH
    )
    vc = (await resp.json())["verifiableCredential"]
    did_doc = await (await client.get("/.well-known/did.json")).json()

    async def fetch(url: str) -> dict[str, Any]:
        assert url.startswith(PUBLIC_URL)
        resp = await client.get(url.removeprefix(PUBLIC_URL))
        resp.raise_for_status()
        result: dict[str, Any] = await resp.json(content_type=None)
        return result

    verifier = Verifier(
        DidResolver(static={did_doc["id"]: did_doc}),
        status_fetcher=fetch,
        trust=Registry({did_doc["id"]: {"name": "Demo University of Technology", "country": "PL"}}),
    )
    return client, vc, verifier


async def test_issued_credential_passes_every_check(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    _, vc, verifier = await _setup(aiohttp_client, redis_url, tmp_path)
    result = await verifier.verify(vc)
    assert result.verdict == "verified", result.to_json()
    assert [c.name for c in result.checks] == ["format", "proof", "issuer", "status", "validity"]
    assert result.check("format").details.get("microCredential") is True  # type: ignore[union-attr]


async def test_revoked_credential_fails_status_check(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client, vc, verifier = await _setup(aiohttp_client, redis_url, tmp_path)
    body = {"credentialId": vc["id"], "credentialStatus": {"statusPurpose": "revocation"}, "status": True}
    assert (await client.post("/credentials/status", json=body, headers=AUTH)).status == 200
    result = await verifier.verify(vc)
    assert not result.verified
    status = result.check("status")
    assert status is not None
    assert status.outcome is Outcome.FAILED
    assert "revoked" in status.message


async def test_unreachable_status_list_is_unknown_not_ok(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    _, vc, verifier = await _setup(aiohttp_client, redis_url, tmp_path)

    async def down(url: str) -> dict[str, Any]:
        raise ConnectionError(f"cannot reach {url}")

    verifier.status_fetcher = down
    result = await verifier.verify(vc)
    status = result.check("status")
    assert status is not None
    assert status.outcome is Outcome.UNKNOWN
    assert not result.verified
    assert result.verdict == "warnings"


async def test_tampered_credential_fails_proof_and_untrusted_issuer_warns(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    _, vc, verifier = await _setup(aiohttp_client, redis_url, tmp_path)
    tampered = {**vc, "credentialSubject": {**vc["credentialSubject"], "creditsEarned": 30}}
    assert (await verifier.verify(tampered)).check("proof").outcome is Outcome.FAILED  # type: ignore[union-attr]
    verifier.trust = Registry({})
    result = await verifier.verify(vc)
    assert result.check("issuer").outcome is Outcome.WARNING  # type: ignore[union-attr]
    assert result.verified
    assert result.verdict == "warnings"


async def test_validity_window_is_enforced(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    _, vc, verifier = await _setup(aiohttp_client, redis_url, tmp_path)
    verifier.now = lambda: utc_now() - timedelta(days=1)
    check = (await verifier.verify(vc)).check("validity")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert "not valid yet" in check.message
