"""Shared set-up for the "credentials that travel" tests (no tests here): a real issuer, wallet and
verifier on loopback ports with a real Redis, the issuer trusted by the verifier, and helpers to read
a PDF the way a person and a verifier would (pypdf for text and attachments, pdftoppm + our QR reader
for the printed code).

pdftoppm comes from Debian's poppler-utils (``.ci/run`` installs it): missing, the tests that need it
fail in CI and are skipped, with the reason, on a developer's machine.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer, unused_port
from pypdf import PdfReader

from plecak.issuer.app import create_app as create_issuer
from plecak.runtime.qr import read_qr
from plecak.verifier.app import create_app as create_verifier
from plecak.wallet.app import create_app as create_wallet
from support.browser_services import (
    OneCourseSystem,
    add_achievement,
    browser_verifier_settings,
    issuer_did,
    put_profile,
    trust_issuer,
)
from support.issuer import AUTH, achievement, issuer_settings
from support.wallet import Browser, wallet_settings

__all__ = [
    "POLISH_TITLE",
    "System",
    "attached_credential",
    "learner_with_credential",
    "page_size_mm",
    "pdf_page_png",
    "pdf_qr_texts",
    "pdf_reader",
    "saved_download",
    "system",
    "upload_to_verifier",
    "verdict_at",
    "verdict_of",
]

POLISH_TITLE = "Analiza danych: zwięzły kurs źródeł i łączeń"
"""An achievement name with Polish letters (ę, ź, ł, ą, ó …) to find in the PDF's text."""


class System(OneCourseSystem):
    """The PDF tests' services; the course is issued straight to the learner's DID."""

    async def issue(self, did: str) -> dict[str, Any]:
        async with self.admin.post(
            f"{self.issuer_url}/api/achievements/{self.achievement_uuid}/credentials",
            json={"learner": {"name": "Zofia Żółkiewska", "did": did}, "grade": "4.5"},
            headers=AUTH,
        ) as resp:
            assert resp.status == 201, await resp.text()
            credential: dict[str, Any] = (await resp.json())["verifiableCredential"]
            return credential


async def learner_with_credential(
    system: System, lang: str = "pl", email: str = "zofia@example.org"
) -> tuple[Browser, str, dict[str, Any]]:
    """A signed-up learner (reading in ``lang``) who keeps one credential issued to their DID: the
    learner's browser, the credential's id in the wallet, and the credential."""
    browser = Browser(system.wallet_url)
    did = await browser.sign_up(email)
    await browser.get(f"/lang/{lang}?next=/")
    credential = await system.issue(did)
    await browser.get("/add")
    status, text = await browser.post("/add", {"json": json.dumps(credential)})
    assert status == 200, text
    found = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url)
    assert found, browser.last_url
    return browser, found.group(1), credential


@pytest.fixture
async def system(redis_url: str, tmp_path: Path) -> AsyncIterator[System]:
    ports = [unused_port() for _ in range(3)]
    issuer_url, wallet_url, verifier_url = (f"http://127.0.0.1:{p}" for p in ports)
    hosts = frozenset(f"127.0.0.1:{p}" for p in ports)
    servers = [
        TestServer(
            create_issuer(
                issuer_settings(
                    redis_url,
                    tmp_path / "issuer",
                    public_url=issuer_url,
                    wallet_url=wallet_url,
                    verifier_url=verifier_url,
                )
            ),
            host="127.0.0.1",
            port=ports[0],
        ),
        TestServer(
            create_wallet(
                wallet_settings(
                    redis_url,
                    tmp_path / "wallet",
                    ports[1],
                    issuer_url=issuer_url,
                    verifier_url=verifier_url,
                    insecure_hosts=hosts,
                )
            ),
            host="127.0.0.1",
            port=ports[1],
        ),
        TestServer(
            create_verifier(
                browser_verifier_settings(
                    redis_url,
                    tmp_path / "verifier",
                    ports[2],
                    verifier_url,
                    insecure_hosts=hosts,
                    status_cache_seconds=0,
                )
            ),
            host="127.0.0.1",
            port=ports[2],
        ),
    ]
    for server in servers:
        await server.start_server()
    admin = aiohttp.ClientSession()
    try:
        await put_profile(admin, issuer_url)
        polish = achievement(0)
        polish["name"] = POLISH_TITLE
        uuid = (await add_achievement(admin, issuer_url, polish))["uuid"]
        await trust_issuer(admin, verifier_url, await issuer_did(admin, issuer_url))
        yield System(issuer_url, wallet_url, verifier_url, uuid, admin)
    finally:
        await admin.close()
        for server in reversed(servers):
            await server.close()


def pdf_reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-"), data[:20]
    return PdfReader(io.BytesIO(data))


def page_size_mm(reader: PdfReader) -> list[tuple[int, int]]:
    """Width and height of each page in whole millimetres (A4: 210 × 297)."""
    return [
        (round(float(page.mediabox.width) * 25.4 / 72), round(float(page.mediabox.height) * 25.4 / 72))
        for page in reader.pages
    ]


def _pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        reason = "pdftoppm is missing (Debian: apt-get install poppler-utils; .ci/run does it)"
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def pdf_page_png(data: bytes, tmp: Path, *, dpi: int = 150) -> bytes:
    """The PDF's first page drawn as a PNG by poppler's pdftoppm (what a printer or viewer shows)."""
    source = tmp / "printout.pdf"
    source.write_bytes(data)
    subprocess.run(
        [_pdftoppm(), "-png", "-r", str(dpi), "-singlefile", str(source), str(tmp / "page")],
        check=True,
        timeout=60,
    )
    return (tmp / "page.png").read_bytes()


def pdf_qr_texts(data: bytes, tmp: Path) -> list[str]:
    """The texts of the QR codes printed on the PDF's page (rendered, then read from the picture)."""
    return read_qr(pdf_page_png(data, tmp))


async def upload_to_verifier(
    employer: aiohttp.ClientSession, verifier_url: str, content: bytes, name: str, content_type: str
) -> aiohttp.ClientResponse:
    """The employer's upload form: a file posted with the page's CSRF token (no redirects followed)."""
    async with employer.get(f"{verifier_url}/") as resp:
        page = await resp.text()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf, page[:300]
    form = aiohttp.FormData()
    form.add_field("csrf_token", html.unescape(csrf.group(1)))
    form.add_field("file", content, filename=name, content_type=content_type)
    return await employer.post(f"{verifier_url}/verify/upload", data=form, allow_redirects=False)


async def verdict_at(url: str) -> tuple[int, str | None, str]:
    """What an employer sees opening ``url`` (a QR code's link): the status, the verdict and the page."""
    async with aiohttp.ClientSession() as employer, employer.get(url) as resp:
        text = await resp.text()
        return resp.status, verdict_of(text), text


async def saved_download(info: Any, folder: Path) -> tuple[str, bytes]:
    """A browser download (Playwright's ``expect_download`` value) saved in ``folder``: its name and bytes."""
    download = await info.value
    saved = folder / download.suggested_filename
    await download.save_as(str(saved))
    return str(download.suggested_filename), saved.read_bytes()


def verdict_of(page: str) -> str | None:
    found = re.search(r'id="verdict" data-verdict="([a-z]+)"', page)
    return found.group(1) if found else None


def attached_credential(reader: PdfReader) -> Any:
    return json.loads(reader.attachments["credential.json"][0])
