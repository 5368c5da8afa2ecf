"""What the issuer reads from a request: idempotency hashes, the learner, the grade, the status format, the
cryptosuite."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from typing import Any

from plecak.core.errors import DataModelError
from plecak.core.integrity.proofs import EDDSA_RDFC_2022
from plecak.core.integrity.suites import Cryptosuite, suite_named, suite_names
from plecak.core.model.datamodel import is_url

from .achievements import AchievementProblems
from .signing import IssuerKeys

__all__: list[str] = []  # shared by plecak.issuer.service and plecak.issuer.oid4vci.offers


def _request_hash(route: str, body: Any) -> str:
    canonical = json.dumps([route, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _hash_email(email: str) -> tuple[str, str]:
    salt = secrets.token_hex(8)
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}", salt


_STATUS_TYPES = {"BitstringStatusListEntry": "bitstring", "StatusList2021Entry": "statuslist2021"}


def _status_choice(value: Any, version: int | None) -> str | None:
    """``options.credentialStatus`` of a VC-API issue request: which status entries the issuer adds.

    Absent: the default for the credential's version (BitstringStatusListEntry for VC 2.0,
    StatusList2021Entry for VC 1.1). ``{"type": T}``: that type (VC-API's older
    ``IssueCredentialOptions.credentialStatus``). ``false``: none, for a credential that will
    never be revoked or suspended (and for VC 1.1 verifiers that do not know the 2021 context).
    """
    if value is None:
        return "default"
    if value is False:
        return None
    kind = value.get("type") if isinstance(value, Mapping) else None
    if not isinstance(kind, str) or kind not in _STATUS_TYPES:
        raise DataModelError(
            [
                'options.credentialStatus must be false or {"type": "BitstringStatusListEntry"}'
                ' or {"type": "StatusList2021Entry"}'
            ]
        )
    if kind == "BitstringStatusListEntry" and version != 2:
        raise DataModelError(["BitstringStatusListEntry needs a VC 2.0 credential"])
    return _STATUS_TYPES[str(kind)]


def _learner(value: Any) -> dict[str, Any]:
    problems = AchievementProblems()
    if not isinstance(value, Mapping):
        raise AchievementProblems(
            missing=["learner"], invalid={"learner": "give the learner's name (and optionally email, did)"}
        )
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.missing.append("learner.name")
    elif len(name) > 200:
        problems.invalid["learner.name"] = "at most 200 characters"
    email = value.get("email")
    if email is not None and (not isinstance(email, str) or "@" not in email or len(email) > 320):
        problems.invalid["learner.email"] = "must be an e-mail address"
    did = value.get("did")
    if did is not None and (not isinstance(did, str) or not did.startswith("did:") or not is_url(did)):
        problems.invalid["learner.did"] = "must be a DID such as did:key:z6Mk…"
    unknown = set(value) - {"name", "email", "did"}
    for key in sorted(unknown):
        problems.invalid[f"learner.{key}"] = "unknown field"
    if problems:
        raise problems
    learner = {"name": str(name).strip()}
    if email:
        learner["email"] = str(email).strip()
    if did:
        learner["did"] = str(did)
    return learner


def _grade(value: Any, grading: Mapping[str, Any] | None) -> str | None:
    if value is None:
        return None
    if not grading:
        raise AchievementProblems(invalid={"grade": "this achievement has no grading scheme"})
    if not isinstance(value, str) or not value.strip():
        raise AchievementProblems(invalid={"grade": 'must be text, e.g. "4.5"'})
    allowed = grading.get("allowedValues")
    if allowed and value not in allowed:
        raise AchievementProblems(invalid={"grade": f"must be one of {', '.join(allowed)}"})
    return value


def _suite_choice(options: Mapping[str, Any], keys: IssuerKeys) -> tuple[Cryptosuite, dict[str, Any]]:
    """The cryptosuite ``options`` ask for (one these ``keys`` can sign with) and its options."""
    name = options.get("cryptosuite", EDDSA_RDFC_2022)
    if not isinstance(name, str):
        raise DataModelError(["options.cryptosuite must be a string"])
    suite = suite_named(name)
    if suite is None or keys.signer_for(suite.key_types) is None:
        usable = [n for n in suite_names() if (s := suite_named(n)) and keys.signer_for(s.key_types)]
        offered = ", ".join(usable)
        raise DataModelError([f"options.cryptosuite {name!r} is not offered here; use one of {offered}"])
    pointers = options.get("mandatoryPointers")
    suite_options: dict[str, Any] = {}
    if pointers is not None:
        if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
            raise DataModelError(["options.mandatoryPointers must be a list of JSON Pointer strings"])
        suite_options["mandatoryPointers"] = list(pointers)
    return suite, suite_options
