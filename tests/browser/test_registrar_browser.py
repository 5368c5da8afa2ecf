"""The registrar's screens in real Chromium on a phone-sized screen.

A registrar (not a developer) signs in with the admin token, creates an achievement through the
form (a missing EU element shows the server's message at that field), edits it, sees a title
containing ``<script>`` as plain text, manages trusted institutions and creates a pathway from
two achievements, which then appears at the public ``/pathways``. The issuer is a real test
server with a real Redis; every check of what was stored goes through the admin API.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest

from plecak.issuer.app import create_app as create_issuer
from support.issuer import AUTH, TOKEN, achievement, issuer_settings, profile
from support.ports import Listener

SHOTS = Path("/tmp")


@dataclass
class Issuer:
    url: str
    did: str
    admin: aiohttp.ClientSession

    async def get(self, path: str) -> Any:
        async with self.admin.get(self.url + path, headers=AUTH) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()

    async def create(self, data: dict[str, Any]) -> dict[str, Any]:
        async with self.admin.post(f"{self.url}/api/achievements", json=data, headers=AUTH) as resp:
            assert resp.status == 201, await resp.text()
            record: dict[str, Any] = await resp.json()
            return record


@pytest.fixture
async def issuer(redis_url: str, tmp_path: Path) -> AsyncIterator[Issuer]:
    listener = Listener()  # held from the start: no other process can take the port meanwhile
    url = listener.url
    app = create_issuer(issuer_settings(redis_url, tmp_path, public_url=url))
    server = listener.server(app)
    await server.start_server()
    admin = aiohttp.ClientSession()
    try:
        async with admin.put(f"{url}/api/issuer/profile", json=profile(), headers=AUTH) as resp:
            assert resp.status == 200
            did = (await resp.json())["did"]
        yield Issuer(url, did, admin)
    finally:
        await admin.close()
        await server.close()


def _real_errors(errors: list[str]) -> list[str]:
    """Console errors other than the browser's note about a 4xx answer the page handled itself."""
    return [e for e in errors if not re.search(r"Failed to load resource: .*status of (401|404|422)", e)]


async def _sign_in(page: Any, url: str) -> None:
    await page.goto(url)
    await page.wait_for_selector("#token-form", state="visible")
    await page.fill("#token", TOKEN)
    await page.click("#token-form button[type=submit]")
    await page.wait_for_selector("#app", state="visible")


async def _fill_achievement(page: Any, title: str, *, quality: bool = True) -> None:
    await page.fill("#a-name", title)
    await page.fill("#a-description", "Reading, cleaning and charting small datasets.")
    await page.fill("#a-learningOutcomes", "Clean a tabular dataset.\n\n  Choose a suitable chart.  \n")
    await page.fill("#a-ects", "4")
    await page.fill("#a-workloadHours", "100")
    await page.select_option("#a-eqfLevel", "6")
    await page.select_option("#a-qfEheaLevel", "FirstCycle")
    await page.fill("#a-typeOfAssessment", "Project with oral defence.")
    await page.select_option("#a-formOfParticipation", "Blended")
    await page.select_option("#a-supervisionAndIdVerification", "SupervisedOnsiteWithIdVerification")
    if quality:
        await page.fill("#a-typeOfQualityAssurance", "Internal QA (ESG Part 1).")
    await page.fill("#a-prerequisites", "Spreadsheet basics.")
    await page.fill("#a-grading-name", "Final grade (2.0-5.0)")
    await page.fill("#a-grading-allowedValues", "3.0\n4.0\n5.0")
    await page.fill("#a-grading-requiredValue", "3.0")
    await page.select_option("#a-integrationStackability", "Stackable")
    await page.fill("#a-inLanguage", "en")
    await page.click("#a-alignments")  # "Add a skill"
    row = page.locator("fieldset[data-key=alignments] li").first
    await row.locator("[data-sub=targetName]").fill("perform data analysis")
    await row.locator("[data-sub=targetUrl]").fill("http://data.europa.eu/esco/skill/2b92a5b2")


