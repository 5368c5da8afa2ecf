"""DIDs: ``did:key`` (Ed25519, P-256, P-384) creation and resolution, ``did:web`` documents and resolution."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from plecak.core import safejson
from plecak.core.crypto.keys import KeyPair, decode_multikey
from plecak.core.errors import DIDError, KeyFormatError

__all__ = [
    "DID_CONTEXT",
    "MULTIKEY_CONTEXT",
    "DidResolver",
    "did_document",
    "did_key",
    "did_web_base_url",
    "did_web_document_url",
    "did_web_from_url",
    "find_verification_method",
    "resolve_did_key",
]

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
VERIFICATION_RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)


def did_key(key: KeyPair) -> str:
    """The ``did:key`` of a key (``did:key:z6Mk…`` for Ed25519, ``zDna…`` P-256, ``z82L…`` P-384)."""
    return "did:key:" + key.public_multibase


def did_document(
    did: str, keys: Iterable[tuple[str, str]], *, relationships: Iterable[str] = VERIFICATION_RELATIONSHIPS
) -> dict[str, Any]:
    """A DID document listing ``(fragment_or_id, publicKeyMultibase)`` Multikey methods."""
    methods = []
    for key_id, multibase in keys:
        vm_id = key_id if key_id.startswith("did:") else f"{did}#{key_id.lstrip('#')}"
        methods.append({"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase})
    doc: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
    }
    for rel in relationships:
        doc[rel] = [m["id"] for m in methods]
    return doc


def resolve_did_key(did: str) -> dict[str, Any]:
    """Resolve an Ed25519, P-256 or P-384 ``did:key`` locally (no network)."""
    if not isinstance(did, str):
        raise TypeError("a DID must be a string")
    did = did.split("#", 1)[0]
    if not did.startswith(("did:key:z6Mk", "did:key:zDna", "did:key:z82L")):
        raise DIDError(f"unsupported did:key (Ed25519 z6Mk…, P-256 zDna… or P-384 z82L… keys): {did!r}")
    multibase = did[len("did:key:") :]
    try:
        decode_multikey(multibase)
    except KeyFormatError as exc:
        raise DIDError(f"malformed did:key: {exc}") from None
    return did_document(did, [(multibase, multibase)])


def did_web_from_url(base_url: str) -> str:
    """``https://uni.example:8443/wut`` → ``did:web:uni.example%3A8443:wut``."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise DIDError(f"not an http(s) URL: {base_url!r}")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join(["did:web", host, *segments])


def did_web_base_url(did: str, *, scheme: str = "https") -> str:
    """The URL a ``did:web`` names, the inverse of :func:`did_web_from_url`:
    ``did:web:uni.example%3A8443:wut`` → ``https://uni.example:8443/wut`` (path segments stay
    percent-encoded, as in the DID)."""
    if not isinstance(did, str) or not did.startswith("did:web:"):
        raise DIDError(f"not a did:web: {did!r}")
    host, *segments = did.split("#", 1)[0][len("did:web:") :].split(":")
    host = unquote(host)
    url = f"{scheme}://{host}" + "".join(f"/{s}" for s in segments)
    if not _plain_host(host) or "" in segments or any(c in url for c in _NOT_IN_URLS):
        raise DIDError(f"malformed did:web: {did!r}")
    return url


_NOT_IN_URLS = frozenset(" \\<>\"{}|^`?#@")


def _plain_host(host: str) -> bool:
    """``host`` or ``host:port`` (a name or an address; no user, path, query or fragment)."""
    if not host or any(c in host for c in "/?#@"):
        return False
    try:
        parts = urlsplit(f"//{host}")
        return bool(parts.hostname) and (parts.port is not None or ":" not in host.removeprefix(f"[{parts.hostname}]"))
    except ValueError:
        return False


def did_web_document_url(did: str, *, scheme: str = "https") -> str:
    """Where a ``did:web`` document lives (``/.well-known/did.json`` when there is no path)."""
    if not did.startswith("did:web:"):
        raise DIDError(f"not a did:web: {did!r}")
    parts = did.split("#", 1)[0][len("did:web:") :].split(":")
    host = unquote(parts[0])
    if not host or "/" in host:
        raise DIDError(f"malformed did:web: {did!r}")
    path = "/".join(unquote(p) for p in parts[1:])
    return f"{scheme}://{host}/{path + '/did.json' if path else '.well-known/did.json'}"


