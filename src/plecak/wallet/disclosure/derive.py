"""``POST /credentials/derive``: a holder-side selective disclosure for machine clients.

Stateless and keyless: the caller sends a credential with an ``ecdsa-sd-2023`` base proof and the
JSON pointers to disclose; the answer is the derived credential. Nothing is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from plecak.core.integrity.ecdsa_sd import derive
from plecak.runtime.web import raise_problem

__all__ = ["MAX_POINTERS", "derive_request"]

MAX_POINTERS = 256
MAX_POINTER_LENGTH = 1024


def _pointers(options: Any) -> list[str]:
    if options is None:
        return []
    if not isinstance(options, Mapping):
        raise_problem(400, "Bad request", "options must be a JSON object")
    pointers = options.get("selectivePointers", [])
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise_problem(400, "Bad request", "options.selectivePointers must be a list of JSON pointer strings")
    if len(pointers) > MAX_POINTERS or any(len(p) > MAX_POINTER_LENGTH for p in pointers):
        raise_problem(
            400, "Bad request", f"at most {MAX_POINTERS} pointers of {MAX_POINTER_LENGTH} characters"
        )
    return list(pointers)


async def derive_request(body: Any) -> dict[str, Any]:
    """Validate a ``{verifiableCredential, options: {selectivePointers}}`` body and derive.

    Raises a 400 problem for a malformed body; :class:`~plecak.core.errors.VCError` (422) when the
    credential cannot be disclosed (no base proof, a pointer that selects nothing, …).
    """
    if not isinstance(body, Mapping):
        raise_problem(400, "Bad request", "the body must be a JSON object")
    credential = body.get("verifiableCredential")
    if not isinstance(credential, Mapping):
        raise_problem(400, "Bad request", "verifiableCredential must be a JSON object")
    pointers = _pointers(body.get("options"))
    try:
        derived = await asyncio.to_thread(derive, dict(credential), pointers)
    except TypeError as exc:
        raise_problem(400, "Bad request", f"the credential is malformed: {exc}")
    return {"verifiableCredential": derived}
