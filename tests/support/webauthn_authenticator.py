"""A small software WebAuthn authenticator (and client) for tests, written from the WebAuthn Level 3 spec.

It holds a P-256 key per credential and answers ``navigator.credentials.create()`` / ``get()``
options the way a browser plus a platform authenticator would: ``clientDataJSON`` (§5.8.1),
authenticator data (§6.1: rpIdHash, flags UP/UV/AT, big-endian signCount, attested credential data
with the COSE_Key of §5.8.5), a ``none`` attestation object (§8.7) and an ES256 assertion signature
over ``authenticatorData || SHA-256(clientDataJSON)`` (§6.3.3). Nothing of the wallet's code is used.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

__all__ = ["SoftAuthenticator", "SoftCredential", "b64url", "unb64url"]

UP, UV, AT = 0x01, 0x04, 0x40
AAGUID = bytes(16)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SoftCredential:
    rp_id: str
    user_handle: bytes
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    sign_count: int = 0

    def cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        )


def _client_data(kind: str, challenge: str, origin: str) -> bytes:
    return json.dumps(
        {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}, separators=(",", ":")
    ).encode()


class SoftAuthenticator:
    """Discoverable credentials by RP id; ``counting=False`` behaves like passkeys that keep signCount 0."""

    def __init__(self, *, counting: bool = True, user_verifying: bool = True) -> None:
        self.credentials: list[SoftCredential] = []
        self.counting = counting
        self.user_verifying = user_verifying

    def _flags(self, extra: int = 0) -> int:
        return UP | (UV if self.user_verifying else 0) | extra

    def create(
        self,
        options: dict[str, Any],
        origin: str,
        *,
        rp_id: str | None = None,
        credential_id: bytes | None = None,
    ) -> dict[str, Any]:
        """The ``PublicKeyCredential`` JSON answering creation ``options`` (as the wallet sent them)."""
        rp = rp_id or options["rp"]["id"]
        excluded = {d["id"] for d in options.get("excludeCredentials", [])}
        if any(b64url(c.credential_id) in excluded for c in self.credentials if c.rp_id == rp):
            raise RuntimeError("InvalidStateError: a credential of this authenticator is excluded")
        credential = SoftCredential(rp, unb64url(options["user"]["id"]))
        if credential_id is not None:
            credential.credential_id = credential_id
        self.credentials.append(credential)
        client_data = _client_data("webauthn.create", options["challenge"], origin)
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + bytes([self._flags(AT)])
            + struct.pack(">I", credential.sign_count)
            + AAGUID
            + struct.pack(">H", len(credential.credential_id))
            + credential.credential_id
            + credential.cose_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }

    def get(
        self,
        options: dict[str, Any],
        origin: str,
        *,
        rp_id: str | None = None,
        credential: SoftCredential | None = None,
        sign_count: int | None = None,
    ) -> dict[str, Any]:
        """The assertion answering request ``options`` with ``credential`` (default: the newest one)."""
        rp = rp_id or options["rpId"]
        chosen = credential or next(c for c in reversed(self.credentials) if c.rp_id == (options["rpId"]))
        if sign_count is not None:
            chosen.sign_count = sign_count
        elif self.counting:
            chosen.sign_count += 1
        client_data = _client_data("webauthn.get", options["challenge"], origin)
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + bytes([self._flags()])
            + struct.pack(">I", chosen.sign_count)
        )
        signature = chosen.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(chosen.credential_id),
            "rawId": b64url(chosen.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(chosen.user_handle),
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }
