"""Bitstring Status List v1.0: bit order, encoding, known answers from the spec and its test suite."""

from __future__ import annotations

import base64
import gzip
import io
import json
import sys
import zlib
from datetime import UTC, datetime
from typing import Any

import pytest

from plecak.core.errors import StatusListError
from plecak.core.status.bitstring import (
    MIN_LIST_LENGTH,
    Bitstring,
    StatusEntry,
    parse_status_entry,
    read_status,
    read_status_value,
    status_list_credential,
)

LIST_URL = "https://issuer.example/status-lists/revocation-1"
ISSUER = "did:web:issuer.example"

# The encodedList of the examples in W3C Bitstring Status List v1.0 (w3c/vc-bitstring-status-list
# index.html): a 16 KiB list with every bit clear.
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"

# From w3c/vc-bitstring-status-list-test-suite, fixtures/status-credentials/*-ok.jsonld (no "u"
# prefix, as StatusList2021-era tools write it): 200,000 bits, 201, 57444 and 94023 set.
SUITE_LIST = (
    "H4sIACbOo2YC_-3QMREAMAgEsGerLPyrQgFjB-4SCUkWHQAAAAAAAOCwpwAAAADgrFIAAAAAAAAAAAAAAAAA3wxvOeOvqGEAAA"
)
SUITE_SET_BITS = (201, 57444, 94023)
# ... fixtures/status-credentials/short-encoded-list-fail.jsonld: 200 bits, below the minimum.
SUITE_SHORT_LIST = "H4sIAN7Lo2YC_2NgwAEAjw7P6RkAAAA"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def entry_json(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": LIST_URL + "#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


def list_vc(bits: Bitstring, purpose: Any = "revocation", **changes: Any) -> dict[str, Any]:
    vc = status_list_credential(
        list_url=LIST_URL,
        issuer=ISSUER,
        purpose="revocation",
        bitstring=bits,
        valid_from="2025-01-01T00:00:00Z",
    )
    vc["credentialSubject"]["statusPurpose"] = purpose
    vc.update(changes)
    return vc


# --- Bitstring ------------------------------------------------------------------------------


def test_new_list_is_16_kib_of_zeros() -> None:
    bits = Bitstring()
    assert len(bits) == MIN_LIST_LENGTH == 131072
    assert bits.to_bytes() == bytes(16384)
    assert bits.count() == 0


def test_bit_order_is_msb_first_like_redis_setbit() -> None:
    bits = Bitstring()
    bits.set(0, True)
    assert bits.to_bytes()[0] == 0x80
    bits.set(0, False)
    bits.set(7, True)
    assert bits.to_bytes()[0] == 0x01
    bits.set(8, True)
    assert bits.to_bytes()[:2] == b"\x01\x80"
    bits.set(MIN_LIST_LENGTH - 1, True)
    assert bits.to_bytes()[-1] == 0x01
    assert [i for i in (0, 7, 8, 9, MIN_LIST_LENGTH - 1) if bits.get(i)] == [7, 8, MIN_LIST_LENGTH - 1]


def test_set_and_clear_do_not_touch_neighbours() -> None:
    bits = Bitstring()
    for i in range(16):
        bits.set(i, True)
    bits.set(5, False)
    assert bits.to_bytes()[:2] == bytes([0b11111011, 0xFF])
    bits.set(5, False)
    assert bits.count() == 15


def test_round_trip_through_encoding() -> None:
    bits = Bitstring()
    for i in (0, 1, 3, 1000, 94567, MIN_LIST_LENGTH - 1):
        bits.set(i, True)
    encoded = bits.encode()
    assert encoded.startswith("u")
    assert "=" not in encoded
    assert "+" not in encoded
    assert "/" not in encoded
    decoded = Bitstring.decode(encoded)
    assert decoded == bits
    assert [i for i in range(len(decoded)) if decoded.get(i)] == [0, 1, 3, 1000, 94567, MIN_LIST_LENGTH - 1]


def test_encoded_value_is_gzip_of_the_bytes() -> None:
    bits = Bitstring()
    bits.set(12345, True)
    raw = gzip.decompress(base64.urlsafe_b64decode(bits.encode()[1:] + "=="))
    assert raw == bits.to_bytes()


def test_spec_example_is_16_kib_of_zeros() -> None:
    bits = Bitstring.decode(SPEC_EMPTY_LIST)
    assert len(bits) == 131072
    assert bits.to_bytes() == bytes(16384)
    assert Bitstring.decode(SPEC_EMPTY_LIST[1:]) == bits  # StatusList2021 style, no multibase prefix


@pytest.mark.skipif(
    "ng" in zlib.ZLIB_RUNTIME_VERSION or sys.platform == "win32",
    reason="zlib-ng and non-Unix zlib builds compress to different (equally valid) bytes",
)
def test_empty_list_encodes_exactly_like_the_spec_example() -> None:
    assert Bitstring().encode() == SPEC_EMPTY_LIST


def test_all_zero_list_encodes_to_a_value_decoding_to_zeros() -> None:
    encoded = Bitstring().encode()
    assert len(encoded) < 100
    assert Bitstring.decode(encoded).to_bytes() == bytes(16384)


def test_test_suite_list_known_answer() -> None:
    bits = Bitstring.decode(SUITE_LIST)
    assert len(bits) == 200000
    assert [i for i in range(len(bits)) if bits.get(i)] == list(SUITE_SET_BITS)


def test_decodes_output_of_another_gzip_implementation() -> None:
    raw = bytearray(16384)
    raw[0] = 0x80  # index 0
    raw[100] = 0x01  # index 807
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31, 9, zlib.Z_FILTERED)
    foreign = compressor.compress(bytes(raw)) + compressor.flush()
    bits = Bitstring.decode("u" + b64url(foreign))
    assert bits.get(0)
    assert bits.get(807)
    assert not bits.get(1)
    assert bits.count() == 2
    # Python's gzip module (a non-zero mtime and a file name in the header) and padded base64.
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="list.bin", mode="wb", fileobj=buffer, mtime=1_700_000_000) as out:
        out.write(bytes(raw))
    named = buffer.getvalue()
    assert b"list.bin" in named
    assert Bitstring.decode(base64.urlsafe_b64encode(named).decode()) == bits


