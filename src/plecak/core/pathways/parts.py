"""The facts a rule needs from one credential (:class:`Part`), and the digest that names a credential."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plecak.core.encoding import b64url_encode
from plecak.core.errors import ProofError
from plecak.core.integrity.ecdsa_sd import base_signature_of
from plecak.core.model.datamodel import issuer_id
from plecak.core.model.micro_credential import Achievement
from plecak.core.timeutil import format_datetime, parse_datetime

__all__ = ["SD_DIGEST_PREFIX", "Part", "credential_digest", "part_from_credential"]


# -- facts from credentials ---------------------------------------------------------------
SD_DIGEST_PREFIX = b"ecdsa-sd-2023 base signature\x00"


def credential_digest(credential: Mapping[str, Any]) -> str:
    """``digestMultibase`` of a credential: base64url multibase of a sha2-256 multihash.

    Of its canonical JSON (sorted keys, no insignificant white space, UTF-8); for a selectively
    disclosable (``ecdsa-sd-2023``) credential, of the issuer's base signature instead, which every
    disclosure of that issued credential carries: a part cited once matches whatever fields the
    holder later shows (the disclosure's own proof still has to verify).
    """
    try:
        material = SD_DIGEST_PREFIX + base_signature_of(credential)
    except ProofError:
        material = json.dumps(credential, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    digest = hashlib.sha256(material).digest()
    return "u" + b64url_encode(b"\x12\x20" + digest)


@dataclass(frozen=True)
class Part:
    """What a rule needs to know about one held credential."""

    credential_id: str
    achievement: str | None
    issuer: str | None
    name: str
    ects: float | None = None
    country: str | None = None
    issuer_name: str | None = None
    awarded: str | None = None
    subject: str | None = None
    digest: str | None = None
    #: Why this part cannot count (revoked, untrusted issuer, bad signature…), set by the caller.
    rejected: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"credentialId": self.credential_id, "name": self.name}
        for key, value in (
            ("achievement", self.achievement),
            ("issuer", self.issuer),
            ("issuerName", self.issuer_name),
            ("ects", self.ects),
            ("country", self.country),
            ("awarded", self.awarded),
            ("digestMultibase", self.digest),
        ):
            if value is not None:
                out[key] = value
        return out


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _ects_of(achievement: Mapping[str, Any]) -> float | None:
    """ECTS credits as the model reads them (:attr:`Achievement.ects`), when there are some."""
    ects = Achievement.from_open_badges(achievement, lenient=True).ects
    return ects if ects is not None and ects > 0 else None


def part_from_credential(credential: Mapping[str, Any], *, rejected: str | None = None) -> Part:
    """The facts of an Open Badges credential; unknown shapes give a part that matches nothing."""
    subject = _first(credential.get("credentialSubject"))
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    issuer = credential.get("issuer")
    issuer_obj = issuer if isinstance(issuer, Mapping) else {}
    address = issuer_obj.get("address")
    country = None
    if isinstance(address, Mapping) and isinstance(address.get("addressCountryCode"), str):
        country = str(address["addressCountryCode"]).upper()
    awarded = parse_datetime(credential.get("awardedDate")) or parse_datetime(
        credential.get("validFrom") or credential.get("issuanceDate")
    )
    name = achievement.get("name") or credential.get("name") or "Unnamed credential"
    ach_id = achievement.get("id")
    sid = subject.get("id")
    return Part(
        credential_id=str(credential.get("id", "")),
        achievement=ach_id if isinstance(ach_id, str) else None,
        issuer=issuer_id(credential),
        name=str(name),
        ects=_ects_of(achievement),
        country=country,
        issuer_name=str(issuer_obj["name"]) if isinstance(issuer_obj.get("name"), str) else None,
        awarded=format_datetime(awarded) if awarded else None,
        subject=sid if isinstance(sid, str) else None,
        digest=credential_digest(credential),
        rejected=rejected,
    )

