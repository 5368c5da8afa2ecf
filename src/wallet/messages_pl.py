"""Polish interface texts (a key missing here falls back to English)."""

from __future__ import annotations

PL: dict[str, str] = {}
