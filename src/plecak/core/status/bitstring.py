"""W3C Bitstring Status List v1.0 (and the older StatusList2021): bitstrings, entries, list credentials.

A status list is a bitstring, GZIP-compressed and multibase base64url encoded (``u…``) into
the ``encodedList`` of a status list credential. Index 0 is the most significant (leftmost)
bit of the first byte, which is also the bit order of Redis ``SETBIT``/``GETBIT``, so a
Redis bitmap is a valid bitstring as is::

    bits = Bitstring.from_bytes(await redis.get(key) or b"", length=MIN_LIST_LENGTH)

This module does not fetch status lists and does not check their proofs: the caller
dereferences ``statusListCredential``, verifies the list credential's signature and issuer,
then calls :func:`read_status`.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict, Unpack
from urllib.parse import urlsplit

from plecak.core.errors import StatusListError
from plecak.core.timeutil import format_datetime, parse_datetime, utc_now

from .bits import MAX_DECODED_BYTES, MIN_LIST_LENGTH, Bitstring

__all__ = [
    "ENTRY_TYPES",
    "LIST_CREDENTIAL_TYPES",
    "MAX_DECODED_BYTES",
    "MIN_LIST_LENGTH",
    "STATUS_PURPOSES",
    "Bitstring",
    "ListChecks",
    "StatusEntry",
    "parse_status_entry",
    "read_status",
    "read_status_value",
    "status_list_credential",
]


STATUS_PURPOSES = ("revocation", "suspension", "refresh", "message")
"""Purposes this module understands; the issuer publishes only the first two."""

ENTRY_TYPES = ("BitstringStatusListEntry", "StatusList2021Entry")
LIST_CREDENTIAL_TYPES = ("BitstringStatusListCredential", "StatusList2021Credential")
_LIST_SUBJECT_TYPES = ("BitstringStatusList", "StatusList2021")

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

_INDEX = re.compile(r"^[0-9]{1,18}$")
_MAX_STATUS_SIZE = 32
_CLOCK_SKEW = timedelta(minutes=5)

DECODED_CACHE_BYTES = 64 * 1024 * 1024
"""How many bytes of decoded lists :func:`read_status_value` keeps (least recently used go first)."""


class _DecodedLists:
    """Decoded bitstrings by their ``encodedList`` text, so that checking many credentials against
    one cached list costs a dictionary look-up, not a GZIP inflation of the whole list each time.
    A ``str`` caches its own hash, and a cached list credential hands over the same ``str`` object
    every time, so a hit is O(1) whatever the list's size."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self._lists: OrderedDict[str, Bitstring] = OrderedDict()

    def get(self, encoded: str) -> Bitstring:
        bits = self._lists.get(encoded)
        if bits is not None:
            self._lists.move_to_end(encoded)
            return bits
        bits = Bitstring.decode(encoded)
        weight = len(bits) // 8 + len(encoded)
        if weight <= self.budget:
            self._lists[encoded] = bits
            self.size += weight
            while self.size > self.budget:
                old_text, old = self._lists.popitem(last=False)
                self.size -= len(old) // 8 + len(old_text)
        return bits


def _is_url(value: object) -> bool:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme) and parts.scheme[0].isalpha() and bool(parts.netloc or parts.path)


def _types(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class StatusEntry:
    """One parsed ``credentialStatus`` entry; ``index`` counts entries, not bits."""

    type: str
    status_purpose: str
    index: int
    list_url: str
    status_size: int = 1


def parse_status_entry(entry: Mapping[str, Any]) -> StatusEntry:
    """Validate a ``BitstringStatusListEntry`` or ``StatusList2021Entry``.

    ``StatusListError`` names the offending field.
    """
    if not isinstance(entry, Mapping):
        raise TypeError("a status entry must be a JSON object")
    known = [t for t in _types(entry.get("type")) if t in ENTRY_TYPES]
    if not known:
        raise StatusListError(f"credentialStatus.type must be one of {', '.join(ENTRY_TYPES)}")
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or purpose not in STATUS_PURPOSES:
        raise StatusListError(f"credentialStatus.statusPurpose must be one of {', '.join(STATUS_PURPOSES)}")
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or not _INDEX.match(index):
        raise StatusListError("credentialStatus.statusListIndex must be a non-negative integer as a string")
    url = entry.get("statusListCredential")
    if not _is_url(url):
        raise StatusListError("credentialStatus.statusListCredential must be a URL")
    size = entry.get("statusSize", 1)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= _MAX_STATUS_SIZE:
        raise StatusListError(f"credentialStatus.statusSize must be an integer from 1 to {_MAX_STATUS_SIZE}")
    return StatusEntry(
        type=known[0], status_purpose=purpose, index=int(index), list_url=str(url), status_size=size
    )


def _as_datetime_string(value: str | datetime, name: str) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise StatusListError(f"{name} must be a time-zone aware datetime")
        return format_datetime(value)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string or a datetime")
    if parse_datetime(value) is None:
        raise StatusListError(f"{name} must be an XML Schema dateTime")
    return value


def status_list_credential(
    *,
    list_url: str,
    issuer: str | Mapping[str, Any],
    purpose: str,
    bitstring: Bitstring,
    valid_from: str | datetime,
    valid_until: str | datetime | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """An unsigned VC 2.0 ``BitstringStatusListCredential`` publishing ``bitstring`` at ``list_url``."""
    if not _is_url(list_url):
        raise StatusListError("list_url must be a URL")
    if isinstance(issuer, Mapping):
        if not _is_url(issuer.get("id")):
            raise StatusListError("issuer must have an id that is a URL")
        issuer_value: str | dict[str, Any] = dict(issuer)
    elif isinstance(issuer, str):
        if not _is_url(issuer):
            raise StatusListError("issuer must be a URL")
        issuer_value = issuer
    else:
        raise TypeError("issuer must be a string or an object with an id")
    if purpose not in STATUS_PURPOSES:
        raise StatusListError(f"purpose must be one of {', '.join(STATUS_PURPOSES)}")
    if not isinstance(bitstring, Bitstring):
        raise TypeError("bitstring must be a Bitstring")
    if len(bitstring) < MIN_LIST_LENGTH:
        raise StatusListError(f"a published status list has at least {MIN_LIST_LENGTH} entries")
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": bitstring.encode(),
    }
    if ttl_ms is not None:
        if not isinstance(ttl_ms, int) or isinstance(ttl_ms, bool):
            raise TypeError("ttl_ms must be an int")
        if ttl_ms <= 0:
            raise StatusListError("ttl_ms must be a positive number of milliseconds")
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_value,
        "validFrom": _as_datetime_string(valid_from, "valid_from"),
    }
    if valid_until is not None:
        credential["validUntil"] = _as_datetime_string(valid_until, "valid_until")
    credential["credentialSubject"] = subject
    return credential


