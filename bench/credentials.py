"""The credentials every benchmark uses, built the same way for us and for the peers.

One fixed throw-away key (seed below, public on purpose) signs, as ``did:key``:

* ``small``: the W3C vc-di-eddsa test vector's VC 2.0 document (~25 quads), ``eddsa-rdfc-2022``;
* ``full``: the Open Badges micro-credential example (137 quads), ``eddsa-rdfc-2022``;
* ``small11``: a minimal VC 1.1 credential (``credentials/v1`` only, what didkit 0.3.3 accepts),
  ``Ed25519Signature2020``.

The issuer is the key's DID, so the JS reference's issuer == key-controller rule holds.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import did_key
from plecak.core.integrity.proofs import add_proof

__all__ = ["CREATED", "KEY_SEED", "LABELS", "ROOT", "key_and_method", "signed", "unsigned"]

ROOT = Path(__file__).resolve().parent.parent
KEY_SEED = bytes.fromhex("5be6f0bd1a3b0a8c1d0d2f7f3b6b2e0c9a1e8d7c6b5a49382716051423324150")
CREATED = "2026-11-01T10:00:00Z"
LABELS = {
    "small": "small VC 2.0, eddsa-rdfc-2022 (~25 quads)",
    "full": "Open Badges micro-credential, eddsa-rdfc-2022 (137 quads)",
    "small11": "small VC 1.1, Ed25519Signature2020",
}
SUITES = {"small": "eddsa-rdfc-2022", "full": "eddsa-rdfc-2022", "small11": "Ed25519Signature2020"}


def key_and_method() -> tuple[Ed25519KeyPair, str, str]:
    key = Ed25519KeyPair.from_seed(KEY_SEED)
    did = did_key(key)
    return key, did, f"{did}#{key.public_multibase}"


def unsigned(name: str) -> dict[str, Any]:
    _, did, _ = key_and_method()
    if name == "small":
        doc = json.loads((ROOT / "tests/vectors/vc-di-eddsa/unsigned.json").read_text(encoding="utf-8"))
        doc["issuer"] = did
    elif name == "full":
        path = ROOT / "tests/vectors/examples/microcredential-data-literacy.json"
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["issuer"]["id"] = did
    elif name == "small11":
        doc = {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "type": ["VerifiableCredential"],
            "issuer": did,
            "issuanceDate": "2023-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:abcdefgh"},
        }
    else:
        raise KeyError(name)
    return copy.deepcopy(doc)


def signed(name: str) -> dict[str, Any]:
    key, _, method = key_and_method()
    return add_proof(unsigned(name), key, method, suite=SUITES[name], created=CREATED)
