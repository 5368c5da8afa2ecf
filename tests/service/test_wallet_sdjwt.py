"""SD-JWT VCs in the wallet: received over OpenID4VCI from the real issuer, kept, shown, status checked."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import aiohttp

from support.issuer import AUTH
from support.wallet import Servers, servers
from support.wallet_sdjwt import receive_sd_jwt

__all__ = ["servers"]


def _cards(text: str) -> list[str]:
    return re.findall(r'<a href="/credentials/[0-9a-f]+" class="card-title">([^<]+)</a>', text)


async def test_sd_jwt_offer_is_received_verified_and_shown_with_every_element(servers: Servers) -> None:
    _, text = await receive_sd_jwt(servers)
    assert "/credentials/" in servers.browser.last_url
    assert "Data Literacy Compact Course" in text
    assert "was received" in text
    assert 'class="badge status-valid"' in text
    # the holder sees every disclosure, including the grade and its own name
    assert "Anna Nowak" in text
    assert "4.5" in text
    _, listing = await servers.browser.get("/")
    assert _cards(listing) == ["Data Literacy Compact Course"]


async def test_sd_jwt_credential_shows_revoked_after_the_issuer_revokes_it(servers: Servers) -> None:
    offer, _ = await receive_sd_jwt(servers)
    async with servers.issuer.client.get(
        f"{servers.issuer.url}/api/offers/{offer['id']}", headers=AUTH
    ) as resp:
        credential_id = (await resp.json())["credentialId"]
    await servers.issuer.set_status(credential_id, "revocation", True)
    _, listing = await servers.browser.get("/")
    assert "status-revoked" in listing


async def test_share_screen_has_a_switch_per_disclosable_field_and_the_link_hides_the_grade(
    servers: Servers,
) -> None:
    from support.wallet_share import raw_share_link, share_credentials

    await receive_sd_jwt(servers)
    browser = servers.browser
    cid = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url).group(1)  # type: ignore[union-attr]
    _, text = await browser.get(f"/share?c={cid}")
    assert f'name="fields.{cid}" value="grade"' in text
    assert f'name="fields.{cid}" value="learner"' in text
    # the same switch list as for JSON-LD credentials: mandatory elements always shared, no switch
    assert re.search(r'data-field="title">\s*<input type="checkbox" checked disabled>', text)
    assert f'name="fields.{cid}" value="title"' not in text
    assert "always shared" in text
    assert f'data-preview="{cid}:grade"' in text
    assert f'data-alone="{cid}"' in text  # why it cannot share a link with W3C credentials
    assert '<script src="/static/share.js" defer></script>' in text
    # the learner switches the grade off: everything else stays on
    fields = {f"sd.{cid}": "1", f"fields.{cid}": "learner"}
    status, created = await share_credentials(browser, [cid], days="7", **fields)
    assert status == 201, created
    raw = raw_share_link(created)
    async with servers.issuer.client.get(raw) as resp:
        document = await resp.json(content_type=None)
    assert document["type"] == "EnvelopedVerifiableCredential"
    from urllib.parse import unquote

    from plecak.core.did import DidResolver
    from plecak.core.sdjwt import SdJwtVerifier

    shown = unquote(document["id"].removeprefix("data:application/dc+sd-jwt,"))
    resolver = DidResolver(insecure_hosts={servers.issuer.url.removeprefix("http://")})
    result = await SdJwtVerifier(resolver).verify(shown, nonce=None, audience=None)
    assert result.verified, result.to_json()
    assert result.disclosed["name"] == "Anna Nowak"
    assert "grade" not in result.disclosed
    assert "grade" in result.undisclosed


async def test_an_sd_jwt_credential_is_shared_on_its_own(servers: Servers) -> None:
    from support.wallet_share import share_credentials

    await receive_sd_jwt(servers)
    browser = servers.browser
    sd_cid = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url).group(1)  # type: ignore[union-attr]
    other = await servers.issuer.issue()  # a W3C credential with no subject DID
    await browser.get("/add")
    status, _ = await browser.post("/add", {"json": json.dumps(other)})
    assert status == 200
    w3c_cid = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url).group(1)  # type: ignore[union-attr]
    status, text = await share_credentials(browser, [sd_cid, w3c_cid], days="7")
    assert status == 400
    assert "on its own" in text


async def test_wallet_answers_a_real_verifiers_dcql_request_with_only_the_requested_claims(
    servers: Servers,
) -> None:

    from plecak.verifier.app import create_app as create_verifier
    from plecak.verifier.config import Settings as VerifierSettings
    from support.issuer import TOKEN

    verifier_url = f"http://127.0.0.1:{servers.spare_port}"
    verifier = servers.spare.server(
        create_verifier(
            VerifierSettings(
                admin_token=TOKEN,
                port=servers.spare_port,
                public_url=verifier_url,
                redis_url=servers.redis_url,
                data_dir=servers.data_dir / "verifier",
                insecure_hosts=frozenset({servers.issuer.url.removeprefix("http://")}),
            )
        ),
    )
    await verifier.start_server()
    employer = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    try:
        await receive_sd_jwt(servers)
        async with employer.get(f"{verifier_url}/") as resp:
            page = await resp.text()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf, page[:500]
        form = {"csrf_token": csrf.group(1), "what": "any", "format": "dc+sd-jwt", "claim_name": "1"}
        async with employer.post(f"{verifier_url}/requests", data=form, allow_redirects=False) as resp:
            assert resp.status == 303, await resp.text()
            request_page = resp.headers["Location"]
        async with employer.get(f"{verifier_url}{request_page}") as resp:
            link = re.search(r'id="same-device" href="([^"]+)"', await resp.text())
        assert link
        from html import unescape
        from urllib.parse import parse_qs, urlsplit

        params = parse_qs(urlsplit(unescape(link.group(1))).query)
        status, text = await servers.browser.get(
            "/present?" + "&".join(f"{k}={quote(v[0], safe='')}" for k, v in params.items())
        )
        assert status == 200, text
        action = re.search(r'action="(/present/[A-Za-z0-9_-]+)"', text)
        choice = re.search(r'name="(q\.[a-z_]+)" value="([0-9a-f]+)"', text)
        assert action, text
        assert choice, text
        status, text = await servers.browser.post(
            action.group(1), {choice.group(1): choice.group(2), "action": "send"}
        )
        assert status == 200, text
        tx = request_page.rsplit("/", 1)[1]
        async with employer.get(f"{verifier_url}/requests/{tx}/status") as resp:
            state = await resp.json()
        assert state["status"] == "answered", state
        assert state["verdict"] in ("verified", "warnings"), state
        async with employer.get(f"{verifier_url}{state['resultUrl']}") as resp:
            result = await resp.text()
        assert 'data-check="key_binding" data-outcome="passed"' in result
        assert "Anna Nowak" in result
        # the grade was not asked for, so it was not disclosed
        assert re.search(r'id="el-grade"[^>]*>\s*<dt>[^<]*</dt>\s*<dd><span class="not-shared">', result)
    finally:
        await employer.close()
        await verifier.close()


async def test_an_sd_jwt_credential_survives_a_backup_into_another_wallet(
    servers: Servers, tmp_path: Any, second_redis_url: str
) -> None:
    from plecak.wallet.app import create_app
    from support.ports import Listener
    from support.wallet import Browser, wallet_settings
    from support.wallet_backup import credential_titles, export_backup, import_backup

    await receive_sd_jwt(servers)
    status, data = await export_backup(servers.browser)
    assert status == 200
    port_listener = Listener()
    port = port_listener.port
    app = create_app(
        wallet_settings(
            second_redis_url,
            tmp_path / "second",
            port,
            insecure_hosts=frozenset({servers.issuer.url.removeprefix("http://")}),
        )
    )
    server = port_listener.server(app)
    await server.start_server()
    second = Browser(f"http://127.0.0.1:{port}")
    try:
        await second.sign_up("anna.moved@example.org")
        status, text = await import_backup(second, data)
        assert status == 200, text
        assert "Imported 1 credential and" in text, text
        assert credential_titles(text) == ["Data Literacy Compact Course"]
        assert "status-valid" in text
    finally:
        await second.close()
        await server.close()