async def test_registrar_creates_an_achievement_with_the_form_and_sees_server_errors(
    issuer: Issuer, phone: Any
) -> None:
    page = phone.page
    await _sign_in(page, f"{issuer.url}/admin/achievements")
    assert "No achievements yet" in await page.inner_text("#list-status")
    await page.click("text=New achievement")
    await page.wait_for_url(re.compile(r"/admin/achievements/new$"))
    await page.wait_for_selector("#achievement-form", state="visible")  # still signed in (same tab)

    await _fill_achievement(page, "Data Analysis with Spreadsheets", quality=False)
    await page.click("#save")
    await page.wait_for_selector("#error-summary", state="visible")
    message = await page.inner_text("#a-typeOfQualityAssurance-error")
    assert message == "missing: type of quality assurance is a mandatory EU micro-credential element"
    assert await page.get_attribute("#a-typeOfQualityAssurance", "aria-invalid") == "true"
    assert "a-typeOfQualityAssurance-error" in (
        await page.get_attribute("#a-typeOfQualityAssurance", "aria-describedby") or ""
    )
    assert await page.evaluate("document.activeElement.id") == "error-summary"
    link = page.locator("#error-summary a")
    assert await link.count() == 1
    assert await link.get_attribute("href") == "#a-typeOfQualityAssurance"
    await link.click()
    assert await page.evaluate("document.activeElement.id") == "a-typeOfQualityAssurance"
    assert await page.is_hidden("#a-name-error")  # only the named field is marked
    assert (await issuer.get("/api/achievements"))["achievements"] == []  # nothing half-saved
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone
    await page.screenshot(path=str(SHOTS / "registrar-achievement-error.png"), full_page=True)

    await page.fill("#a-typeOfQualityAssurance", "Internal QA (ESG Part 1).")
    await page.click("#save")
    await page.wait_for_selector("#preview", state="visible")
    assert "Saved “Data Analysis with Spreadsheets” (version 1)" in await page.inner_text("#save-status")
    assert await page.is_hidden("#error-summary")
    assert await page.is_hidden("#a-typeOfQualityAssurance-error")
    sheet = await page.inner_text("#preview-body")
    assert "Notional workload: 4 ECTS (100 hours)" in sheet
    assert "Choose a suitable chart." in sheet
    assert "Quality assurance: Internal QA (ESG Part 1)." in sheet
    await page.wait_for_url(re.compile(r"/admin/achievements/[0-9a-f-]+/edit$"))

    [record] = (await issuer.get("/api/achievements"))["achievements"]
    data = record["input"]
    assert data["learningOutcomes"] == ["Clean a tabular dataset.", "Choose a suitable chart."]
    assert (data["ects"], data["workloadHours"], data["eqfLevel"]) == (4, 100, 6)
    assert data["formOfParticipation"] == "Blended"
    assert data["qfEheaLevel"] == "FirstCycle"
    assert data["grading"] == {
        "name": "Final grade (2.0-5.0)",
        "allowedValues": ["3.0", "4.0", "5.0"],
        "requiredValue": "3.0",
    }
    assert data["alignments"][0]["targetName"] == "perform data analysis"
    assert record["achievement"]["criteria"]["narrative"].startswith("**EU micro-credential information")

    # saving again from the same screen updates it (no second achievement)
    await page.fill("#a-ects", "5")
    await page.click("#save")
    await page.wait_for_selector("#save-status:has-text('version 2')")
    listing = (await issuer.get("/api/achievements"))["achievements"]
    assert len(listing) == 1
    assert listing[0]["input"]["ects"] == 5

    await page.goto(f"{issuer.url}/admin/achievements")
    row = page.locator("#achievement-rows tr").first
    await row.wait_for()
    assert await row.locator("th").inner_text() == "Data Analysis with Spreadsheets"
    cells = await row.locator("td").all_inner_texts()
    assert [c.split(":")[-1].strip() for c in cells[:2]] == ["5", "6"]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", cells[2])
    await page.screenshot(path=str(SHOTS / "registrar-achievements.png"), full_page=True)
    assert _real_errors(phone.errors) == []


