"""Hostile input to every route of the issuer, wallet and verifier: never a 5xx, and a readable 4xx.

The routes come from each service's own route table (``create_app(settings).router``), so a route
added later is walked too. Each route gets, with and without credentials (the admin bearer token; a
signed-in wallet session and its CSRF token; the verifier's CSRF cookie and token):

* JSON of the wrong shape: every JSON type at the top, and for the bodies we know a valid example
  of, every field replaced by every other JSON type, a 5,000-digit integer and a lone surrogate;
* 10,000 levels of nesting, invalid UTF-8, a ``"\\ud800"`` escape, a body over the size limit;
* url-encoded and multipart forms that are garbage, lack a boundary or carry bad bytes, with the
  field names the handler reads (taken from its source) set to hostile values;
* hostile query strings and path parameters.

A 4xx must be problem details (``application/problem+json``), except where the project answers
otherwise on purpose: HTML error pages for the wallet's and verifier's pages, and the OAuth error
shape (``{"error": …}``) of the OpenID4VCI and OpenID4VP endpoints.
"""

from __future__ import annotations

import copy
import html
import inspect
import json
import os
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer

from plecak.issuer.app import create_app as create_issuer
from plecak.issuer.config import Settings as IssuerSettings
from plecak.runtime.qr import MAX_FRAME_BYTES
from plecak.runtime.storage import connect_sync
from plecak.verifier.app import create_app as create_verifier
from plecak.verifier.config import Settings as VerifierSettings
from plecak.wallet.app import create_app as create_wallet
from plecak.wallet.config import Settings as WalletSettings
from plecak.wallet.keeping import MAX_CREDENTIAL_BYTES
from support import REPO
from support.issuer import AUTH, TOKEN, achievement, issuer_settings, profile, simple_credential_v2
from support.pathway_examples import data_literacy_rule
from support.ports import Listener
from support.wallet import PASSWORD, wallet_settings

SERVICES = ("issuer", "wallet", "verifier")
BIG = "__BIG_INTEGER__"
"""Stands for a 5,000-digit integer (``json.dumps`` cannot write one: Python's int-to-str limit)."""
BIG_DIGITS = "9" * 5000
SURROGATE = "\ud800"
DEEP = 10_000
BODY_LIMIT = 100_000
"""The services' ``max_body_bytes`` here: over-limit bodies are still sent to every route, but small
ones (megabytes each would cost most of the time of this file); the deepest JSON stays below it."""
OWN_BODY_LIMITS = {
    "wallet POST /credentials/derive": MAX_CREDENTIAL_BYTES,
    "wallet POST /scan/frame": MAX_FRAME_BYTES + 16 * 1024,
    "verifier POST /scan/frame": MAX_FRAME_BYTES + 16 * 1024,
}
"""Routes with a fixed body limit of their own, whatever ``max_body_bytes`` is: their over-limit
bodies are made larger than it."""

_OAUTH_ROUTES = (
    "issuer POST /token",
    "issuer POST /credential",
    "issuer POST /nonce",
    "issuer GET /credential-offers/{offer_id}",
)
_OAUTH_PREFIXES = ("verifier POST /openid4vp/", "verifier GET /openid4vp/request/")
_VCAPI_VERIFY = ("verifier POST /credentials/verify", "verifier POST /presentations/verify")
_WALLET_MACHINE_PREFIXES = ("/s/", "/credentials/derive", "/passkeys/", "/scan/frame")
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_VERIFIER_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_NAME = r"[A-Za-z_][\w-]{0,40}"
_FIELD_PATTERNS = (
    re.compile(rf'\.get\(\s*"({_NAME})"'),
    re.compile(rf'\[\s*"({_NAME})"\s*\]'),
    re.compile(rf'\.getall\(\s*"({_NAME})"'),
)


# -- the route tables ------------------------------------------------------------------------
def _apps_for_collection() -> dict[str, web.Application]:
    """Each service's application, only to read its route table (nothing is started)."""
    dummy = Path("unused")
    return {
        "issuer": create_issuer(
            IssuerSettings(redis_url="redis://unused", admin_token=TOKEN, data_dir=dummy)
        ),
        "wallet": create_wallet(WalletSettings(data_dir=dummy)),
        "verifier": create_verifier(VerifierSettings(admin_token=TOKEN, data_dir=dummy)),
    }


