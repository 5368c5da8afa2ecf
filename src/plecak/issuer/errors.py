"""How the issuer's domain errors become RFC 9457 problem details."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from plecak.core.errors import DataModelError, DocumentLoaderError, JsonLdError, UndefinedTermError, VCError
from plecak.runtime.oauth import OpenIdError, openid_error_response
from plecak.runtime.web import problem_response

from .achievements import MANDATORY_ELEMENTS, AchievementProblems
from .service import Conflict, NotFound
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
    except DataModelError as exc:
        return problem_response(
            422,
            "Invalid credential",
            str(exc),
            type_="https://w3id.org/plecak/problems#data-model",
            problems=exc.problems,
        )
    except UndefinedTermError as exc:
        return problem_response(
            422,
            "Undefined JSON-LD term",
            str(exc),
            type_="https://w3id.org/plecak/problems#undefined-term",
            term=exc.term,
        )
    except DocumentLoaderError as exc:
        return problem_response(
            422,
            "Unsupported context",
            str(exc),
            type_="https://w3id.org/plecak/problems#unsupported-context",
            url=exc.url,
        )
    except (JsonLdError, VCError) as exc:
        return problem_response(422, "Invalid JSON-LD", str(exc))
