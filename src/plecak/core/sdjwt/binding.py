"""What the holder presented: the disclosures match the digests the issuer signed, and the key-binding
JWT shows who sent it and for whom."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from plecak.core.verify.checks import error_check, failed, passed, problems_failed
from plecak.core.verify.credential import Check, Outcome

from .claims import _TECHNICAL, SELECTIVELY_DISCLOSABLE
from .common import _HOLDER_ALGS, KB_JWT_TYP, SdJwtError, _as_int, _digest, is_micro_credential_vct
from .keys import public_key_from_jwk
from .parse import ParsedSdJwt
from .result import SdJwtVerificationResult

__all__ = ["check_disclosures", "check_key_binding"]


def check_disclosures(parsed: ParsedSdJwt, result: SdJwtVerificationResult) -> Check:
    """Every disclosure matches a digest the issuer signed; fills in what was shared and what withheld."""
    # long: one recursive walk with the problems it collects; splitting it would scatter that state
    payload = parsed.payload
    by_digest = {d.digest: d for d in parsed.disclosures}
    used: set[str] = set()
    problems: list[str] = []

    def unpack(value: Any, depth: int) -> Any:
        if depth > 16:
            problems.append("the claims are nested too deeply")
            return None
        if isinstance(value, list):
            out = []
            for item in value:
                if isinstance(item, dict) and set(item) == {"..."}:
                    found = by_digest.get(str(item["..."]))
                    if found is not None:
                        if found.name is not None:
                            problems.append("an array disclosure has a claim name")
                        used.add(found.digest)
                        out.append(unpack(found.value, depth + 1))
                else:
                    out.append(unpack(item, depth + 1))
            return out
        if isinstance(value, dict):
            out_obj = {k: unpack(v, depth + 1) for k, v in value.items() if k not in ("_sd", "_sd_alg")}
            for digest in value.get("_sd") or []:
                found = by_digest.get(str(digest))
                if found is None:
                    continue
                if found.name is None:
                    problems.append("an object disclosure has no claim name")
                    continue
                if found.name in out_obj:
                    problems.append(f"the disclosed claim {found.name} is also in the clear")
                    continue
                used.add(found.digest)
                out_obj[found.name] = unpack(found.value, depth + 1)
            return out_obj
        return value

    if not isinstance(payload.get("_sd", []), list):
        problems.append("_sd is not an array")
    claims = unpack(payload, 0)
    stray = [d for d in parsed.disclosures if d.digest not in used]
    if stray:
        problems.append(
            f"{len(stray)} disclosure(s) match no digest the issuer signed "
            f"({', '.join(str(d.name) for d in stray)}): they were changed or added"
        )
    if problems:
        return problems_failed(
            "disclosures", "The shared fields do not match what the issuer signed", problems, "disclosures.mismatch"
        )
    result.disclosed = {k: v for k, v in claims.items() if k not in _TECHNICAL}
    digests = payload.get("_sd") or []
    result.hidden_count = max(0, len(digests) - sum(1 for d in parsed.disclosures if d.digest in digests))
    if result.hidden_count and is_micro_credential_vct(payload.get("vct")):
        result.undisclosed = [n for n in SELECTIVELY_DISCLOSABLE if n not in result.disclosed]
    shared = sorted(set(result.disclosed) & set(SELECTIVELY_DISCLOSABLE))
    message = (
        f"Every shared field matches what the issuer signed ({len(parsed.disclosures)} selectively "
        f"disclosed; {result.hidden_count} not shared by the holder)."
    )
    return passed(
        "disclosures.match",
        message,
        {"shared": shared, "notShared": result.undisclosed, "hiddenCount": result.hidden_count},
        disclosed=len(parsed.disclosures),
        hidden=result.hidden_count,
    )


def check_key_binding(
    parsed: ParsedSdJwt,
    nonce: str | None,
    audience: str | None,
    required: bool,
    *,
    now: Callable[[], datetime],
    clock_skew: timedelta,
    max_kb_age: timedelta,
) -> Check:
    """The key-binding JWT: the holder key of ``cnf``, ``sd_hash``, ``nonce``, ``aud`` and ``iat``."""
    # long: one early return per rule, each with its own message; read top to bottom like the spec
    cnf = parsed.payload.get("cnf")
    if parsed.key_binding_jwt is None:
        if required:
            return failed(
                "key_binding.missing",
                "The presentation has no key-binding JWT, so nothing shows that the holder sent it.",
            )
        return Check("key_binding", Outcome.WARNING, "No key binding was asked for or given.", code="key_binding.none")
    if not isinstance(cnf, Mapping):
        return failed("key_binding.no_holder_key", "The credential names no holder key (cnf) to check binding.")
    try:
        key = public_key_from_jwk(cnf.get("jwk"))
        header = jwt.get_unverified_header(parsed.key_binding_jwt)
    except (SdJwtError, jwt.PyJWTError) as exc:
        return error_check("key_binding", "The key binding cannot be checked", exc, "key_binding.unreadable")
    alg = "EdDSA" if isinstance(key, Ed25519PublicKey) else "ES256"
    if header.get("typ") != KB_JWT_TYP or header.get("alg") != alg or alg not in _HOLDER_ALGS:
        return failed(
            "key_binding.header",
            f'The key-binding JWT must have typ "{KB_JWT_TYP}" and alg {alg} (the holder key\'s).',
            typ=KB_JWT_TYP,
            alg=alg,
        )
    try:
        claims = jwt.decode(
            parsed.key_binding_jwt,
            key=key,
            algorithms=[alg],
            options={"verify_aud": False, "verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
    except jwt.PyJWTError:
        return failed(
            "key_binding.signature",
            "The key-binding signature is not valid: this was not sent by the holder of the credential.",
        )
    if claims.get("sd_hash") != _digest(parsed.presented_part):
        return failed(
            "key_binding.sd_hash",
            "The key-binding JWT does not cover these disclosures (sd_hash differs): fields were "
            "added or removed after the holder signed.",
        )
    if nonce is not None and claims.get("nonce") != nonce:
        return failed(
            "key_binding.nonce", "The key-binding JWT was made for another request (wrong nonce): it may be a replay."
        )
    if audience is not None and claims.get("aud") != audience:
        return failed(
            "key_binding.audience",
            f"The key-binding JWT was made for another verifier ({claims.get('aud')!r}).",
            audience=repr(claims.get("aud")),
        )
    iat = _as_int(claims.get("iat"))
    now_ = now()
    if iat is None:
        return failed("key_binding.no_iat", "The key-binding JWT has no iat.")
    made = datetime.fromtimestamp(iat, UTC)
    if made > now_ + clock_skew:
        return failed("key_binding.future", "The key-binding JWT was made in the future.")
    if nonce is not None and made < now_ - max_kb_age - clock_skew:
        return failed(
            "key_binding.stale",
            f"The key-binding JWT is stale (made {made:%Y-%m-%d %H:%M} UTC): ask for a fresh presentation.",
            made=f"{made:%Y-%m-%d %H:%M}",
        )
    if nonce is None:
        return passed(
            "key_binding.not_fresh",
            f"The holder of the credential signed this presentation (on {made:%Y-%m-%d %H:%M} UTC) for "
            f"{claims.get('aud')!r}; it does not answer a request of yours, so it may have been shown "
            "before.",
            {"aud": claims.get("aud"), "iat": iat, "fresh": False},
            made=f"{made:%Y-%m-%d %H:%M}",
            audience=repr(claims.get("aud")),
        )
    return passed(
        "key_binding.fresh",
        "The holder of the credential made this presentation for you, just now.",
        {"aud": claims.get("aud"), "iat": iat, "fresh": True},
    )
