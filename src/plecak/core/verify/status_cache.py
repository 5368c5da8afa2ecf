"""Status-list credentials whose proof already passed, remembered for a while (:class:`VerifiedListCache`)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["VerifiedListCache"]


class VerifiedListCache:
    """Status-list credentials whose proof passed, remembered by content digest for ``seconds``
    together with who signed them.

    Every credential of an issuer points at the same few lists, and the status client already
    caches their bytes; this keeps their (large) proofs from being verified again on each request.
    A changed list has another digest and is verified afresh. ``seconds`` matches the DID
    resolver's cache, so a rotated key is noticed no later than it would be anyway.
    """

    def __init__(
        self, seconds: float = 300.0, size: int = 256, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.size = size
        self._clock = clock
        self._entries: OrderedDict[bytes, tuple[float, list[str]]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _digest(list_vc: Mapping[str, Any]) -> bytes:
        text = json.dumps(list_vc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).digest()

    def signers(self, list_vc: Mapping[str, Any]) -> list[str] | None:
        """The signers of ``list_vc`` if its proof passed within ``seconds``, else ``None``."""
        key = self._digest(list_vc)
        with self._lock:
            hit = self._entries.get(key)
            if hit is None:
                return None
            if hit[0] <= self._clock():
                del self._entries[key]
                return None
            return list(hit[1])

    def remember(self, list_vc: Mapping[str, Any], signers: Sequence[str]) -> None:
        key = self._digest(list_vc)
        with self._lock:
            self._entries[key] = (self._clock() + self.seconds, list(signers))
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
