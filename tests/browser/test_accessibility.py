"""Automated WCAG checks: axe-core in real Chromium on every page of the three services.

axe-core (npm, pinned in tests/axe/package.json, installed outside the repository by
tests/support/axe_js.py) is injected into each page and ``axe.run()`` checks the rendered page (WCAG 2.0,
2.1 and 2.2 A/AA rules plus axe's best practices). The pages are reached the way a person reaches
them: the same issuer, wallet and verifier test servers as the Pathways journey (real Redis).
A "serious" or "critical" violation fails the test; all findings, moderate and minor included,
are written to /tmp/axe-<service>.json (docs/accessibility.md lists the known remaining ones).

Our pages have a strict CSP (``script-src 'self'``) that rightly refuses an injected script, so
these tests (only these) open the pages in a context with Playwright's ``bypass_csp``.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from support.axe_js import require_axe
from support.browser_passkeys import virtual_authenticator, wallet_url
from support.browser_pathways import PASSWORD, System, system
from support.issuer import AUTH, TOKEN

__all__ = ["system", "wallet_url"]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
BLOCKING = ("serious", "critical")
_RUN = """async () => {
  const results = await axe.run(document);
  const brief = (kind) => (v) => ({
    kind, id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "")),
  });
  return results.violations.map(brief("violation")).concat(results.incomplete.map(brief("needs review")));
}"""


@dataclass
class Audit:
    """Runs axe on pages of one service and keeps every finding by page."""

    page: Any
    script: Path
    service: str
    findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    async def check(self, name: str) -> None:
        await self.page.wait_for_load_state("load")
        await self.page.add_script_tag(path=str(self.script))
        self.findings[name] = await self.page.evaluate(_RUN)

    async def open(self, name: str, url: str) -> None:
        await self.page.goto(url)
        await self.check(name)

    async def check_on_desktop(self, name: str) -> None:
        """The same page on a wide screen too (the layouts switch at 40rem)."""
        await self.page.set_viewport_size(DESKTOP)
        try:
            await self.page.reload()
            await self.check(name + " (desktop)")
        finally:
            await self.page.set_viewport_size(PHONE)

    def assert_clean(self) -> None:
        Path(f"/tmp/axe-{self.service}.json").write_text(json.dumps(self.findings, indent=2))
        blocking = {
            page: [
                f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes']}"
                for v in found
                if v["kind"] == "violation" and v["impact"] in BLOCKING
            ]
            for page, found in self.findings.items()
        }
        blocking = {page: found for page, found in blocking.items() if found}
        assert not blocking, json.dumps(blocking, indent=2, ensure_ascii=False)


@pytest.fixture
async def audit_page(browser: Any) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport=PHONE, bypass_csp=True)
    try:
        yield await context.new_page()
    finally:
        await context.close()


@pytest.fixture(scope="module")
def axe() -> Path:
    return require_axe()


async def _issue(system: System) -> dict[str, Any]:
    async with system.admin.post(
        f"{system.issuer_url}/api/achievements/{system.achievements[0]}/credentials",
        json={"learner": {"name": "Zofia Mazur"}},
        headers=AUTH,
    ) as resp:
        assert resp.status == 201, await resp.text()
        credential: dict[str, Any] = (await resp.json())["verifiableCredential"]
        return credential


async def _paste(audit: Audit, url: str, text: str) -> None:
    await audit.page.goto(url + "/")
    await audit.page.fill("#paste-json", text)
    await audit.page.click("#paste button[type=submit]")


async def test_axe_finds_serious_violations_on_a_page_made_to_have_them(audit_page: Any, axe: Path) -> None:
    """The control: the harness does see what it must fail on (so a clean run means something)."""
    audit = Audit(audit_page, axe, "control")
    await audit_page.set_content(
        "<html><body><main><h1>Control</h1>"
        '<p style="color:#bbb;background:#fff">Pale text that is hard to read.</p>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<input type="text"><a href="/x"></a></main></body></html>'
    )
    await audit.check("made to fail")
    found = {v["id"] for v in audit.findings["made to fail"] if v["impact"] in BLOCKING}
    assert {"color-contrast", "image-alt", "label", "link-name", "html-has-lang"} <= found
    with pytest.raises(AssertionError, match="color-contrast"):
        audit.assert_clean()


async def test_verifier_pages_have_no_serious_accessibility_violations(
    audit_page: Any, axe: Path, system: System
) -> None:
    audit = Audit(audit_page, axe, "verifier")
    verifier = system.verifier_url
    await audit.open("home", verifier + "/")
    await audit.check_on_desktop("home")
    await audit.open("home (Polish)", verifier + "/lang/pl?next=/")
    await audit.page.goto(verifier + "/lang/en?next=/")

    credential = await _issue(system)
    revoked = await _issue(system)  # revoked before the verifier first reads (and caches) the list
    async with system.admin.post(
        f"{system.issuer_url}/credentials/status",
        json={
            "credentialId": revoked["id"],
            "credentialStatus": {"statusPurpose": "revocation"},
            "status": True,
        },
        headers=AUTH,
    ) as resp:
        assert resp.status == 200
    await _paste(audit, verifier, json.dumps(credential))
    await audit.page.wait_for_url(re.compile(r"/results/"))
    assert (
        await audit.page.get_attribute("#verdict", "data-verdict") == "warnings"
    )  # bare: holder not checked
    await audit.check("result: genuine, holder not checked")
    await audit.check_on_desktop("result: genuine, holder not checked")
    await audit.open(
        "result: genuine, holder not checked (Polish)",
        verifier + "/lang/pl?next=" + quote(audit.page.url[len(verifier) :]),
    )
    await audit.page.goto(verifier + "/lang/en?next=/")

    tampered = json.loads(json.dumps(credential))
    tampered["credentialSubject"]["achievement"]["name"] = "Changed after issuing"
    await _paste(audit, verifier, json.dumps(tampered))
    await audit.page.wait_for_url(re.compile(r"/results/"))
    assert await audit.page.get_attribute("#verdict", "data-verdict") == "failed"
    await audit.check("result: failed (seal broken)")

    await _paste(audit, verifier, json.dumps(revoked))
    await audit.page.wait_for_url(re.compile(r"/results/"))
    assert await audit.page.get_attribute("#verdict", "data-verdict") == "failed"
    await audit.check("result: revoked")

    await _paste(audit, verifier, "{not json")
    await audit.check("paste error page")

    async with system.admin.get(f"{system.issuer_url}/.well-known/did.json") as resp:
        did = (await resp.json())["id"]
    trusted = f"{verifier}/api/trusted-issuers/{quote(did, safe=':')}"
    async with system.admin.delete(trusted, headers=AUTH) as resp:
        assert resp.status in (200, 204), await resp.text()
    await _paste(audit, verifier, json.dumps(credential))
    await audit.page.wait_for_url(re.compile(r"/results/"))
    assert await audit.page.get_attribute("#verdict", "data-verdict") == "warnings"
    await audit.check("result: verified with warnings (issuer not trusted)")

    await audit.page.goto(verifier + "/")
    await audit.page.click("#ask button[type=submit]")
    await audit.page.wait_for_url(re.compile(r"/requests/"))
    await audit.check("OpenID4VP request page")
    audit.assert_clean()


async def test_issuer_pages_have_no_serious_accessibility_violations(
    audit_page: Any, axe: Path, system: System
) -> None:
    audit = Audit(audit_page, axe, "issuer")
    await _issue(system)  # for the issued-credentials screen
    await audit.open("home", system.issuer_url + "/")
    await audit.check_on_desktop("home")
    await audit.open("admin: sign in", system.issuer_url + "/admin")
    await audit.page.fill("#token", TOKEN)
    await audit.page.click("#token-form button[type=submit]")
    await audit.page.wait_for_selector("#issue:not([hidden])")
    await audit.check("admin: signed in")
    for name, path in (
        ("registrar: achievements", "/admin/achievements"),
        ("registrar: new achievement", "/admin/achievements/new"),
        ("registrar: pathways", "/admin/pathways"),
        ("registrar: new pathway", "/admin/pathways/new"),
        ("registrar: issued credentials", "/admin/credentials"),
    ):
        await audit.page.goto(system.issuer_url + path)
        await audit.page.wait_for_selector("#token-form:visible, #app:visible")
        if await audit.page.is_visible("#token-form"):
            await audit.page.fill("#token", TOKEN)
            await audit.page.click("#token-form button[type=submit]")
        await audit.page.wait_for_selector("#app", state="visible")
        await audit.check(name)
        if path == "/admin/achievements/new":
            await audit.page.click("#save")
            await audit.page.wait_for_selector("#error-summary", state="visible")
            await audit.check("registrar: new achievement with errors")
        if path == "/admin/credentials":
            await audit.page.locator("button[data-action=suspend]").first.click()
            await audit.page.wait_for_selector("#confirm", state="visible")
            await audit.check("registrar: confirm a suspension")
            await audit.page.click("#confirm-no")
            await audit.page.locator("button[data-action=history]").first.click()
            await audit.page.wait_for_selector("#history", state="visible")
            await audit.check("registrar: a credential's history")
    for name, path in (
        ("registrar in Polish: new achievement", "/admin/achievements/new"),
        ("registrar in Polish: issued credentials", "/admin/credentials"),
    ):
        await audit.page.goto(f"{system.issuer_url}/lang/pl?next={path}")
        await audit.page.wait_for_selector("#app", state="visible")
        assert await audit.page.get_attribute("html", "lang") == "pl"
        await audit.check(name)
    await audit.page.goto(f"{system.issuer_url}/lang/en?next=/admin")
    await audit.open("public pathway page", system.pathway_url)
    achievement = f"/achievements/{system.achievements[0]}"
    await audit.open("public achievement page", system.issuer_url + achievement)
    await audit.open("public achievement page in Polish", f"{system.issuer_url}/lang/pl?next={achievement}")
    assert await audit.page.inner_text("h2 >> nth=0") == "Efekty uczenia się"
    audit.assert_clean()


async def test_wallet_pages_have_no_serious_accessibility_violations(
    audit_page: Any, axe: Path, system: System
) -> None:
    audit = Audit(audit_page, axe, "wallet")
    wallet = system.wallet_url
    await audit.open("welcome", wallet + "/")
    await audit.open("sign in", wallet + "/signin")
    await audit.page.fill("#email", "nobody@example.org")
    await audit.page.fill("#password", "not the password at all")
    await audit.page.click("main button[type=submit]")
    await audit.check("sign in: wrong password")
    await audit.open("sign up", wallet + "/signup")
    await audit.page.fill("#email", "zofia@example.org")
    await audit.page.fill("#password", PASSWORD)
    await audit.page.fill("#password_again", PASSWORD)
    await audit.page.click("main button[type=submit]")
    await audit.page.wait_for_url(wallet + "/")
    await audit.check("credential list (empty)")

    for uuid in system.achievements:
        await audit.page.goto(await system.offer(uuid))
        if uuid == system.achievements[0]:
            await audit.check("credential offer")
        await audit.page.click("main form button[type=submit]")
        await audit.page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))
    await audit.check("credential detail")
    async with system.admin.post(
        f"{system.issuer_url}/api/achievements/{system.achievements[0]}/offers",
        json={"learner": {"name": "Zofia Mazur"}, "cryptosuite": "ecdsa-sd-2023"},
        headers=AUTH,
    ) as resp:
        assert resp.status == 201, await resp.text()
        await audit.page.goto((await resp.json())["walletLink"])
    await audit.page.click("main form button[type=submit]")
    await audit.page.wait_for_url(re.compile(r"/credentials/[0-9a-f]+$"))
    await audit.check("credential detail (selective disclosure)")
    await audit.open("credential list", wallet + "/")
    await audit.check_on_desktop("credential list")
    await audit.open("share", wallet + "/share")
    for box in await audit.page.locator("input[name=c]").all():
        await box.check()
    await audit.check("share: all chosen, with the selective-disclosure switches")
    await audit.page.click("main form button[type=submit]")
    await audit.page.wait_for_selector("#verify-link")
    await audit.check("share created")
    await audit.open("shares", wallet + "/shares")

    await audit.open("add a credential", wallet + "/add")
    await audit.open("scan", wallet + "/scan")
    await audit.open("backup", wallet + "/backup")
    await audit.open("account (passkeys)", wallet + "/account")

    # an employer's OpenID4VP request, opened on the same phone: the answer page
    await audit.page.goto(system.verifier_url + "/")
    for element in ("#ask-workload_hours", "#ask-description"):
        if await audit.page.locator(element).count():  # elements a selective disclosure may withhold
            await audit.page.check(element)
    await audit.page.click("#ask button[type=submit]")
    await audit.check("OpenID4VP request page with elements")
    link = await audit.page.get_attribute("#same-device", "href")
    await audit.page.goto(f"{wallet}/open?link={quote(link, safe='')}")
    await audit.page.wait_for_url(re.compile(r"/present\?"))
    await audit.check("OpenID4VP answer page")
    await audit.page.click("main form button[value=send]")
    await audit.page.wait_for_load_state("load")
    await audit.check("OpenID4VP answer sent")

    await audit.page.goto(f"{wallet}/open?link={quote(system.pathway_url, safe='')}")
    await audit.page.click("main form[action='/pathways/follow'] button[type=submit]")
    await audit.open("pathways", wallet + "/pathways")
    await audit.page.locator("#pathway-list li a").first.click()
    await audit.page.wait_for_selector("#requirements")
    await audit.check("pathway detail")
    await audit.open("page not found", wallet + "/nope")
    assert await audit.page.inner_text("h1") == "Page not found"
    await audit.open("credential list (Polish)", wallet + "/lang/pl?next=/")
    audit.assert_clean()


_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " + el.textContent.trim().slice(0, 30),
    outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    ring: style.boxShadow !== "none",
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.left < window.innerWidth,
  };
}"""


