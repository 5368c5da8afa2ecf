"""``plecak issue-batch``: one credential (or OpenID4VCI offer) per CSV row through the issuer's HTTP API,
idempotent per row, a few requests at a time."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import aiohttp

from .common import EXIT_FAILED, EXIT_OK, Failure, UsageError, _default_data_dir, _read_token_file, _say
from .csvfile import CSV_COLUMNS, BatchRow, RowResult, _write_results, offer_email_text, read_batch

__all__ = ["IN_FLIGHT_WAIT", "add_parser"]


class _Progress:
    """A one-line progress bar on a terminal; silent elsewhere (the summary still prints)."""

    def __init__(self, total: int, stream: TextIO, width: int = 30) -> None:
        self.total, self.stream, self.width = total, stream, width
        self.done = self.failed = 0
        self.active = stream.isatty()

    def advance(self, ok: bool) -> None:
        self.done += 1
        self.failed += 0 if ok else 1
        if self.active:
            filled = self.width * self.done // self.total
            bar = "#" * filled + "-" * (self.width - filled)
            issued = self.done - self.failed
            self.stream.write(f"\r[{bar}] {self.done}/{self.total}  issued {issued}  failed {self.failed}")
            self.stream.flush()

    def close(self) -> None:
        if self.active and self.done:
            self.stream.write("\n")
            self.stream.flush()


_RETRY_STATUSES = frozenset({409, 429, 500, 502, 503, 504})
IN_FLIGHT_WAIT = 180.0
"""Seconds a row may wait, in all, on an issuer answering "still being processed" with Retry-After:
a request in flight when an earlier run crashed holds its Idempotency-Key for two minutes."""


def _retry_after(value: str | None) -> float | None:
    """A ``Retry-After`` header in seconds (the HTTP-date form is not used by our issuer)."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        return None
    return float(int(text))


def _problem_text(status: int, reason: str | None, text: str) -> str:
    try:
        problem = json.loads(text)
    except ValueError:
        problem = None
    if isinstance(problem, dict):
        title = str(problem.get("title") or reason or "error")
        detail = problem.get("detail")
        return f"{status} {title}: {detail}" if detail else f"{status} {title}"
    snippet = " ".join(text.split())[:200]
    return f"{status} {reason or 'error'}" + (f": {snippet}" if snippet else "")


