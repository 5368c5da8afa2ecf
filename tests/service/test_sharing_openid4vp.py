"""The employer asks for chosen EU elements over OpenID4VP, in either selective-disclosure format;
the learner declines one optional element on the wallet's answer page; the real verifier shows it as
"not shared by the holder" (and so every element nobody asked for), the rest verified."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import unescape
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import aiohttp
import pytest

from plecak.verifier.app import create_app as create_verifier
from plecak.verifier.config import Settings as VerifierSettings
from support.issuer import TOKEN
from support.wallet import Servers, servers
from support.wallet_sdjwt import receive_sd_jwt
from support.wallet_selective import issue_sd
from support.wallet_share import add_credential

__all__ = ["servers"]


class Employer:
    def __init__(self, url: str) -> None:
        self.url = url
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def ask(self, **form: str) -> str:
        async with self.session.get(f"{self.url}/") as resp:
            page = await resp.text()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf, page[:500]
        assert 'name="element_grade"' in page
        assert 'name="element_eqf"' not in page
        data = {"csrf_token": csrf.group(1), "what": "any", **form}
        async with self.session.post(f"{self.url}/requests", data=data, allow_redirects=False) as resp:
            assert resp.status == 303, await resp.text()
            return resp.headers["Location"]

    async def wallet_link(self, request_page: str) -> str:
        async with self.session.get(f"{self.url}{request_page}") as resp:
            page = await resp.text()
        link = re.search(r'id="same-device" href="([^"]+)"', page)
        assert link
        asked = re.search(r'id="asked-elements">([^<]+)</p>', page)
        assert asked, page
        assert "Grade" in asked.group(1), page
        assert "Workload in hours" in asked.group(1), page
        params = parse_qs(urlsplit(unescape(link.group(1))).query)
        return "/present?" + "&".join(f"{k}={quote(v[0], safe='')}" for k, v in params.items())

    async def result(self, request_page: str) -> tuple[str, str]:
        tx = request_page.rsplit("/", 1)[1]
        async with self.session.get(f"{self.url}/requests/{tx}/status") as resp:
            state = await resp.json()
        assert state["status"] == "answered", state
        async with self.session.get(f"{self.url}{state['resultUrl']}") as resp:
            return str(state["verdict"]), await resp.text()


@asynccontextmanager
async def _employer(servers: Servers, **overrides: Any) -> AsyncIterator[Employer]:
    url = f"http://127.0.0.1:{servers.spare_port}"
    server = servers.spare.server(
        create_verifier(
            VerifierSettings(
                admin_token=TOKEN,
                port=servers.spare_port,
                public_url=url,
                redis_url=servers.redis_url,
                data_dir=servers.data_dir / "verifier",
                insecure_hosts=frozenset({servers.issuer.url.removeprefix("http://")}),
                **overrides,
            )
        ),
    )
    await server.start_server()
    employer = Employer(url)
    try:
        yield employer
    finally:
        await employer.session.close()
        await server.close()


@pytest.fixture
async def employer(servers: Servers) -> AsyncIterator[Employer]:
    async with _employer(servers) as made:
        yield made


def element(page: str, key: str) -> str:
    found = re.search(rf'id="el-{key}"[^>]*>\s*<dt>[^<]*</dt>\s*<dd>(.*?)</dd>', page, re.S)
    assert found, key
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


async def _answer_declining_grade(servers: Servers, link: str, cid: str) -> None:
    browser = servers.browser
    status, text = await browser.get(link)
    assert status == 200, text
    states = dict(re.findall(r'data-field="([a-z_]+)" data-state="([a-z_]+)"', text))
    assert states["grade"] == "optional", states
    assert states["workload_hours"] == "optional", states
    assert states["title"] == "mandatory"
    assert "learner" not in states
    action = re.search(r'action="(/present/[A-Za-z0-9_-]+)"', text)
    query = re.search(rf'name="q\.([a-z_]+)" value="{cid}"', text)
    assert action, text
    assert query, text
    q = query.group(1)
    data = [
        (f"q.{q}", cid),
        (f"sd.{q}.{cid}", "1"),
        (f"fields.{q}.{cid}", "workload_hours"),
        ("action", "send"),
        ("csrf", browser.csrf or ""),
    ]
    async with browser.session.post(browser.base + action.group(1), data=data) as resp:
        assert resp.status == 200, await resp.text()


async def test_employer_asks_ldp_elements_and_the_learner_declines_the_grade(
    servers: Servers, employer: Employer
) -> None:
    did = await servers.browser.sign_up()
    cid = await add_credential(servers.browser, await issue_sd(servers, did))
    request_page = await employer.ask(format="ldp_vc", element_grade="1", element_workload_hours="1")
    await _answer_declining_grade(servers, await employer.wallet_link(request_page), cid)
    verdict, page = await employer.result(request_page)
    assert verdict in ("verified", "warnings"), page[:3000]  # warnings: the issuer is not on a trust list
    assert 'data-check="proof" data-outcome="passed"' in page
    maybe = "not shared by the holder, or not filled in by the issuer"  # ecdsa-sd-2023 cannot say which
    assert element(page, "grade") == maybe  # asked, declined
    assert element(page, "learner") == maybe  # never asked
    assert element(page, "workload_hours") not in (maybe, "")
    assert element(page, "eqf") == "6"  # mandatory
    assert "The holder chose not to share: grade." in page


async def test_employer_asks_sd_jwt_elements_and_the_learner_declines_the_grade(
    servers: Servers, employer: Employer
) -> None:
    await receive_sd_jwt(servers)
    cid = re.search(r"/credentials/([0-9a-f]{32})", servers.browser.last_url)
    assert cid
    request_page = await employer.ask(format="dc+sd-jwt", element_grade="1", element_workload_hours="1")
    await _answer_declining_grade(servers, await employer.wallet_link(request_page), cid.group(1))
    verdict, page = await employer.result(request_page)
    assert verdict in ("verified", "warnings"), page[:3000]
    assert element(page, "grade") == "not shared by the holder"  # SD-JWT says what was withheld
    assert element(page, "learner") == "not shared by the holder"
    assert element(page, "workload_hours") not in ("not shared by the holder", "")
    assert "The holder chose not to share: grade, grading_scheme." in page


async def test_our_wallet_answers_our_verifier_encrypted_with_direct_post_jwt(servers: Servers) -> None:
    """The verifier asks for an encrypted answer (HAIP's direct_post.jwt): the wallet encrypts it to
    the request's ephemeral key, the verifier decrypts and verifies it; the wallet showed the
    request as signed by the verifier's DID (its public URL is an IP address)."""
    await receive_sd_jwt(servers)
    cid = re.search(r"/credentials/([0-9a-f]{32})", servers.browser.last_url)
    assert cid
    async with _employer(servers, oid4vp_response_mode="direct_post.jwt") as employer:
        request_page = await employer.ask(format="dc+sd-jwt", element_grade="1", element_workload_hours="1")
        link = await employer.wallet_link(request_page)
        status, text = await servers.browser.get(link)
        assert status == 200
        assert 'data-verified="did"' in text
        assert "did:key:zDn" in text
        await _answer_declining_grade(servers, link, cid.group(1))
        verdict, page = await employer.result(request_page)
    assert verdict in ("verified", "warnings"), page[:3000]
    assert 'data-check="binding" data-outcome="passed"' in page or 'data-check="proof" data-outcome="passed"' in page
    assert element(page, "grade") == "not shared by the holder"


def test_ask_for_ldp_elements_gives_dcql_claim_paths_the_holder_may_decline() -> None:
    from plecak.verifier.oid4vp.requests import Ask, dcql_query

    ask = Ask(elements=("grade", "learner"))
    assert Ask.from_json(ask.to_json()) == ask
    query = dcql_query(ask)["credentials"][0]
    ids = [c["id"] for c in query["claims"]]
    assert ids == ["match", "grade", "grade-1", "learner", "learner-1"]
    paths = {c["id"]: c["path"] for c in query["claims"]}
    assert paths["grade"] == ["credentialSubject", "result"]
    assert paths["grade-1"] == ["credentialSubject", "achievement", "resultDescription"]
    assert query["claim_sets"] == [ids, ["match"]]  # only the match is required
    assert "claim_sets" not in dcql_query(Ask())["credentials"][0]
    for bad in (
        {"elements": ("eqf",)},  # mandatory: always shared, nothing to ask
        {"elements": ("shoe_size",)},
        {"elements": ("grade",), "format": "dc+sd-jwt"},
    ):
        with pytest.raises(ValueError, match="elements can be asked only of a W3C credential"):
            Ask(**bad)


def test_sd_jwt_ask_marks_asked_claims_optional_with_claim_sets() -> None:
    from plecak.verifier.oid4vp.requests import Ask, dcql_query, sd_jwt_claims_of

    assert sd_jwt_claims_of(["grade", "learner", "skills"]) == ("grade", "grading_scheme", "name")
    query = dcql_query(Ask(format="dc+sd-jwt", claims=("grade",)))["credentials"][0]
    assert query["claim_sets"] == [["title", "grade"], ["title"]]
