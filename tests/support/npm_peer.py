"""One pinned npm package set, installed outside the repository, and the Node scripts that use it.

Each independent JavaScript peer of the tests (the JS reference verifier, the ecdsa-sd reference,
the jose peer, the OpenID4VP and OpenID4VCI peers, axe-core) is an :class:`NpmPeer`: a folder
under ``tests/`` with a ``package.json`` of exact versions and our ``.mjs`` scripts. The packages are
installed into ``$<cache_env>`` or ``~/.cache/plecak/<name>`` the first time they are needed and
again whenever ``package.json`` changes (a sha256 stamp); a file lock keeps concurrent test
processes from installing at the same time, and the scripts are copied next to ``node_modules``.

Without ``node``/``npm``, or when the install fails, :meth:`NpmPeer.ensure_installed` raises the
peer's :class:`NpmUnavailable` subclass and :meth:`NpmPeer.require` ends the test: a skip on a
developer machine, a failure in CI (``CI`` set to anything but ``0``/``false``/``no``).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["NpmPeer", "NpmUnavailable", "ScriptAnswer", "in_ci"]


class NpmUnavailable(RuntimeError):
    """node/npm are missing here, or the pinned packages could not be installed."""


@dataclass(frozen=True)
class ScriptAnswer:
    """What one run of a script gave: its last JSON line, exit status and the end of its stderr."""

    json: dict[str, Any]
    returncode: int
    stderr: str


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _copy_if_changed(source: Path, target: Path) -> None:
    data = source.read_bytes()
    if not target.is_file() or target.read_bytes() != data:
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)


@dataclass(frozen=True)
class NpmPeer:
    """``package_dir`` holds ``package.json`` and ``scripts``; ``label`` names the peer in messages.

    The cache is ``$<cache_env>[/<env_subdir>]`` when the variable is set, else
    ``~/.cache/plecak/<name>``. ``installed_file`` (relative to the cache) must exist after an
    install; ``needs_node`` is false for packages only loaded into a browser.
    """

    name: str
    label: str
    package_dir: Path
    cache_env: str
    scripts: tuple[str, ...] = ()
    env_subdir: str | None = None
    installed_file: str = "node_modules"
    needs_node: bool = True
    install_timeout: float = 300.0
    unavailable: type[NpmUnavailable] = NpmUnavailable
    failure: type[Exception] = RuntimeError

    def cache_dir(self) -> Path:
        env = os.environ.get(self.cache_env)
        if env:
            return Path(env) / self.env_subdir if self.env_subdir else Path(env)
        return Path.home() / ".cache" / "plecak" / self.name

    def tool(self, name: str) -> str:
        path = shutil.which(name)
        if path is None:
            raise self.unavailable(f"`{name}` is not on PATH; {self.label} needs Node.js and npm")
        return path

    def ensure_installed(self) -> Path:
        """The cache directory with packages matching ``package.json`` and the current scripts."""
        if self.needs_node:
            self.tool("node")
        target = self.cache_dir()
        package = self.package_dir / "package.json"
        wanted = hashlib.sha256(package.read_bytes()).hexdigest()
        stamp = target / ".package.sha256"
        with _locked(target):
            current = stamp.read_text().strip() if stamp.is_file() else None
            if current != wanted or not (target / self.installed_file).exists():
                _copy_if_changed(package, target / "package.json")
                self._npm_install(target)
                stamp.write_text(wanted + "\n")
            for script in self.scripts:
                _copy_if_changed(self.package_dir / script, target / script)
        return target

    def _npm_install(self, target: Path) -> None:
        command = [self.tool("npm"), "install", "--prefix", str(target), "--no-audit", "--no-fund"]
        command += ["--ignore-scripts", "--loglevel=error"]
        try:
            proc = subprocess.run(
                command, cwd=target, capture_output=True, text=True, timeout=self.install_timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise self.unavailable(
                f"npm install for {self.label} did not finish within {self.install_timeout:.0f}s in {target}"
            ) from None
        if proc.returncode != 0 or not (target / self.installed_file).exists():
            raise self.unavailable(
                f"npm install for {self.label} failed in {target} (exit {proc.returncode}): "
                f"{proc.stderr.strip()[-2000:]}"
            )

    def require(self) -> Path:
        """The installed cache directory, or the end of the test: skip locally, fail in CI."""
        import pytest

        try:
            return self.ensure_installed()
        except NpmUnavailable as exc:
            if in_ci():
                pytest.fail(f"{self.label} is unavailable in CI: {exc}")
            pytest.skip(f"{self.label} is unavailable: {exc}")

    def _answer(self, script: str, returncode: int, out: str, err: str) -> ScriptAnswer:
        lines = [line for line in out.splitlines() if line.strip()]
        if not lines:
            raise self.failure(f"{self.label}: {script} printed nothing (exit {returncode}): {err[-2000:]}")
        try:
            answer = json.loads(lines[-1])
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise self.failure(
                f"{self.label}: {script} did not end with a JSON object (exit {returncode}): "
                f"{out[-2000:]} {err[-2000:]}"
            )
        return ScriptAnswer(answer, returncode, err[-2000:])

    def run_script(self, script: str, payload: Mapping[str, Any], timeout: float) -> ScriptAnswer:
        """Run ``script`` with ``payload`` as JSON on stdin; its last stdout line parsed as JSON."""
        target = self.ensure_installed()
        try:
            proc = subprocess.run(
                [self.tool("node"), str(target / script)],
                cwd=target,
                input=json.dumps(payload),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise self.failure(f"{self.label}: {script} did not answer within {timeout:.0f}s") from None
        return self._answer(script, proc.returncode, proc.stdout, proc.stderr)

    async def start(self, script: str, *args: str, env: Mapping[str, str] | None = None) -> asyncio.subprocess.Process:
        """Start ``script`` (installed, or the test ends as :meth:`require` says) with pipes on all
        three streams; the caller talks to it and stops it."""
        target = self.require()
        return await asyncio.create_subprocess_exec(
            self.tool("node"),
            str(target / script),
            *args,
            cwd=target,
            env={**os.environ, **(env or {})},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )

    async def run_script_async(
        self,
        script: str,
        payload: Mapping[str, Any] | None,
        seconds: float,
        *,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> ScriptAnswer:
        """:meth:`run_script` without blocking the event loop (servers under test keep answering);
        ``payload`` ``None`` sends nothing on stdin."""
        proc = await self.start(script, *args, env=env)
        stdin = json.dumps(payload).encode() if payload is not None else b""
        try:
            out, err = await asyncio.wait_for(proc.communicate(stdin), seconds)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise self.failure(f"{self.label}: {script} did not finish within {seconds:.0f}s") from None
        return self._answer(script, proc.returncode or 0, out.decode(), err.decode())
