"""Browser tests: Playwright for Python driving the system's Chromium (no downloaded browser).

Chromium is Debian's ``/usr/bin/chromium`` (or ``PLECAK_CHROMIUM``); ``.ci/run`` installs it.
When it or Playwright is missing the browser tests fail in CI (``CI=true``) and are skipped,
with the reason, on a developer's machine.

One Chromium process serves the whole session (each pytest-xdist worker has its own): a test's
``browser`` is a fresh Playwright connected to it over the DevTools protocol, and each test works in
browser contexts of its own (new cookies, storage and permissions), closed when it ends. Launching
Chromium for every test cost about half a second each. A Chromium that has died is started again.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
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


class SharedChromium:
    """A Chromium listening for DevTools clients on a loopback port it chose itself."""

    def __init__(self, profile: Path) -> None:
        self.profile = profile
        self._process: subprocess.Popen[bytes] | None = None
        self._url = ""

    def url(self) -> str:
        """The DevTools WebSocket URL, (re)starting Chromium when it is not running."""
        if self._process is None or self._process.poll() is not None:
            self._start()
        return self._url

    def _start(self) -> None:
        self.stop()
        port_file = self.profile / "DevToolsActivePort"
        port_file.unlink(missing_ok=True)
        args = [*CHROMIUM_ARGS, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0"]
        self._process = subprocess.Popen(
            [str(CHROMIUM), *args, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self._process.poll() is None:
            lines = port_file.read_text().split() if port_file.is_file() else []
            if len(lines) == 2:  # Chromium writes the port, then the browser's path
                self._url = f"ws://127.0.0.1:{lines[0]}{lines[1]}"
                return
            time.sleep(0.02)
        self.stop()
        pytest.fail(f"{CHROMIUM} did not open its DevTools port within 30 s")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None


@pytest.fixture(scope="session")
def shared_chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedChromium]:
    reason = _missing()
    if reason is not None:
        if _in_ci():
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    chromium = SharedChromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chromium
    finally:
        chromium.stop()


@pytest.fixture
async def browser(shared_chromium: SharedChromium) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.connect_over_cdp(shared_chromium.url())
        try:
            yield chromium
        finally:
            await chromium.close()  # closes this test's contexts; Chromium keeps running


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
