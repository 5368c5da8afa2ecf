"""The issuer's signing keys, sealed with AES-GCM at rest and published in its DID document.

Ed25519 signs the EdDSA suites; a P-256 key signs the ECDSA suites (``ecdsa-sd-2023``) and JOSE
(ES256, SD-JWT VC). With ``did:web`` both keys are methods of the one issuer DID; with
``did:key`` each key is its own DID, so ECDSA credentials name the P-256 ``did:key`` as issuer.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from vc.did import did_document
from vc.keys import EcdsaKeyPair, Ed25519KeyPair, KeyPair, decode_multibase, encode_multibase
from vc.secretbox import SecretBox
from vc.timeutil import format_datetime, utc_now

from .store import IssuerStore

__all__ = ["ECDSA_SLOT", "IssuerKeys", "Signer", "load_or_create_keys"]

ECDSA_SLOT = "active:p256"


@dataclass(frozen=True)
class Signer:
    key: KeyPair
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

    def signer_for(self, key_types: Collection[str]) -> Signer | None:
        """The key, verification method and issuer DID to sign with a suite taking ``key_types``."""
        if "Ed25519" in key_types:
            return Signer(self.active, self.verification_method, self.did)
        if "P-256" in key_types:
            return Signer(self.ecdsa, self.ecdsa_verification_method, self.ecdsa_did)
        return None

    def did_document(self) -> dict[str, Any]:
        keys = list(self.public_keys.items())
        if self.did.startswith("did:key:"):  # a did:key document holds only its own key
            keys = [(kid, mb) for kid, mb in keys if mb == self.active.public_multibase]
        return did_document(self.did, keys, relationships=("assertionMethod", "authentication"))


async def load_or_create_keys(store: IssuerStore, box: SecretBox, did: str | None) -> IssuerKeys:
    """Load the active key (decrypting it), creating and sealing one on first start.

    With ``did=None`` the issuer is the ``did:key`` of its active key.
    """
    active, records = await store.signing_keys()
    if active is None:
        pair = Ed25519KeyPair.generate()
        kid = pair.public_multibase
        record = {
            "type": "Ed25519",
            "publicKeyMultibase": pair.public_multibase,
            "sealed": encode_multibase(box.seal(pair.seed, aad=kid.encode())),
            "created": format_datetime(utc_now()),
        }
        await store.add_signing_key(kid, record)
        active, records = await store.signing_keys()
    assert active is not None
    record = records[active]
    seed = box.open(decode_multibase(record["sealed"]), aad=active.encode())
    pair = Ed25519KeyPair.from_seed(seed)
    ecdsa, ecdsa_kid = await _load_or_create_ecdsa(store, box)
    _, records = await store.signing_keys()
    publics = {kid: rec["publicKeyMultibase"] for kid, rec in records.items()}
    if did is None:
        did = "did:key:" + pair.public_multibase
    return IssuerKeys(
        did=did, active=pair, active_kid=active, public_keys=publics, ecdsa=ecdsa, ecdsa_kid=ecdsa_kid
    )


async def _load_or_create_ecdsa(store: IssuerStore, box: SecretBox) -> tuple[EcdsaKeyPair, str]:
    active, records = await store.signing_keys(ECDSA_SLOT)
    if active is None:
        pair = EcdsaKeyPair.generate("P-256")
        kid = pair.public_multibase
        record = {
            "type": "P-256",
            "publicKeyMultibase": pair.public_multibase,
            "sealed": encode_multibase(box.seal(pair.secret_bytes, aad=kid.encode())),
            "created": format_datetime(utc_now()),
        }
        await store.add_signing_key(kid, record, ECDSA_SLOT)
        active, records = await store.signing_keys(ECDSA_SLOT)
    assert active is not None
    secret = box.open(decode_multibase(records[active]["sealed"]), aad=active.encode())
    return EcdsaKeyPair.from_private_value("P-256", secret), active
