"""Shared set-up for the verifier tests (no tests here): a real issuer and a real verifier.

Both listen on real loopback ports with a real Redis. The issuer's public URL is its own test
server's URL, so its ``did:web`` and status lists resolve over real HTTP; the verifier reaches
it over plain http because the issuer's ``host:port`` is in the verifier's ``insecure_hosts``.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp.test_utils import TestClient, TestServer

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import did_key
from plecak.core.integrity.proofs import add_proof
from plecak.core.timeutil import format_datetime, utc_now
from plecak.core.verify.presentation import create_presentation
from plecak.issuer.app import create_app as create_issuer
from plecak.verifier.app import create_app as create_verifier
from plecak.verifier.config import Settings as VerifierSettings
from support.issuer import AUTH, TOKEN, achievement, issuer_settings, profile
from support.ports import Listener

__all__ = [
    "AUTH",
    "TOKEN",
    "Holder",
    "Stack",
    "credential_with_unreachable_status",
    "start_stack",
    "verifier_settings",
]

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def verifier_settings(redis_url: str, port: int, insecure: set[str], **overrides: Any) -> VerifierSettings:
    values: dict[str, Any] = {
        "admin_token": TOKEN,
        "host": "127.0.0.1",
        "port": port,
        "public_url": f"http://127.0.0.1:{port}",
        "redis_url": redis_url,
        "insecure_hosts": frozenset(insecure),
        "fetch_timeout": 5.0,
        # the OpenID4VP signing key and development certificate are made here
        "data_dir": Path(tempfile.mkdtemp(prefix="plecak-verifier-")),
    }
    values.update(overrides)
    return VerifierSettings(**values)


@dataclass
class Holder:
    """A learner's wallet key (did:key) that signs presentations."""

    key: Ed25519KeyPair = field(default_factory=Ed25519KeyPair.generate)

    @property
    def did(self) -> str:
        return did_key(self.key)

    @property
    def method(self) -> str:
        return f"{self.did}#{self.key.public_multibase}"

    def present(
        self, credentials: list[dict[str, Any]], *, challenge: str | None = None, domain: str | None = None
    ) -> dict[str, Any]:
        return create_presentation(
            credentials, self.key, self.did, self.method, challenge=challenge, domain=domain
        )


@dataclass
class Stack:
    issuer: TestClient[Any, Any]
    verifier: TestClient[Any, Any]
    issuer_url: str
    verifier_url: str
    issuer_did: str
    achievement_uuid: str
    achievement_id: str

    async def issue(
        self,
        name: str = "Anna Nowak",
        *,
        grade: str | None = None,
        options: dict[str, Any] | None = None,
        **learner: Any,
    ) -> dict[str, Any]:
        """``options``: the issuing options, e.g. ``{"format": "vc+cose"}``."""
        body: dict[str, Any] = {"learner": {"name": name, **learner}}
        if grade is not None:
            body["grade"] = grade
        if options is not None:
            body["options"] = options
        resp = await self.issuer.post(
            f"/api/achievements/{self.achievement_uuid}/credentials", json=body, headers=AUTH
        )
        assert resp.status == 201, await resp.text()
        credential: dict[str, Any] = (await resp.json())["verifiableCredential"]
        return credential

    async def issue_vcapi(self, credential: dict[str, Any]) -> dict[str, Any]:
        """Sign a caller-made credential with the issuer's key (``/credentials/issue``)."""
        resp = await self.issuer.post("/credentials/issue", json={"credential": credential}, headers=AUTH)
        assert resp.status == 201, await resp.text()
        signed: dict[str, Any] = (await resp.json())["verifiableCredential"]
        return signed

    async def set_status(self, credential: dict[str, Any], purpose: str, value: bool = True) -> None:
        body = {
            "credentialId": credential["id"],
            "credentialStatus": {"statusPurpose": purpose},
            "status": value,
        }
        resp = await self.issuer.post("/credentials/status", json=body, headers=AUTH)
        assert resp.status == 200, await resp.text()

    async def trust(self, did: str | None = None, **entry: Any) -> None:
        body = {"name": "Demo University of Technology", "country": "PL", **entry}
        path = "/api/trusted-issuers/" + quote(did or self.issuer_did, safe=":")
        resp = await self.verifier.put(path, json=body, headers=AUTH)
        assert resp.status in (200, 201), await resp.text()

    async def verify(self, credential: Any) -> tuple[int, dict[str, Any]]:
        resp = await self.verifier.post(
            "/credentials/verify", json={"verifiableCredential": credential, "options": {}}
        )
        assert resp.content_type == "application/json", await resp.text()
        body: dict[str, Any] = await resp.json()
        return resp.status, body

    async def csrf(self) -> str:
        """Open the home page like a browser (the client keeps the cookie) and read the form token."""
        resp = await self.verifier.get("/")
        assert resp.status == 200
        match = CSRF.search(await resp.text())
        assert match, "no CSRF token on the home page"
        return match.group(1)


