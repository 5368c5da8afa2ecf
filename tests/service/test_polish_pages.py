"""The main wallet and verifier pages rendered in Polish hold no English interface text.

Real issuer, wallet and verifier (real Redis). Each page's visible text is searched for English
words a Polish reader should not meet; what the issuer wrote (the credential's and pathway's own
words, in English here), identifiers, and text explicitly marked ``lang="en"`` (technical details
behind a "po angielsku" disclosure) are taken out first.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from typing import Any

import aiohttp

from support.qr_pictures import blank_png
from support.verifier import Holder, Stack
from support.verifier_pages import ShareServer, share, stack
from support.wallet import Servers, servers
from support.wallet_pathways import data_literacy_pathway

__all__ = ["servers", "share", "stack"]

# Interface words that betray an untranslated sentence (whole words, case-sensitive where a
# Polish word could match otherwise). The credential's own words are removed before the search.
ENGLISH = re.compile(
    r"\b(?:the|The|and|of|is|not|has|have|was|were|this|This|issuer|credential|credentials|held|missing|"
    r"Mandatory|Module|electives|Countries|Poland|Germany|English|days?|times|Opened|revoked|suspended|"
    r"unknown|Valid|Revoked|Suspended|Expired|Wait|minutes|Imported|EU micro-credential|"
    r"Awarding institutions|at least|could|cannot|answered)\b"
)
POLISH = {"Accept-Language": "pl-PL,pl;q=0.9"}


def strings(document: Any) -> Iterable[str]:
    """Every string in a JSON document (what the issuer wrote)."""
    if isinstance(document, str):
        yield document
    elif isinstance(document, dict):
        for value in document.values():
            yield from strings(value)
    elif isinstance(document, list):
        for value in document:
            yield from strings(value)


def visible(page: str, content: Iterable[str] = ()) -> str:
    """What a Polish reader sees of the interface: no tags, scripts, JSON dumps, English-marked
    technical details, or the issuer's own words."""
    page = re.sub(r"<(script|style|pre|textarea)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<(p|span|div)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", page, flags=re.S)
    attributes = " ".join(re.findall(r'\b(?:alt|title|placeholder|aria-label)="([^"]*)"', page))
    text = html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attributes)
    for words in sorted({s.strip() for s in content if len(s.strip()) > 2}, key=len, reverse=True):
        text = text.replace(words, " ")
    text = re.sub(r"\b(?:https?|did|urn)[:][^\s]+", " ", text)  # links and identifiers
    return re.sub(r"\s+", " ", text)


def english_in(pages: dict[str, str], content: Iterable[str]) -> dict[str, list[str]]:
    content = list(content)
    found = {name: ENGLISH.findall(visible(page, content)) for name, page in pages.items()}
    return {name: words for name, words in found.items() if words}


async def test_wallet_pages_in_polish_hold_no_english(servers: Servers) -> None:
    browser, issuer = servers.browser, servers.issuer
    did = await browser.sign_up()
    await browser.get("/lang/pl?next=/")
    pathway_url, uuids = await data_literacy_pathway(servers)
    offer = await issuer.offer()
    _, preview = await browser.get(offer["walletLink"])
    action = re.search(r'action="(/receive/[A-Za-z0-9_-]+)"', preview)
    assert action, preview
    _, detail = await browser.post(action.group(1), {})
    cid = browser.last_url.rsplit("/", 1)[1]
    stats = await issuer.issue(did, achievement_uuid=uuids["stats"])
    viz = await issuer.issue(did, achievement_uuid=uuids["viz"])
    unbound = await issuer.issue(None, name="Anna Nowak", achievement_uuid=uuids["viz"])
    for credential in (stats, viz, unbound):
        await browser.get("/add")
        status, text = await browser.post("/add", {"json": json.dumps(credential)})
        assert status == 200, text
    await issuer.set_status(stats["id"], "revocation", True)
    tampered = json.loads(json.dumps(viz))
    tampered["credentialSubject"]["achievement"]["name"] = "Forged Course"
    await browser.get("/add")
    _, refused = await browser.post("/add", {"json": json.dumps(tampered)})
    _, followed = await browser.post("/pathways/follow", {"url": pathway_url})
    key = re.search(r'href="/pathways/([0-9a-f]{32})"', followed)
    assert key, followed
    await browser.get("/share")
    _, shared = await browser.post("/share", {"c": cid, "days": "1"})
    link = re.search(r"(/s/[A-Za-z0-9_-]+)", shared)
    assert link, shared
    await browser.get(link.group(1))
    await browser.get("/scan")
    form = aiohttp.FormData()
    form.add_field("photo", blank_png(), filename="qr.png", content_type="image/png")
    _, photo = await browser.post("/scan/photo", form)
    _, bad_offer = await browser.get("/receive?credential_offer_uri=" + "https%3A%2F%2F127.0.0.1%3A1%2Fo")
    pages = {"receive": preview, "detail": detail, "refused": refused, "shared": shared, "photo": photo}
    pages["bad-offer"] = bad_offer
    revoked_cid = None
    _, listing = await browser.get("/")
    for found in re.findall(r'href="/credentials/([0-9a-f]+)"', listing):
        status, page = await browser.get(f"/credentials/{found}")
        pages[f"credential {found}"] = page
        if "Unieważnione" in page:
            revoked_cid = found
    assert revoked_cid, "the revoked credential shows as revoked"
    for path in ("/", "/share", "/shares", "/scan", "/add", "/backup", "/account", "/pathways",
                 f"/pathways/{key.group(1)}", f"/credentials/{cid}/delete"):  # fmt: skip
        status, page = await browser.get(path)
        assert status == 200, (path, page[:300])
        pages[path] = page
    pathway = await (await issuer.client.get(pathway_url, headers={"Accept": "application/json"})).json()
    content = [*strings([offer, stats, viz, unbound, tampered, pathway]), "Demo University of Technology"]
    assert english_in(pages, content) == {}
    # the words this test looks for are really there in English
    await browser.get("/lang/en?next=/")
    _, english = await browser.get(f"/pathways/{key.group(1)}")
    assert english_in({"en": english}, content)


