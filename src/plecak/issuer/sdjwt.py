"""The issuer's SD-JWT VC side: issuing ``dc+sd-jwt`` credentials (ES256, the issuer's P-256 key) and
the Token Status Lists they point at.

An SD-JWT VC gets a status index from the same counter as the W3C credentials, so the admin's
revoke/suspend (``POST /credentials/status``) sets the same Redis bits; the Token Status List
``/status-lists/token/{n}`` is packed from those bits on request (see :mod:`plecak.core.status.token`
for the bit order).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from plecak.core.did import did_web_from_url
from plecak.core.sdjwt import (
    VCT_HOSTED_PATH,
    VCT_MICRO_CREDENTIAL,
    ec_public_jwk,
    issue_sd_jwt_vc,
    micro_credential_claims,
)
from plecak.core.status.token import pack_statuses, sign_status_list_token
from plecak.core.timeutil import format_datetime, utc_now

from .sdjwt_type_metadata import jwt_vc_issuer_metadata
from .service import IssuerService, NotFound

__all__ = ["SdJwtIssuing"]


class SdJwtIssuing:
    def __init__(self, issuer: IssuerService, *, hosted_vct: bool = True) -> None:
        self.issuer = issuer
        self.hosted_vct = hosted_vct

    @property
    def vct(self) -> str:
        """The credential type: the shared name, or this issuer's URL of its type metadata."""
        return f"{self.issuer.public_url}{VCT_HOSTED_PATH}" if self.hosted_vct else VCT_MICRO_CREDENTIAL

    @property
    def did(self) -> str:
        """``iss``: the issuer's DID (with ``did:key`` issuers, the P-256 key's own did:key)."""
        return self.issuer.keys.ecdsa_did

    @property
    def iss(self) -> str:
        """``iss`` of our SD-JWT VCs and status list tokens: the issuer's https URL when its DID is the
        ``did:web`` of that URL (verifiers that do not speak DIDs take the key from
        ``/.well-known/jwt-vc-issuer``; DID-aware ones resolve the same did:web), else the DID."""
        url = self.issuer.public_url
        if url.startswith("https://") and self.did == did_web_from_url(url):
            return url
        return self.did

    def issuer_metadata(self) -> dict[str, Any] | None:
        """The JWT VC Issuer Metadata, or ``None`` when ``iss`` is a DID (nothing to publish)."""
        if not self.iss.startswith("https://"):
            return None
        return jwt_vc_issuer_metadata(self.iss, self.kid, ec_public_jwk(self.signing_key.public_key()))

    @property
    def kid(self) -> str:
        """The JWS ``kid``: the DID URL of the issuer's P-256 key (``…#zDna…``)."""
        return self.issuer.keys.ecdsa_verification_method

    @property
    def signing_key(self) -> ec.EllipticCurvePrivateKey:
        key = self.issuer.keys.ecdsa.private_key
        assert key is not None
        return key

    def token_list_url(self, list_no: int) -> str:
        return f"{self.issuer.public_url}/status-lists/token/{list_no}"

    async def issue(
        self,
        achievement_uuid: str,
        learner: Mapping[str, Any],
        grade: str | None,
        holder_jwk: Mapping[str, Any],
        *,
        idempotency: tuple[str, str] | None = None,
    ) -> tuple[str, str]:
        """Issue an SD-JWT VC to ``holder_jwk``; returns (record id, SD-JWT).

        ``idempotency`` (key hash, request hash), claimed by the caller, is finished in the same
        transaction that stores the credential."""
        service = self.issuer
        record = await service.achievement(achievement_uuid)
        profile = await service._require_profile()
        skeleton = service._credential_skeleton(record["achievement"], profile, learner, grade)
        claims = micro_credential_claims(skeleton)
        position = await service.store.allocate_status_index()
        list_no, index = position // service.list_length + 1, position % service.list_length
        sd_jwt = issue_sd_jwt_vc(
            claims,
            issuer=self.iss,
            kid=self.kid,
            signing_key=self.signing_key,
            holder=holder_jwk,
            status={"status_list": {"idx": index, "uri": self.token_list_url(list_no)}},
            vct=self.vct,
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
                "learner": service.learner_index(learner),
                "title": record["achievement"].get("name", ""),
            },
            idempotency=idempotency,
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
            issuer=self.iss,
            kid=self.kid,
            key=self.signing_key,
            now=utc_now(),
            ttl=60,
        )
