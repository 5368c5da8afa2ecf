"""Verifier role: :class:`SdJwtVerifier` and its result (see the package docstring for the checks)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt

from plecak.core.did import did_web_from_url, find_verification_method
from plecak.core.errors import VCError
from plecak.core.integrity.proofs import DidDocumentResolver
from plecak.core.status.token import TokenStatus, read_status_list_token
from plecak.core.timeutil import utc_now
from plecak.core.verify.checks import (
    Check,
    Outcome,
    TrustRegistry,
    error_check,
    passed,
    problems_failed,
    seal_passed,
)
from plecak.core.verify.pipeline import Context, Pipeline, Step, StepRole, Unsealed
from plecak.core.verify.steps import (
    TrustStep,
    ValidityStep,
    status_none,
    status_ok,
    status_unreadable,
    status_withdrawn,
)

from .binding import check_disclosures, check_key_binding
from .common import ISSUER_ALG, SD_JWT_VC_TYP, SdJwtError, _as_int, is_micro_credential_vct
from .keys import _p256_key_of_method
from .parse import ParsedSdJwt, parse_sd_jwt
from .result import SdJwtVerificationResult

__all__ = [
    "DisclosuresStep",
    "KeyBindingStep",
    "SdJwtFormatStep",
    "SdJwtSignatureStep",
    "SdJwtVerificationResult",
    "SdJwtVerifier",
    "StatusTokenFetcher",
    "TokenStatusStep",
    "issuer_did",
    "sd_jwt_window",
]


StatusTokenFetcher = Callable[[str], Awaitable[str]]
"""Fetches a status list token (``statuslist+jwt``) by its URI and returns the compact JWT."""


def issuer_did(iss: str) -> str:
    """The DID an SD-JWT VC ``iss`` stands for: a DID itself, or for an https URL (the issuer's
    identifier for verifiers that do not speak DIDs, keys at ``/.well-known/jwt-vc-issuer``) the
    ``did:web`` of the same URL, whose document the same host publishes with the same keys."""
    if iss.startswith("https://"):
        try:
            return did_web_from_url(iss)
        except VCError:
            return iss
    return iss


def _issuer_id_ok(iss: str) -> bool:
    if iss.startswith("did:"):
        return True
    parts = urlsplit(iss)
    return parts.scheme == "https" and bool(parts.hostname) and not parts.query and not parts.fragment


@dataclass
class SdJwtVerifier:
    """Verifies SD-JWT VC presentations; leave ``status_fetcher`` or ``trust`` out to skip those.
    ``steps`` replaces steps by name (``format``, ``proof``, ``disclosures``, ``key_binding``,
    ``issuer``, ``status``, ``validity``) or adds one at the end."""

    resolver: DidDocumentResolver
    status_fetcher: StatusTokenFetcher | None = None
    trust: TrustRegistry | None = None
    clock_skew: timedelta = timedelta(minutes=5)
    max_kb_age: timedelta = timedelta(minutes=5)
    now: Callable[[], datetime] = utc_now
    steps: Mapping[str, Step] = field(default_factory=dict)

    def pipeline(self, *, nonce: str | None, audience: str | None, require_key_binding: bool = True) -> Pipeline:
        """The steps :meth:`verify` runs, with the injected ones in place."""
        steps: list[Step] = [
            SdJwtFormatStep(),
            SdJwtSignatureStep(self.resolver),
            DisclosuresStep(),
            KeyBindingStep(nonce, audience, require_key_binding, self.now, self.clock_skew, self.max_kb_age),
        ]
        if self.trust is not None:
            steps.append(TrustStep(self.trust))
        if self.status_fetcher is not None:
            steps.append(TokenStatusStep(self.status_fetcher, self.resolver, self.now))
        steps.append(ValidityStep(sd_jwt_window, self.now, self.clock_skew, if_unsealed="skip"))
        return Pipeline(steps).customised(self.steps)

    async def verify(
        self,
        presentation: Any,
        *,
        nonce: str | None,
        audience: str | None,
        require_key_binding: bool = True,
    ) -> SdJwtVerificationResult:
        """Verify a presentation. With ``require_key_binding`` it must end in a key-binding JWT.
        A KB-JWT is always checked (holder key, ``sd_hash``); its ``nonce`` when ``nonce`` is
        given (and then its ``iat`` must be within ``max_kb_age``), its ``aud`` when ``audience``
        is given. Share links and pasted text have no nonce: their binding is not fresh."""
        result = SdJwtVerificationResult([])
        context = Context(presentation, checks=result.checks, values={"result": result})
        await self.pipeline(nonce=nonce, audience=audience, require_key_binding=require_key_binding).run(context)
        return result


def _format_check(parsed: ParsedSdJwt) -> Check:
    problems = []
    if parsed.header.get("typ") != SD_JWT_VC_TYP:
        problems.append(f'the JWS header typ must be "{SD_JWT_VC_TYP}", not {parsed.header.get("typ")!r}')
    if parsed.header.get("alg") in (None, "none") or str(parsed.header.get("alg")).startswith("HS"):
        problems.append("the JWS must use an asymmetric signature algorithm")
    payload = parsed.payload
    if not isinstance(payload.get("iss"), str) or not _issuer_id_ok(payload["iss"]):
        problems.append("iss must be the issuer's DID or its https URL")
    if not isinstance(payload.get("vct"), str) or not payload["vct"]:
        problems.append("vct (the credential type) is missing")
    if payload.get("_sd_alg", "sha-256") != "sha-256":
        problems.append(f"unsupported digest algorithm {payload.get('_sd_alg')!r}")
    cnf = payload.get("cnf")
    if cnf is not None and not (isinstance(cnf, Mapping) and isinstance(cnf.get("jwk"), Mapping)):
        problems.append("cnf must hold the holder's public key as jwk")
    for name in ("iat", "nbf", "exp"):
        if name in payload and _as_int(payload[name]) is None:
            problems.append(f"{name} must be a number (seconds since 1970)")
    if problems:
        return problems_failed("format", "This is not a well-formed SD-JWT VC", problems, "format.sd_jwt_invalid")
    details = {"format": SD_JWT_VC_TYP, "vct": payload["vct"]}
    if is_micro_credential_vct(payload["vct"]):
        return passed("format.sd_jwt_micro_credential", "A well-formed SD-JWT VC: an EU micro-credential.", details)
    return passed(
        "format.sd_jwt", f"A well-formed SD-JWT VC of type {payload['vct']}.", details, vct=str(payload["vct"])
    )


@dataclass
class SdJwtFormatStep:
    """``format`` (structure): the compact SD-JWT parses and its payload is an SD-JWT VC."""

    name: str = "format"
    role: StepRole = "structure"

    async def run(self, context: Context) -> Check | None:
        try:
            parsed = parse_sd_jwt(context.document)
        except (SdJwtError, TypeError) as exc:
            return error_check("format", "This is not a well-formed SD-JWT", exc, "format.sd_jwt_parse")
        result = context.values.get("result")
        if isinstance(result, SdJwtVerificationResult):
            result.issuer, result.vct = parsed.payload.get("iss"), parsed.payload.get("vct")
        check = _format_check(parsed)
        if check.outcome is not Outcome.FAILED:
            context.subject = parsed
            context.values["issuer"] = issuer_did(str(parsed.payload["iss"]))
            if isinstance(result, SdJwtVerificationResult):
                result.issuer = context.values["issuer"]
        return check


@dataclass
class DisclosuresStep:
    """``disclosures``: every disclosure matches a digest the issuer signed (fills in the result's
    shared and withheld fields)."""

    name: str = "disclosures"
    if_unsealed: Unsealed = "skip"

    async def run(self, context: Context) -> Check | None:
        result = context.values.get("result")
        if not isinstance(result, SdJwtVerificationResult):
            result = SdJwtVerificationResult([])
        return check_disclosures(context.subject, result)


@dataclass
class KeyBindingStep:
    """``key_binding`` (holder binding): the KB-JWT, see :func:`check_key_binding`."""

    nonce: str | None
    audience: str | None
    required: bool
    now: Callable[[], datetime]
    clock_skew: timedelta
    max_kb_age: timedelta
    name: str = "key_binding"
    if_unsealed: Unsealed = "skip"

    async def run(self, context: Context) -> Check | None:
        return check_key_binding(
            context.subject,
            self.nonce,
            self.audience,
            self.required,
            now=self.now,
            clock_skew=self.clock_skew,
            max_kb_age=self.max_kb_age,
        )


def sd_jwt_window(parsed: ParsedSdJwt) -> tuple[datetime | None, datetime | None]:
    """When an SD-JWT VC is valid: from ``nbf`` (else ``iat``) until ``exp``."""
    nbf = _as_int(parsed.payload.get("nbf"))
    exp = _as_int(parsed.payload.get("exp"))
    iat = _as_int(parsed.payload.get("iat"))
    start = nbf if nbf is not None else iat
    return (
        datetime.fromtimestamp(start, UTC) if start is not None else None,
        datetime.fromtimestamp(exp, UTC) if exp is not None else None,
    )


def _proof_failed(message: str, details: dict[str, Any], code: str, params: dict[str, Any] | None = None) -> Check:
    return Check("proof", Outcome.FAILED, message, details, code, params or {})


@dataclass
class SdJwtSignatureStep:
    """``proof`` (the seal): the issuer-signed JWT, by a key the issuer's DID document lists for
    ``assertionMethod``. A DID that cannot be resolved leaves the seal unknown and ends the run."""

    resolver: DidDocumentResolver
    name: str = "proof"
    role: StepRole = "seal"

    async def run(self, context: Context) -> Check | None:
        check = await self.check(context.subject)
        if check.outcome is Outcome.UNKNOWN:
            context.halt()
        return check

    async def check(self, parsed: ParsedSdJwt) -> Check:
        issuer = issuer_did(str(parsed.payload["iss"]))
        kid = parsed.header.get("kid")
        details: dict[str, Any] = {"alg": parsed.header.get("alg"), "kid": kid}
        if parsed.header.get("alg") != ISSUER_ALG:
            return _proof_failed(
                f"The signature algorithm must be {ISSUER_ALG}.", details, "proof.algorithm", {"alg": ISSUER_ALG}
            )
        if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
            return _proof_failed("The JWS header's kid must be a DID URL of the issuer's key.", details, "proof.kid")
        if kid.split("#", 1)[0] != issuer:
            return _proof_failed(
                f"The signature key {kid} does not belong to the issuer {issuer}.",
                details,
                "proof.kid_not_issuer",
                {"kid": kid, "issuer": issuer},
            )
        try:
            doc = await self.resolver.resolve(issuer)
            method = find_verification_method(doc, kid, "assertionMethod")
            key = _p256_key_of_method(method)
        except (VCError, ValueError) as exc:
            return _proof_failed(
                f"The issuer's key could not be found: {exc}", details, "proof.key_not_found", {"error": str(exc)}
            )
        except Exception as exc:  # resolver network errors
            return Check(
                "proof",
                Outcome.UNKNOWN,
                f"The issuer's DID could not be resolved: {exc}",
                details,
                "proof.unresolved",
                {"error": str(exc)},
            )
        try:
            jwt.api_jws.PyJWS().decode_complete(parsed.issuer_jwt, key=key, algorithms=[ISSUER_ALG])
        except jwt.PyJWTError:
            return _proof_failed(
                "The issuer's signature is not valid: the credential was changed or not signed by this issuer.",
                details,
                "proof.sd_jwt_signature",
            )
        return seal_passed(details)


@dataclass
class TokenStatusStep:
    """``status``: the Token Status List entry (``status.status_list``), signed by the issuer."""

    fetcher: StatusTokenFetcher
    resolver: DidDocumentResolver
    now: Callable[[], datetime]
    name: str = "status"
    if_unsealed: Unsealed = "row"

    async def run(self, context: Context) -> Check | None:
        parsed: ParsedSdJwt = context.subject
        status = parsed.payload.get("status")
        if status is None:
            return status_none()
        ref = status.get("status_list") if isinstance(status, Mapping) else None
        idx = _as_int(ref.get("idx")) if isinstance(ref, Mapping) else None
        uri = ref.get("uri") if isinstance(ref, Mapping) else None
        if idx is None or idx < 0 or not isinstance(uri, str):
            return Check(
                "status",
                Outcome.UNKNOWN,
                "The status could not be checked: the credential's status reference is malformed.",
                code="status.malformed",
            )
        try:
            value = await self._read(parsed, uri, idx)
        except Exception as exc:  # network errors, bad lists: the status is unknown, never "ok"
            return status_unreadable(exc)
        if value == TokenStatus.INVALID:
            return status_withdrawn("revoked")
        if value == TokenStatus.SUSPENDED:
            return status_withdrawn("suspended")
        if value != TokenStatus.VALID:
            return Check(
                "status",
                Outcome.UNKNOWN,
                f"The issuer reports a status this verifier does not know ({value}).",
                {"status": "unknown"},
                "status.unknown_value",
                {"value": str(value)},
            )
        return status_ok({})

    async def _read(self, parsed: ParsedSdJwt, uri: str, idx: int) -> int:
        token = await self.fetcher(uri)
        header = jwt.get_unverified_header(token)
        kid = header.get("kid")
        issuer = issuer_did(str(parsed.payload["iss"]))
        if not isinstance(kid, str) or kid.split("#", 1)[0] != issuer:
            raise SdJwtError("the status list was not signed by the credential's issuer")
        doc = await self.resolver.resolve(issuer)
        key = _p256_key_of_method(find_verification_method(doc, kid, "assertionMethod"))
        return read_status_list_token(token, key=key, uri=uri, index=idx, now=self.now())
