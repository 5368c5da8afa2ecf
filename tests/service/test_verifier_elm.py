"""A European Digital Credential (ELM 3 / EDC, Europass) in the verifier, over real HTTP: pasted,
uploaded, opened from a link and through the VC-API. Its Annex I elements are shown (EN and PL),
its eIDAS seal is reported as not checked, and it is never "verified"."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import aiohttp

from plecak.core.model.elm import export_elm_credential
from support.verifier import Stack
from support.verifier_pages import ShareServer, check, element, paste, result_page, share, stack, verdict

__all__ = ["share", "stack"]  # fixtures used by the tests below

SAMPLE = Path(__file__).resolve().parents[1] / "vectors" / "elm" / "sample-mc-annex1-unsigned.jsonld"
POLISH = {"Accept-Language": "pl-PL,pl;q=0.9"}


def sample() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SAMPLE.read_text("utf-8"))
    return document


def headline(page: str) -> str:
    match = re.search(r'id="verdict"[^>]*>\s*<h1>(.*?)</h1>', page, re.S)
    assert match, page[:2000]
    return match.group(1).strip()


def upload_form(token: str, content: bytes, name: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    form.add_field("file", content, filename=name, content_type="application/ld+json")
    return form


ENGLISH = {
    "title": "Digital micro-credential creation",
    "kind": "European Digital Credential (Europass)",
    "learner": "Ana Andromeda",
    "awarding_body": "University of Zed",
    "country": "Ireland (IE)",
    "issued": "2022-12-31",
    "valid_until": "does not expire",
    "outcomes": "Communication, collaboration and creativity Developing digital content",
    "ects": "2",
    "workload_hours": "60 hours",
    "eqf": "6",
    "assessment": "artefact assessment",
    "participation": "Blended",
    "supervision": "Unsupervised without ID Verification",
    "grade": "Pass",
    "nqf": "RQF Level 6",
    "qf_ehea": "not stated",
    "quality": "not stated",
    "stackability": "not stated",
    "credential_id": "urn:credential:3ef0ac26-9a1f-41c6-871b-2b82e670907b",
}
"""What the result page shows of the Commission's sample (an absent Annex I element: "not stated")."""

POLISH_VALUES = {
    "kind": "Europejskie cyfrowe poświadczenie (Europass)",
    "country": "Irlandia",
    "workload_hours": "60 godzin",
    "valid_until": "bezterminowo",
    "qf_ehea": "nie podano",
    "title": "Digital micro-credential creation",  # the document's own words
}


def shown(page: str, keys: Iterable[str]) -> dict[str, str]:
    """The text of each element ``keys`` names (a list's items joined by single spaces)."""
    return {key: re.sub(r"\s+", " ", element(page, key)) for key in keys}


async def test_pasted_commission_sample_shows_its_elements_and_says_its_seal_was_not_checked(stack: Stack) -> None:
    _, page = await result_page(stack, await paste(stack, sample()))
    assert verdict(page) == "incomplete"
    assert headline(page) == "Readable European Digital Credential — its seal was not checked"
    assert "Every check passed" not in page
    assert ">Verified<" not in page
    assert check(page, "format") == "passed"
    assert check(page, "proof") == "unknown"
    assert check(page, "status") == "unknown"
    assert check(page, "issuer") == "warning"  # nothing ties an unchecked seal to the issuer
    assert "sealed with an eIDAS qualified electronic seal (JAdES or XAdES), which this verifier does not check" in page
    assert 'id="elm-note"' in page
    assert shown(page, ENGLISH) == ENGLISH
    assert element(page, "prerequisites").startswith("The learner needs to have an EDC Online Credential Builder")


async def test_uploaded_jsonld_file_is_shown_in_polish(stack: Stack) -> None:
    form = upload_form(await stack.csrf(), SAMPLE.read_bytes(), "Sample-MC-Annex1-unsigned.jsonld")
    resp = await stack.verifier.post("/verify/upload", data=form, headers=POLISH, allow_redirects=False)
    assert resp.status == 303, await resp.text()
    page = await (await stack.verifier.get(resp.headers["Location"], headers=POLISH)).text()
    assert verdict(page) == "incomplete"
    assert headline(page) == "Czytelne europejskie cyfrowe poświadczenie — jego pieczęci nie sprawdzono"
    assert check(page, "proof") == "unknown"
    assert "Nie sprawdzono: europejskie cyfrowe poświadczenie jest opatrzone kwalifikowaną pieczęcią" in page
    assert "Pieczęci nie sprawdzono." in page
    assert re.search(r"<dt>Kraj i region wystawcy</dt>", page)
    assert shown(page, POLISH_VALUES) == POLISH_VALUES


