"""A credential from another Open Badges 3.0 issuer on the wallet's credential page and the verifier's
result page, in English and Polish, over real HTTP: the Digital Bazaar reference stack's credential as
it is for the verifier, and issued again by another did:key issuer to the wallet's holder (a wallet
keeps only credentials issued to it).

Both pages read it through the model's tolerant reading (plecak.core.model.shown); what they show
for many more foreign shapes is pinned in tests/unit/test_foreign_display.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import did_key
from plecak.core.integrity.proofs import add_proof
from support import FIXTURES
from support.verifier import Stack
from support.verifier_pages import element, paste, result_page, share, stack
from support.wallet import Servers, servers

__all__ = ["servers", "share", "stack"]

FOREIGN = "ob3-vc2-eddsa-rdfc-2022.json"
ISSUER = "did:key:z6Mks9a4G7EmEhByutX2hqyepuRaZqPwAUwv42iuQ6AofkMb"


def _foreign() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / FOREIGN).read_text(encoding="utf-8"))
    return document


def _field(page: str, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>(.*?)</dd>", page, re.S)
    assert match, f"no field {label}"
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip()


def _issued_to(holder: str) -> tuple[dict[str, Any], str]:
    """The foreign credential, issued to ``holder`` by another throw-away did:key issuer."""
    key = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
    issuer = did_key(key)
    document = {k: v for k, v in _foreign().items() if k != "proof"}
    document["issuer"] = {**document["issuer"], "id": issuer}
    document["credentialSubject"] = {**document["credentialSubject"], "id": holder}
    return add_proof(document, key, f"{issuer}#{key.public_multibase}"), issuer


async def test_the_wallet_page_shows_a_foreign_open_badge_in_english_and_polish(servers: Servers) -> None:
    browser = servers.browser
    holder = await browser.sign_up()
    credential, issuer = _issued_to(holder)
    await browser.get("/add")
    status, text = await browser.post("/add", {"json": json.dumps(credential)})
    assert status == 200, text
    found = re.search(r"/credentials/([0-9a-f]{32})", browser.last_url)
    assert found
    for lang, labels in (
        ("en", ("Title", "Awarding body", "Description")),
        ("pl", ("Tytuł", "Podmiot przyznający", "Opis")),
    ):
        await browser.get(f"/lang/{lang}?next=/")
        _, page = await browser.get(f"/credentials/{found.group(1)}")
        assert f'<html lang="{lang}">' in page
        title, body, description = labels
        assert _field(page, title) == "Introduction to Open Data"
        assert _field(page, body) == "Example Reference Academy"
        assert _field(page, description) == "Finding, licensing and publishing open data sets."
        assert f"<code>{issuer}</code>" in page
        assert f"<code>{holder}</code>" in page


async def test_the_verifier_rows_show_a_foreign_open_badge_in_english_and_polish(stack: Stack) -> None:
    location, page = await result_page(stack, await paste(stack, _foreign()))
    assert element(page, "title") == "Introduction to Open Data"
    assert element(page, "kind") == "Course"
    assert element(page, "awarding_body") == "Example Reference Academy"
    assert element(page, "description") == "Finding, licensing and publishing open data sets."
    assert element(page, "issuer_id") == ISSUER
    polish = await stack.verifier.get(location, headers={"Accept-Language": "pl-PL,pl;q=0.9"})
    text = await polish.text()
    assert '<html lang="pl">' in text
    assert element(text, "title") == "Introduction to Open Data"
    assert element(text, "awarding_body") == "Example Reference Academy"
    assert element(text, "valid_until") == "bezterminowo"
