"""Cross-check with an independent implementation: Digital Bazaar's JavaScript VC stack.

``tests/reference/verify.mjs`` verifies with ``@digitalbazaar/vc`` + ``data-integrity`` +
``eddsa-rdfc-2022-cryptosuite`` (and ``ed25519-signature-2020``), loading only our bundled
contexts and the DID documents we pass. See ``tests/support/reference_js.py`` for the install.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import DidResolver, did_document, did_key
from plecak.core.integrity.proofs import add_proof, verify_proofs
from support import TESTS
from support.reference_js import require_reference, verify_with_reference

VECTORS = TESTS / "vectors"
EDDSA = VECTORS / "vc-di-eddsa"


@pytest.fixture(scope="module", autouse=True)
def reference_installed() -> None:
    require_reference()


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def key() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(
        bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
    )


def method(key: Ed25519KeyPair) -> str:
    return f"{did_key(key)}#{key.public_multibase}"


def microcredential(issuer: str) -> dict[str, Any]:
    mc: dict[str, Any] = read_json(VECTORS / "examples" / "microcredential-data-literacy.json")
    mc["issuer"]["id"] = issuer
    return mc


def assert_verified(result: dict[str, Any]) -> None:
    assert result["verified"] is True, result
    assert result["error"] is None


def assert_rejected(result: dict[str, Any], *fragments: str) -> None:
    assert result["verified"] is False, result
    assert result["error"]
    for fragment in fragments:
        assert fragment in result["error"], result


# --- published vectors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "eddsa-rdfc-2022/signedDataInt.json",
        "eddsa-rdfc-2022/employ/signedDataInt.json",
        "Ed25519Signature2020/signedEdSig.json",
    ],
)
def test_published_vector_verifies(path: str) -> None:
    # the vectors' issuer is not the signing key's controller, so that rule is relaxed here
    assert_verified(verify_with_reference(read_json(EDDSA / path), relax_issuer=True))


def test_published_vector_issuer_rule_applies() -> None:
    """Without relaxing it, the reference insists on issuer == controller of the key."""
    result = verify_with_reference(read_json(EDDSA / "eddsa-rdfc-2022/signedDataInt.json"))
    assert_rejected(result, "issuer")


def test_tampered_vector_fails() -> None:
    vector = read_json(EDDSA / "eddsa-rdfc-2022/signedDataInt.json")
    vector["credentialSubject"]["alumniOf"] = "The School of Counterexamples"
    assert_rejected(verify_with_reference(vector, relax_issuer=True))


# --- what we sign ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed_mc(key: Ed25519KeyPair) -> dict[str, Any]:
    return add_proof(microcredential(did_key(key)), key, method(key))


async def test_our_microcredential_verifies_in_reference(signed_mc: dict[str, Any]) -> None:
    (check,) = await verify_proofs(signed_mc, DidResolver())
    assert check.verified, check.errors
    result = verify_with_reference(signed_mc)
    assert_verified(result)
    assert [r["cryptosuite"] for r in result["results"]] == ["eddsa-rdfc-2022"]


@pytest.mark.parametrize(
    "change",
    ["grade", "credits", "enumeration", "issuer-name", "created"],
)
def test_tampered_microcredential_fails_in_reference(signed_mc: dict[str, Any], change: str) -> None:
    mc = copy.deepcopy(signed_mc)
    achievement = mc["credentialSubject"]["achievement"]
    if change == "grade":
        mc["credentialSubject"]["result"][0]["value"] = "5.0"
    elif change == "credits":
        achievement["creditsAvailable"] = 30
    elif change == "enumeration":
        achievement["formOfParticipation"] = "Online"
    elif change == "issuer-name":
        mc["issuer"]["name"] = "Another University"
    else:
        mc["proof"]["created"] = "2020-01-01T00:00:00Z"
    assert_rejected(verify_with_reference(mc))


def test_microcredential_signed_by_another_key_fails_in_reference(key: Ed25519KeyPair) -> None:
    other = Ed25519KeyPair.from_seed(bytes(range(32)))
    forged = add_proof(microcredential(did_key(key)), other, method(key))
    assert_rejected(verify_with_reference(forged))


def test_our_did_web_credential_verifies_in_reference(key: Ed25519KeyPair) -> None:
    """A did:web issuer: the reference gets the DID document we would have resolved."""
    did = "did:web:issuer.example.org:wut"
    doc = did_document(did, [("key-1", key.public_multibase)])
    signed = add_proof(microcredential(did), key, f"{did}#key-1")
    assert_verified(verify_with_reference(signed, {did: doc}))
    # a DID document that does not list the key for assertions is refused
    auth_only = did_document(did, [("key-1", key.public_multibase)], relationships=["authentication"])
    assert_rejected(verify_with_reference(signed, {did: auth_only}))
    # and without the document the reference cannot (and must not) fetch it
    assert_rejected(verify_with_reference(signed))


def test_our_ed25519signature2020_verifies_in_reference(key: Ed25519KeyPair) -> None:
    unsigned = read_json(EDDSA / "unsigned.json")
    unsigned["issuer"] = did_key(key)
    signed = add_proof(unsigned, key, method(key), suite="Ed25519Signature2020")
    assert_verified(verify_with_reference(signed))
    signed["name"] = "Forged Credential"
    assert_rejected(verify_with_reference(signed))


def test_our_proof_set_verifies_in_reference(key: Ed25519KeyPair, signed_mc: dict[str, Any]) -> None:
    other = Ed25519KeyPair.from_seed(bytes(range(32)))
    both = add_proof(signed_mc, other, method(other))
    result = verify_with_reference(both, relax_issuer=True)
    assert_verified(result)
    assert [r["verified"] for r in result["results"]] == [True, True]


def test_reference_refuses_unbundled_context(signed_mc: dict[str, Any]) -> None:
    mc = copy.deepcopy(signed_mc)
    mc["@context"] = [*mc["@context"], "https://example.org/unbundled/v1"]
    assert_rejected(verify_with_reference(mc), "https://example.org/unbundled/v1")


def test_reference_safe_mode_rejects_undefined_enumeration(signed_mc: dict[str, Any]) -> None:
    """Both implementations refuse a value the contexts do not define (ours: UndefinedTermError)."""
    mc = copy.deepcopy(signed_mc)
    mc["credentialSubject"]["achievement"]["formOfParticipation"] = "Hybrid"
    assert_rejected(verify_with_reference(mc), "Safe mode")


def test_cache_dir_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from support import reference_js

    monkeypatch.setenv("PLECAK_JS_CACHE", str(tmp_path / "jsref"))
    assert reference_js.cache_dir() == tmp_path / "jsref"
    monkeypatch.delenv("PLECAK_JS_CACHE")
    assert reference_js.cache_dir() == Path.home() / ".cache" / "plecak" / "jsref"
