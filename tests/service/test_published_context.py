"""The extension context is published by the issuer itself and credentials name that URL, pinned by a
``relatedResource`` digest; our own loader stays offline and maps the published URL to the bundled,
hash-pinned file (old credentials naming ``https://w3id.org/plecak/mc/v1`` keep verifying)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest

from plecak.core.errors import DocumentLoaderError
from plecak.core.jsonld.loader import default_context_store, default_loader
from plecak.core.model.relatedresource import digest_problems
from plecak.issuer.app import create_app
from support.issuer import AUTH, PUBLIC_URL, achievement, issuer_settings, profile
from support.oid4vci import ClientFactory

LEGACY = "https://w3id.org/plecak/mc/v1"


def test_loader_maps_a_published_copy_on_any_host_to_the_bundled_context() -> None:
    store = default_context_store()
    for url in ("https://uni.example/contexts/plecak/mc/v1", "http://localhost:8000/contexts/plecak/mc/v1"):
        assert store.raw(url) == store.raw(LEGACY)
        assert default_loader()(url)["document"] is store.document(LEGACY)
    for url in (
        "https://uni.example/contexts/plecak/mc/v2",
        "https://uni.example/contexts/plecak/mc/v1?x=1",
        "https://uni.example/contexts/plecak/mc/v1#x",
        "ftp://uni.example/contexts/plecak/mc/v1",
        "https://uni.example/other/contexts/plecak/mc/v1",
    ):
        assert url not in store
        with pytest.raises(DocumentLoaderError):
            store.raw(url)


async def test_credential_names_the_issuers_published_context_pinned_by_its_digest(
    aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    client = await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))
    await client.put("/api/issuer/profile", json=profile(), headers=AUTH)
    uuid = (await (await client.post("/api/achievements", json=achievement(0), headers=AUTH)).json())["uuid"]
    body = {"learner": {"name": "Anna Kowalska"}, "grade": "5.0"}
    vc: dict[str, Any] = (
        await (await client.post(f"/api/achievements/{uuid}/credentials", json=body, headers=AUTH)).json()
    )["verifiableCredential"]
    url = f"{PUBLIC_URL}/contexts/plecak/mc/v1"
    assert url in vc["@context"]
    assert LEGACY not in vc["@context"]
    resp = await client.get("/contexts/plecak/mc/v1")
    assert resp.status == 200
    assert resp.content_type == "application/ld+json"
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    served = await resp.read()
    (pin,) = [r for r in vc["relatedResource"] if r["id"] == url]
    assert (
        pin["digestMultibase"] == "u" + base64.urlsafe_b64encode(hashlib.sha256(served).digest()).rstrip(b"=").decode()
    )
    assert digest_problems(vc) == []
    assert digest_problems({**vc, "relatedResource": [{**pin, "digestMultibase": "u" + "A" * 43}]}) != []