@dataclass(frozen=True)
class Route:
    service: str
    method: str
    path: str
    """The canonical path, ``{name}`` for each parameter; a static resource's prefix ends in ``/*``."""
    handler: Any = field(compare=False, hash=False)

    @property
    def id(self) -> str:
        return f"{self.service} {self.method} {self.path}"

    @property
    def params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)

    def fields(self) -> list[str]:
        """Names the handler reads from its query, form or body (found in its source)."""
        try:
            source = inspect.getsource(self.handler)
        except (OSError, TypeError):
            return []
        names: set[str] = set()
        for pattern in _FIELD_PATTERNS:
            names.update(pattern.findall(source))
        return sorted(names - {"csrf", "csrf_token"})  # the real token goes with each form

    def is_page(self) -> bool:
        """Answers errors with an HTML page on purpose (not problem details)."""
        if self.service == "wallet":
            return not self.path.startswith(_WALLET_MACHINE_PREFIXES)
        if self.service == "verifier":
            return bool(getattr(self.handler, "is_page", False))
        return False

    def is_oauth(self) -> bool:
        """Answers the OAuth error shape (OpenID4VCI, OpenID4VP)."""
        return self.id in _OAUTH_ROUTES or self.id.startswith(_OAUTH_PREFIXES)

    def is_vcapi_verify(self) -> bool:
        """Answers a VC-API verification result with ``problemDetails`` (what the W3C suites read)."""
        return self.id in _VCAPI_VERIFY

    def is_static(self) -> bool:
        return self.path.endswith("/*")


def _routes() -> list[Route]:
    routes: list[Route] = []
    for service, app in _apps_for_collection().items():
        for r in app.router.routes():
            if r.method == "HEAD":
                continue
            info = r.resource.get_info() if r.resource is not None else {}
            if "prefix" in info:  # a static directory
                path = info["prefix"].rstrip("/") + "/*"
            else:
                path = r.resource.canonical if r.resource is not None else ""
            routes.append(Route(service, r.method, path, r.handler))
    return routes


ROUTES = _routes()


def test_every_service_has_its_routes_walked() -> None:
    by_service = {s: [r for r in ROUTES if r.service == s] for s in SERVICES}
    assert all(len(v) >= 10 for v in by_service.values()), {s: len(v) for s, v in by_service.items()}
    assert any(r.id == "issuer POST /credentials/issue" for r in ROUTES)
    assert any(r.id == "wallet POST /signup" for r in ROUTES)
    assert any(r.id == "verifier POST /credentials/verify" for r in ROUTES)


# -- hostile values ----------------------------------------------------------------------------
def _dumps(value: Any) -> bytes:
    """JSON text with ``BIG`` written as 5,000 digits and lone surrogates as ``\\ud800`` escapes."""
    return json.dumps(value, ensure_ascii=True).replace(f'"{BIG}"', BIG_DIGITS).encode("ascii")


WRONG_TYPES: tuple[Any, ...] = (
    {"k": "v"},
    ["v"],
    12,
    1.5,
    None,
    True,
    "text",
    BIG,
    SURROGATE,
    "javascript:alert(1)",
)