async def test_a_link_to_an_elm_credential_is_read_the_same_way(stack: Stack, share: ShareServer) -> None:
    share.documents["elm"] = sample()
    resp = await stack.verifier.get("/verify", params={"url": f"{share.url}/share/elm"}, allow_redirects=False)
    _, page = await result_page(stack, resp)
    assert verdict(page) == "incomplete"
    assert check(page, "proof") == "unknown"
    assert element(page, "learner") == "Ana Andromeda"


async def test_vcapi_lists_the_seal_check_as_not_run_and_never_answers_verified(stack: Stack) -> None:
    status, body = await stack.verify(sample())
    assert status == 422
    assert body["verified"] is False
    assert "proof" not in body["checks"]
    seal = next(r for r in body["results"] if r["check"] == "proof")
    assert seal["outcome"] == "unknown"
    assert seal["code"] == "proof.elm_not_checked"
    assert seal["details"]["notChecked"] == "eseal"
    problem = next(p for p in body["problemDetails"] if p["check"] == "proof")
    assert problem["type"] == "https://w3id.org/plecak/problems#not-checked"
    assert problem["title"] == "Seal not checked"
    assert not any(p["type"].endswith("CRYPTOGRAPHIC_SECURITY_ERROR") for p in body["problemDetails"])


async def test_an_elm_credential_with_a_made_up_term_fails_in_words_not_with_an_error(stack: Stack) -> None:
    document = sample()
    document["credentialSubject"]["hasClaim"]["madeUpTerm"] = "<b>anything</b>"
    _, page = await result_page(stack, await paste(stack, document))
    assert verdict(page) == "failed"
    assert check(page, "format") == "failed"
    assert "madeUpTerm" in page
    assert "<b>anything</b>" not in page
    status, body = await stack.verify(document)
    assert status == 422
    assert body["results"] == [
        {
            "check": "format",
            "outcome": "failed",
            "message": "The European Digital Credential uses a term its contexts do not define: madeUpTerm.",
            "code": "format.undefined_term",
            "params": {"term": "madeUpTerm"},
            "details": {"term": "madeUpTerm", "profile": "elm"},
        }
    ]


async def test_elm_content_is_escaped_on_the_page(stack: Stack) -> None:
    document = sample()
    document["credentialSubject"]["hasClaim"]["title"] = {"en": '<script>alert("x")</script>'}
    _, page = await result_page(stack, await paste(stack, document))
    assert "<script>alert" not in page
    assert element(page, "title") == '<script>alert("x")</script>'


async def test_our_own_credential_still_takes_the_usual_path(stack: Stack) -> None:
    status, body = await stack.verify(await stack.issue())
    assert status == 200
    assert body["verified"] is True
    assert next(r for r in body["results"] if r["check"] == "format")["code"] == "format.micro_credential"


async def test_an_elm_credential_inside_a_presentation_is_read_the_same_way(stack: Stack) -> None:
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [sample()],
    }
    _, page = await result_page(stack, await paste(stack, presentation))
    assert verdict(page) == "incomplete"
    assert headline(page) == "Readable European Digital Credential — its seal was not checked"
    assert 'data-check="proof" data-outcome="unknown"' in page
    assert element(page, "learner") == "Ana Andromeda"
    assert 'id="elm-note"' in page


async def test_our_micro_credential_exported_to_elm_shows_every_annex_i_element(stack: Stack) -> None:
    credential = await stack.issue("Zofia Wiśniewska", grade="4.5")
    _, page = await result_page(stack, await paste(stack, export_elm_credential(credential)))
    assert verdict(page) == "incomplete"
    assert check(page, "proof") == "unknown"  # the export is unsealed: the original carries the seal
    rows = re.findall(r'id="el-([a-z_]+)"', page)
    assert {"title", "learner", "qf_ehea", "quality", "stackability", "further", "grade"} <= set(rows)
    assert {key: element(page, key) for key in rows if element(page, key) == "not stated"} == {}
    assert shown(page, ["title", "learner", "ects", "workload_hours", "eqf", "qf_ehea", "stackability"]) == {
        "title": "Data Literacy Compact Course",
        "learner": "Zofia Wiśniewska",
        "ects": "3",
        "workload_hours": "75 hours",
        "eqf": "6",
        "qf_ehea": "First cycle",
        "stackability": "Stackable",
    }
