"""OpenID for Verifiable Credential Issuance 1.0, pre-authorised code flow (issuer side).

1. The admin makes an *offer* for one learner and one achievement; it gets a one-time
   pre-authorised code (and optionally a transaction code, sent to the learner separately).
2. The wallet fetches the offer, trades the code for a short-lived access token at ``/token``,
   fetches a ``c_nonce`` at ``/nonce`` and calls ``/credential`` with a key-proof JWT signed by
   the learner's holder key. The credential is issued to that key's DID.

Codes, tokens and nonces are random, stored only as SHA-256 digests, single-use and expiring.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from plecak.core.oid4vci.keyproof import (
    KeyProof,
    KeyProofError,
    verify_key_proof,
)
from plecak.core.timeutil import format_datetime
from plecak.runtime.oauth import OpenIdError
from plecak.runtime.storage import RedisClient, transaction

from ..achievements import AchievementProblems
from ..service import IssuerService, _grade, _key_hash, _learner, _request_hash
from ..store import IdempotencyConflict
from .metadata import CONFIGURATION_ID, CONFIGURATION_SUITES, PRE_AUTH_GRANT, IssuerMetadata
from .sdjwt_metadata import SDJWT_CONFIGURATION_ID

if TYPE_CHECKING:
    from ..sdjwt import SdJwtIssuing

__all__ = ["CONFIGURATION_ID", "PRE_AUTH_GRANT", "SDJWT_CONFIGURATION_ID", "OfferService", "OpenIdError"]

TOKEN_TTL = 600
NONCE_TTL = 300
MAX_TX_ATTEMPTS = 5
P = "issuer:oid4vci:"
OFFER_P = "issuer:oid4vci:{offers}:"
"""Offers, their documents, codes and tokens are written together: one Redis Cluster hash tag."""


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedOffer:
    record: dict[str, Any]
    pre_authorized_code: str
    tx_code: str | None


class OfferService(IssuerMetadata):
    def __init__(
        self,
        issuer: IssuerService,
        redis: RedisClient,
        *,
        wallet_url: str | None,
        sdjwt: SdJwtIssuing | None = None,
    ) -> None:
        self.issuer = issuer
        self.redis = redis
        self.sdjwt = sdjwt
        self.wallet_url = wallet_url.rstrip("/") if wallet_url else None

    # -- offers --------------------------------------------------------------------------
    # long: reads and checks the request, then stores the offer; one refusal per field
    async def create_offer(self, achievement_uuid: str, body: Any) -> dict[str, Any]:
        """Make a one-learner offer; returns its record, the offer document and the links to send."""
        record = await self.issuer.achievement(achievement_uuid)
        if not isinstance(body, Mapping):
            raise AchievementProblems(invalid={"$": "the request must be a JSON object"})
        # Redis keeps the learner's e-mail only as a salted hash (and a keyed index): never in clear
        learner = self.issuer.stored_learner(_learner(body.get("learner")))
        grade = _grade(body.get("grade"), record["input"].get("grading"))
        days = body.get("expiresInDays", 14)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
            raise AchievementProblems(
                invalid={"expiresInDays": "must be a whole number of days from 1 to 90"}
            )
        fmt = body.get("format", "ldp_vc")
        if fmt not in ("ldp_vc", "dc+sd-jwt") or (fmt == "dc+sd-jwt" and self.sdjwt is None):
            raise AchievementProblems(invalid={"format": 'must be "ldp_vc" or "dc+sd-jwt"'})
        with_tx = body.get("txCode", False)
        if not isinstance(with_tx, bool):
            raise AchievementProblems(invalid={"txCode": "must be true or false"})
        suite = body.get("cryptosuite", CONFIGURATION_SUITES[CONFIGURATION_ID])
        by_suite = {v: k for k, v in CONFIGURATION_SUITES.items()}
        if not isinstance(suite, str) or suite not in by_suite or not self._offers(suite):
            offered = ", ".join(v for v in CONFIGURATION_SUITES.values() if self._offers(v))
            raise AchievementProblems(invalid={"cryptosuite": f"must be one of {offered}"})
        offer_id = secrets.token_urlsafe(16)
        code = secrets.token_urlsafe(32)
        tx_code = f"{secrets.randbelow(10**6):06d}" if with_tx else None
        ttl = days * 86400
        now = time.time()
        offer = {
            "id": offer_id,
            "achievement": achievement_uuid,
            "achievementName": record["achievement"]["name"],
            "learner": learner,
            "grade": grade,
            "codeHash": _digest(code),
            "txCodeHash": _digest(tx_code) if tx_code else None,
            "created": format_datetime_ts(now),
            "expiresAt": format_datetime_ts(now + ttl),
            "state": "offered",
            "credentialId": None,
            "configuration": SDJWT_CONFIGURATION_ID if fmt == "dc+sd-jwt" else by_suite[suite],
        }
        created = CreatedOffer(offer, code, tx_code)
        doc = self.offer_document(created)
        async with transaction(self.redis) as pipe:
            pipe.set(f"{OFFER_P}offer:{offer_id}", json.dumps(offer), ex=ttl)
            pipe.set(f"{OFFER_P}offerdoc:{offer_id}", json.dumps(doc), ex=ttl)
            pipe.set(f"{OFFER_P}code:{offer['codeHash']}", offer_id, ex=ttl)
            await pipe.execute()
        offer_uri = f"{self.base}/credential-offers/{offer_id}"
        links = {
            "credentialOfferUri": offer_uri,
            "offerLink": f"openid-credential-offer://?credential_offer_uri={quote(offer_uri, safe='')}",
        }
        if self.wallet_url:
            links["walletLink"] = (
                f"{self.wallet_url}/receive?credential_offer_uri={quote(offer_uri, safe='')}"
            )
        return {
            **{k: v for k, v in offer.items() if not k.endswith("Hash")},
            "credentialOffer": doc,
            **links,
            "txCode": tx_code,
        }

    def offer_document(self, created: CreatedOffer) -> dict[str, Any]:
        grant: dict[str, Any] = {"pre-authorized_code": created.pre_authorized_code}
        if created.tx_code:
            grant["tx_code"] = {
                "input_mode": "numeric",
                "length": len(created.tx_code),
                "description": "The 6-digit code your university sent you separately",
            }
        return {
            "credential_issuer": self.base,
            "credential_configuration_ids": [created.record.get("configuration", CONFIGURATION_ID)],
            "grants": {PRE_AUTH_GRANT: grant},
        }

    async def _offer(self, offer_id: str) -> dict[str, Any]:
        raw = await self.redis.get(f"{OFFER_P}offer:{offer_id}")
        if raw is None:
            raise OpenIdError("invalid_request", "this credential offer does not exist or has expired", 404)
        result: dict[str, Any] = json.loads(raw)
        return result

    async def offer_status(self, offer_id: str) -> dict[str, Any]:
        offer = await self._offer(offer_id)
        return {k: v for k, v in offer.items() if not k.endswith("Hash")}

    def _offer_learner(self, offer: Mapping[str, Any]) -> dict[str, Any]:
        """The offer's learner in stored form (an offer written before e-mails were hashed is converted)."""
        return self.issuer.stored_learner(offer["learner"])

    async def public_offer(self, offer_id: str) -> dict[str, Any]:
        """The offer document served at its ``credential_offer_uri``."""
        offer = await self._offer(offer_id)
        if offer["state"] != "offered":
            raise OpenIdError("invalid_request", "this credential offer was already used", 410)
        doc = await self.redis.get(f"{OFFER_P}offerdoc:{offer_id}")
        if doc is None:
            raise OpenIdError("invalid_request", "this credential offer is no longer available", 410)
        result: dict[str, Any] = json.loads(doc)
        return result

    # -- token ---------------------------------------------------------------------------
    async def token(self, form: Mapping[str, str]) -> dict[str, Any]:
        if form.get("grant_type") != PRE_AUTH_GRANT:
            raise OpenIdError("unsupported_grant_type", f"only {PRE_AUTH_GRANT} is supported")
        code = form.get("pre-authorized_code") or ""
        if not code:
            raise OpenIdError("invalid_request", "pre-authorized_code is missing")
        code_key = f"{OFFER_P}code:{_digest(code)}"
        offer_id_raw = await self.redis.get(code_key)
        if offer_id_raw is None:
            raise OpenIdError("invalid_grant", "the pre-authorised code is wrong, used or expired")
        offer_id = offer_id_raw.decode() if isinstance(offer_id_raw, bytes) else str(offer_id_raw)
        offer = await self._offer(offer_id)
        if offer.get("txCodeHash"):
            attempts = int(await self.redis.incr(f"{P}txtries:{offer_id}"))
            await self.redis.expire(f"{P}txtries:{offer_id}", 86400)
            if attempts > MAX_TX_ATTEMPTS:
                await self.redis.delete(code_key)
                raise OpenIdError("invalid_grant", "too many wrong transaction codes; ask for a new offer")
            given = form.get("tx_code") or ""
            if not hmac.compare_digest(_digest(given), offer["txCodeHash"]):
                raise OpenIdError("invalid_grant", "the transaction code is wrong")
        # one-time: only the request that deletes the code gets a token
        if not await self.redis.delete(code_key):
            raise OpenIdError("invalid_grant", "the pre-authorised code was already used")
        token = secrets.token_urlsafe(32)
        offer["state"] = "redeemed"
        async with transaction(self.redis) as pipe:
            pipe.set(f"{OFFER_P}token:{_digest(token)}", offer_id, ex=TOKEN_TTL)
            pipe.set(f"{OFFER_P}offer:{offer_id}", json.dumps(offer), keepttl=True)
            pipe.delete(f"{OFFER_P}offerdoc:{offer_id}")
            await pipe.execute()
        return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_TTL}

    async def nonce(self) -> dict[str, Any]:
        value = secrets.token_urlsafe(24)
        await self.redis.set(f"{P}nonce:{_digest(value)}", "1", ex=NONCE_TTL)
        return {"c_nonce": value}

    # -- credential ----------------------------------------------------------------------
    async def credential(self, access_token: str | None, body: Any) -> dict[str, Any]:
        if not access_token:
            raise OpenIdError("invalid_token", "an access token from the token endpoint is required", 401)
        offer_id_raw = await self.redis.get(f"{OFFER_P}token:{_digest(access_token)}")
        if offer_id_raw is None:
            raise OpenIdError("invalid_token", "the access token is wrong or expired", 401)
        offer_id = offer_id_raw.decode() if isinstance(offer_id_raw, bytes) else str(offer_id_raw)
        if not isinstance(body, Mapping):
            raise OpenIdError("invalid_credential_request", "the body must be a JSON object")
        config = body.get("credential_configuration_id")
        offer = await self._offer(offer_id)
        offered = str(offer.get("configuration", CONFIGURATION_ID))
        if config != offered or (config == SDJWT_CONFIGURATION_ID and self.sdjwt is None):
            raise OpenIdError("unknown_credential_configuration", f"ask for {offered}")
        proof = await self._check_key_proof(_single_jwt_proof(body), self.configuration(offered))
        if config == SDJWT_CONFIGURATION_ID:
            return await self._sd_jwt_credential(offer_id, offer, proof)
        if proof.did is None:  # the configuration announces DID binding only; checked above
            raise OpenIdError("invalid_proof", "this credential is bound to a DID: send a kid")
        learner = {**self._offer_learner(offer), "did": proof.did}
        options = {"cryptosuite": CONFIGURATION_SUITES[offered]}
        request = {"learner": learner, "grade": offer.get("grade"), "options": options}
        result = await self.issuer.issue_to_learner(
            offer["achievement"],
            learner,
            offer.get("grade") or None,
            options,
            f"oid4vci:{offer_id}",
            _request_hash(f"achievement:{offer['achievement']}", request),
        )
        offer["state"] = "issued"
        offer["credentialId"] = result.credential["id"]
        await self.redis.set(f"{OFFER_P}offer:{offer_id}", json.dumps(offer), keepttl=True)
        return {"credentials": [{"credential": result.credential}]}

    async def _sd_jwt_credential(self, offer_id: str, offer: dict[str, Any], proof: KeyProof) -> dict[str, Any]:
        """Issue the offer as an SD-JWT VC bound (``cnf.jwk``) to the key of the key proof."""
        assert self.sdjwt is not None
        if offer.get("state") == "issued":
            raise OpenIdError("invalid_token", "the credential of this offer was already issued", 401)
        # One offer, one credential: the offer's idempotency key is claimed atomically (SET NX)
        # before anything is issued, as the ldp_vc path does; a repeat with the same holder key
        # after a lost answer gets the stored credential back.
        store = self.issuer.store
        key_hash = _key_hash(f"oid4vci:{offer_id}")
        request_hash = _request_hash("oid4vci:dc+sd-jwt", {"offer": offer_id, "holder": proof.did or proof.jwk})
        try:
            done = await store.begin_idempotent(key_hash, request_hash)
        except IdempotencyConflict:
            raise OpenIdError(
                "invalid_token", "the credential of this offer was already issued or is being issued", 401
            ) from None
        if done is not None:
            stored = await store.get_credential(done["credential"])
            if stored is None:  # pragma: no cover - the transaction writes both together
                raise OpenIdError("invalid_token", "the credential of this offer is gone", 401)
            return {"credentials": [{"credential": stored["credential"]}]}
        try:
            credential_id, sd_jwt = await self.sdjwt.issue(
                offer["achievement"],
                {**self._offer_learner(offer), **({"did": proof.did} if proof.did else {})},
                offer.get("grade"),
                proof.jwk,
                idempotency=(key_hash, request_hash),
            )
        except BaseException:
            await store.abort_idempotent(key_hash)
            raise
        offer["state"] = "issued"
        offer["credentialId"] = credential_id
        await self.redis.set(f"{OFFER_P}offer:{offer_id}", json.dumps(offer), keepttl=True)
        return {"credentials": [{"credential": sd_jwt}]}

    async def _check_key_proof(self, token: Any, configuration: Mapping[str, Any]) -> KeyProof:
        """Check the key proof against what ``configuration`` announces, then spend its nonce."""
        supported = configuration.get("proof_types_supported", {}).get("jwt", {})
        try:
            proof = verify_key_proof(
                token,
                audience=self.base,
                methods=configuration.get("cryptographic_binding_methods_supported", ()),
                algorithms=supported.get("proof_signing_alg_values_supported", ()),
                now=time.time(),
                max_age=NONCE_TTL,
            )
        except KeyProofError as exc:
            raise OpenIdError(exc.code, str(exc)) from None
        nonce = proof.nonce
        if nonce is None or not await self.redis.delete(f"{P}nonce:{_digest(nonce)}"):
            raise OpenIdError(
                "invalid_nonce",
                "the nonce is unknown, used or expired; fetch a new one from the nonce endpoint",
            )
        return proof


