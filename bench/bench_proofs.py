"""In-process throughput of signing and verifying credentials with the core library.

    .venv/bin/python bench/bench_proofs.py [--seconds 3] [--rounds 5] [--json]

One core, one thread. Reports operations per second (median of the rounds) for the credentials in
``bench/credentials.py`` (small VC 2.0 and full Open Badges micro-credential with eddsa-rdfc-2022,
small VC 1.1 with Ed25519Signature2020), plus the physical floor: a bare Ed25519 verify of 32 bytes
(pyca/cryptography). Verification is the full ``verify_proofs`` (DID resolution of did:key, shape
checks, canonicalisation, hashing, Ed25519).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from credentials import LABELS, SUITES, key_and_method, signed, unsigned

from plecak.core.did import DidResolver
from plecak.core.integrity.proofs import add_proof, verify_proofs


def rate(fn: Callable[[], Any], seconds: float, rounds: int = 5) -> float:
    warm_until = time.perf_counter() + min(0.2, seconds / rounds)
    while time.perf_counter() < warm_until:  # caches filled, allocator settled
        fn()
    rates = []
    for _ in range(rounds):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / rounds:
            fn()
            n += 1
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


def measure(seconds: float, rounds: int = 5) -> dict[str, float]:
    key, _, method = key_and_method()
    resolver = DidResolver()
    loop = asyncio.new_event_loop()
    out: dict[str, float] = {}
    message, signature = b"\x01" * 32, key.sign(b"\x01" * 32)
    out["ed25519 verify (32 bytes)"] = rate(
        lambda: key.public_key.verify(signature, message), seconds, rounds
    )
    for name in ("small", "full", "small11"):
        doc, vc = unsigned(name), signed(name)
        assert loop.run_until_complete(verify_proofs(vc, resolver))[0].verified, name
        out[f"sign {name}"] = rate(
            lambda d=doc, s=SUITES[name]: add_proof(d, key, method, suite=s), seconds, rounds
        )
        out[f"verify {name}"] = rate(
            lambda v=vc: loop.run_until_complete(verify_proofs(v, resolver)), seconds, rounds
        )
    loop.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement, all rounds together")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    results = measure(args.seconds, args.rounds)
    if args.json:
        print(json.dumps(results))
        return
    for label, value in results.items():
        op, _, name = label.partition(" ")
        print(f"{op:8} {LABELS.get(name, name):62} {value:10.0f}/s")


if __name__ == "__main__":
    main()
