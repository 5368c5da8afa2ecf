"""Issue 15, "verdicts an employer can read": what the verifier's pages say when a credential is
someone else's, bare, tampered, forged or behind a withdrawn link. Real issuer, wallet and verifier
over HTTP with a real Redis."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import did_key
from plecak.core.integrity.proofs import add_proof
from plecak.core.timeutil import format_datetime, utc_now
from plecak.verifier.app import create_app as create_verifier
from plecak.verifier.display import credential_rows
from plecak.verifier.messages import EN
from support.ports import Listener
from support.verifier import Stack, start_stack, verifier_settings
from support.wallet import Browser, Servers, servers

__all__ = ["servers"]

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
POLISH = {"Accept-Language": "pl"}


def verdict(page: str) -> str:
    match = re.search(r'id="verdict" data-verdict="([a-z]+)"', page)
    assert match, page[:2000]
    return match.group(1)


def headline(page: str) -> str:
    match = re.search(r'id="verdict".*?<h1>(.*?)</h1>', page, re.S)
    assert match, page[:2000]
    return html.unescape(match.group(1)).strip()


def check(page: str, name: str) -> str:
    match = re.search(rf'data-check="{name}" data-outcome="([a-z]+)"', page)
    assert match, f"no check {name}"
    return match.group(1)


def flashes(page: str) -> list[str]:
    return [html.unescape(f) for f in re.findall(r'<p class="flash" role="status">(.*?)</p>', page, re.S)]


@dataclass
class Employer:
    url: str
    session: aiohttp.ClientSession

    async def open_link(self, link: str, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
        """``/verify?url=link`` as an employer's browser: (status, final URL, page)."""
        async with self.session.get(
            f"{self.url}/verify", params={"url": link}, headers=headers or {}
        ) as resp:
            return resp.status, str(resp.url), await resp.text()


@pytest.fixture
async def employer(servers: Servers) -> AsyncIterator[Employer]:
    """A verifier that may fetch from the wallet's and the issuer's loopback addresses."""
    port_listener = Listener()
    port = port_listener.port
    hosts = {servers.wallet_url.removeprefix("http://"), servers.issuer.url.removeprefix("http://")}
    app = create_verifier(verifier_settings(servers.redis_url, port, hosts))
    server = port_listener.server(app)
    await server.start_server()
    session = aiohttp.ClientSession()
    try:
        yield Employer(f"http://127.0.0.1:{port}", session)
    finally:
        await session.close()
        await server.close()


async def _add(browser: Browser, credential: dict[str, Any]) -> tuple[str, list[str]]:
    await browser.get("/add")
    status, text = await browser.post("/add", {"json": json.dumps(credential)})
    assert status == 200, text
    found = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url)
    assert found
    return found.group(1), flashes(text)


async def _share_link(browser: Browser, cid: str) -> str:
    await browser.get("/share")
    data = [("c", cid), ("days", "7"), ("csrf", browser.csrf or "")]
    async with browser.session.post(browser.base + "/share", data=data) as resp:
        text = await resp.text()
        assert resp.status == 201, text
    found = re.search(r'id="raw-link" href="([^"]+)"', text)
    assert found
    return html.unescape(found.group(1))