async def test_registrar_edits_an_achievement_with_every_field_kept(issuer: Issuer, phone: Any) -> None:
    original = achievement(0)
    original["awardingBodies"] = [{"id": "https://tum.example", "name": "TU Example", "countryCode": "DE"}]
    record = await issuer.create(original)
    page = phone.page
    await _sign_in(page, f"{issuer.url}/admin/achievements")
    await page.click(f"#achievement-rows tr[data-uuid='{record['uuid']}'] a")
    await page.wait_for_url(re.compile(r"/edit$"))
    await page.wait_for_selector("#preview", state="visible")  # shown once the record is loaded
    assert await page.input_value("#a-name") == original["name"]
    assert await page.input_value("#a-learningOutcomes") == "\n".join(original["learningOutcomes"])
    assert await page.input_value("#a-formOfParticipation") == "Blended"
    assert await page.input_value("#a-eqfLevel") == "6"
    assert "Data Literacy Compact Course" in await page.inner_text("#preview-body")

    await page.fill("#a-name", "Data Literacy (revised)")
    await page.select_option("#a-formOfParticipation", "Online")
    await page.click("#save")
    await page.wait_for_selector("#save-status:has-text('version 2')")
    stored = await issuer.get(f"/api/achievements/{record['uuid']}")
    expected = dict(record["input"], name="Data Literacy (revised)", formOfParticipation="Online")
    assert stored["input"] == expected  # nothing the form does not show was lost
    assert "Form of participation: online" in await page.inner_text("#preview-body")

    # an invalid value is refused by the server and shown at its field; the stored version stays
    await page.fill("#a-nqfLevel", "level six")
    await page.click("#save")
    await page.wait_for_selector("#a-nqfLevel-error", state="visible")
    assert "IRI of a national qualifications framework level" in await page.inner_text("#a-nqfLevel-error")
    assert (await issuer.get(f"/api/achievements/{record['uuid']}"))["version"] == 2
    assert _real_errors(phone.errors) == []


async def test_achievement_title_with_script_is_shown_as_text(issuer: Issuer, phone: Any) -> None:
    evil = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    data = achievement(0)
    data["name"] = evil
    data["learningOutcomes"] = ['<b onmouseover="window.pwned = 3">bold</b>']
    record = await issuer.create(data)
    page = phone.page
    await _sign_in(page, f"{issuer.url}/admin/achievements")
    title = page.locator("#achievement-rows th").first
    await title.wait_for()
    assert await title.inner_text() == evil
    assert await page.locator("#achievement-rows img, #achievement-rows script").count() == 0

    await page.goto(f"{issuer.url}/admin/achievements/{record['uuid']}/edit")
    await page.wait_for_selector("#preview", state="visible")
    assert await page.input_value("#a-name") == evil
    assert evil in await page.inner_text("#preview-body")
    assert await page.locator("#preview-body img, #preview-body script, #preview-body b").count() == 0

    await page.goto(f"{issuer.url}/admin")
    await page.wait_for_selector("#issue", state="visible")
    assert evil in await page.locator("#achievement option").first.inner_text()
    assert await page.evaluate("window.pwned") is None
    assert _real_errors(phone.errors) == []


