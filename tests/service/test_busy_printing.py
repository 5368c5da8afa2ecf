"""When the threads drawing PDFs or Europass pictures are full, the wallet and the issuer say so at
once (503 with ``Retry-After``) instead of queueing more work, and leave nothing half-made.

Real issuer, wallet and verifier servers with a real Redis (``support.travel.system``); the pools are
held full by jobs waiting for an event (``support.held_workers``), never by timing.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from markupsafe import escape

from plecak.runtime.printout import PDF_MAKERS, find_fonts
from plecak.runtime.workers import BUSY_RETRY_SECONDS
from plecak.wallet.europass import PICTURE_MAKERS
from plecak.wallet.i18n import EN, PL
from support.held_workers import HeldWorkers
from support.issuer import AUTH
from support.travel import System, learner_with_credential, system
from support.wallet import Browser

__all__ = ["system"]

pytestmark = pytest.mark.skipif(find_fonts() is None, reason="no DejaVu Sans here (fonts-dejavu-core)")


async def _wallet_pdf(browser: Browser, cid: str) -> tuple[int, bytes, dict[str, str]]:
    await browser.get(f"/credentials/{cid}")
    async with browser.session.post(
        f"{browser.base}/credentials/{cid}/pdf", data={"csrf": browser.csrf or "", "days": "30"}
    ) as resp:
        return resp.status, await resp.read(), dict(resp.headers)


async def test_wallet_pdf_is_refused_at_once_in_polish_when_the_pdf_threads_are_full_and_makes_no_link(
    system: System,
) -> None:
    browser, cid, _ = await learner_with_credential(system, "pl")
    try:
        async with HeldWorkers(PDF_MAKERS):
            status, body, headers = await _wallet_pdf(browser, cid)
        assert status == 503
        assert headers["Retry-After"] == str(BUSY_RETRY_SECONDS)
        assert headers["Content-Type"].startswith("text/html")
        assert str(escape(PL["pdf.busy"])) in body.decode()
        _, shares = await browser.get("/shares")
        assert "/revoke" not in shares  # no share link for a PDF that was not made
        status, body, _ = await _wallet_pdf(browser, cid)  # the threads are free again
        assert status == 200
        assert body.startswith(b"%PDF-")
    finally:
        await browser.close()


async def test_europass_download_is_refused_at_once_when_the_picture_threads_are_full(system: System) -> None:
    browser, cid, _ = await learner_with_credential(system, "en", "marta@example.org")
    url = f"{browser.base}/credentials/{cid}/europass"
    try:
        async with HeldWorkers(PICTURE_MAKERS), browser.session.get(url) as resp:
            assert resp.status == 503
            assert resp.headers["Retry-After"] == str(BUSY_RETRY_SECONDS)
            assert str(escape(EN["elm.busy"])) in await resp.text()
        async with browser.session.get(url) as resp:
            assert resp.status == 200
            assert resp.content_type == "application/ld+json"
    finally:
        await browser.close()


async def test_registrar_pdf_is_refused_with_problem_details_when_the_pdf_threads_are_full_and_makes_no_link(
    system: System,
) -> None:
    body = {"learner": {"name": "Zofia Żółkiewska"}}
    issue_url = f"{system.issuer_url}/api/achievements/{system.achievement_uuid}/credentials"
    async with system.admin.post(issue_url, json=body, headers=AUTH) as resp:
        assert resp.status == 201, await resp.text()
        credential_id = (await resp.json())["verifiableCredential"]["id"]
    api = f"{system.issuer_url}/api/credentials/{quote(credential_id, safe='')}"
    async with HeldWorkers(PDF_MAKERS), system.admin.post(f"{api}/pdf", json={}, headers=AUTH) as resp:
        assert resp.status == 503
        assert resp.content_type == "application/problem+json"
        assert resp.headers["Retry-After"] == str(BUSY_RETRY_SECONDS)
        assert (await resp.json())["status"] == 503
    async with system.admin.get(f"{api}/links", headers=AUTH) as resp:
        assert (await resp.json())["links"] == []
    async with system.admin.post(f"{api}/pdf", json={}, headers=AUTH) as resp:
        assert resp.status == 200
        assert (await resp.read()).startswith(b"%PDF-")
