"""More Data Integrity cryptosuites: ``eddsa-jcs-2022``, ``ecdsa-rdfc-2019`` and ``ecdsa-jcs-2019``.

Registered in :mod:`plecak.core.integrity.suites` (imported at the bottom of that module), so
:func:`plecak.core.integrity.proofs.add_proof` and ``verify_proofs`` find them by name and by proof.

- ``eddsa-jcs-2022`` (VC DI EdDSA 1.0 §3.3): JSON Canonicalization Scheme (RFC 8785) of the proof
  configuration and of the document, SHA-256 each, Ed25519 over ``hash(config) || hash(document)``.
- ``ecdsa-rdfc-2019`` (VC DI ECDSA 1.0 §3.2): RDFC-1.0 N-Quads, SHA-256 for P-256 keys and SHA-384
  for P-384 keys, ECDSA ``r || s`` (64 or 96 bytes) over the concatenated hashes.
- ``ecdsa-jcs-2019`` (VC DI ECDSA 1.0 §3.3): the same with JCS instead of RDFC-1.0.

JCS is done by the ``rfc8785`` package (see README, dependencies): number serialisation in RFC 8785
follows ECMAScript ``Number.prototype.toString``, which is easy to get subtly wrong by hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import rfc8785

from plecak.core.crypto.keys import EcdsaKeyPair, KeyPair
from plecak.core.errors import DataModelError, ProofError
from plecak.core.integrity.suites import Json, SignedHashSuite, rdfc_hash_data
from plecak.core.jsonld.loader import DocumentLoader

__all__ = ["EcdsaJcs2019", "EcdsaRdfc2019", "EddsaJcs2022", "jcs", "jcs_hash_data"]

_HASH_FOR_CURVE: dict[str, Callable[[bytes], Any]] = {"P-256": hashlib.sha256, "P-384": hashlib.sha384}


def jcs(value: Any) -> bytes:
    """RFC 8785 canonical JSON (UTF-8 bytes) of ``value``."""
    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise DataModelError([f"the document cannot be canonicalised with JCS: {exc}"]) from None


def jcs_hash_data(
    document: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    hash_function: Callable[[bytes], Any] = hashlib.sha256,
) -> bytes:
    """``H(jcs(proofConfig)) || H(jcs(document))``."""
    return bytes(
        hash_function(jcs(dict(proof_config))).digest() + hash_function(jcs(dict(document))).digest()
    )


class EddsaJcs2022(SignedHashSuite):
    """``eddsa-jcs-2022``: JCS, SHA-256, Ed25519."""

    name = "eddsa-jcs-2022"
    cryptosuite: str | None = "eddsa-jcs-2022"
    key_types = frozenset({"Ed25519"})
    proof_has_context = True  # "If unsecuredDocument.@context is present, set proof.@context to it"

    def hash_data(self, document: Json, proof_config: Json, loader: DocumentLoader, key: KeyPair) -> bytes:
        return jcs_hash_data(document, proof_config)


class _Ecdsa(SignedHashSuite):
    key_types = frozenset({"P-256", "P-384"})

    def signature_format(self, key: KeyPair) -> tuple[int, str]:
        if not isinstance(key, EcdsaKeyPair):
            raise ProofError(f"{self.name} needs a P-256 or P-384 key")
        return (64 if key.key_type == "P-256" else 96), key.key_type


class EcdsaRdfc2019(_Ecdsa):
    """``ecdsa-rdfc-2019``: RDFC-1.0; SHA-256 + P-256 or SHA-384 + P-384."""

    name = "ecdsa-rdfc-2019"
    cryptosuite: str | None = "ecdsa-rdfc-2019"

    def hash_data(self, document: Json, proof_config: Json, loader: DocumentLoader, key: KeyPair) -> bytes:
        return rdfc_hash_data(document, proof_config, loader, _HASH_FOR_CURVE[key.key_type])


class EcdsaJcs2019(_Ecdsa):
    """``ecdsa-jcs-2019``: JCS; SHA-256 + P-256 or SHA-384 + P-384."""

    name = "ecdsa-jcs-2019"
    cryptosuite: str | None = "ecdsa-jcs-2019"
    proof_has_context = True

    def hash_data(self, document: Json, proof_config: Json, loader: DocumentLoader, key: KeyPair) -> bytes:
        return jcs_hash_data(document, proof_config, _HASH_FOR_CURVE[key.key_type])