def find_verification_method(doc: Mapping[str, Any], method_id: str, relationship: str) -> dict[str, Any]:
    """The verification method ``method_id`` if ``doc`` authorises it for ``relationship``."""
    did = doc.get("id")
    if not isinstance(did, str):
        raise DIDError("DID document has no id")

    def absolute(ref: str) -> str:
        return f"{did}{ref}" if ref.startswith("#") else ref

    methods: dict[str, dict[str, Any]] = {}
    for vm in doc.get("verificationMethod", []) or []:
        if isinstance(vm, dict) and isinstance(vm.get("id"), str):
            methods[absolute(vm["id"])] = vm
    authorised = False
    for entry in doc.get(relationship, []) or []:
        if isinstance(entry, str) and absolute(entry) == method_id:
            authorised = True
        elif isinstance(entry, dict) and absolute(str(entry.get("id", ""))) == method_id:
            authorised = True
            methods.setdefault(method_id, entry)
    if method_id not in methods:
        raise DIDError(f"{method_id} is not a verification method of {did}")
    if not authorised:
        raise DIDError(f"{method_id} is not authorised for {relationship} by {did}")
    vm = dict(methods[method_id])
    vm["id"] = method_id
    return vm


class DidResolver:
    """Resolves ``did:key`` locally and ``did:web`` over HTTPS with a timeout, a size limit and a cache.

    ``static`` documents (tests, the issuer's own DID) are answered first. ``insecure_hosts``
    lists hosts (e.g. ``127.0.0.1:8001`` for local development) whose did:web is fetched over http.
    :meth:`resolve_again` fetches a cached did:web document anew when it names no key a signature
    needs (a key the issuer added since) and the copy is at least ``refetch_after`` seconds old.
    """

    def __init__(
        self,
        *,
        static: Mapping[str, Mapping[str, Any]] | None = None,
        insecure_hosts: Iterable[str] = (),
        timeout: float = 5.0,
        max_bytes: int = 256 * 1024,
        cache_seconds: float = 300.0,
        refetch_after: float = 10.0,
    ) -> None:
        self._static = dict(static or {})
        self._refetch_after = refetch_after
        self._insecure = set(insecure_hosts)
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._inflight: dict[str, asyncio.Future[dict[str, Any]]] = {}

    def add(self, document: Mapping[str, Any]) -> None:
        self._static[str(document["id"])] = document

    def cached(self, did: str) -> dict[str, Any] | None:
        """A document already known without I/O (static, did:key or a fresh cache entry)."""
        did = did.split("#", 1)[0]
        if did in self._static:
            return dict(self._static[did])
        if did.startswith("did:key:"):
            return resolve_did_key(did)
        hit = self._cache.get(did)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        return None

    async def resolve(self, did: str) -> dict[str, Any]:
        if not isinstance(did, str):
            raise TypeError("a DID must be a string")
        did = did.split("#", 1)[0]
        known = self.cached(did)
        if known is not None:
            return known
        if not did.startswith("did:web:"):
            raise DIDError(f"unsupported DID method: {did.split(':')[:2]}")
        inflight = self._inflight.get(did)
        if inflight is not None:
            return await asyncio.shield(inflight)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._inflight[did] = future
        try:
            doc = await self._fetch_web(did)
            self._cache[did] = (time.monotonic() + self._cache_seconds, doc)
            future.set_result(doc)
            return doc
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved
            raise
        finally:
            del self._inflight[did]

    async def resolve_again(self, did: str) -> dict[str, Any]:
        """:meth:`resolve`, but a cached did:web document at least ``refetch_after`` seconds old is
        fetched anew (so a key made after it was cached is found; a newer copy is never refetched,
        so a stream of unknown key ids cannot turn into a stream of fetches)."""
        did = did.split("#", 1)[0] if isinstance(did, str) else did
        hit = self._cache.get(did) if isinstance(did, str) else None
        if hit is not None and hit[0] - self._cache_seconds + self._refetch_after <= time.monotonic():
            del self._cache[did]
        return await self.resolve(did)

    async def _fetch_web(self, did: str) -> dict[str, Any]:
        import aiohttp

        from plecak.core.netguard import PRIVATE_ADDRESS_HINT, AllowList, guarded_session, host_allowed

        host = unquote(did[len("did:web:") :].split(":")[0])
        scheme = "http" if host in self._insecure else "https"
        url = did_web_document_url(did, scheme=scheme)
        parts = urlsplit(url)
        try:
            port = parts.port or (80 if scheme == "http" else 443)
        except ValueError:
            raise DIDError(f"malformed did:web: {did!r}") from None
        allowed = AllowList(self._insecure)
        if not host_allowed(parts.hostname or "", port, allowed):
            raise DIDError(f"{did} names a private or local address; {PRIVATE_ADDRESS_HINT}")
        try:
            async with (
                guarded_session(allowed, timeout=self._timeout) as session,
                session.get(url, allow_redirects=False) as resp,
            ):
                if resp.status != 200:
                    raise DIDError(f"{url} answered HTTP {resp.status}")
                body = await resp.content.read(self._max_bytes + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DIDError(f"could not fetch {url}: {exc or type(exc).__name__}") from None
        if len(body) > self._max_bytes:
            raise DIDError(f"{url} is larger than {self._max_bytes} bytes")
        try:
            doc = safejson.loads(body)
        except ValueError:
            raise DIDError(f"{url} is not JSON") from None
        if not isinstance(doc, dict) or doc.get("id") != did:
            raise DIDError(f"{url} does not describe {did}")
        return doc
