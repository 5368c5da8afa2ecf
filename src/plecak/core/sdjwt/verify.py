"""Verifier role: :class:`SdJwtVerifier` and its result (see the package docstring for the checks)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt

from plecak.core.did import did_web_from_url, find_verification_method
from plecak.core.errors import VCError
from plecak.core.integrity.proofs import DidDocumentResolver
from plecak.core.status.token import TokenStatus, read_status_list_token
from plecak.core.timeutil import utc_now
from plecak.core.verify.credential import (
    Check,
    Outcome,
    TrustRegistry,
    not_checked_after_seal,
    seal_passed,
    trust_check,
)

from .binding import check_disclosures, check_key_binding
from .common import ISSUER_ALG, SD_JWT_VC_TYP, SdJwtError, _as_int, is_micro_credential_vct
from .keys import _p256_key_of_method
from .parse import ParsedSdJwt, parse_sd_jwt
from .result import SdJwtVerificationResult

__all__ = ["SdJwtVerificationResult", "SdJwtVerifier", "StatusTokenFetcher", "issuer_did"]


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
    """Verifies SD-JWT VC presentations; leave ``status_fetcher`` or ``trust`` out to skip those."""

    resolver: DidDocumentResolver
    status_fetcher: StatusTokenFetcher | None = None
    trust: TrustRegistry | None = None
    clock_skew: timedelta = timedelta(minutes=5)
    max_kb_age: timedelta = timedelta(minutes=5)
    now: Callable[[], datetime] = utc_now

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
        checks: list[Check] = []
        try:
            parsed = parse_sd_jwt(presentation)
        except (SdJwtError, TypeError) as exc:
            checks.append(Check("format", Outcome.FAILED, f"This is not a well-formed SD-JWT: {exc}"))
            return SdJwtVerificationResult(checks)
        fmt = self._check_format(parsed)
        checks.append(fmt)
        result = SdJwtVerificationResult(checks, issuer=parsed.payload.get("iss"), vct=parsed.payload.get("vct"))
        if fmt.outcome is Outcome.FAILED:
            return result
        result.issuer = issuer_did(str(parsed.payload["iss"]))
        proof = await self._check_signature(parsed)
        checks.append(proof)
        if proof.outcome is not Outcome.PASSED:
            if proof.outcome is Outcome.FAILED:  # the rows stay, saying why they were not checked
                if self.trust is not None:
                    checks.append(not_checked_after_seal("issuer"))
                if self.status_fetcher is not None:
                    checks.append(not_checked_after_seal("status"))
            return result
        disclosure_check = check_disclosures(parsed, result)
        checks.append(disclosure_check)
        checks.append(
            check_key_binding(
                parsed,
                nonce,
                audience,
                require_key_binding,
                now=self.now,
                clock_skew=self.clock_skew,
                max_kb_age=self.max_kb_age,
            )
        )
        if self.trust is not None:
            checks.append(self._check_issuer(parsed))
        if self.status_fetcher is not None:
            checks.append(await self._check_status(parsed))
        checks.append(self._check_validity(parsed))
        return result

    # -- individual checks -------------------------------------------------------------
    def _check_format(self, parsed: ParsedSdJwt) -> Check:
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
            return Check(
                "format",
                Outcome.FAILED,
                "This is not a well-formed SD-JWT VC: " + "; ".join(problems),
                {"problems": problems},
            )
        details = {"format": SD_JWT_VC_TYP, "vct": payload["vct"]}
        if is_micro_credential_vct(payload["vct"]):
            return Check(
                "format", Outcome.PASSED, "A well-formed SD-JWT VC: an EU micro-credential.", details
            )
        return Check("format", Outcome.PASSED, f"A well-formed SD-JWT VC of type {payload['vct']}.", details)

    async def _check_signature(self, parsed: ParsedSdJwt) -> Check:
        issuer = issuer_did(str(parsed.payload["iss"]))
        kid = parsed.header.get("kid")
        details: dict[str, Any] = {"alg": parsed.header.get("alg"), "kid": kid}
        if parsed.header.get("alg") != ISSUER_ALG:
            return Check("proof", Outcome.FAILED, f"The signature algorithm must be {ISSUER_ALG}.", details)
        if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
            return Check(
                "proof",
                Outcome.FAILED,
                "The JWS header's kid must be a DID URL of the issuer's key.",
                details,
            )
        if kid.split("#", 1)[0] != issuer:
            return Check(
                "proof",
                Outcome.FAILED,
                f"The signature key {kid} does not belong to the issuer {issuer}.",
                details,
            )
        try:
            doc = await self.resolver.resolve(issuer)
            method = find_verification_method(doc, kid, "assertionMethod")
            key = _p256_key_of_method(method)
        except (VCError, ValueError) as exc:
            return Check("proof", Outcome.FAILED, f"The issuer's key could not be found: {exc}", details)
        except Exception as exc:  # resolver network errors
            return Check("proof", Outcome.UNKNOWN, f"The issuer's DID could not be resolved: {exc}", details)
        try:
            jwt.api_jws.PyJWS().decode_complete(parsed.issuer_jwt, key=key, algorithms=[ISSUER_ALG])
        except jwt.PyJWTError:
            return Check(
                "proof",
                Outcome.FAILED,
                "The issuer's signature is not valid: the credential was changed or not signed by "
                "this issuer.",
                details,
            )
        return seal_passed(details)

    def _check_issuer(self, parsed: ParsedSdJwt) -> Check:
        issuer = issuer_did(str(parsed.payload["iss"]))
        assert self.trust is not None
        return trust_check(self.trust, issuer)

    async def _check_status(self, parsed: ParsedSdJwt) -> Check:
        status = parsed.payload.get("status")
        if status is None:
            return Check(
                "status",
                Outcome.PASSED,
                "The issuer publishes no revocation status for this credential.",
                {"status": "none"},
            )
        ref = status.get("status_list") if isinstance(status, Mapping) else None
        idx = _as_int(ref.get("idx")) if isinstance(ref, Mapping) else None
        uri = ref.get("uri") if isinstance(ref, Mapping) else None
        if idx is None or idx < 0 or not isinstance(uri, str):
            return Check(
                "status",
                Outcome.UNKNOWN,
                "The status could not be checked: the credential's status reference is malformed.",
            )
        assert self.status_fetcher is not None
        try:
            token = await self.status_fetcher(uri)
            header = jwt.get_unverified_header(token)
            kid = header.get("kid")
            issuer = issuer_did(str(parsed.payload["iss"]))
            if not isinstance(kid, str) or kid.split("#", 1)[0] != issuer:
                raise SdJwtError("the status list was not signed by the credential's issuer")
            doc = await self.resolver.resolve(issuer)
            key = _p256_key_of_method(find_verification_method(doc, kid, "assertionMethod"))
            value = read_status_list_token(token, key=key, uri=uri, index=idx, now=self.now())
        except Exception as exc:  # network errors, bad lists: the status is unknown, never "ok"
            return Check(
                "status",
                Outcome.UNKNOWN,
                "The status could not be checked, so it is unknown whether the credential was revoked: "
                f"{exc}",
            )
        if value == TokenStatus.INVALID:
            return Check(
                "status", Outcome.FAILED, "The issuer has revoked this credential.", {"status": "revoked"}
            )
        if value == TokenStatus.SUSPENDED:
            return Check(
                "status", Outcome.FAILED, "The issuer has suspended this credential.", {"status": "suspended"}
            )
        if value != TokenStatus.VALID:
            return Check(
                "status",
                Outcome.UNKNOWN,
                f"The issuer reports a status this verifier does not know ({value}).",
                {"status": "unknown"},
            )
        return Check(
            "status",
            Outcome.PASSED,
            "The issuer has not revoked or suspended this credential.",
            {"status": "ok"},
        )

    def _check_validity(self, parsed: ParsedSdJwt) -> Check:
        now = self.now()
        payload = parsed.payload
        nbf = _as_int(payload.get("nbf"))
        exp = _as_int(payload.get("exp"))
        iat = _as_int(payload.get("iat"))
        start = nbf if nbf is not None else iat
        if start is not None and datetime.fromtimestamp(start, UTC) - self.clock_skew > now:
            return Check(
                "validity",
                Outcome.FAILED,
                f"The credential is not valid yet (from {datetime.fromtimestamp(start, UTC):%Y-%m-%d %H:%M}"
                " UTC).",
            )
        if exp is not None:
            end = datetime.fromtimestamp(exp, UTC)
            if end + self.clock_skew < now:
                return Check(
                    "validity", Outcome.FAILED, f"The credential expired on {end:%Y-%m-%d %H:%M} UTC."
                )
            return Check(
                "validity", Outcome.PASSED, f"The credential is in date (valid until {end:%Y-%m-%d})."
            )
        return Check("validity", Outcome.PASSED, "The credential is in date (it does not expire).")
