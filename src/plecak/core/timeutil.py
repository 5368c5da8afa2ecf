"""XML Schema dateTime parsing and formatting (the forms VC dates use)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = ["format_datetime", "parse_datetime", "utc_now"]

_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def parse_datetime(value: object) -> datetime | None:
    """An aware datetime for an ``xsd:dateTime`` string, or ``None`` if it is not one.

    A value without a time zone is read as UTC (VC 2.0 recommends a zone but allows none).
    """
    if not isinstance(value, str) or not _DATETIME.match(value):
        return None
    text = value.replace("Z", "+00:00") if value.endswith("Z") else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_datetime(moment: datetime) -> str:
    """``2026-11-24T05:41:14Z``: UTC, whole seconds."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def utc_now() -> datetime:
    return datetime.now(UTC)
