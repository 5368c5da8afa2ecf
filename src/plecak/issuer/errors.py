"""How the issuer's domain errors become RFC 9457 problem details."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from plecak.core.errors import DataModelError, DocumentLoaderError, UndefinedTermError, VCError
from plecak.runtime.oauth import OpenIdError, openid_error_response
from plecak.runtime.web import problem_response

from .achievements import MANDATORY_ELEMENTS, AchievementProblems
from .service import Conflict, NotFound
from .shared_links import LinkGone
from .store import IdempotencyConflict

__all__ = ["domain_errors_middleware", "field_messages"]


def field_messages(exc: AchievementProblems) -> dict[str, str]:
    """One readable message per named field, for forms that show it next to the field."""
    fields: dict[str, str] = {}
    for name in exc.missing:
        label = MANDATORY_ELEMENTS.get(name.rpartition(".")[2])
        fields[name] = f"missing: {label} is a mandatory EU micro-credential element" if label else "missing"
    fields.update(exc.invalid)
    return fields


@web.middleware
async def domain_errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except OpenIdError as exc:  # OAuth 2.0 / OpenID4VCI error shape, not problem details
        return openid_error_response(exc)
    except AchievementProblems as exc:
        title = "Missing EU micro-credential elements" if exc.missing else "Invalid achievement data"
        return problem_response(
            422,
            title,
            str(exc),
            type_="https://w3id.org/plecak/problems#invalid-achievement",
            missing=exc.missing,
            invalid=exc.invalid,
            fields=field_messages(exc),
        )
    except NotFound as exc:
        return problem_response(404, "Not found", str(exc))
    except LinkGone as exc:
        title = "Link withdrawn" if exc.reason == "revoked" else "Link expired"
        return problem_response(410, title, str(exc), state=exc.reason)
    except Conflict as exc:
        return problem_response(409, "Conflict", str(exc))
    except IdempotencyConflict as exc:
        if exc.retry_after is not None:  # in flight (or left by a crash): try again later
            return problem_response(
                409,
                "Idempotency-Key conflict",
                exc.reason,
                headers={"Retry-After": str(exc.retry_after)},
                retryAfter=exc.retry_after,
            )
        return problem_response(422, "Idempotency-Key conflict", exc.reason)
    except VCError as exc:
        return _credential_problem(exc)


def _credential_problem(exc: VCError) -> web.Response:
    """A 422 for a credential or JSON-LD error: three kinds have a problem type and a member of their own."""
    extra: dict[str, Any]
    if isinstance(exc, DataModelError):
        title, kind, extra = "Invalid credential", "data-model", {"problems": exc.problems}
    elif isinstance(exc, UndefinedTermError):
        title, kind, extra = "Undefined JSON-LD term", "undefined-term", {"term": exc.term}
    elif isinstance(exc, DocumentLoaderError):
        title, kind, extra = "Unsupported context", "unsupported-context", {"url": exc.url}
    else:
        return problem_response(422, "Invalid JSON-LD", str(exc))
    return problem_response(422, title, str(exc), type_=f"https://w3id.org/plecak/problems#{kind}", **extra)