def test_decodes_concatenated_gzip_members() -> None:
    first = gzip.compress(bytes(8192))
    second = gzip.compress(b"\x80" + bytes(8191))
    bits = Bitstring.decode("u" + b64url(first + second))
    assert len(bits) == MIN_LIST_LENGTH
    assert bits.count() == 1
    assert bits.get(65536)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "u",
        "u!!!!",
        "uAAAA",  # base64 of zero bytes, not gzip
        "u" + b64url(b"not gzip at all"),
        "u" + b64url(zlib.compress(bytes(16384))),  # zlib, not gzip framing
        "u" + b64url(gzip.compress(bytes(16384), mtime=0)[:-20]),  # truncated
        "u" + b64url(gzip.compress(b"", mtime=0)),  # empty list
        "zABC",  # base58btc multibase
        "u" + b64url(gzip.compress(bytes(16384), mtime=0)) + "A",  # impossible base64 length
    ],
)
def test_garbage_is_rejected(garbage: str) -> None:
    with pytest.raises(StatusListError):
        Bitstring.decode(garbage)


def test_gzip_bomb_is_rejected() -> None:
    bomb = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    with pytest.raises(StatusListError, match="more than"):
        Bitstring.decode("u" + b64url(bomb))
    small_cap = gzip.compress(bytes(4096))
    with pytest.raises(StatusListError, match="more than"):
        Bitstring.decode("u" + b64url(small_cap), max_bytes=1024)


def test_length_rules() -> None:
    with pytest.raises(StatusListError, match="at least"):
        Bitstring(1024)
    with pytest.raises(StatusListError, match="multiple of 8"):
        Bitstring(MIN_LIST_LENGTH + 1)
    with pytest.raises(StatusListError):
        Bitstring(0, allow_short=True)
    with pytest.raises(TypeError):
        Bitstring("131072")  # type: ignore[arg-type]
    assert len(Bitstring(16, allow_short=True)) == 16


def test_index_rules() -> None:
    bits = Bitstring()
    with pytest.raises(StatusListError, match="outside"):
        bits.get(MIN_LIST_LENGTH)
    with pytest.raises(StatusListError, match="outside"):
        bits.set(-1, True)
    with pytest.raises(TypeError):
        bits.get("3")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bits.set(3, 1)  # type: ignore[arg-type]


def test_from_bytes_pads_a_short_redis_value() -> None:
    bits = Bitstring.from_bytes(b"\x00\x10", length=MIN_LIST_LENGTH)  # Redis SETBIT key 11 1
    assert len(bits) == MIN_LIST_LENGTH
    assert bits.get(11)
    assert bits.count() == 1
    assert Bitstring.from_bytes(b"", length=MIN_LIST_LENGTH) == Bitstring()
    with pytest.raises(StatusListError, match="do not fit"):
        Bitstring.from_bytes(bytes(16385), length=MIN_LIST_LENGTH)
    with pytest.raises(StatusListError, match="at least"):
        Bitstring.from_bytes(bytes(10))
    with pytest.raises(TypeError):
        Bitstring.from_bytes("00")  # type: ignore[arg-type]


