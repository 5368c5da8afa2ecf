"""Cryptosuites for Data Integrity proofs, behind one small interface, and their registry.

:mod:`plecak.core.integrity.proofs` owns everything suites share: proof shape, purpose, challenge and
domain, proof sets and ``previousProof`` chains, DID resolution and key authorisation. A suite
owns only how a proof value is made and checked: the transformation and hashing of the document
and the proof configuration, and the signature format.

Built in: ``eddsa-rdfc-2022`` (``DataIntegrityProof``) and the older ``Ed25519Signature2020``;
:mod:`plecak.core.integrity.jcs_ecdsa` adds ``eddsa-jcs-2022``, ``ecdsa-rdfc-2019`` and ``ecdsa-jcs-2019``.
Other modules add suites with :func:`register_suite`; a suite is found by proof ``type`` and
``cryptosuite`` (:func:`suite_for_proof`) or by name (:func:`suite_named`): the cryptosuite
name for ``DataIntegrityProof`` suites, the proof type for the older ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from plecak.core.crypto.keys import KeyPair, decode_multibase, encode_multibase
from plecak.core.errors import KeyFormatError, ProofError
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.jsonld.rdf import canonicalize

__all__ = [
    "DATA_INTEGRITY_CONTEXT",
    "ED25519_2020_CONTEXT",
    "VC_V2_CONTEXT",
    "Cryptosuite",
    "Ed25519Signature2020",
    "EddsaRdfc2022",
    "SignedHashSuite",
    "decode_proof_value",
    "rdfc_hash_data",
    "register_suite",
    "registered_proofs",
    "suite_for_proof",
    "suite_named",
    "suite_names",
]

DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

Json = dict[str, Any]
"""A JSON object (a document or a proof configuration)."""


class Cryptosuite(Protocol):
    """What a suite provides. ``proof_config`` is the proof without ``proofValue``, with the
    document's ``@context``; ``document`` is the unsecured document (with the proofs it chains to
    under ``proof`` when ``previousProof`` is used)."""

    @property
    def name(self) -> str: ...

    @property
    def proof_type(self) -> str: ...

    @property
    def cryptosuite(self) -> str | None: ...

    @property
    def key_types(self) -> frozenset[str]: ...

    def context_needed(self, contexts: list[Any]) -> str | None:
        """A context URL to append to the document before signing, or ``None``."""
        ...

    def create_proof_value(
        self, document: Json, proof_config: Json, key: KeyPair, loader: DocumentLoader, options: Mapping[str, Any]
    ) -> str: ...

    def verify_proof_value(
        self, document: Json, proof_config: Json, proof_value: str, key: KeyPair, loader: DocumentLoader
    ) -> None:
        """Return if the value is a valid proof; raise :class:`~plecak.core.errors.ProofError` saying why not."""
        ...


def rdfc_hash_data(
    document: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    loader: DocumentLoader,
    hash_function: Callable[[bytes], Any] = hashlib.sha256,
) -> bytes:
    """``H(canon(proofConfig)) || H(canon(document))`` with RDFC-1.0 canonical N-Quads."""
    proof_hash = hash_function(canonicalize(dict(proof_config), loader).encode()).digest()
    doc_hash = hash_function(canonicalize(dict(document), loader).encode()).digest()
    return bytes(proof_hash + doc_hash)


def decode_proof_value(proof_value: str) -> bytes:
    """The signature bytes of a base58btc multibase ``proofValue``; :class:`ProofError` if malformed."""
    if not proof_value.startswith("z"):
        raise ProofError("proofValue is not base58btc multibase (it must start with 'z')")
    try:
        return decode_multibase(proof_value)
    except KeyFormatError as exc:
        raise ProofError(f"proofValue: {exc}") from None


def check_signature(key: KeyPair, signature: bytes, data: bytes, size: int, what: str) -> None:
    """Return if ``signature`` (``size`` bytes) is ``key``'s over ``data``; else :class:`ProofError`."""
    if len(signature) != size:
        raise ProofError(f"proofValue is not a {size}-byte {what} signature")
    if not key.verify(signature, data):
        raise ProofError("signature does not match: the credential was altered or signed with another key")