async def test_registrar_creates_a_pathway_from_two_achievements(issuer: Issuer, phone: Any) -> None:
    first = achievement(0)
    first.update(name="Data Literacy Basics", ects=3)
    second = achievement(1)
    second.update(name="Statistics for Decisions", ects=4)
    a, b = await issuer.create(first), await issuer.create(second)
    page = phone.page
    await _sign_in(page, f"{issuer.url}/admin/pathways")

    # trusted institutions: add one (a bad DID first), then remove it
    await page.fill("#t-did", "tum.example")
    await page.fill("#t-name", "TU Example")
    await page.click("#trusted-add")
    await page.wait_for_selector("#t-did-error", state="visible")
    assert await page.inner_text("#t-did-error") == "must be the institution's DID"
    await page.fill("#t-did", "did:web:tum.example")
    await page.fill("#t-country", "de")
    await page.click("#trusted-add")
    item = page.locator("#trusted-list li[data-did='did:web:tum.example']")
    await item.wait_for()
    assert "TU Example" in await item.inner_text()
    assert "DE" in await item.inner_text()
    assert (await issuer.get("/api/trusted-issuers"))["trustedIssuers"] == [
        {"did": "did:web:tum.example", "name": "TU Example", "country": "DE"}
    ]
    await item.locator("button").click()
    await item.wait_for(state="detached")
    assert (await issuer.get("/api/trusted-issuers"))["trustedIssuers"] == []

    await page.click("text=New pathway")
    await page.wait_for_url(re.compile(r"/admin/pathways/new$"))
    await page.wait_for_selector("#pathway-form", state="visible")
    await page.fill("#c-name", "Certificate in Data Literacy")
    await page.fill("#c-description", "Data literacy for decision makers.")
    await page.fill("#c-learningOutcomes", "Analyse data.\nDecide with statistics.")
    await page.fill("#c-ects", "7")
    await page.select_option("#c-eqfLevel", "6")
    await page.fill("#c-typeOfAssessment", "The assessments of the components.")
    await page.select_option("#c-formOfParticipation", "Online")
    await page.fill("#c-typeOfQualityAssurance", "Internal QA (ESG Part 1).")
    await page.select_option("#mandatory li select", a["id"])
    await page.click("#electives [data-action=add-group]")
    group = page.locator("#electives .groups > fieldset").first
    await group.locator("> label > [data-sub=name]").fill("Statistics")
    await group.locator("> label > [data-sub=minCount]").fill("2")  # more than it offers: refused
    await group.locator("li select").select_option(b["id"])
    await page.click("#save")
    await page.wait_for_selector("#error-summary", state="visible")
    group_error = await group.locator("> .field-error").inner_text()
    assert "asks for 2 components but offers only 1" in group_error
    assert "asks for 2 components" in await page.inner_text("#error-summary")
    assert (await issuer.get("/api/pathways"))["pathways"] == []
    await page.screenshot(path=str(SHOTS / "registrar-pathway-error.png"), full_page=True)

    await group.locator("> label > [data-sub=minCount]").fill("1")
    await page.fill("#r-minInstitutions", "1")
    await page.fill("#r-validity-awardedAfter", "2025-01-01")
    await page.click("#save")
    await page.wait_for_selector("#result", state="visible")
    sentence = await page.inner_text("#rule-description")
    assert sentence == (
        "Requires all of: Data Literacy Basics; at least 1 from Statistics (Statistics for Decisions); "
        "components from at least 1 institutions; awarded after 2025-01-01."
    )
    assert await page.is_hidden("#error-summary")
    await page.screenshot(path=str(SHOTS / "registrar-pathway.png"), full_page=True)

    [record] = (await issuer.get("/api/pathways"))["pathways"]
    rule = record["rule"]
    assert rule["mandatory"] == [a["id"]]
    assert rule["electiveGroups"] == [{"name": "Statistics", "components": [b["id"]], "minCount": 1}]
    assert {(c["achievement"], c["issuer"]) for c in rule["components"]} == {
        (a["id"], issuer.did),
        (b["id"], issuer.did),
    }
    assert rule["validity"] == {"awardedAfter": "2025-01-01T00:00:00Z"}

    async with issuer.admin.get(f"{issuer.url}/pathways") as resp:
        public = (await resp.json())["pathways"]
    assert [p["name"] for p in public] == ["Certificate in Data Literacy"]
    assert public[0]["id"].endswith(record["uuid"])

    # the list shows it; editing fills the form back from the stored rule
    await page.goto(f"{issuer.url}/admin/pathways")
    row = page.locator(f"#pathway-rows tr[data-uuid='{record['uuid']}']")
    await row.wait_for()
    assert sentence in await row.inner_text()
    await row.locator("a", has_text="Edit").click()
    await page.wait_for_selector("#result", state="visible")
    assert await page.input_value("#mandatory li select") == a["id"]
    assert await page.input_value("#electives li select") == b["id"]
    assert await page.input_value("#r-validity-awardedAfter") == "2025-01-01"
    await page.fill("#c-name", "Certificate in Data Literacy (2026)")
    await page.click("#save")
    await page.wait_for_selector("#save-status:has-text('version 2')")
    stored = await issuer.get(f"/api/pathways/{record['uuid']}")
    assert stored["rule"] == rule
    assert stored["achievement"]["name"] == "Certificate in Data Literacy (2026)"
    assert _real_errors(phone.errors) == []


async def test_pathway_component_from_another_institution_is_warned_until_trusted(
    issuer: Issuer, phone: Any
) -> None:
    own = await issuer.create(achievement(0))
    page = phone.page
    await _sign_in(page, f"{issuer.url}/admin/pathways/new")
    await page.fill("#c-name", "Joint Certificate")
    await page.fill("#c-description", "Two universities.")
    await page.fill("#c-learningOutcomes", "Work across borders.")
    await page.fill("#c-ects", "6")
    await page.select_option("#c-eqfLevel", "6")
    await page.fill("#c-typeOfAssessment", "Components' assessments.")
    await page.select_option("#c-formOfParticipation", "Blended")
    await page.fill("#c-typeOfQualityAssurance", "ESG.")
    await page.select_option("#mandatory li select", own["id"])
    await page.click("#mandatory [data-action=add-component]")
    other = page.locator("#mandatory li").nth(1)
    await other.locator("select").select_option("other")
    await other.locator("[data-sub=achievement]").fill("https://tum.example/achievements/python")
    await other.locator("[data-sub=issuer]").fill("tum.example")  # not a DID: refused at this row
    await other.locator("[data-sub=name]").fill("Python for Data")
    await page.click("#save")
    await other.locator(".field-error").wait_for(state="visible")
    assert "issuer must be the DID" in await other.locator(".field-error").inner_text()
    assert await page.locator("#mandatory li").first.locator(".field-error").is_hidden()

    await other.locator("[data-sub=issuer]").fill("did:web:tum.example")
    await other.locator("[data-sub=ects]").fill("3")
    # long addresses in the messages wrap: the page never gets wider than the phone
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.click("#save")
    await page.wait_for_selector("#result", state="visible")
    assert "not in the trusted list" in await page.inner_text("#warnings")
    [record] = (await issuer.get("/api/pathways"))["pathways"]
    assert {
        "achievement": "https://tum.example/achievements/python",
        "issuer": "did:web:tum.example",
        "name": "Python for Data",
        "ects": 3,
    } in record["rule"]["components"]
    assert _real_errors(phone.errors) == []