_LIST_ENDS = ("validUntil", "expirationDate")
_LIST_STARTS = ("validFrom", "issuanceDate")


def _check_list_validity(list_credential: Mapping[str, Any], now: datetime) -> None:
    for name in (*_LIST_ENDS, *_LIST_STARTS):  # the ends first, as a list may have both wrong
        value = list_credential.get(name)
        if value is None:
            continue
        moment = parse_datetime(value)
        if moment is None:
            raise StatusListError(f"the status list's {name} is not an XML Schema dateTime")
        if name in _LIST_ENDS and moment + _CLOCK_SKEW < now:
            raise StatusListError(f"the status list expired at {format_datetime(moment)}")
        if name in _LIST_STARTS and moment - _CLOCK_SKEW > now:
            raise StatusListError(f"the status list is not valid before {format_datetime(moment)}")


class ListChecks(TypedDict, total=False):
    """How strictly a status list is read."""

    min_entries: int
    """The fewest entries a list may have (default :data:`MIN_LIST_LENGTH`)."""
    now: datetime | None
    """When the list's validity period is checked against (default: now)."""


def read_status_value(list_credential: Mapping[str, Any], entry: StatusEntry, **checks: Unpack[ListChecks]) -> int:
    """The ``statusSize``-bit value of ``entry`` in ``list_credential`` (most significant bit first).

    Checks the list's type, ``id`` (when present it must be the entry's URL), validity period,
    ``statusPurpose`` (a string or a list), length (at least ``min_entries`` entries) and the
    index range, raising ``StatusListError``. The list's proof is not checked here.
    """
    min_entries = checks.get("min_entries", MIN_LIST_LENGTH)
    if not isinstance(list_credential, Mapping):
        raise TypeError("a status list credential must be a JSON object")
    if not isinstance(entry, StatusEntry):
        raise TypeError("entry must be a StatusEntry (see parse_status_entry)")
    if not any(t in LIST_CREDENTIAL_TYPES for t in _types(list_credential.get("type"))):
        raise StatusListError(
            f"the status list credential's type must include one of {', '.join(LIST_CREDENTIAL_TYPES)}"
        )
    list_id = list_credential.get("id")
    if list_id is not None and list_id != entry.list_url:
        raise StatusListError(
            f"the status list's id {list_id!r} is not the statusListCredential {entry.list_url!r}"
        )
    _check_list_validity(list_credential, checks.get("now") or utc_now())
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, Mapping):
        raise StatusListError("the status list's credentialSubject must be a JSON object")
    subject_type = subject.get("type")
    if subject_type is not None and not any(t in _LIST_SUBJECT_TYPES for t in _types(subject_type)):
        raise StatusListError(
            f"the status list's credentialSubject.type must be one of {', '.join(_LIST_SUBJECT_TYPES)}"
        )
    purposes = _types(subject.get("statusPurpose"))
    if not purposes or not all(isinstance(p, str) for p in purposes):
        raise StatusListError("the status list's credentialSubject.statusPurpose is missing or not text")
    if entry.status_purpose not in purposes:
        raise StatusListError(
            f"the entry's statusPurpose {entry.status_purpose!r} does not match the list's "
            f"{', '.join(purposes)}"
        )
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusListError("the status list's credentialSubject.encodedList is missing")
    bits = _DECODED.get(encoded)  # read only: the cached instance is never changed
    entries = len(bits) // entry.status_size
    if entries < min_entries:
        raise StatusListError(f"the status list has {entries} entries, fewer than the minimum {min_entries}")
    if entry.index >= entries:
        raise StatusListError(f"statusListIndex {entry.index} is outside the list (0 to {entries - 1})")
    start = entry.index * entry.status_size
    value = 0
    for position in range(start, start + entry.status_size):
        value = (value << 1) | bits.get(position)
    return value


def read_status(list_credential: Mapping[str, Any], entry: StatusEntry, **checks: Unpack[ListChecks]) -> bool:
    """Whether ``entry``'s status is set (revoked, suspended …); see :func:`read_status_value`."""
    return read_status_value(list_credential, entry, **checks) != 0


_DECODED = _DecodedLists(DECODED_CACHE_BYTES)
