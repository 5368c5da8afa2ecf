"""plecak.core.safejson.loads: JSON from outside, with what the rest of the code cannot handle refused."""

from __future__ import annotations

import pytest

from plecak.core import safejson
from plecak.core.safejson import MAX_NUMBER_LENGTH, UnsafeJson


def test_ordinary_json_is_parsed_like_json_loads() -> None:
    text = '{"a": [1, -2.5, 1e3, true, null, "zażółć \\ud83d\\ude00"], "b": {"c": "x"}}'
    assert safejson.loads(text) == {"a": [1, -2.5, 1000.0, True, None, "zażółć 😀"], "b": {"c": "x"}}
    assert safejson.loads(b"\xef\xbb\xbf[1]") == [1]  # a UTF-8 byte order mark is allowed


def test_numbers_up_to_the_limit_are_accepted_and_longer_ones_refused() -> None:
    assert safejson.loads("9" * MAX_NUMBER_LENGTH) == int("9" * MAX_NUMBER_LENGTH)
    with pytest.raises(UnsafeJson, match="more than 64 characters"):
        safejson.loads("9" * (MAX_NUMBER_LENGTH + 1))
    with pytest.raises(UnsafeJson, match="more than 64 characters"):
        safejson.loads('{"n": ' + "9" * 5000 + "}")  # Python's int-to-str limit is 4,300 digits
    with pytest.raises(UnsafeJson, match="more than 64 characters"):
        safejson.loads("[0." + "1" * 5000 + "]")


@pytest.mark.parametrize("text", ["1e999", "[-1e400]", '{"a": NaN}', "Infinity", "[-Infinity]"])
def test_non_finite_numbers_are_refused(text: str) -> None:
    with pytest.raises(UnsafeJson):
        safejson.loads(text)


@pytest.mark.parametrize(
    "text", ['"\\ud800"', '["ok", "a\\udfffb"]', '{"\\ud800": 1}', '{"a": {"b": ["\\udc00"]}}']
)
def test_lone_surrogates_are_refused_wherever_they_are(text: str) -> None:
    with pytest.raises(UnsafeJson, match="lone surrogate"):
        safejson.loads(text)


def test_nesting_is_limited_and_deep_documents_do_not_exhaust_the_stack() -> None:
    assert safejson.loads("[" * 64 + "]" * 64, max_depth=64)
    with pytest.raises(UnsafeJson, match="nest more than 64 deep"):
        safejson.loads("[" * 65 + "]" * 65, max_depth=64)
    with pytest.raises(UnsafeJson, match="nest more than 64 deep"):
        safejson.loads("[" * 10_000 + "]" * 10_000)
    with pytest.raises(UnsafeJson, match="nest more than 64 deep"):
        safejson.loads('{"a":' * 10_000 + "1" + "}" * 10_000)


@pytest.mark.parametrize("data", [b"", b"  ", b'{"a": "\xff"}', '{"a": }', "[1] 2"])
def test_empty_invalid_utf8_and_malformed_text_are_refused(data: str | bytes) -> None:
    with pytest.raises(UnsafeJson):
        safejson.loads(data)


def test_a_syntax_error_says_where() -> None:
    with pytest.raises(UnsafeJson) as caught:
        safejson.loads('{\n  "a": }')
    assert (caught.value.line, caught.value.column) == (2, 8)


def test_only_text_is_parsed() -> None:
    with pytest.raises(TypeError):
        safejson.loads(12)  # type: ignore[arg-type]