async def _issue_to(issuer: Issuer, uuid: str, name: str, email: str | None = None) -> str:
    learner: dict[str, Any] = {"name": name, **({"email": email} if email else {})}
    async with issuer.admin.post(
        f"{issuer.url}/api/achievements/{uuid}/credentials", json={"learner": learner}, headers=AUTH
    ) as resp:
        assert resp.status == 201, await resp.text()
        credential_id: str = (await resp.json())["verifiableCredential"]["id"]
        return credential_id


async def test_registrar_finds_a_credential_by_email_suspends_and_revokes_it_with_confirmation(
    issuer: Issuer, phone: Any
) -> None:
    page = phone.page
    first = await issuer.create(achievement(0))
    second = await issuer.create(achievement(1))
    anna = await _issue_to(issuer, first["uuid"], "Anna Kowalska", "anna.kowalska@example.org")
    evil = await _issue_to(issuer, first["uuid"], '<img src=x onerror="window.pwned=1">Mallory')
    await _issue_to(issuer, second["uuid"], "Jan Nowak")

    await _sign_in(page, f"{issuer.url}/admin/credentials")
    await page.wait_for_selector("#results li")
    assert "3 credential(s) found." in await page.inner_text("#search-status")
    # content is text, never markup
    assert '<img src=x onerror="window.pwned=1">Mallory' in await page.inner_text(
        f'li[data-id="{evil}"] .learner'
    )
    assert await page.evaluate("window.pwned") is None

    # by the whole e-mail address (stored only hashed), in another case
    await page.fill("#search-q", "Anna.Kowalska@EXAMPLE.org")
    await page.click("#search")
    await page.wait_for_selector("#search-status:has-text('1 credential(s) found.')")
    row = page.locator(f'li[data-id="{anna}"]')
    assert await row.locator(".state").inner_text() == "Valid"
    # by achievement
    await page.fill("#search-q", "")
    await page.select_option("#search-achievement", second["uuid"])
    await page.click("#search")
    await page.wait_for_selector("#results li .learner:text-is('Jan Nowak')")
    assert await page.locator("#results li").count() == 1
    # by name, accents ignored
    await page.select_option("#search-achievement", "")
    await page.fill("#search-q", "kowalska")
    await page.click("#search")
    await page.wait_for_selector(f'#results li[data-id="{anna}"]')
    assert await page.locator("#results li").count() == 1

    # suspend: a confirmation step first; cancelling changes nothing
    await row.locator("button[data-action=suspend]").click()
    await page.wait_for_selector("#confirm", state="visible")
    assert await page.evaluate("document.activeElement.id") == "confirm"
    assert "Suspend “" in await page.inner_text("#confirm-text")
    await page.click("#confirm-no")
    assert await page.is_hidden("#confirm")
    assert await page.inner_text("#action-status") == "Nothing was changed."
    assert (await issuer.get(f"/api/credentials/{anna}"))["currentStatus"] == {
        "revocation": False,
        "suspension": False,
    }
    await row.locator("button[data-action=suspend]").click()
    await page.click("#confirm-yes")
    await page.wait_for_selector(f'li[data-id="{anna}"][data-status="suspended"]')
    assert (await issuer.get(f"/api/credentials/{anna}"))["currentStatus"]["suspension"] is True
    assert await row.locator("button[data-action=unsuspend]").count() == 1

    # revoke, with its warning that it is permanent
    await row.locator("button[data-action=revoke]").click()
    await page.wait_for_selector("#confirm", state="visible")
    assert "permanent" in await page.inner_text("#confirm-warning")
    assert await page.inner_text("#confirm-yes") == "Yes, revoke"
    await page.click("#confirm-yes")
    await page.wait_for_selector(f'li[data-id="{anna}"][data-status="revoked"]')
    assert (await issuer.get(f"/api/credentials/{anna}"))["currentStatus"]["revocation"] is True
    assert await row.locator("button[data-action=revoke]").count() == 0  # nothing left to do

    # what happened, in order
    await row.locator("button[data-action=history]").click()
    await page.wait_for_selector("#history", state="visible")
    events = await page.locator("#history-events li").evaluate_all("items => items.map(i => i.dataset.event)")
    assert events == ["issued", "suspended", "revoked"]
    assert "Anna Kowalska" in await page.inner_text("#history-title")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone
    await page.screenshot(path=str(SHOTS / "registrar-credentials.png"), full_page=True)
    assert _real_errors(phone.errors) == []


