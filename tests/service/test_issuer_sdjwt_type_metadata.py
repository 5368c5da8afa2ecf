"""SD-JWT VC metadata for verifiers that do not speak DIDs: JWT VC Issuer Metadata (the key, named by
the JWS kid) and the type metadata of the ``vct`` (EN/PL display, a claim entry per Annex I claim)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from plecak.core.model.elements import SD_JWT_ELEMENT_CLAIMS
from plecak.core.sdjwt import (
    ALWAYS_DISCLOSED,
    SELECTIVELY_DISCLOSABLE,
    VCT_MICRO_CREDENTIAL,
    envelope,
    is_micro_credential_vct,
    issuer_did,
    parse_sd_jwt,
    public_key_from_jwk,
)
from plecak.issuer.app import create_app
from plecak.wallet.oid4vp.answer import CredentialQuery, credential_matches
from support.issuer import AUTH, PUBLIC_URL, achievement, issuer_settings, profile
from support.oid4vci import ClientFactory, Holder, code_of, make_offer, nonce, token

HOSTED = f"{PUBLIC_URL}/vct/micro-credential/v1"


async def _client(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path, **extra: Any) -> Any:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path, **extra)))
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    return client


async def _sd_jwt(client: TestClient[Any, Any]) -> str:
    uuid = (await (await client.post("/api/achievements", json=achievement(0), headers=AUTH)).json())["uuid"]
    offer = await make_offer(client, uuid, format="dc+sd-jwt")
    access = (await (await token(client, code_of(offer))).json())["access_token"]
    body = {
        "credential_configuration_id": "MicroCredential_dc+sd-jwt",
        "proofs": {"jwt": [Holder().proof(await nonce(client))]},
    }
    resp = await client.post("/credential", json=body, headers={"Authorization": f"Bearer {access}"})
    assert resp.status == 200, await resp.text()
    sd_jwt: str = (await resp.json())["credentials"][0]["credential"]
    return sd_jwt


async def test_jwt_vc_issuer_metadata_holds_the_key_named_by_the_kid(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await _client(aiohttp_client, redis_url, tmp_path)
    parsed = parse_sd_jwt(await _sd_jwt(client))
    resp = await client.get("/.well-known/jwt-vc-issuer")
    assert resp.status == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    metadata = await resp.json()
    assert metadata["issuer"] == parsed.payload["iss"] == PUBLIC_URL
    (key,) = [k for k in metadata["jwks"]["keys"] if k["kid"] == parsed.header["kid"]]
    assert key["alg"] == "ES256"
    assert "d" not in key
    import jwt

    jwt.api_jws.PyJWS().decode_complete(parsed.issuer_jwt, key=public_key_from_jwk(key), algorithms=["ES256"])
    # DID-aware verifiers resolve the did:web of the same URL, with the same key
    did_doc = await (await client.get("/.well-known/did.json")).json()
    assert issuer_did(metadata["issuer"]) == did_doc["id"]


async def test_did_key_issuer_publishes_no_jwt_vc_issuer_metadata(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await _client(aiohttp_client, redis_url, tmp_path, did_method="key")
    assert parse_sd_jwt(await _sd_jwt(client)).payload["iss"].startswith("did:key:")
    resp = await client.get("/.well-known/jwt-vc-issuer")
    assert resp.status == 404
    assert resp.content_type == "application/problem+json"


async def test_type_metadata_has_en_pl_display_and_every_annex_i_claim(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await _client(aiohttp_client, redis_url, tmp_path)
    resp = await client.get("/vct/micro-credential/v1")
    assert resp.status == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    meta = await resp.json()
    assert meta["vct"] == HOSTED
    assert {d["locale"]: d["name"] for d in meta["display"]} == {
        "en": "EU micro-credential",
        "pl": "Europejskie mikropoświadczenie",
    }
    claims = {c["path"][0]: c for c in meta["claims"]}
    element_claims = {c for cs in SD_JWT_ELEMENT_CLAIMS.values() for c in cs if c != "exp"}
    assert element_claims <= set(claims)
    for name, claim in claims.items():
        assert {d["locale"] for d in claim["display"]} == {"en", "pl"}
        assert claim["sd"] == ("always" if name in SELECTIVELY_DISCLOSABLE else "never")
        assert name in SELECTIVELY_DISCLOSABLE or name in ALWAYS_DISCLOSED
    assert claims["title"]["mandatory"] is True
    assert "mandatory" not in claims["grade"]


async def test_by_default_the_vct_is_the_issuers_own_url_and_resolves_to_its_type_metadata(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await _client(aiohttp_client, redis_url, tmp_path)
    sd_jwt = await _sd_jwt(client)
    assert parse_sd_jwt(sd_jwt).payload["vct"] == HOSTED
    meta = await (await client.get("/.well-known/openid-credential-issuer")).json()
    assert meta["credential_configurations_supported"]["MicroCredential_dc+sd-jwt"]["vct"] == HOSTED
    resp = await client.get(HOSTED.removeprefix(PUBLIC_URL))
    assert resp.status == 200
    type_metadata = await resp.json()
    assert type_metadata["vct"] == HOSTED
    assert {d["locale"] for d in type_metadata["display"]} == {"en", "pl"}
    assert is_micro_credential_vct(HOSTED)
    assert is_micro_credential_vct(VCT_MICRO_CREDENTIAL)
    assert not is_micro_credential_vct("https://evil.example/vct/other/v1")
    asked = CredentialQuery(id="mc", format="dc+sd-jwt", vct_values=[VCT_MICRO_CREDENTIAL])
    assert credential_matches(asked, envelope(sd_jwt))
    other = CredentialQuery(id="pid", format="dc+sd-jwt", vct_values=["urn:eudi:pid:1"])
    assert not credential_matches(other, envelope(sd_jwt))


async def test_shared_vct_is_still_issued_when_configured(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await _client(aiohttp_client, redis_url, tmp_path, sdjwt_vct="shared")
    assert parse_sd_jwt(await _sd_jwt(client)).payload["vct"] == VCT_MICRO_CREDENTIAL
    meta = await (await client.get("/.well-known/openid-credential-issuer")).json()
    assert meta["credential_configurations_supported"]["MicroCredential_dc+sd-jwt"]["vct"] == VCT_MICRO_CREDENTIAL
    assert (await (await client.get("/vct/micro-credential/v1")).json())["vct"] == VCT_MICRO_CREDENTIAL