async def test_selective_disclosure_preview_in_polish_names_kind_and_country_in_polish(
    servers: Servers,
) -> None:
    browser = servers.browser
    await browser.sign_up()
    await browser.get("/lang/pl?next=/")
    offer = await servers.issuer.offer(format="dc+sd-jwt", grade="4.5")
    _, preview = await browser.get(offer["walletLink"])
    action = re.search(r'action="(/receive/[A-Za-z0-9_-]+)"', preview)
    assert action, preview
    _, detail = await browser.post(action.group(1), {})
    cid = browser.last_url.rsplit("/", 1)[1]
    _, share_page = await browser.get(f"/share?c={cid}")
    assert re.search(r"sd-value\">\s*Europejskie mikropoświadczenie\s*<", share_page), share_page[:3000]
    assert re.search(r"sd-value\">\s*Polska\s*<", share_page)
    pages = {"receive": preview, "detail": detail, "share": share_page}
    content = [*strings(offer), "Demo University of Technology", "Data Literacy Compact Course"]
    found = english_in(pages, content)
    # the credential's own English words (description, outcomes…) are content; the interface is not
    interface = {"Poland", "EU micro-credential", "held", "missing", "Valid", "Revoked", "unknown"}
    assert not {name: set(words) & interface for name, words in found.items() if set(words) & interface}


async def test_polish_shows_the_plural_form_of_each_count(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    await browser.get("/lang/pl?next=/")
    await browser.get("/add")
    await browser.post("/add", {"json": json.dumps(await servers.issuer.issue(did))})
    _, page = await browser.get("/share")
    options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page))
    assert options["1"] == "1 dniu"
    assert options["7"] == "7 dniach"
    assert options["30"] == "30 dniach"
    cid = re.search(r'name="c" value="([0-9a-f]+)"', page)
    assert cid
    _, shared = await browser.post("/share", {"c": cid.group(1), "days": "7"})
    link = re.search(r"(/s/[A-Za-z0-9_-]+)", shared)
    assert link
    seen = []
    for _ in range(2):
        await browser.get(link.group(1))
        _, shares = await browser.get("/shares")
        seen.append(re.search(r"Otwarto \d+ raz[y]?", shares).group(0))  # type: ignore[union-attr]
    assert seen == ["Otwarto 1 raz", "Otwarto 2 razy"]


async def test_verifier_pages_in_polish_hold_no_english(stack: Stack, share: ShareServer) -> None:
    pages: dict[str, str] = {}
    pages["home"] = await (await stack.verifier.get("/", headers=POLISH)).text()
    token = await stack.csrf()
    valid = await stack.issue("Katarzyna Zielińska", grade="5.0")
    revoked = await stack.issue("Piotr Wójcik")
    await stack.set_status(revoked, "revocation")
    tampered = json.loads(json.dumps(valid))
    tampered["credentialSubject"]["name"] = "Someone Else"
    documents = {"valid": valid, "revoked": revoked, "vp": Holder().present([valid]), "tampered": tampered}
    for name, document in documents.items():
        resp = await stack.verifier.post(
            "/verify", data={"csrf_token": token, "credential": json.dumps(document)}, headers=POLISH
        )
        pages[name] = await resp.text()
    form = aiohttp.FormData()
    form.add_field("csrf_token", token)
    form.add_field("file", blank_png(), filename="qr.png", content_type="image/png")
    pages["photo"] = await (await stack.verifier.post("/verify/upload", data=form, headers=POLISH)).text()
    assert "Polska, Mazowieckie, Warszawa" in pages["valid"]
    # a detail translated from its check code is not labelled as English; only English ones are
    details = re.findall(r"<summary>([^<]*)</summary><p class=\"detail\"( lang=\"en\")?>", pages["valid"])
    assert details
    for summary, english in details:
        assert summary == ("Szczegóły techniczne (po angielsku)" if english else "Szczegóły techniczne")
    assert ("Szczegóły techniczne", "") in details
    content = [*strings(list(documents.values())), "Demo University of Technology"]
    assert english_in(pages, content) == {}


def test_verifier_workload_hours_agree_with_their_number() -> None:
    from plecak.verifier.display import _hours
    from plecak.verifier.messages import EN, PL

    assert [_hours(f"PT{n}H", PL) for n in (1, 2, 5, 22, 75)] == [
        "1 godzina", "2 godziny", "5 godzin", "22 godziny", "75 godzin",
    ]  # fmt: skip
    assert [_hours(f"PT{n}H", EN) for n in (1, 75)] == ["1 hour", "75 hours"]


async def test_verifier_says_why_a_pasted_text_is_not_json_in_polish(stack: Stack) -> None:
    token = await stack.csrf()
    for text, expected in (
        ("{not json", "to nie jest poprawny JSON (błąd w wierszu 1, kolumnie 2)"),
        ("[" * 100 + "]" * 100, "zagnieżdżone zbyt głęboko (limit: 64)"),
    ):
        resp = await stack.verifier.post(
            "/verify", data={"csrf_token": token, "credential": text}, headers=POLISH
        )
        page = await resp.text()
        assert resp.status == 400
        assert expected in page
        assert not ENGLISH.findall(visible(page)), visible(page)