def test_million_entry_list() -> None:
    bits = Bitstring(1_000_000)
    for i in range(0, 1_000_000, 9973):
        bits.set(i, True)
    bits.set(999_999, True)
    decoded = Bitstring.decode(bits.encode())
    assert len(decoded) == 1_000_000
    assert decoded.count() == bits.count() == len(range(0, 1_000_000, 9973)) + 1
    assert decoded.get(999_999)
    assert decoded.get(9973 * 50)
    assert not decoded.get(9973 * 50 + 1)
    entry = parse_status_entry(entry_json(statusListIndex="999999"))
    vc = status_list_credential(
        list_url=LIST_URL,
        issuer=ISSUER,
        purpose="revocation",
        bitstring=bits,
        valid_from="2025-01-01T00:00:00Z",
    )
    assert read_status(vc, entry) is True


# --- entries --------------------------------------------------------------------------------


def test_parse_bitstring_entry() -> None:
    entry = parse_status_entry(entry_json())
    assert entry == StatusEntry("BitstringStatusListEntry", "revocation", 94567, LIST_URL, 1)


def test_parse_status_list_2021_entry() -> None:
    entry = parse_status_entry(entry_json(type="StatusList2021Entry", statusPurpose="suspension"))
    assert entry.type == "StatusList2021Entry"
    assert entry.status_purpose == "suspension"


def test_parse_entry_with_status_size() -> None:
    assert parse_status_entry(entry_json(statusPurpose="message", statusSize=2)).status_size == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"statusListIndex": "-1"}, "statusListIndex"),
        ({"statusListIndex": "abc"}, "statusListIndex"),
        ({"statusListIndex": "1.5"}, "statusListIndex"),
        ({"statusListIndex": ""}, "statusListIndex"),
        ({"statusListIndex": "٣"}, "statusListIndex"),  # a non-ASCII digit
        ({"statusListIndex": 5}, "statusListIndex"),  # a number, not a string
        ({"statusListIndex": None}, "statusListIndex"),
        ({"statusListCredential": None}, "statusListCredential"),
        ({"statusListCredential": "not a url"}, "statusListCredential"),
        ({"statusListCredential": 42}, "statusListCredential"),
        ({"statusPurpose": "deletion"}, "statusPurpose"),
        ({"statusPurpose": None}, "statusPurpose"),
        ({"type": "RevocationList2020Status"}, "type"),
        ({"statusSize": 0}, "statusSize"),
        ({"statusSize": True}, "statusSize"),
    ],
)
def test_malformed_entries_name_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(StatusListError, match=field):
        parse_status_entry(entry_json(**changes))


def test_entry_must_be_an_object() -> None:
    with pytest.raises(TypeError):
        parse_status_entry(["not", "a", "map"])  # type: ignore[arg-type]


# --- list credentials -----------------------------------------------------------------------


def test_status_list_credential_shape() -> None:
    bits = Bitstring()
    bits.set(42, True)
    vc = status_list_credential(
        list_url=LIST_URL,
        issuer={"id": ISSUER, "name": "Example University"},
        purpose="suspension",
        bitstring=bits,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        valid_until="2025-01-02T00:00:00Z",
        ttl_ms=300_000,
    )
    assert vc == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": ISSUER, "name": "Example University"},
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": "2025-01-02T00:00:00Z",
        "credentialSubject": {
            "id": LIST_URL + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "suspension",
            "encodedList": bits.encode(),
            "ttl": 300_000,
        },
    }


def test_status_list_credential_rejects_bad_arguments() -> None:
    common: dict[str, Any] = {
        "list_url": LIST_URL,
        "issuer": ISSUER,
        "purpose": "revocation",
        "valid_from": "2025-01-01T00:00:00Z",
    }
    with pytest.raises(StatusListError):
        status_list_credential(**{**common, "purpose": "deletion"}, bitstring=Bitstring())
    with pytest.raises(StatusListError):
        status_list_credential(**common, bitstring=Bitstring(64, allow_short=True))
    with pytest.raises(StatusListError):
        status_list_credential(**{**common, "valid_from": "yesterday"}, bitstring=Bitstring())
    with pytest.raises(StatusListError):
        status_list_credential(**{**common, "issuer": {"name": "no id"}}, bitstring=Bitstring())
    with pytest.raises(TypeError):
        status_list_credential(**common, bitstring=b"\x00" * 16384)  # type: ignore[arg-type]


def test_read_status_of_own_list() -> None:
    bits = Bitstring()
    bits.set(94567, True)
    vc = list_vc(bits)
    assert read_status(vc, parse_status_entry(entry_json())) is True
    assert read_status(vc, parse_status_entry(entry_json(statusListIndex="94566"))) is False


