"""Run ``bench/peers/js_bench.mjs`` with Digital Bazaar's reference stack.

The npm packages are the ones pinned in ``tests/reference/package.json``, installed outside the
repository (``$PLECAK_JS_CACHE`` or ``~/.cache/plecak/jsref``) by ``tests/support/reference_js.py``; the
bench script is copied next to their ``node_modules`` so Node resolves them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "js_bench.mjs"

__all__ = ["run_js"]


def run_js(
    credentials: Sequence[tuple[str, dict[str, Any]]],
    seconds: float,
    prefix: Sequence[str] = (),
    rounds: int = 5,
    timeout: float = 600.0,
) -> dict[str, Any]:
    """``{"node": version, "results": {label: {...}}}`` or ``{"error": why}``."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from support.reference_js import ReferenceUnavailable, ensure_installed
    finally:
        sys.path.pop(0)
    try:
        target = ensure_installed()
    except ReferenceUnavailable as exc:
        return {"error": str(exc)}
    shutil.copyfile(SCRIPT, target / SCRIPT.name)
    node = shutil.which("node") or "node"
    request = {
        "contextsDir": str(ROOT / "contexts"),
        "seconds": seconds,
        "rounds": rounds,
        "credentials": [{"label": label, "credential": vc} for label, vc in credentials],
    }
    proc = subprocess.run(
        [*prefix, node, str(target / SCRIPT.name)],
        cwd=target,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if not lines:
        return {"error": f"node printed nothing (exit {proc.returncode}): {proc.stderr.strip()[-500:]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result