def _single_jwt_proof(body: Mapping[str, Any]) -> Any:
    """The one key-proof JWT of a credential request: ``{"proofs": {"jwt": ["…"]}}`` (1.0), or the
    pre-1.0 ``{"proof": {"proof_type": "jwt", "jwt": "…"}}``."""
    proofs, single = body.get("proofs"), body.get("proof")
    if proofs is not None and single is not None:
        raise OpenIdError("invalid_credential_request", "send either proofs or proof, not both")
    if isinstance(single, Mapping) and single.get("proof_type") == "jwt" and isinstance(single.get("jwt"), str):
        return single["jwt"]
    jwts = proofs.get("jwt") if isinstance(proofs, Mapping) else None
    if not isinstance(proofs, Mapping) or set(proofs) != {"jwt"} or not isinstance(jwts, list):
        raise OpenIdError("invalid_proof", 'send exactly one key proof as {"proofs": {"jwt": ["…"]}}')
    if len(jwts) != 1 or not isinstance(jwts[0], str):
        raise OpenIdError("invalid_proof", 'send exactly one key proof as {"proofs": {"jwt": ["…"]}}')
    return jwts[0]


def format_datetime_ts(seconds: float) -> str:
    return format_datetime(datetime.fromtimestamp(seconds, UTC))