# -- holder binding: learner B shares learner A's credential ----------------------------------------
async def test_learner_b_sharing_a_name_only_credential_is_never_green(
    servers: Servers, employer: Employer
) -> None:
    browser = servers.browser
    did_b = await browser.sign_up("b@example.org")
    credential_of_a = await servers.issuer.issue(name="Anna Nowak")  # issued by name only: no DID
    assert "id" not in credential_of_a["credentialSubject"]
    cid, shown = await _add(browser, credential_of_a)
    # The wallet warns B that the credential is not bound to B's DID.
    assert any("not bound to your DID" in f and did_b in f for f in shown), shown
    link = await _share_link(browser, cid)

    status, location, page = await employer.open_link(link)
    assert status == 200
    assert "/results/" in location
    assert verdict(page) == "warnings"
    assert headline(page) == "Genuine, but not tied to the person showing it"
    assert check(page, "holder") == "passed"
    assert check(page, "binding") == "warning"
    text = html.unescape(page)
    assert "Not tied to the learner" in text
    assert "anyone with a copy could show it" in text
    assert "Shown by the learner the credential was issued to" not in text
    async with employer.session.get(location + "/report.json") as resp:
        report = json.loads(await resp.text())
    binding = next(c for c in report["results"] if c["check"] == "binding")
    assert binding["outcome"] == "warning"
    assert binding["details"]["bound"] is False
    assert "binding" not in report["checks"]
    assert report["verdict"] == "warnings"

    async with employer.session.get(location, headers=POLISH) as resp:
        polish = html.unescape(await resp.text())
    assert verdict(polish) == "warnings"
    assert headline(polish) == "Autentyczne, ale niepowiązane z osobą, która je pokazuje"
    assert "Niepowiązane z osobą uczącą się" in polish


async def test_a_credential_issued_to_the_learners_did_is_green_and_not_warned(
    servers: Servers, employer: Employer
) -> None:
    browser = servers.browser
    did = await browser.sign_up("a@example.org")
    cid, shown = await _add(browser, await servers.issuer.issue(did))
    assert not any("not bound" in f for f in shown)
    _, _, page = await employer.open_link(await _share_link(browser, cid))
    # The issuer is not on this verifier's trusted list: amber for that, but binding passes.
    assert check(page, "binding") == "passed"
    assert check(page, "holder") == "passed"
    assert "Shown by the learner the credential was issued to" in html.unescape(page)


async def test_wallet_warns_in_polish_when_a_credential_is_not_bound(servers: Servers) -> None:
    browser = servers.browser
    await browser.sign_up("pl@example.org")
    await browser.get("/lang/pl")
    _, shown = await _add(browser, await servers.issuer.issue(name="Anna Nowak"))
    assert any("nie jest powiązane z Twoim DID" in f for f in shown), shown


# -- share links in words ----------------------------------------------------------------------------
async def test_withdrawn_and_unknown_share_links_are_said_in_words(
    servers: Servers, employer: Employer
) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    cid, _ = await _add(browser, await servers.issuer.issue(did))
    link = await _share_link(browser, cid)
    _, listing = await browser.get("/shares")
    action = re.search(r'action="(/shares/[0-9a-f]{64}/revoke)"', listing)
    assert action
    status, _ = await browser.post(action.group(1))
    assert status == 200

    status, _, page = await employer.open_link(link)
    text = html.unescape(page)
    assert status == 410
    assert "This link was withdrawn by whoever made it" in text
    assert "HTTP 410" not in text
    assert "Something went wrong" not in text
    assert "<h1>No longer available</h1>" in text
    status, _, page = await employer.open_link(link, POLISH)
    assert status == 410
    assert "Ten link wycofał ten, kto go utworzył" in html.unescape(page)

    status, _, page = await employer.open_link(servers.wallet_url + "/s/" + "x" * 43)
    text = html.unescape(page)
    assert status == 404
    assert "This link does not exist or has expired" in text
    assert "HTTP 404" not in text
    assert "Something went wrong" not in text


# -- tampered and forged credentials ---------------------------------------------------------------
@pytest.fixture
async def untrusted(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> Stack:
    """A verifier whose trusted list does not hold the issuer (the case where it said "the seal is valid")."""
    return await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, trusted=False)


async def _paste(stack: Stack, document: Any, headers: dict[str, str] | None = None) -> str:
    token = await stack.csrf()
    resp = await stack.verifier.post(
        "/verify", data={"csrf_token": token, "credential": json.dumps(document)}
    )
    assert resp.status == 200, await resp.text()
    async with stack.verifier.get(resp.url.path, headers=headers or {}) as again:
        return await again.text()