@dataclass
class _Batch:
    issuer_url: str
    achievement: str
    token: str
    concurrency: int
    attempts: int = 4
    backoff: float = 0.5
    offers: bool = False
    on_result: Callable[[RowResult], None] = field(default=lambda result: None)
    in_flight_wait: float = IN_FLIGHT_WAIT
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}

    def _endpoint(self, suffix: str = "") -> str:
        return f"{self.issuer_url}/api/achievements/{urllib.parse.quote(self.achievement, safe='')}{suffix}"

    async def preflight(self, session: aiohttp.ClientSession) -> None:
        """Check the issuer is there, takes the token and knows the achievement."""
        url = self._endpoint()
        try:
            async with session.get(url, headers=self._headers()) as response:
                text = await response.text(errors="replace")
                status = response.status
                reason = response.reason
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise Failure(
                f"cannot reach the issuer at {self.issuer_url}: {str(exc) or type(exc).__name__}"
            ) from None
        if status in (401, 403):
            raise UsageError(f"the issuer refused the admin token ({_problem_text(status, reason, text)})")
        if status == 404:
            raise UsageError(f"the issuer at {self.issuer_url} has no achievement {self.achievement!r}")
        if status != 200:
            raise Failure(f"the issuer answered {_problem_text(status, reason, text)} for {url}")

    async def issue(self, session: aiohttp.ClientSession, row: BatchRow) -> RowResult:
        if row.problem:
            return RowResult(row.number, row.name, "error", error=row.problem)
        headers = self._headers()
        if not self.offers:  # an offer is single-use and expires; a new run makes new offers
            headers["Idempotency-Key"] = row.idempotency_key
        body = {**row.body, "txCode": True} if self.offers else row.body
        error = ""
        attempt = 0
        waited = 0.0  # on "still being processed" answers: they do not use up attempts
        while attempt < self.attempts:
            attempt += 1
            retry_after: float | None = None
            try:
                async with session.post(
                    self._endpoint("/offers" if self.offers else "/credentials"), json=body, headers=headers
                ) as resp:
                    text = await resp.text(errors="replace")
                    status, reason = resp.status, resp.reason
                    retry_after = _retry_after(resp.headers.get("Retry-After"))
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                error = f"no answer from the issuer: {str(exc) or type(exc).__name__}"
            else:
                if status in (200, 201):
                    return self._offered(row, text) if self.offers else self._issued(row, text)
                error = _problem_text(status, reason, text)
                if status == 409 and retry_after is not None:
                    # the row's key is held by a request in flight (or left behind by a crash):
                    # wait as told, within the row's budget, and ask again
                    if waited < self.in_flight_wait:
                        delay = min(max(retry_after, 0.1), self.in_flight_wait - waited)
                        waited += delay
                        attempt -= 1
                        await self.sleep(delay)
                        continue
                    error += f" (waited {waited:.0f} s; run the same file again later)"
                    break
                if status not in _RETRY_STATUSES:
                    break
            if attempt < self.attempts:
                await self.sleep(self.backoff * 2 ** (attempt - 1))
        return RowResult(row.number, row.name, "error", error=error)

    def _issued(self, row: BatchRow, text: str) -> RowResult:
        try:
            credential = json.loads(text)["verifiableCredential"]
            credential_id = credential["id"]
        except (ValueError, KeyError, TypeError):
            return RowResult(
                row.number, row.name, "error", error="the issuer's answer holds no credential id"
            )
        return RowResult(row.number, row.name, "issued", credential_id=str(credential_id))

    def _offered(self, row: BatchRow, text: str) -> RowResult:
        try:
            offer = json.loads(text)
            link = str(offer.get("walletLink") or offer["offerLink"])
            expires = str(offer["expiresAt"])
            tx_code = str(offer.get("txCode") or "")
            title = str(offer.get("achievementName") or "your micro-credential")
        except (ValueError, KeyError, TypeError, AttributeError):
            return RowResult(row.number, row.name, "error", error="the issuer's answer holds no offer link")
        email = str((row.body.get("learner") or {}).get("email") or "")
        return RowResult(
            row.number,
            row.name,
            "offered",
            offer={
                "email": email,
                "link": link,
                "tx_code": tx_code,
                "expires_at": expires,
                "email_text": offer_email_text(row.name, title, link, expires, with_code=bool(tx_code)),
            },
        )

    async def run(self, rows: Sequence[BatchRow]) -> list[RowResult]:
        timeout = aiohttp.ClientTimeout(total=120, sock_connect=10)
        connector = aiohttp.TCPConnector(limit=self.concurrency)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            await self.preflight(session)
            gate = asyncio.Semaphore(self.concurrency)

            async def one(row: BatchRow) -> RowResult:
                async with gate:
                    result = await self.issue(session, row)
                self.on_result(result)
                return result

            return list(await asyncio.gather(*(one(row) for row in rows)))



def _batch_token(args: argparse.Namespace) -> str:
    token = (args.token or os.environ.get("PLECAK_ADMIN_TOKEN") or "").strip()
    if token:
        return token
    path = Path(args.data_dir).expanduser() / "admin-token"
    token = _read_token_file(path) or ""
    if not token:
        raise UsageError(f"no admin token: pass --token, set PLECAK_ADMIN_TOKEN or create {path}")
    return token


def _achievement_id(value: str) -> str:
    """A bare achievement uuid; its public URL (``…/achievements/{uuid}``) is accepted too."""
    text = value.strip().rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    if not text:
        raise UsageError("--achievement is empty")
    return text


