"""Shared pieces of the VC-JOSE-COSE tests (``vc+jwt`` and ``vc+cose``): did:key issuers, the kid
naming their key, a small VC 2.0 credential, and the wallet's paste form."""

from __future__ import annotations

import json
import re
from typing import Any

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, KeyPair
from plecak.core.did import did_key, resolve_did_key

__all__ = ["V2", "KeyResolver", "credential", "key_for", "kid_of", "wallet_cards", "wallet_kept", "wallet_paste"]

V2 = "https://www.w3.org/ns/credentials/v2"


class KeyResolver:
    """Resolves did:key only (no network)."""

    async def resolve(self, did: str) -> dict[str, Any]:
        return resolve_did_key(did)


def kid_of(key: KeyPair) -> str:
    """The absolute DID URL of ``key``'s verification method in its did:key document."""
    return f"{did_key(key)}#{key.public_multibase}"


def key_for(alg: str) -> KeyPair:
    """A fresh key pair for ``ES256`` (P-256) or ``EdDSA`` (Ed25519)."""
    return EcdsaKeyPair.generate("P-256") if alg == "ES256" else Ed25519KeyPair.generate()


def credential(issuer: str, subject: str = "did:example:learner", **extra: Any) -> dict[str, Any]:
    """A small VC 2.0 credential of ``issuer`` about ``subject``; ``extra`` adds or replaces members."""
    return {
        "@context": [V2],
        "id": "urn:uuid:6a1f0c2e-8a6e-4c1b-9f7e-3d2b1a0c9e8f",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": subject},
        **extra,
    }


async def wallet_paste(browser: Any, document: Any) -> tuple[int, str]:
    """Paste ``document`` (text as is, anything else as JSON) into the wallet's add form."""
    await browser.get("/add")
    text = document if isinstance(document, str) else json.dumps(document)
    status, page = await browser.post("/add", {"json": text})
    return status, page


def wallet_cards(page: str) -> list[tuple[str, str]]:
    """``(id, title)`` of each credential card on a wallet page."""
    return re.findall(r'<a href="/credentials/([0-9a-f]+)" class="card-title">([^<]+)</a>', page)


async def wallet_kept(browser: Any) -> tuple[str, str]:
    """The title of the one credential the wallet keeps, and its page."""
    _, home = await browser.get("/")
    [(cid, title)] = wallet_cards(home)
    status, page = await browser.get(f"/credentials/{cid}")
    assert status == 200
    return title, page