def _same_kind(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return True
    return type(a) is type(b) and a == b


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    out = copy.deepcopy(value)
    node = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = new
    return out


MUTATION_BUDGET = 160
"""Most field mutations sent to one route: a large body gets a rotating share of the wrong types
for each field (every field still gets several, and every type is used across the fields)."""


def mutations(valid: Any, budget: int = MUTATION_BUDGET) -> Iterator[tuple[str, bytes]]:
    """``(label, JSON body)``: ``valid`` with each field replaced by other JSON types."""
    candidates: list[tuple[int, tuple[Any, ...], Any]] = []
    for index, path in enumerate(_paths(valid)):
        node = valid
        for step in path:
            node = node[step]
        candidates += [(index, path, new) for new in WRONG_TYPES if not _same_kind(node, new)]
    stride = max(1, -(-len(candidates) // budget))
    for position, (index, path, new) in enumerate(candidates):
        if position % stride != index % stride:
            continue
        label = "/".join(str(p) for p in path) + f" = {new!r:.20}"
        yield label, _dumps(_replaced(valid, path, new))
    # an extra member of each hostile kind at the top
    if isinstance(valid, dict):
        for new in (BIG, SURROGATE, {"k": "v"}):
            yield f"extra = {new!r:.20}", _dumps({**valid, "extra": new})


def _deep_json() -> list[tuple[str, bytes]]:
    return [
        ("deep arrays", b"[" * DEEP + b"]" * DEEP),
        ("deep objects", b'{"a":' * DEEP + b"1" + b"}" * DEEP),
        ("deep in a field", b'{"credential":' + b"[" * DEEP + b"]" * DEEP + b"}"),
    ]


GENERIC_JSON: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("array", b"[]"),
    ("string", b'"text"'),
    ("number", b"12"),
    ("null", b"null"),
    ("true", b"true"),
    ("object", b"{}"),
    ("big integer", BIG_DIGITS.encode()),
    ("big integer in object", b'{"a":' + BIG_DIGITS.encode() + b"}"),
    ("big float", b'{"a":' + BIG_DIGITS.encode() + b".5}"),
    ("big exponent", b'{"a":1e999999}'),
    ("NaN", b'{"a":NaN}'),
    ("lone surrogate value", b'{"a":"\\ud800"}'),
    ("lone surrogate key", b'{"\\udfff":"a"}'),
    ("invalid UTF-8", b'{"a":"\xff\xfe\xed\xa0\x80"}'),
    ("truncated", b'{"a":'),
    *_deep_json(),
]

HOSTILE_TEXT: tuple[tuple[str, str], ...] = (
    ("invalid UTF-8", "%FF%FE"),
    ("surrogate bytes", "%ED%A0%80"),
    ("NUL", "%00"),
    ("long", "a" * 1000),
    ("javascript", quote("javascript:alert(1)", safe="")),
    ("brackets", "%5B%5D%7B%7D"),
)


HOSTILE_HEADERS: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "garbage",
        {
            "Accept-Language": ";;q=abc, *-*-*;q=NaN, " + "x" * 500,
            "Cookie": 'lang="\\; wallet_session=%FF%FE; plecak_verifier_csrf=' + "a" * 43,
            "Idempotency-Key": "ÿ" * 300,
            "If-None-Match": '"' * 100,
            "Accept": "*/*;q=bad",
        },
    ),
    ("authorization", {"Authorization": "Bearer ÿÿÿ", "Origin": "null"}),
)


# -- valid bodies we know, per route (mutated field by field) ----------------------------------
def _achievement() -> dict[str, Any]:
    data = achievement()
    data["image"] = "https://issuer.example/logo.png"
    data["awardingBodies"] = [
        {
            "id": "did:web:uni.example",
            "name": "Example University",
            "url": "https://uni.example",
            "countryCode": "PL",
        }
    ]
    data["isPartOf"] = ["https://issuer.example/pathways/1"]
    data["nqfLevel"] = "https://nqf.example/6"
    return data


def _pathway() -> dict[str, Any]:
    return {"achievement": achievement(), "rule": data_literacy_rule()}


# -- the running services ----------------------------------------------------------------------
@dataclass
class Stack:
    base: dict[str, str]
    settings: dict[str, Any]
    """Each service's settings (the admin token, body limits …)."""
    anonymous: aiohttp.ClientSession
    wallet: aiohttp.ClientSession
    """Signed in to the wallet (its cookie jar holds the session)."""
    verifier: aiohttp.ClientSession
    """Holds the verifier's CSRF cookie."""
    wallet_csrf: str
    verifier_csrf: str
    values: dict[str, str]
    """Real path parameter values (an achievement's uuid, a credential id …)."""
    bodies: dict[str, Any]
    """Valid JSON bodies by ``"METHOD path"``."""
    wallet_email: str = "hostile@example.org"


async def _text(resp: aiohttp.ClientResponse) -> str:
    return (await resp.read()).decode("utf-8", "replace")


async def _wallet_sign_in(stack: Stack, *, sign_up: bool = False) -> None:
    base = stack.base["wallet"]
    path = "/signup" if sign_up else "/signin"
    async with stack.wallet.get(base + path) as resp:
        found = _CSRF.search(await _text(resp))
    assert found
    form = {"email": stack.wallet_email, "password": PASSWORD, "csrf": html.unescape(found.group(1))}
    if sign_up:
        form["password_again"] = PASSWORD
    async with stack.wallet.post(base + path, data=form) as resp:
        text = await _text(resp)
        assert resp.status == 200, text
    found = _CSRF.search(text)
    assert found
    assert "signout" in text
    stack.wallet_csrf = html.unescape(found.group(1))


