"""IETF Token Status List: bit order against W3C bitmaps, signing, reading, the SD-JWT status check."""

from __future__ import annotations

import base64
import zlib
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.errors import StatusListError
from plecak.core.sdjwt import SdJwtVerifier, present
from plecak.core.status.token import (
    TokenStatus,
    pack_statuses,
    read_status_list_token,
    sign_status_list_token,
    status_at,
)
from plecak.core.verify.credential import Outcome
from support.sdjwt import ISSUER_DID, KID, VERIFIER, Issuer

URI = "https://uni.example/status-lists/token/1"
NOW = datetime.now(UTC)


def _w3c(*indices: int, length: int = 64) -> bytes:
    out = bytearray(length // 8)
    for i in indices:
        out[i // 8] |= 0x80 >> (i % 8)  # W3C / Redis SETBIT: index 0 is the most significant bit
    return bytes(out)


def test_pack_statuses_puts_index_zero_in_the_least_significant_bits() -> None:
    # known answer: revoked 0 and 5, suspended 5 (revocation wins) and 6, in a 2-bit list
    packed = pack_statuses(_w3c(0, 5), _w3c(5, 6), 64)
    assert packed[0] == 0b0000_0001  # index 0 = 1 (invalid) in bits 0-1
    assert packed[1] == 0b0010_0100  # index 5 = 1 in bits 2-3, index 6 = 2 (suspended) in bits 4-5
    assert [status_at(packed, 2, i) for i in range(8)] == [1, 0, 0, 0, 0, 1, 2, 0]


def test_status_at_reads_one_bit_lists_lsb_first() -> None:
    # the example of the IETF draft: statuses 1,0,0,1,1,1,0,1 → byte 0xB9
    assert [status_at(bytes([0xB9]), 1, i) for i in range(8)] == [1, 0, 0, 1, 1, 1, 0, 1]


def test_pack_statuses_refuses_a_bit_beyond_the_list() -> None:
    with pytest.raises(StatusListError):
        pack_statuses(_w3c(70, length=72), b"", 64)


def _token(key: ec.EllipticCurvePrivateKey, lst: bytes, **kwargs: object) -> str:
    options: dict[str, object] = {
        "bits": 2,
        "uri": URI,
        "issuer": ISSUER_DID,
        "kid": KID,
        "key": key,
        "now": NOW,
    }
    options.update(kwargs)
    return sign_status_list_token(lst, **options)  # type: ignore[arg-type]


def test_status_list_token_round_trip_and_claims() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    token = _token(key, pack_statuses(_w3c(3), _w3c(4), 64))
    assert jwt.get_unverified_header(token)["typ"] == "statuslist+jwt"
    claims = jwt.decode(token, key.public_key(), algorithms=["ES256"])
    assert claims["sub"] == URI
    assert claims["status_list"]["bits"] == 2
    raw = zlib.decompress(base64.urlsafe_b64decode(claims["status_list"]["lst"] + "=="))
    assert len(raw) == 16
    read = [read_status_list_token(token, key=key.public_key(), uri=URI, index=i) for i in (2, 3, 4)]
    assert read == [TokenStatus.VALID, TokenStatus.INVALID, TokenStatus.SUSPENDED]


def test_read_status_list_token_refuses_other_key_other_uri_and_expired() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    token = _token(key, bytes(16))
    with pytest.raises(StatusListError, match="does not verify"):
        read_status_list_token(
            token, key=ec.generate_private_key(ec.SECP256R1()).public_key(), uri=URI, index=0
        )
    with pytest.raises(StatusListError, match="another list"):
        read_status_list_token(token, key=key.public_key(), uri=URI + "0", index=0)
    old = _token(key, bytes(16), now=NOW - timedelta(days=3))
    with pytest.raises(StatusListError, match="expired"):
        read_status_list_token(old, key=key.public_key(), uri=URI, index=0)
    with pytest.raises(StatusListError, match="outside"):
        read_status_list_token(token, key=key.public_key(), uri=URI, index=64)


@pytest.mark.parametrize(
    ("revoked", "suspended", "outcome", "status"),
    [
        ((), (), Outcome.PASSED, "ok"),
        ((7,), (), Outcome.FAILED, "revoked"),
        ((), (7,), Outcome.FAILED, "suspended"),
        ((7,), (7,), Outcome.FAILED, "revoked"),
    ],
)
async def test_sd_jwt_verifier_reads_the_token_status_list(
    revoked: tuple[int, ...], suspended: tuple[int, ...], outcome: Outcome, status: str
) -> None:
    issuer = Issuer()
    holder = Ed25519KeyPair.generate()
    token = _token(issuer.key, pack_statuses(_w3c(*revoked), _w3c(*suspended), 64))

    async def fetch(uri: str) -> str:
        assert uri == URI
        return token

    issued = issuer.issue(holder, status={"status_list": {"idx": 7, "uri": URI}})
    presentation = present(issued, ["name"], holder_key=holder, nonce="n", audience=VERIFIER)
    result = await SdJwtVerifier(issuer.resolver(), status_fetcher=fetch).verify(
        presentation, nonce="n", audience=VERIFIER
    )
    check = result.check("status")
    assert check is not None
    assert check.outcome is outcome
    assert check.details["status"] == status
    assert result.verified is (outcome is Outcome.PASSED)


async def test_sd_jwt_status_is_unknown_never_ok_when_the_list_cannot_be_trusted() -> None:
    issuer = Issuer()
    holder = Ed25519KeyPair.generate()
    forged = _token(ec.generate_private_key(ec.SECP256R1()), bytes(16))  # valid-looking list, wrong key

    async def fetch_forged(uri: str) -> str:
        return forged

    async def fetch_down(uri: str) -> str:
        raise OSError("connection refused")

    issued = issuer.issue(holder, status={"status_list": {"idx": 1, "uri": URI}})
    presentation = present(issued, [], holder_key=holder, nonce="n", audience=VERIFIER)
    for fetch in (fetch_forged, fetch_down):
        result = await SdJwtVerifier(issuer.resolver(), status_fetcher=fetch).verify(
            presentation, nonce="n", audience=VERIFIER
        )
        check = result.check("status")
        assert check is not None
        assert check.outcome is Outcome.UNKNOWN
        assert not result.verified
        assert result.verdict == "warnings"
