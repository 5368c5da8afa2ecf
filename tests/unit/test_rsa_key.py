"""The issuer's RSA key (RS256 vc+jwt): sizes, the sealed form, the public JWK and its thumbprint."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from plecak.core.crypto.keys import RsaKeyPair
from plecak.core.encoding import b64url_decode
from plecak.core.errors import KeyFormatError

# RFC 7638 section 3.1: this public key has the thumbprint below
RFC7638_N = (
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRX"
    "jBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqz"
    "s8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-"
    "G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
)


def test_thumbprint_is_the_rfc_7638_one() -> None:
    n = int.from_bytes(b64url_decode(RFC7638_N), "big")
    pair = RsaKeyPair(rsa.RSAPublicNumbers(65537, n).public_key())
    assert pair.public_jwk() == {"kty": "RSA", "n": RFC7638_N, "e": "AQAB"}
    assert pair.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_secret_round_trips_and_public_only_keys_have_none() -> None:
    pair = RsaKeyPair.generate(2048)
    again = RsaKeyPair.from_secret_bytes(pair.secret_bytes)
    assert again.thumbprint == pair.thumbprint
    assert again.public_key.key_size == 2048
    with pytest.raises(KeyFormatError):
        _ = RsaKeyPair(pair.public_key).secret_bytes


def test_small_keys_and_other_secrets_are_refused() -> None:
    with pytest.raises(KeyFormatError):
        RsaKeyPair.generate(1024)
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    from cryptography.hazmat.primitives import serialization

    der = small.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(KeyFormatError):
        RsaKeyPair.from_secret_bytes(der)
    with pytest.raises(KeyFormatError):
        RsaKeyPair.from_secret_bytes(b"not a key")