async def _prepare_issuer(stack: Stack, client: aiohttp.ClientSession) -> None:
    base = stack.base["issuer"]
    async with client.put(base + "/api/issuer/profile", json=profile(), headers=AUTH) as resp:
        assert resp.status == 200, await resp.text()
        did = (await resp.json())["did"]
    async with client.post(base + "/api/achievements", json=_achievement(), headers=AUTH) as resp:
        assert resp.status == 201, await resp.text()
        ach_uuid = (await resp.json())["uuid"]
    learner = {
        "learner": {"name": "Anna Nowak", "did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}
    }
    async with client.post(
        base + f"/api/achievements/{ach_uuid}/credentials", json=learner, headers=AUTH
    ) as resp:
        assert resp.status == 201, await resp.text()
        credential = (await resp.json())["verifiableCredential"]
    async with client.post(
        base + f"/api/achievements/{ach_uuid}/offers", json={"learner": {"name": "Anna"}}, headers=AUTH
    ) as resp:
        assert resp.status == 201, await resp.text()
        offer_id = (await resp.json()).get("offerId", "x")
    async with client.post(base + "/api/pathways", json=_pathway(), headers=AUTH) as resp:
        pathway = (await resp.json()).get("uuid", "x") if resp.status == 201 else "x"
    list_url = credential["credentialStatus"][0]["statusListCredential"]
    stack.values.update(
        uuid=ach_uuid,
        credential_id=credential["id"],
        offer_id=offer_id,
        list_id=list_url.rstrip("/").rpartition("/")[2],
        did=did,
    )
    status_entry = credential["credentialStatus"][0]
    vc_api = simple_credential_v2(did)
    vc_api.update(
        id=f"urn:uuid:{uuid.uuid4()}",
        description="A course",
        validFrom="2026-01-01T00:00:00Z",
        validUntil="2036-01-01T00:00:00Z",
    )
    issue_options = {
        "cryptosuite": "ecdsa-sd-2023",
        "mandatoryPointers": ["/issuer"],
        "credentialStatus": {"type": "BitstringStatusListEntry"},
    }
    stack.bodies.update(
        {
            "issuer PUT /api/issuer/profile": profile(),
            "issuer POST /api/achievements": _achievement(),
            "issuer PUT /api/achievements/{uuid}": _achievement(),
            "issuer POST /api/achievements/{uuid}/credentials": {**learner, "grade": "4.5"},
            "issuer POST /api/achievements/{uuid}/offers": {
                "learner": {"name": "Anna", "email": "anna@example.org"}
            },
            "issuer POST /api/pathways": _pathway(),
            "issuer PUT /api/pathways/{uuid}": _pathway(),
            "issuer POST /api/programmes": _pathway(),  # the older name of /api/pathways
            "issuer PUT /api/programmes/{uuid}": _pathway(),
            "issuer PUT /api/trusted-issuers/{did}": {"name": "TU Example", "country": "DE"},
            "issuer POST /credentials/issue": {"credential": vc_api, "options": issue_options},
            "issuer POST /credentials/status": {
                "credentialId": credential["id"],
                "credentialStatus": {"type": status_entry["type"], "statusPurpose": "suspension"},
                "status": False,
            },
            "verifier POST /credentials/verify": {"verifiableCredential": credential, "options": {}},
            "verifier POST /presentations/verify": {
                "verifiablePresentation": {
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiablePresentation"],
                    "verifiableCredential": [credential],
                },
                "options": {"challenge": "abc", "domain": "verifier.example"},
            },
            "verifier PUT /api/trusted-issuers/{did}": {"name": "Example", "country": "PL"},
        }
    )
    if pathway != "x":
        stack.values["pathway"] = pathway


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(redis_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    with connect_sync(redis_server_url) as client:
        client.flushall()
    tmp = tmp_path_factory.mktemp("hostile")
    listeners = {s: Listener() for s in SERVICES}
    ports = {s: listener.port for s, listener in listeners.items()}
    base = {s: listener.url for s, listener in listeners.items()}
    settings: dict[str, Any] = {
        "issuer": issuer_settings(
            redis_server_url,
            tmp / "issuer",
            public_url=base["issuer"],
            wallet_url=base["wallet"],
            issuer_per_client=0,  # every hostile request reaches its handler
            max_body_bytes=BODY_LIMIT,
        ),
        "wallet": wallet_settings(
            redis_server_url,
            tmp / "wallet",
            ports["wallet"],
            issuer_url=base["issuer"],
            verifier_url=base["verifier"],
            signin_attempts_per_email=1_000_000,
            signin_attempts_per_ip=1_000_000,
            max_body_bytes=BODY_LIMIT,
        ),
        "verifier": VerifierSettings(
            admin_token=TOKEN,
            port=ports["verifier"],
            public_url=base["verifier"],
            redis_url=redis_server_url,
            data_dir=tmp / "verifier",
            max_body_bytes=BODY_LIMIT,
        ),
    }
    factories: dict[str, Callable[[Any], web.Application]] = {
        "issuer": create_issuer,
        "wallet": create_wallet,
        "verifier": create_verifier,
    }
    servers = [listeners[s].server(factories[s](settings[s])) for s in SERVICES]
    for server in servers:
        await server.start_server()
    jar = aiohttp.CookieJar(unsafe=True)
    sessions = (
        aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()),
        aiohttp.ClientSession(cookie_jar=jar),
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)),
    )
    try:
        stack = Stack(base, settings, *sessions, wallet_csrf="", verifier_csrf="", values={}, bodies={})
        await _wallet_sign_in(stack, sign_up=True)
        async with stack.verifier.get(base["verifier"] + "/") as resp:
            found = _VERIFIER_CSRF.search(await _text(resp))
        assert found
        stack.verifier_csrf = html.unescape(found.group(1))
        await _prepare_issuer(stack, sessions[0])
        yield stack
    finally:
        for session in sessions:
            await session.close()
        for server in servers:
            await server.close()


