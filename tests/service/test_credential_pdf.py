"""A credential on paper and on LinkedIn (issue 14): the wallet's one-page PDF with every element,
a verification QR code on a share link the learner controls and the credential attached; the
verifier checks an uploaded PDF by its attachment; LinkedIn's add-certification link.

Real issuer, wallet and verifier servers with a real Redis (``travel_support.system``); the PDF is
read with pypdf (text, attachment) and drawn with poppler's pdftoppm to read its QR code.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import aiohttp
from fpdf import FPDF

from plecak.runtime.printout import find_fonts
from plecak.wallet.i18n import EN, PL
from support.travel import (
    POLISH_TITLE,
    System,
    attached_credential,
    learner_with_credential,
    pdf_qr_texts,
    pdf_reader,
    system,
    upload_to_verifier,
    verdict_at,
    verdict_of,
)
from support.wallet import Browser

__all__ = ["system"]


async def _download_pdf(browser: Browser, cid: str, days: str = "30") -> tuple[int, bytes, dict[str, str]]:
    await browser.get(f"/credentials/{cid}")
    async with browser.session.post(
        f"{browser.base}/credentials/{cid}/pdf", data={"csrf": browser.csrf or "", "days": days}
    ) as resp:
        return resp.status, await resp.read(), dict(resp.headers)


async def test_polish_pdf_has_one_page_every_element_the_credential_attached_and_a_qr_that_verifies(
    system: System, tmp_path: Path
) -> None:
    browser, cid, credential = await learner_with_credential(system, "pl")
    try:
        _, page = await browser.get(f"/credentials/{cid}")
        assert PL["travel.pdf"] in page
        assert 'action="/credentials/' + cid + '/pdf"' in page
        _, shares = await browser.get("/shares")
        assert "/revoke" not in shares  # looking at the credential made no link

        status, data, headers = await _download_pdf(browser, cid, days="30")
        assert status == 200, data[:500]
        assert headers["Content-Type"] == "application/pdf"
        filename = "analiza-danych-zwiezly-kurs-zrodel-i-laczen.pdf"
        assert headers["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert headers["Cache-Control"] == "no-store"
        assert data.startswith(b"%PDF-")
        reader = pdf_reader(data)
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)  # A4

        text = " ".join(reader.pages[0].extract_text().split())
        assert POLISH_TITLE in text
        for key in (
            "field.awarding_body",
            "field.issued",
            "field.learner",
            "field.learning_outcomes",
            "field.ects",
            "field.workload",
            "field.eqf",
            "field.assessment",
            "field.participation",
            "field.supervision",
            "field.quality_assurance",
            "field.grade",
            "field.stackability",
        ):
            assert PL[key] in text, key
        assert "Zofia Żółkiewska" in text
        assert "Demo University of Technology" in text
        assert PL["enum.Blended"] in text  # enumerations named in the reader's language
        assert PL["pdf.verify_heading"] in text
        assert "Link działa do" in text

        # the credential rides along, exactly as the wallet keeps it
        assert attached_credential(reader) == credential
        assert "/AF" in reader.root_object

        # the printed QR code opens the verifier on a share link: verified
        codes = pdf_qr_texts(data, tmp_path)
        assert len(codes) == 1
        assert codes[0].startswith(f"{system.verifier_url}/verify?url=")
        status, verdict, result = await verdict_at(codes[0])
        assert status == 200, result[:2000]
        assert verdict == "verified", result[:2000]

        # the link is one of the learner's shares, with the expiry the PDF names
        _, shares = await browser.get("/shares")
        action = re.search(r'action="(/shares/[0-9a-f]{64}/revoke)"', shares)
        assert action
        assert POLISH_TITLE in shares
        expiry = re.search(r"Link działa do (\d{4}-\d{2}-\d{2} \d{2}:\d{2})", text)
        assert expiry
        assert expiry.group(1) in shares
        # the learner withdraws it: the same QR code no longer verifies
        status, _ = await browser.post(action.group(1))
        assert status == 200
        status, verdict, result = await verdict_at(codes[0])
        assert status == 410
        assert verdict is None
        assert "This link was withdrawn by whoever made it" in result
    finally:
        await browser.close()


async def test_english_reader_gets_an_english_pdf(system: System) -> None:
    browser, cid, _ = await learner_with_credential(system, "en")
    try:
        status, data, _ = await _download_pdf(browser, cid, days="365")
        assert status == 200
        text = " ".join(pdf_reader(data).pages[0].extract_text().split())
        assert EN["field.awarding_body"] in text
        assert EN["field.learning_outcomes"] in text
        assert EN["pdf.verify_heading"] in text
        assert "The link works until" in text
        assert PL["field.awarding_body"] not in text
    finally:
        await browser.close()


async def test_pdf_needs_a_valid_expiry_a_csrf_token_and_the_learners_own_credential(system: System) -> None:
    browser, cid, _ = await learner_with_credential(system, "en")
    try:
        status, body, _ = await _download_pdf(browser, cid, days="3650")
        assert status == 400
        assert b"how long" in body
        status, body, _ = await _download_pdf(browser, "f" * 32)
        assert status == 404
        async with browser.session.post(f"{browser.base}/credentials/{cid}/pdf", data={"days": "30"}) as resp:
            assert resp.status == 403
        _, shares = await browser.get("/shares")
        assert "/revoke" not in shares  # nothing half-made
    finally:
        await browser.close()


async def test_verifier_checks_an_uploaded_pdf_by_its_attached_credential(system: System) -> None:
    browser, cid, credential = await learner_with_credential(system, "en")
    try:
        _, data, _ = await _download_pdf(browser, cid)
    finally:
        await browser.close()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as employer:
        resp = await upload_to_verifier(employer, system.verifier_url, data, "certificate.pdf", "application/pdf")
        assert resp.status == 303, await resp.text()
        async with employer.get(system.verifier_url + resp.headers["Location"]) as page:
            from_pdf = await page.text()
        resp = await upload_to_verifier(
            employer, system.verifier_url, json.dumps(credential).encode(), "credential.json", "application/json"
        )
        assert resp.status == 303
        async with employer.get(system.verifier_url + resp.headers["Location"]) as page:
            from_json = await page.text()
    # the same verdict as the credential file itself: genuine, unrevoked, from a trusted issuer
    assert verdict_of(from_pdf) == verdict_of(from_json)
    assert verdict_of(from_pdf) in ("verified", "warnings")
    for check in ("proof", "status"):
        assert f'data-check="{check}" data-outcome="passed"' in from_pdf, check
    assert POLISH_TITLE in from_pdf


async def test_pdf_without_a_credential_or_broken_gets_a_clear_422(system: System) -> None:
    fonts = find_fonts()
    assert fonts is not None
    plain = FPDF()
    plain.add_page()
    plain.add_font("body", "", str(fonts[0]))
    plain.set_font("body", "", 12)
    plain.cell(100, 10, "Świadectwo bez załącznika")
    cases = [
        (bytes(plain.output()), "This PDF has no credential attached"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "This PDF cannot be read"),
    ]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as employer:
        for content, message in cases:
            resp = await upload_to_verifier(employer, system.verifier_url, content, "diploma.pdf", "application/pdf")
            text = await resp.text()
            assert resp.status == 422, text[:500]
            assert message in text


async def test_linkedin_link_is_made_on_the_learners_request_with_a_share_link_that_verifies(system: System) -> None:
    browser, cid, credential = await learner_with_credential(system, "en")
    try:
        _, page = await browser.get(f"/credentials/{cid}")
        assert EN["travel.linkedin"] in page
        assert f'action="/credentials/{cid}/linkedin"' in page
        assert "linkedin.com" not in page  # no link exists before the learner asks for one
        async with browser.session.post(
            f"{browser.base}/credentials/{cid}/linkedin", data={"csrf": browser.csrf or "", "days": "365"}
        ) as resp:
            made = await resp.text()
            assert resp.status == 201, made
            assert resp.headers["Cache-Control"] == "no-store"
        found = re.search(r'id="linkedin-link" href="([^"]+)"', made)
        assert found
        assert EN["linkedin.continue"] in made
        location = html.unescape(found.group(1))
        parts = urlsplit(location)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        issued = str(credential["validFrom"])
        assert query["startTask"] == "CERTIFICATION_NAME"
        assert query["name"] == POLISH_TITLE
        assert query["organizationName"] == "Demo University of Technology"
        assert (query["issueYear"], query["issueMonth"]) == (issued[:4], str(int(issued[5:7])))
        assert query["certId"] == credential["id"]
        assert query["certUrl"].startswith(f"{system.verifier_url}/verify?url={quote(system.wallet_url, safe='')}")
        assert f'id="cert-url" href="{html.escape(query["certUrl"])}"' in made
        status, verdict, result = await verdict_at(query["certUrl"])
        assert status == 200, result[:2000]
        assert verdict == "verified", result[:2000]
        _, shares = await browser.get("/shares")
        assert len(re.findall(r'action="/shares/[0-9a-f]{64}/revoke"', shares)) == 1
    finally:
        await browser.close()


def test_only_a_file_that_starts_as_a_pdf_is_read_as_one() -> None:
    from plecak.verifier.pdf import looks_like_pdf

    assert looks_like_pdf(b"%PDF-1.7\n...")
    assert looks_like_pdf(b"\r\n %PDF-1.4\n")
    assert not looks_like_pdf(json.dumps({"description": "%PDF-1.7 is a file format"}).encode())
    assert not looks_like_pdf(b"")


async def test_sd_jwt_credential_pdf_attaches_the_envelope_and_the_verifier_checks_it(
    system: System, tmp_path: Path
) -> None:
    from support.issuer import AUTH

    browser = Browser(system.wallet_url)
    try:
        await browser.sign_up("jan@example.org")
        async with system.admin.post(
            f"{system.issuer_url}/api/achievements/{system.achievement_uuid}/offers",
            json={"learner": {"name": "Jan Kowalski"}, "format": "dc+sd-jwt", "grade": "4.5"},
            headers=AUTH,
        ) as resp:
            assert resp.status == 201, await resp.text()
            offer = await resp.json()
        status, text = await browser.get(offer["walletLink"])
        action = re.search(r'action="(/receive/[A-Za-z0-9_-]+)"', text)
        assert status == 200, text
        assert action, text
        status, text = await browser.post(action.group(1), {})
        assert status == 200, text
        cid = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url)
        assert cid
        status, data, _ = await _download_pdf(browser, cid.group(1))
        assert status == 200, data[:500]
    finally:
        await browser.close()
    reader = pdf_reader(data)
    attached = attached_credential(reader)
    assert attached["type"] == "EnvelopedVerifiableCredential"
    assert attached["id"].startswith("data:application/dc+sd-jwt,")
    assert "Jan Kowalski" in reader.pages[0].extract_text()
    codes = pdf_qr_texts(data, tmp_path)
    status, verdict, result = await verdict_at(codes[0])
    assert status == 200, result[:2000]
    assert verdict == "verified", result[:2000]  # the share link carries the key binding
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as employer:
        resp = await upload_to_verifier(employer, system.verifier_url, data, "certificate.pdf", "application/pdf")
        assert resp.status == 303, await resp.text()
        async with employer.get(system.verifier_url + resp.headers["Location"]) as page:
            uploaded = await page.text()
    # the file alone carries no key binding: genuine, but the holder was not checked
    assert verdict_of(uploaded) == "warnings"
    assert 'data-check="proof" data-outcome="passed"' in uploaded


def test_hostile_credential_text_still_makes_one_page_with_the_verification_block() -> None:
    from plecak.runtime.printout import Printout, render_pdf

    fonts = find_fonts()
    assert fonts is not None
    values = ["x" * 5000, "ok 😀 \u202e עברית \u200b\u0000\x07 end", "line\n" * 800, " ".join(["słowo"] * 3000)]
    rows = [(f"Label {i}", values[i % len(values)]) for i in range(27)]
    printout = Printout(
        lang="pl",
        title="Tytuł " * 200,
        kind=None,
        rows=rows,
        verify_heading="Sprawdź to poświadczenie",
        verify_text="Zeskanuj kod QR.",
        link="https://verifier.example/verify?url=https%3A%2F%2Fwallet.example%2Fs%2F" + "A" * 43,
        attachment_note="Plik credential.json jest dołączony.",
        footer="Stopka",
        credential={"name": "x" * 100_000},
    )
    reader = pdf_reader(render_pdf(printout, fonts))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Sprawdź to poświadczenie" in text
    assert "Label 0" in text
    assert "…" in text
    assert "\u202e" not in text
    assert "\x07" not in text
    assert attached_credential(reader) == {"name": "x" * 100_000}  # the credential itself is never cut
