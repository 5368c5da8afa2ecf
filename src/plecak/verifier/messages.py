"""Every sentence the employer pages show, in ``locale/<lang>/LC_MESSAGES/verifier.po`` (English and Polish).

The catalogue is read through the shared layer :mod:`plecak.runtime.i18n`. Templates read a language's
sentences as ``t.key`` and Python as ``t["key"]``; ``{name}``-style placeholders are filled with
:meth:`str.format` after escaping by the template. Check sentences are looked up as
``check.<name>.<outcome>`` (or ``check.status.revoked`` / ``check.status.suspended``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from plecak.runtime.i18n import Catalogue, Texts, negotiate

__all__ = ["CATALOGUE", "EN", "LANGUAGES", "PL", "messages", "pick_language"]

CATALOGUE = Catalogue(Path(__file__).with_name("locale"), "verifier")
EN = CATALOGUE.texts("en")
PL = CATALOGUE.texts("pl")

LANGUAGES: Mapping[str, Texts] = {"en": EN, "pl": PL}


def messages(language: str = "en") -> Texts:
    """The sentences of ``language`` (English for an unknown language)."""
    return LANGUAGES.get(language, EN)


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language if we have it, else the best ``Accept-Language`` match, else English."""
    return negotiate(cookie, accept_language)