# -- requests ----------------------------------------------------------------------------------
@dataclass
class Attempt:
    label: str
    url: str
    method: str
    body: bytes | None = None
    content_type: str | None = None
    auth: bool = True
    headers: dict[str, str] = field(default_factory=dict)


def _fill(route: Route, values: dict[str, str], hostile: str | None = None) -> str:
    path = route.path.replace("/*", "/" + (hostile or "app.css"))
    for name in route.params:
        pathway_route = route.path.startswith(("/api/pathways", "/pathways", "/api/programmes", "/programmes"))
        real = values.get("pathway" if pathway_route else name)
        path = path.replace("{" + name + "}", hostile or real or "x")
    return path


JSON_TEXTS: tuple[tuple[str, str], ...] = (
    ("deep", "[" * DEEP + "]" * DEEP),
    ("big integer", '{"a":' + BIG_DIGITS + "}"),
    ("lone surrogate", '{"@context":"\\ud800","a":["\\udfff"]}'),
)


def _multipart(parts: list[tuple[str, bytes]]) -> bytes:
    """A multipart body (boundary ``x``) with each part a file upload named as given."""
    body = b"".join(
        b'--x\r\nContent-Disposition: form-data; name="' + name.encode() + b'"; filename="f.json"\r\n'
        b"Content-Type: application/json\r\n\r\n" + value + b"\r\n"
        for name, value in parts
    )
    return body + b"--x--\r\n"


def _form_bodies(fields: list[str], csrf: dict[str, str]) -> list[tuple[str, bytes, str]]:
    """``(label, body, content type)``: url-encoded and multipart forms, broken and hostile."""
    token = "&".join(f"{k}={quote(v, safe='')}" for k, v in csrf.items())
    out: list[tuple[str, bytes, str]] = []
    form = "application/x-www-form-urlencoded"
    out.append(("form garbage", b"%%%&&==&=%zz&" + token.encode(), form))
    for label, value in HOSTILE_TEXT:
        body = "&".join([f"{name}={value}" for name in fields] + ([token] if token else []))
        out.append((f"form fields {label}", body.encode(), form))
    out.append(("form bad UTF-8 name", b"%FF%FE=1&" + token.encode(), form))
    for label, text in JSON_TEXTS:  # pasted JSON: a credential, a backup …
        body = "&".join([f"{name}={quote(text)}" for name in fields] + ([token] if token else []))
        out.append((f"form fields JSON {label}", body.encode(), form))
        file_parts = [(name, text.encode()) for name in [*fields, "file"]] + [
            (k, v.encode()) for k, v in csrf.items()
        ]
        out.append(
            (f"multipart files JSON {label}", _multipart(file_parts), "multipart/form-data; boundary=x")
        )
    out.append(("multipart garbage", b"garbage\r\n--x--", "multipart/form-data; boundary=x"))
    out.append(
        (
            "multipart no boundary",
            b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n",
            "multipart/form-data",
        )
    )
    out.append(("multipart empty boundary", b"--\r\n\r\n", "multipart/form-data; boundary="))
    out.append(
        (
            "multipart unterminated",
            b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
            "multipart/form-data; boundary=x",
        )
    )
    text_part = (
        b'--x\r\nContent-Disposition: form-data; name="a"\r\n'
        b"Content-Type: text/plain; charset=%s\r\n\r\n%s\r\n--x--\r\n"
    )
    out.append(
        (
            "multipart bad UTF-8 text",
            text_part % (b"utf-8", b"\xff\xed\xa0\x80"),
            "multipart/form-data; boundary=x",
        )
    )
    out.append(
        (
            "multipart unknown charset",
            text_part % (b"no-such-charset", b"a"),
            "multipart/form-data; boundary=x",
        )
    )
    out.append(
        (
            "form unknown charset",
            b"a=1&" + token.encode(),
            "application/x-www-form-urlencoded; charset=no-such",
        )
    )
    parts = [(name, b"\xff\xfe\xed\xa0\x80") for name in fields] + [(k, v.encode()) for k, v in csrf.items()]
    parts.append(("file", b"\x00\xff garbage"))
    out.append(("multipart bad bytes", _multipart(parts), "multipart/form-data; boundary=x"))
    return out


