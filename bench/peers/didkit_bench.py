"""didkit 0.3.3 (spruceid/ssi, Rust, PyPI) verify throughput, run in its own interpreter.

Reads ``{"seconds": 3, "rounds": 5, "credentials": [{"label": ..., "credential": {...}}]}`` on stdin
and prints one JSON line ``{"version": ..., "results": {label: {"ops": median, "rounds": [...]}}}``.
didkit only takes VC 1.1 with its built-in contexts (Ed25519Signature2018/2020), so the runner
sends it the VC 1.1 credential only. The process leaves with ``os._exit``: didkit's Tokio runtime
can crash while the interpreter finalises (see tests/interop/test_didkit_oracle.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from importlib.metadata import version
from typing import Any


async def bench(request: dict[str, Any]) -> dict[str, Any]:
    import didkit

    rounds = int(request.get("rounds", 5))
    slice_seconds = float(request.get("seconds", 3)) / rounds
    options = json.dumps({"proofPurpose": "assertionMethod"})
    results: dict[str, Any] = {}
    for item in request["credentials"]:
        text = json.dumps(item["credential"])
        report = json.loads(await didkit.verify_credential(text, options))
        if report.get("errors"):
            results[item["label"]] = {"ops": None, "verified": False, "error": report["errors"]}
            continue
        rates = []
        for _ in range(rounds):
            n, start = 0, time.perf_counter()
            while time.perf_counter() - start < slice_seconds:
                await didkit.verify_credential(text, options)
                n += 1
            rates.append(n / (time.perf_counter() - start))
        results[item["label"]] = {"ops": statistics.median(rates), "rounds": rates, "verified": True}
    return {"version": version("didkit"), "results": results}


def main() -> None:
    try:
        out = asyncio.run(bench(json.loads(sys.stdin.read())))
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
