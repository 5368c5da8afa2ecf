"""The issuer's catalogue: its keys and DID document, how learners are kept, its profile and its
achievements (and the credential skeleton an achievement is checked against).

The base of :class:`~plecak.issuer.service.IssuerService`, which adds issuing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Mapping
from typing import Any

from plecak.core.crypto.secretbox import SecretBox
from plecak.core.errors import DataModelError
from plecak.core.jsonld.loader import default_context_store
from plecak.core.jsonld.rdf import expand_safe
from plecak.core.model.datamodel import VC_V2_CONTEXT
from plecak.core.timeutil import format_datetime, utc_now

from .achievements import AchievementProblems, build_achievement, normalise_input
from .inputs import _hash_email
from .issued import IssuedCredentials, next_version
from .jose import ISSUED_ALGORITHMS
from .profile import issuer_object, normalise_profile
from .records import EditedRecords
from .signing import IssuerKeys, Signer, with_rsa_key
from .store import IssuerStore
from .subject import achievement_subject

__all__ = [
    "OB_CONTEXT",
    "PLECAK_CONTEXT",
    "PLECAK_CONTEXT_PATH",
    "AchievementRecords",
    "IssuerCatalogue",
    "email_index_key",
]

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
PLECAK_CONTEXT = "https://w3id.org/plecak/mc/v1"
"""The extension context's name in the bundled index; credentials issued before it was published by
the issuer name it, and keep verifying. New credentials name :attr:`IssuerCatalogue.context_url`."""
PLECAK_CONTEXT_PATH = "/contexts/plecak/mc/v1"


EMAIL_INDEX_LABEL = b"plecak issuer: learner e-mail index v1"
"""Derives the per-deployment e-mail index key from the key-encryption key (HMAC as a KDF)."""


def email_index_key(key_encryption_key: bytes) -> bytes:
    return hmac.new(key_encryption_key, EMAIL_INDEX_LABEL, hashlib.sha256).digest()


class IssuerCatalogue(IssuedCredentials):
    """Keys, profile and achievements of one issuer, over its issued credentials' records."""

    def __init__(
        self,
        store: IssuerStore,
        keys: IssuerKeys,
        *,
        public_url: str,
        list_length: int,
        email_key: bytes | None = None,
        box: SecretBox | None = None,
    ) -> None:
        self.store = store
        self.keys = keys
        self._box = box
        """Seals keys made after start (the RSA key of RS256, on first use)."""
        self.public_url = public_url.rstrip("/")
        self.list_length = list_length
        self._email_key = email_key if email_key is not None else secrets.token_bytes(32)
        self.achievement_records = AchievementRecords(self)

    async def did_document(self) -> dict[str, Any]:
        """The issuer's DID document, with the RSA key another process may have made since start."""
        if self._box is not None:
            self.keys = await with_rsa_key(self.keys, self.store, self._box, create=False)
        return self.keys.did_document()

    async def _jose_signer(self, alg: str, issuer: str | None = None) -> Signer:
        """The key that signs a ``vc+jwt`` with ``alg`` (the RSA key is made on first use)."""
        if ISSUED_ALGORITHMS[alg] == "RSA":
            if self.keys.did.startswith("did:key:") or self._box is None:
                raise DataModelError(["options.alg RS256 needs a did:web issuer (no did:key names an RSA key)"])
            self.keys = await with_rsa_key(self.keys, self.store, self._box, create=True)
        key_types = (ISSUED_ALGORITHMS[alg],)
        signer = self.keys.signer_for(key_types, issuer) or self.keys.signer_for(key_types)
        assert signer is not None  # every issued algorithm has its key (RSA made just above)
        return signer

    def stored_learner(self, learner: Mapping[str, Any]) -> dict[str, Any]:
        """``learner`` as kept in Redis: the clear ``email`` becomes its salted hash (the identifier
        the credential will carry) and its keyed index; everything else is kept."""
        out = {k: v for k, v in learner.items() if k != "email"}
        email = learner.get("email")
        if isinstance(email, str) and email:
            digest, salt = _hash_email(email)
            out["emailIdentity"] = {"identityHash": digest, "salt": salt}
            out["emailIndex"] = self.email_index(email)
        return out

    @staticmethod
    def learner_index(learner: Mapping[str, Any]) -> dict[str, Any]:
        """What a credential record keeps to be found by: the name and the e-mail's keyed index."""
        out: dict[str, Any] = {"name": learner.get("name", "")}
        if learner.get("emailIndex"):
            out["emailIndex"] = learner["emailIndex"]
        return out

    # -- profile -------------------------------------------------------------------------
    async def profile(self) -> dict[str, Any]:
        return await self.store.get_profile() or {}

    async def set_profile(self, data: Any) -> dict[str, Any]:
        profile = normalise_profile(data)
        await self.store.set_profile(profile)
        return profile

    async def _require_profile(self) -> dict[str, Any]:
        profile = await self.store.get_profile()
        if not profile:
            raise AchievementProblems(
                missing=["issuer profile"],
                invalid={"profile": "set the institution's name and country first (PUT /api/issuer/profile)"},
            )
        return profile

    # -- achievements --------------------------------------------------------------------
    def achievement_url(self, achievement_uuid: str) -> str:
        return f"{self.public_url}/achievements/{achievement_uuid}"

    @property
    def context_url(self) -> str:
        """Where this issuer publishes the extension context (the URL its credentials name)."""
        return f"{self.public_url}{PLECAK_CONTEXT_PATH}"

    def context_resource(self) -> dict[str, str]:
        """``relatedResource`` entry pinning the published context's bytes (SHA-256, multibase ``u``)."""
        raw = default_context_store().raw(PLECAK_CONTEXT)
        digest = base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).rstrip(b"=").decode()
        return {"id": self.context_url, "digestMultibase": "u" + digest}

    async def achievement(self, achievement_uuid: str) -> dict[str, Any]:
        return await self.achievement_records.get(achievement_uuid)

    async def achievements(self) -> list[dict[str, Any]]:
        return await self.achievement_records.all()

    async def check_terms(self, achievement: Mapping[str, Any], profile: Mapping[str, Any]) -> None:
        """Prove now, not at issuing time, that every term of a credential of ``achievement`` is
        defined by our contexts (:class:`DataModelError` otherwise)."""
        sample = self._credential_skeleton(achievement, profile, {"name": "Sample Learner"}, None)
        expand_safe(sample)

    def _credential_skeleton(
        self,
        achievement: Mapping[str, Any],
        profile: Mapping[str, Any],
        learner: Mapping[str, Any],
        grade: str | None,
    ) -> dict[str, Any]:
        now = format_datetime(utc_now())
        subject = achievement_subject(achievement, learner, grade)
        return {
            "@context": [VC_V2_CONTEXT, OB_CONTEXT, self.context_url],
            "id": f"urn:uuid:{uuid.uuid4()}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": achievement["name"],
            "description": achievement.get("description", achievement["name"]),
            "issuer": issuer_object(self.keys.did, profile),
            "validFrom": now,
            "awardedDate": now,
            "credentialSubject": subject,
            "relatedResource": [self.context_resource()],
        }


class AchievementRecords(EditedRecords):
    """The achievements an admin defines (``/api/achievements``)."""

    what = "achievement"

    def __init__(self, catalogue: IssuerCatalogue) -> None:
        self.catalogue = catalogue

    async def load(self, record_uuid: str) -> dict[str, Any] | None:
        return await self.catalogue.store.get_achievement(record_uuid)

    async def all(self) -> list[dict[str, Any]]:
        return await self.catalogue.store.list_achievements()

    async def save(self, record_uuid: str, data: Any, *, existing: dict[str, Any] | None) -> dict[str, Any]:
        clean = normalise_input(data)
        profile = await self.catalogue._require_profile()
        achievement = build_achievement(self.catalogue.achievement_url(record_uuid), clean, profile)
        await self.catalogue.check_terms(achievement, profile)
        record = {
            "uuid": record_uuid,
            "id": achievement["id"],
            "input": clean,
            "achievement": achievement,
            **next_version(existing),
        }
        await self.catalogue.store.save_achievement(record_uuid, record, created=time.time())
        return record
