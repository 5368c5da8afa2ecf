"""Run an independent JOSE implementation (panva's ``jose`` for Node, pinned in
``tests/reference_jose/package.json``) against our ``vc+jwt`` credentials.

Installed outside the repository, in ``$PLECAK_JOSE_CACHE`` or ``~/.cache/plecak/jose-peer``, the first
time it is needed and again when ``package.json`` changes (like ``tests/reference_js.py``). Without
``node``/``npm`` the tests skip on a developer machine and fail in CI.
"""

from __future__ import annotations

from typing import Any

from support import TESTS
from support.npm_peer import NpmPeer
from support.reference_js import ReferenceUnavailable

__all__ = ["jose_peer", "private_jwk", "public_jwk", "require_jose_peer"]

RUN_TIMEOUT = 60.0

PEER = NpmPeer(
    name="jose-peer",
    label="the jose peer",
    package_dir=TESTS / "reference_jose",
    cache_env="PLECAK_JOSE_CACHE",
    scripts=("jose.mjs",),
    install_timeout=180.0,
    unavailable=ReferenceUnavailable,
)


def require_jose_peer() -> None:
    """Install the peer or end the test: a skip on a developer machine, a failure in CI."""
    PEER.require()


def jose_peer(request: dict[str, Any]) -> dict[str, Any]:
    """One request to ``jose.mjs`` (see its header), its JSON answer."""
    answer = PEER.run_script("jose.mjs", request, RUN_TIMEOUT)
    if answer.returncode != 0:
        raise RuntimeError(f"the jose peer failed (exit {answer.returncode}): {answer.stderr}")
    return answer.json


def public_jwk(key: Any) -> dict[str, str]:
    """The public JWK of one of our key pairs (Ed25519 or P-256/P-384)."""
    from plecak.core.crypto.keys import EcdsaKeyPair
    from plecak.core.encoding import b64url_encode

    if isinstance(key, EcdsaKeyPair):
        return key.public_jwk()
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(key.public_bytes)}


def private_jwk(key: Any) -> dict[str, str]:
    from plecak.core.crypto.keys import EcdsaKeyPair
    from plecak.core.encoding import b64url_encode

    secret = key.secret_bytes if isinstance(key, EcdsaKeyPair) else key.seed
    return {**public_jwk(key), "d": b64url_encode(secret)}
