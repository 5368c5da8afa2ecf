"""ecdsa-sd-2023 across the services: the issuer signs (VC-API, achievements, OpenID4VCI metadata),
the wallet's ``POST /credentials/derive`` discloses, and the core Verifier accepts the disclosure
with status and issuer trust, and refuses a tampered one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from plecak.core.did import DidResolver
from plecak.core.disclosure import DEFAULT_MANDATORY_POINTERS, EcdsaSdAdapter, pointer_exists
from plecak.core.integrity.ecdsa_sd import parse_base_proof_value
from plecak.core.verify.credential import Outcome, Verifier
from plecak.issuer.app import create_app as create_issuer
from plecak.wallet.app import create_app as create_wallet
from support.issuer import AUTH, PUBLIC_URL, achievement, issuer_settings, profile, simple_credential_v2
from support.wallet import wallet_settings

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
SD = {"cryptosuite": "ecdsa-sd-2023"}


class Registry:
    def lookup(self, issuer: str) -> dict[str, Any] | None:
        return {"name": "Demo University of Technology", "country": "PL"}


@dataclass
class Setup:
    issuer: TestClient[Any, Any]
    wallet: TestClient[Any, Any]
    achievement: str
    verifier: Verifier


@pytest.fixture
async def setup(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> Setup:
    issuer = await aiohttp_client(create_issuer(issuer_settings(redis_url, tmp_path / "issuer")))
    wallet = await aiohttp_client(
        # 8002 is only the settings' value: aiohttp_client serves the app on a port of its own
        create_wallet(wallet_settings(redis_url, tmp_path / "wallet", 8002))
    )
    assert (await issuer.put("/api/issuer/profile", json=profile(), headers=AUTH)).status == 200
    resp = await issuer.post("/api/achievements", json=achievement(0), headers=AUTH)
    uuid = (await resp.json())["uuid"]
    did_doc = await (await issuer.get("/.well-known/did.json")).json()

    async def fetch(url: str) -> dict[str, Any]:
        got = await issuer.get(url.removeprefix(PUBLIC_URL))
        got.raise_for_status()
        result: dict[str, Any] = await got.json(content_type=None)
        return result

    verifier = Verifier(DidResolver(static={did_doc["id"]: did_doc}), status_fetcher=fetch, trust=Registry())
    return Setup(issuer, wallet, uuid, verifier)


async def issue_sd(setup: Setup, **options: Any) -> dict[str, Any]:
    resp = await setup.issuer.post(
        f"/api/achievements/{setup.achievement}/credentials",
        json={"learner": {"name": "Anna Kowalska"}, "grade": "4.5", "options": {**SD, **options}},
        headers=AUTH,
    )
    assert resp.status == 201, await resp.text()
    credential: dict[str, Any] = (await resp.json())["verifiableCredential"]
    return credential


async def derive(setup: Setup, credential: Any, pointers: Any) -> Any:
    return await setup.wallet.post(
        "/credentials/derive",
        json={"verifiableCredential": credential, "options": {"selectivePointers": pointers}},
    )


async def test_achievement_credential_gets_base_proof_with_default_mandatory_pointers(setup: Setup) -> None:
    credential = await issue_sd(setup)
    assert credential["proof"]["cryptosuite"] == "ecdsa-sd-2023"
    assert credential["proof"]["verificationMethod"].endswith(
        next(
            m["id"]
            for m in (await (await setup.issuer.get("/.well-known/did.json")).json())["verificationMethod"]
            if m["publicKeyMultibase"].startswith("zDna")
        ).split("#")[-1]
    )
    pointers = parse_base_proof_value(credential["proof"]["proofValue"]).mandatory_pointers
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    assert pointers == [p for p in DEFAULT_MANDATORY_POINTERS if pointer_exists(unsigned, p)]
    assert "/credentialSubject/achievement/eqfLevel" in pointers
    assert "/issuer" in pointers
    assert "/credentialSubject/result" not in pointers
    assert "/credentialSubject/name" not in pointers
    fields = {f.key: f for f in EcdsaSdAdapter().fields(credential)}
    assert fields["title"].mandatory
    assert fields["kind"].mandatory
    assert not fields["grade"].mandatory
    assert fields["ects"].mandatory
    assert fields["eqf"].mandatory
    assert not fields["learner"].mandatory


async def test_derived_credential_passes_every_verifier_check(setup: Setup) -> None:
    credential = await issue_sd(setup)
    resp = await derive(setup, credential, ["/credentialSubject/achievement/creditPoint"])
    assert resp.status == 201, await resp.text()
    derived = (await resp.json())["verifiableCredential"]
    assert "result" not in derived["credentialSubject"]
    assert derived["credentialSubject"]["achievement"]["creditPoint"]
    result = await setup.verifier.verify(derived)
    assert result.verdict == "verified", result.to_json()
    assert [c.name for c in result.checks] == ["format", "proof", "issuer", "status", "validity"]


async def test_verifier_refuses_base_proof_and_tampered_disclosure(setup: Setup) -> None:
    credential = await issue_sd(setup)
    result = await setup.verifier.verify(credential)
    proof = result.check("proof")
    assert proof is not None
    assert proof.outcome is Outcome.FAILED
    assert "derive a disclosure first" in proof.message
    derived = (await (await derive(setup, credential, ["/credentialSubject/result"])).json())[
        "verifiableCredential"
    ]
    derived["credentialSubject"]["result"][0]["value"] = "5.0"
    assert not (await setup.verifier.verify(derived)).verified


async def test_revoked_sd_credential_fails_status_after_derivation(setup: Setup) -> None:
    credential = await issue_sd(setup)
    body = {
        "credentialId": credential["id"],
        "credentialStatus": {"statusPurpose": "revocation"},
        "status": True,
    }
    assert (await setup.issuer.post("/credentials/status", json=body, headers=AUTH)).status == 200
    derived = (await (await derive(setup, credential, [])).json())["verifiableCredential"]
    status = (await setup.verifier.verify(derived)).check("status")
    assert status is not None
    assert status.outcome is Outcome.FAILED


async def test_vcapi_issue_rejects_mandatory_pointer_that_selects_nothing(setup: Setup) -> None:
    resp = await setup.issuer.get("/.well-known/did.json")
    did = (await resp.json())["id"]
    resp = await setup.issuer.post(
        "/credentials/issue",
        json={
            "credential": simple_credential_v2(did),
            "options": {**SD, "mandatoryPointers": ["/credentialSubject/grade"]},
        },
        headers=AUTH,
    )
    assert resp.status == 422, await resp.text()
    assert "selects nothing" in (await resp.json())["detail"]


async def test_vcapi_issue_signs_ecdsa_sd_with_given_pointers(setup: Setup) -> None:
    did = (await (await setup.issuer.get("/.well-known/did.json")).json())["id"]
    resp = await setup.issuer.post(
        "/credentials/issue",
        json={
            "credential": simple_credential_v2(did),
            "options": {**SD, "mandatoryPointers": ["/issuer", "/name"]},
        },
        headers=AUTH,
    )
    assert resp.status == 201, await resp.text()
    credential = (await resp.json())["verifiableCredential"]
    assert parse_base_proof_value(credential["proof"]["proofValue"]).mandatory_pointers == [
        "/issuer",
        "/name",
    ]
    resp = await derive(setup, credential, ["/credentialSubject/id"])
    derived = (await resp.json())["verifiableCredential"]
    assert derived["name"] == "Course attendance"
    assert derived["credentialSubject"] == {"id": "did:example:learner"}
    assert (await setup.verifier.verify(derived)).check("proof").outcome is Outcome.PASSED  # type: ignore[union-attr]


async def test_oid4vci_metadata_offers_both_configurations(setup: Setup) -> None:
    meta = await (await setup.issuer.get("/.well-known/openid-credential-issuer")).json()
    configs = meta["credential_configurations_supported"]
    assert configs["OpenBadgeCredential_ldp_vc"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert configs["OpenBadgeCredential_ldp_vc_sd"]["format"] == "ldp_vc"
    assert configs["OpenBadgeCredential_ldp_vc_sd"]["credential_signing_alg_values_supported"] == [
        "ecdsa-sd-2023"
    ]
    resp = await setup.issuer.post(
        f"/api/achievements/{setup.achievement}/offers",
        json={"learner": {"name": "Anna"}, "cryptosuite": "ecdsa-sd-2023"},
        headers=AUTH,
    )
    assert resp.status == 201, await resp.text()
    assert (await resp.json())["credentialOffer"]["credential_configuration_ids"] == [
        "OpenBadgeCredential_ldp_vc_sd"
    ]
    resp = await setup.issuer.post(
        f"/api/achievements/{setup.achievement}/offers",
        json={"learner": {"name": "Anna"}, "cryptosuite": "bbs-2023"},
        headers=AUTH,
    )
    assert resp.status == 422


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"verifiableCredential": "x"}, 400),
        ({"verifiableCredential": {}, "options": []}, 400),
        ({"verifiableCredential": {}, "options": {"selectivePointers": "/a"}}, 400),
        ({"verifiableCredential": {}, "options": {"selectivePointers": [1]}}, 400),
        ({"verifiableCredential": {"@context": ["https://www.w3.org/ns/credentials/v2"]}}, 422),
    ],
)
async def test_derive_rejects_malformed_requests_with_problem_details(
    setup: Setup, body: Any, status: int
) -> None:
    resp = await setup.wallet.post("/credentials/derive", json=body)
    assert resp.status == status, await resp.text()
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert "Traceback" not in await resp.text()


async def test_derive_rejects_bad_pointers_and_non_json(setup: Setup) -> None:
    credential = await issue_sd(setup)
    resp = await derive(setup, credential, ["/credentialSubject/shoeSize"])
    assert resp.status == 422
    assert "selects nothing" in (await resp.json())["detail"]
    resp = await derive(
        setup, credential, ["/credentialSubject/achievement/resultDescription/0/allowedValue/0"]
    )
    assert resp.status == 422
    resp = await setup.wallet.post(
        "/credentials/derive", data="not json", headers={"Content-Type": "text/plain"}
    )
    assert resp.status == 415
    resp = await derive(setup, credential, ["/a"] * 300)
    assert resp.status == 400


async def test_derive_needs_no_session_and_sets_no_cookie(setup: Setup) -> None:
    credential = await issue_sd(setup)
    resp = await derive(setup, credential, [])
    assert resp.status == 201
    assert "Set-Cookie" not in resp.headers
