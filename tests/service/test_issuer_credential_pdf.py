"""The registrar's PDF of an issued credential (issue 14): from the admin API the registrar screens
call, a one-page A4 PDF in English or Polish with every element, the credential attached, and a QR
code that opens the verifier on a verification link the issuer controls (unguessable, expiring,
withdrawable); the credential's history records each link.

Real issuer, wallet and verifier servers with a real Redis (``support.travel.system``); the PDF is
read with pypdf and drawn with poppler's pdftoppm to read its QR code.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import aiohttp
import pytest

from plecak.issuer.printout import PDF_TEXTS, printout_rows
from plecak.issuer.shared_links import GRACE_SECONDS
from plecak.runtime.storage import connect
from support import travel
from support.issuer import AUTH
from support.travel import POLISH_TITLE, System, system

__all__ = ["system"]

PL = PDF_TEXTS.translations("pl").gettext


async def _issue(system: System, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """A credential issued to a learner by name (no wallet involved): its id and what was returned."""
    body: dict[str, Any] = {"learner": {"name": "Zofia Żółkiewska"}, "grade": "4.5"}
    if options:
        body["options"] = options
    before = await _issued_ids(system)
    async with system.admin.post(
        f"{system.issuer_url}/api/achievements/{system.achievement_uuid}/credentials", json=body, headers=AUTH
    ) as resp:
        assert resp.status == 201, await resp.text()
        issued: dict[str, Any] = (await resp.json())["verifiableCredential"]
    [new] = await _issued_ids(system) - before  # a vc+jwt envelope's id is a data: URL, not the credential's
    return new, issued


async def _issued_ids(system: System) -> set[str]:
    async with system.admin.get(f"{system.issuer_url}/api/credentials", headers=AUTH) as resp:
        return {str(c["id"]) for c in (await resp.json())["credentials"]}


def _api(system: System, credential_id: str, tail: str) -> str:
    return f"{system.issuer_url}/api/credentials/{quote(credential_id, safe='')}/{tail}"


async def _pdf(
    system: System, credential_id: str, body: Any, headers: dict[str, str] | None = None
) -> tuple[int, bytes, dict[str, str]]:
    async with system.admin.post(
        _api(system, credential_id, "pdf"), json=body, headers=AUTH if headers is None else headers
    ) as resp:
        return resp.status, await resp.read(), dict(resp.headers)


async def _json(system: System, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with system.admin.request(method, url, headers=AUTH, **kwargs) as resp:
        return resp.status, await resp.json(content_type=None)


def _genuine(page: str) -> None:
    """The verifier's page of a credential the issuer's link served: sealed by the trusted issuer, not
    revoked, in date; "warnings" only because no holder presented it (the issuer cannot speak for one)."""
    assert travel.verdict_of(page) == "warnings", page[:2000]
    for check in ("format", "proof", "issuer", "status", "validity"):
        assert f'data-check="{check}" data-outcome="passed"' in page, check
    assert 'data-outcome="failed"' not in page
    assert "the holder was not checked" in page


def _link_in(qr: str, system: System) -> str:
    prefix = f"{system.verifier_url}/verify?url="
    assert qr.startswith(prefix), qr
    link = unquote(qr.removeprefix(prefix))
    assert re.fullmatch(re.escape(system.issuer_url) + r"/credentials/shared/[A-Za-z0-9_-]{43}", link), link
    return link


async def test_registrar_downloads_a_polish_pdf_whose_qr_verifies_until_the_link_is_withdrawn(
    system: System, tmp_path: Path
) -> None:
    credential_id, credential = await _issue(system)
    status, data, headers = await _pdf(system, credential_id, {"language": "pl", "days": 30})
    assert status == 200, data[:500]
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="analiza-danych-zwiezly-kurs-zrodel-i-laczen.pdf"'
    assert headers["Cache-Control"] == "no-store"
    reader = travel.pdf_reader(data)
    assert travel.page_size_mm(reader) == [(210, 297)]  # one A4 page
    text = " ".join(reader.pages[0].extract_text().split())
    assert POLISH_TITLE in text
    for label in ("Awarding body", "Date of issue", "Learner", "Learning outcomes", "EQF level", "Grade"):
        assert PL(label) in text, label
        assert PL(label) != label
    assert "Mikropoświadczenie UE" in text
    assert "Zofia Żółkiewska" in text
    assert "Demo University of Technology" in text
    assert "Link działa do" in text
    assert "wystawca może go wcześniej unieważnić" in text
    assert travel.attached_credential(reader) == credential
    assert reader.metadata is not None
    assert reader.metadata.creator == "Plecak issuer"

    # the QR code opens the verifier on the issuer's link: genuine
    codes = travel.pdf_qr_texts(data, tmp_path)
    assert len(codes) == 1
    link = _link_in(codes[0], system)
    status, _, page = await travel.verdict_at(codes[0])
    assert status == 200, page[:2000]
    _genuine(page)

    # the link serves the signed credential itself, to any origin, never cached
    async with system.admin.get(link) as resp:
        assert resp.status == 200
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert resp.headers["Cache-Control"] == "no-store"
        assert await resp.json() == credential

    # the registrar sees the link on the credential's page, and the PDF in its history
    status, listed = await _json(system, "GET", _api(system, credential_id, "links"))
    assert status == 200
    [entry] = listed["links"]
    assert entry["state"] == "active"
    assert entry["language"] == "pl"
    assert entry["expires"][:16].replace("T", " ") in text
    status, history = await _json(system, "GET", _api(system, credential_id, "history"))
    made = [e for e in history["events"] if e["event"] == "link-made"]
    expected = {"event": "link-made", "link": entry["id"], "pdf": "pl", "expires": entry["expires"]}
    assert made == [{"at": made[0]["at"], **expected}]

    # withdrawn: the same QR code no longer verifies, the link says so
    status, answer = await _json(system, "DELETE", _api(system, credential_id, f"links/{entry['id']}"))
    assert status == 200
    assert answer["changed"] is True
    status, answer = await _json(system, "DELETE", _api(system, credential_id, f"links/{entry['id']}"))
    assert (status, answer["changed"]) == (200, False)
    status, verdict, page = await travel.verdict_at(codes[0])
    assert status == 410
    assert verdict is None
    assert "the learner or the issuer" in page  # not "the learner withdrew": the registrar did
    async with system.admin.get(link) as resp:
        assert resp.status == 410
        assert resp.content_type == "application/problem+json"
        assert (await resp.json())["title"] == "Link withdrawn"
    status, listed = await _json(system, "GET", _api(system, credential_id, "links"))
    assert [e["state"] for e in listed["links"]] == ["revoked"]
    status, history = await _json(system, "GET", _api(system, credential_id, "history"))
    assert [e["event"] for e in history["events"]] == ["issued", "link-made", "link-revoked"]


async def test_english_pdf_has_english_labels_and_the_uploaded_pdf_verifies_by_its_attachment(
    system: System,
) -> None:
    credential_id, _ = await _issue(system)
    status, data, _ = await _pdf(system, credential_id, {"language": "en"})
    assert status == 200
    text = " ".join(travel.pdf_reader(data).pages[0].extract_text().split())
    assert "Awarding body" in text
    assert "Learning outcomes" in text
    assert "blended (online and onsite)" in text  # the demo achievement's form of participation, named
    assert "The link works until" in text
    assert PL("Awarding body") not in text
    # the default expiry is the deployment's (90 days)
    status, listed = await _json(system, "GET", _api(system, credential_id, "links"))
    [entry] = listed["links"]
    days = (time.mktime(time.strptime(entry["expires"], "%Y-%m-%dT%H:%M:%SZ")) - time.time()) / 86400
    assert 89.9 < days <= 90
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as employer:
        upload = travel.upload_to_verifier
        resp = await upload(employer, system.verifier_url, data, "certificate.pdf", "application/pdf")
        assert resp.status == 303, await resp.text()
        async with employer.get(system.verifier_url + resp.headers["Location"]) as page:
            uploaded = await page.text()
    _genuine(uploaded)


async def test_revoking_the_credential_makes_the_pdfs_qr_show_it_revoked(system: System, tmp_path: Path) -> None:
    credential_id, credential = await _issue(system)
    _, data, _ = await _pdf(system, credential_id, {"language": "en", "days": 7})
    [qr] = travel.pdf_qr_texts(data, tmp_path)
    await system.revoke(str(credential["id"]))
    status, verdict, page = await travel.verdict_at(qr)
    assert status == 200, page[:2000]
    assert verdict == "failed", page[:2000]
    assert 'data-check="status" data-outcome="failed"' in page


async def test_a_vc_jwt_credential_gets_its_envelope_attached_and_served(system: System, tmp_path: Path) -> None:
    credential_id, envelope = await _issue(system, {"format": "vc+jwt"})
    assert envelope["type"] == "EnvelopedVerifiableCredential"
    status, data, _ = await _pdf(system, credential_id, {"language": "pl"})
    assert status == 200, data[:500]
    reader = travel.pdf_reader(data)
    assert travel.attached_credential(reader) == envelope
    assert POLISH_TITLE in reader.pages[0].extract_text()
    [qr] = travel.pdf_qr_texts(data, tmp_path)
    status, _, page = await travel.verdict_at(qr)
    assert status == 200, page[:2000]
    _genuine(page)


async def test_an_expired_link_answers_410_and_an_unknown_one_404(
    system: System, redis_url: str, tmp_path: Path
) -> None:
    credential_id, _ = await _issue(system)
    status, made = await _json(system, "POST", _api(system, credential_id, "links"), json={"days": 1})
    assert status == 201
    assert made["verifyUrl"] == f"{system.verifier_url}/verify?url={quote(made['url'], safe='')}"
    async with system.admin.get(made["url"]) as resp:
        assert resp.status == 200
    redis = connect(redis_url)
    try:  # a day passes: the link's expiry moves into the past (Redis keeps the record for the grace period)
        key = f"issuer:{{records}}:link:{made['id']}"
        assert 86400 < await redis.ttl(key) <= 86400 + GRACE_SECONDS
        await redis.hset(key, "expires", repr(time.time() - 1))
    finally:
        await redis.aclose()
    async with system.admin.get(made["url"]) as resp:
        assert resp.status == 410
        assert resp.content_type == "application/problem+json"
        assert (await resp.json())["title"] == "Link expired"
    status, verdict, _ = await travel.verdict_at(made["verifyUrl"])
    assert (status, verdict) == (410, None)
    status, listed = await _json(system, "GET", _api(system, credential_id, "links"))
    assert [e["state"] for e in listed["links"]] == ["expired"]
    for token in ("A" * 43, "short", "x" * 200):
        async with system.admin.get(f"{system.issuer_url}/credentials/shared/{token}") as resp:
            assert resp.status == 404
            assert resp.content_type == "application/problem+json"


@pytest.mark.parametrize(
    ("body", "status"),
    [({"language": "de"}, 422), ({"days": 0}, 422), ({"days": True}, 422), ({"days": 100_000}, 422), ([], 400)],
)
async def test_bad_pdf_options_are_refused_and_leave_no_link(system: System, body: Any, status: int) -> None:
    credential_id, _ = await _issue(system)
    answer, data, headers = await _pdf(system, credential_id, body)
    assert answer == status, data[:300]
    assert headers["Content-Type"].split(";")[0] == "application/problem+json"
    _, listed = await _json(system, "GET", _api(system, credential_id, "links"))
    assert listed["links"] == []
    _, history = await _json(system, "GET", _api(system, credential_id, "history"))
    assert [e["event"] for e in history["events"]] == ["issued"]


async def test_pdf_and_links_need_the_admin_token_and_a_credential_issued_here(system: System) -> None:
    credential_id, _ = await _issue(system)
    for headers in ({}, {"Authorization": "Bearer " + "x" * 32}):
        status, data, _ = await _pdf(system, credential_id, {"language": "pl"}, headers=headers)
        assert status == 401, data[:300]
        async with system.admin.get(_api(system, credential_id, "links"), headers=headers) as resp:
            assert resp.status == 401
        async with system.admin.delete(_api(system, credential_id, "links/" + "0" * 64), headers=headers) as resp:
            assert resp.status == 401
    status, _, _ = await _pdf(system, "urn:uuid:00000000-0000-4000-8000-000000000000", {"language": "pl"})
    assert status == 404
    status, _ = await _json(system, "DELETE", _api(system, credential_id, "links/" + "0" * 64))
    assert status == 404
    # a link of another credential cannot be withdrawn through this one
    other_id, _ = await _issue(system)
    _, made = await _json(system, "POST", _api(system, other_id, "links"), json={})
    status, _ = await _json(system, "DELETE", _api(system, credential_id, f"links/{made['id']}"))
    assert status == 404
    async with system.admin.get(made["url"]) as resp:
        assert resp.status == 200
    _, listed = await _json(system, "GET", _api(system, credential_id, "links"))
    assert listed["links"] == []


def test_every_label_and_enumeration_of_the_pdf_has_polish() -> None:
    from plecak.core.model.micro_credential import MicroCredential

    asked: list[str] = []

    def record(text: str) -> str:
        asked.append(text)
        return PL(text)

    credential = {
        "name": "x",
        "issuer": {"id": "did:web:example", "name": "Uczelnia", "address": {"addressCountryCode": "PL"}},
        "validFrom": "2026-01-02T00:00:00Z",
        "validUntil": "2030-01-02T00:00:00Z",
        "credentialSubject": {
            "name": "Jan",
            "creditsEarned": 3,
            "result": [{"value": "5"}],
            "achievement": {
                "name": "Kurs",
                "description": "Opis",
                "learningOutcome": ["a", "b"],
                "creditPoint": [{"framework": "http://data.europa.eu/snb/education-credit/6fcec5c5af", "point": "3"}],
                "volumeOfLearning": "PT75H",
                "eqfLevel": "http://data.europa.eu/snb/eqf/6",
                "nqfLevel": "https://example.org/nqf/6",
                "qfEheaLevel": "FirstCycle",
                "typeOfAssessment": "exam",
                "formOfParticipation": "Blended",
                "supervisionAndIdVerification": "SupervisedOnsiteWithIdVerification",
                "typeOfQualityAssurance": "accredited",
                "prerequisites": "none",
                "resultDescription": [{"name": "scale", "resultType": "GradePointAverage"}],
                "integrationStackability": "Stackable",
                "isPartOf": ["https://example.org/programme"],
                "furtherInformation": "more",
                "humanCode": "C-1",
                "inLanguage": "pl",
            },
        },
    }
    rows = printout_rows(MicroCredential.from_open_badges(credential, lenient=True), "pl", record)
    assert len(rows) == 26  # every element of the page is present in this credential
    untranslated = [text for text in asked if PL(text) == text and text != "online"]
    assert untranslated == []
    assert ("Kraj podmiotu przyznającego", "Polska") in rows
    assert ("Język nauczania", "polski") in rows


def test_link_days_and_verifier_url_come_from_the_environment() -> None:
    from plecak.issuer.config import Settings
    from plecak.runtime.settings import SettingsError

    base = {"PLECAK_ADMIN_TOKEN": "t" * 20, "REDIS_URL": "redis://127.0.0.1:1/0"}
    default = Settings.from_env(base)
    assert (default.shared_link_days, default.verifier_url) == (90, None)
    chosen = Settings.from_env({**base, "PLECAK_SHARED_LINK_DAYS": "30", "PLECAK_VERIFIER_URL": "https://v.example/"})
    assert (chosen.shared_link_days, chosen.verifier_url) == (30, "https://v.example")
    for wrong in ("0", "3651", "ninety"):
        with pytest.raises(SettingsError, match="PLECAK_SHARED_LINK_DAYS"):
            Settings.from_env({**base, "PLECAK_SHARED_LINK_DAYS": wrong})
