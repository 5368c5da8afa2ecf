"""OpenID for Verifiable Presentations 1.0: presentation requests a wallet answers.

The employer's page creates a request; the wallet fetches it from ``request_uri`` (``GET``, or
``POST`` with ``wallet_nonce`` when the link says ``request_uri_method=post``) as a signed Request
Object (JAR, ``application/oauth-authz-req+jwt``, ES256): signed with the verifier certificate
(client identifier prefix ``x509_san_dns``) or the verifier's did:key (``decentralized_identifier``),
see :mod:`.identity`. The wallet posts ``vp_token`` and ``state`` to ``response_uri``
(``direct_post``), or the same encrypted to the request's ephemeral key as ``response``
(``direct_post.jwt``, ECDH-ES). Two ids keep the sides apart:

* ``rid`` (request id) is public: it is in the QR code, ``request_uri`` and ``response_uri``;
* ``tx`` (transaction id) is known only to the employer's browser: the request page, its
  status and the result link are reached through it, so a photo of the QR code reveals nothing.

After an answer the wallet is sent to ``/openid4vp/done/{rid}?response_code=…``; the result is
shown there only to the browser holding the transaction cookie (session-fixation defence).
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from plecak.core.integrity.suites import registered_proofs
from plecak.core.oid4vp.jar import (
    RESPONSE_ENC_VALUES,
    JarError,
    decrypt_response,
    ephemeral_encryption_key,
    sign_request_object,
)
from plecak.core.sdjwt import HOLDER_ALGS, ISSUER_ALG
from plecak.core.timeutil import format_datetime, parse_datetime, utc_now
from plecak.runtime.oauth import OpenIdError

from ..service import VerificationService
from ..store import VerifierStore, new_id
from .dcql import (
    ASKABLE_ELEMENTS,
    OB_CREDENTIAL_TYPE,
    QUERY_ID,
    Ask,
    _presentations,
    dcql_query,
    hosted_vcts,
    mismatches,
    sd_jwt_claims_of,
)
from .identity import NAME, VerifierIdentity
from .request_check import presentation_request_check, sd_jwt_request_check

if TYPE_CHECKING:
    from ..sdjwt import SdJwtVerification
    from ..trust import TrustRegistry

__all__ = [
    "ASKABLE_ELEMENTS",
    "OB_CREDENTIAL_TYPE",
    "QUERY_ID",
    "Ask",
    "OpenIdError",
    "PresentationRequests",
    "RequestExpired",
    "RequestNotFound",
    "dcql_query",
    "mismatches",
    "sd_jwt_claims_of",
]

STATIC_AUDIENCE = "https://self-issued.me/v2"
KEEP_EXPIRED_SECONDS = 3600
"""How long an expired request is remembered (to answer "expired" rather than "unknown")."""


class RequestNotFound(LookupError):
    """No such presentation request (never created, or expired long ago)."""


class RequestExpired(Exception):
    """The presentation request exists but can no longer be answered."""


def _epoch(value: Any) -> int:
    moment = parse_datetime(value)
    return int(moment.timestamp()) if moment else 0


class PresentationRequests:
    def __init__(
        self,
        store: VerifierStore,
        verification: VerificationService,
        *,
        public_url: str,
        seconds: int,
        identity: VerifierIdentity,
        response_mode: str = "direct_post",
        now: Callable[[], datetime] = utc_now,
        sd_jwt: SdJwtVerification | None = None,
        trust: TrustRegistry | None = None,
        insecure_hosts: Iterable[str] = (),
    ) -> None:
        self.identity = identity
        self.trust = trust
        """Whose hosted ``vct`` an SD-JWT request lists (every ``did:web`` issuer in the registry)."""
        self.insecure_hosts = frozenset(insecure_hosts)
        self.response_mode = response_mode
        self.store = store
        self.verification = verification
        self.sd_jwt = sd_jwt
        self.public_url = public_url.rstrip("/")
        self.seconds = seconds
        self.now = now

    # -- creating and reading ------------------------------------------------------------
    async def create(self, ask: Ask) -> dict[str, Any]:
        rid, tx = new_id(), new_id()
        response_uri = f"{self.public_url}/openid4vp/response/{rid}"
        created = self.now()
        record = {
            "id": rid,
            "transaction": tx,
            "nonce": secrets.token_urlsafe(32),
            "state": secrets.token_urlsafe(32),
            "clientId": self.identity.client_id,
            "responseUri": response_uri,
            "responseMode": self.response_mode,
            "requestUri": f"{self.public_url}/openid4vp/request/{rid}",
            "ask": ask.to_json(),
            "dcqlQuery": dcql_query(ask, hosted_vcts=await self._hosted_vcts(ask)),
            "createdAt": format_datetime(created),
            "expiresAt": format_datetime(created + timedelta(seconds=self.seconds)),
        }
        if self.response_mode == "direct_post.jwt":
            record["encryptionJwk"], record["decryptionJwk"] = ephemeral_encryption_key()
        await self.store.save_request(record, self.seconds + KEEP_EXPIRED_SECONDS)
        return record

    async def _hosted_vcts(self, ask: Ask) -> list[str]:
        if ask.format != "dc+sd-jwt" or self.trust is None:
            return []
        return hosted_vcts((await self.trust.snapshot()).dids(), self.insecure_hosts)

    def expired(self, record: Mapping[str, Any]) -> bool:
        end = parse_datetime(record.get("expiresAt"))
        return end is None or end <= self.now()

    async def get(self, rid: str) -> dict[str, Any]:
        record = await self.store.get_request(rid) if rid and len(rid) <= 64 else None
        if record is None:
            raise RequestNotFound(rid)
        return record

    async def by_transaction(self, tx: str) -> dict[str, Any]:
        rid = await self.store.request_of_transaction(tx) if tx and len(tx) <= 64 else None
        if rid is None:
            raise RequestNotFound(tx)
        return await self.get(rid)

    @staticmethod
    def wallet_link(record: Mapping[str, Any]) -> str:
        """``openid4vp://?client_id=…&request_uri=…&request_uri_method=post``: the QR code and the
        same-device link (a wallet that cannot POST may still GET the request)."""
        return "openid4vp://?" + urlencode(
            {"client_id": record["clientId"], "request_uri": record["requestUri"], "request_uri_method": "post"}
        )

    def client_metadata(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """What this verifier accepts, exactly: every Data Integrity cryptosuite it verifies (and the
        legacy proof types), the SD-JWT issuer and key-binding algorithms; the answer's encryption key."""
        proofs = registered_proofs()
        metadata: dict[str, Any] = {
            "client_name": NAME,
            "vp_formats_supported": {
                "ldp_vc": {
                    "proof_type_values": sorted({proof_type for proof_type, _ in proofs}),
                    "cryptosuite_values": sorted({suite for _, suite in proofs if suite}),
                },
                "dc+sd-jwt": {"sd-jwt_alg_values": [ISSUER_ALG], "kb-jwt_alg_values": list(HOLDER_ALGS)},
            },
        }
        if record.get("responseMode") == "direct_post.jwt":
            metadata["jwks"] = {"keys": [record["encryptionJwk"]]}
            metadata["encrypted_response_enc_values_supported"] = list(RESPONSE_ENC_VALUES)
        return metadata

    def request_object(self, record: Mapping[str, Any], wallet_nonce: str | None = None) -> dict[str, Any]:
        """The Authorization Request a wallet fetches from ``request_uri`` (the claims of the JAR)."""
        if self.expired(record):
            raise RequestExpired(record["id"])
        # no "iss": the client_id says who signs (wallets such as oid4vc-ts compare a DID in iss with
        # the kid, and the client_id with its prefix is not a bare DID)
        claims = {
            "client_id": record["clientId"],
            "response_type": "vp_token",
            "response_mode": record.get("responseMode", "direct_post"),
            "response_uri": record["responseUri"],
            "nonce": record["nonce"],
            "state": record["state"],
            "dcql_query": record["dcqlQuery"],
            "client_metadata": self.client_metadata(record),
            "aud": STATIC_AUDIENCE,
            "iat": _epoch(record["createdAt"]),
            "exp": _epoch(record["expiresAt"]),
        }
        if wallet_nonce:
            claims["wallet_nonce"] = wallet_nonce
        return claims

    def signed_request(self, record: Mapping[str, Any], wallet_nonce: str | None = None) -> str:
        """The Request Object as a JAR signed for the client identifier prefix (never ``alg: none``)."""
        claims = self.request_object(record, wallet_nonce)
        identity = self.identity
        if identity.prefix == "x509_san_dns":
            return sign_request_object(claims, identity.key, x5c=identity.chain)
        return sign_request_object(claims, identity.key, kid=identity.kid)

    async def status(self, tx: str) -> dict[str, Any]:
        """What the employer's page polls: pending, processing, answered, declined or expired."""
        record = await self.by_transaction(tx)
        answer = await self.store.get_answer(record["id"]) or {}
        state = answer.get("state")
        out: dict[str, Any] = {"expiresAt": record["expiresAt"]}
        if state == "answered":
            out.update(status="answered", verdict=answer.get("verdict"), resultUrl=f"/results/{answer['resultId']}")
        elif state in ("processing", "declined"):
            out["status"] = state
        else:
            out["status"] = "expired" if self.expired(record) else "pending"
        return out

    # -- the wallet's answer -------------------------------------------------------------
    async def respond(self, rid: str, fields: Mapping[str, str]) -> dict[str, Any]:
        """Handle a ``direct_post`` Authorization Response; returns the JSON for the wallet."""
        try:
            record = await self.get(rid)
        except RequestNotFound:
            raise OpenIdError("invalid_request", "there is no such presentation request", 404) from None
        if self.expired(record):
            raise OpenIdError("invalid_request", f"the presentation request expired at {record['expiresAt']}", 410)
        if record.get("responseMode") == "direct_post.jwt" and not ("error" in fields and "response" not in fields):
            fields = self._decrypted(record, fields)  # (a refusal carries nothing secret: it may come plain)
        state = fields.get("state") or ""
        if not hmac.compare_digest(state.encode(), str(record["state"]).encode()):
            raise OpenIdError("invalid_request", "state does not match the presentation request")
        if "error" in fields:
            return await self._declined(record, fields)
        presentations = _presentations(fields)
        if not await self.store.claim_answer(rid, self.seconds + KEEP_EXPIRED_SECONDS):
            raise OpenIdError("invalid_request", "this presentation request was already answered")
        try:
            result_id, verdict = await self._verify(record, presentations[0])
        except BaseException:
            await self.store.release_answer(rid)
            raise
        code = secrets.token_urlsafe(24)
        answer = {"state": "answered", "resultId": result_id, "verdict": verdict, "responseCode": code}
        await self.store.save_answer(rid, answer, self.seconds + KEEP_EXPIRED_SECONDS)
        return {"redirect_uri": f"{self.public_url}/openid4vp/done/{rid}?response_code={code}"}

    @staticmethod
    def _decrypted(record: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, str]:
        """The parameters of a ``direct_post.jwt`` answer (``response``, a JWE to the request's key)."""
        token = fields.get("response")
        if not token:
            raise OpenIdError(
                "invalid_request", "this request asks for an encrypted answer in response (direct_post.jwt)"
            )
        try:
            payload = decrypt_response(token, record["decryptionJwk"])
        except JarError as exc:
            raise OpenIdError("invalid_request", str(exc)) from None
        out: dict[str, str] = {}
        for key, value in payload.items():
            if isinstance(value, str):
                out[key] = value
            elif key == "vp_token" and isinstance(value, dict):
                out[key] = json.dumps(value)
        return out

    async def _declined(self, record: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
        if not await self.store.claim_answer(record["id"], self.seconds + KEEP_EXPIRED_SECONDS):
            raise OpenIdError("invalid_request", "this presentation request was already answered")
        answer = {
            "state": "declined",
            "error": fields.get("error", "")[:200],
            "description": fields.get("error_description", "")[:1000],
        }
        await self.store.save_answer(record["id"], answer, self.seconds + KEEP_EXPIRED_SECONDS)
        return {}

    async def _verify(self, record: Mapping[str, Any], presentation: dict[str, Any] | str) -> tuple[str, str]:
        """Verify the answer bound to this request (its nonce and client id), add the ``request``
        check (is it what was asked for?) and keep it; its result id and verdict."""
        nonce, client_id = str(record["nonce"]), str(record["clientId"])
        ask = Ask.from_json(record["ask"])
        snapshot = await self.verification.trust.snapshot()

        def trusted(did: str) -> bool:
            return snapshot.lookup(did) is not None

        if isinstance(presentation, str):  # an SD-JWT VC: its KB-JWT carries the nonce and client id
            if self.sd_jwt is None:
                raise OpenIdError("invalid_request", "this verifier does not accept SD-JWT VCs")
            sd_jwt = await self.sd_jwt.verify(presentation, nonce=nonce, audience=client_id, require_key_binding=True)
            sd_jwt.checks.append(sd_jwt_request_check(sd_jwt, ask, trusted))
            return await self._save(record, "sd-jwt", presentation, sd_jwt.to_json())
        result = await self.verification.verify_presentation(
            presentation, challenge=nonce, domain=client_id, require_holder_proof=True
        )
        result.checks.append(presentation_request_check(presentation, ask, trusted))
        return await self._save(record, "presentation", presentation, result.to_json())

    async def _save(
        self, record: Mapping[str, Any], kind: str, presentation: dict[str, Any] | str, report: dict[str, Any]
    ) -> tuple[str, str]:
        """Keep the checked answer with the request it answers; its result id and verdict."""
        request_info = {"id": record["id"], "ask": record["ask"], "createdAt": record["createdAt"]}
        result_id = await self.verification.save(kind, presentation, report, source="openid4vp", request=request_info)
        return result_id, str(report["verdict"])

    async def finish(self, rid: str, response_code: str, transaction: str | None) -> str | None:
        """The result id, if ``response_code`` is this request's and the browser started it."""
        try:
            record = await self.get(rid)
        except RequestNotFound:
            return None
        answer = await self.store.get_answer(rid) or {}
        code = str(answer.get("responseCode", ""))
        if answer.get("state") != "answered" or not code or not transaction:
            return None
        if not hmac.compare_digest(code.encode(), response_code.encode()):
            return None
        if not hmac.compare_digest(str(record["transaction"]).encode(), transaction.encode()):
            return None
        return str(answer["resultId"])