def attempts(route: Route, stack: Stack) -> Iterator[Attempt]:
    base = stack.base[route.service]
    url = base + _fill(route, stack.values)
    if route.params or route.is_static():
        for label, value in HOSTILE_TEXT:
            yield Attempt(f"path {label}", base + _fill(route, stack.values, value), route.method)
    for label, headers in HOSTILE_HEADERS:
        yield Attempt(f"headers {label}", url, route.method, headers=headers)
    names = route.fields() or ["q"]
    for label, value in HOSTILE_TEXT if route.method == "GET" else HOSTILE_TEXT[:3]:
        query = "&".join(f"{name}={value}" for name in names)[:6000]  # aiohttp reads lines up to 8 KiB
        yield Attempt(f"query {label}", f"{url}?{query}", route.method)
        if route.method == "GET":
            yield Attempt(f"query {label} (anonymous)", f"{url}?{query}", route.method, auth=False)
    if route.method == "GET":
        return
    csrf: dict[str, str] = {}
    if route.service == "wallet":
        csrf = {"csrf": stack.wallet_csrf}
    elif route.service == "verifier":
        csrf = {"csrf_token": stack.verifier_csrf}
    for label, body in GENERIC_JSON:
        yield Attempt(f"json {label}", url, route.method, body, "application/json")
    for label, body, ctype in _form_bodies(route.fields(), csrf):
        yield Attempt(label, url, route.method, body, ctype)
    # Without credentials most requests stop at the door: a sample of each kind is enough there.
    for label, body in GENERIC_JSON[::3]:
        yield Attempt(f"json {label} (anonymous)", url, route.method, body, "application/json", False)
    for label, body, ctype in _form_bodies(route.fields(), {})[::2]:
        yield Attempt(f"{label} (anonymous)", url, route.method, body, ctype, False)
    size = max(3 * stack.settings[route.service].max_body_bytes, OWN_BODY_LIMITS.get(route.id, 0)) + 70_000
    yield Attempt("json oversize", url, route.method, b'{"a":"' + b"a" * size + b'"}', "application/json")
    yield Attempt("form oversize", url, route.method, b"a=" + b"a" * size, "application/x-www-form-urlencoded")
    valid = stack.bodies.get(route.id)
    if valid is not None:
        yield Attempt("valid body", url, route.method, _dumps(valid), "application/json")
        for label, body in mutations(valid):
            yield Attempt(f"field {label}", url, route.method, body, "application/json")


def _headers(route: Route, stack: Stack, attempt: Attempt) -> dict[str, str]:
    headers: dict[str, str] = {}
    if attempt.content_type is not None:
        headers["Content-Type"] = attempt.content_type
    if attempt.auth and route.service in ("issuer", "verifier"):
        headers["Authorization"] = f"Bearer {stack.settings[route.service].admin_token}"
    if attempt.auth and route.service == "wallet":
        headers["Origin"] = stack.base["wallet"]
    headers.update(attempt.headers)
    return headers


