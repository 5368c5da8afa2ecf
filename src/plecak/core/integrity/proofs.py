"""Data Integrity proofs: add and verify, for every suite in :mod:`plecak.core.integrity.suites`.

This module owns what all suites share (VC Data Integrity 1.0): the proof's shape, purpose,
challenge and domain, proof sets and ``previousProof`` chains, resolving the verification
method and checking the controller authorises it. How a proof value is made and checked is
the suite's business: ``eddsa-rdfc-2022`` and ``Ed25519Signature2020`` are built in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, KeyPair, decode_multikey
from plecak.core.did import find_verification_method
from plecak.core.encoding import b64url_decode
from plecak.core.errors import DataModelError, DIDError, JsonLdError, KeyFormatError, ProofError, VCError
from plecak.core.integrity.suites import (
    DATA_INTEGRITY_CONTEXT,
    rdfc_hash_data,
    suite_for_proof,
    suite_named,
    suite_names,
)
from plecak.core.jsonld.loader import DocumentLoader, default_loader
from plecak.core.timeutil import parse_datetime

__all__ = [
    "DATA_INTEGRITY_CONTEXT",
    "DidDocumentResolver",
    "ProofCheck",
    "add_proof",
    "hash_data",
    "public_key_of_method",
    "verify_proofs",
]

EDDSA_RDFC_2022 = "eddsa-rdfc-2022"


class DidDocumentResolver(Protocol):
    async def resolve(self, did: str) -> dict[str, Any]: ...


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _contexts(document: Mapping[str, Any]) -> list[Any]:
    ctx = document.get("@context")
    if ctx is None:
        raise DataModelError(["the document has no @context"])
    return list(ctx) if isinstance(ctx, list) else [ctx]


def _proofs(document: Mapping[str, Any]) -> list[Any]:
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def hash_data(document: Mapping[str, Any], proof_config: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    """``sha256(canon(proofConfig)) || sha256(canon(document))`` (the EdDSA RDFC suites' input)."""
    return rdfc_hash_data(document, proof_config, loader, hashlib.sha256)


def _with_previous(unsecured: dict[str, Any], all_proofs: list[Any], previous: Any) -> dict[str, Any]:
    """The document as hashed for a proof with ``previousProof``: the referenced proofs included."""
    if previous is None:
        return unsecured
    ids = [previous] if isinstance(previous, str) else previous
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ProofError("previousProof must be a string or a list of strings")
    by_id = {p.get("id"): p for p in all_proofs if isinstance(p, dict)}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise ProofError(f"previousProof {missing[0]!r} is not in the proof set")
    chained = [by_id[i] for i in ids]
    doc = dict(unsecured)
    doc["proof"] = chained[0] if len(chained) == 1 else chained
    return doc


def add_proof(
    document: Mapping[str, Any],
    key: KeyPair,
    verification_method: str,
    *,
    suite: str = EDDSA_RDFC_2022,
    proof_purpose: str = "assertionMethod",
    created: str | None = None,
    challenge: str | None = None,
    domain: str | Sequence[str] | None = None,
    proof_id: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | None = None,
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """Return a copy of ``document`` with one more proof (a proof set when it had one).

    ``suite`` names a registered cryptosuite (``eddsa-rdfc-2022``, ``Ed25519Signature2020``, …);
    ``options`` are suite-specific (e.g. ``mandatoryPointers`` for selective-disclosure suites).
    """
    if not isinstance(document, Mapping):
        raise TypeError("document must be a JSON object")
    chosen = suite_named(suite)
    if chosen is None:
        raise ProofError(f"unsupported cryptosuite {suite!r}; known: {', '.join(suite_names())}")
    if key.key_type not in chosen.key_types:
        raise ProofError(f"{suite} needs a {' or '.join(sorted(chosen.key_types))} key, not {key.key_type}")
    loader = loader or default_loader()
    existing = _proofs(document)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    contexts = _contexts(unsecured)
    needed = chosen.context_needed(contexts)
    if needed is not None:
        contexts.append(needed)
        unsecured["@context"] = contexts
    proof: dict[str, Any] = {"type": chosen.proof_type}
    if chosen.cryptosuite is not None:
        proof["cryptosuite"] = chosen.cryptosuite
    if proof_id is not None:
        proof["id"] = proof_id
    proof["created"] = created or _now()
    proof["verificationMethod"] = verification_method
    proof["proofPurpose"] = proof_purpose
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain if isinstance(domain, str) else list(domain)
    if previous_proof is not None:
        proof["previousProof"] = previous_proof if isinstance(previous_proof, str) else list(previous_proof)
    if getattr(chosen, "proof_has_context", False):  # the JCS suites: proof.@context = document's
        proof["@context"] = unsecured["@context"]
    hashed_doc = _with_previous(unsecured, existing, proof.get("previousProof"))
    config = dict(proof)
    config["@context"] = unsecured["@context"]
    proof["proofValue"] = chosen.create_proof_value(hashed_doc, config, key, loader, options or {})
    secured = dict(unsecured)
    secured["proof"] = [*existing, proof] if existing else proof
    return secured


def _b64url_decode(value: Any) -> bytes:
    try:
        return b64url_decode(str(value or ""))
    except ValueError:
        raise KeyFormatError("JWK coordinate is not base64url") from None


def public_key_of_method(method: Mapping[str, Any]) -> KeyPair:
    """The public key of a verification method (Multikey, Ed25519VerificationKey2020/2018, JWK)."""
    vm_type = method.get("type")
    if vm_type in ("Multikey", "Ed25519VerificationKey2020") and isinstance(
        method.get("publicKeyMultibase"), str
    ):
        key = decode_multikey(method["publicKeyMultibase"])
        if vm_type == "Ed25519VerificationKey2020" and not isinstance(key, Ed25519KeyPair):
            raise KeyFormatError("Ed25519VerificationKey2020 does not carry an Ed25519 key")
        return key
    if vm_type == "Ed25519VerificationKey2018" and isinstance(method.get("publicKeyBase58"), str):
        import base58

        raw = base58.b58decode(method["publicKeyBase58"])
        if len(raw) != 32:
            raise KeyFormatError("publicKeyBase58 is not a 32-byte Ed25519 key")
        return Ed25519KeyPair(Ed25519PublicKey.from_public_bytes(raw))
    jwk = method.get("publicKeyJwk")
    if isinstance(jwk, Mapping) and jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        raw = _b64url_decode(jwk.get("x"))
        if len(raw) != 32:
            raise KeyFormatError("JWK x is not a 32-byte Ed25519 key")
        return Ed25519KeyPair(Ed25519PublicKey.from_public_bytes(raw))
    if isinstance(jwk, Mapping) and jwk.get("kty") == "EC" and jwk.get("crv") in ("P-256", "P-384"):
        curve: ec.EllipticCurve = ec.SECP256R1() if jwk["crv"] == "P-256" else ec.SECP384R1()
        try:
            numbers = ec.EllipticCurvePublicNumbers(
                int.from_bytes(_b64url_decode(jwk.get("x")), "big"),
                int.from_bytes(_b64url_decode(jwk.get("y")), "big"),
                curve,
            )
            return EcdsaKeyPair(str(jwk["crv"]), numbers.public_key())
        except ValueError as exc:
            raise KeyFormatError(f"invalid {jwk['crv']} JWK: {exc}") from None
    raise KeyFormatError(f"verification method type {vm_type!r} carries no key this library understands")


@dataclass
class ProofCheck:
    """The outcome of verifying one proof."""

    verified: bool
    proof_type: str | None = None
    cryptosuite: str | None = None
    verification_method: str | None = None
    controller: str | None = None
    proof_purpose: str | None = None
    created: str | None = None
    errors: list[str] = field(default_factory=list)

    def fail(self, message: str) -> ProofCheck:
        self.verified = False
        self.errors.append(message)
        return self


def _reject(check: ProofCheck, message: str) -> bool:
    """Record why ``check`` failed and return ``False`` (a failed ProofCheck object is truthy)."""
    check.fail(message)
    return False


def _check_shape(proof: Any, check: ProofCheck) -> bool:
    if not isinstance(proof, dict):
        check.fail("proof is not a JSON object")
        return False
    check.proof_type = proof.get("type") if isinstance(proof.get("type"), str) else None
    check.cryptosuite = proof.get("cryptosuite") if isinstance(proof.get("cryptosuite"), str) else None
    check.verification_method = (
        proof.get("verificationMethod") if isinstance(proof.get("verificationMethod"), str) else None
    )
    check.proof_purpose = proof.get("proofPurpose") if isinstance(proof.get("proofPurpose"), str) else None
    if check.proof_type is None:
        return _reject(check, "proof has no type")
    if check.proof_type == "DataIntegrityProof":
        if check.cryptosuite is None:
            return _reject(check, "DataIntegrityProof has no cryptosuite")
        if suite_for_proof("DataIntegrityProof", check.cryptosuite) is None:
            return _reject(check, f"unsupported cryptosuite {check.cryptosuite!r}")
    elif suite_for_proof(check.proof_type, None) is None:
        return _reject(check, f"unsupported proof type {check.proof_type!r}")
    if check.verification_method is None:
        return _reject(check, "proof has no verificationMethod")
    if check.proof_purpose is None:
        return _reject(check, "proof has no proofPurpose")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value:
        return _reject(check, "proofValue is missing or not a multibase string")
    created = proof.get("created")
    if created is not None:
        if not isinstance(created, str) or parse_datetime(created) is None:
            return _reject(check, "proof created is not an XML Schema dateTime")
        check.created = created
    return True


async def verify_proofs(
    document: Mapping[str, Any],
    resolver: DidDocumentResolver,
    *,
    expected_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    loader: DocumentLoader | None = None,
) -> list[ProofCheck]:
    """Verify every proof on ``document``; one :class:`ProofCheck` per proof (empty: no proof)."""
    if not isinstance(document, Mapping):
        raise TypeError("document must be a JSON object")
    all_proofs = _proofs(document)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    results = []
    for proof in all_proofs:
        check = ProofCheck(verified=False)
        results.append(check)
        if not _check_shape(proof, check):
            continue
        assert isinstance(proof, dict)
        if check.proof_purpose != expected_purpose:
            check.fail(f"proofPurpose is {check.proof_purpose!r}, expected {expected_purpose!r}")
            continue
        if challenge is not None and proof.get("challenge") != challenge:
            check.fail("proof challenge does not match the requested challenge")
            continue
        if domain is not None:
            got = proof.get("domain")
            domains = got if isinstance(got, list) else [got]
            if domain not in domains:
                check.fail("proof domain does not match the requested domain")
                continue
        try:
            await _verify_one(unsecured, all_proofs, proof, check, resolver, loader or default_loader())
        except (VCError, TypeError) as exc:
            check.fail(str(exc))
    return results


async def _verify_one(
    unsecured: dict[str, Any],
    all_proofs: list[Any],
    proof: dict[str, Any],
    check: ProofCheck,
    resolver: DidDocumentResolver,
    loader: DocumentLoader,
) -> None:
    vm_id = str(check.verification_method)
    did = vm_id.split("#", 1)[0]
    if not did.startswith("did:"):
        check.fail(f"verificationMethod {vm_id!r} is not a DID URL")
        return
    try:
        did_doc = await resolver.resolve(did)
        method = find_verification_method(did_doc, vm_id, str(check.proof_purpose))
        public_key = public_key_of_method(method)
    except (DIDError, KeyFormatError) as exc:
        check.fail(str(exc))
        return
    # The signer is the DID whose document authorises the key for this purpose. A method's own
    # "controller" member is a claim made by that document, so it cannot speak for another DID
    # (did:web:evil listing a key "controlled by" did:web:university proves nothing about it).
    check.controller = did
    suite = suite_for_proof(str(check.proof_type), check.cryptosuite)
    assert suite is not None  # _check_shape made sure
    if public_key.key_type not in suite.key_types:
        wanted = " or ".join(sorted(suite.key_types))
        check.fail(f"{suite.name} needs a {wanted} key, not {public_key.key_type}")
        return
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" not in proof:
        config["@context"] = unsecured.get("@context")
    elif check.proof_type == "DataIntegrityProof":
        # The proof's own context must be a prefix of the document's (VC DI 1.0, verify step).
        doc_ctx = _contexts(unsecured)
        own = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
        if doc_ctx[: len(own)] != own:
            check.fail("proof @context does not match the document @context")
            return
        config["@context"] = unsecured.get("@context")
    try:
        hashed_doc = _with_previous(unsecured, all_proofs, proof.get("previousProof"))
        suite.verify_proof_value(hashed_doc, config, str(proof["proofValue"]), public_key, loader)
    except (JsonLdError, ProofError, DataModelError, KeyFormatError) as exc:
        check.fail(str(exc))
        return
    except VCError as exc:
        check.fail(str(exc))
        return
    check.verified = True