async def _tab_through(page: Any, url: str, stops: int) -> list[str]:
    """Tab through the first ``stops`` controls of a page; a sentence for each one without a visible focus."""
    await page.goto(url)
    problems = []
    for _ in range(stops):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(_FOCUSED)
        if focused is None:
            break
        if focused["outline"] < 2 or not focused["ring"] or not focused["onScreen"]:
            problems.append(f"{url}: {focused}")
    return problems


async def test_keyboard_focus_is_visible_on_every_control(audit_page: Any, system: System) -> None:
    """axe cannot see focus; tab through each service's main form and look at the focus ring."""
    problems = []
    problems += await _tab_through(audit_page, system.verifier_url + "/", 20)
    problems += await _tab_through(audit_page, system.wallet_url + "/signup", 8)
    problems += await _tab_through(audit_page, system.issuer_url + "/admin", 4)
    assert problems == []


async def test_wallet_passkey_pages_have_no_serious_accessibility_violations(
    audit_page: Any, axe: Path, wallet_url: str
) -> None:
    """Passkeys need a host name (``localhost``), so these pages run on a wallet of their own."""
    audit = Audit(audit_page, axe, "wallet-passkeys")
    await virtual_authenticator(audit_page)
    await audit.open("sign in with a passkey", wallet_url + "/signin")
    await audit.open("sign up", wallet_url + "/signup")
    await audit.page.fill("#email", "zofia@example.org")
    await audit.page.fill("#password", PASSWORD)
    await audit.page.fill("#password_again", PASSWORD)
    await audit.page.click("main button[type=submit]")
    await audit.open("account: no passkeys", wallet_url + "/account")
    await audit.page.fill("#passkey-name", "Zofia's phone")
    await audit.page.click("#passkey-add-button")
    await audit.page.wait_for_selector("#passkey-list")
    await audit.check("account: one passkey")
    await audit.open("account: one passkey (Polish)", wallet_url + "/lang/pl?next=/account")
    audit.assert_clean()
