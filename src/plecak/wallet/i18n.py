"""A small dict-based translation layer: English and Polish.

``translator("pl")("error.password_short", min=10)`` looks the key up in the chosen language,
then in English, and fills ``{placeholders}``. A message with plural forms (``key.one``,
``key.few``, ``key.many``, ``key.other``: :mod:`plecak.runtime.plural`) takes the form for its count: the
``n`` or ``count`` parameter, else the first whole-number parameter. Templates call it as
``t("key", name=value)``;
Jinja escapes the result like any other text. ``pick_language`` chooses from a cookie or
``Accept-Language``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plecak.core.pathways import Phrase
from plecak.runtime.countries import country_name
from plecak.runtime.plural import plural_text

from .messages_en import EN
from .messages_pl import PL

__all__ = ["LANGUAGES", "MESSAGES", "Translate", "pick_language", "say", "translator"]

LANGUAGES = ("en", "pl")
MESSAGES: dict[str, dict[str, str]] = {"en": EN, "pl": PL}

Translate = Callable[..., str]


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _count(params: dict[str, Any]) -> int | None:
    """The number a plural message agrees with: ``n``, ``count``, else the first whole number."""
    for name in ("n", "count"):
        if isinstance(params.get(name), int) and not isinstance(params[name], bool):
            return int(params[name])
    for value in params.values():
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def translator(lang: str) -> Translate:
    table = MESSAGES.get(lang, EN)

    def t(key: str, **params: Any) -> str:
        count = _count(params)
        text = None
        if count is not None:
            text = plural_text(table, key, lang, count)
            if text is None and key not in table:
                text = plural_text(EN, key, "en", count)
        text = text or table.get(key) or EN.get(key) or key
        return text.format_map(_Keep(params)) if params else text

    return t


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language if it is one we have, else the best match of ``Accept-Language``."""
    if cookie in LANGUAGES:
        return str(cookie)
    best, best_q = "en", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if lang in LANGUAGES and q > 0 and q > best_q:  # q=0 means "not acceptable"
            best, best_q = lang, q
    return best


def say(t: Translate, lang: str, value: Any) -> str:
    """A programme evaluation's phrase (:class:`plecak.core.pathways.Phrase`) in the reader's language:
    its ``phrase.<code>`` message when the catalogue has one, else the English text as it is."""
    if not isinstance(value, Phrase):
        return str(value)
    if value.code == "joined":
        return "; ".join(say(t, lang, part) for part in value.params.get("parts", []))
    key = f"phrase.{value.code}"
    if key not in EN and f"{key}.other" not in EN:
        return str(value)
    params = dict(value.params)
    if value.code == "countries_of":
        names = [country_name(code, lang) or code for code in params.pop("codes", [])]
        params["listed"] = f" ({', '.join(names)})" if names else ""
    return t(key, **params)
