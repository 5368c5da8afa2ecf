"""The issuer's signing keys, sealed with AES-GCM at rest and published in its DID document.

Ed25519 signs the EdDSA suites; a P-256 key signs the ECDSA suites (``ecdsa-sd-2023``) and JOSE
(ES256, SD-JWT VC); a P-384 key signs ECDSA when a credential names it as issuer (``did:key``) —
``ecdsa-rdfc-2019`` and ``ecdsa-jcs-2019`` are defined for both curves. With ``did:web`` all keys
are methods of the one issuer DID; with ``did:key`` each key is its own DID, so ECDSA credentials
name the P-256 (or P-384) ``did:key`` as issuer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, KeyPair, decode_multibase, encode_multibase
from plecak.core.crypto.secretbox import SecretBox
from plecak.core.did import did_document
from plecak.core.timeutil import format_datetime, utc_now

from .store import IssuerStore

__all__ = ["ECDSA_P384_SLOT", "ECDSA_SLOT", "IssuerKeys", "Signer", "load_or_create_keys"]

ECDSA_SLOT = "active:p256"
ECDSA_P384_SLOT = "active:p384"


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
    p384: EcdsaKeyPair | None = None
    p384_kid: str | None = None

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
        return did_document(self.did, keys, relationships=("assertionMethod", "authentication"))


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
    publics = {kid: rec["publicKeyMultibase"] for kid, rec in records.items()}
    if did is None:
        did = "did:key:" + pair.public_multibase
    return IssuerKeys(
        did=did,
        active=pair,
        active_kid=ed_kid,
        public_keys=publics,
        ecdsa=ecdsa,
        ecdsa_kid=ec_kid,
        p384=p384,
        p384_kid=p384_kid,
    )


def _fresh(pair: KeyPair) -> tuple[str, bytes]:
    secret = pair.seed if isinstance(pair, Ed25519KeyPair) else pair.secret_bytes
    return pair.public_multibase, secret


async def _load_or_create(
    store: IssuerStore, box: SecretBox, slot: str, key_type: str, generate: Callable[[], tuple[str, bytes]]
) -> tuple[str, bytes]:
    """The kid and secret of the key active in ``slot``; a new sealed key if there is none yet.

    Two processes starting together may both generate: the store keeps the first one made active.
    """
    active, records = await store.signing_keys(slot)
    if active is None:
        public_multibase, secret = generate()
        record = {
            "type": key_type,
            "publicKeyMultibase": public_multibase,
            "sealed": encode_multibase(box.seal(secret, aad=public_multibase.encode())),
            "created": format_datetime(utc_now()),
        }
        await store.add_signing_key(public_multibase, record, slot)
        active, records = await store.signing_keys(slot)
    assert active is not None
    return active, box.open(decode_multibase(records[active]["sealed"]), aad=active.encode())
