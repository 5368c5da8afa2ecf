"""Shared set-up for issuer tests: settings, an authorised client and demo inputs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from plecak.issuer.config import Settings
from plecak.issuer.demo import DEMO_ACHIEVEMENTS, DEMO_PROFILE

TOKEN = "test-admin-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PUBLIC_URL = "https://issuer.example"


def issuer_settings(redis_url: str, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "redis_url": redis_url,
        "admin_token": TOKEN,
        "public_url": PUBLIC_URL,
        "data_dir": data_dir,
    }
    values.update(overrides)
    return Settings(**values)


def profile() -> dict[str, Any]:
    return copy.deepcopy(DEMO_PROFILE)


def achievement(index: int = 0) -> dict[str, Any]:
    return copy.deepcopy(DEMO_ACHIEVEMENTS[index])


def simple_credential_v2(issuer: str | None = None) -> dict[str, Any]:
    cred: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "name": "Course attendance",
        "credentialSubject": {"id": "did:example:learner", "name": "Anna Kowalska"},
    }
    if issuer is not None:
        cred["issuer"] = issuer
    return cred
