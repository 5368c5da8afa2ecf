"""Run Digital Bazaar's ecdsa-sd-2023 implementation (``tests/reference_sd/sd.mjs``) from tests.

Like :mod:`reference_js`: the Node packages pinned in ``tests/reference_sd/package.json`` are
installed outside the repository (``$PLECAK_JS_CACHE/sd`` or ``~/.cache/plecak/jsref-sd``) the first
time they are needed; the script loads only our bundled contexts and ``did:key`` DIDs.
"""

from __future__ import annotations

from typing import Any

from plecak.core.jsonld.loader import find_contexts_dir
from support import TESTS
from support.npm_peer import NpmPeer
from support.reference_js import ReferenceUnavailable

__all__ = ["ReferenceUnavailable", "require_sd_reference", "run_sd_reference"]

RUN_TIMEOUT = 60.0

PEER = NpmPeer(
    name="jsref-sd",
    label="the JS ecdsa-sd reference",
    package_dir=TESTS / "reference_sd",
    cache_env="PLECAK_JS_CACHE",
    env_subdir="sd",
    scripts=("sd.mjs",),
    install_timeout=240.0,
    unavailable=ReferenceUnavailable,
)


def run_sd_reference(action: str, document: Any, **fields: Any) -> dict[str, Any]:
    """``{"ok": bool, "error": str | None, "document": {...} | None}`` from the JS implementation."""
    request = {
        "action": action,
        "document": document,
        "contextsDir": str(find_contexts_dir().resolve()),
        **fields,
    }
    return PEER.run_script("sd.mjs", request, RUN_TIMEOUT).json


def require_sd_reference() -> None:
    PEER.require()
