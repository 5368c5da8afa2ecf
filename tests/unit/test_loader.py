"""The offline document loader: pinned context files, resolved DID documents, nothing else."""

from __future__ import annotations

import hashlib
import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld as pyld

from plecak.core.did import did_document, resolve_did_key
from plecak.core.errors import DocumentLoaderError
from plecak.core.jsonld.loader import (
    ContextStore,
    DocumentLoader,
    default_context_store,
    default_loader,
    find_contexts_dir,
)
from support import REPO

CONTEXTS = REPO / "contexts"
SHARED_CONTEXTS = REPO.parent / "shared" / "contexts"
SHARED_INDEX: dict[str, dict[str, Any]] = json.loads((CONTEXTS / "index.json").read_text(encoding="utf-8"))
#: Official contexts taken from their publisher because shared/ does not have them yet (docs/elm.md).
ADOPTED: dict[str, dict[str, Any]] = json.loads((CONTEXTS / "adopted.json").read_text(encoding="utf-8"))
INDEX: dict[str, dict[str, Any]] = {**SHARED_INDEX, **ADOPTED}
DID_KEY = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network access attempted in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


# --- the pinned files ---------------------------------------------------------------------------


def test_contexts_dir_is_the_repository_one() -> None:
    assert find_contexts_dir().resolve() == CONTEXTS.resolve()


@pytest.mark.parametrize("url", sorted(INDEX))
def test_context_digest_matches_index(url: str) -> None:
    entry = INDEX[url]
    data = (CONTEXTS / entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    json.loads(data)  # and it is JSON


def test_store_reports_no_mismatch() -> None:
    assert default_context_store().digest_mismatches() == []


def test_store_detects_a_changed_file(tmp_path: Path) -> None:
    for entry in INDEX.values():
        (tmp_path / entry["file"]).write_bytes((CONTEXTS / entry["file"]).read_bytes())
    (tmp_path / "index.json").write_bytes((CONTEXTS / "index.json").read_bytes())
    victim = INDEX["https://www.w3.org/ns/credentials/v2"]["file"]
    (tmp_path / victim).write_bytes((CONTEXTS / victim).read_bytes() + b"\n")
    assert ContextStore(tmp_path).digest_mismatches() == ["https://www.w3.org/ns/credentials/v2"]


def test_every_file_is_indexed_and_every_entry_exists() -> None:
    on_disk = {p.name for p in CONTEXTS.iterdir() if p.is_file()} - {"index.json", "adopted.json"}
    indexed = {entry["file"] for entry in INDEX.values()}
    assert on_disk == indexed


def test_index_entries_are_complete() -> None:
    for url, entry in INDEX.items():
        # The EU publishes its ELM context under http://data.europa.eu; every other URL is https.
        assert url.startswith("https://") or url in ADOPTED, url
        assert set(entry) >= {"file", "sha256", "source", "official", "verification"}, url
        assert len(entry["sha256"]) == 64


def test_adopted_contexts_name_their_publisher_and_commit() -> None:
    for url, entry in ADOPTED.items():
        assert entry["official"] is True, url
        assert entry["publisher"], url
        assert re.fullmatch(r"github:[\w.-]+/[\w.-]+@[0-9a-f]{40}:\S+", entry["source"]), url


def test_an_adopted_url_is_not_also_in_the_shared_index() -> None:
    assert not set(ADOPTED) & set(SHARED_INDEX)


def test_a_url_listed_twice_is_refused(tmp_path: Path) -> None:
    for name in ("index.json", "adopted.json"):
        (tmp_path / name).write_bytes((CONTEXTS / "index.json").read_bytes())
    with pytest.raises(ValueError, match="listed twice"):
        ContextStore(tmp_path)


@pytest.mark.skipif(not SHARED_CONTEXTS.is_dir(), reason="../shared/contexts is not present")
def test_contexts_are_byte_identical_to_shared() -> None:
    adopted = {"adopted.json"} | {entry["file"] for entry in ADOPTED.values()}
    ours = sorted(p.name for p in CONTEXTS.iterdir() if p.is_file() and p.name not in adopted)
    theirs = sorted(p.name for p in SHARED_CONTEXTS.iterdir() if p.is_file())
    assert ours == theirs
    shared_urls = json.loads((SHARED_CONTEXTS / "index.json").read_bytes())
    # when shared/ gets an adopted context, take shared's copy and drop ours from adopted.json
    assert not set(ADOPTED) & set(shared_urls)
    for name in ours:
        assert (CONTEXTS / name).read_bytes() == (SHARED_CONTEXTS / name).read_bytes(), name


# --- what the loader serves -----------------------------------------------------------------------


@pytest.mark.parametrize("url", sorted(INDEX))
def test_serves_every_bundled_context(url: str, no_network: list[Any]) -> None:
    remote = default_loader()(url, {})
    assert remote["documentUrl"] == url
    assert remote["contextUrl"] is None
    assert remote["document"] == json.loads((CONTEXTS / INDEX[url]["file"]).read_bytes())
    assert default_context_store().raw(url) == (CONTEXTS / INDEX[url]["file"]).read_bytes()
    assert no_network == []


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/context.jsonld",
        "http://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/v2/",
        "https://www.w3.org/ns/credentials/v2#x",
        "HTTPS://WWW.W3.ORG/ns/credentials/v2",
        "file:///etc/passwd",
        "file://" + str(CONTEXTS / "credentials-v2.jsonld"),
        "credentials-v2.jsonld",
        "did:web:example.org",
        DID_KEY,
        "urn:uuid:2f1f3e2b-6d01-4c2c-9d55-0b6a4e0c52f3",
        "",
    ],
)
def test_refuses_other_urls(url: str, no_network: list[Any]) -> None:
    loader = DocumentLoader()
    with pytest.raises(DocumentLoaderError) as info:
        loader.load(url)
    assert info.value.url == url
    # through pyld's interface the refusal is a pyld error caused by ours
    with pytest.raises(pyld.JsonLdError) as wrapped:
        loader(url, {})
    assert isinstance(wrapped.value.__cause__, DocumentLoaderError)
    assert no_network == []


