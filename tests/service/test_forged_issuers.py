"""Issue 15: the verifier never answers ``verified: true`` for a credential whose issuer does not
control the key that sealed it, through ``POST /credentials/verify`` or inside a presentation
(``POST /presentations/verify``), in its default configuration.

Every forged variant is built against a real issuer and verifier (real HTTP, real Redis); the
attacker's did:web is served by a real loopback server the verifier may reach.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import did_document, did_key, did_web_from_url
from plecak.core.integrity.proofs import add_proof
from plecak.core.timeutil import format_datetime, utc_now
from plecak.core.verify.presentation import create_presentation
from plecak.verifier.config import Settings as VerifierSettings
from support.ports import Listener
from support.verifier import Holder, Stack, start_stack

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]

UNIVERSITY_URL = "https://www.pw.edu.pl/"


def unsigned(issuer: Any, subject: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "name": "Master of Science in Computer Science",
        "issuer": issuer,
        "validFrom": format_datetime(utc_now()),
        "credentialSubject": {"id": subject, "name": "Mallory Forger"},
    }


def sign(credential: dict[str, Any], key: Ed25519KeyPair, vm: str | None = None) -> dict[str, Any]:
    return add_proof(credential, key, vm or f"{did_key(key)}#{key.public_multibase}")


class Attacker:
    """A forger with a random did:key and a did:web of their own whose document claims that its
    key is "controlled by" the real university's DID."""

    def __init__(self, url: str, victim_did: str) -> None:
        self.key = Ed25519KeyPair.generate()
        self.did_web = did_web_from_url(url)
        self.vm_web = f"{self.did_web}#key-1"
        doc = did_document(self.did_web, [("key-1", self.key.public_multibase)])
        doc["verificationMethod"][0]["controller"] = victim_did
        self.document = doc

    @property
    def vm_key(self) -> str:
        return f"{did_key(self.key)}#{self.key.public_multibase}"


