"""Ed25519 Multikey encodings, did:key, did:web names and the DID resolver (over a real HTTP server)."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import base58
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from plecak.core.crypto.keys import (
    ED25519_PUB_PREFIX,
    ED25519_SECRET_PREFIX,
    EcdsaKeyPair,
    Ed25519KeyPair,
    decode_multibase,
    decode_multikey,
    decode_multikey_public,
    encode_multibase,
)
from plecak.core.did import (
    DidResolver,
    did_document,
    did_key,
    did_web_base_url,
    did_web_document_url,
    did_web_from_url,
    find_verification_method,
    resolve_did_key,
)
from plecak.core.errors import DIDError, KeyFormatError
from plecak.core.integrity.proofs import add_proof, verify_proofs
from support import TESTS

VECTOR_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
VECTOR_DID = f"did:key:{VECTOR_PUBLIC}"

# RFC 8032, section 7.1, TEST 1
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

ServerFactory = Callable[..., Awaitable[TestServer]]


# --- keys ---------------------------------------------------------------------------------------


def test_rfc8032_known_answer() -> None:
    key = Ed25519KeyPair.from_seed(RFC8032_SEED)
    assert key.public_bytes == RFC8032_PUBLIC
    assert key.sign(b"") == RFC8032_SIGNATURE
    assert key.verify(RFC8032_SIGNATURE, b"")
    assert not key.verify(RFC8032_SIGNATURE, b"x")


def test_multikey_round_trip() -> None:
    key = Ed25519KeyPair.generate()
    assert key.public_multibase.startswith("z6Mk")
    assert key.secret_multibase.startswith("z3u2")
    again = Ed25519KeyPair.from_multikey(key.public_multibase, key.secret_multibase)
    assert again.seed == key.seed
    assert again.public_bytes == key.public_bytes
    assert decode_multibase(key.public_multibase) == ED25519_PUB_PREFIX + key.public_bytes
    assert decode_multibase(key.secret_multibase) == ED25519_SECRET_PREFIX + key.seed
    public_only = Ed25519KeyPair.from_multikey(key.public_multibase)
    assert public_only.private_key is None
    signature = key.sign(b"hello")
    assert public_only.verify(signature, b"hello")
    assert decode_multikey_public(key.public_multibase).public_bytes_raw() == key.public_bytes


def test_multibase_round_trip() -> None:
    for data in [b"\x00", b"\x00\x00\x01", bytes(range(256))]:
        assert decode_multibase(encode_multibase(data)) == data


def test_vector_key_and_did() -> None:
    key = Ed25519KeyPair.from_multikey(VECTOR_PUBLIC, VECTOR_SECRET)
    assert key.public_multibase == VECTOR_PUBLIC
    assert key.secret_multibase == VECTOR_SECRET
    assert did_key(key) == VECTOR_DID
    from_seed = Ed25519KeyPair.from_seed(key.seed)
    assert did_key(from_seed) == VECTOR_DID


def test_resolve_vector_did_key() -> None:
    doc = resolve_did_key(f"{VECTOR_DID}#{VECTOR_PUBLIC}")
    vm_id = f"{VECTOR_DID}#{VECTOR_PUBLIC}"
    assert doc["id"] == VECTOR_DID
    assert doc["verificationMethod"] == [
        {"id": vm_id, "type": "Multikey", "controller": VECTOR_DID, "publicKeyMultibase": VECTOR_PUBLIC}
    ]
    for rel in ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation"):
        assert doc[rel] == [vm_id]
    assert find_verification_method(doc, vm_id, "assertionMethod")["publicKeyMultibase"] == VECTOR_PUBLIC


@pytest.mark.parametrize(
    "value",
    [
        "",
        "z",
        VECTOR_PUBLIC[1:],  # no multibase prefix
        "m" + VECTOR_PUBLIC[1:],  # base64 multibase: not supported
        "z0OIl",  # not in the base58 alphabet
        encode_multibase(b"\xe7\x01" + bytes(33)),  # secp256k1-pub multicodec
        encode_multibase(ED25519_PUB_PREFIX + bytes(31)),  # too short
        encode_multibase(ED25519_PUB_PREFIX + bytes(33)),  # too long
        VECTOR_SECRET,  # a secret key where a public key belongs
    ],
)
def test_malformed_public_multikey(value: str) -> None:
    with pytest.raises(KeyFormatError):
        Ed25519KeyPair.from_multikey(value)


def test_malformed_secret_multikey() -> None:
    other = Ed25519KeyPair.generate()
    with pytest.raises(KeyFormatError, match="does not match"):
        Ed25519KeyPair.from_multikey(VECTOR_PUBLIC, other.secret_multibase)
    with pytest.raises(KeyFormatError):
        Ed25519KeyPair.from_multikey(VECTOR_PUBLIC, VECTOR_PUBLIC)
    with pytest.raises(KeyFormatError):
        Ed25519KeyPair.from_multikey(VECTOR_PUBLIC, encode_multibase(ED25519_SECRET_PREFIX + bytes(31)))


@pytest.mark.parametrize("seed", [b"", bytes(31), bytes(33)])
def test_bad_seed_length(seed: bytes) -> None:
    with pytest.raises(KeyFormatError):
        Ed25519KeyPair.from_seed(seed)


def test_type_errors_and_public_only_key() -> None:
    with pytest.raises(TypeError):
        Ed25519KeyPair.from_seed("0" * 32)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        decode_multibase(b"z123")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        encode_multibase("abc")  # type: ignore[arg-type]
    public_only = Ed25519KeyPair.from_multikey(VECTOR_PUBLIC)
    with pytest.raises(KeyFormatError):
        public_only.sign(b"x")
    with pytest.raises(KeyFormatError):
        _ = public_only.seed


def test_key_errors_are_value_errors() -> None:
    with pytest.raises(ValueError, match="not an Ed25519 Multikey public key"):
        decode_multikey_public("zzz")


# --- did:key ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "did",
    [
        "did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU7",  # P-256, truncated point
        "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",  # secp256k1: not supported
        "did:key:z6Mk",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ",  # truncated
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2x",  # one char too many
        "did:key:z6Mk0OIl",
        "did:web:example.org",
        "did:key:",
        "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    ],
)
def test_malformed_did_key(did: str) -> None:
    with pytest.raises(DIDError):
        resolve_did_key(did)


@pytest.mark.parametrize("curve", ["P-256", "P-384"])
def test_ecdsa_did_key_resolves_to_its_multikey(curve: str) -> None:
    pair = EcdsaKeyPair.generate(curve)
    did = did_key(pair)
    assert did.startswith("did:key:zDna" if curve == "P-256" else "did:key:z82L")
    doc = resolve_did_key(did)
    method = doc["verificationMethod"][0]
    assert method["publicKeyMultibase"] == pair.public_multibase
    decoded = decode_multikey(method["publicKeyMultibase"])
    assert isinstance(decoded, EcdsaKeyPair)
    assert decoded.public_bytes == pair.public_bytes
    assert decoded.verify(pair.sign(b"data"), b"data")
    assert not decoded.verify(pair.sign(b"data"), b"other")


def test_ecdsa_multikey_round_trips_the_w3c_key_vectors() -> None:
    vectors = TESTS / "vectors" / "vc-di-ecdsa" / "TestVectors"
    for name in ("p256KeyPair.json", "p384KeyPair.json"):
        data = json.loads((vectors / name).read_text())
        pair = EcdsaKeyPair.from_multikey(data["publicKeyMultibase"], data["secretKeyMultibase"])
        assert pair.public_multibase == data["publicKeyMultibase"]
        assert pair.secret_multibase == data["secretKeyMultibase"]


def test_ecdsa_secret_must_match_public() -> None:
    one, other = EcdsaKeyPair.generate(), EcdsaKeyPair.generate()
    with pytest.raises(KeyFormatError):
        EcdsaKeyPair.from_multikey(one.public_multibase, other.secret_multibase)


def test_did_key_wrong_multicodec_is_did_error() -> None:
    raw = base58.b58encode(b"\xed\x01" + bytes(31)).decode()
    with pytest.raises(DIDError):
        resolve_did_key(f"did:key:z{raw}")


# --- did:web names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "did", "document_url"),
    [
        (
            "https://issuer.example.org",
            "did:web:issuer.example.org",
            "https://issuer.example.org/.well-known/did.json",
        ),
        (
            "https://issuer.example.org/",
            "did:web:issuer.example.org",
            "https://issuer.example.org/.well-known/did.json",
        ),
        (
            "https://issuer.example.org:8443",
            "did:web:issuer.example.org%3A8443",
            "https://issuer.example.org:8443/.well-known/did.json",
        ),
        (
            "https://issuer.example.org/wut",
            "did:web:issuer.example.org:wut",
            "https://issuer.example.org/wut/did.json",
        ),
        (
            "https://issuer.example.org:8443/wut/faculty/",
            "did:web:issuer.example.org%3A8443:wut:faculty",
            "https://issuer.example.org:8443/wut/faculty/did.json",
        ),
        (
            "https://Issuer.Example.ORG/wut",
            "did:web:issuer.example.org:wut",
            "https://issuer.example.org/wut/did.json",
        ),
    ],
)
def test_did_web_names(url: str, did: str, document_url: str) -> None:
    assert did_web_from_url(url) == did
    assert did_web_document_url(did) == document_url
    assert did_web_document_url(f"{did}#key-1") == document_url
    base = document_url.removesuffix("/did.json").removesuffix("/.well-known")
    assert did_web_from_url(base) == did
    assert did_web_document_url(did, scheme="http") == "http" + document_url.removeprefix("https")
    assert did_web_base_url(did) == base.lower().rstrip("/")  # the URL the did:web names
    assert did_web_base_url(f"{did}#key-1", scheme="http") == "http" + base.lower().rstrip("/").removeprefix("https")


@pytest.mark.parametrize("url", ["ftp://issuer.example.org", "issuer.example.org", "https://", "did:web:x"])
def test_did_web_from_bad_url(url: str) -> None:
    with pytest.raises(DIDError):
        did_web_from_url(url)


@pytest.mark.parametrize("did", ["did:key:z6Mkabc", "did:web:", "did:web:%2Fetc:passwd", "web:example.org"])
def test_did_web_document_url_rejects(did: str) -> None:
    with pytest.raises(DIDError):
        did_web_document_url(did)


@pytest.mark.parametrize(
    "did",
    [
        "did:key:z6Mkabc",
        "did:web:",
        "did:web:%2Fetc:passwd",
        "did:web:user%40evil.example",
        "did:web:x.example%3Anotaport",
        "did:web:x.example%3A99999",
        "did:web:x.example::wut",
        "did:web:x.example:a b",
    ],
)
def test_did_web_base_url_rejects_what_names_no_plain_url(did: str) -> None:
    with pytest.raises(DIDError):
        did_web_base_url(did)


# --- the resolver: local methods -------------------------------------------------------------------


async def test_resolver_did_key_and_static() -> None:
    static_did = "did:web:issuer.example.org"
    static_doc = did_document(static_did, [("key-1", VECTOR_PUBLIC)])
    resolver = DidResolver(static={static_did: static_doc})
    assert (await resolver.resolve(f"{VECTOR_DID}#{VECTOR_PUBLIC}"))["id"] == VECTOR_DID
    assert await resolver.resolve(f"{static_did}#key-1") == static_doc
    with pytest.raises(DIDError, match="unsupported DID method"):
        await resolver.resolve("did:example:123")
    with pytest.raises(DIDError):
        await resolver.resolve("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme")  # secp256k1
    with pytest.raises(TypeError):
        await resolver.resolve(None)  # type: ignore[arg-type]


# --- the resolver: did:web against a real server -------------------------------------------------


@dataclass
class DidServer:
    """An aiohttp server answering did.json requests as the test configures it."""

    server: TestServer
    requests: list[str] = field(default_factory=list)
    body: bytes | None = None  # overrides the document
    status: int = 200
    delay: asyncio.Event | None = None  # when set, requests wait for it
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"{self.server.host}:{self.server.port}"

    @property
    def did(self) -> str:
        return f"did:web:{self.server.host}%3A{self.server.port}"

    def resolver(self, **options: Any) -> DidResolver:
        return DidResolver(insecure_hosts=[self.host], **options)


@pytest.fixture
async def did_server(aiohttp_server: ServerFactory) -> DidServer:
    state: dict[str, DidServer] = {}

    async def handler(request: web.Request) -> web.StreamResponse:
        srv = state["srv"]
        srv.requests.append(request.path)
        if srv.delay is not None:
            await srv.delay.wait()
        if srv.status != 200:
            return web.Response(status=srv.status, text="no")
        if srv.body is not None:
            return web.Response(body=srv.body, content_type="application/json")
        doc = srv.documents.get(request.path)
        if doc is None:
            return web.Response(status=404, text="not found")
        return web.json_response(doc)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    server = await aiohttp_server(app, host="127.0.0.1")
    srv = DidServer(server)
    state["srv"] = srv
    key = Ed25519KeyPair.from_multikey(VECTOR_PUBLIC)
    srv.documents["/.well-known/did.json"] = did_document(srv.did, [("key-1", key.public_multibase)])
    path_did = f"{srv.did}:users:alice"
    srv.documents["/users/alice/did.json"] = did_document(path_did, [("key-1", key.public_multibase)])
    return srv


async def test_did_web_success(did_server: DidServer) -> None:
    doc = await did_server.resolver().resolve(f"{did_server.did}#key-1")
    assert doc["id"] == did_server.did
    assert doc["assertionMethod"] == [f"{did_server.did}#key-1"]
    assert did_server.requests == ["/.well-known/did.json"]


async def test_did_web_path_form(did_server: DidServer) -> None:
    did = f"{did_server.did}:users:alice"
    doc = await did_server.resolver().resolve(did)
    assert doc["id"] == did
    assert did_server.requests == ["/users/alice/did.json"]


async def test_did_web_not_found(did_server: DidServer) -> None:
    with pytest.raises(DIDError, match="404"):
        await did_server.resolver().resolve(f"{did_server.did}:users:bob")
    did_server.status = 500
    with pytest.raises(DIDError, match="500"):
        await did_server.resolver().resolve(did_server.did)


async def test_did_web_oversized(did_server: DidServer) -> None:
    doc = dict(did_server.documents["/.well-known/did.json"])
    doc["padding"] = "x" * 5000
    did_server.body = json.dumps(doc).encode()
    with pytest.raises(DIDError, match="larger than"):
        await did_server.resolver(max_bytes=4096).resolve(did_server.did)
    # the same body is fine under the default limit
    assert (await did_server.resolver().resolve(did_server.did))["padding"] == "x" * 5000


async def test_did_web_wrong_id(did_server: DidServer) -> None:
    doc = dict(did_server.documents["/.well-known/did.json"])
    doc["id"] = "did:web:evil.example.org"
    did_server.body = json.dumps(doc).encode()
    with pytest.raises(DIDError, match="does not describe"):
        await did_server.resolver().resolve(did_server.did)


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"did"'])
async def test_did_web_not_a_document(did_server: DidServer, body: bytes) -> None:
    did_server.body = body
    with pytest.raises(DIDError):
        await did_server.resolver().resolve(did_server.did)


async def test_did_web_timeout(did_server: DidServer) -> None:
    did_server.delay = asyncio.Event()
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(DIDError, match="could not fetch"):
            await did_server.resolver(timeout=0.3).resolve(did_server.did)
        assert loop.time() - started < 5
        assert did_server.requests == ["/.well-known/did.json"]
    finally:
        did_server.delay.set()


async def test_did_web_on_a_local_address_is_refused_unless_listed_as_insecure(did_server: DidServer) -> None:
    """A did:web naming a loopback or private address is never fetched (no SSRF through a DID)."""
    with pytest.raises(DIDError, match="private or local address"):
        await DidResolver(timeout=2).resolve(did_server.did)
    for did in ("did:web:10.1.2.3", "did:web:169.254.169.254", "did:web:%5B%3A%3A1%5D"):
        with pytest.raises(DIDError, match="private or local address"):
            await DidResolver(timeout=2).resolve(did)
    assert did_server.requests == []


async def test_did_web_host_name_resolving_to_loopback_is_refused(did_server: DidServer) -> None:
    port = did_server.did.rsplit("%3A", 1)[1]
    with pytest.raises(DIDError, match="no public address"):
        await DidResolver(timeout=2, insecure_hosts=[f"127.0.0.1:{port}"]).resolve(
            f"did:web:localhost%3A{port}"
        )
    assert did_server.requests == []


async def test_did_web_cache(did_server: DidServer) -> None:
    resolver = did_server.resolver()
    first = await resolver.resolve(did_server.did)
    second = await resolver.resolve(f"{did_server.did}#key-1")
    assert first == second
    assert did_server.requests == ["/.well-known/did.json"]
    assert resolver.cached(did_server.did) == first
    # a failure is not cached
    with pytest.raises(DIDError):
        await resolver.resolve(f"{did_server.did}:users:bob")
    with pytest.raises(DIDError):
        await resolver.resolve(f"{did_server.did}:users:bob")
    assert did_server.requests.count("/users/bob/did.json") == 2


async def test_did_web_cache_expiry(did_server: DidServer) -> None:
    resolver = did_server.resolver(cache_seconds=0)
    await resolver.resolve(did_server.did)
    await resolver.resolve(did_server.did)
    assert len(did_server.requests) == 2


async def test_did_web_concurrent_resolves_share_one_request(did_server: DidServer) -> None:
    did_server.delay = asyncio.Event()
    resolver = did_server.resolver()
    tasks = [asyncio.create_task(resolver.resolve(did_server.did)) for _ in range(5)]
    await asyncio.sleep(0.1)
    did_server.delay.set()
    docs = await asyncio.gather(*tasks)
    assert all(doc["id"] == did_server.did for doc in docs)
    assert did_server.requests == ["/.well-known/did.json"]


async def test_verify_credential_signed_by_did_web_key(did_server: DidServer) -> None:
    key = Ed25519KeyPair.from_multikey(VECTOR_PUBLIC, VECTOR_SECRET)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did_server.did,
        "credentialSubject": {"id": "did:example:learner"},
    }
    signed = add_proof(credential, key, f"{did_server.did}#key-1")
    resolver = did_server.resolver()
    (check,) = await verify_proofs(signed, resolver)
    assert check.verified, check.errors
    assert check.controller == did_server.did
    (check,) = await verify_proofs(signed, resolver)
    assert check.verified
    assert did_server.requests == ["/.well-known/did.json"]


def test_decode_multibase_equals_base58_package_on_random_bytes() -> None:
    rng = random.Random(8)
    for _ in range(2000):
        data = bytes(rng.randint(0, 3)) + rng.randbytes(rng.randint(1, 80))
        text = base58.b58encode(data).decode("ascii")
        assert decode_multibase("z" + text) == base58.b58decode(text) == data


def test_decode_multikey_public_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        decode_multikey_public(b"z6Mk")  # type: ignore[arg-type]


def test_decode_multikey_remembers_keys_and_refuses_bad_values_every_time() -> None:
    first = decode_multikey(VECTOR_PUBLIC)
    assert first is decode_multikey(VECTOR_PUBLIC)  # remembered: the same immutable key pair
    assert isinstance(first, Ed25519KeyPair)
    assert first.public_multibase == VECTOR_PUBLIC
    p256 = EcdsaKeyPair.generate("P-256")
    again = decode_multikey(p256.public_multibase)
    assert isinstance(again, EcdsaKeyPair)
    assert again.public_multibase == p256.public_multibase
    bad = "z" + "1" * 40
    for _ in range(2):
        with pytest.raises(KeyFormatError):
            decode_multikey(bad)
    with pytest.raises(KeyFormatError):  # longer than what is remembered: decoded, and refused
        decode_multikey("z" + "2" * 300)
    with pytest.raises(TypeError):
        decode_multikey(b"z6Mk")  # type: ignore[arg-type]
