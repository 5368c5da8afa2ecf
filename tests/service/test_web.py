"""Shared aiohttp helpers over a real test server: problem details, JSON bodies, headers, bearer auth."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from aiohttp.typedefs import Middleware

from plecak.core.errors import DataModelError, SecretBoxError, StatusListError
from plecak.runtime.web import (
    CONTENT_SECURITY_POLICY,
    Problem,
    bearer_auth_middleware,
    json_response,
    problem_middleware,
    problem_response,
    raise_problem,
    read_json,
    require_bearer,
    security_headers_middleware,
)

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]

TOKEN = "correct-horse-battery-staple"
LIMIT = 1000


async def echo(request: web.Request) -> web.Response:
    return json_response({"received": await read_json(request, max_bytes=LIMIT)})


async def echo_default(request: web.Request) -> web.Response:
    data = await read_json(request)
    return json_response({"type": type(data).__name__})


async def problem(request: web.Request) -> web.Response:
    raise_problem(int(request.match_info["status"]), "Something is wrong", "the detail", hint="extra member")


async def http_error(request: web.Request) -> web.Response:
    raise web.HTTPUnauthorized(headers={"WWW-Authenticate": 'Basic realm="x"'}, text="who are you?")


async def plain_not_found(request: web.Request) -> web.Response:
    raise web.HTTPNotFound()


async def redirect(request: web.Request) -> web.Response:
    raise web.HTTPFound("/html")


async def vc_error(request: web.Request) -> web.Response:
    raise StatusListError("the status list is too short")


async def data_model_error(request: web.Request) -> web.Response:
    raise DataModelError(["credentialSubject is missing"])


async def secret_box_error(request: web.Request) -> web.Response:
    raise SecretBoxError("cannot decrypt")


async def boom(request: web.Request) -> web.Response:
    raise RuntimeError("database password is hunter2")


async def html(request: web.Request) -> web.Response:
    return web.Response(text="<!doctype html><title>ok</title>", content_type="text/html")


async def own_csp(request: web.Request) -> web.Response:
    resp = web.Response(text="<p>embeddable</p>", content_type="text/html")
    resp.headers["Content-Security-Policy"] = "default-src 'self'"
    return resp


async def returned_problem(request: web.Request) -> web.Response:
    return problem_response(409, "Conflict", "already exists", type_="https://example.org/problems#conflict")


async def compact(request: web.Request) -> web.Response:
    return json_response({"a": [1, 2], "name": "Łódź"}, status=201)


async def admin(request: web.Request) -> web.Response:
    return json_response({"admin": True})


async def inline_auth(request: web.Request) -> web.Response:
    require_bearer(request, TOKEN)
    return json_response({"ok": True})


def make_app(*, with_problem_middleware: bool = True) -> web.Application:
    middlewares: list[Middleware] = [security_headers_middleware]
    if with_problem_middleware:
        middlewares.append(problem_middleware)
    middlewares.append(bearer_auth_middleware(TOKEN, lambda r: r.path.startswith("/admin/")))
    app = web.Application(middlewares=middlewares)
    app.router.add_post("/echo", echo)
    app.router.add_post("/echo-default", echo_default)
    app.router.add_get("/problem/{status}", problem)
    app.router.add_get("/http-error", http_error)
    app.router.add_get("/plain-not-found", plain_not_found)
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/vc-error", vc_error)
    app.router.add_get("/data-model-error", data_model_error)
    app.router.add_get("/secret-box-error", secret_box_error)
    app.router.add_get("/boom", boom)
    app.router.add_get("/html", html)
    app.router.add_get("/own-csp", own_csp)
    app.router.add_get("/returned-problem", returned_problem)
    app.router.add_get("/compact", compact)
    app.router.add_get("/admin/thing", admin)
    app.router.add_get("/inline-auth", inline_auth)
    return app


@pytest.fixture
async def client(aiohttp_client: ClientFactory) -> TestClient[Any, Any]:
    return await aiohttp_client(make_app())


async def problem_of(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status == status, await resp.text()
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = json.loads(await resp.text())
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    assert body["type"]
    return body


# --- problem details ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503])
async def test_raised_problem_statuses(client: TestClient[Any, Any], status: int) -> None:
    body = await problem_of(await client.get(f"/problem/{status}"), status)
    assert body == {
        "type": "about:blank",
        "title": "Something is wrong",
        "status": status,
        "detail": "the detail",
        "hint": "extra member",
    }


async def test_problem_renders_without_the_middleware(aiohttp_client: ClientFactory) -> None:
    client = await aiohttp_client(make_app(with_problem_middleware=False))
    body = await problem_of(await client.get("/problem/418"), 418)
    assert body["detail"] == "the detail"
    resp = await client.get("/admin/thing")
    await problem_of(resp, 401)
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="plecak"'
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


async def test_returned_problem_response(client: TestClient[Any, Any]) -> None:
    body = await problem_of(await client.get("/returned-problem"), 409)
    assert body["type"] == "https://example.org/problems#conflict"


async def test_aiohttp_exceptions_become_problems_keeping_headers(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/http-error")
    body = await problem_of(resp, 401)
    assert body["title"] == "Unauthorized"
    assert body["detail"] == "who are you?"
    assert resp.headers["WWW-Authenticate"] == 'Basic realm="x"'

    resp = await client.get("/plain-not-found")
    body = await problem_of(resp, 404)
    assert body["title"] == "Not Found"
    assert "detail" not in body

    resp = await client.get("/no/such/route")
    await problem_of(resp, 404)

    resp = await client.delete("/html")
    await problem_of(resp, 405)
    assert "GET" in resp.headers["Allow"]


async def test_redirects_pass_through(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/redirect", allow_redirects=False)
    assert resp.status == 302
    assert resp.headers["Location"] == "/html"
    assert not resp.headers.get("Content-Type", "").startswith("application/problem+json")
    assert resp.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


async def test_escaped_vc_errors_are_422(client: TestClient[Any, Any]) -> None:
    body = await problem_of(await client.get("/vc-error"), 422)
    assert body["error"] == "StatusListError"
    assert body["detail"] == "the status list is too short"
    body = await problem_of(await client.get("/data-model-error"), 422)
    assert body["error"] == "DataModelError"
    assert body["title"] == "Invalid credential"
    assert body["problems"] == ["credentialSubject is missing"]


async def test_unexpected_exception_is_a_generic_500(
    client: TestClient[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="plecak.runtime.web"):
        resp = await client.get("/boom")
        text = await resp.text()
    body = await problem_of(resp, 500)
    assert body["title"] == "Internal server error"
    assert "hunter2" not in text
    assert "Traceback" not in text
    assert "RuntimeError" not in text
    assert "boom" not in text
    assert ".py" not in text
    error_id = body["errorId"]
    assert error_id in body["detail"]
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged
    assert logged[0].exc_info is not None
    assert "hunter2" in caplog.text
    assert "Traceback" in caplog.text


async def test_secret_box_error_is_not_blamed_on_the_client(client: TestClient[Any, Any]) -> None:
    body = await problem_of(await client.get("/secret-box-error"), 500)
    assert "decrypt" not in json.dumps(body)


def test_problem_rejects_clashing_members() -> None:
    with pytest.raises(ValueError, match="type"):
        problem_response(400, "Bad", type="https://example.org/use-type_")
    with pytest.raises(ValueError, match="a problem status is 400 to 599"):
        Problem(302, "Found")


# --- JSON -----------------------------------------------------------------------------------


async def test_json_response_is_compact(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/compact")
    assert resp.status == 201
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    assert await resp.text() == '{"a":[1,2],"name":"Łódź"}'


def test_json_response_refuses_nan() -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        json_response({"x": float("nan")})


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "application/ld+json", "application/vc+json"],
)
async def test_json_content_types_accepted(client: TestClient[Any, Any], content_type: str) -> None:
    resp = await client.post("/echo", data=b'{"a": 1}', headers={"Content-Type": content_type})
    assert resp.status == 200, await resp.text()
    assert await resp.json() == {"received": {"a": 1}}


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "text/json", None]
)
async def test_other_content_types_are_415(client: TestClient[Any, Any], content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    if content_type is None:
        # aiohttp's client adds application/octet-stream to a bytes body without a type
        resp = await client.post("/echo", data=b'{"a": 1}', skip_auto_headers=["Content-Type"])
    else:
        resp = await client.post("/echo", data=b'{"a": 1}', headers=headers)
    await problem_of(resp, 415)


async def test_body_over_the_limit_with_content_length(client: TestClient[Any, Any]) -> None:
    body = json.dumps({"x": "a" * LIMIT}).encode()
    resp = await client.post("/echo", data=body, headers={"Content-Type": "application/json"})
    assert "chunked" not in resp.request_info.headers.get("Transfer-Encoding", "")
    await problem_of(resp, 413)


async def test_body_over_the_limit_chunked(client: TestClient[Any, Any]) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"x": "'
        for _ in range(20):
            yield b"a" * 100
        yield b'"}'

    resp = await client.post("/echo", data=chunks(), headers={"Content-Type": "application/json"})
    assert "Content-Length" not in resp.request_info.headers
    await problem_of(resp, 413)


async def test_body_at_the_limit_is_accepted(client: TestClient[Any, Any]) -> None:
    body = b'{"x": "' + b"a" * (LIMIT - 10) + b'"}'
    assert len(body) == LIMIT - 1

    async def chunks() -> AsyncIterator[bytes]:
        yield body[:300]
        yield body[300:]

    resp = await client.post("/echo", data=chunks(), headers={"Content-Type": "application/json"})
    assert resp.status == 200, await resp.text()


async def test_malformed_json_reports_the_position(client: TestClient[Any, Any]) -> None:
    resp = await client.post("/echo", data=b'{\n  "a": }', headers={"Content-Type": "application/json"})
    body = await problem_of(resp, 400)
    assert body["title"] == "Malformed JSON"
    assert body["line"] == 2
    assert body["column"] == 8
    assert "line 2 column 8" in body["detail"]


@pytest.mark.parametrize("raw", [b"", b"   ", b"\xff\xfe{}", b'{"a": 1} trailing'])
async def test_empty_non_utf8_or_trailing_data_is_400(client: TestClient[Any, Any], raw: bytes) -> None:
    await problem_of(await client.post("/echo", data=raw, headers={"Content-Type": "application/json"}), 400)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_nan_and_infinity_rejected(client: TestClient[Any, Any], constant: str) -> None:
    resp = await client.post(
        "/echo", data=f'{{"a": [1, {constant}]}}'.encode(), headers={"Content-Type": "application/json"}
    )
    body = await problem_of(resp, 400)
    assert constant in body["detail"]


def nested(depth: int) -> bytes:
    """``depth`` containers, alternating arrays and objects."""
    text = "1"
    for level in range(depth):
        text = f"[{text}]" if level % 2 else f'{{"k":{text}}}'
    return text.encode()


async def test_depth_64_accepted_65_rejected(client: TestClient[Any, Any]) -> None:
    ok = await client.post("/echo", data=nested(64), headers={"Content-Type": "application/json"})
    assert ok.status == 200, await ok.text()
    too_deep = await client.post("/echo", data=nested(65), headers={"Content-Type": "application/json"})
    body = await problem_of(too_deep, 400)
    assert "64" in body["detail"]
    arrays = await client.post(
        "/echo", data=b"[" * 65 + b"]" * 65, headers={"Content-Type": "application/json"}
    )
    await problem_of(arrays, 400)
    scalar = await client.post("/echo", data=b'"just a string"', headers={"Content-Type": "application/json"})
    assert (await scalar.json()) == {"received": "just a string"}


async def test_pathological_nesting_is_a_400_not_a_crash(client: TestClient[Any, Any]) -> None:
    resp = await client.post(
        "/echo-default", data=b"[" * 200_000, headers={"Content-Type": "application/json"}
    )
    await problem_of(resp, 400)
    resp = await client.post(
        "/echo-default", data=b"[" * 100_000 + b"]" * 100_000, headers={"Content-Type": "application/json"}
    )
    await problem_of(resp, 400)


# --- security headers -----------------------------------------------------------------------

EXPECTED_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize(
    "path", ["/html", "/compact", "/problem/400", "/boom", "/no/such/route", "/admin/thing"]
)
async def test_security_headers_on_every_response(client: TestClient[Any, Any], path: str) -> None:
    resp = await client.get(path)
    for name, value in EXPECTED_HEADERS.items():
        assert resp.headers.get(name) == value, (path, name)


async def test_handler_can_override_csp(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/own-csp")
    assert resp.headers["Content-Security-Policy"] == "default-src 'self'"
    assert resp.headers["X-Frame-Options"] == "DENY"


# --- bearer auth ----------------------------------------------------------------------------


async def test_missing_token(client: TestClient[Any, Any]) -> None:
    resp = await client.get("/admin/thing")
    body = await problem_of(resp, 401)
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="plecak"'
    assert TOKEN not in json.dumps(body)
    resp = await client.get("/admin/thing", headers={"Authorization": f"Basic {TOKEN}"})
    await problem_of(resp, 401)
    assert "error=" not in resp.headers["WWW-Authenticate"]


@pytest.mark.parametrize("presented", ["wrong", TOKEN + "x", TOKEN[:-1], TOKEN.upper(), "żółć"])
async def test_wrong_token(client: TestClient[Any, Any], presented: str) -> None:
    header = f"Bearer {presented}".encode().decode("latin-1")  # non-ASCII tokens arrive as raw bytes
    resp = await client.get("/admin/thing", headers={"Authorization": header})
    await problem_of(resp, 401)
    assert 'error="invalid_token"' in resp.headers["WWW-Authenticate"]
    assert resp.headers["WWW-Authenticate"].startswith("Bearer ")


async def test_right_token(client: TestClient[Any, Any]) -> None:
    for header in (f"Bearer {TOKEN}", f"bearer {TOKEN}"):
        resp = await client.get("/admin/thing", headers={"Authorization": header})
        assert resp.status == 200, await resp.text()
        assert await resp.json() == {"admin": True}


async def test_unprotected_paths_need_no_token(client: TestClient[Any, Any]) -> None:
    assert (await client.get("/html")).status == 200


async def test_require_bearer_in_a_handler(client: TestClient[Any, Any]) -> None:
    await problem_of(await client.get("/inline-auth"), 401)
    resp = await client.get("/inline-auth", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status == 200


def test_empty_token_is_refused_up_front() -> None:
    with pytest.raises(ValueError, match="an empty bearer token"):
        bearer_auth_middleware("", lambda r: True)