@pytest.fixture
async def forged(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> tuple[Stack, list[tuple[str, dict[str, Any]]], Holder]:
    port_listener = Listener()
    port = port_listener.port
    stack = await start_stack(
        aiohttp_server, aiohttp_client, redis_url, tmp_path, extra_insecure={f"127.0.0.1:{port}"}
    )
    attacker = Attacker(f"http://127.0.0.1:{port}", stack.issuer_did)
    app = web.Application()

    async def did_json(request: web.Request) -> web.Response:
        return web.json_response(attacker.document)

    app.router.add_get("/.well-known/did.json", did_json)
    await aiohttp_server(app, listener=port_listener)

    holder = Holder()
    university = stack.issuer_did
    other_key = Ed25519KeyPair.generate()
    key = attacker.key
    variants = [
        ("URL issuer signed by a random did:key", sign(unsigned(UNIVERSITY_URL, holder.did), key)),
        (
            "issuer object with a URL id signed by a random did:key",
            sign(
                unsigned({"id": UNIVERSITY_URL, "name": "Warsaw University of Technology"}, holder.did), key
            ),
        ),
        (
            "URN issuer signed by a random did:key",
            sign(unsigned("urn:uuid:2f0e8a52-8b53-4c3c-9d59-6a3e2a1b0c11", holder.did), key),
        ),
        (
            "the university's DID signed by the attacker's did:key",
            sign(unsigned(university, holder.did), key),
        ),
        (
            "issuer object naming the university's DID signed by the attacker's did:key",
            sign(unsigned({"id": university, "name": "Demo University of Technology"}, holder.did), key),
        ),
        (
            "did:key A as issuer with a verification method of did:key B",
            sign(unsigned(did_key(other_key), holder.did), key),
        ),
        (
            "the university's DID signed by a did:web whose document claims the university controls its key",
            sign(unsigned(university, holder.did), key, attacker.vm_web),
        ),
        (
            "the university's DID with the attacker's key under the university's DID URL",
            sign(unsigned(university, holder.did), key, f"{university}#{key.public_multibase}"),
        ),
    ]
    # A real credential of the university whose issuer was then swapped for another.
    genuine = await stack.issue(did=holder.did)
    swapped = copy.deepcopy(genuine)
    swapped["issuer"] = {**swapped["issuer"], "id": did_key(other_key)}
    variants.append(("a genuine credential with the issuer id swapped", swapped))
    return stack, variants, holder


async def test_no_forged_issuer_is_ever_verified(
    forged: tuple[Stack, list[tuple[str, dict[str, Any]]], Holder],
) -> None:
    stack, variants, holder = forged
    accepted = []
    for name, credential in variants:
        status, body = await stack.verify(credential)
        if body.get("verified") is not False or status != 422:
            accepted.append(("credential", name, status, body.get("verdict")))
        proof = next(c for c in body["results"] if c["check"] == "proof")
        assert proof["outcome"] == "failed", (name, proof)
        for check in body["results"]:  # nothing after the seal says the seal or signature is valid
            text = check["message"].lower()
            assert "signature is valid" not in text, (name, check)
            assert "seal is valid" not in text, (name, check)
        vp = holder.present([credential], challenge=f"challenge-{len(accepted)}-{name}")
        resp = await stack.verifier.post(
            "/presentations/verify",
            json={
                "verifiablePresentation": vp,
                "options": {"challenge": f"challenge-{len(accepted)}-{name}"},
            },
        )
        answer = await resp.json()
        if answer.get("verified") is not False or resp.status != 422:
            accepted.append(("presentation", name, resp.status, answer.get("verdict")))
    assert accepted == []
    assert len(variants) == 9


async def test_the_genuine_credential_still_verifies(
    forged: tuple[Stack, list[tuple[str, dict[str, Any]]], Holder],
) -> None:
    """The negative control: the same stack verifies what the university really issued."""
    stack, _, holder = forged
    vp = holder.present([await stack.issue(did=holder.did)], challenge="genuine")
    resp = await stack.verifier.post(
        "/presentations/verify", json={"verifiablePresentation": vp, "options": {"challenge": "genuine"}}
    )
    body = await resp.json()
    assert resp.status == 200, body
    assert body["verified"] is True, body
    assert body["verdict"] == "verified", body


async def test_url_issuers_are_allowed_only_when_configured(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    assert VerifierSettings.from_env({"PLECAK_ADMIN_TOKEN": "x" * 20}).url_issuers is False
    relaxed = VerifierSettings.from_env({"PLECAK_ADMIN_TOKEN": "x" * 20, "PLECAK_ALLOW_URL_ISSUERS": "1"})
    assert relaxed.url_issuers is True
    with pytest.raises(ValueError, match="PLECAK_ALLOW_URL_ISSUERS"):
        VerifierSettings.from_env({"PLECAK_ADMIN_TOKEN": "x" * 20, "PLECAK_ALLOW_URL_ISSUERS": "maybe"})
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, url_issuers=True)
    credential = sign(unsigned(UNIVERSITY_URL, "did:example:learner"), Ed25519KeyPair.generate())
    status, body = await stack.verify(credential)
    proof = next(c for c in body["results"] if c["check"] == "proof")
    assert status == 200
    assert body["verified"] is True
    assert body["verdict"] == "warnings"
    assert proof["outcome"] == "warning"
    assert "unconfirmed" in proof["message"]


async def test_a_did_web_claiming_to_be_controlled_by_the_learner_does_not_present_as_the_learner(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    """The presenter is the DID whose document authorises the key, not whom that document names as
    the key's controller: a thief's did:web cannot present a learner's credential as the learner."""
    port_listener = Listener()
    port = port_listener.port
    stack = await start_stack(
        aiohttp_server, aiohttp_client, redis_url, tmp_path, extra_insecure={f"127.0.0.1:{port}"}
    )
    learner = Holder()
    thief = Attacker(f"http://127.0.0.1:{port}", learner.did)
    app = web.Application()

    async def did_json(request: web.Request) -> web.Response:
        return web.json_response(thief.document)

    app.router.add_get("/.well-known/did.json", did_json)
    await aiohttp_server(app, listener=port_listener)
    stolen = await stack.issue(did=learner.did)
    vp = create_presentation([stolen], thief.key, learner.did, thief.vm_web, challenge="steal")
    resp = await stack.verifier.post(
        "/presentations/verify", json={"verifiablePresentation": vp, "options": {"challenge": "steal"}}
    )
    body = await resp.json()
    outcomes = {c["check"]: c["outcome"] for c in body["results"]}
    assert resp.status == 422, body
    assert body["verified"] is False, body
    assert outcomes["holder"] == "failed"
    assert outcomes["binding"] != "passed"
