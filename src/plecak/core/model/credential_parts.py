"""The smaller parts of a micro-credential: credit points, organisations, the issuer and its
address, grading schemes, the learner's identities and results (Open Badges 3.0 classes)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .members import OpenBadgesObject, OpenBadgesProfile, member, part
from .reading import JsonReader, finite, json_object, kind_of
from .vocabulary import number_text

__all__ = ["Address", "CreditPoint", "GradingScheme", "IdentityObject", "Issuer", "Organisation", "Result"]


@dataclass(frozen=True)
class CreditPoint:
    """ELM ``CreditPoint``: ``point`` credits of ``framework`` (ECTS: :data:`ECTS_FRAMEWORK`)."""

    framework: str | None
    point: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def value(self) -> float:
        return float(self.point)

    @classmethod
    def from_open_badges(cls, document: Any, where: str = "creditPoint", *, lenient: bool = False) -> CreditPoint:
        r = JsonReader(document, where, lenient)
        framework = r.text("framework")
        point = r.raw("point")
        if isinstance(point, int | float) and not isinstance(point, bool) and finite(point):
            point = number_text(point)
        if not isinstance(point, str):
            raise TypeError(f"{r.name('point')} must be a decimal number as a string, not {kind_of(point)}")
        try:
            number = float(point)
        except ValueError:
            raise ValueError(f"{r.name('point')} must be a decimal number, not {point!r}") from None
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"{r.name('point')} must be a number of credits, not {point!r}")
        r.taken.add("type")
        return cls(framework, point, r.extra())

    def to_open_badges(self) -> dict[str, Any]:
        return json_object(
            (("type", "CreditPoint"), ("framework", self.framework), ("point", self.point)),
            self.extra,
            ("type", "framework", "point"),
        )


@dataclass(frozen=True)
class Organisation(OpenBadgesProfile):
    """An awarding body (an OB ``Profile``): given as an IRI only, or as an object."""

    where = "awardingBody"


@dataclass(frozen=True)
class Address(OpenBadgesObject):
    country: str | None = member("addressCountry")
    country_code: str | None = member("addressCountryCode")
    """ISO 3166-1 alpha-2, as the issuer wrote it."""
    region: str | None = member("addressRegion")
    locality: str | None = member("addressLocality")


@dataclass(frozen=True)
class Issuer(Organisation):
    """The issuer (an OB ``Profile``), by IRI only or as an object with its address."""

    where = "issuer"

    address: Address | None = part("address", Address)

    @property
    def country(self) -> str | None:
        """The country as the credential states it: its code when given, else its name."""
        if self.address is None:
            return None
        return self.address.country_code or self.address.country


@dataclass(frozen=True)
class GradingScheme(OpenBadgesObject):
    """An OB ``ResultDescription``: how the grade is given."""

    id: str | None = member("id")
    name: str | None = member("name")
    result_type: str | None = member("resultType")
    allowed_values: tuple[str, ...] = member("allowedValue", "texts")
    required_value: str | None = member("requiredValue")


@dataclass(frozen=True)
class IdentityObject(OpenBadgesObject):
    """An OB ``IdentityObject`` naming the learner (``identityType`` ``name``, ``emailAddress``…)."""

    identity_type: str | None = member("identityType")
    hashed: bool | None = member("hashed", "flag")
    identity_hash: str | None = member("identityHash")
    salt: str | None = member("salt")


@dataclass(frozen=True)
class Result(OpenBadgesObject):
    """An OB ``Result``: the grade, pointing at its :class:`GradingScheme` by id."""

    order = ("type", "resultDescription", "value", "achievedLevel")

    value: str | None = member("value")
    result_description: str | None = member("resultDescription")
    achieved_level: str | None = member("achievedLevel")
