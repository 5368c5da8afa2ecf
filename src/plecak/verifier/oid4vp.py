"""OpenID for Verifiable Presentations 1.0: presentation requests a wallet answers.

The employer's page creates a request; the wallet fetches it from ``request_uri`` (``GET``, or
``POST`` with ``wallet_nonce`` when the link says ``request_uri_method=post``) as a signed Request
Object (JAR, ``application/oauth-authz-req+jwt``, ES256): signed with the verifier certificate
(client identifier prefix ``x509_san_dns``) or the verifier's did:key (``decentralized_identifier``),
see :mod:`verifier.identity`. The wallet posts ``vp_token`` and ``state`` to ``response_uri``
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from plecak.core import safejson
from plecak.core.disclosure import ELEMENT_POINTERS, MANDATORY_ELEMENTS, SD_JWT_ELEMENT_CLAIMS, pointer_exists
from plecak.core.errors import VCError
from plecak.core.integrity.suites import registered_proofs
from plecak.core.jar import (
    RESPONSE_ENC_VALUES,
    JarError,
    decrypt_response,
    ephemeral_encryption_key,
    sign_request_object,
)
from plecak.core.jsonld.rdf import expand_safe
from plecak.core.model.datamodel import is_url, issuer_id
from plecak.core.sdjwt import (
    HOLDER_ALGS,
    ISSUER_ALG,
    SELECTIVELY_DISCLOSABLE,
    VCT_MICRO_CREDENTIAL,
    is_micro_credential_vct,
    looks_like_sd_jwt,
)
from plecak.core.timeutil import format_datetime, parse_datetime, utc_now
from plecak.core.verify.credential import Check, Outcome
from plecak.runtime.oauth import OpenIdError

from .identity import NAME, VerifierIdentity
from .service import VerificationService
from .store import VerifierStore, new_id

if TYPE_CHECKING:
    from .sdjwt import SdJwtVerification

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
]

QUERY_ID = "micro_credential"
OB_CREDENTIAL_TYPE = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
STATIC_AUDIENCE = "https://self-issued.me/v2"
KEEP_EXPIRED_SECONDS = 3600
"""How long an expired request is remembered (to answer "expired" rather than "unknown")."""
MAX_VP_TOKEN = 2_000_000
ASKABLE_ELEMENTS: tuple[str, ...] = tuple(k for k in ELEMENT_POINTERS if k not in MANDATORY_ELEMENTS)
"""EU elements an employer may ask for: the ones a holder may withhold (the issuer's mandatory
elements are always shared)."""


class RequestNotFound(LookupError):
    """No such presentation request (never created, or expired long ago)."""


class RequestExpired(Exception):
    """The presentation request exists but can no longer be answered."""


@dataclass(frozen=True)
class Ask:
    """What the employer asks for: any EU micro-credential, or one achievement; trusted issuers only?"""

    achievement_id: str | None = None
    trusted_only: bool = False
    format: str = "ldp_vc"
    """``ldp_vc`` (a signed W3C credential) or ``dc+sd-jwt`` (an SD-JWT VC: only ``claims`` are asked)."""
    claims: tuple[str, ...] = ()
    """For ``dc+sd-jwt``: the selectively disclosable claims asked for (the others stay hidden)."""
    elements: tuple[str, ...] = ()
    """For ``ldp_vc``: the EU elements asked for (:data:`ASKABLE_ELEMENTS`); an ``ecdsa-sd-2023``
    credential discloses only these beyond the issuer's mandatory ones."""

    def __post_init__(self) -> None:
        if self.achievement_id is not None and (not is_url(self.achievement_id) or len(self.achievement_id) > 2048):
            raise ValueError("the achievement id must be a URL (e.g. https://…/achievements/…)")
        if self.format not in ("ldp_vc", "dc+sd-jwt"):
            raise ValueError('the format must be "ldp_vc" or "dc+sd-jwt"')
        unknown = [c for c in self.claims if c not in SELECTIVELY_DISCLOSABLE]
        if unknown or (self.claims and self.format != "dc+sd-jwt"):
            raise ValueError(f"claims can be asked only of an SD-JWT VC, and only these: {unknown or ''}")
        odd = [e for e in self.elements if e not in ASKABLE_ELEMENTS]
        if odd or (self.elements and self.format != "ldp_vc"):
            raise ValueError(f"elements can be asked only of a W3C credential, and only these: {odd or ''}")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"achievementId": self.achievement_id, "trustedOnly": self.trusted_only}
        if self.format != "ldp_vc":
            out.update(format=self.format, claims=list(self.claims))
        if self.elements:
            out["elements"] = list(self.elements)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ask:
        return cls(
            data.get("achievementId"),
            bool(data.get("trustedOnly")),
            str(data.get("format", "ldp_vc")),
            tuple(data.get("claims") or ()),
            tuple(data.get("elements") or ()),
        )

    @property
    def asked_elements(self) -> list[str]:
        """The EU elements asked for beyond the mandatory ones, in either format."""
        if self.format == "dc+sd-jwt":
            return [k for k, claims in SD_JWT_ELEMENT_CLAIMS.items() if set(claims) & set(self.claims)]
        return list(self.elements)