def credential_with_unreachable_status(port: int) -> tuple[dict[str, Any], str]:
    """A credential with a valid did:key seal whose status list lives on a dead port; and that DID."""
    key = Ed25519KeyPair.generate()
    did = did_key(key)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "name": "Course attendance",
        "issuer": did,
        "validFrom": format_datetime(utc_now()),
        "credentialSubject": {"id": "did:example:learner", "name": "Anna Kowalska"},
        "credentialStatus": {
            "id": f"http://127.0.0.1:{port}/status/1#7",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "7",
            "statusListCredential": f"http://127.0.0.1:{port}/status/1",
        },
    }
    return add_proof(credential, key, f"{did}#{key.public_multibase}"), did


async def start_stack(
    aiohttp_server: ServerFactory,
    aiohttp_client: ClientFactory,
    redis_url: str,
    tmp_path: Path,
    *,
    trusted: bool = True,
    **verifier_overrides: Any,
) -> Stack:
    """The issuer (with the demo profile and first demo achievement) and a verifier trusting it."""
    issuer_port_listener = Listener()
    issuer_port = issuer_port_listener.port
    issuer_url = f"http://127.0.0.1:{issuer_port}"
    issuer_app = create_issuer(issuer_settings(redis_url, tmp_path, public_url=issuer_url))
    issuer = await aiohttp_client(await aiohttp_server(issuer_app, listener=issuer_port_listener))
    assert (await issuer.put("/api/issuer/profile", json=profile(), headers=AUTH)).status == 200
    resp = await issuer.post("/api/achievements", json=achievement(0), headers=AUTH)
    assert resp.status == 201, await resp.text()
    record = await resp.json()
    did = (await (await issuer.get("/.well-known/did.json")).json())["id"]

    verifier_port_listener = Listener()
    verifier_port = verifier_port_listener.port
    insecure = {f"127.0.0.1:{issuer_port}", *verifier_overrides.pop("extra_insecure", ())}
    settings = verifier_settings(redis_url, verifier_port, insecure, **verifier_overrides)
    verifier_server = await aiohttp_server(create_verifier(settings), listener=verifier_port_listener)
    verifier = await aiohttp_client(verifier_server)
    stack = Stack(
        issuer=issuer,
        verifier=verifier,
        issuer_url=issuer_url,
        verifier_url=f"http://127.0.0.1:{verifier_port}",
        issuer_did=did,
        achievement_uuid=record["uuid"],
        achievement_id=record["id"],
    )
    if trusted:
        await stack.trust()
    return stack


async def stack_with_unreachable_status(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path, port: int
) -> tuple[Stack, dict[str, Any]]:
    """A stack whose verifier may fetch over http from 127.0.0.1:PORT, where nothing listens; and a
    credential from an issuer it trusts whose status list is there."""
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, extra_insecure={f"127.0.0.1:{port}"})
    credential, did = credential_with_unreachable_status(port)
    await stack.trust(did, name="Self-hosted test issuer")
    return stack, credential
