"""The smaller parts of a micro-credential: credit points, organisations, the issuer and its
address, grading schemes, the learner's identities and results (Open Badges 3.0 classes)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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
class Organisation:
    """An awarding body (an OB ``Profile``): given as an IRI only, or as an object."""

    id: str | None = None
    name: str | None = None
    url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    reference: bool = False
    """Given as a bare IRI (``id`` only) rather than as an object."""

    @classmethod
    def from_open_badges(cls, document: Any, where: str, *, lenient: bool = False) -> Organisation:
        if isinstance(document, str):
            return cls(id=document, reference=True)
        r = JsonReader(document, where, lenient)
        return cls(r.text("id"), r.text("name"), r.text("url"), r.extra())

    def to_open_badges(self) -> str | dict[str, Any]:
        if self.reference and self.id is not None:
            return self.id
        return json_object(
            (("id", self.id), ("name", self.name), ("url", self.url)), self.extra, ("id", "type", "name", "url")
        )


@dataclass(frozen=True)
class Address:
    country: str | None = None
    country_code: str | None = None
    """ISO 3166-1 alpha-2, as the issuer wrote it."""
    region: str | None = None
    locality: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_open_badges(cls, document: Any, where: str, *, lenient: bool = False) -> Address:
        r = JsonReader(document, where, lenient)
        return cls(
            r.text("addressCountry"), r.text("addressCountryCode"), r.text("addressRegion"),
            r.text("addressLocality"), r.extra(),
        )  # fmt: skip

    def to_open_badges(self) -> dict[str, Any]:
        return json_object(
            (
                ("addressCountry", self.country),
                ("addressCountryCode", self.country_code),
                ("addressRegion", self.region),
                ("addressLocality", self.locality),
            ),
            self.extra,
            ("type", "addressCountry", "addressCountryCode", "addressRegion", "addressLocality"),
        )


@dataclass(frozen=True)
class Issuer:
    """The issuer (an OB ``Profile``), by IRI only or as an object with its address."""

    id: str | None = None
    name: str | None = None
    url: str | None = None
    address: Address | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    reference: bool = False

    @property
    def country(self) -> str | None:
        """The country as the credential states it: its code when given, else its name."""
        if self.address is None:
            return None
        return self.address.country_code or self.address.country

    @classmethod
    def from_open_badges(cls, document: Any, where: str = "issuer", *, lenient: bool = False) -> Issuer:
        if isinstance(document, str):
            return cls(id=document, reference=True)
        r = JsonReader(document, where, lenient)
        return cls(
            r.text("id"),
            r.text("name"),
            r.text("url"),
            r.one("address", Address.from_open_badges),
            r.extra(),
        )

    def to_open_badges(self) -> str | dict[str, Any]:
        if self.reference and self.id is not None:
            return self.id
        address = self.address.to_open_badges() if self.address else None
        return json_object(
            (("id", self.id), ("name", self.name), ("url", self.url), ("address", address)),
            self.extra,
            ("id", "type", "name", "url", "address"),
        )


@dataclass(frozen=True)
class GradingScheme:
    """An OB ``ResultDescription``: how the grade is given."""

    id: str | None = None
    name: str | None = None
    result_type: str | None = None
    allowed_values: tuple[str, ...] = ()
    required_value: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_open_badges(cls, document: Any, where: str, *, lenient: bool = False) -> GradingScheme:
        r = JsonReader(document, where, lenient)
        return cls(
            r.text("id"), r.text("name"), r.text("resultType"), r.texts("allowedValue"),
            r.text("requiredValue"), r.extra(),
        )  # fmt: skip

    def to_open_badges(self) -> dict[str, Any]:
        return json_object(
            (
                ("id", self.id),
                ("name", self.name),
                ("resultType", self.result_type),
                ("allowedValue", self.allowed_values),
                ("requiredValue", self.required_value),
            ),
            self.extra,
            ("id", "type", "name", "resultType", "allowedValue", "requiredValue"),
        )


@dataclass(frozen=True)
class IdentityObject:
    """An OB ``IdentityObject`` naming the learner (``identityType`` ``name``, ``emailAddress``…)."""

    identity_type: str | None = None
    hashed: bool | None = None
    identity_hash: str | None = None
    salt: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_open_badges(cls, document: Any, where: str, *, lenient: bool = False) -> IdentityObject:
        r = JsonReader(document, where, lenient)
        return cls(r.text("identityType"), r.flag("hashed"), r.text("identityHash"), r.text("salt"), r.extra())

    def to_open_badges(self) -> dict[str, Any]:
        return json_object(
            (
                ("identityType", self.identity_type),
                ("hashed", self.hashed),
                ("identityHash", self.identity_hash),
                ("salt", self.salt),
            ),
            self.extra,
            ("type", "identityType", "hashed", "identityHash", "salt"),
        )


@dataclass(frozen=True)
class Result:
    """An OB ``Result``: the grade, pointing at its :class:`GradingScheme` by id."""

    value: str | None = None
    result_description: str | None = None
    achieved_level: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_open_badges(cls, document: Any, where: str, *, lenient: bool = False) -> Result:
        r = JsonReader(document, where, lenient)
        return cls(r.text("value"), r.text("resultDescription"), r.text("achievedLevel"), r.extra())

    def to_open_badges(self) -> dict[str, Any]:
        return json_object(
            (
                ("resultDescription", self.result_description),
                ("value", self.value),
                ("achievedLevel", self.achieved_level),
            ),
            self.extra,
            ("type", "resultDescription", "value", "achievedLevel"),
        )
