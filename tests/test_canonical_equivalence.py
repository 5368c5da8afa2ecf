"""Our canonicalisation shortcuts must give exactly pyld's own RDFC-1.0 output."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld as pyld

from vc.jsonld import canonicalize
from vc.loader import default_loader

VECTORS = Path(__file__).parent / "vectors"
DOCUMENTS = sorted(
    p
    for p in VECTORS.rglob("*.json")
    if "KeyPair" not in p.name
    and "keyPair" not in p.name
    and isinstance(doc := json.loads(p.read_text(encoding="utf-8")), dict)
    and "@context" in doc
)


def reference(doc: Any) -> str:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": default_loader(),
        "base": None,
    }
    result: str = pyld.normalize(copy.deepcopy(doc), options)
    return result


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(VECTORS)))
def test_canonical_form_equals_pyld_normalize(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert canonicalize(doc) == reference(doc)


def _prune(node: Any, rng: random.Random) -> Any:
    """Drop random members and list items (never @context, id or type) to vary the graph shape."""
    if isinstance(node, dict):
        keep = {k: v for k, v in node.items() if k in ("@context", "id", "type") or rng.random() > 0.25}
        return {k: _prune(v, rng) for k, v in keep.items()}
    if isinstance(node, list) and node and not all(isinstance(x, str) for x in node):
        kept = [x for x in node if rng.random() > 0.3] or node[:1]
        return [_prune(x, rng) for x in kept]
    return node


@pytest.mark.parametrize("seed", range(40))
def test_fuzzed_micro_credentials_canonicalise_like_pyld(seed: int) -> None:
    base = json.loads(
        (VECTORS / "examples" / "microcredential-data-literacy.json").read_text(encoding="utf-8")
    )
    doc = _prune(base, random.Random(seed))
    assert canonicalize(doc) == reference(doc)
