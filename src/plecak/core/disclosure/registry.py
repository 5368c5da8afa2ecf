"""The format adapters in use: :func:`adapter_for` finds a credential's, :func:`register_adapter` adds one."""

from __future__ import annotations

from typing import Any

from .adapter import DisclosureAdapter
from .ecdsa_sd import EcdsaSdAdapter
from .sdjwt import SdJwtAdapter

__all__ = ["adapter_for", "register_adapter"]

_ADAPTERS: list[DisclosureAdapter] = [EcdsaSdAdapter(), SdJwtAdapter()]


def register_adapter(adapter: DisclosureAdapter) -> None:
    _ADAPTERS.append(adapter)


def adapter_for(credential: Any) -> DisclosureAdapter | None:
    """The adapter that can disclose parts of ``credential``; ``None``: all or nothing."""
    return next((a for a in _ADAPTERS if a.handles(credential)), None)
