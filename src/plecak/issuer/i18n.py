"""The registrar screens and the public pages (home, a pathway) in English and Polish, through Jinja's
i18n extension and :mod:`plecak.runtime.i18n`.

Templates mark sentences with ``{{ _("…") }}`` and ``{% trans %}``; the English text is the msgid and
``locale/pl/LC_MESSAGES/issuer.po`` holds the Polish. The scripts' sentences (``t("…")`` in
``static/*.js``) are in ``issuer-scripts.po``; a page hands them to its script as JSON in the body's
``data-texts`` attribute (no inline script under the strict CSP). Two Jinja environments share the
templates: English (the default one) and Polish (gettext installed from the Polish catalogue).
The language is the switch's cookie, else ``Accept-Language``, else English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from plecak.runtime.i18n import LANGUAGES, Catalogue, negotiate

__all__ = [
    "LANG_COOKIE",
    "PAGES",
    "SCRIPTS",
    "is_language",
    "language_of",
    "render_page",
    "setup_i18n",
    "wants_html",
]

LANG_COOKIE = "plecak_issuer_lang"
PAGES = Catalogue(Path(__file__).with_name("locale"), "issuer")
SCRIPTS = Catalogue(Path(__file__).with_name("locale"), "issuer-scripts")
_POLISH_PAGES = web.AppKey("issuer.jinja_pl", jinja2.Environment)


def setup_i18n(app: web.Application) -> None:
    """Add the i18n extension to the app's Jinja environment (English) and a Polish twin of it."""
    english = aiohttp_jinja2.get_env(app)
    english.add_extension("jinja2.ext.i18n")
    english.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    polish = jinja2.Environment(
        loader=english.loader,
        autoescape=jinja2.select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=english.bytecode_cache,
    )
    polish.globals.update({k: v for k, v in english.globals.items() if k not in ("gettext", "ngettext", "_")})
    polish.filters.update(english.filters)
    polish.install_gettext_translations(PAGES.translations("pl"), newstyle=True)  # type: ignore[attr-defined]
    app[_POLISH_PAGES] = polish


def language_of(request: web.Request) -> str:
    return negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language"))


def render_page(request: web.Request, template: str, context: dict[str, Any]) -> web.Response:
    """``template`` in the reader's language, with the scripts' sentences and the switch's return path."""
    language = language_of(request)
    context = {
        "lang": language,
        "path": request.path_qs,
        "script_texts": SCRIPTS.as_dict(language) if language != "en" else {},
        **context,
    }
    key = _POLISH_PAGES if language == "pl" else aiohttp_jinja2.APP_KEY
    response = aiohttp_jinja2.render_template(template, request, context, app_key=key)
    response.headers["Content-Language"] = language
    response.headers.add("Vary", "Accept-Language, Cookie")
    return response


def wants_html(request: web.Request) -> bool:
    """Whether a browser asks (it names ``text/html`` and not JSON): machines and ``*/*`` get JSON."""
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "application/json" not in accept


def is_language(language: str) -> bool:
    return language in LANGUAGES