def data_integrity_context_needed(contexts: list[Any]) -> str | None:
    """The Data Integrity context, unless the document's contexts already define its terms."""
    if VC_V2_CONTEXT in contexts or DATA_INTEGRITY_CONTEXT in contexts:
        return None
    return DATA_INTEGRITY_CONTEXT


class SignedHashSuite:
    """A suite whose proof value is one multibase signature over hash data: a subclass says how to hash
    (:meth:`hash_data`) and which keys sign with which signature size (:meth:`signature_format`)."""

    name = ""
    proof_type = "DataIntegrityProof"
    cryptosuite: str | None = None
    key_types: frozenset[str] = frozenset()

    def context_needed(self, contexts: list[Any]) -> str | None:
        return data_integrity_context_needed(contexts)

    def signature_format(self, key: KeyPair) -> tuple[int, str]:
        """The signature's size in bytes and the key's name; :class:`ProofError` for a key it cannot use."""
        return 64, "Ed25519"

    def hash_data(self, document: Json, proof_config: Json, loader: DocumentLoader, key: KeyPair) -> bytes:
        raise NotImplementedError

    def create_proof_value(
        self, document: Json, proof_config: Json, key: KeyPair, loader: DocumentLoader, options: Mapping[str, Any]
    ) -> str:
        self.signature_format(key)
        return encode_multibase(key.sign(self.hash_data(document, proof_config, loader, key)))

    def verify_proof_value(
        self, document: Json, proof_config: Json, proof_value: str, key: KeyPair, loader: DocumentLoader
    ) -> None:
        size, what = self.signature_format(key)
        signature = decode_proof_value(proof_value)
        check_signature(key, signature, self.hash_data(document, proof_config, loader, key), size, what)


class _Ed25519Rdfc(SignedHashSuite):
    key_types = frozenset({"Ed25519"})

    def hash_data(self, document: Json, proof_config: Json, loader: DocumentLoader, key: KeyPair) -> bytes:
        return rdfc_hash_data(document, proof_config, loader)


class EddsaRdfc2022(_Ed25519Rdfc):
    """``eddsa-rdfc-2022``: RDFC-1.0, SHA-256, Ed25519 (VC Data Integrity EdDSA Cryptosuites v1.0)."""

    name = "eddsa-rdfc-2022"
    cryptosuite: str | None = "eddsa-rdfc-2022"


class Ed25519Signature2020(_Ed25519Rdfc):
    """The older ``Ed25519Signature2020`` proof type (same hashing, its own context)."""

    name = "Ed25519Signature2020"
    proof_type = "Ed25519Signature2020"
    cryptosuite: str | None = None

    def context_needed(self, contexts: list[Any]) -> str | None:
        return None if ED25519_2020_CONTEXT in contexts else ED25519_2020_CONTEXT


_BY_NAME: dict[str, Cryptosuite] = {}
_BY_PROOF: dict[tuple[str, str | None], Cryptosuite] = {}


def register_suite(suite: Cryptosuite) -> None:
    """Make ``suite`` available to :func:`plecak.core.integrity.proofs.add_proof` and ``verify_proofs``."""
    _BY_NAME[suite.name] = suite
    _BY_PROOF[(suite.proof_type, suite.cryptosuite)] = suite


def suite_named(name: str) -> Cryptosuite | None:
    return _BY_NAME.get(name)


def suite_for_proof(proof_type: str, cryptosuite: str | None) -> Cryptosuite | None:
    key = (proof_type, cryptosuite if proof_type == "DataIntegrityProof" else None)
    return _BY_PROOF.get(key)


def suite_names() -> tuple[str, ...]:
    return tuple(sorted(_BY_NAME))


register_suite(EddsaRdfc2022())
register_suite(Ed25519Signature2020())


def registered_proofs() -> tuple[tuple[str, str | None], ...]:
    """Every (proof ``type``, ``cryptosuite``) pair that can be verified, e.g. what a verifier
    advertises in OpenID4VP ``vp_formats_supported``."""
    return tuple(sorted(_BY_PROOF, key=lambda k: (k[0], k[1] or "")))
