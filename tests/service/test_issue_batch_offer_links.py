"""``issue-batch --offers``: the links it writes open the web wallet from a phone (its https link),
and when the issuer knows no wallet the registrar is told why a custom-scheme link will not do."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from plecak.issuer.app import create_app
from support.cli import read_results, run_cli
from support.issuer import AUTH, TOKEN, issuer_settings


async def _offers(tmp_path: Path, redis_url: str, **settings: str) -> tuple[str, list[dict[str, str]]]:
    server = TestServer(create_app(issuer_settings(redis_url, tmp_path, seed_demo=True, **settings)))
    await server.start_server()
    try:
        base = str(server.make_url("")).rstrip("/")
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{base}/api/achievements", headers=AUTH) as resp,
        ):
            uuid = (await resp.json())["achievements"][0]["uuid"]
        learners = tmp_path / "cohort.csv"
        learners.write_text("name,email\nAnna Nowak,anna@example.org\n")
        args = ["issue-batch", "--offers", "--achievement", uuid, "--issuer-url", base, "--token", TOKEN]
        code, err = await run_cli(*args, str(learners))
        assert code == 0, err
        return err, read_results(tmp_path / "cohort.results.csv")
    finally:
        await server.close()


async def test_offer_links_open_the_web_wallet_when_the_issuer_knows_it(
    redis_url: str, tmp_path: Path
) -> None:
    err, rows = await _offers(tmp_path, redis_url, wallet_url="https://wallet.example")
    assert rows[0]["link"].startswith("https://wallet.example/receive?credential_offer_uri=")
    assert rows[0]["link"] in rows[0]["email_text"]
    assert "PLECAK_WALLET_URL" not in err


async def test_registrar_is_told_when_offer_links_only_open_in_a_wallet_app(
    redis_url: str, tmp_path: Path
) -> None:
    err, rows = await _offers(tmp_path, redis_url)
    assert rows[0]["link"].startswith("openid-credential-offer://")
    assert "set PLECAK_WALLET_URL on the issuer" in err