def sd_jwt_claims_of(elements: Any) -> tuple[str, ...]:
    """The SD-JWT VC claims that carry the EU ``elements`` (those the format has)."""
    return tuple(c for key in elements for c in SD_JWT_ELEMENT_CLAIMS.get(key, ()) if c in SELECTIVELY_DISCLOSABLE)


def sd_jwt_dcql_query(ask: Ask) -> dict[str, Any]:
    """One ``dc+sd-jwt`` micro-credential: claim paths for the always-shared title (and the named
    achievement) and for each selectively disclosable claim asked for, so a wallet discloses only those."""
    claims: list[dict[str, Any]] = [{"id": "title", "path": ["title"]}]
    if ask.achievement_id:
        claims.append({"id": "achievement", "path": ["achievement_id"], "values": [ask.achievement_id]})
    required = [c["id"] for c in claims]
    claims += [{"id": name, "path": [name]} for name in ask.claims]
    query: dict[str, Any] = {
        "id": QUERY_ID,
        "format": "dc+sd-jwt",
        "meta": {"vct_values": [VCT_MICRO_CREDENTIAL]},
        "claims": claims,
    }
    if ask.claims:  # what the holder may withhold: any of it, none of it
        query["claim_sets"] = [[c["id"] for c in claims], required]
    return {"credentials": [query]}


def dcql_query(ask: Ask) -> dict[str, Any]:
    """One ``ldp_vc`` Open Badges credential: a micro-credential, or the named achievement."""
    if ask.format == "dc+sd-jwt":
        return sd_jwt_dcql_query(ask)
    claim: dict[str, Any]
    if ask.achievement_id:
        claim = {"path": ["credentialSubject", "achievement", "id"], "values": [ask.achievement_id]}
    else:
        claim = {
            "path": ["credentialSubject", "achievement", "achievementType"],
            "values": ["MicroCredential"],
        }
    query: dict[str, Any] = {
        "id": QUERY_ID,
        "format": "ldp_vc",
        "meta": {"type_values": [[OB_CREDENTIAL_TYPE]]},
        "claims": [claim],
    }
    if ask.elements:
        # one claim per place an element may live (an ecdsa-sd-2023 wallet discloses those the
        # credential has); the holder may withhold any of them: claim_sets [[all], [the match]]
        claim["id"] = "match"
        for key in ask.elements:
            for i, pointer in enumerate(ELEMENT_POINTERS[key]):
                path = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
                query["claims"].append({"id": key if i == 0 else f"{key}-{i}", "path": path})
        query["claim_sets"] = [[c["id"] for c in query["claims"]], ["match"]]
    return {"credentials": [query]}


