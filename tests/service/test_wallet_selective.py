"""Selective disclosure in the wallet: the share screen's field switches, share links and OpenID4VP
answers carry a derived ecdsa-sd-2023 credential with only what the learner keeps (or the verifier
asked for), and it verifies."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from plecak.core.disclosure import is_derived_disclosure
from plecak.core.verify.presentation import verify_presentation
from support.wallet import Browser, Servers, servers
from support.wallet_backup import export_backup, import_backup, second_wallet
from support.wallet_present import OB_TYPE, ContractVerifier, verifier
from support.wallet_selective import issue_sd
from support.wallet_share import add_credential, link_verifier, raw_share_link, share_credentials

__all__ = ["second_wallet", "servers", "verifier"]


async def _learner_with_sd_credential(servers: Servers) -> tuple[Browser, str]:
    """The signed-up learner's browser and the wallet id of the ecdsa-sd-2023 credential they keep."""
    browser = servers.browser
    did = await browser.sign_up()
    return browser, await add_credential(browser, await issue_sd(servers, did))


def _mc_query(claims: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A DCQL query for one Open Badge credential (id ``mc``) in ``ldp_vc``, asking for ``claims``."""
    wanted = {"id": "mc", "format": "ldp_vc", "meta": {"type_values": [[OB_TYPE]]}, "claims": claims, **extra}
    return {"credentials": [wanted]}


async def _open_request(browser: Browser, verifier: ContractVerifier, query: dict[str, Any]) -> str:
    """The learner opens the verifier's request link: the answer page's HTML."""
    status, text = await browser.get("/open?link=" + quote(verifier.ask(query), safe=""))
    assert status == 200, text
    return text


def _present_action(text: str) -> str:
    action = re.search(r'action="(/present/[A-Za-z0-9_-]+)"', text)
    assert action
    return action.group(1)


async def _post_form(browser: Browser, path: str, data: list[tuple[str, str]]) -> None:
    """Posts ``data`` as given (repeated names kept), with no CSRF token added."""
    async with browser.session.post(browser.base + path, data=data) as resp:
        assert resp.status == 200, await resp.text()


def switches(page: str, cid: str) -> dict[str, bool]:
    """Field key -> whether its switch can be changed (False: mandatory, always shared)."""
    free = re.findall(rf'name="fields\.{cid}" value="([a-z_]+)"', page)
    return {key: True for key in free}


async def test_share_screen_lists_fields_with_switches_and_mandatory_ones_always_shared(
    servers: Servers,
) -> None:
    browser, cid = await _learner_with_sd_credential(servers)
    _, page = await browser.get(f"/share?c={cid}")
    free = switches(page, cid)
    assert {"grade", "credits_earned", "learner", "workload_hours"} <= set(free)
    for mandatory in ("title", "kind", "ects", "eqf", "assessment", "outcomes", "quality"):
        assert mandatory not in free, mandatory
    assert page.count("always shared") >= 10
    assert f'name="sd.{cid}" value="1"' in page
    assert f'data-preview="{cid}:grade"' in page
    assert "4.5" in page
    assert "What the employer will see" in page
    assert '<script src="/static/share.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert " style=" not in page
    status, _ = await browser.get("/static/share.js")
    assert status == 200


async def test_share_link_without_grade_carries_a_derived_credential_that_verifies(servers: Servers) -> None:
    browser, cid = await _learner_with_sd_credential(servers)
    _, page = await browser.get(f"/share?c={cid}")
    kept = [k for k in switches(page, cid) if k != "grade"]
    await browser.get("/share")
    data = [
        ("c", cid),
        (f"sd.{cid}", "1"),
        *[(f"fields.{cid}", k) for k in kept],
        ("csrf", browser.csrf or ""),
    ]
    async with browser.session.post(browser.base + "/share", data=data) as resp:
        text = await resp.text()
        assert resp.status == 201, text
    async with browser.session.get(raw_share_link(text)) as resp:
        vp = await resp.json()
    sent = vp["verifiableCredential"][0]
    assert is_derived_disclosure(sent)
    assert "result" not in sent["credentialSubject"]
    assert "resultDescription" not in sent["credentialSubject"]["achievement"]
    assert sent["credentialSubject"]["achievement"]["creditPoint"]
    result = await verify_presentation(vp, await link_verifier(servers), require_holder_proof=True)
    assert result.verified, result.to_json()


async def test_share_with_every_switch_off_sends_only_mandatory_fields(servers: Servers) -> None:
    browser, cid = await _learner_with_sd_credential(servers)
    status, text = await share_credentials(browser, [cid], **{f"sd.{cid}": "1"})
    assert status == 201, text
    async with browser.session.get(raw_share_link(text)) as resp:
        sent = (await resp.json())["verifiableCredential"][0]
    achievement = sent["credentialSubject"]["achievement"]
    mandatory = {"id", "type", "name", "achievementType", "learningOutcome", "creditPoint", "eqfLevel"}
    mandatory |= {"creditsAvailable", "typeOfAssessment", "formOfParticipation", "typeOfQualityAssurance"}
    assert {"id", "type", "name", "achievementType", "creditPoint", "eqfLevel"} <= set(achievement)
    assert set(achievement) <= mandatory
    assert "alignment" not in achievement
    assert "volumeOfLearning" not in achievement
    assert "identifier" not in sent["credentialSubject"]
    assert "creditsEarned" not in sent["credentialSubject"]
    assert sent["credentialStatus"]
    assert sent["issuer"]["name"]


async def test_share_form_without_field_list_shares_every_field(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    credential = await issue_sd(servers, did)
    cid = await add_credential(browser, credential)
    status, text = await share_credentials(browser, [cid])
    assert status == 201, text
    async with browser.session.get(raw_share_link(text)) as resp:
        sent = (await resp.json())["verifiableCredential"][0]
    assert is_derived_disclosure(sent)
    assert sent["credentialSubject"]["result"][0]["value"] == "4.5"


async def test_wallet_refuses_sd_credential_with_broken_base_proof(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    credential = await issue_sd(servers, did)
    credential["credentialSubject"]["result"][0]["value"] = "5.0"
    await browser.get("/add")
    status, text = await browser.post("/add", {"json": json.dumps(credential)})
    assert status == 422, text
    assert "/credentials/" not in browser.last_url
    assert "altered" in text


async def test_openid4vp_answer_discloses_only_requested_claims(
    servers: Servers, verifier: ContractVerifier
) -> None:
    browser, cid = await _learner_with_sd_credential(servers)
    query = _mc_query(
        [
            {"path": ["credentialSubject", "creditsEarned"]},
            {"path": ["credentialSubject", "achievement", "volumeOfLearning"]},
        ]
    )
    text = await _open_request(browser, verifier, query)
    assert f'data-selective="{cid}"' in text
    action = _present_action(text)
    status, text = await browser.post(action, {"q.mc": cid, "action": "send"})
    assert status == 200, text
    answer = verifier.answers[-1]
    assert answer["verified"] == {"mc": True}
    sent = answer["token"]["mc"][0]["verifiableCredential"][0]
    achievement = sent["credentialSubject"]["achievement"]
    assert sent["credentialSubject"]["creditsEarned"]
    assert achievement["volumeOfLearning"]
    assert achievement["eqfLevel"] == "http://data.europa.eu/snb/eqf/6"  # mandatory: always there
    assert "result" not in sent["credentialSubject"]
    assert "alignment" not in achievement


async def test_sd_credential_survives_a_backup_into_another_wallet(
    servers: Servers, second_wallet: Browser
) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    await add_credential(browser, await issue_sd(servers, did))
    status, data = await export_backup(browser)
    assert status == 200
    await second_wallet.sign_up("anna.moved@example.org")
    status, text = await import_backup(second_wallet, data)
    assert status == 200, text
    assert "Imported 1 credential and" in text, text
    assert "status-valid" in text


async def test_openid4vp_answer_page_lets_the_learner_decline_optional_claims_only(
    servers: Servers, verifier: ContractVerifier
) -> None:
    browser, cid = await _learner_with_sd_credential(servers)
    achievement = ["credentialSubject", "achievement"]
    query = _mc_query(
        [
            {"id": "kind", "path": [*achievement, "achievementType"], "values": ["MicroCredential"]},
            {"id": "earned", "path": ["credentialSubject", "creditsEarned"]},
            {"id": "grade", "path": ["credentialSubject", "result"]},
            {"id": "hours", "path": [*achievement, "volumeOfLearning"]},
        ],
        claim_sets=[["kind", "earned", "grade", "hours"], ["kind", "earned"]],
    )
    text = await _open_request(browser, verifier, query)
    states = dict(re.findall(r'data-field="([a-z_]+)" data-state="([a-z_]+)"', text))
    assert states["credits_earned"] == "required"
    assert states["title"] == "mandatory"
    assert states["grade"] == "optional"
    assert states["workload_hours"] == "optional"
    assert "learner" not in states  # nobody asked for the name: no switch, never sent
    assert f'name="fields.mc.{cid}" value="grade"' in text
    assert f'name="fields.mc.{cid}" value="credits_earned"' not in text  # required: no switch
    assert re.search(rf'data-preview="q1-{cid}:learner" class="sd-off"', text)
    assert "4.5" in text  # the preview shows the grade while its switch is on
    assert '<script src="/static/share.js" defer></script>' in text
    action = _present_action(text)
    data = [
        ("q.mc", cid),
        (f"sd.mc.{cid}", "1"),
        (f"fields.mc.{cid}", "workload_hours"),
        (f"fields.mc.{cid}", "learner"),  # not asked: a forged switch changes nothing
        ("action", "send"),
        ("csrf", browser.csrf or ""),
    ]
    await _post_form(browser, action, data)
    answer = verifier.answers[-1]
    assert answer["verified"] == {"mc": True}
    sent = answer["token"]["mc"][0]["verifiableCredential"][0]
    subject = sent["credentialSubject"]
    assert subject["creditsEarned"]
    assert subject["achievement"]["volumeOfLearning"]
    assert "result" not in subject
    assert "resultDescription" not in subject["achievement"]
    assert "name" not in subject
    assert "identifier" not in subject
    assert subject["achievement"]["eqfLevel"]  # the issuer's mandatory elements always go


async def test_openid4vp_without_claim_sets_sends_every_requested_claim(
    servers: Servers, verifier: ContractVerifier
) -> None:
    browser, cid = await _learner_with_sd_credential(servers)
    query = _mc_query([{"id": "grade", "path": ["credentialSubject", "result"]}])
    text = await _open_request(browser, verifier, query)
    assert 'data-field="grade" data-state="required"' in text
    action = _present_action(text)
    data = [("q.mc", cid), (f"sd.mc.{cid}", "1"), ("action", "send"), ("csrf", browser.csrf or "")]
    await _post_form(browser, action, data)
    sent = verifier.answers[-1]["token"]["mc"][0]["verifiableCredential"][0]
    assert sent["credentialSubject"]["result"][0]["value"] == "4.5"
    assert sent["credentialSubject"]["achievement"]["resultDescription"]  # the element, whole
