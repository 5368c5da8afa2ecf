"""The employer's pages over real HTTP: paste, upload, open a link; the verdict, checks and EU elements.

A real issuer and verifier (real Redis); the "share link" server is a real test server too.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from plecak.core.disclosure import EcdsaSdAdapter
from support.verifier import (
    AUTH,
    Holder,
    Stack,
    stack_with_unreachable_status,
    start_stack,
)
from support.verifier_pages import (
    ClientFactory,
    ServerFactory,
    ShareServer,
    check,
    element,
    paste,
    result_page,
    share,
    stack,
    verdict,
)

__all__ = ["share", "stack"]  # fixtures used by the tests below


def assert_no_inline_code(page: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script"
    assert "<style" not in page
    assert " style=" not in page
    assert " on" + "click=" not in page


# -- home --------------------------------------------------------------------------------------
async def test_home_offers_four_ways_in_with_strict_csp(stack: Stack) -> None:
    resp = await stack.verifier.get("/")
    page = await resp.text()
    assert resp.status == 200
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    for way in ("scan", "link", "paste", "upload", "ask"):
        assert f'id="{way}"' in page
    assert '<script src="/static/scan.js" defer></script>' in page
    assert_no_inline_code(page)
    cookie = resp.cookies["plecak_verifier_csrf"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    for asset in ("/shared/scan-camera.js", "/static/scan.js", "/static/request.js", "/static/verifier.css"):
        assert (await stack.verifier.get(asset)).status == 200


# -- paste -------------------------------------------------------------------------------------
async def test_pasted_valid_credential_shows_green_verdict_and_every_eu_element(stack: Stack) -> None:
    credential = await stack.issue("Zofia Wiśniewska", grade="4.5")
    location, page = await result_page(stack, await paste(stack, credential))
    # Genuine, but a pasted file proves nothing about who shows it: amber, never "every check passed".
    assert verdict(page) == "warnings"
    assert ">Genuine, but the holder was not checked<" in page
    assert "Every check passed" not in page
    for name in ("format", "proof", "issuer", "status", "validity"):
        assert check(page, name) == "passed"
    assert check(page, "binding") == "warning"
    assert "anyone holding the file can show it" in page
    assert element(page, "title") == "Data Literacy Compact Course"
    assert element(page, "kind") == "EU micro-credential"
    assert element(page, "learner") == "Zofia Wiśniewska"
    assert element(page, "awarding_body") == "Demo University of Technology"
    assert element(page, "country") == "Poland (PL), Mazowieckie, Warszawa"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", element(page, "issued"))
    assert element(page, "valid_until") == "does not expire"
    assert "Locate, access and critically evaluate data sources." in element(page, "outcomes")
    assert element(page, "ects") == "3"
    assert element(page, "workload_hours") == "75 hours"
    assert element(page, "eqf") == "6"
    assert element(page, "qf_ehea") == "first cycle (bachelor level)"
    assert element(page, "assessment").startswith("Online quiz (40%)")
    assert element(page, "participation") == "blended (online and onsite)"
    assert element(page, "supervision") == "supervised onsite, with identity check"
    assert element(page, "quality").startswith("Internal quality assurance system")
    assert element(page, "prerequisites").startswith("Basic spreadsheet skills")
    assert element(page, "grade") == "4.5 (Final grade (2.0-5.0 scale))"
    assert element(page, "stackability") == "stackable towards a larger credential"
    assert element(page, "further") == "Demo data: not a real course."
    assert element(page, "skills") == "perform data analysis"
    assert f'href="{location}/report.json"' in page
    assert_no_inline_code(page)


async def test_issuer_api_answer_can_be_pasted_as_is(stack: Stack) -> None:
    credential = await stack.issue()
    _, page = await result_page(stack, await paste(stack, {"verifiableCredential": credential}))
    assert verdict(page) == "warnings"
    assert check(page, "proof") == "passed"


async def test_revoked_credential_shows_red_verdict(stack: Stack) -> None:
    credential = await stack.issue()
    await stack.set_status(credential, "revocation")
    _, page = await result_page(stack, await paste(stack, credential))
    # The red headline names the reason, not "at least one check failed".
    assert verdict(page) == "failed"
    assert re.search(r">Revoked by the issuer on or before \d{4}-\d{2}-\d{2}<", page)
    assert "at least one check failed" not in page
    assert check(page, "status") == "failed"
    assert "Revoked by the issuer." in page


async def test_untrusted_issuer_shows_amber_verified_with_warnings(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> None:
    stack = await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, trusted=False)
    _, page = await result_page(stack, await paste(stack, await stack.issue()))
    assert verdict(page) == "warnings"
    assert "Verified with warnings" in page
    assert check(page, "issuer") == "warning"
    assert "not on your trusted list" in page


async def test_unchecked_status_shows_amber_could_not_check_everything(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path, closed_port: int
) -> None:
    stack, credential = await stack_with_unreachable_status(
        aiohttp_server, aiohttp_client, redis_url, tmp_path, closed_port
    )
    _, page = await result_page(stack, await paste(stack, credential))
    assert verdict(page) == "incomplete"
    assert "Could not check everything" in page
    assert check(page, "status") == "unknown"
    assert check(page, "proof") == "passed"


async def test_missing_elements_are_not_stated(stack: Stack) -> None:
    credential = await stack.issue_vcapi(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "name": "Workshop attendance",
            "credentialSubject": {"id": "did:example:learner"},
        }
    )
    _, page = await result_page(stack, await paste(stack, credential))
    assert verdict(page) == "warnings"  # genuine; the holder of a pasted file is never checked
    assert element(page, "title") == "Workshop attendance"
    for key in ("ects", "eqf", "outcomes", "assessment", "participation", "quality", "learner"):
        assert element(page, key) == "not stated"
    assert 'id="el-grade"' not in page  # the grade is shown only when the credential has one


async def test_everything_from_the_credential_is_escaped(stack: Stack) -> None:
    evil = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
    credential = await stack.issue(evil)
    credential["credentialSubject"]["achievement"]["name"] = "</dd><script>steal()</script>"
    _, page = await result_page(stack, await paste(stack, credential))
    assert verdict(page) == "failed"  # the edit breaks the seal …
    assert "<script>alert" not in page
    assert "<script>steal" not in page
    assert "<img src=x" not in page
    assert html.escape(evil, quote=False) in page.replace("&#34;", '"')
    assert element(page, "learner") == evil  # … and what it says is shown as text
    assert_no_inline_code(page)


async def test_paste_without_or_with_a_wrong_form_token_is_refused(stack: Stack) -> None:
    credential = await stack.issue()
    await stack.csrf()  # the browser has the cookie …
    resp = await stack.verifier.post("/verify", data={"credential": json.dumps(credential)})
    assert resp.status == 403
    assert "This form has expired" in await resp.text()
    resp = await paste(stack, credential, token="forged-token")
    assert resp.status == 403
    assert resp.content_type == "text/html"


async def test_form_token_is_bound_to_the_cookie(stack: Stack, aiohttp_client: ClientFactory) -> None:
    token = await stack.csrf()
    other = await aiohttp_client(stack.verifier.server)  # another browser, no cookie
    resp = await other.post("/verify", data={"csrf_token": token, "credential": "{}"})
    assert resp.status == 403


@pytest.mark.parametrize(
    ("text", "status", "fragment"),
    [
        ("", 400, "Nothing was pasted"),
        ("{not json", 400, "not valid JSON"),
        ("[" * 80 + "]" * 80, 400, "nest more than 64"),
    ],
    ids=["empty", "bad-json", "too-deep"],
)
async def test_paste_errors_are_readable_pages(stack: Stack, text: str, status: int, fragment: str) -> None:
    resp = await paste(stack, text)
    assert resp.status == status
    assert resp.content_type == "text/html"
    assert fragment in html.unescape(await resp.text())


async def test_pasted_text_over_the_limit_is_413(stack: Stack) -> None:
    resp = await paste(stack, json.dumps({"padding": "x" * 1_100_000}))
    assert resp.status == 413
    assert "at most 1 MB" in await resp.text()


# -- upload ------------------------------------------------------------------------------------
def upload_form(token: str, content: bytes, name: str = "credential.json") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    form.add_field("file", content, filename=name, content_type="application/json")
    return form


async def test_uploaded_file_is_verified(stack: Stack) -> None:
    credential = await stack.issue()
    form = upload_form(await stack.csrf(), json.dumps(credential).encode())
    resp = await stack.verifier.post("/verify/upload", data=form, allow_redirects=False)
    _, page = await result_page(stack, resp)
    assert verdict(page) == "warnings"
    assert "uploaded file" in page
    assert check(page, "binding") == "warning"
    assert "Every check passed" not in page


async def test_upload_over_the_limit_or_without_token_is_refused(stack: Stack) -> None:
    token = await stack.csrf()
    big = upload_form(token, b'{"x": "' + b"x" * 1_100_000 + b'"}')
    resp = await stack.verifier.post("/verify/upload", data=big)
    assert resp.status == 413
    assert resp.content_type == "text/html"
    form = aiohttp.FormData()
    form.add_field("file", b"{}", filename="c.json", content_type="application/json")
    assert (await stack.verifier.post("/verify/upload", data=form)).status == 403
    assert (await stack.verifier.post("/verify/upload", data=upload_form(token, b""))).status == 400


# -- links -------------------------------------------------------------------------------------
async def test_link_to_a_credential_is_fetched_and_verified(stack: Stack, share: ShareServer) -> None:
    share.documents["valid"] = await stack.issue()
    url = f"{share.url}/share/valid"
    resp = await stack.verifier.get("/verify", params={"url": url}, allow_redirects=False)
    _, page = await result_page(stack, resp)
    assert verdict(page) == "warnings"
    assert check(page, "proof") == "passed"
    assert url in page
    moved = await stack.verifier.get("/verify", params={"url": f"{share.url}/moved"}, allow_redirects=False)
    assert moved.status == 303


async def test_link_to_a_presentation_verifies_each_credential(stack: Stack, share: ShareServer) -> None:
    holder = Holder()
    first = await stack.issue("Ola Nowak", did=holder.did)
    second = await stack.issue("Ola Nowak", did=holder.did)
    await stack.set_status(second, "suspension")
    share.documents["vp"] = holder.present([first, second])
    resp = await stack.verifier.get("/verify", params={"url": f"{share.url}/share/vp"}, allow_redirects=False)
    _, page = await result_page(stack, resp)
    assert verdict(page) == "failed"
    assert check(page, "presentation") == "passed"
    assert check(page, "holder") == "passed"
    assert page.count('data-element="ects"') == 2
    assert element(page, "learner-1") == "Ola Nowak"
    assert "Suspended by the issuer." in page


@pytest.mark.parametrize(
    ("url", "status", "fragment"),
    [
        ("http://example.org/credential.json", 400, "only https://"),
        ("https://127.0.0.1:9/credential.json", 400, "private or local addresses"),
        ("https://[::1]:9/credential.json", 400, "private or local addresses"),
        ("ftp://example.org/c.json", 400, "https://"),
        ("", 400, "no link"),
    ],
    ids=["plain-http", "loopback", "loopback-v6", "ftp", "empty"],
)
async def test_links_that_are_refused(stack: Stack, url: str, status: int, fragment: str) -> None:
    resp = await stack.verifier.get("/verify", params={"url": url})
    assert resp.status == status
    assert fragment in html.unescape(await resp.text())


async def test_links_that_fail(stack: Stack, share: ShareServer) -> None:
    resp = await stack.verifier.get("/verify", params={"url": f"{share.url}/share/nothing-here"})
    text = html.unescape(await resp.text())
    assert resp.status == 404
    assert "This link does not exist or has expired" in text
    assert "HTTP 404" not in text
    assert "Something went wrong" not in text
    resp = await stack.verifier.get("/verify", params={"url": f"{share.url}/page"})
    assert resp.status == 422
    assert "web page, not to a credential" in await resp.text()


# -- results -----------------------------------------------------------------------------------
async def test_json_report_downloads_the_full_result(stack: Stack) -> None:
    credential = await stack.issue()
    location, _ = await result_page(stack, await paste(stack, credential))
    resp = await stack.verifier.get(f"{location}/report.json")
    assert resp.status == 200
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="verification-')
    report = json.loads(await resp.text())
    assert report["verified"] is True
    assert report["verdict"] == "warnings"
    assert report["reportId"] == location.rsplit("/", 1)[1]
    checks = {"format", "proof", "issuer", "status", "validity", "binding"}
    assert {r["check"] for r in report["results"]} == checks
    assert report["verifiableCredential"] == credential
    assert report["source"] == "paste"


async def test_unknown_result_is_a_404_page(stack: Stack) -> None:
    resp = await stack.verifier.get("/results/not-a-real-result-id")
    assert resp.status == 404
    assert resp.content_type == "text/html"
    assert "has expired" in await resp.text()
    resp = await stack.verifier.get("/results/not-a-real-result-id/report.json")
    assert resp.status == 404


async def test_unknown_page_in_a_browser_is_html_and_api_errors_stay_json(stack: Stack) -> None:
    resp = await stack.verifier.get("/nowhere", headers={"Accept": "text/html"})
    assert resp.status == 404
    assert resp.content_type == "text/html"
    resp = await stack.verifier.get("/nowhere")
    assert resp.status == 404
    assert resp.content_type == "application/problem+json"
    resp = await stack.verifier.get("/api/trusted-issuers/did:example:none", headers=AUTH)
    assert resp.content_type == "application/problem+json"


# -- selective disclosure (ecdsa-sd-2023) --------------------------------------------------------
async def issue_selective(stack: Stack) -> dict[str, Any]:
    body = {
        "learner": {"name": "Zofia Wiśniewska"},
        "grade": "4.5",
        "options": {"cryptosuite": "ecdsa-sd-2023"},
    }
    resp = await stack.issuer.post(
        f"/api/achievements/{stack.achievement_uuid}/credentials", json=body, headers=AUTH
    )
    assert resp.status == 201, await resp.text()
    credential: dict[str, Any] = (await resp.json())["verifiableCredential"]
    return credential


async def test_selective_disclosure_shows_hidden_elements_as_not_shared(stack: Stack) -> None:
    credential = await issue_selective(stack)
    derived = EcdsaSdAdapter().disclose(credential, ["workload_hours", "learner"])
    _, page = await result_page(stack, await paste(stack, derived))
    assert verdict(page) == "warnings"  # pasted, not presented
    assert check(page, "format") == "passed"
    assert check(page, "proof") == "passed"
    assert "shared selectively" in page
    assert element(page, "title") == "Data Literacy Compact Course"
    assert element(page, "learner") == "Zofia Wiśniewska"
    assert element(page, "ects") == "3"
    assert element(page, "eqf") == "6"
    # ecdsa-sd-2023 cannot tell a withheld element from one the issuer left out: the page says both.
    maybe = "not shared by the holder, or not filled in by the issuer"
    assert element(page, "grade") == maybe
    assert element(page, "credits_earned") == maybe
    assert element(page, "skills") == maybe
    assert element(page, "assessment") != maybe  # mandatory: always shared
    assert "not stated" not in page
    assert_no_inline_code(page)


async def test_selective_disclosure_with_tampered_value_fails(stack: Stack) -> None:
    derived = EcdsaSdAdapter().disclose(await issue_selective(stack), ["grade"])
    derived["credentialSubject"]["result"][0]["value"] = "5.0"
    _, page = await result_page(stack, await paste(stack, derived))
    assert verdict(page) == "failed"
    assert check(page, "proof") == "failed"


async def test_base_proof_pasted_to_verifier_fails_with_a_reason(stack: Stack) -> None:
    _, page = await result_page(stack, await paste(stack, await issue_selective(stack)))
    assert verdict(page) == "failed"
    assert "derive a disclosure first" in page
