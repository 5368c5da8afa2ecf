"""An offline JSON-LD document loader.

It serves the context files bundled in ``contexts/`` (mapped by ``contexts/index.json``, a
byte-exact copy of the project's official index in shared/, and ``contexts/adopted.json``, the
official contexts the project took from their publisher before shared/ had them) and DID
documents that were resolved before canonicalisation. It never touches the network: any other
URL raises :class:`plecak.core.errors.DocumentLoaderError`.

A context that issuers publish themselves (our extension context) has a path in
:data:`PUBLISHED_CONTEXTS`: ``https://<any issuer>/contexts/plecak/mc/v1`` is then the same bundled, hash-pinned file. A
credential whose issuer served other bytes there fails its proof check here, never the other way.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from plecak.core.errors import DocumentLoaderError

__all__ = [
    "INDEX_FILES",
    "PUBLISHED_CONTEXTS",
    "ContextStore",
    "DocumentLoader",
    "default_context_store",
    "default_loader",
    "find_contexts_dir",
]


def find_contexts_dir() -> Path:
    """Locate the bundled ``contexts/`` directory.

    ``PLECAK_CONTEXTS_DIR`` wins; otherwise the directory installed beside this package
    or the one at the repository root (editable installs).
    """
    env = os.environ.get("PLECAK_CONTEXTS_DIR")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve()
    # src/plecak/core/jsonld/loader.py: the checkout's root is four folders up
    candidates += [here.parent / "contexts", here.parents[4] / "contexts"]
    for candidate in candidates:
        if (candidate / "index.json").is_file():
            return candidate
    raise FileNotFoundError("no contexts/index.json found; set PLECAK_CONTEXTS_DIR")


#: Contexts that issuers publish themselves, by index URL: the path each issuer serves the same
#: bytes at (``contexts/index.json`` stays a byte-exact copy of the official index in shared/).
#: The w3id.org URL of our extension context was never registered (docs/interop.md).
PUBLISHED_CONTEXTS: dict[str, str] = {"https://w3id.org/plecak/mc/v1": "/contexts/plecak/mc/v1"}


#: The index files read, in order: the copy of shared/'s index, then the contexts adopted from
#: their publisher (each entry names its source commit and digest; see docs/elm.md).
INDEX_FILES = ("index.json", "adopted.json")


@dataclass(frozen=True)
class ContextEntry:
    url: str
    path: Path
    sha256: str
    official: bool


class ContextStore:
    """The bundled context files, read once, with their expected digests."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.entries: dict[str, ContextEntry] = {}
        for name in INDEX_FILES:
            index_file = directory / name
            if not index_file.is_file():
                continue
            for url, meta in json.loads(index_file.read_text(encoding="utf-8")).items():
                if url in self.entries:
                    raise ValueError(f"context {url} is listed twice ({name})")
                path = directory / meta["file"]
                self.entries[url] = ContextEntry(url, path, meta["sha256"], bool(meta.get("official")))
        self._served_at: dict[str, str] = {
            path: url for url, path in PUBLISHED_CONTEXTS.items() if url in self.entries
        }
        self._parsed: dict[str, Any] = {}

    def canonical(self, url: object) -> str | None:
        """The index URL a context URL stands for: itself, or the entry whose ``servedAt`` path an
        http(s) URL without query or fragment has (any host); ``None`` when not bundled."""
        if not isinstance(url, str):
            return None
        if url in self.entries:
            return url
        if not self._served_at or not url.startswith(("https://", "http://")):
            return None
        parts = urlsplit(url)
        if parts.query or parts.fragment or "#" in url or not parts.hostname:
            return None
        return self._served_at.get(parts.path)

    def __contains__(self, url: object) -> bool:
        return self.canonical(url) is not None

    def raw(self, url: str) -> bytes:
        """The exact bytes of a bundled context."""
        canonical = self.canonical(url)
        if canonical is None:
            raise DocumentLoaderError(url)
        return self.entries[canonical].path.read_bytes()

    def document(self, url: str) -> Any:
        """The parsed JSON of a bundled context (shared; do not mutate)."""
        canonical = self.canonical(url)
        if canonical is None:
            raise DocumentLoaderError(url)
        url = canonical
        doc = self._parsed.get(url)
        if doc is None:
            doc = json.loads(self.raw(url))
            self._parsed[url] = doc
        return doc

    def digest_mismatches(self) -> list[str]:
        """URLs whose file bytes do not match the sha256 recorded in the index."""
        return [
            url
            for url, entry in self.entries.items()
            if hashlib.sha256(entry.path.read_bytes()).hexdigest() != entry.sha256
        ]


@functools.cache
def default_context_store() -> ContextStore:
    return ContextStore(find_contexts_dir())


DidDocumentSource = Callable[[str], Mapping[str, Any] | None]


class DocumentLoader:
    """A pyld document loader: bundled contexts, then already-resolved DID documents.

    ``did_documents`` maps a DID (without fragment) to its resolved document, or is a
    callable returning the document or ``None``. Nothing is ever fetched.
    """

    def __init__(
        self,
        store: ContextStore | None = None,
        did_documents: Mapping[str, Mapping[str, Any]] | DidDocumentSource | None = None,
    ) -> None:
        self.store = store or default_context_store()
        self._dids = did_documents

    def load(self, url: str) -> Any:
        if url in self.store:
            return self.store.document(url)
        if url.startswith("did:") and self._dids is not None:
            did = url.split("#", 1)[0]
            doc = self._dids(did) if callable(self._dids) else self._dids.get(did)
            if doc is not None:
                return doc
            raise DocumentLoaderError(url, "DID document was not resolved")
        raise DocumentLoaderError(url)

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        try:
            document = self.load(url)
        except DocumentLoaderError as exc:
            # pyld wraps loader errors; keep ours as the cause so callers can report it.
            from pyld.jsonld import JsonLdError as PyldError

            raise PyldError(str(exc), "jsonld.LoadDocumentError", code="loading document failed") from exc
        response = {"contextUrl": None, "documentUrl": url, "document": document}
        if url in self.store:
            # Bundled contexts never change: "static" lets pyld keep the processed context in
            # its shared cache instead of re-canonicalising the whole context on every use.
            response["tag"] = "static"
        return response


@functools.cache
def default_loader() -> DocumentLoader:
    return DocumentLoader()
