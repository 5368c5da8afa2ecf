"""The issuing institution's public profile (Open Badges ``Profile``): name, country, region, web site."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plecak.core.model.datamodel import is_url

from .achievements import AchievementProblems

__all__ = ["issuer_object", "normalise_profile"]

_ADDRESS_FIELDS = ("addressCountry", "addressRegion", "addressLocality", "postalCode", "streetAddress")


def normalise_profile(data: Any) -> dict[str, Any]:
    """Validate a profile; the issuer's name and country are mandatory Annex I elements."""
    problems = AchievementProblems()
    if not isinstance(data, Mapping):
        raise AchievementProblems(invalid={"$": "the profile must be a JSON object"})
    out: dict[str, Any] = {}
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.missing.append("name")
    else:
        out["name"] = name.strip()
    code = data.get("addressCountryCode")
    if not code:
        problems.missing.append("addressCountryCode")
    elif not isinstance(code, str) or len(code) != 2 or not code.isalpha():
        problems.invalid["addressCountryCode"] = "must be an ISO 3166-1 alpha-2 code such as PL"
    else:
        out["addressCountryCode"] = code.upper()
    for key in _ADDRESS_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > 200:
            problems.invalid[key] = "must be text (at most 200 characters)"
        elif value.strip():
            out[key] = value.strip()
    for key in ("url", "image"):
        value = data.get(key)
        if value is None:
            continue
        if not is_url(value) or not str(value).startswith(("https://", "http://")):
            problems.invalid[key] = "must be an http(s) URL"
        else:
            out[key] = value
    email = data.get("email")
    if email is not None:
        if not isinstance(email, str) or "@" not in email:
            problems.invalid["email"] = "must be an e-mail address"
        else:
            out["email"] = email
    unknown = set(data) - {"name", "addressCountryCode", "url", "image", "email", *_ADDRESS_FIELDS}
    for key in sorted(unknown):
        problems.invalid[key] = "unknown field"
    if problems:
        raise problems
    return out


def issuer_object(did: str, profile: Mapping[str, Any]) -> dict[str, Any]:
    """The credential's ``issuer``: an OB ``Profile`` with the institution's DID as id."""
    issuer: dict[str, Any] = {"id": did, "type": ["Profile"], "name": profile.get("name", "Unnamed issuer")}
    if profile.get("url"):
        issuer["url"] = profile["url"]
    if profile.get("email"):
        issuer["email"] = profile["email"]
    if profile.get("image"):
        issuer["image"] = {"id": profile["image"], "type": "Image"}
    address: dict[str, Any] = {"type": ["Address"]}
    for key in (
        "addressCountry",
        "addressCountryCode",
        "addressRegion",
        "addressLocality",
        "postalCode",
        "streetAddress",
    ):
        if profile.get(key):
            address[key] = profile[key]
    if len(address) > 1:
        issuer["address"] = address
    return issuer