def test_raw_refuses_unknown_url() -> None:
    with pytest.raises(DocumentLoaderError):
        default_context_store().raw("https://example.org/nope")


def test_serves_resolved_did_documents(no_network: list[Any]) -> None:
    did = "did:web:issuer.example.org:wut"
    doc = did_document(did, [("key-1", DID_KEY.removeprefix("did:key:"))])
    loader = DocumentLoader(did_documents={did: doc, DID_KEY: resolve_did_key(DID_KEY)})
    assert loader.load(did) == doc
    assert loader.load(f"{did}#key-1") == doc
    assert loader(did, {})["document"] == doc
    assert loader.load(DID_KEY)["id"] == DID_KEY
    # a bundled context still comes from the bundle
    assert loader.load("https://www.w3.org/ns/did/v1") == default_context_store().document(
        "https://www.w3.org/ns/did/v1"
    )
    with pytest.raises(DocumentLoaderError, match="not resolved"):
        loader.load("did:web:other.example.org")
    with pytest.raises(DocumentLoaderError):
        loader.load("https://issuer.example.org/wut/did.json")
    assert no_network == []


def test_serves_did_documents_from_a_callable() -> None:
    asked: list[str] = []

    def source(did: str) -> dict[str, Any] | None:
        asked.append(did)
        return resolve_did_key(did) if did.startswith("did:key:") else None

    loader = DocumentLoader(did_documents=source)
    assert loader.load(f"{DID_KEY}#{DID_KEY[8:]}")["id"] == DID_KEY
    with pytest.raises(DocumentLoaderError, match=re.escape("did:web:nowhere.example")):
        loader.load("did:web:nowhere.example")
    assert asked == [DID_KEY, "did:web:nowhere.example"]