def _cmd_issue_batch(args: argparse.Namespace) -> int:
    if not 1 <= args.concurrency <= 64:
        raise UsageError("--concurrency must be between 1 and 64")
    achievement = _achievement_id(args.achievement)
    source = Path(args.file)
    output = Path(args.output) if args.output else source.with_name(f"{source.stem}.results.csv")
    if output.resolve() == source.resolve():
        raise UsageError("--output must not be the input file")
    rows, ignored = read_batch(source, achievement)
    if ignored:
        _say(f"ignoring column(s) {', '.join(ignored)}; known columns are {', '.join(CSV_COLUMNS)}")
    token = _batch_token(args)
    issuer = (args.issuer_url or os.environ.get("PLECAK_ISSUER_URL") or "http://127.0.0.1:8001").rstrip("/")
    if not issuer.startswith(("http://", "https://")):
        raise UsageError(f"--issuer-url must be an http(s) URL, not {issuer!r}")

    progress = _Progress(len(rows), sys.stderr)
    done = "offered" if args.offers else "issued"
    if not 0 <= args.wait_in_flight <= 3600:
        raise UsageError("--wait-in-flight must be between 0 and 3600 seconds")
    batch = _Batch(
        issuer_url=issuer,
        achievement=achievement,
        token=token,
        concurrency=args.concurrency,
        offers=args.offers,
        in_flight_wait=args.wait_in_flight,
        on_result=lambda result: progress.advance(result.status == done),
    )
    try:
        results = asyncio.run(batch.run(rows))
    finally:
        progress.close()
    _write_results(output, results, offers=args.offers)
    failed = sum(1 for r in results if r.status != done)
    noun = "offer(s)" if args.offers else "credential(s)"
    summary = f"{done} {len(results) - failed} of {len(results)} {noun}"
    if failed:
        summary += f"; {failed} failed"
    print(f"{summary}; results in {output}", file=sys.stderr, flush=True)
    if args.offers and any(r.offer.get("link", "").startswith("openid-credential-offer:") for r in results):
        _say(
            "the issuer knows no wallet address (set PLECAK_WALLET_URL on the issuer; `plecak up` does), "
            "so the links are openid-credential-offer://, which only a wallet app opens: a phone's camera "
            "and most mail apps will not"
        )
    return EXIT_FAILED if failed else EXIT_OK


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``issue-batch`` command's arguments."""
    batch = commands.add_parser(
        "issue-batch",
        help="issue one credential per row of a CSV file",
        description=(
            "Issue one credential of an achievement per CSV row (columns: name, and optionally email, did, "
            "grade; a header row is required; cells separated by commas, semicolons or tabs, taken from the "
            "header row; grades are kept as written, e.g. 4,5). "
            "Running the same file again issues nothing twice. "
            "Exit code 0: all issued; 1: some rows failed; 2: bad arguments or file."
        ),
    )
    batch.add_argument("file", metavar="FILE.csv", help="the learners, one per row")
    batch.add_argument(
        "--achievement", required=True, metavar="ID", help="the achievement's uuid (or its URL)"
    )
    batch.add_argument(
        "--issuer-url", default=None, help="default: $PLECAK_ISSUER_URL or http://127.0.0.1:8001"
    )
    batch.add_argument(
        "--token", default=None, help="admin token; default: $PLECAK_ADMIN_TOKEN or DATA/admin-token"
    )
    batch.add_argument(
        "--data-dir", default=_default_data_dir(), help="where to find admin-token (default: %(default)s)"
    )
    batch.add_argument("--output", default=None, metavar="OUT.csv", help="default: FILE.results.csv")
    batch.add_argument("--concurrency", type=int, default=8, help="requests at a time (default: %(default)s)")
    batch.add_argument(
        "--wait-in-flight",
        type=float,
        default=IN_FLIGHT_WAIT,
        metavar="SECONDS",
        help=(
            "how long a row may wait, in all, while the issuer says it is still being processed "
            "(after a crash the row in flight is held for up to two minutes) (default: %(default)s)"
        ),
    )
    batch.add_argument(
        "--offers",
        action="store_true",
        help=(
            "make an OpenID4VCI offer per row instead of issuing: the output lists each learner's "
            "wallet link, the code to send separately, its expiry and a ready-to-send e-mail text "
            "(a new run makes new offers)"
        ),
    )
    batch.set_defaults(handler=_cmd_issue_batch)
