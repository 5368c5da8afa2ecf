"""The registrar screens (achievements, pathways) without a browser: served under a strict CSP,
scripts only from static files, no data rendered into the HTML unescaped, and 422 problems that
name each field with a message the form shows beside it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from plecak.issuer.achievements import ENUMERATIONS
from plecak.issuer.app import create_app
from support.issuer import AUTH, achievement, issuer_settings, profile

ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
PAGES = [
    "/admin/achievements",
    "/admin/achievements/new",
    "/admin/achievements/0b7c3c1e-2d4f-4a8e-9a51-6f3e2b1c0d9a/edit",
    "/admin/pathways",
    "/admin/pathways/new",
    "/admin/pathways/0b7c3c1e-2d4f-4a8e-9a51-6f3e2b1c0d9a/edit",
    "/admin/credentials",
]
STATIC = [
    "admin-common.js",
    "admin-achievements.js",
    "admin-pathways.js",
    "admin.js",
    "admin-credentials.js",
]


@pytest.fixture
async def client(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path)))


@pytest.mark.parametrize("path", PAGES)
async def test_registrar_page_has_strict_csp_and_no_inline_code(
    client: TestClient[Any, Any], path: str
) -> None:
    page = await client.get(path)
    html = await page.text()
    assert page.status == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    assert all(re.search(r'src="/static/[a-z-]+\.js"', s) for s in scripts)
    assert "<script>" not in html
    assert "</script>" in html
    assert not re.search(r"\sstyle=|<style|\son[a-z]+=", html)  # no inline styles or handlers
    assert 'id="token-form"' in html  # the same token sign-in as /admin


@pytest.mark.parametrize("name", STATIC)
async def test_registrar_scripts_never_write_html(client: TestClient[Any, Any], name: str) -> None:
    resp = await client.get(f"/static/{name}")
    assert resp.status == 200
    assert "javascript" in resp.headers["Content-Type"]
    text = await resp.text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in text


async def test_form_offers_exactly_the_allowed_values(client: TestClient[Any, Any]) -> None:
    html = await (await client.get("/admin/achievements/new")).text()
    for name in (
        "formOfParticipation",
        "supervisionAndIdVerification",
        "qfEheaLevel",
        "integrationStackability",
    ):
        select = re.search(rf'<select id="a-{name}".*?</select>', html, re.S)
        assert select is not None, name
        values = re.findall(r'<option value="([^"]*)"', select.group(0))
        assert values == ["", *ENUMERATIONS[name]]
    eqf = re.search(r'<select id="a-eqfLevel".*?</select>', html, re.S)
    assert eqf is not None
    assert re.findall(r'<option value="([^"]*)"', eqf.group(0)) == ["", *map(str, range(1, 9))]
    for key in ("name", "description", "learningOutcomes", "ects", "eqfLevel", "typeOfAssessment"):
        assert f'data-key="{key}"' in html
    assert 'data-key="typeOfQualityAssurance"' in html
    assert 'data-key="grading.name"' in html


async def test_profile_name_is_escaped_in_registrar_pages(client: TestClient[Any, Any]) -> None:
    evil = profile()
    evil["name"] = '<script>alert("x")</script> University'
    assert (await client.put("/api/issuer/profile", json=evil, headers=AUTH)).status == 200
    for path in ("/admin/achievements", "/admin/pathways/new"):
        html = await (await client.get(path)).text()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; University" in html


async def test_missing_element_problem_names_the_field_with_a_message(client: TestClient[Any, Any]) -> None:
    assert (await client.put("/api/issuer/profile", json=profile(), headers=AUTH)).status == 200
    data = achievement(0)
    del data["typeOfQualityAssurance"]
    data["eqfLevel"] = 9
    resp = await client.post("/api/achievements", json=data, headers=AUTH)
    assert resp.status == 422
    problem = await resp.json()
    assert problem["missing"] == ["typeOfQualityAssurance"]
    assert problem["fields"] == {
        "typeOfQualityAssurance": (
            "missing: type of quality assurance is a mandatory EU micro-credential element"
        ),
        "eqfLevel": "must be a whole number from 1 to 8",
    }


async def test_pathway_problem_prefixes_certificate_fields(client: TestClient[Any, Any]) -> None:
    assert (await client.put("/api/issuer/profile", json=profile(), headers=AUTH)).status == 200
    cert = achievement(0)
    del cert["name"]
    resp = await client.post("/api/pathways", json={"achievement": cert, "rule": {}}, headers=AUTH)
    assert resp.status == 422
    fields = (await resp.json())["fields"]
    assert fields["achievement.name"].startswith("missing: title of the micro-credential")
    assert fields["rule"].startswith("rule.components must be a non-empty list")


async def test_admin_pages_link_to_each_other(client: TestClient[Any, Any]) -> None:
    for path in ("/admin", "/admin/achievements", "/admin/pathways", "/admin/credentials"):
        html = await (await client.get(path)).text()
        assert 'href="/admin/achievements"' in html
        assert 'href="/admin/pathways"' in html
        assert 'href="/admin/credentials"' in html
        assert f'<a href="{path}" aria-current="page">' in html
