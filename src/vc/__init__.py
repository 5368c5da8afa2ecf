"""Plecak core library: keys and DIDs, an offline JSON-LD loader, Data Integrity proofs,
status lists and storage helpers shared by the issuer, wallet and verifier services.

It never imports a service; services talk to each other only over HTTP.
"""

from .dataintegrity import ProofCheck, add_proof, verify_proofs
from .did import DidResolver, did_document, did_key, did_web_from_url, resolve_did_key
from .errors import (
    DataModelError,
    DIDError,
    DocumentLoaderError,
    JsonLdError,
    KeyFormatError,
    ProofError,
    SecretBoxError,
    StatusListError,
    UndefinedTermError,
    VCError,
)
from .jsonld import canonicalize, expand_safe
from .keys import Ed25519KeyPair
from .loader import ContextStore, DocumentLoader, default_context_store, default_loader

__all__ = [
    "ContextStore",
    "DIDError",
    "DataModelError",
    "DidResolver",
    "DocumentLoader",
    "DocumentLoaderError",
    "Ed25519KeyPair",
    "JsonLdError",
    "KeyFormatError",
    "ProofCheck",
    "ProofError",
    "SecretBoxError",
    "StatusListError",
    "UndefinedTermError",
    "VCError",
    "add_proof",
    "canonicalize",
    "default_context_store",
    "default_loader",
    "did_document",
    "did_key",
    "did_web_from_url",
    "expand_safe",
    "resolve_did_key",
    "verify_proofs",
]
