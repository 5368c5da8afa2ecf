"""The one JWK reader shared by the OpenID4VCI key proofs and SD-JWT (plecak.core.crypto.jwk)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from plecak.core.crypto.jwk import public_key_of_jwk
from plecak.core.encoding import b64url_encode
from plecak.core.oid4vci.keyproof import KeyProofError, _key_from_jwk, public_jwk
from plecak.core.sdjwt.common import SdJwtError
from plecak.core.sdjwt.keys import public_key_from_jwk


def test_ed25519_and_p256_jwks_give_the_same_public_keys_back() -> None:
    ed = Ed25519PrivateKey.generate().public_key()
    p256 = ec.generate_private_key(ec.SECP256R1()).public_key()
    read_ed = public_key_of_jwk(public_jwk(ed))
    read_p256 = public_key_of_jwk(public_jwk(p256))
    assert isinstance(read_ed, Ed25519PublicKey)
    assert read_ed.public_bytes_raw() == ed.public_bytes_raw()
    assert isinstance(read_p256, ec.EllipticCurvePublicKey)
    assert read_p256.public_numbers() == p256.public_numbers()


@pytest.mark.parametrize(
    ("jwk", "says"),
    [
        ({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(bytes(31))}, "x is not 32 bytes"),
        ({"kty": "EC", "crv": "P-256", "x": b64url_encode(bytes(32)), "y": "a"}, "not base64url"),
        ({"kty": "EC", "crv": "P-256", "x": b64url_encode(bytes(32)), "y": b64url_encode(bytes(32))}, "not a point"),
        ({"kty": "RSA", "n": "AQAB", "e": "AQAB"}, "only Ed25519"),
        ({"kty": "oct", "k": "c2VjcmV0"}, "private key material"),
    ],
)
def test_a_jwk_that_is_no_usable_public_key_is_refused_saying_why(jwk: dict[str, str], says: str) -> None:
    with pytest.raises(ValueError, match=says):
        public_key_of_jwk(jwk)


def test_key_proofs_and_sd_jwt_raise_their_own_error_with_the_shared_reason() -> None:
    private = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(bytes(32)), "d": b64url_encode(bytes(32))}
    with pytest.raises(SdJwtError, match="private key material"):
        public_key_from_jwk(private)
    with pytest.raises(KeyProofError, match="private key material"):
        _key_from_jwk(private)
