"""``ecdsa-sd-2023``: selective disclosure with ECDSA P-256 (W3C Data Integrity ECDSA Cryptosuites v1.0).

The issuer signs a *base proof*: every N-Quad of the canonical credential that is not
mandatory gets its own signature from a fresh (ephemeral) P-256 key; the mandatory N-Quads are
hashed together with the proof configuration and the ephemeral public key and signed with the
issuer's key. Blank node labels are replaced by HMAC-SHA256 labels (the HMAC key travels in the
base proof, so only the holder learns it). The holder *derives* a disclosure proof for the JSON
pointers they choose: the disclosed document, only the signatures of the disclosed N-Quads, and
the map from the disclosed document's canonical labels to the HMAC labels. A verifier checks a
derived proof only; a base proof is refused.

JSON-LD lists (``@container: @list``, e.g. Open Badges ``allowedValue``) become RDF blank-node
chains that skolemization cannot name. Here each list node gets a label derived from the node and
property that hold the list and its position, so a list can be mandatory or disclosed *as a
whole*; a pointer into a list (one element) is refused with a :class:`~plecak.core.errors.ProofError`.
Lists of lists are refused too.

Test hooks: :func:`create_base_proof_value` takes ``hmac_key`` and ``proof_key`` (the ephemeral
key) and ``deterministic`` (RFC 6979 signatures), which reproduces the W3C test vectors byte
for byte.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from plecak.core.crypto.keys import EcdsaKeyPair, KeyPair, decode_multibase, decode_multikey, encode_multibase
from plecak.core.errors import KeyFormatError, ProofError
from plecak.core.integrity.sd_primitives import (
    Grouped,
    canonical_id_map,
    canonicalize_and_group,
    dataset_lines,
    fixed_label_map_factory,
    hmac_label_map_factory,
    label_replacement_canonicalize,
)
from plecak.core.integrity.sd_proof_value import (
    BASE_PROOF_HEADER,
    DERIVED_PROOF_HEADER,
    BaseProofValue,
    DerivedProofValue,
    parse_base_proof_value,
    parse_derived_proof_value,
    serialize_base_proof_value,
    serialize_derived_proof_value,
)
from plecak.core.integrity.sd_proof_value import _b64url as _b64url
from plecak.core.integrity.sd_proof_value import _b64url_decode as _b64url_decode
from plecak.core.integrity.suites import Json, data_integrity_context_needed
from plecak.core.jsonld.loader import DocumentLoader, default_loader
from plecak.core.jsonld.rdf import canonicalize
from plecak.core.jsonld.select import parse_pointer, select_json_ld

__all__ = [
    "BASE_PROOF_HEADER",
    "DERIVED_PROOF_HEADER",
    "ECDSA_SD_2023",
    "BaseProofValue",
    "DerivedProofValue",
    "EcdsaSd2023",
    "Grouped",
    "base_signature_of",
    "canonicalize_and_group",
    "create_base_proof_value",
    "derive",
    "disclose_all",
    "find_sd_proof",
    "hmac_label_map_factory",
    "is_base_proof",
    "parse_base_proof_value",
    "parse_derived_proof_value",
    "parse_pointer",
    "select_json_ld",
    "serialize_base_proof_value",
    "serialize_derived_proof_value",
    "verify_derived_proof_value",
]

ECDSA_SD_2023 = "ecdsa-sd-2023"



def is_base_proof(proof_value: Any) -> bool:
    """Whether ``proof_value`` is an ecdsa-sd-2023 base proof (starts ``u2V0A``)."""
    return isinstance(proof_value, str) and proof_value.startswith("u2V0A")


# --- the suite ------------------------------------------------------------------------------


def _sign(key: EcdsaKeyPair, data: bytes, deterministic: bool) -> bytes:
    if not deterministic:
        return key.sign(data)
    if key.private_key is None or key.key_type != "P-256":
        raise ProofError("deterministic signing needs a P-256 private key")
    der = key.private_key.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _pointers_option(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ProofError(f"{name} must be a list of JSON pointers")
    for pointer in value:
        parse_pointer(pointer)
    return list(value)


def _proof_hash(proof_config: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    return hashlib.sha256(canonicalize(dict(proof_config), loader).encode()).digest()


def create_base_proof_value(
    document: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    key: KeyPair,
    loader: DocumentLoader,
    mandatory_pointers: Sequence[str] = (),
    *,
    hmac_key: bytes | None = None,
    proof_key: EcdsaKeyPair | None = None,
    deterministic: bool = False,
) -> str:
    """The base ``proofValue`` (``u2V0A…``) for ``document`` (without its proof)."""
    if not isinstance(key, EcdsaKeyPair) or key.key_type != "P-256":
        raise ProofError("ecdsa-sd-2023 needs a P-256 issuer key")
    pointers = _pointers_option(list(mandatory_pointers), "mandatoryPointers")
    hmac_key = hmac_key if hmac_key is not None else secrets.token_bytes(32)
    if len(hmac_key) != 32:
        raise ProofError("the HMAC key must be 32 bytes")
    proof_key = proof_key or EcdsaKeyPair.generate("P-256")
    if proof_key.key_type != "P-256":
        raise ProofError("the ephemeral proof key must be P-256")
    grouped = canonicalize_and_group(
        document, hmac_label_map_factory(hmac_key), {"mandatory": pointers}, loader
    )
    mandatory = grouped.groups["mandatory"]
    proof_hash = _proof_hash(proof_config, loader)
    mandatory_hash = hashlib.sha256("".join(mandatory.matching.values()).encode()).digest()
    public_key = decode_multibase(proof_key.public_multibase)
    signatures = [_sign(proof_key, q.encode(), deterministic) for q in mandatory.non_matching.values()]
    base_signature = _sign(key, proof_hash + public_key + mandatory_hash, deterministic)
    return serialize_base_proof_value(
        BaseProofValue(base_signature, public_key, hmac_key, signatures, pointers)
    )


@dataclass(frozen=True)
class _Disclosure:
    value: DerivedProofValue
    reveal_document: dict[str, Any]


def _disclosure(
    document: Mapping[str, Any], base: BaseProofValue, selective: list[str], loader: DocumentLoader
) -> _Disclosure:
    combined = [*base.mandatory_pointers, *[p for p in selective if p not in base.mandatory_pointers]]
    if not combined:
        raise ProofError("nothing to disclose: no mandatory and no selective pointers")
    grouped = canonicalize_and_group(
        document,
        hmac_label_map_factory(base.hmac_key),
        {"mandatory": base.mandatory_pointers, "selective": selective, "combined": combined},
        loader,
    )
    mandatory = grouped.groups["mandatory"].matching
    selected = grouped.groups["selective"].matching
    combined_group = grouped.groups["combined"]
    mandatory_indexes = [rel for rel, absolute in enumerate(combined_group.matching) if absolute in mandatory]
    non_mandatory = list(grouped.groups["mandatory"].non_matching)
    if len(non_mandatory) != len(base.signatures):
        raise ProofError(
            "the base proof does not match the credential (signature count differs): it was altered"
        )
    signatures = [base.signatures[i] for i, absolute in enumerate(non_mandatory) if absolute in selected]
    reveal = select_json_ld(combined, document)
    assert reveal is not None
    id_map = canonical_id_map(combined_group.deskolemized_nquads)
    verifier_labels = {c14n: grouped.label_map[inp] for inp, c14n in id_map.items()}
    value = DerivedProofValue(
        base.base_signature, base.public_key, signatures, verifier_labels, mandatory_indexes
    )
    return _Disclosure(value, reveal)


def find_sd_proof(document: Mapping[str, Any]) -> dict[str, Any]:
    """The single ecdsa-sd-2023 proof on ``document``; ProofError when none or several."""
    proofs = document.get("proof")
    candidates = [
        p
        for p in (proofs if isinstance(proofs, list) else [proofs])
        if isinstance(p, dict)
        and p.get("type") == "DataIntegrityProof"
        and p.get("cryptosuite") == ECDSA_SD_2023
    ]
    if not candidates:
        raise ProofError("the credential has no ecdsa-sd-2023 proof")
    if len(candidates) > 1:
        raise ProofError("the credential has more than one ecdsa-sd-2023 proof")
    return candidates[0]


def base_signature_of(document: Mapping[str, Any]) -> bytes:
    """The issuer's base signature on an ecdsa-sd-2023 credential, from its base or derived proof.

    Every disclosure derived from one issued credential carries the same base signature, and a
    derived proof only verifies with the issuer's genuine one: it identifies the issued credential
    whatever the holder chose to disclose. ProofError if there is no readable ecdsa-sd-2023 proof.
    """
    value = str(find_sd_proof(document).get("proofValue", ""))
    if is_base_proof(value):
        return parse_base_proof_value(value).base_signature
    return parse_derived_proof_value(value).base_signature


def derive(
    credential: Mapping[str, Any],
    selective_pointers: Sequence[str],
    loader: DocumentLoader | None = None,
) -> dict[str, Any]:
    """The holder's disclosure: ``credential`` (with an ecdsa-sd-2023 *base* proof) reduced to its
    mandatory fields plus the fields ``selective_pointers`` select, with a derived proof."""
    if not isinstance(credential, Mapping):
        raise TypeError("credential must be a JSON object")
    selective = _pointers_option(
        list(selective_pointers) if not isinstance(selective_pointers, str) else selective_pointers,
        "selectivePointers",
    )
    loader = loader or default_loader()
    proof = find_sd_proof(credential)
    base = parse_base_proof_value(str(proof.get("proofValue", "")))
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    disclosure = _disclosure(unsecured, base, selective, loader)
    derived_proof = {k: v for k, v in proof.items() if k != "proofValue"}
    derived_proof["proofValue"] = serialize_derived_proof_value(disclosure.value)
    out = dict(disclosure.reveal_document)
    out["proof"] = derived_proof
    return out


def _verifier_nquads(
    document: Mapping[str, Any], label_map: Mapping[str, str], loader: DocumentLoader
) -> list[str]:
    """The disclosed document's canonical N-Quads with the proof's HMAC labels, sorted."""
    nquads, _ = label_replacement_canonicalize(
        dataset_lines(document, loader), fixed_label_map_factory(label_map)
    )
    return nquads


def disclose_all(credential: Mapping[str, Any], loader: DocumentLoader | None = None) -> dict[str, Any]:
    """A derived credential that discloses everything: how a holder checks a base proof (a
    verifier accepts derived proofs only). Its verification covers every signature."""
    pointers = [
        "/" + k.replace("~", "~0").replace("/", "~1") for k in credential if k not in ("@context", "proof")
    ]
    return derive(credential, pointers, loader)


def verify_derived_proof_value(
    document: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    proof_value: str,
    key: KeyPair,
    loader: DocumentLoader,
) -> None:
    """Return if ``proof_value`` is a valid derived proof of ``document``; ProofError saying why not."""
    derived = parse_derived_proof_value(proof_value)
    if not isinstance(key, EcdsaKeyPair) or key.key_type != "P-256":
        raise ProofError("ecdsa-sd-2023 needs a P-256 issuer key")
    proof_hash = _proof_hash(proof_config, loader)
    nquads = _verifier_nquads(document, derived.label_map, loader)
    indexes = set(derived.mandatory_indexes)
    if len(indexes) != len(derived.mandatory_indexes) or any(i < 0 or i >= len(nquads) for i in indexes):
        raise ProofError("derived proof mandatoryIndexes do not fit the disclosed document")
    mandatory = [q for i, q in enumerate(nquads) if i in indexes]
    non_mandatory = [q for i, q in enumerate(nquads) if i not in indexes]
    if len(non_mandatory) != len(derived.signatures):
        raise ProofError(
            f"derived proof has {len(derived.signatures)} signatures "
            f"for {len(non_mandatory)} disclosed statements"
        )
    mandatory_hash = hashlib.sha256("".join(mandatory).encode()).digest()
    if not key.verify(derived.base_signature, proof_hash + derived.public_key + mandatory_hash):
        raise ProofError(
            "base signature does not match: the mandatory fields or the proof options were altered"
        )
    try:
        proof_key = decode_multikey(encode_multibase(derived.public_key))
    except KeyFormatError as exc:
        raise ProofError(f"derived proof publicKey: {exc}") from None
    for statement, signature in zip(non_mandatory, derived.signatures, strict=True):
        if not proof_key.verify(signature, statement.encode()):
            raise ProofError("a disclosed statement does not match its signature: the credential was altered")


class EcdsaSd2023:
    """``ecdsa-sd-2023`` (``DataIntegrityProof``); ``options["mandatoryPointers"]`` at issuance."""

    name = ECDSA_SD_2023
    proof_type = "DataIntegrityProof"
    cryptosuite: str | None = ECDSA_SD_2023
    key_types = frozenset({"P-256"})

    def context_needed(self, contexts: list[Any]) -> str | None:
        return data_integrity_context_needed(contexts)

    def create_proof_value(
        self, document: Json, proof_config: Json, key: KeyPair, loader: DocumentLoader, options: Mapping[str, Any]
    ) -> str:
        if "proof" in document:
            raise ProofError("ecdsa-sd-2023 cannot chain to previous proofs")
        pointers = _pointers_option(options.get("mandatoryPointers"), "mandatoryPointers")
        return create_base_proof_value(document, proof_config, key, loader, pointers)

    def verify_proof_value(
        self, document: Json, proof_config: Json, proof_value: str, key: KeyPair, loader: DocumentLoader
    ) -> None:
        verify_derived_proof_value(document, proof_config, proof_value, key, loader)


def is_derived_disclosure(credential: Any) -> bool:
    """Whether ``credential`` carries an ecdsa-sd-2023 *derived* proof (a selective disclosure)."""
    if not isinstance(credential, Mapping):
        return False
    try:
        proof = find_sd_proof(credential)
    except ProofError:
        return False
    value = proof.get("proofValue") if proof else None
    return isinstance(value, str) and value.startswith("u2V0B")
