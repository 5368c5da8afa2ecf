"""The wallet keeps a vc+cose credential: pasted as its data URL, as the bare base64 COSE_Sign1 or
as its envelope, verified before storing (bound to the learner), listed and shown with its elements;
a tampered one is refused."""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
import pytest

from support.secured_vc import wallet_cards, wallet_kept, wallet_paste
from support.wallet import Servers, servers

__all__ = ["servers"]

PREFIX = "data:application/vc+cose;base64,"


async def issue_cose(servers: Servers, did: str, alg: str = "ES256") -> dict[str, Any]:
    return await servers.issuer.issue(did, options={"format": "vc+cose", "alg": alg})


paste, cards = wallet_paste, wallet_cards


@pytest.mark.parametrize("form", ["data_url", "base64", "envelope"])
async def test_pasted_vc_cose_is_kept_and_shown_with_its_elements(servers: Servers, form: str) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    enveloped = await issue_cose(servers, did, alg="EdDSA")
    pasted = {"data_url": enveloped["id"], "base64": enveloped["id"].removeprefix(PREFIX), "envelope": enveloped}
    status, text = await paste(browser, pasted[form])
    assert status == 200, text[:3000]
    assert "was added to your wallet" in text, text[:3000]
    assert "not bound to your DID" not in text
    title, page = await wallet_kept(browser)
    assert title == "Data Literacy Compact Course"
    assert "Anna Nowak" in page


async def test_tampered_vc_cose_is_refused(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    message = base64.b64decode((await issue_cose(servers, did))["id"].removeprefix(PREFIX))
    forged = message.replace(b"Anna Nowak", b"Anna Nowik")
    assert forged != message
    status, text = await paste(browser, PREFIX + base64.b64encode(forged).decode())
    assert status == 422
    assert "does not verify" in text
    _, home = await browser.get("/")
    assert cards(home) == []


async def test_uploaded_binary_cose_file_is_kept(servers: Servers) -> None:
    browser = servers.browser
    did = await browser.sign_up()
    message = base64.b64decode((await issue_cose(servers, did))["id"].removeprefix(PREFIX))
    await browser.get("/add")
    form = aiohttp.FormData()
    form.add_field("json", "")
    form.add_field("file", message, filename="credential.cose", content_type="application/vc+cose")
    status, text = await browser.post("/add", form)
    assert status == 200, text[:3000]
    assert "was added" in text
    title, _ = await wallet_kept(browser)
    assert title == "Data Literacy Compact Course"
