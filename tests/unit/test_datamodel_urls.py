"""plecak.core.model.datamodel.is_url: the same answer for short (remembered) and long values."""

from __future__ import annotations

import pytest

from plecak.core.model.datamodel import is_url


@pytest.mark.parametrize("pad", [0, 400], ids=["short", "long"])
def test_is_url_accepts_absolute_iris_and_refuses_the_rest(pad: int) -> None:
    tail = "a" * pad
    for good in (f"https://example.org/{tail}", f"urn:uuid:{tail}x", f"did:key:z6Mk{tail}"):
        assert is_url(good)
        assert is_url(good)
    for bad in (
        f"https://example.org/ {tail}",
        f"https://example.org/\u00a0{tail}",  # a non-breaking space is whitespace too
        f"relative/{tail}",
        f"1http://x/{tail}",
        f"ht_tp://x/{tail}",
        "urn:",  # nothing after the colon
        f":{tail}",
        "",
    ):
        assert not is_url(bad), bad
        assert not is_url(bad), bad
    assert not is_url(None)
    assert not is_url(42)
