"""Issuer role: an SD-JWT VC made from a flat claim set (the SD-JWT structure by the OpenWallet
Foundation library ``sd-jwt``, the JWS by jwcrypto)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from .claims import ALWAYS_DISCLOSED, SELECTIVELY_DISCLOSABLE
from .common import ISSUER_ALG, SD_JWT_VC_TYP, VCT_MICRO_CREDENTIAL, SdJwtError
from .keys import public_key_from_jwk

__all__ = ["issue_sd_jwt_vc"]


def issue_sd_jwt_vc(
    claims: Mapping[str, Any],
    *,
    issuer: str,
    kid: str,
    signing_key: ec.EllipticCurvePrivateKey,
    holder: Mapping[str, Any],
    status: Mapping[str, Any] | None = None,
    vct: str = VCT_MICRO_CREDENTIAL,
    iat: int | None = None,
    exp: int | None = None,
) -> str:
    """An SD-JWT VC (issuance form ``<jwt>~<disclosure>~…~``) for ``claims``, bound to ``holder``.

    ``holder`` is the holder's public JWK. Claims named in :data:`SELECTIVELY_DISCLOSABLE` become
    disclosures; any other claim not in :data:`ALWAYS_DISCLOSED` is refused, so nothing is
    published in the clear by accident.
    """
    from jwcrypto.jwk import JWK
    from sd_jwt.common import SDObj
    from sd_jwt.issuer import SDJWTIssuer

    if not isinstance(claims, Mapping):
        raise TypeError("claims must be a mapping")
    if not isinstance(signing_key, ec.EllipticCurvePrivateKey) or not isinstance(
        signing_key.curve, ec.SECP256R1
    ):
        raise TypeError("the issuer's signing key must be a P-256 private key")
    public_key_from_jwk(holder)  # validates the holder JWK
    unknown = sorted(set(claims) - set(ALWAYS_DISCLOSED) - set(SELECTIVELY_DISCLOSABLE))
    if unknown:
        raise SdJwtError(f"claims with no disclosure rule: {', '.join(unknown)}")
    reserved = sorted({"iss", "iat", "vct", "cnf", "status", "exp"} & set(claims))
    if reserved:
        raise SdJwtError(f"set registered claims through the arguments, not claims: {', '.join(reserved)}")
    user_claims: dict[Any, Any] = {
        "iss": issuer,
        "iat": int(time.time()) if iat is None else iat,
        "vct": vct,
    }
    if exp is not None:
        user_claims["exp"] = exp
    if status is not None:
        user_claims["status"] = dict(status)
    for name, value in claims.items():
        user_claims[SDObj(name) if name in SELECTIVELY_DISCLOSABLE else name] = value
    made = SDJWTIssuer(
        user_claims,
        JWK.from_pyca(signing_key),
        holder_key=JWK(**dict(holder)),
        sign_alg=ISSUER_ALG,
        extra_header_parameters={"typ": SD_JWT_VC_TYP, "kid": kid},
    )
    result: str = made.sd_jwt_issuance
    return result
