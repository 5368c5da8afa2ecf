"""The building blocks of the ELM export (:mod:`.export`): concepts, dates, IRIs, and the writer
of one export's nodes (:class:`ExportNodes`: identifiers, language-tagged text, notes, organisations)."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plecak.core.model.micro_credential import Achievement, MicroCredential, Organisation

from .vocabulary import (
    COUNTRIES,
    COUNTRY_AUTHORITY,
    COUNTRY_SCHEME,
    LANGUAGE_AUTHORITY,
    LANGUAGE_SCHEME,
    LANGUAGES,
    NOTE_SUBJECTS,
    PMC_SCHEME,
)

__all__ = ["MEDIA_TYPES", "DisplayImage", "ExportNodes", "concept", "date_time", "is_iri"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
MEDIA_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass(frozen=True)
class DisplayImage:
    """A picture of the credential for the EDC display (``displayDetail.image``): PNG or JPEG bytes."""

    content: bytes
    media_type: str

    def __post_init__(self) -> None:
        if self.media_type not in MEDIA_TYPES:
            raise ValueError(f"a display image must be image/png or image/jpeg, not {self.media_type!r}")


def date_time(value: str | None) -> str | None:
    """An ``xsd:dateTime`` for a date or date-time, or ``None`` for anything else."""
    text = (value or "").strip()
    if _DATE.fullmatch(text):
        return f"{text}T00:00:00Z"
    return text if _DATE_TIME.fullmatch(text) else None


def is_iri(value: str | None) -> bool:
    scheme, sep, rest = (value or "").partition(":")
    return bool(sep and rest and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme))


def concept(iri: str, scheme: str | None, label: str | None) -> dict[str, Any]:
    node: dict[str, Any] = {"id": iri, "type": "Concept"}
    if scheme:
        node["inScheme"] = {"id": scheme, "type": "ConceptScheme"}
    if label:
        node["prefLabel"] = {"en": label}
    return node


class ExportNodes:
    """Writes the nodes of one export; identifiers are ``urn:uuid`` names under the original's id."""

    def __init__(self, credential: MicroCredential, achievement: Achievement) -> None:
        self.cred = credential
        self.ach = achievement
        seed = (
            credential.id
            or hashlib.sha256(json.dumps(credential.to_open_badges(), sort_keys=True, default=str).encode()).hexdigest()
        )
        self._namespace = uuid.uuid5(uuid.NAMESPACE_URL, seed)
        language = achievement.extra.get("inLanguage")
        code = language.strip().lower()[:2] if isinstance(language, str) else "en"
        self.lang = code if code in LANGUAGES else "en"

    def nid(self, name: str) -> str:
        return f"urn:uuid:{uuid.uuid5(self._namespace, name)}"

    def text(self, value: str) -> dict[str, str]:
        return {self.lang: value}

    def language(self) -> dict[str, Any]:
        code, name = LANGUAGES[self.lang]
        return concept(f"{LANGUAGE_AUTHORITY}{code}", LANGUAGE_SCHEME, name)

    def note(self, key: str, value: str, *, on: str, literal: dict[str, str] | None = None) -> dict[str, Any]:
        iri, label = NOTE_SUBJECTS[key]
        return {
            "id": self.nid(f"note/{on}/{key}"),
            "type": "Note",
            "noteLiteral": literal or self.text(value),
            "subject": concept(iri, PMC_SCHEME, label),
        }

    def organisation(self, body: Organisation | None, key: str) -> dict[str, Any]:
        issuer = self.cred.issuer
        if body is None or (issuer is not None and body.id is not None and body.id == issuer.id):
            body = None
        name = body.name if body else issuer.name if issuer else None
        url = body.url if body else issuer.url if issuer else None
        ident = (body.id if body else issuer.id if issuer else None) or self.nid(f"organisation/{key}")
        node: dict[str, Any] = {"id": ident, "type": "Organisation"}
        if name:
            node["legalName"] = self.text(name)
        if is_iri(url):
            node["homepage"] = {"id": self.nid(f"homepage/{key}"), "type": "WebResource", "contentURL": url}
        address = body.extra.get("address") if body else None
        code = address.get("addressCountryCode") if isinstance(address, Mapping) else None
        if body is None and issuer is not None and issuer.address is not None:
            code = issuer.address.country_code
        country = COUNTRIES.get(code.strip().upper()) if isinstance(code, str) else None
        if country is not None:
            address_node: dict[str, Any] = {"id": self.nid(f"address/{key}"), "type": "Address"}
            address_node["countryCode"] = concept(f"{COUNTRY_AUTHORITY}{country[0]}", COUNTRY_SCHEME, country[1])
            node["location"] = {"id": self.nid(f"location/{key}"), "type": "Location", "address": address_node}
        return node

    def awarding_bodies(self) -> list[dict[str, Any]]:
        bodies = self.ach.awarding_bodies or (None,)
        return [self.organisation(body, f"awarding/{i}") for i, body in enumerate(bodies)]
