"""Issue 14 in real Chromium on a phone-sized screen: the learner downloads the PDF of a credential;
its printed QR code opens the verifier with "verified"; uploading the PDF to the verifier checks the
attached credential; the learner adds it to LinkedIn (LinkedIn itself is a stub served by the test);
after the issuer revokes the credential the same QR code shows it revoked.

Issuer, wallet and verifier are real test servers (``travel_support.system``). Screenshots and the
page drawn by pdftoppm go to /tmp (credential-pdf-*.png).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from support.browser_services import sign_up_in_browser
from support.travel import POLISH_TITLE, System, pdf_page_png, pdf_qr_texts, pdf_reader, saved_download, system

__all__ = ["system"]

SHOTS = Path("/tmp")
PASSWORD = "a phone-friendly passphrase"


async def _verdict(page: Any, url: str) -> str:
    await page.goto(url)
    verdict: str = await page.locator("#verdict").get_attribute("data-verdict")
    return verdict


async def test_learner_downloads_the_pdf_on_a_phone_and_its_qr_and_file_verify(
    phone: Any, system: System, tmp_path: Path
) -> None:
    page = phone.page
    wallet = system.wallet_url
    await sign_up_in_browser(page, wallet, PASSWORD)
    did = re.search(r"did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+", await page.content())
    assert did
    await page.goto(f"{wallet}/lang/pl?next=/")  # the learner reads Polish: the PDF is in Polish
    credential = await system.issue(did.group(0))
    file = tmp_path / "credential.json"
    file.write_text(json.dumps(credential), encoding="utf-8")
    await page.goto(f"{wallet}/add")
    await page.set_input_files("#file", str(file))
    await page.click("main form button[type=submit]")
    await page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))
    assert POLISH_TITLE in await page.inner_text("h1")
    credential_page = page.url

    # the learner picks how long the printed link works, and downloads the PDF
    await page.select_option("#pdf-days", "90")
    await page.locator("#pdf-form").scroll_into_view_if_needed()
    await page.screenshot(path=str(SHOTS / "credential-pdf-1-credential-page.png"), full_page=True)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the credential page scrolls sideways on a phone"
    async with page.expect_download() as info:
        await page.click("#pdf-form button[type=submit]")
    name, data = await saved_download(info, tmp_path)
    assert name == "analiza-danych-zwiezly-kurs-zrodel-i-laczen.pdf"
    saved = tmp_path / name
    reader = pdf_reader(data)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert POLISH_TITLE in text
    assert "Podmiot przyznający" in text
    assert "Sprawdź to poświadczenie" in text
    (SHOTS / "credential-pdf-2-page.png").write_bytes(pdf_page_png(data, tmp_path, dpi=100))

    # its QR code opens the verifier: verified
    codes = pdf_qr_texts(data, tmp_path)
    assert len(codes) == 1
    assert codes[0].startswith(f"{system.verifier_url}/verify?url=")
    assert await _verdict(page, codes[0]) == "verified"
    await page.screenshot(path=str(SHOTS / "credential-pdf-3-verified.png"), full_page=True)

    # the employer uploads the PDF itself: the attached credential is checked
    await page.goto(f"{system.verifier_url}/")
    await page.set_input_files("#upload-file", str(saved))
    async with page.expect_navigation(url=re.compile(r"/results/")):
        await page.click("#upload form button[type=submit]")
    assert await page.locator("#verdict").get_attribute("data-verdict") in ("verified", "warnings")
    assert await page.locator("[data-check=proof]").get_attribute("data-outcome") == "passed"
    assert POLISH_TITLE in await page.inner_text("main")
    await page.screenshot(path=str(SHOTS / "credential-pdf-4-uploaded.png"), full_page=True)

    # LinkedIn: the learner asks for it, the wallet makes the link and a button to LinkedIn's form
    linkedin_pages: list[str] = []

    async def stub_linkedin(route: Any) -> None:
        linkedin_pages.append(route.request.url)
        await route.fulfill(status=200, content_type="text/html", body="<title>LinkedIn</title>")

    await page.route("https://www.linkedin.com/**", stub_linkedin)
    await page.goto(credential_page)
    await page.click("#linkedin-form button[type=submit]")
    await page.wait_for_selector("#linkedin-link")
    cert_url = await page.locator("#cert-url").get_attribute("href")
    await page.screenshot(path=str(SHOTS / "credential-pdf-5-linkedin.png"), full_page=True)
    await page.click("#linkedin-link")
    await page.wait_for_url(re.compile(r"^https://www\.linkedin\.com/profile/add\?"))
    query = parse_qs(urlsplit(linkedin_pages[0]).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [POLISH_TITLE]
    assert query["certUrl"] == [cert_url]
    assert query["certId"] == [credential["id"]]
    assert await _verdict(page, cert_url) == "verified"

    # the issuer revokes the credential: the same QR code now shows it revoked
    await system.revoke(str(credential["id"]))
    assert await _verdict(page, codes[0]) == "failed"
    assert "revoked" in (await page.inner_text("main")).lower()
    await page.screenshot(path=str(SHOTS / "credential-pdf-6-revoked.png"), full_page=True)

    assert phone.errors == []


async def test_registrar_downloads_a_polish_pdf_whose_qr_verifies_and_withdraws_its_link(
    phone: Any, system: System, tmp_path: Path
) -> None:
    from support.issuer import AUTH, TOKEN

    async with system.admin.post(
        f"{system.issuer_url}/api/achievements/{system.achievement_uuid}/credentials",
        json={"learner": {"name": "Zofia Żółkiewska"}, "grade": "4.5"},
        headers=AUTH,
    ) as resp:
        assert resp.status == 201
    page = phone.page
    await page.goto(f"{system.issuer_url}/lang/pl?next=/admin/credentials")
    await page.fill("#token", TOKEN)
    await page.click("#token-form button[type=submit]")
    await page.wait_for_selector("#results li")
    await page.locator("#results li button[data-action=history]").click()
    await page.wait_for_selector("#history", state="visible")
    await page.wait_for_selector("#links li.muted")  # no links yet
    await page.fill("#pdf-days", "30")
    async with page.expect_download() as info:
        await page.click("#pdf-pl")
    name, data = await saved_download(info, tmp_path)
    assert name == "analiza-danych-zwiezly-kurs-zrodel-i-laczen.pdf"
    text = " ".join(pdf_reader(data).pages[0].extract_text().split())
    assert POLISH_TITLE in text
    assert "Podmiot przyznający" in text
    (SHOTS / "registrar-pdf-1-page.png").write_bytes(pdf_page_png(data, tmp_path, dpi=100))

    # the screen lists the new link and the PDF in the history, in Polish
    link = page.locator("#links li[data-state=active]")
    await link.wait_for()
    assert "Działa" in await link.inner_text()
    assert "Utworzono link do weryfikacji (PDF po polsku)" in await page.inner_text("#history-events")
    await page.screenshot(path=str(SHOTS / "registrar-pdf-2-links.png"), full_page=True)

    # its QR code opens the verifier: the issuer's seal is intact (no holder presented it: warnings)
    [qr] = pdf_qr_texts(data, tmp_path)
    registrar_screen = page.url
    assert await _verdict(page, qr) == "warnings"
    assert await page.locator("[data-check=proof]").get_attribute("data-outcome") == "passed"
    assert await page.locator("[data-check=status]").get_attribute("data-outcome") == "passed"

    # the registrar withdraws the link: the same QR code no longer opens the credential
    await page.goto(registrar_screen)
    await page.wait_for_selector("#results li")
    await page.locator("#results li button[data-action=history]").click()
    await page.locator("#links li[data-state=active] button[data-action=withdraw]").click()
    await page.wait_for_selector("#links li[data-state=revoked]")
    assert "jego kod QR nie otwiera już poświadczenia" in await page.inner_text("#pdf-status")
    assert "Wycofano link do weryfikacji" in await page.inner_text("#history-events")
    response = await page.goto(qr)
    assert response is not None
    assert response.status == 410
    # the browser notes the 410 above, nothing else (no missing favicon: the pages name an inline icon)
    assert [e for e in phone.errors if not re.search(r"Failed to load resource: .*status of 410", e)] == []
