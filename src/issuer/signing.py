"""The issuer's signing keys: Ed25519, sealed with AES-GCM at rest, published in its DID document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vc.did import did_document
from vc.keys import Ed25519KeyPair, decode_multibase, encode_multibase
from vc.secretbox import SecretBox
from vc.timeutil import format_datetime, utc_now

from .store import IssuerStore

__all__ = ["IssuerKeys", "load_or_create_keys"]


@dataclass(frozen=True)
class IssuerKeys:
    did: str
    active: Ed25519KeyPair
    active_kid: str
    public_keys: Mapping[str, str]  # kid -> publicKeyMultibase, every key ever used (old ones still verify)

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.active_kid}"

    def did_document(self) -> dict[str, Any]:
        return did_document(
            self.did, list(self.public_keys.items()), relationships=("assertionMethod", "authentication")
        )


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
    publics = {kid: rec["publicKeyMultibase"] for kid, rec in records.items()}
    if did is None:
        did = "did:key:" + pair.public_multibase
    return IssuerKeys(did=did, active=pair, active_kid=active, public_keys=publics)
