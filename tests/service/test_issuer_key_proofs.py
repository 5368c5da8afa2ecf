"""OpenID4VCI 1.0 key proofs the issuer accepts: a ``jwk`` header, a ``kid`` of did:key or did:jwk,
ES256 as well as EdDSA, exactly as its metadata announces (and nothing it does not announce)."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair
from plecak.core.did import did_key
from plecak.core.oid4vci.keyproof import did_jwk, public_jwk
from plecak.core.sdjwt import parse_sd_jwt
from plecak.issuer.app import create_app
from support.issuer import AUTH, PUBLIC_URL, achievement, issuer_settings, profile
from support.oid4vci import ClientFactory, code_of, make_offer, nonce, token

LDP = "OpenBadgeCredential_ldp_vc"
LDP_SD = "OpenBadgeCredential_ldp_vc_sd"
SDJWT = "MicroCredential_dc+sd-jwt"
TYP = "openid4vci-proof+jwt"


@pytest.fixture
async def issuer(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> tuple[TestClient[Any, Any], str]:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    uuid = (await (await client.post("/api/achievements", json=achievement(0), headers=AUTH)).json())["uuid"]
    return client, uuid


def _proof(key: Ed25519KeyPair | EcdsaKeyPair, header: dict[str, Any], c_nonce: str, **claims: Any) -> str:
    alg = "EdDSA" if isinstance(key, Ed25519KeyPair) else "ES256"
    payload = {"aud": PUBLIC_URL, "iat": int(time.time()), "nonce": c_nonce, **claims}
    assert key.private_key is not None
    return jwt.encode(payload, key.private_key, algorithm=header.pop("alg", alg), headers={"typ": TYP, **header})


def _raw_proof(key: EcdsaKeyPair, header: dict[str, Any], c_nonce: str) -> str:
    """A key proof with a header PyJWT would refuse to write."""

    def part(value: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    payload = {"aud": PUBLIC_URL, "iat": int(time.time()), "nonce": c_nonce}
    signing_input = f"{part(header)}.{part(payload)}"
    signature = base64.urlsafe_b64encode(key.sign(signing_input.encode())).rstrip(b"=").decode()
    return f"{signing_input}.{signature}"


def _jwk_header(key: Ed25519KeyPair | EcdsaKeyPair) -> dict[str, Any]:
    return {"jwk": public_jwk(key.public_key)}


def _did_key_header(key: Ed25519KeyPair | EcdsaKeyPair) -> dict[str, Any]:
    return {"kid": f"{did_key(key)}#{key.public_multibase}"}


def _did_jwk_header(key: Ed25519KeyPair | EcdsaKeyPair) -> dict[str, Any]:
    return {"kid": did_jwk(public_jwk(key.public_key)) + "#0"}


async def _access(client: TestClient[Any, Any], uuid: str, config: str) -> str:
    extra: dict[str, Any] = {"format": "dc+sd-jwt"} if config == SDJWT else {}
    if config == LDP_SD:
        extra["cryptosuite"] = "ecdsa-sd-2023"
    offer = await make_offer(client, uuid, **extra)
    assert offer["credentialOffer"]["credential_configuration_ids"] == [config]
    access: str = (await (await token(client, code_of(offer))).json())["access_token"]
    return access


async def _request(client: TestClient[Any, Any], access: str, config: str, body: dict[str, Any]) -> Any:
    return await client.post(
        "/credential",
        json={"credential_configuration_id": config, **body},
        headers={"Authorization": f"Bearer {access}"},
    )


async def test_metadata_announces_binding_methods_and_proof_algorithms(
    issuer: tuple[TestClient[Any, Any], str],
) -> None:
    client, _ = issuer
    configs = (await (await client.get("/.well-known/openid-credential-issuer")).json())[
        "credential_configurations_supported"
    ]
    for config in (LDP, LDP_SD):
        assert configs[config]["cryptographic_binding_methods_supported"] == ["did:key", "did:jwk"]
        assert configs[config]["proof_types_supported"] == {
            "jwt": {"proof_signing_alg_values_supported": ["ES256", "EdDSA"]}
        }
    assert configs[LDP]["credential_signing_alg_values_supported"] == ["eddsa-rdfc-2022"]
    assert configs[LDP_SD]["credential_signing_alg_values_supported"] == ["ecdsa-sd-2023"]
    assert configs[SDJWT]["cryptographic_binding_methods_supported"] == ["jwk", "did:key", "did:jwk"]
    assert configs[SDJWT]["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"] == [
        "ES256",
        "EdDSA",
    ]
    assert configs[SDJWT]["credential_signing_alg_values_supported"] == ["ES256"]


async def test_sd_jwt_is_bound_to_an_es256_jwk_header_key(issuer: tuple[TestClient[Any, Any], str]) -> None:
    client, uuid = issuer
    key = EcdsaKeyPair.generate("P-256")
    access = await _access(client, uuid, SDJWT)
    proof = _proof(key, _jwk_header(key), await nonce(client))
    resp = await _request(client, access, SDJWT, {"proofs": {"jwt": [proof]}})
    assert resp.status == 200, await resp.text()
    payload = parse_sd_jwt((await resp.json())["credentials"][0]["credential"]).payload
    assert payload["cnf"]["jwk"] == key.public_jwk()


@pytest.mark.parametrize("header_of", [_did_key_header, _did_jwk_header], ids=["did:key", "did:jwk"])
@pytest.mark.parametrize("curve", ["Ed25519", "P-256"])
async def test_ldp_vc_is_issued_to_the_did_of_the_kid(
    issuer: tuple[TestClient[Any, Any], str], header_of: Any, curve: str
) -> None:
    client, uuid = issuer
    key = Ed25519KeyPair.generate() if curve == "Ed25519" else EcdsaKeyPair.generate("P-256")
    access = await _access(client, uuid, LDP)
    header = header_of(key)
    resp = await _request(client, access, LDP, {"proofs": {"jwt": [_proof(key, header, await nonce(client))]}})
    assert resp.status == 200, await resp.text()
    vc = (await resp.json())["credentials"][0]["credential"]
    assert vc["credentialSubject"]["id"] == header["kid"].split("#")[0]


async def test_pre_final_single_proof_parameter_is_accepted(issuer: tuple[TestClient[Any, Any], str]) -> None:
    client, uuid = issuer
    key = EcdsaKeyPair.generate("P-256")
    access = await _access(client, uuid, LDP_SD)
    proof = _proof(key, _did_key_header(key), await nonce(client))
    resp = await _request(client, access, LDP_SD, {"proof": {"proof_type": "jwt", "jwt": proof}})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["credentials"][0]["credential"]["credentialSubject"]["id"] == did_key(key)


async def test_ldp_vc_refuses_a_bare_jwk_it_does_not_announce(issuer: tuple[TestClient[Any, Any], str]) -> None:
    client, uuid = issuer
    key = Ed25519KeyPair.generate()
    access = await _access(client, uuid, LDP)
    resp = await _request(
        client, access, LDP, {"proofs": {"jwt": [_proof(key, _jwk_header(key), await nonce(client))]}}
    )
    assert resp.status == 400
    body = await resp.json()
    assert body["error"] == "invalid_proof"
    assert "kid" in body["error_description"]


async def test_key_proof_headers_and_algorithms_are_checked(issuer: tuple[TestClient[Any, Any], str]) -> None:
    client, uuid = issuer
    access = await _access(client, uuid, SDJWT)
    p256, ed, p384 = EcdsaKeyPair.generate("P-256"), Ed25519KeyPair.generate(), EcdsaKeyPair.generate("P-384")
    other = EcdsaKeyPair.generate("P-256")
    bad = {
        "both jwk and kid": _proof(p256, {**_jwk_header(p256), **_did_key_header(p256)}, await nonce(client)),
        "neither": _proof(p256, {}, await nonce(client)),
        "alg does not match key": _proof(p256, {**_jwk_header(ed), "alg": "ES256"}, await nonce(client)),
        "signed by another key": _proof(other, _jwk_header(p256), await nonce(client)),
        "P-384 key": _proof(p384, {**_did_key_header(p384), "alg": "ES384"}, await nonce(client)),
        "private key in jwk": _proof(p256, {"jwk": {**p256.public_jwk(), "d": "AAAA"}}, await nonce(client)),
        "did:jwk with wrong fragment": _proof(p256, {"kid": did_jwk(p256.public_jwk()) + "#1"}, await nonce(client)),
        "did:web kid": _proof(p256, {"kid": "did:web:example.org#key-1"}, await nonce(client)),
        "jwk not an object": _proof(p256, {"jwk": "x"}, await nonce(client)),
        "jwk not base64url": _proof(
            p256, {"jwk": {"kty": "EC", "crv": "P-256", "x": "!!", "y": "??"}}, await nonce(client)
        ),
        "jwk point off the curve": _proof(
            p256, {"jwk": {"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43}}, await nonce(client)
        ),
        "did:jwk not json": _proof(p256, {"kid": "did:jwk:bm90IGpzb24#0"}, await nonce(client)),
        "did:key garbage": _proof(p256, {"kid": "did:key:zzzz#zzzz"}, await nonce(client)),
        "kid not a string": _raw_proof(p256, {"alg": "ES256", "typ": TYP, "kid": 7}, await nonce(client)),
        "future iat": _proof(p256, _jwk_header(p256), await nonce(client), iat=int(time.time()) + 3600),
        "old iat": _proof(p256, _jwk_header(p256), await nonce(client), iat=int(time.time()) - 3600),
        "wrong audience": _proof(p256, _jwk_header(p256), await nonce(client), aud="https://other.example"),
    }
    for case, proof in bad.items():
        resp = await _request(client, access, SDJWT, {"proofs": {"jwt": [proof]}})
        assert resp.status == 400, case
        assert (await resp.json())["error"] == "invalid_proof", case
    two = [_proof(ed, _did_key_header(ed), await nonce(client)) for _ in range(2)]
    for body in ({"proofs": {"jwt": two}}, {"proofs": {"jwt": two[:1], "ldp_vp": []}}, {}):
        resp = await _request(client, access, SDJWT, body)
        assert resp.status == 400
        assert (await resp.json())["error"] == "invalid_proof"
    both = {"proofs": {"jwt": two[:1]}, "proof": {"proof_type": "jwt", "jwt": two[0]}}
    resp = await _request(client, access, SDJWT, both)
    assert resp.status == 400
    assert (await resp.json())["error"] == "invalid_credential_request"
    # nothing above spent the offer: a good EdDSA did:key proof still gets the credential
    resp = await _request(client, access, SDJWT, {"proofs": {"jwt": [two[0]]}})
    assert resp.status == 200, await resp.text()
    assert parse_sd_jwt((await resp.json())["credentials"][0]["credential"]).payload["cnf"]["jwk"] == public_jwk(
        ed.public_key
    )
