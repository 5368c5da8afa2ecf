"""StatusListClient against real aiohttp servers: URL rules, HTTP caching, single-flight, limits."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from plecak.core.errors import StatusListError
from plecak.core.status.client import StatusListClient, StatusListFetchError
from support.tls import loopback_certificate, server_tls

ServerFactory = Callable[..., Awaitable[TestServer]]

LIST = {"id": "https://issuer.example/status/1", "type": ["VerifiableCredential"], "n": 1}


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class StatusServer:
    """A status list server whose answers a test configures; it counts what it was asked."""

    def __init__(self) -> None:
        self.document: Any = LIST
        self.headers: dict[str, str] = {}
        self.etag: str | None = None
        self.delay = 0.0
        self.hits: Counter[str] = Counter()
        self.conditional: list[str | None] = []
        self.app = web.Application()
        self.app.router.add_get("/list", self.serve_list)
        self.app.router.add_get("/status/{code}", self.serve_status)
        self.app.router.add_get("/text", self.serve_text)
        self.app.router.add_get("/big", self.serve_big)
        self.app.router.add_get("/stream", self.serve_stream)
        self.app.router.add_get("/redirect", self.serve_redirect)
        self.app.router.add_get("/other/{n}", self.serve_other)

    async def serve_list(self, request: web.Request) -> web.StreamResponse:
        self.hits["list"] += 1
        self.conditional.append(request.headers.get("If-None-Match"))
        if self.delay:
            await asyncio.sleep(self.delay)
        headers = dict(self.headers)
        if self.etag is not None:
            headers["ETag"] = self.etag
            if request.headers.get("If-None-Match") == self.etag:
                self.hits["304"] += 1
                return web.Response(status=304, headers=headers)
        return web.json_response(self.document, headers=headers)

    async def serve_status(self, request: web.Request) -> web.Response:
        return web.json_response({"error": "nope"}, status=int(request.match_info["code"]))

    async def serve_text(self, request: web.Request) -> web.Response:
        return web.Response(text="<html>not a status list</html>", content_type="text/html")

    async def serve_big(self, request: web.Request) -> web.Response:
        n = int(request.query["n"])
        return web.Response(body=json.dumps({"pad": "x" * n}).encode(), content_type="application/json")

    async def serve_stream(self, request: web.Request) -> web.StreamResponse:
        """A chunked body with no Content-Length: the limit must apply while reading."""
        resp = web.StreamResponse()
        resp.content_type = "application/json"
        await resp.prepare(request)
        await resp.write(b'{"pad": "')
        for _ in range(100):
            self.hits["chunks"] += 1
            await resp.write(b"x" * 10_000)
        await resp.write(b'"}')
        await resp.write_eof()
        return resp

    async def serve_redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def serve_other(self, request: web.Request) -> web.Response:
        self.hits["other"] += 1
        return web.json_response({"n": request.match_info["n"]})


@pytest.fixture
async def status_server(aiohttp_server: ServerFactory) -> tuple[StatusServer, TestServer]:
    state = StatusServer()
    return state, await aiohttp_server(state.app)


def host_of(server: TestServer) -> str:
    return f"{server.host}:{server.port}"


def url(server: TestServer, path: str) -> str:
    return str(server.make_url(path))


def client_for(server: TestServer, **kwargs: Any) -> StatusListClient:
    return StatusListClient(insecure_hosts=[host_of(server)], **kwargs)


async def list_hits_over_time(
    status_server: tuple[StatusServer, TestServer], *waits: float, **client_options: Any
) -> list[int]:
    """Fetches /list with a hand-moved clock, then again after each wait: the server's count of /list
    requests after each fetch."""
    state, server = status_server
    clock = Clock()
    counts = []
    async with client_for(server, clock=clock, **client_options) as client:
        assert await client.fetch(url(server, "/list")) == state.document
        counts.append(state.hits["list"])
        for seconds in waits:
            clock.advance(seconds)
            await client.fetch(url(server, "/list"))
            counts.append(state.hits["list"])
    return counts


# --- caching --------------------------------------------------------------------------------------


async def test_fresh_list_is_served_from_cache_until_max_age_passes(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    state, server = status_server
    state.headers["Cache-Control"] = "public, max-age=60"
    clock = Clock()
    async with client_for(server, clock=clock) as client:
        first = await client.fetch(url(server, "/list"))
        clock.advance(59)
        second = await client.fetch(url(server, "/list"))
        assert first == LIST
        assert second is first
        assert state.hits["list"] == 1
        clock.advance(2)
        await client.fetch(url(server, "/list"))
        assert state.hits["list"] == 2


async def test_max_age_is_capped_by_max_ttl(status_server: tuple[StatusServer, TestServer]) -> None:
    state, _ = status_server
    state.headers["Cache-Control"] = "max-age=86400"
    assert await list_hits_over_time(status_server, 29, 2, max_ttl=30) == [1, 1, 2]


async def test_age_header_shortens_max_age(status_server: tuple[StatusServer, TestServer]) -> None:
    state, _ = status_server
    state.headers.update({"Cache-Control": "max-age=60", "Age": "50"})
    assert await list_hits_over_time(status_server, 11) == [1, 2]


async def test_without_cache_control_the_default_ttl_applies(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    assert await list_hits_over_time(status_server, 119, 2, default_ttl=120) == [1, 1, 2]


async def test_no_store_is_never_cached(status_server: tuple[StatusServer, TestServer]) -> None:
    state, server = status_server
    state.headers["Cache-Control"] = "no-store, max-age=600"
    async with client_for(server) as client:
        for _ in range(3):
            assert await client.fetch(url(server, "/list")) == LIST
        assert state.hits["list"] == 3
        assert len(client) == 0
        assert client.cached(url(server, "/list")) is None


async def test_no_store_answer_drops_an_earlier_cached_copy(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    state, server = status_server
    state.headers["Cache-Control"] = "max-age=10"
    clock = Clock()
    async with client_for(server, clock=clock) as client:
        await client.fetch(url(server, "/list"))
        assert len(client) == 1
        clock.advance(11)
        state.headers["Cache-Control"] = "no-store"
        await client.fetch(url(server, "/list"))
        assert len(client) == 0


async def test_stale_list_is_revalidated_with_etag_and_304_makes_it_fresh(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    state, server = status_server
    state.headers["Cache-Control"] = "max-age=10"
    state.etag = '"v1"'
    clock = Clock()
    async with client_for(server, clock=clock) as client:
        first = await client.fetch(url(server, "/list"))
        clock.advance(11)
        again = await client.fetch(url(server, "/list"))
        assert again is first
        assert state.conditional == [None, '"v1"']
        assert state.hits["304"] == 1
        clock.advance(9)  # the 304 made the entry fresh for another max-age
        await client.fetch(url(server, "/list"))
        assert state.hits["list"] == 2


async def test_304_without_cache_control_keeps_the_previous_lifetime(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    state, server = status_server
    state.headers["Cache-Control"] = "max-age=10"
    state.etag = '"v1"'
    clock = Clock()
    async with client_for(server, clock=clock, default_ttl=1000) as client:
        await client.fetch(url(server, "/list"))
        clock.advance(11)
        state.headers.clear()
        await client.fetch(url(server, "/list"))
        clock.advance(11)
        await client.fetch(url(server, "/list"))
        assert state.hits["304"] == 2


async def test_changed_etag_replaces_the_cached_list(status_server: tuple[StatusServer, TestServer]) -> None:
    state, server = status_server
    state.headers["Cache-Control"] = "max-age=10"
    state.etag = '"v1"'
    clock = Clock()
    async with client_for(server, clock=clock) as client:
        await client.fetch(url(server, "/list"))
        state.etag, state.document = '"v2"', {**LIST, "n": 2}
        clock.advance(11)
        assert (await client.fetch(url(server, "/list")))["n"] == 2
        assert state.hits["304"] == 0


async def test_no_cache_revalidates_on_every_fetch(status_server: tuple[StatusServer, TestServer]) -> None:
    state, server = status_server
    state.headers["Cache-Control"] = "no-cache"
    state.etag = '"v1"'
    async with client_for(server) as client:
        for _ in range(3):
            await client.fetch(url(server, "/list"))
        assert state.hits["list"] == 3
        assert state.hits["304"] == 2


async def test_stale_list_is_not_served_when_the_server_is_gone(aiohttp_server: ServerFactory) -> None:
    state = StatusServer()
    state.headers["Cache-Control"] = "max-age=10"
    server = await aiohttp_server(state.app)
    clock = Clock()
    list_url = url(server, "/list")
    async with client_for(server, clock=clock) as client:
        await client.fetch(list_url)
        await server.close()
        assert await client.fetch(list_url) == LIST  # fresh: no I/O at all
        clock.advance(11)
        with pytest.raises(StatusListFetchError, match="could not fetch"):
            await client.fetch(list_url)


async def test_cache_is_a_bounded_lru(status_server: tuple[StatusServer, TestServer]) -> None:
    state, server = status_server
    async with client_for(server, max_entries=2) as client:
        for n in (1, 2):
            await client.fetch(url(server, f"/other/{n}"))
        await client.fetch(url(server, "/other/1"))  # 1 is now the most recently used
        await client.fetch(url(server, "/other/3"))  # evicts 2
        assert len(client) == 2
        assert state.hits["other"] == 3
        await client.fetch(url(server, "/other/1"))
        assert state.hits["other"] == 3
        await client.fetch(url(server, "/other/2"))
        assert state.hits["other"] == 4


async def test_fresh_cached_lookup_needs_no_event_loop_io(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    state, server = status_server
    async with client_for(server, max_entries=1000) as client:
        urls = [url(server, f"/other/{n}") for n in range(200)]
        await asyncio.gather(*(client.fetch(u) for u in urls))
        start = time.perf_counter()
        for _ in range(50):
            for u in urls:
                assert client.cached(u) is not None
        elapsed = time.perf_counter() - start
        assert state.hits["other"] == 200
        assert elapsed < 0.5  # 10 000 look-ups: dictionary speed, not network speed


# --- single-flight --------------------------------------------------------------------------------


async def test_fifty_concurrent_fetches_of_one_url_make_one_request(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    state, server = status_server
    state.delay = 0.2
    async with client_for(server) as client:
        results = await asyncio.gather(*(client.fetch(url(server, "/list")) for _ in range(50)))
        assert state.hits["list"] == 1
        assert all(r is results[0] for r in results)


async def test_concurrent_fetches_share_one_request_even_with_no_store(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    state, server = status_server
    state.delay = 0.2
    state.headers["Cache-Control"] = "no-store"
    async with client_for(server) as client:
        await asyncio.gather(*(client.fetch(url(server, "/list")) for _ in range(50)))
        assert state.hits["list"] == 1
        await client.fetch(url(server, "/list"))
        assert state.hits["list"] == 2


async def test_concurrent_fetches_all_see_the_one_failure(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    _, server = status_server
    async with client_for(server) as client:
        results = await asyncio.gather(
            *(client.fetch(url(server, "/status/500")) for _ in range(50)), return_exceptions=True
        )
        assert all(isinstance(r, StatusListFetchError) and r.status == 500 for r in results)


async def test_a_cancelled_caller_does_not_cancel_the_shared_request(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    state, server = status_server
    state.delay = 0.3
    async with client_for(server) as client:
        impatient = asyncio.ensure_future(client.fetch(url(server, "/list")))
        patient = asyncio.ensure_future(client.fetch(url(server, "/list")))
        await asyncio.sleep(0.05)
        impatient.cancel()
        assert await patient == LIST
        assert impatient.cancelled()
        assert state.hits["list"] == 1


# --- errors and limits ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", [404, 410, 500, 503])
async def test_non_200_answer_is_an_error_naming_the_status(
    status_server: tuple[StatusServer, TestServer], code: int
) -> None:
    _, server = status_server
    async with client_for(server) as client:
        with pytest.raises(StatusListFetchError, match=f"HTTP {code}") as info:
            await client.fetch(url(server, f"/status/{code}"))
        assert info.value.status == code
        assert isinstance(info.value, StatusListError)
        assert len(client) == 0


async def test_non_json_answer_is_an_error(status_server: tuple[StatusServer, TestServer]) -> None:
    _, server = status_server
    async with client_for(server) as client:
        with pytest.raises(StatusListFetchError, match="not JSON"):
            await client.fetch(url(server, "/text"))


async def test_json_that_is_not_an_object_is_an_error(status_server: tuple[StatusServer, TestServer]) -> None:
    state, server = status_server
    state.document = [1, 2, 3]
    async with client_for(server) as client:
        with pytest.raises(StatusListFetchError, match="not a JSON object"):
            await client.fetch(url(server, "/list"))


async def test_body_over_the_size_limit_is_refused(status_server: tuple[StatusServer, TestServer]) -> None:
    _, server = status_server
    async with client_for(server, max_bytes=10_000) as client:
        ok = await client.fetch(url(server, "/big?n=9000"))
        assert len(ok["pad"]) == 9000
        with pytest.raises(StatusListFetchError, match="larger than 10000 bytes"):
            await client.fetch(url(server, "/big?n=10000"))


async def test_size_limit_is_enforced_while_reading_a_chunked_body(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    _, server = status_server
    async with client_for(server, max_bytes=50_000) as client:
        with pytest.raises(StatusListFetchError, match="larger than 50000 bytes"):
            await client.fetch(url(server, "/stream"))


async def test_slow_server_times_out(status_server: tuple[StatusServer, TestServer]) -> None:
    state, server = status_server
    state.delay = 3.0
    async with client_for(server, timeout=0.3) as client:
        start = time.monotonic()
        with pytest.raises(StatusListFetchError, match="timed out"):
            await client.fetch(url(server, "/list"))
        assert time.monotonic() - start < 2.0


# --- which URLs may be fetched --------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "file:///etc/passwd",
        "ftp://issuer.example/status/1",
        "http://issuer.example/status/1",
        "gopher://issuer.example/",
        "data:application/json,{}",
        "https:///no-host",
        "/status/1",
        "https://issuer.example:99999/status",
    ],
)
async def test_only_https_urls_are_fetched(bad: str) -> None:
    async with StatusListClient(insecure_hosts=["issuer.example:8080"]) as client:
        with pytest.raises(StatusListFetchError):
            await client.fetch(bad)


async def test_http_to_a_host_not_listed_as_insecure_is_refused_without_a_request(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    state, server = status_server
    assert server.port is not None
    other_port = f"{server.host}:{server.port + 1}"
    for client in (StatusListClient(), StatusListClient(insecure_hosts=[other_port, str(server.host)])):
        async with client:
            with pytest.raises(StatusListFetchError, match="https only"):
                await client.fetch(url(server, "/list"))
    assert state.hits["list"] == 0


@pytest.mark.parametrize(
    "target",
    [
        "https://127.0.0.1/list",
        "https://10.20.30.40/list",
        "https://169.254.169.254/latest",
        "https://[::1]/x",
    ],
)
async def test_private_and_local_ip_addresses_are_refused_without_a_request(target: str) -> None:
    async with StatusListClient() as client:
        with pytest.raises(StatusListFetchError, match="private or local address"):
            await client.fetch(target)


async def test_a_name_resolving_to_a_local_address_is_refused_before_connecting(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    state, server = status_server
    async with StatusListClient() as client:
        with pytest.raises(StatusListFetchError, match="no public address"):
            await client.fetch(f"https://localhost:{server.port}/list")
    assert state.hits["list"] == 0


async def test_http_to_an_insecure_host_is_allowed(status_server: tuple[StatusServer, TestServer]) -> None:
    _, server = status_server
    async with StatusListClient(insecure_hosts=[host_of(server)]) as client:
        assert await client.fetch(url(server, "/list")) == LIST


async def test_redirect_to_a_refused_url_is_not_followed(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    state, server = status_server
    async with client_for(server) as client:
        with pytest.raises(StatusListFetchError, match="https only"):
            await client.fetch(url(server, "/redirect?to=http://169.254.169.254/latest/meta-data"))
        assert await client.fetch(url(server, "/redirect?to=/other/7")) == {"n": "7"}
        assert state.hits["other"] == 1


async def test_https_certificates_are_verified(aiohttp_server: ServerFactory, tmp_path: Path) -> None:
    state = StatusServer()
    server = await aiohttp_server(state.app, ssl=server_tls(*loopback_certificate(tmp_path)))
    list_url = f"https://{server.host}:{server.port}/list"
    async with StatusListClient(insecure_hosts=[host_of(server)]) as client:
        with pytest.raises(StatusListFetchError, match="could not fetch"):
            await client.fetch(list_url)


# --- lifecycle ------------------------------------------------------------------------------------


async def test_one_session_is_shared_and_close_releases_it(
    status_server: tuple[StatusServer, TestServer],
) -> None:
    _, server = status_server
    client = client_for(server)
    assert client._session is None  # created lazily
    await client.fetch(url(server, "/other/1"))
    session = client._session
    await client.fetch(url(server, "/other/2"))
    assert client._session is session
    await client.close()
    assert session is not None
    assert session.closed
    await client.close()  # idempotent
    assert await client.fetch(url(server, "/other/3")) == {"n": "3"}  # a new session
    await client.close()
