"""The issuer's signing keys, sealed with AES-GCM at rest and published in its DID document.

Ed25519 signs the EdDSA suites; a P-256 key signs the ECDSA suites (``ecdsa-sd-2023``) and JOSE
(ES256, SD-JWT VC); a P-384 key signs ECDSA when a credential names it as issuer (``did:key``) —
``ecdsa-rdfc-2019`` and ``ecdsa-jcs-2019`` are defined for both curves. With ``did:web`` all keys
are methods of the one issuer DID; with ``did:key`` each key is its own DID, so ECDSA credentials
name the P-256 (or P-384) ``did:key`` as issuer.

An RSA key (RS256 ``vc+jwt``, Open Badges 3.0's minimum, on request) is made on first use, sealed
like the others, and listed in a ``did:web`` document as a ``JsonWebKey`` method (``publicKeyJwk``)
for ``assertionMethod`` only; a ``did:key`` issuer has none (no did:key names an RSA key here).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from plecak.core.crypto.keys import (
    EcdsaKeyPair,
    Ed25519KeyPair,
    KeyPair,
    RsaKeyPair,
    decode_multibase,
    encode_multibase,
)
from plecak.core.crypto.secretbox import SecretBox
from plecak.core.did import did_document
from plecak.core.jose_vc import SigningKey
from plecak.core.timeutil import format_datetime, utc_now

from .store import IssuerStore

__all__ = [
    "ECDSA_P384_SLOT",
    "ECDSA_SLOT",
    "JWK_CONTEXT",
    "RSA_SLOT",
    "IssuerKeys",
    "Signer",
    "load_or_create_keys",
    "with_rsa_key",
]

ECDSA_SLOT = "active:p256"
ECDSA_P384_SLOT = "active:p384"
RSA_SLOT = "active:rsa"
RSA_BITS = 3072
JWK_CONTEXT = "https://w3id.org/security/jwk/v1"
"""The context of ``JsonWebKey`` verification methods (W3C Controlled Identifiers / VC-JOSE-COSE)."""


@dataclass(frozen=True)
class Signer:
    key: SigningKey
    verification_method: str
    did: str


@dataclass(frozen=True)
class IssuerKeys:
    did: str
    active: Ed25519KeyPair
    active_kid: str
    public_keys: Mapping[str, str]  # kid -> publicKeyMultibase, every key ever used (old ones still verify)
    ecdsa: EcdsaKeyPair
    ecdsa_kid: str
    p384: EcdsaKeyPair | None = None
    p384_kid: str | None = None
    rsa: RsaKeyPair | None = None
    rsa_kid: str | None = None
    public_jwks: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """kid -> publicKeyJwk of every RSA key made (published as ``JsonWebKey`` methods)."""

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.active_kid}"

    @property
    def ecdsa_did(self) -> str:
        """The DID that issues ECDSA-signed credentials (the issuer DID, or the P-256 did:key)."""
        if self.did.startswith("did:key:"):
            return "did:key:" + self.ecdsa.public_multibase
        return self.did

    @property
    def ecdsa_verification_method(self) -> str:
        return f"{self.ecdsa_did}#{self.ecdsa_kid}"

    def signers(self) -> list[Signer]:
        """Every signing key, preferred first: Ed25519, P-256, P-384."""
        return list(self._signers)

    @functools.cached_property
    def _signers(self) -> tuple[Signer, ...]:
        """Made once: the keys never change in a running issuer, and encoding the ECDSA keys'
        multibase (for their did:key) costs more than signing a small credential."""
        found = [
            Signer(self.active, self.verification_method, self.did),
            Signer(self.ecdsa, self.ecdsa_verification_method, self.ecdsa_did),
        ]
        if self.p384 is not None and self.p384_kid is not None:
            did = "did:key:" + self.p384.public_multibase if self.did.startswith("did:key:") else self.did
            found.append(Signer(self.p384, f"{did}#{self.p384_kid}", did))
        if self.rsa is not None and self.rsa_kid is not None and not self.did.startswith("did:key:"):
            found.append(Signer(self.rsa, f"{self.did}#{self.rsa_kid}", self.did))
        return tuple(found)

    def signer_for(self, key_types: Collection[str], issuer: str | None = None) -> Signer | None:
        """The key, verification method and issuer DID to sign with a suite taking ``key_types``;
        with ``issuer``, only a key of that DID (with did:key, the DID picks the key)."""
        for signer in self.signers():
            if signer.key.key_type in key_types and issuer in (None, signer.did):
                return signer
        return None

    def did_document(self) -> dict[str, Any]:
        keys = list(self.public_keys.items())
        if self.did.startswith("did:key:"):  # a did:key document holds only its own key
            keys = [(kid, mb) for kid, mb in keys if mb == self.active.public_multibase]
        doc = did_document(self.did, keys, relationships=("assertionMethod", "authentication"))
        if self.public_jwks and not self.did.startswith("did:key:"):
            doc["@context"].append(JWK_CONTEXT)
            for kid, jwk in self.public_jwks.items():
                vm_id = f"{self.did}#{kid}"
                doc["verificationMethod"].append(
                    {"id": vm_id, "type": "JsonWebKey", "controller": self.did, "publicKeyJwk": dict(jwk)}
                )
                doc["assertionMethod"].append(vm_id)
        return doc


async def load_or_create_keys(store: IssuerStore, box: SecretBox, did: str | None) -> IssuerKeys:
    """Load the active Ed25519, P-256 and P-384 keys (decrypting them), creating and sealing each on
    first start.

    With ``did=None`` the issuer is the ``did:key`` of its active Ed25519 key.
    """
    ed_kid, ed_secret = await _load_or_create(
        store, box, "active", "Ed25519", lambda: _fresh(Ed25519KeyPair.generate())
    )
    ec_kid, ec_secret = await _load_or_create(
        store, box, ECDSA_SLOT, "P-256", lambda: _fresh(EcdsaKeyPair.generate("P-256"))
    )
    pair = Ed25519KeyPair.from_seed(ed_secret)
    ecdsa = EcdsaKeyPair.from_private_value("P-256", ec_secret)
    p384_kid, p384_secret = await _load_or_create(
        store, box, ECDSA_P384_SLOT, "P-384", lambda: _fresh(EcdsaKeyPair.generate("P-384"))
    )
    p384 = EcdsaKeyPair.from_private_value("P-384", p384_secret)
    _, records = await store.signing_keys()
    publics = {kid: rec["publicKeyMultibase"] for kid, rec in records.items() if "publicKeyMultibase" in rec}
    if did is None:
        did = "did:key:" + pair.public_multibase
    keys = IssuerKeys(
        did=did,
        active=pair,
        active_kid=ed_kid,
        public_keys=publics,
        ecdsa=ecdsa,
        ecdsa_kid=ec_kid,
        p384=p384,
        p384_kid=p384_kid,
    )
    return await with_rsa_key(keys, store, box, create=False)


async def with_rsa_key(keys: IssuerKeys, store: IssuerStore, box: SecretBox, *, create: bool) -> IssuerKeys:
    """``keys`` with the issuer's RSA key, if one was made (by any process), or a new sealed one
    (``create``); a ``did:key`` issuer gets none. Unchanged when there is nothing to add."""
    if keys.rsa is not None or keys.did.startswith("did:key:"):
        return keys
    if not create and await store.active_kid(RSA_SLOT) is None:
        return keys  # one read (did.json asks on every request until some process makes the key)
    kid, secret = await _load_or_create(store, box, RSA_SLOT, "RSA", _fresh_rsa)
    _, records = await store.signing_keys()
    jwks = {k: rec["publicKeyJwk"] for k, rec in records.items() if isinstance(rec.get("publicKeyJwk"), dict)}
    return dataclasses.replace(keys, rsa=RsaKeyPair.from_secret_bytes(secret), rsa_kid=kid, public_jwks=jwks)


def _fresh(pair: KeyPair) -> tuple[str, bytes, dict[str, Any]]:
    secret = pair.seed if isinstance(pair, Ed25519KeyPair) else pair.secret_bytes
    return pair.public_multibase, secret, {"publicKeyMultibase": pair.public_multibase}


def _fresh_rsa() -> tuple[str, bytes, dict[str, Any]]:
    """A new RSA key named by its JWK thumbprint (RFC 7638)."""
    pair = RsaKeyPair.generate(RSA_BITS)
    return pair.thumbprint, pair.secret_bytes, {"publicKeyJwk": pair.public_jwk()}


async def _load_or_create(
    store: IssuerStore,
    box: SecretBox,
    slot: str,
    key_type: str,
    generate: Callable[[], tuple[str, bytes, dict[str, Any]]],
) -> tuple[str, bytes]:
    """The kid and secret of the key active in ``slot``; a new sealed key if there is none yet.

    ``generate`` gives the kid, the secret and the public key's fields of the record. Two processes
    starting together may both generate: the store keeps the first one made active.
    """
    active, records = await store.signing_keys(slot)
    if active is None:
        kid, secret, public = generate()
        record = {
            "type": key_type,
            **public,
            "sealed": encode_multibase(box.seal(secret, aad=kid.encode())),
            "created": format_datetime(utc_now()),
        }
        await store.add_signing_key(kid, record, slot)
        active, records = await store.signing_keys(slot)
    assert active is not None
    return active, box.open(decode_multibase(records[active]["sealed"]), aad=active.encode())
