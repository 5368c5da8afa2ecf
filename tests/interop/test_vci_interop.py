"""Our issuer against independent implementations over https on loopback.

- @openid4vc/openid4vci (a third-party wallet library) receives every credential configuration we
  offer, pre-authorised code + tx_code, with the key binding each one announces;
- @sd-jwt/sd-jwt-vc verifies our SD-JWT VC with the issuer's JWT VC Issuer Metadata (no DIDs), its
  Token Status List and the type metadata of its ``vct``;
- Digital Bazaar's VC stack, given nothing but https access to the issuer's public URLs (its
  document loader fetches our context and did:web document; official W3C/1EdTech contexts come from
  its own copy of the public web), verifies a demo micro-credential.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from plecak.core.did import DidResolver
from plecak.core.integrity.ecdsa_sd import derive
from plecak.core.integrity.proofs import verify_proofs
from plecak.core.jsonld.loader import find_contexts_dir
from plecak.core.sdjwt import VCT_MICRO_CREDENTIAL, parse_sd_jwt
from plecak.issuer.app import SETTINGS
from support.issuer import achievement, profile
from support.vci_peers import ADMIN_TOKEN, HttpsIssuer, https_issuer, require_peers, run_peer

pytestmark = pytest.mark.interop

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
async def issuer(
    request: pytest.FixtureRequest, redis_url: str, tmp_path: Path
) -> AsyncIterator[tuple[HttpsIssuer, aiohttp.ClientSession, str]]:
    require_peers()
    async with https_issuer(redis_url, tmp_path, **getattr(request, "param", {})) as served:
        tls = ssl.create_default_context(cafile=str(served.ca_file))
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=tls)) as http:
            resp = await http.put(f"{served.url}/api/issuer/profile", json=profile(), headers=AUTH)
            assert resp.status == 200, await resp.text()
            resp = await http.post(f"{served.url}/api/achievements", json=achievement(0), headers=AUTH)
            assert resp.status == 201, await resp.text()
            yield served, http, (await resp.json())["uuid"]


async def _offer(http: aiohttp.ClientSession, served: HttpsIssuer, uuid: str, **extra: Any) -> dict[str, Any]:
    body = {"learner": {"name": "Anna Kowalska", "email": "anna@example.org"}, "grade": "4.5", "txCode": True}
    resp = await http.post(f"{served.url}/api/achievements/{uuid}/offers", json={**body, **extra}, headers=AUTH)
    assert resp.status == 201, await resp.text()
    offer: dict[str, Any] = await resp.json()
    return offer


@pytest.mark.parametrize(
    ("extra", "binding", "alg", "configuration"),
    [
        ({}, "did:key", "EdDSA", "OpenBadgeCredential_ldp_vc"),
        ({"cryptosuite": "ecdsa-sd-2023"}, "did:jwk", "ES256", "OpenBadgeCredential_ldp_vc_sd"),
        ({"format": "dc+sd-jwt"}, "jwk", "ES256", "MicroCredential_dc+sd-jwt"),
    ],
    ids=["ldp_vc-eddsa-did:key", "ldp_vc-ecdsa-sd-did:jwk", "dc+sd-jwt-jwk-ES256"],
)
async def test_third_party_wallet_receives_every_configuration_we_offer(
    issuer: tuple[HttpsIssuer, aiohttp.ClientSession, str],
    extra: dict[str, Any],
    binding: str,
    alg: str,
    configuration: str,
) -> None:
    served, http, uuid = issuer
    offer = await _offer(http, served, uuid, **extra)
    request = {"offer": offer["offerLink"], "txCode": offer["txCode"], "binding": binding, "alg": alg}
    result = await run_peer("wallet.mjs", request, ca_file=served.ca_file)
    assert result["ok"] is True, result["error"]
    assert result["configurationId"] == configuration
    credential = result["credential"]
    if result["format"] == "dc+sd-jwt":
        assert parse_sd_jwt(credential).payload["cnf"]["jwk"] == result["holder"]["jwk"]
    else:
        assert result["format"] == "ldp_vc"
        assert credential["credentialSubject"]["id"] == result["holder"]["did"]
        did_doc = await (await http.get(f"{served.url}/.well-known/did.json")).json()
        if credential["proof"]["cryptosuite"] == "ecdsa-sd-2023":  # a base proof: verify a disclosure
            credential = derive(credential, ["/credentialSubject/id"])
        checks = await verify_proofs(credential, DidResolver(static={did_doc["id"]: did_doc}))
        assert [c.verified for c in checks] == [True]
    status = await (await http.get(f"{served.url}/api/offers/{offer['id']}", headers=AUTH)).json()
    assert status["state"] == "issued"


async def test_third_party_wallet_is_refused_a_second_credential_for_a_used_offer(
    issuer: tuple[HttpsIssuer, aiohttp.ClientSession, str],
) -> None:
    served, http, uuid = issuer
    offer = await _offer(http, served, uuid)
    request = {"offer": offer["offerLink"], "txCode": "000000", "binding": "did:key", "alg": "EdDSA"}
    if offer["txCode"] == "000000":
        request["txCode"] = "111111"
    result = await run_peer("wallet.mjs", request, ca_file=served.ca_file)
    assert result["ok"] is False
    assert "invalid_grant" in result["error"]


async def _demo_credential(http: aiohttp.ClientSession, served: HttpsIssuer, uuid: str) -> dict[str, Any]:
    body = {"learner": {"name": "Anna Kowalska", "email": "anna@example.org"}, "grade": "4.5"}
    resp = await http.post(f"{served.url}/api/achievements/{uuid}/credentials", json=body, headers=AUTH)
    assert resp.status == 201, await resp.text()
    credential: dict[str, Any] = (await resp.json())["verifiableCredential"]
    return credential


async def test_outside_verifier_with_only_https_access_verifies_a_demo_micro_credential(
    issuer: tuple[HttpsIssuer, aiohttp.ClientSession, str],
) -> None:
    served, http, uuid = issuer
    credential = await _demo_credential(http, served, uuid)
    request = {"credential": credential, "publicWeb": str(find_contexts_dir())}
    result = await run_peer("ldp_verify.mjs", request, ca_file=served.ca_file)
    assert result["ok"] is True, result["error"]
    # our extension context and the issuer's DID document came from the issuer, over https
    assert f"{served.url}/contexts/plecak/mc/v1" in result["fetched"]
    assert f"{served.url}/.well-known/did.json" in result["fetched"]
    assert result["status"] == {"revocation": False, "suspension": False}

    # the same verifier notices a revocation and a forged field
    resp = await http.post(
        f"{served.url}/credentials/status",
        json={
            "credentialId": credential["id"],
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=AUTH,
    )
    assert resp.status == 200, await resp.text()
    revoked = await run_peer("ldp_verify.mjs", request, ca_file=served.ca_file)
    assert revoked["ok"] is False
    assert revoked["status"]["revocation"] is True
    forged = {**credential, "name": "Doctorate in everything"}
    result = await run_peer("ldp_verify.mjs", {**request, "credential": forged}, ca_file=served.ca_file)
    assert result["ok"] is False


@pytest.mark.parametrize(
    "issuer", [{}, {"sdjwt_vct": "shared"}], ids=["vct-hosted-by-default", "vct-shared"], indirect=True
)
async def test_third_party_sd_jwt_vc_library_verifies_our_credential_with_issuer_and_type_metadata(
    issuer: tuple[HttpsIssuer, aiohttp.ClientSession, str],
) -> None:
    served, http, uuid = issuer
    offer = await _offer(http, served, uuid, format="dc+sd-jwt")
    request = {"offer": offer["offerLink"], "txCode": offer["txCode"], "binding": "jwk", "alg": "ES256"}
    received = await run_peer("wallet.mjs", request, ca_file=served.ca_file)
    assert received["ok"] is True, received["error"]
    sd_jwt = received["credential"]
    payload = parse_sd_jwt(sd_jwt).payload
    assert payload["iss"] == served.url
    hosted = payload["vct"] == f"{served.url}/vct/micro-credential/v1"
    assert hosted == (served.app[SETTINGS].sdjwt_vct == "hosted")
    assert hosted or payload["vct"] == VCT_MICRO_CREDENTIAL
    type_url = None if hosted else f"{served.url}/vct/micro-credential/v1"

    result = await run_peer(
        "sdjwt_verify.mjs", {"credential": sd_jwt, "typeMetadataUrl": type_url}, ca_file=served.ca_file
    )
    assert result["ok"] is True, result["error"]
    assert result["claims"]["title"]
    assert result["claims"]["name"] == "Anna Kowalska"
    assert f"{served.url}/.well-known/jwt-vc-issuer" in result["fetched"]
    assert payload["status"]["status_list"]["uri"] in result["fetched"]
    assert f"{served.url}/vct/micro-credential/v1" in result["fetched"]
    meta = result["typeMetadata"]
    assert meta["vct"] == payload["vct"]
    assert {d["locale"] for d in meta["display"]} == {"en", "pl"}
    labels = {tuple(c["path"]): {d["locale"]: d["label"] for d in c["display"]} for c in meta["claims"]}
    assert labels[("ects",)]["pl"] == "Nakład pracy (punkty ECTS)"
    assert ("grade",) in labels

    # a forged disclosure and a revoked credential are refused by the same library
    issuer_jwt, *disclosures = sd_jwt.rstrip("~").split("~")
    forged = "~".join([issuer_jwt, *disclosures[:-1], disclosures[-1][:-2] + "AA"]) + "~"
    result = await run_peer(
        "sdjwt_verify.mjs", {"credential": forged, "typeMetadataUrl": type_url}, ca_file=served.ca_file
    )
    assert result["ok"] is False
    status = await (await http.get(f"{served.url}/api/offers/{offer['id']}", headers=AUTH)).json()
    resp = await http.post(
        f"{served.url}/credentials/status",
        json={
            "credentialId": status["credentialId"],
            "credentialStatus": {"type": "TokenStatusList", "statusPurpose": "revocation"},
            "status": True,
        },
        headers=AUTH,
    )
    assert resp.status == 200, await resp.text()
    result = await run_peer(
        "sdjwt_verify.mjs", {"credential": sd_jwt, "typeMetadataUrl": type_url}, ca_file=served.ca_file
    )
    assert result["ok"] is False
    assert "Status is not valid" in result["error"]
