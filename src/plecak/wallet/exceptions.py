"""Errors the wallet's domain code raises for people: each names a message of :mod:`wallet.i18n`.

No aiohttp here; :mod:`wallet.errors` turns them into pages or problem details.
"""

from __future__ import annotations

from typing import Any

from plecak.runtime.workers import BUSY_RETRY_SECONDS

__all__ = ["Busy", "Gone", "NotFound", "RateLimited", "Refused", "TooLarge", "Unauthorized", "UserError"]


class UserError(Exception):
    """Something the learner can understand and fix: a message key and its parameters.

    ``detail`` is text from elsewhere (an issuer's or verifier's error description, a
    verification check) shown under the message, always escaped.
    """

    status = 400
    retry_after: int | None = None
    """Seconds for a ``Retry-After`` header, when trying again later may help."""

    def __init__(self, key: str, *, detail: str | None = None, **params: Any) -> None:
        super().__init__(key if detail is None else f"{key}: {detail}")
        self.key = key
        self.detail = detail
        self.params = params


class Unauthorized(UserError):
    """Not signed in (for machine-facing paths, which cannot redirect to the sign-in page)."""

    status = 401


class NotFound(UserError):
    status = 404


class Gone(UserError):
    status = 410


class RateLimited(UserError):
    status = 429


class Busy(UserError):
    """The threads for this kind of work are all taken (and their queue is full): try again soon."""

    status = 503
    retry_after = BUSY_RETRY_SECONDS


class TooLarge(UserError):
    status = 413


class Refused(UserError):
    """A credential was not stored because it does not verify; ``checks`` say why."""

    status = 422

    def __init__(self, key: str, checks: list[dict[str, Any]], *, detail: str | None = None, **params: Any):
        super().__init__(key, detail=detail, **params)
        self.checks = checks