def _session(route: Route, stack: Stack, attempt: Attempt) -> aiohttp.ClientSession:
    if not attempt.auth or route.service == "issuer":
        return stack.anonymous
    return stack.wallet if route.service == "wallet" else stack.verifier


def _problem_of(route: Route, status: int, content_type: str, body: bytes) -> str | None:
    """What is wrong with a 4xx answer, or ``None``."""
    if content_type == "application/problem+json":
        try:
            doc = json.loads(body)
        except ValueError:
            return "problem details that are not JSON"
        if not isinstance(doc, dict) or doc.get("status") != status or not isinstance(doc.get("title"), str):
            return f"problem details without a matching status and a title: {body[:200]!r}"
        return None
    if route.is_oauth() and content_type == "application/json":
        doc = json.loads(body)
        return (
            None
            if isinstance(doc, dict) and isinstance(doc.get("error"), str)
            else "OAuth error without error"
        )
    if route.is_vcapi_verify() and content_type == "application/json":
        doc = json.loads(body)
        ok = isinstance(doc, dict) and doc.get("verified") is False and doc.get("problemDetails")
        return None if ok else f"a VC-API answer without problemDetails: {body[:200]!r}"
    if route.is_page() and content_type == "text/html":
        return None
    if route.is_static() and status == 404 and not body:
        return None  # aiohttp's file response for a missing file
    return f"a {status} answered {content_type or 'no content type'}, not problem details: {body[:200]!r}"


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("route", ROUTES, ids=[r.id for r in ROUTES])
async def test_hostile_input_never_gets_a_server_error(route: Route, stack: Stack) -> None:
    if route.service == "wallet":
        async with stack.wallet.get(stack.base["wallet"] + "/account") as resp:
            if resp.status != 200 or "signout" not in await _text(resp):
                await _wallet_sign_in(stack)
    failures: list[str] = []
    count = 0
    past_the_door = 0
    """Authenticated requests answered with something else than 401/403: the handler was reached."""
    for attempt in attempts(route, stack):
        count += 1
        session = _session(route, stack, attempt)
        async with session.request(
            attempt.method,
            attempt.url,
            data=attempt.body,
            headers=_headers(route, stack, attempt),
            allow_redirects=False,
        ) as resp:
            body = await resp.read()
            status = resp.status
            if (
                attempt.auth
                and status not in (401, 403, 413)
                and "Malformed form" not in body.decode(errors="replace")
            ):
                past_the_door += 1
            if os.environ.get("HOSTILE_DEBUG") and attempt.label == "form fields long":
                print(route.id, "form fields long ->", status)
            if attempt.label == "valid body" and os.environ.get("HOSTILE_DEBUG"):
                print(route.id, status, body[:300])
            if status >= 500:
                failures.append(f"{attempt.label}: {status} {body[:300]!r}")
            elif status >= 400:
                wrong = _problem_of(route, status, resp.content_type, body)
                if wrong:
                    failures.append(f"{attempt.label}: {wrong}")
    assert count <= 400  # with the other routes, a few thousand requests in all
    assert past_the_door, f"{route.id}: no authenticated request got past authentication or CSRF"
    if os.environ.get("HOSTILE_DEBUG"):
        print(f"{route.id}: {count} requests")
    assert not failures, f"{route.id}: {len(failures)} of {count} hostile requests went wrong:\n" + "\n".join(
        failures[:40]
    )


# -- documents fetched from hostile servers --------------------------------------------------------
HOSTILE_DOCUMENTS: dict[str, bytes] = {
    "deep": b"[" * DEEP + b"]" * DEEP,
    "deep-object": b'{"credential_issuer":' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}",
    "big-integer": b'{"credential_issuer":"https://issuer.example","n":' + BIG_DIGITS.encode() + b"}",
    "surrogate": b'{"credential_issuer":"https://issuer.example\\ud800","credential_configuration_ids":["\\udfff"]}',
    "not-utf8": b'{"credential_issuer":"\xff\xfe"}',
}


@pytest.fixture
async def hostile_server() -> AsyncIterator[str]:
    """A web server answering each of :data:`HOSTILE_DOCUMENTS` at ``/{name}`` as JSON."""

    async def serve(request: web.Request) -> web.Response:
        body = HOSTILE_DOCUMENTS[request.match_info["name"]]
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_get("/{name}", serve)
    server = TestServer(app, host="127.0.0.1")  # port 0: the kernel picks, server.port tells
    await server.start_server()
    try:
        yield f"127.0.0.1:{server.port}"
    finally:
        await server.close()


