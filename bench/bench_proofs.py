"""In-process throughput of signing and verifying eddsa-rdfc-2022 credentials.

    .venv/bin/python bench/bench_proofs.py [--seconds 3]

Reports operations per second (median of five rounds) for a small VC 2.0 credential (the W3C test
vector's document) and for a full Open Badges micro-credential issued the way the issuer does it.
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

from vc.dataintegrity import add_proof, verify_proofs
from vc.did import DidResolver, did_key
from vc.keys import Ed25519KeyPair

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "vectors" / "vc-di-eddsa" / "unsigned.json"
FULL = ROOT / "tests" / "vectors" / "examples" / "microcredential-data-literacy.json"


def rate(fn: Callable[[], Any], seconds: float) -> float:
    rounds = []
    for _ in range(5):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 5:
            fn()
            n += 1
        rounds.append(n / (time.perf_counter() - start))
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    key = Ed25519KeyPair.generate()
    did = did_key(key)
    vm = f"{did}#{key.public_multibase}"
    resolver = DidResolver()
    loop = asyncio.new_event_loop()
    docs = {}
    if SMALL.exists():
        docs["small VC 2.0 (W3C vector)"] = json.loads(SMALL.read_text())
    if FULL.exists():
        full = json.loads(FULL.read_text())
        full["issuer"]["id"] = did
        docs["full Open Badges micro-credential"] = full
    print(f"{'document':40} {'sign/s':>10} {'verify/s':>10}")
    for label, doc in docs.items():
        doc = dict(doc)
        doc["issuer"] = did if isinstance(doc.get("issuer"), str) else doc["issuer"]
        signed = add_proof(doc, key, vm)
        assert loop.run_until_complete(verify_proofs(signed, resolver))[0].verified
        sign_rate = rate(lambda d=doc: add_proof(d, key, vm), args.seconds)
        verify_rate = rate(lambda s=signed: loop.run_until_complete(verify_proofs(s, resolver)), args.seconds)
        print(f"{label:40} {sign_rate:10.0f} {verify_rate:10.0f}")


if __name__ == "__main__":
    main()
