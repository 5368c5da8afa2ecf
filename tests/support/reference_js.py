"""Run the independent JavaScript reference verifier (``tests/reference/verify.mjs``).

The Node packages (Digital Bazaar's VC stack, exact versions pinned in
``tests/reference/package.json``) are installed outside the repository, in
``$PLECAK_JS_CACHE`` or ``~/.cache/plecak/jsref``, the first time they are needed and
again whenever ``package.json`` changes. The script only ever sees our bundled
``contexts/`` and the DID documents handed to it: it makes no network requests.

If ``node`` or ``npm`` is missing, or the install fails, :class:`ReferenceUnavailable`
is raised; tests turn that into a skip with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from plecak.core.jsonld.loader import find_contexts_dir
from support import TESTS
from support.npm_peer import NpmPeer, NpmUnavailable

__all__ = ["ReferenceUnavailable", "cache_dir", "ensure_installed", "verify_with_reference"]

VERIFY_TIMEOUT = 60.0


class ReferenceUnavailable(NpmUnavailable):
    """The JS reference cannot run here (no node/npm, or the install failed)."""


PEER = NpmPeer(
    name="jsref",
    label="the JS reference verifier",
    package_dir=TESTS / "reference",
    cache_env="PLECAK_JS_CACHE",
    scripts=("verify.mjs",),
    install_timeout=180.0,
    unavailable=ReferenceUnavailable,
)


def cache_dir() -> Path:
    return PEER.cache_dir()


def ensure_installed() -> Path:
    """The cache directory with ``node_modules`` matching ``package.json`` and ``verify.mjs``."""
    return PEER.ensure_installed()


def verify_with_reference(
    vc: Mapping[str, Any],
    did_documents: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    relax_issuer: bool = False,
    contexts_dir: Path | None = None,
) -> dict[str, Any]:
    """Verify ``vc`` with the JS reference; returns ``{"verified": bool, "error": str | None, ...}``.

    ``relax_issuer`` drops the reference's rule that the credential's issuer must be the
    controller of the signing key (the W3C test vectors are signed by a key unrelated to
    their ``issuer``).
    """
    request = {
        "verifiableCredential": vc,
        "didDocuments": dict(did_documents or {}),
        "contextsDir": str((contexts_dir or find_contexts_dir()).resolve()),
        "relaxIssuer": relax_issuer,
    }
    answer = PEER.run_script("verify.mjs", request, VERIFY_TIMEOUT)
    if answer.returncode != 0 and answer.json.get("verified"):
        raise RuntimeError(f"inconsistent reference result (exit {answer.returncode}): {answer.json}")
    return answer.json


def require_reference() -> None:
    """Install the reference or end the test: a skip on a developer machine, a failure in CI."""
    PEER.require()
