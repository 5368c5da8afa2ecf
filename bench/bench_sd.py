"""In-process throughput of ecdsa-sd-2023 (base proof, derive, verify) next to eddsa-rdfc-2022.

    .venv/bin/python bench/bench_sd.py [--seconds 3]

Operations per CPU-second of this process (median of five rounds; CPU time, so other load on a
shared machine disturbs it less), one core, for a small VC 2.0 credential (the W3C
ecdsa-sd test vector's document, its mandatory and selective pointers) and for the full Open
Badges micro-credential (the issuer's default mandatory pointers; the holder hides the grade).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair
from plecak.core.did import DidResolver, did_key
from plecak.core.disclosure import EcdsaSdAdapter, default_mandatory_pointers
from plecak.core.integrity.ecdsa_sd import derive
from plecak.core.integrity.proofs import add_proof, verify_proofs

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors" / "vc-di-ecdsa" / "TestVectors"
FULL = ROOT / "tests" / "vectors" / "examples" / "microcredential-data-literacy.json"


def rate(fn: Callable[[], Any], seconds: float) -> float:
    rounds = []
    for _ in range(5):
        n, start = 0, time.process_time()
        while time.process_time() - start < seconds / 5:
            fn()
            n += 1
        rounds.append(n / (time.process_time() - start))
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    ed = Ed25519KeyPair.generate()
    p256 = EcdsaKeyPair.generate("P-256")
    resolver = DidResolver()
    loop = asyncio.new_event_loop()

    def verify(document: dict[str, Any]) -> None:
        checks = loop.run_until_complete(verify_proofs(document, resolver))
        assert checks, checks
        assert checks[0].verified, checks

    small = json.loads((VECTORS / "employmentAuth.json").read_text())
    full = json.loads(FULL.read_text())
    cases = [
        (
            "small VC 2.0 (W3C vector)",
            small,
            json.loads((VECTORS / "employMandatory.json").read_text()),
            json.loads((VECTORS / "employSelective.json").read_text()),
        ),
        ("full micro-credential (grade hidden)", full, default_mandatory_pointers(full), None),
    ]
    print(f"{'document':38} {'suite':16} {'sign/s':>8} {'derive/s':>9} {'verify/s':>9}")
    for label, doc, mandatory, selective in cases:
        for suite, key in (("eddsa-rdfc-2022", ed), ("ecdsa-sd-2023", p256)):
            did = did_key(key)
            vm = f"{did}#{key.public_multibase}"
            document = json.loads(json.dumps(doc))
            if isinstance(document.get("issuer"), dict):
                document["issuer"]["id"] = did
            else:
                document["issuer"] = did
            options = {"mandatoryPointers": mandatory} if suite == "ecdsa-sd-2023" else None
            signed = add_proof(document, key, vm, suite=suite, options=options)
            sign_rate = rate(
                lambda d=document, k=key, v=vm, s=suite, o=options: add_proof(d, k, v, suite=s, options=o),
                args.seconds,
            )
            if suite == "ecdsa-sd-2023":
                if selective is None:
                    keep = [f.key for f in EcdsaSdAdapter().fields(signed) if f.key != "grade"]
                    pointers = EcdsaSdAdapter().pointers(signed, keep)
                else:
                    pointers = selective
                shown = derive(signed, pointers)
                derive_rate = f"{rate(lambda s=signed, p=pointers: derive(s, p), args.seconds):9.0f}"
            else:
                shown, derive_rate = signed, f"{'-':>9}"
            verify(shown)
            verify_rate = rate(lambda s=shown: verify(s), args.seconds)
            print(f"{label:38} {suite:16} {sign_rate:8.0f} {derive_rate} {verify_rate:9.0f}")


if __name__ == "__main__":
    main()
