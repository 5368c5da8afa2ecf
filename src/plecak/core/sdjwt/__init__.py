"""SD-JWT VC (``dc+sd-jwt``): EU micro-credentials with selective disclosure and key binding.

Three roles, one package (``issue``, ``present``, ``verify``; ``claims``, ``keys``, ``parse`` and
``common`` are shared by them):

* **issuer** (``issue``): :func:`issue_sd_jwt_vc` turns a flat claim set (see :func:`micro_credential_claims`)
  into an SD-JWT signed with ES256 (P-256). The SD-JWT structure (salted disclosures, ``_sd``
  digests, ``cnf``) is made by the OpenWallet Foundation reference library ``sd-jwt``; the JWS
  by its JOSE library jwcrypto.
* **holder** (``present``): :func:`present` keeps only the disclosures the learner chose and appends a
  key-binding JWT (``kb+jwt``: ``nonce``, ``aud``, ``iat``, ``sd_hash``) signed with the holder
  key named in ``cnf.jwk`` (Ed25519/EdDSA for our wallet; P-256/ES256 accepted too).
* **verifier** (``verify``): :class:`SdJwtVerifier` checks format, the issuer's signature (``kid`` is a DID
  URL resolved like any DID), every disclosure's digest, the key binding, the status (IETF
  Token Status List) and the validity period, and returns a :class:`SdJwtVerificationResult`:
  the usual list of checks plus the disclosed claims and the names of the claims the holder
  did not share. It never raises for a bad presentation. JWS verification uses pyjwt, so the
  issuing and verifying sides run on two independent JOSE stacks.

Which claims are always disclosed and which may be withheld is fixed per ``vct``:
:data:`ALWAYS_DISCLOSED` and :data:`SELECTIVELY_DISCLOSABLE` (docs/sd-jwt-vc.md explains why).
"""

from __future__ import annotations

from .claims import ALWAYS_DISCLOSED, CLAIM_LABELS, SELECTIVELY_DISCLOSABLE, micro_credential_claims, open_badges_form
from .common import (
    HOLDER_ALGS,
    ISSUER_ALG,
    KB_JWT_TYP,
    SD_JWT_VC_TYP,
    VCT_HOSTED_PATH,
    VCT_MICRO_CREDENTIAL,
    SdJwtError,
    is_micro_credential_vct,
)
from .issue import issue_sd_jwt_vc
from .keys import ec_public_jwk, holder_jwk, public_key_from_jwk
from .parse import ENVELOPED_PREFIX, Disclosure, ParsedSdJwt, envelope, looks_like_sd_jwt, parse_sd_jwt, sd_jwt_of
from .present import present
from .verify import SdJwtVerificationResult, SdJwtVerifier, StatusTokenFetcher, issuer_did

__all__ = [
    "ALWAYS_DISCLOSED",
    "CLAIM_LABELS",
    "ENVELOPED_PREFIX",
    "HOLDER_ALGS",
    "ISSUER_ALG",
    "KB_JWT_TYP",
    "SD_JWT_VC_TYP",
    "SELECTIVELY_DISCLOSABLE",
    "VCT_HOSTED_PATH",
    "VCT_MICRO_CREDENTIAL",
    "Disclosure",
    "ParsedSdJwt",
    "SdJwtError",
    "SdJwtVerificationResult",
    "SdJwtVerifier",
    "StatusTokenFetcher",
    "ec_public_jwk",
    "envelope",
    "holder_jwk",
    "is_micro_credential_vct",
    "issue_sd_jwt_vc",
    "issuer_did",
    "looks_like_sd_jwt",
    "micro_credential_claims",
    "open_badges_form",
    "parse_sd_jwt",
    "present",
    "public_key_from_jwk",
    "sd_jwt_of",
]