@pytest.mark.parametrize("name", sorted(HOSTILE_DOCUMENTS))
async def test_wallet_refuses_a_hostile_offer_document_without_a_server_error(
    name: str, hostile_server: str, redis_url: str, tmp_path: Path
) -> None:
    port_listener = Listener()
    port = port_listener.port
    wallet = create_wallet(
        wallet_settings(redis_url, tmp_path, port, insecure_hosts=frozenset({hostile_server}))
    )
    server = port_listener.server(wallet)
    await server.start_server()
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    stack = Stack({"wallet": f"http://127.0.0.1:{port}"}, {}, session, session, session, "", "", {}, {})
    try:
        await _wallet_sign_in(stack, sign_up=True)
        offer_uri = quote(f"http://{hostile_server}/{name}", safe="")
        document = HOSTILE_DOCUMENTS[name]
        inline = document if len(document) < 2000 else b"[" * 1000 + b"]" * 1000  # a URL holds 8 KiB
        for query in (f"credential_offer_uri={offer_uri}", f"credential_offer={quote(inline)}"):
            async with session.get(f"{stack.base['wallet']}/receive?{query}", allow_redirects=False) as resp:
                text = await _text(resp)
                assert 400 <= resp.status < 500, (query[:40], resp.status, text[:300])
                assert resp.content_type == "text/html"
    finally:
        await session.close()
        await server.close()


@pytest.mark.parametrize("name", sorted(HOSTILE_DOCUMENTS))
async def test_verifier_refuses_a_hostile_linked_document_without_a_server_error(
    name: str, hostile_server: str, redis_url: str, tmp_path: Path
) -> None:
    settings = VerifierSettings(
        admin_token=TOKEN, redis_url=redis_url, data_dir=tmp_path, insecure_hosts=frozenset({hostile_server})
    )
    server = TestServer(create_verifier(settings), host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as session:
            url = server.make_url("/verify").with_query(url=f"http://{hostile_server}/{name}")
            async with session.get(url, allow_redirects=False) as resp:
                text = await _text(resp)
                assert 400 <= resp.status < 500, (resp.status, text[:300])
    finally:
        await server.close()


# -- script links are never rendered as links ------------------------------------------------------
_LINK_ATTRIBUTE = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*([a-zA-Z][a-zA-Z0-9+.-]*):""")


@pytest.mark.asyncio(loop_scope="module")
async def test_verifier_result_page_never_links_to_a_script_in_the_credential(stack: Stack) -> None:
    script = "javascript:alert(document.domain)"
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:uni.example", "type": ["Profile"], "name": "Uni", "url": script},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Data literacy",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": script,
                "type": ["Achievement"],
                "name": "Data literacy",
                "description": "A course.",
                "criteria": {"narrative": f"[click]({script})"},
                "image": {"id": script, "type": "Image"},
                "alignment": [{"type": ["Alignment"], "targetName": "skill", "targetUrl": script}],
            },
        },
    }
    base = stack.base["verifier"]
    form = {"csrf_token": stack.verifier_csrf, "credential": json.dumps(credential)}
    async with stack.verifier.post(base + "/verify", data=form, allow_redirects=False) as resp:
        assert resp.status == 303, await _text(resp)
        location = resp.headers["Location"]
    async with stack.verifier.get(base + location) as resp:
        page = await _text(resp)
    assert resp.status == 200
    assert "Data literacy" in page
    schemes = {s.lower() for s in _LINK_ATTRIBUTE.findall(page)}
    assert schemes <= {"http", "https", "data"}, schemes
    assert 'href="javascript' not in page.lower()


def test_templates_put_no_credential_value_in_a_link() -> None:
    """Every ``href``/``src`` of the three services' templates is a path of ours or a value the
    service builds itself (a QR image, a share or request link), never credential content."""
    built = {"qr", "link", "follow_link", "verify_link", "raw_link", "reply.redirect_uri"}
    found: dict[str, set[str]] = {}
    for service in SERVICES:
        for template in (REPO / "src" / service / "templates").glob("*.html"):
            text = template.read_text(encoding="utf-8")
            for name in re.findall(r"""(?:href|src)="\{\{\s*([\w.]+)""", text):
                found.setdefault(name, set()).add(f"{service}/{template.name}")
    unexpected = {name: where for name, where in found.items() if name not in built}
    assert not unexpected, unexpected