def test_read_status_of_test_suite_lists() -> None:
    multi = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "credentialSubject": {
            "type": "BitstringStatusList",
            "statusPurpose": ["revocation", "suspension"],
            "encodedList": SUITE_LIST,
        },
    }
    for purpose in ("revocation", "suspension"):
        assert read_status(
            multi, parse_status_entry(entry_json(statusPurpose=purpose, statusListIndex="201"))
        )
        assert not read_status(
            multi, parse_status_entry(entry_json(statusPurpose=purpose, statusListIndex="1"))
        )
    short = json.loads(json.dumps(multi).replace(SUITE_LIST, SUITE_SHORT_LIST))
    with pytest.raises(StatusListError, match="fewer than the minimum"):
        read_status(short, parse_status_entry(entry_json(statusListIndex="1")))
    assert read_status(short, parse_status_entry(entry_json(statusListIndex="1")), min_entries=200) is False


def test_read_status_of_status_list_2021() -> None:
    bits = Bitstring()
    bits.set(7, True)
    legacy = {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": ISSUER,
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": LIST_URL + "#list",
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": bits.encode()[1:],
        },
    }
    entry = parse_status_entry(entry_json(type="StatusList2021Entry", statusListIndex="7"))
    assert read_status(legacy, entry) is True


def test_purpose_mismatch() -> None:
    vc = list_vc(Bitstring(), purpose="suspension")
    with pytest.raises(StatusListError, match="does not match"):
        read_status(vc, parse_status_entry(entry_json(statusPurpose="revocation")))


def test_index_outside_the_list() -> None:
    vc = list_vc(Bitstring())
    with pytest.raises(StatusListError, match="outside"):
        read_status(vc, parse_status_entry(entry_json(statusListIndex=str(MIN_LIST_LENGTH))))


def test_wrong_list_type_or_id() -> None:
    with pytest.raises(StatusListError, match="type"):
        read_status(list_vc(Bitstring(), type=["VerifiableCredential"]), parse_status_entry(entry_json()))
    with pytest.raises(StatusListError, match="id"):
        read_status(list_vc(Bitstring(), id=LIST_URL + "-other"), parse_status_entry(entry_json()))
    broken = list_vc(Bitstring())
    broken["credentialSubject"]["encodedList"] = "u!!"
    with pytest.raises(StatusListError):
        read_status(broken, parse_status_entry(entry_json()))


def test_expired_list_is_rejected() -> None:
    vc = list_vc(Bitstring(), validUntil="2025-01-02T00:00:00Z")
    entry = parse_status_entry(entry_json())
    assert read_status(vc, entry, now=datetime(2025, 1, 1, 12, tzinfo=UTC)) is False
    with pytest.raises(StatusListError, match="expired"):
        read_status(vc, entry, now=datetime(2025, 1, 3, tzinfo=UTC))
    with pytest.raises(StatusListError, match="not valid before"):
        read_status(vc, entry, now=datetime(2024, 12, 31, tzinfo=UTC))


def test_multi_bit_status_value() -> None:
    bits = Bitstring()
    bits.set(2 * 10, True)  # entry 10 with statusSize 2 → 0b10
    bits.set(2 * 11 + 1, True)  # entry 11 → 0b01
    vc = list_vc(bits, purpose="message")
    entry10 = parse_status_entry(entry_json(statusPurpose="message", statusSize=2, statusListIndex="10"))
    entry11 = parse_status_entry(entry_json(statusPurpose="message", statusSize=2, statusListIndex="11"))
    assert read_status_value(vc, entry10, min_entries=MIN_LIST_LENGTH // 2) == 2
    assert read_status_value(vc, entry11, min_entries=MIN_LIST_LENGTH // 2) == 1


def test_decoded_lists_are_reused_and_bounded() -> None:
    from plecak.core.status.bitstring import _DecodedLists

    one = Bitstring(MIN_LIST_LENGTH)
    one.set(7, True)
    two = Bitstring(MIN_LIST_LENGTH)
    two.set(8, True)
    text_one, text_two = one.encode(), two.encode()
    weight = MIN_LIST_LENGTH // 8 + len(text_one)
    cache = _DecodedLists(budget=weight + len(text_two) + MIN_LIST_LENGTH // 8)
    first = cache.get(text_one)
    assert cache.get(text_one) is first  # decoded once, then looked up
    assert first.get(7)
    assert not first.get(8)
    second = cache.get(text_two)
    assert second.get(8)
    assert not second.get(7)
    assert cache.size <= cache.budget
    third = Bitstring(MIN_LIST_LENGTH)
    cache.get(third.encode())  # over budget: the least recently used list goes
    assert cache.get(text_one) is not first
    tiny = _DecodedLists(budget=10)
    assert tiny.get(text_one).get(7)
    assert tiny.size == 0
