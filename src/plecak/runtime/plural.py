"""CLDR plural categories for the languages of our pages (English, Polish).

Polish has three forms for whole numbers: ``one`` (1 dzień), ``few`` (2–4, 22–24, … dni) and
``many`` (0, 5–21, 25–31, … dni); 12–14 are ``many`` although they end in 2–4. English has
``one`` and ``other``. A catalogue holds a plural message as ``key.one``, ``key.few``,
``key.many`` and ``key.other`` (English needs only ``one`` and ``other``).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["FORMS", "plural_category", "plural_text"]

FORMS = ("one", "few", "many", "other")


def plural_category(language: str, n: int) -> str:
    """The CLDR category of the whole number ``n`` in ``language`` (``en`` rules for the others)."""
    n = abs(int(n))
    if language == "pl":
        if n == 1:
            return "one"
        if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
            return "few"
        return "many"
    return "one" if n == 1 else "other"


def plural_text(table: Mapping[str, str], key: str, language: str, n: int) -> str | None:
    """The form of the plural message ``key`` for ``n``, or ``None`` if ``key`` has no plural forms."""
    if f"{key}.other" not in table and f"{key}.many" not in table:
        return None
    category = plural_category(language, n)
    for form in (category, "other", "many"):
        if (text := table.get(f"{key}.{form}")) is not None:
            return text
    return None