async def test_tampered_credential_never_says_the_seal_is_valid(untrusted: Stack) -> None:
    credential = await untrusted.issue("Anna Nowak")
    credential["credentialSubject"]["name"] = "Mallory Forger"
    page = html.unescape(await _paste(untrusted, credential))
    assert verdict(page) == "failed"
    assert headline(page) == "The content was altered"
    assert "at least one check failed" not in page
    assert check(page, "proof") == "failed"
    assert "seal is valid" not in page.lower()
    assert "signature is valid" not in page.lower()
    # The rows after the seal stay, saying why they were not checked.
    assert check(page, "issuer") == "unknown"
    assert check(page, "status") == "unknown"
    assert page.count("Not checked because the seal failed.") == 2
    # The altered name is shown as unverified content, not as what the issuer said.
    assert 'data-unverified="true"' in page
    assert "Unverified content." in page
    assert page.index("Unverified content.") < page.index("Mallory Forger")


async def test_genuine_credential_content_is_not_marked_unverified(untrusted: Stack) -> None:
    page = await _paste(untrusted, await untrusted.issue("Anna Nowak"))
    assert check(page, "proof") == "passed"
    assert "Unverified content." not in page
    assert "The seal is valid, but the issuer is not on your trusted list." in page


async def test_red_headlines_name_the_reason(untrusted: Stack) -> None:
    revoked, suspended = await untrusted.issue(), await untrusted.issue()
    await untrusted.set_status(revoked, "revocation")  # both before the verifier caches the lists
    await untrusted.set_status(suspended, "suspension")
    dated = r" \d{4}-\d{2}-\d{2}"  # the date of the status list that says so
    assert re.fullmatch(
        "Revoked by the issuer on or before" + dated, headline(await _paste(untrusted, revoked))
    )
    assert re.fullmatch(
        "Suspended by the issuer on or before" + dated, headline(await _paste(untrusted, suspended))
    )
    polish = headline(await _paste(untrusted, suspended, POLISH))
    assert re.fullmatch("Zawieszone przez wystawcę najpóźniej" + dated, polish)
    key = Ed25519KeyPair.generate()
    forged = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "name": "Master of Science",
        "issuer": "https://www.pw.edu.pl/",
        "validFrom": format_datetime(utc_now()),
        "credentialSubject": {"name": "Mallory"},
    }
    page = html.unescape(
        await _paste(untrusted, add_proof(forged, key, f"{did_key(key)}#{key.public_multibase}"))
    )
    assert verdict(page) == "failed"
    assert headline(page) == "Not sealed by the issuer it names"
    assert "anyone could have sealed it in that issuer's name" in page


async def test_bare_credential_says_anyone_holding_the_file_can_show_it(untrusted: Stack) -> None:
    await untrusted.trust()
    page = html.unescape(await _paste(untrusted, await untrusted.issue()))
    assert verdict(page) == "warnings"
    assert headline(page) == "Genuine, but the holder was not checked"
    assert "Every check passed" not in page
    assert check(page, "binding") == "warning"
    assert "anyone holding the file can show it" in page
    polish = html.unescape(await _paste(untrusted, await untrusted.issue(), POLISH))
    assert headline(polish) == "Autentyczne, ale posiadacza nie sprawdzono"


# -- "not stated" versus "not shared by the holder" --------------------------------------------------
def _derived(achievement: dict[str, Any]) -> dict[str, Any]:
    """A credential shaped like an ecdsa-sd-2023 selective disclosure (the display reads the shape)."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH", "name": "Uni"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": achievement},
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-sd-2023", "proofValue": "u2V0BhVhA"},
    }


def test_a_mandatory_element_missing_from_a_disclosure_is_not_stated() -> None:
    rows = {
        r.key: r
        for r in credential_rows(_derived({"name": "Course", "achievementType": "MicroCredential"}), EN)
    }
    # EQF level and ECTS are mandatory disclosures: missing, the issuer never stated them.
    for key in ("eqf", "ects", "outcomes", "assessment"):
        assert rows[key].value is None, key
        assert not rows[key].not_shared, key
    # The grade may have been withheld or never filled in: an ecdsa-sd-2023 disclosure does not say.
    assert rows["grade"].not_shared
    assert rows["grade"].maybe_not_stated
