"""Browser tests: Playwright for Python driving the system's Chromium (no downloaded browser).

Chromium is Debian's ``/usr/bin/chromium`` (or ``PLECAK_CHROMIUM``); ``.ci/run`` installs it.
When it or Playwright is missing the browser tests fail in CI (``CI=true``) and are skipped,
with the reason, on a developer's machine.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from support.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (make browser-deps, or set PLECAK_CHROMIUM)"
    return None


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    reason = _missing()
    if reason is not None:
        if _in_ci():
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@dataclass
class Phone:
    """A phone-sized page, and the console errors (CSP violations, script errors) it logged."""

    page: Any
    errors: list[str] = field(default_factory=list)


@pytest.fixture
async def phone(browser: Any) -> AsyncIterator[Phone]:
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    phone = Phone(await context.new_page())

    def on_console(message: Any) -> None:
        if message.type == "error":
            phone.errors.append(message.text)

    phone.page.on("console", on_console)
    phone.page.on("pageerror", lambda error: phone.errors.append(str(error)))
    try:
        yield phone
    finally:
        await context.close()
