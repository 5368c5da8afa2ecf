"""didkit 0.3.3 (spruceid/ssi, Rust) as an independent oracle for VC 1.1 + Ed25519Signature2020.

didkit only handles VC 1.1 with its own built-in contexts and the Ed25519Signature2018/2020
suites, so this checks the legacy suite in both directions:

* a credential we sign with ``add_proof(..., suite="Ed25519Signature2020")`` and a did:key
  verifies in didkit, and a tampered copy does not;
* a credential didkit signs verifies in ``verify_proofs`` (with the suite context in the
  document's ``@context`` or, as didkit does by default, inside ``proof["@context"]``), and a
  tampered copy does not.

didkit's Python binding runs a Tokio runtime and crashes the interpreter at exit now and then
(``PyGILState_Release`` / segfault while finalising). So it is never imported into the pytest
process: each call runs this file as a script in a child interpreter that leaves with
``os._exit`` once its answer is written.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import importlib.util
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import DidResolver, did_key
from plecak.core.integrity.proofs import add_proof, verify_proofs

VC_V1 = "https://www.w3.org/2018/credentials/v1"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


# --- the child process ------------------------------------------------------------------------


async def _run_ops(ops: list[dict[str, Any]]) -> list[Any]:
    import didkit  # only ever imported in the child

    results: list[Any] = []
    for op in ops:
        name = op["op"]
        try:
            if name == "generate_key":
                results.append(json.loads(didkit.generate_ed25519_key()))
            elif name == "key_to_did":
                results.append(didkit.key_to_did("key", json.dumps(op["jwk"])))
            elif name == "key_to_vm":
                results.append(await didkit.key_to_verification_method("key", json.dumps(op["jwk"])))
            elif name == "issue":
                signed = await didkit.issue_credential(
                    json.dumps(op["credential"]), json.dumps(op["options"]), json.dumps(op["jwk"])
                )
                results.append(json.loads(signed))
            elif name == "verify":
                report = await didkit.verify_credential(
                    json.dumps(op["credential"]), json.dumps(op.get("options", {}))
                )
                results.append(json.loads(report))
            else:
                results.append({"error": f"unknown op {name!r}"})
        except Exception as exc:  # didkit raises DIDKitException with a message
            results.append({"exception": f"{type(exc).__name__}: {exc}"})
    return results


def _child_main() -> None:
    ops = json.loads(sys.stdin.read())
    out = json.dumps(asyncio.run(_run_ops(ops)))
    sys.stdout.write(out + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter finalisation, where didkit's runtime may crash


# --- the tests ----------------------------------------------------------------------------------

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("didkit") is None, reason="didkit is not installed (pip install didkit==0.3.3)"
)


def didkit(*ops: dict[str, Any]) -> list[Any]:
    """Run ``ops`` in a child interpreter that has didkit; one result per op."""
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__)],
        input=json.dumps(list(ops)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, f"didkit child failed ({proc.returncode}): {proc.stderr}"
    results: list[Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return results


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwk_of(key: Ed25519KeyPair) -> dict[str, str]:
    """The private OKP JWK didkit uses: ``x`` is the public key, ``d`` the 32-byte seed."""
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(key.public_bytes), "d": b64url(key.seed)}


def key_of(jwk: dict[str, str]) -> Ed25519KeyPair:
    assert jwk["kty"] == "OKP"
    assert jwk["crv"] == "Ed25519"
    key = Ed25519KeyPair.from_seed(b64url_decode(jwk["d"]))
    assert key.public_bytes == b64url_decode(jwk["x"])
    return key


def method(key: Ed25519KeyPair) -> str:
    return f"{did_key(key)}#{key.public_multibase}"


@pytest.fixture(scope="module")
def key() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(
        bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    )


def credential_v11(issuer: str, contexts: list[str]) -> dict[str, Any]:
    return {
        "@context": contexts,
        "id": "urn:uuid:5d8b1c9a-6f3e-4b7a-8a1e-2c4d6f8a0b13",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": "2025-03-01T12:00:00Z",
        "credentialSubject": {"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
    }


def assert_didkit_ok(report: dict[str, Any]) -> None:
    assert report.get("errors") == [], report
    assert "proof" in report.get("checks", []), report


def assert_didkit_rejects(report: dict[str, Any]) -> None:
    assert report.get("errors") or "exception" in report, report


def test_jwk_and_did_conversion(key: Ed25519KeyPair) -> None:
    generated, our_did, our_vm = didkit(
        {"op": "generate_key"},
        {"op": "key_to_did", "jwk": jwk_of(key)},
        {"op": "key_to_vm", "jwk": jwk_of(key)},
    )
    assert our_did == did_key(key)
    assert our_vm == method(key)
    # and the other way: a key didkit generated, read as our seed, gives didkit's DID
    converted = key_of(generated)
    (their_did,) = didkit({"op": "key_to_did", "jwk": generated})
    assert their_did == did_key(converted)


@pytest.mark.parametrize("contexts", [[VC_V1], [VC_V1, ED25519_2020]], ids=["v1", "v1+suite"])
def test_we_sign_didkit_verifies(key: Ed25519KeyPair, contexts: list[str]) -> None:
    signed = add_proof(credential_v11(did_key(key), contexts), key, method(key), suite="Ed25519Signature2020")
    assert signed["@context"] == [VC_V1, ED25519_2020]
    subject_changed = copy.deepcopy(signed)
    subject_changed["credentialSubject"]["id"] = "did:example:someone-else"
    created_changed = copy.deepcopy(signed)
    created_changed["proof"]["created"] = "2020-01-01T00:00:00Z"
    other = Ed25519KeyPair.from_seed(bytes(32))
    wrong_key = add_proof(
        credential_v11(did_key(key), contexts), other, method(key), suite="Ed25519Signature2020"
    )
    ok, *bad = didkit(
        {"op": "verify", "credential": signed, "options": {"proofPurpose": "assertionMethod"}},
        {"op": "verify", "credential": subject_changed},
        {"op": "verify", "credential": created_changed},
        {"op": "verify", "credential": wrong_key},
    )
    assert_didkit_ok(ok)
    for report in bad:
        assert_didkit_rejects(report)


@pytest.mark.parametrize(
    "contexts", [[VC_V1], [VC_V1, ED25519_2020]], ids=["proof-context", "document-context"]
)
async def test_didkit_signs_we_verify(key: Ed25519KeyPair, contexts: list[str]) -> None:
    options = {
        "proofPurpose": "assertionMethod",
        "verificationMethod": method(key),
        "type": "Ed25519Signature2020",
    }
    (signed,) = didkit(
        {
            "op": "issue",
            "credential": credential_v11(did_key(key), contexts),
            "options": options,
            "jwk": jwk_of(key),
        }
    )
    assert "exception" not in signed, signed
    proof = signed["proof"]
    assert proof["type"] == "Ed25519Signature2020"
    if ED25519_2020 in contexts:
        assert "@context" not in proof
    else:
        # didkit carries the suite context inside the proof when the document lacks it
        assert proof["@context"] == [ED25519_2020]

    checks = await verify_proofs(signed, DidResolver())
    assert len(checks) == 1
    assert checks[0].verified, checks[0].errors
    assert checks[0].controller == did_key(key)

    tampered = copy.deepcopy(signed)
    tampered["issuanceDate"] = "2025-03-02T12:00:00Z"
    (check,) = await verify_proofs(tampered, DidResolver())
    assert not check.verified
    assert check.errors

    tampered = copy.deepcopy(signed)
    tampered["proof"]["created"] = "2020-01-01T00:00:00Z"
    (check,) = await verify_proofs(tampered, DidResolver())
    assert not check.verified


async def test_didkit_generated_key_signs_we_verify() -> None:
    """Round trip with a key that didkit generated (its JWK read as our seed)."""
    (jwk,) = didkit({"op": "generate_key"})
    key = key_of(jwk)
    options = {
        "proofPurpose": "assertionMethod",
        "verificationMethod": method(key),
        "type": "Ed25519Signature2020",
    }
    (signed,) = didkit(
        {"op": "issue", "credential": credential_v11(did_key(key), [VC_V1]), "options": options, "jwk": jwk}
    )
    (check,) = await verify_proofs(signed, DidResolver())
    assert check.verified, check.errors


if __name__ == "__main__":
    _child_main()
