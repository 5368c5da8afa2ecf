"""An OpenID4VCI holder's side of the issuer tests: offers, the pre-authorised code, nonces, tokens."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import jwt
from aiohttp.test_utils import TestClient

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import did_key
from support.issuer import AUTH, PUBLIC_URL

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


class Holder:
    def __init__(self) -> None:
        self.key = Ed25519KeyPair.generate()
        self.did = did_key(self.key)

    def proof(
        self,
        nonce: str,
        *,
        aud: str = PUBLIC_URL,
        typ: str = "openid4vci-proof+jwt",
        signer: Ed25519KeyPair | None = None,
    ) -> str:
        headers = {"typ": typ, "kid": f"{self.did}#{self.key.public_multibase}"}
        payload = {"aud": aud, "iat": int(time.time()), "nonce": nonce}
        private_key = (signer or self.key).private_key
        assert private_key is not None, "the signer has no private key"
        return jwt.encode(payload, private_key, algorithm="EdDSA", headers=headers)


async def make_offer(client: TestClient[Any, Any], uuid: str, **extra: Any) -> dict[str, Any]:
    body = {"learner": {"name": "Anna Kowalska", "email": "anna@example.org"}, "grade": "4.0", **extra}
    resp = await client.post(f"/api/achievements/{uuid}/offers", json=body, headers=AUTH)
    assert resp.status == 201, await resp.text()
    offer: dict[str, Any] = await resp.json()
    return offer


async def token(client: TestClient[Any, Any], code: str, tx_code: str | None = None) -> Any:
    form = {"grant_type": GRANT, "pre-authorized_code": code}
    if tx_code is not None:
        form["tx_code"] = tx_code
    return await client.post("/token", data=form)


async def nonce(client: TestClient[Any, Any]) -> str:
    value: str = (await (await client.post("/nonce")).json())["c_nonce"]
    return value


def code_of(offer: dict[str, Any]) -> str:
    code: str = offer["credentialOffer"]["grants"][GRANT]["pre-authorized_code"]
    return code