def elements_shared(credential: Mapping[str, Any], elements: Any) -> list[str]:
    """Which of the EU ``elements`` ``credential`` discloses."""
    return [k for k in elements if any(pointer_exists(credential, p) for p in ELEMENT_POINTERS.get(k, ()))]


def _subject_achievements(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    subjects = credential.get("credentialSubject")
    found = []
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
        if isinstance(achievement, Mapping):
            found.append(achievement)
    return found


def _expanded_types(credential: Any) -> list[str]:
    try:
        nodes = expand_safe(credential)
    except (VCError, TypeError, ValueError):
        return []
    types: list[str] = []
    for node in nodes:
        if isinstance(node, Mapping):
            types += [t for t in node.get("@type", []) if isinstance(t, str)]
    return types


def mismatches(credential: Any, ask: Ask, trusted: Callable[[str], bool]) -> list[str]:
    """Why ``credential`` does not answer ``ask`` (empty: it does). The DCQL ``values`` are only a
    hint to the wallet, so everything is checked again here.
    """
    if not isinstance(credential, Mapping):
        return ["it is not a credential"]
    problems = []
    if ask.format != "ldp_vc":
        problems.append("you asked for an SD-JWT VC, not a W3C credential")
    if OB_CREDENTIAL_TYPE not in _expanded_types(credential):
        problems.append("it is not an Open Badges credential")
    achievements = _subject_achievements(credential)
    if ask.achievement_id:
        if not any(a.get("id") == ask.achievement_id for a in achievements):
            problems.append(f"it is not for the achievement {ask.achievement_id}")
    elif not any(a.get("achievementType") == "MicroCredential" for a in achievements):
        problems.append("it is not an EU micro-credential")
    if ask.trusted_only and not trusted(issuer_id(credential) or ""):
        problems.append("its issuer is not on your trusted list")
    return problems


def _epoch(value: Any) -> int:
    moment = parse_datetime(value)
    return int(moment.timestamp()) if moment else 0


def _presentations(fields: Mapping[str, str]) -> list[Any]:
    """The one presentation in ``vp_token``: a JSON object (``ldp_vc``) or an SD-JWT string."""
    raw = fields.get("vp_token")
    if not raw:
        raise OpenIdError("invalid_request", "vp_token is missing")
    if len(raw) > MAX_VP_TOKEN:
        raise OpenIdError("invalid_request", "vp_token is too large")
    try:
        token = safejson.loads(raw)
    except ValueError:
        raise OpenIdError("invalid_request", "vp_token must be a JSON object") from None
    if not isinstance(token, dict):
        raise OpenIdError("invalid_request", "vp_token must be a JSON object keyed by credential query id")
    items = token.get(QUERY_ID)
    if not isinstance(items, list) or len(items) != 1:
        raise OpenIdError("invalid_request", f'vp_token must hold exactly one presentation for "{QUERY_ID}"')
    presentation = items[0]
    if isinstance(presentation, str) and looks_like_sd_jwt(presentation):
        return [presentation.strip()]
    if isinstance(presentation, str):
        try:
            presentation = safejson.loads(presentation)
        except ValueError:
            raise OpenIdError("invalid_request", "the presentation is not JSON") from None
    if not isinstance(presentation, dict):
        raise OpenIdError("invalid_request", "an ldp_vc presentation must be a JSON object")
    return [presentation]


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
    ) -> None:
        self.identity = identity
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
            "dcqlQuery": dcql_query(ask),
            "createdAt": format_datetime(created),
            "expiresAt": format_datetime(created + timedelta(seconds=self.seconds)),
        }
        if self.response_mode == "direct_post.jwt":
            record["encryptionJwk"], record["decryptionJwk"] = ephemeral_encryption_key()
        await self.store.save_request(record, self.seconds + KEEP_EXPIRED_SECONDS)
        return record

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
        if isinstance(presentation, str):
            return await self._verify_sd_jwt(record, presentation)
        result = await self.verification.verify_presentation(
            presentation,
            challenge=str(record["nonce"]),
            domain=str(record["clientId"]),
            require_holder_proof=True,
        )
        ask = Ask.from_json(record["ask"])
        result.checks.append(await self._request_check(presentation, ask))
        report = result.to_json()
        request_info = {"id": record["id"], "ask": record["ask"], "createdAt": record["createdAt"]}
        result_id = await self.verification.save(
            "presentation", presentation, report, source="openid4vp", request=request_info
        )
        return result_id, str(report["verdict"])

    async def _verify_sd_jwt(self, record: Mapping[str, Any], presentation: str) -> tuple[str, str]:
        """An SD-JWT VC answer: its KB-JWT must carry this request's nonce and client_id."""
        if self.sd_jwt is None:
            raise OpenIdError("invalid_request", "this verifier does not accept SD-JWT VCs")
        result = await self.sd_jwt.verify(
            presentation,
            nonce=str(record["nonce"]),
            audience=str(record["clientId"]),
            require_key_binding=True,
        )
        ask = Ask.from_json(record["ask"])
        problems = []
        if ask.format != "dc+sd-jwt":
            problems.append("you asked for a W3C credential, not an SD-JWT VC")
        if not is_micro_credential_vct(result.vct):
            problems.append("it is not an EU micro-credential")
        if ask.achievement_id and result.disclosed.get("achievement_id") != ask.achievement_id:
            problems.append(f"it is not for the achievement {ask.achievement_id}")
        snapshot = await self.verification.trust.snapshot()
        if ask.trusted_only and snapshot.lookup(str(result.issuer or "")) is None:
            problems.append("its issuer is not on your trusted list")
        missing = [c for c in ask.claims if c not in result.disclosed]
        extra = sorted(set(result.disclosed) & set(SELECTIVELY_DISCLOSABLE) - set(ask.claims))
        details = {"asked": ask.to_json(), "notShared": missing, "notAskedButShared": extra}
        if problems:
            result.checks.append(
                Check(
                    "request",
                    Outcome.FAILED,
                    "The answer does not match what you asked for: " + "; ".join(problems) + ".",
                    {**details, "problems": problems},
                )
            )
        else:
            message = "The answer is the kind of credential you asked for."
            if missing:
                message += " The holder chose not to share: " + ", ".join(missing) + "."
            result.checks.append(Check("request", Outcome.PASSED, message, details))
        report = result.to_json()
        request_info = {"id": record["id"], "ask": record["ask"], "createdAt": record["createdAt"]}
        result_id = await self.verification.save(
            "sd-jwt", presentation, report, source="openid4vp", request=request_info
        )
        return result_id, str(report["verdict"])

    async def _request_check(self, presentation: Mapping[str, Any], ask: Ask) -> Check:
        snapshot = await self.verification.trust.snapshot()
        creds = presentation.get("verifiableCredential")
        items = creds if isinstance(creds, list) else [] if creds is None else [creds]
        if not items:
            return Check("request", Outcome.FAILED, "The answer holds no credential.")
        problems = []
        for number, credential in enumerate(items, 1):
            for problem in mismatches(credential, ask, lambda did: snapshot.lookup(did) is not None):
                problems.append(f"credential {number}: {problem}" if len(items) > 1 else problem)
        if problems:
            return Check(
                "request",
                Outcome.FAILED,
                "The answer does not match what you asked for: " + "; ".join(problems) + ".",
                {"asked": ask.to_json(), "problems": problems},
            )
        shared = {k for c in items if isinstance(c, Mapping) for k in elements_shared(c, ask.elements)}
        missing = [k for k in ask.elements if k not in shared]
        message = "The answer is the kind of credential you asked for."
        if missing:
            message += " The holder chose not to share: " + ", ".join(missing) + "."
        return Check("request", Outcome.PASSED, message, {"asked": ask.to_json(), "notShared": missing})

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
