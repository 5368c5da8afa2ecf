"""Europass (issue 14): the wallet's "Download for Europass (ELM)" gives the learner's credential as
an unsealed European Digital Credential file that expands in safe mode under the official EDC
context, reads back with every element, passes the EDC shapes as far as the Commission's own sample
does, and says it is an unsealed copy; nobody else can download it.

Real issuer, wallet and verifier servers with a real Redis (``support.travel.system``).
"""

from __future__ import annotations

import base64
import json

from plecak.core.jsonld.rdf import expand_safe
from plecak.core.model.elm import UNSEALED_NOTICE, read_elm_credential
from plecak.runtime.printout import find_fonts
from plecak.wallet.i18n import EN, PL
from support.elm_shacl import shacl_violations
from support.travel import POLISH_TITLE, System, learner_with_credential, system
from support.wallet import Browser

__all__ = ["system"]

ISSUER_LEGAL_ID = {
    ("https://www.w3.org/2018/credentials#issuer", "NodeConstraintComponent"),
    ("http://data.europa.eu/snb/model/elm/eidasLegalIdentifier", "MinCountConstraintComponent"),
}


async def _download(browser: Browser, cid: str) -> tuple[int, bytes, dict[str, str]]:
    async with browser.session.get(f"{browser.base}/credentials/{cid}/europass", allow_redirects=False) as resp:
        return resp.status, await resp.read(), dict(resp.headers)


async def test_learner_downloads_an_unsealed_elm_file_that_expands_safely_and_reads_back(system: System) -> None:
    browser, cid, credential = await learner_with_credential(system, "en", "marta@example.org")
    try:
        _, page = await browser.get(f"/credentials/{cid}")
        assert EN["travel.europass"] in page
        assert f'href="/credentials/{cid}/europass"' in page
        assert EN["travel.europass_hint"].split(":")[0] in page

        status, data, headers = await _download(browser, cid)
        assert status == 200, data[:500]
        assert headers["Content-Type"] == "application/ld+json; charset=utf-8"
        filename = "analiza-danych-zwiezly-kurs-zrodel-i-laczen-europass.jsonld"
        assert headers["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert headers["Cache-Control"] == "no-store"

        document = json.loads(data)
        assert len(expand_safe(document)) == 1  # every term defined by the official contexts
        view = read_elm_credential(document)
        assert view.title == POLISH_TITLE
        assert view.learner_name == "Zofia Żółkiewska"
        assert view.learner_id == credential["credentialSubject"]["id"]
        assert view.grade == "4.5"
        assert view.issued is not None
        assert view.issued.startswith(credential["validFrom"][:10])
        assert view.supplementary_documents == (credential["id"],)
        assert document["identifier"]["notation"] == credential["id"]
        assert document["displayParameter"]["description"] == UNSEALED_NOTICE
        assert "proof" not in document
        assert shacl_violations(document) <= ISSUER_LEGAL_ID  # what the Commission's sample breaks too
        if find_fonts() is not None:
            picture = document["displayParameter"]["individualDisplay"]["displayDetail"]["image"]["content"]
            assert base64.b64decode(picture).startswith(b"\x89PNG\r\n\x1a\n")
    finally:
        await browser.close()


async def test_polish_page_offers_the_europass_download_in_polish(system: System) -> None:
    browser, cid, _ = await learner_with_credential(system, "pl", "marta@example.org")
    try:
        _, page = await browser.get(f"/credentials/{cid}")
        assert PL["travel.europass"] in page
        assert "e-pieczęci" in page
        status, data, _ = await _download(browser, cid)
        assert status == 200
        assert read_elm_credential(json.loads(data)).title == POLISH_TITLE
    finally:
        await browser.close()


async def test_another_learner_cannot_download_the_credential_and_a_visitor_must_sign_in(system: System) -> None:
    owner, cid, _ = await learner_with_credential(system, "en", "marta@example.org")
    other = Browser(system.wallet_url)
    visitor = Browser(system.wallet_url)
    try:
        await other.sign_up("piotr@example.org")
        status, body, _ = await _download(other, cid)
        assert status == 404
        assert b"Zofia" not in body
        status, _, headers = await _download(visitor, cid)
        assert status in (302, 303)
        assert headers["Location"].startswith("/signin")
        status, _, _ = await _download(owner, "0" * 32)
        assert status == 404
    finally:
        for browser in (owner, other, visitor):
            await browser.close()