async def test_registrar_credentials_screen_speaks_polish_after_the_switch_scripts_included(
    issuer: Issuer, phone: Any
) -> None:
    page = phone.page
    record = await issuer.create(achievement(0))
    anna = await _issue_to(issuer, record["uuid"], "Anna Kowalska")
    await page.goto(f"{issuer.url}/lang/pl?next=/admin/credentials")
    assert page.url == f"{issuer.url}/admin/credentials"
    await page.wait_for_selector("#token-form", state="visible")
    assert await page.get_attribute("html", "lang") == "pl"
    assert await page.inner_text("#token-form button[type=submit]") == "Dalej"
    await page.fill("#token", TOKEN)
    await page.click("#token-form button[type=submit]")
    await page.wait_for_selector("#app", state="visible")
    # texts the script writes come from the catalogue the page handed it
    await page.wait_for_selector("#search-status:has-text('Znalezione poświadczenia: 1.')")
    row = page.locator(f'li[data-id="{anna}"]')
    assert await row.locator(".state").inner_text() == "Ważne"
    assert await page.inner_text("#search-achievement option[value='']") == "Wszystkie osiągnięcia"
    await row.locator("button[data-action=suspend]").click()
    await page.wait_for_selector("#confirm", state="visible")
    assert (await page.inner_text("#confirm-text")).startswith("Zawieś: „")
    assert await page.inner_text("#confirm-yes") == "Tak, zawieś"
    await page.click("#confirm-no")
    assert await page.inner_text("#action-status") == "Nic nie zmieniono."
    # and back to English with the switch
    await page.click("nav a[hreflang=en]")
    await page.wait_for_selector("#app", state="visible")
    assert await page.get_attribute("html", "lang") == "en"
    await page.wait_for_selector("#search-status:has-text('1 credential(s) found.')")
    assert _real_errors(phone.errors) == []


async def test_registrar_pdf_days_out_of_range_are_refused_in_polish_and_no_link_is_made(
    issuer: Issuer, phone: Any
) -> None:
    """The PDF panel's number of days is checked on the screen, in the registrar's language: 0, nothing
    or a fraction never reaches the server (whose answer is English) and makes no verification link."""
    page = phone.page
    record = await issuer.create(achievement(0))
    anna = await _issue_to(issuer, record["uuid"], "Anna Kowalska")
    await page.goto(f"{issuer.url}/lang/pl?next=/admin/credentials")
    await page.wait_for_selector("#token-form", state="visible")
    await page.fill("#token", TOKEN)
    await page.click("#token-form button[type=submit]")
    await page.wait_for_selector("#search-status:has-text('Znalezione poświadczenia: 1.')")
    await page.locator(f'li[data-id="{anna}"] button[data-action=history]').click()
    await page.wait_for_selector("#pdf-days", state="visible")
    refused = "Liczba dni działania linku: liczba całkowita od 1 do 3650."
    for days in ("0", "", "2.5", "3651"):
        await page.evaluate("document.getElementById('pdf-status').textContent = ''")
        await page.fill("#pdf-days", days)
        await page.click("#pdf-pl")
        await page.wait_for_selector(f"#pdf-status:has-text('{refused}')")
        assert await page.evaluate("document.activeElement.id") == "pdf-days"
    assert await issuer.get(f"/api/credentials/{quote(anna, safe='')}/links") == {"links": []}
    assert _real_errors(phone.errors) == []
