"""The small parts of a credential as :mod:`.shown` reads it for people: the issuer's place, an
organisation, a grade, an alignment, an evidence entry. Values are text (:func:`.reading.text_of`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .reading import mapping, text_of
from .vocabulary import EQF_ALIGNMENT_TYPE, ESCO_ALIGNMENT_TYPE

__all__ = ["Alignment", "Body", "Evidence", "Grade", "Place"]


@dataclass(frozen=True)
class Place:
    """The issuer's address, as written (``country`` a name, ``country_code`` ISO 3166-1 as given)."""

    country: str | None = None
    country_code: str | None = None
    region: str | None = None
    locality: str | None = None

    @classmethod
    def read(cls, value: Any) -> Place:
        address = mapping(value)
        return cls(
            text_of(address.get("addressCountry")),
            text_of(address.get("addressCountryCode")),
            text_of(address.get("addressRegion")),
            text_of(address.get("addressLocality")),
        )


@dataclass(frozen=True)
class Body:
    """An organisation a credential names (issuer, awarding body): by IRI only, or an object."""

    id: str | None = None
    name: str | None = None
    url: str | None = None

    @property
    def label(self) -> str | None:
        return self.name or self.id

    @classmethod
    def read(cls, value: Any) -> Body:
        if not isinstance(value, Mapping):
            return cls(id=text_of(value))
        return cls(text_of(value.get("id")), text_of(value.get("name")), text_of(value.get("url")))


@dataclass(frozen=True)
class Grade:
    """One ``result``: its value or achieved level, and the name of the grading scheme it points at."""

    value: str | None = None
    achieved_level: str | None = None
    scheme: str | None = None

    @property
    def text(self) -> str | None:
        return self.value or self.achieved_level


@dataclass(frozen=True)
class Alignment:
    """An OB ``Alignment`` (a skill, a framework level)."""

    name: str | None = None
    type: str | None = None
    code: str | None = None
    framework: str | None = None

    @property
    def is_eqf(self) -> bool:
        return self.type == EQF_ALIGNMENT_TYPE

    @property
    def is_esco(self) -> bool:
        return self.type == ESCO_ALIGNMENT_TYPE or self.framework == "ESCO"

    @classmethod
    def read(cls, value: Any) -> Alignment:
        a = mapping(value)
        return cls(
            text_of(a.get("targetName")),
            a.get("targetType") if isinstance(a.get("targetType"), str) else None,
            text_of(a.get("targetCode")),
            a.get("targetFramework") if isinstance(a.get("targetFramework"), str) else None,
        )


@dataclass(frozen=True)
class Evidence:
    """An ``evidence`` entry; a stacked certificate cites each part it was built from by the part's
    credential id and ``digestMultibase``."""

    id: str | None = None
    name: str | None = None
    digest: str | None = None
    """``digestMultibase`` when it is a string."""
    cites: bool = False
    """It has a ``digestMultibase`` member (of any value)."""

    @classmethod
    def read(cls, value: Any) -> Evidence:
        e = mapping(value)
        digest = e.get("digestMultibase")
        return cls(
            text_of(e.get("id")),
            text_of(e.get("name")),
            digest if isinstance(digest, str) else None,
            "digestMultibase" in e,
        )
