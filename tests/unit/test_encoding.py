"""The one base64url helper: unpadded output, strict input (pyca rule: TypeError / ValueError)."""

from __future__ import annotations

import base64
import os

import pytest

from plecak.core.encoding import b64url_decode, b64url_encode


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 31, 32, 33])
def test_round_trip_without_padding(size: int) -> None:
    data = os.urandom(size)
    text = b64url_encode(data)
    assert "=" not in text
    assert text == base64.urlsafe_b64encode(data).decode().rstrip("=")
    assert b64url_decode(text) == data


def test_known_answer_rfc7515_example() -> None:
    # RFC 7515 appendix C: the bytes 3, 236, 255, 224, 193 encode as "A-z_4ME"
    assert b64url_encode(bytes([3, 236, 255, 224, 193])) == "A-z_4ME"
    assert b64url_decode("A-z_4ME") == bytes([3, 236, 255, 224, 193])


@pytest.mark.parametrize("text", ["A-z_4ME=", "A+z/4ME", "A-z 4ME", "A-z_4ME\n", "abcde", "é"])
def test_decode_refuses_padding_other_alphabets_space_and_impossible_lengths(text: str) -> None:
    with pytest.raises(ValueError, match="not base64url"):
        b64url_decode(text)


def test_decode_refuses_non_strings_with_type_error() -> None:
    with pytest.raises(TypeError):
        b64url_decode(b"QUJD")  # type: ignore[arg-type]
