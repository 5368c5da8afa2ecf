"""The issuer's SD-JWT VC side: its P-256 key, issuing ``dc+sd-jwt`` credentials, Token Status Lists.

An SD-JWT VC gets a status index from the same counter as the W3C credentials, so the admin's
revoke/suspend (``POST /credentials/status``) sets the same Redis bits; the Token Status List
``/status-lists/token/{n}`` is packed from those bits on request (see :mod:`vc.tokenstatus`
for the bit order).

Redis keys (besides the issuer store's): ``issuer:sdjwt:p256`` JSON {publicKeyMultibase, sealed}.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from redis.asyncio import Redis

from vc.keys import decode_multibase, encode_multibase
from vc.sdjwt import VCT_MICRO_CREDENTIAL, issue_sd_jwt_vc, micro_credential_claims
from vc.secretbox import SecretBox
from vc.timeutil import format_datetime, utc_now
from vc.tokenstatus import pack_statuses, sign_status_list_token

from .service import IssuerService, NotFound

__all__ = ["P256_PUB_PREFIX", "SdJwtIssuing", "SdJwtKey", "load_or_create_sdjwt_key"]

P256_PUB_PREFIX = b"\x80\x24"  # multicodec p256-pub (0x1200), varint encoded
KEY = "issuer:sdjwt:p256"


@dataclass(frozen=True)
class SdJwtKey:
    """The issuer's ES256 key; ``fragment`` is its Multikey value (``zDn…``)."""

    private: ec.EllipticCurvePrivateKey
    fragment: str

    @property
    def public_multibase(self) -> str:
        return self.fragment


def _multibase(key: ec.EllipticCurvePublicKey) -> str:
    point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    return encode_multibase(P256_PUB_PREFIX + point)


async def load_or_create_sdjwt_key(redis: Redis, box: SecretBox) -> SdJwtKey:
    """Load the sealed P-256 key, creating it once (the first process to store it wins)."""
    raw = await redis.get(KEY)
    if raw is None:
        private = ec.generate_private_key(ec.SECP256R1())
        fragment = _multibase(private.public_key())
        secret = private.private_numbers().private_value.to_bytes(32, "big")
        record = {
            "publicKeyMultibase": fragment,
            "sealed": encode_multibase(box.seal(secret, aad=fragment.encode())),
            "created": format_datetime(utc_now()),
        }
        await redis.set(KEY, json.dumps(record), nx=True)
        raw = await redis.get(KEY)
    if raw is None:  # pragma: no cover - deleted between SET NX and GET
        raise RuntimeError("the issuer's P-256 key disappeared from Redis")
    record = json.loads(raw)
    fragment = str(record["publicKeyMultibase"])
    secret = box.open(decode_multibase(record["sealed"]), aad=fragment.encode())
    private = ec.derive_private_key(int.from_bytes(secret, "big"), ec.SECP256R1())
    if _multibase(private.public_key()) != fragment:
        raise ValueError("the stored P-256 key does not match its public key")
    return SdJwtKey(private, fragment)


class SdJwtIssuing:
    def __init__(self, issuer: IssuerService, key: SdJwtKey) -> None:
        self.issuer = issuer
        self.key = key

    @property
    def kid(self) -> str:
        return f"{self.issuer.keys.did}#{self.key.fragment}"

    def verification_method(self) -> dict[str, Any]:
        """The DID document entry for the key (type Multikey, ``zDn…``)."""
        did = self.issuer.keys.did
        return {
            "id": self.kid,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": self.key.fragment,
        }

    def add_to_did_document(self, doc: dict[str, Any]) -> dict[str, Any]:
        if not doc.get("id", "").startswith("did:web:"):
            return doc  # a did:key issuer cannot list a second key
        methods = doc.setdefault("verificationMethod", [])
        if any(m.get("id") == self.kid for m in methods if isinstance(m, Mapping)):
            return doc
        methods.append(self.verification_method())
        doc.setdefault("assertionMethod", []).append(self.kid)
        return doc

    def token_list_url(self, list_no: int) -> str:
        return f"{self.issuer.public_url}/status-lists/token/{list_no}"

    async def issue(
        self,
        achievement_uuid: str,
        learner: Mapping[str, Any],
        grade: str | None,
        holder_jwk: Mapping[str, Any],
    ) -> tuple[str, str]:
        """Issue an SD-JWT VC to ``holder_jwk``; returns (record id, SD-JWT)."""
        service = self.issuer
        record = await service.achievement(achievement_uuid)
        profile = await service._require_profile()
        skeleton = service._credential_skeleton(record["achievement"], profile, learner, grade)
        claims = micro_credential_claims(skeleton)
        position = await service.store.allocate_status_index()
        list_no, index = position // service.list_length + 1, position % service.list_length
        sd_jwt = issue_sd_jwt_vc(
            claims,
            issuer=service.keys.did,
            kid=self.kid,
            signing_key=self.key.private,
            holder=holder_jwk,
            status={"status_list": {"idx": index, "uri": self.token_list_url(list_no)}},
            vct=VCT_MICRO_CREDENTIAL,
        )
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        await service.store.save_credential(
            {
                "id": credential_id,
                "achievement": achievement_uuid,
                "issuedAt": format_datetime(utc_now()),
                "format": "dc+sd-jwt",
                "status": {"list": list_no, "index": index, "format": "token"},
                "credential": sd_jwt,
            },
            idempotency=None,
        )
        return credential_id, sd_jwt

    async def status_list_token(self, list_id: str) -> str:
        """The signed ``statuslist+jwt`` for list ``list_id`` (2 bits: valid, revoked, suspended)."""
        service = self.issuer
        if not list_id.isdigit() or list_id != str(int(list_id)):
            raise NotFound(f"no status list {list_id}")
        list_no = int(list_id)
        lists = max(1, math.ceil(await service.store.allocated_indices() / service.list_length))
        if not 1 <= list_no <= lists:
            raise NotFound(f"no status list {list_id}")
        revoked, _ = await service.store.status_list_bits("revocation", list_no)
        suspended, _ = await service.store.status_list_bits("suspension", list_no)
        packed = pack_statuses(revoked, suspended, service.list_length)
        return sign_status_list_token(
            packed,
            bits=2,
            uri=self.token_list_url(list_no),
            issuer=service.keys.did,
            kid=self.kid,
            key=self.key.private,
            now=utc_now(),
            ttl=60,
        )
