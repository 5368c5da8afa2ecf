"""The issuer's domain logic: achievements, issuing, status changes, status list credentials.

No aiohttp here: handlers translate HTTP to these calls and the exceptions below to problem details.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plecak.core.crypto.keys import RsaKeyPair
from plecak.core.crypto.secretbox import SecretBox
from plecak.core.disclosure import default_mandatory_pointers
from plecak.core.errors import DataModelError, ProofError
from plecak.core.integrity.ecdsa_sd import ECDSA_SD_2023
from plecak.core.integrity.proofs import EDDSA_RDFC_2022, add_proof
from plecak.core.integrity.suites import suite_named
from plecak.core.jose_vc import envelope, sign_jose
from plecak.core.jsonld.loader import default_context_store
from plecak.core.jsonld.rdf import check_safe, expand_safe
from plecak.core.model.datamodel import VC_V2_CONTEXT, credential_version, issuer_id, link_problems, validate_credential
from plecak.core.model.relatedresource import digest_problems
from plecak.core.timeutil import format_datetime, utc_now

from .achievements import AchievementProblems, build_achievement, normalise_input
from .inputs import _grade as _grade
from .inputs import _hash_email, _status_choice, _suite_choice
from .inputs import _key_hash as _key_hash
from .inputs import _learner as _learner
from .inputs import _request_hash as _request_hash
from .issued import STATUS_PURPOSES, Conflict, IssuedCredentials, NotFound, found, next_version
from .jose import ISSUED_ALGORITHMS, jose_alg
from .profile import issuer_object, normalise_profile
from .signing import IssuerKeys, Signer, with_rsa_key
from .store import IssuerStore
from .subject import achievement_subject

__all__ = [
    "OB_CONTEXT",
    "PLECAK_CONTEXT",
    "STATUS_PURPOSES",
    "Conflict",
    "IssueResult",
    "IssuerService",
    "NotFound",
]

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
PLECAK_CONTEXT = "https://w3id.org/plecak/mc/v1"
"""The extension context's name in the bundled index; credentials issued before it was published by
the issuer name it, and keep verifying. New credentials name :attr:`IssuerService.context_url`."""
PLECAK_CONTEXT_PATH = "/contexts/plecak/mc/v1"


@dataclass(frozen=True)
class IssueResult:
    credential: dict[str, Any]
    replayed: bool = False


EMAIL_INDEX_LABEL = b"plecak issuer: learner e-mail index v1"
"""Derives the per-deployment e-mail index key from the key-encryption key (HMAC as a KDF)."""


def email_index_key(key_encryption_key: bytes) -> bytes:
    return hmac.new(key_encryption_key, EMAIL_INDEX_LABEL, hashlib.sha256).digest()


class IssuerService(IssuedCredentials):
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

    async def create_achievement(self, data: Any) -> dict[str, Any]:
        return await self._save_achievement(str(uuid.uuid4()), data, existing=None)

    async def update_achievement(self, achievement_uuid: str, data: Any) -> dict[str, Any]:
        existing = found(await self.store.get_achievement(achievement_uuid), f"achievement {achievement_uuid}")
        return await self._save_achievement(achievement_uuid, data, existing=existing)

    async def _save_achievement(
        self, achievement_uuid: str, data: Any, *, existing: dict[str, Any] | None
    ) -> dict[str, Any]:
        clean = normalise_input(data)
        profile = await self._require_profile()
        achievement = build_achievement(self.achievement_url(achievement_uuid), clean, profile)
        # Prove now, not at issuing time, that every term is defined by our contexts.
        sample = self._credential_skeleton(achievement, profile, {"name": "Sample Learner"}, None)
        expand_safe(sample)
        now = time.time()
        record = {
            "uuid": achievement_uuid,
            "id": achievement["id"],
            "input": clean,
            "achievement": achievement,
            **next_version(existing),
        }
        await self.store.save_achievement(achievement_uuid, record, created=now)
        return record

    async def achievement(self, achievement_uuid: str) -> dict[str, Any]:
        return found(await self.store.get_achievement(achievement_uuid), f"achievement {achievement_uuid}")

    async def achievements(self) -> list[dict[str, Any]]:
        return await self.store.list_achievements()

    # -- issuing -------------------------------------------------------------------------
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

    async def issue_for_learner(
        self, achievement_uuid: str, body: Any, idempotency_key: str | None
    ) -> IssueResult:
        record = await self.achievement(achievement_uuid)
        if not isinstance(body, Mapping):
            raise AchievementProblems(invalid={"$": "the request must be a JSON object"})
        learner = self.stored_learner(_learner(body.get("learner")))
        grade = _grade(body.get("grade"), record["input"].get("grading"))
        route = f"achievement:{achievement_uuid}"
        # The idempotency record keeps a digest of the request: of its e-mail-free form, so that
        # not even a digest of the clear address is stored. Records written before (digest of the
        # body as sent, kept 7 days) are still recognised.
        request_hash = _request_hash(route, self._without_clear_email(body))
        return await self.issue_to_learner(
            achievement_uuid,
            learner,
            grade,
            body.get("options"),
            idempotency_key,
            request_hash,
            legacy_request_hash=_request_hash(route, body),
        )

    def _without_clear_email(self, body: Mapping[str, Any]) -> dict[str, Any]:
        learner = body.get("learner")
        if not isinstance(learner, Mapping) or not isinstance(learner.get("email"), str):
            return dict(body)
        email = learner["email"]
        private = {k: v for k, v in learner.items() if k != "email"}
        return {**body, "learner": {**private, "emailIndex": self.email_index(email)}}

    async def issue_to_learner(
        self,
        achievement_uuid: str,
        learner: Mapping[str, Any],
        grade: str | None,
        options: Any,
        idempotency_key: str | None,
        request_hash: str,
        *,
        legacy_request_hash: str | None = None,
    ) -> IssueResult:
        """Issue to a learner already checked and in stored form (see :meth:`stored_learner`)."""
        record = await self.achievement(achievement_uuid)
        if options is not None and not isinstance(options, Mapping):
            raise DataModelError(["options must be a JSON object"])
        alg = jose_alg(options)
        suite, suite_options = _suite_choice({} if alg else options or {}, self.keys)
        profile = await self._require_profile()
        credential = self._credential_skeleton(record["achievement"], profile, learner, grade)
        return await self._sign_and_store(
            credential,
            achievement_uuid,
            idempotency_key,
            request_hash,
            suite=suite.name,
            suite_options=suite_options,
            learner=self.learner_index(learner),
            legacy_request_hash=legacy_request_hash,
            signer=await self._jose_signer(alg) if alg else None,
            jose=alg is not None,
        )

    def certificate_credential(
        self,
        achievement: Mapping[str, Any],
        learner: Mapping[str, Any],
        *,
        evidence: list[dict[str, Any]],
        profile: Mapping[str, Any],
    ) -> dict[str, Any]:
        """An unsigned stacked certificate: the programme's achievement, citing its parts in ``evidence``."""
        credential = self._credential_skeleton(achievement, profile, learner, None)
        credential["evidence"] = evidence
        return credential

    async def issue_prepared(self, credential: dict[str, Any], achievement_uuid: str) -> dict[str, Any]:
        """Sign and store a credential built here (status entries added), no idempotency key."""
        result = await self._sign_and_store(credential, achievement_uuid, None, "")
        return result.credential

    async def issue_credential(
        self, credential: Any, options: Any, idempotency_key: str | None
    ) -> IssueResult:
        """VC-API ``/credentials/issue``: validate a caller's credential, add status entries, sign.

        ``options.cryptosuite`` picks any registered suite the issuer holds a key for
        (``eddsa-rdfc-2022`` by default); other options (e.g. ``mandatoryPointers``) go to the suite.
        """
        if not isinstance(credential, Mapping):
            raise DataModelError(["credential must be a JSON object"])
        if options is not None and not isinstance(options, Mapping):
            raise DataModelError(["options must be a JSON object"])
        request_hash = _request_hash("credentials/issue", {"credential": credential, "options": options})
        alg = jose_alg(options)
        suite, suite_options = _suite_choice({} if alg else options or {}, self.keys)
        # With did:key the credential's issuer picks the key (e.g. the P-384 did:key for ECDSA).
        wanted = issuer_id(credential) if "issuer" in credential else None
        if alg:
            signer = await self._jose_signer(alg, wanted)
        else:
            found = self.keys.signer_for(suite.key_types, wanted) or self.keys.signer_for(suite.key_types)
            assert found is not None  # _suite_choice made sure
            signer = found
        doc = dict(credential)
        if "proof" in doc:
            raise DataModelError(["the credential already has a proof; send it unsigned"])
        version = credential_version(doc)
        if "issuer" not in doc:
            doc["issuer"] = signer.did
        now = format_datetime(utc_now())
        if version == 1 and "issuanceDate" not in doc:
            doc["issuanceDate"] = now
        problems = validate_credential(doc) or digest_problems(doc) or link_problems(doc)
        if problems:
            raise DataModelError(problems)
        if issuer_id(doc) != signer.did:
            raise DataModelError([f"issuer must be this issuer's DID {signer.did}"])
        given_id = "id" in doc
        if not given_id:
            doc["id"] = f"urn:uuid:{uuid.uuid4()}"
        status_format = _status_choice((options or {}).get("credentialStatus"), version)
        check_safe(doc)  # what expand_safe would refuse, without building the expanded form
        return await self._sign_and_store(
            doc,
            None,
            idempotency_key,
            request_hash,
            suite=suite.name,
            suite_options=suite_options,
            status_format=status_format,
            signer=signer,
            new_id=str(doc["id"]) if given_id else None,
            jose=alg is not None,
        )

    # long: one try block from claiming the Idempotency-Key to storing, so any failure between releases it
    async def _sign_and_store(
        self,
        credential: dict[str, Any],
        achievement_uuid: str | None,
        idempotency_key: str | None,
        request_hash: str,
        *,
        suite: str = EDDSA_RDFC_2022,
        suite_options: Mapping[str, Any] | None = None,
        status_format: str | None = "default",
        signer: Signer | None = None,
        new_id: str | None = None,
        learner: Mapping[str, Any] | None = None,
        legacy_request_hash: str | None = None,
        jose: bool = False,
    ) -> IssueResult:
        """Sign ``credential`` and store it. With an idempotency key, a repeat of a finished request
        returns the stored credential (checked before ``new_id``, the caller's own credential id,
        is refused as already issued)."""
        key_hash = _key_hash(idempotency_key) if idempotency_key else None
        if key_hash is not None:
            done = await self.store.begin_idempotent(key_hash, request_hash, legacy=legacy_request_hash)
            if done is not None:
                stored = await self.store.get_credential(done["credential"])
                if stored is None:  # pragma: no cover - the transaction writes both together
                    raise Conflict("the credential of this Idempotency-Key is gone")
                return IssueResult(stored.get("envelope") or stored["credential"], replayed=True)
        try:
            if new_id is not None and await self.store.get_credential(new_id) is not None:
                raise Conflict(f"a credential with id {new_id} was already issued")
            chosen = suite_named(suite)
            if chosen is not None and signer is None:
                signer = self.keys.signer_for(chosen.key_types)
            if chosen is None or signer is None:
                raise DataModelError([f"cryptosuite {suite!r} is not offered here"])
            status: dict[str, Any] | None = None
            if "credentialStatus" not in credential and status_format is not None:
                status = await self._add_status_entries(credential, status_format)
            if suite == ECDSA_SD_2023 and "mandatoryPointers" not in (suite_options or {}):
                suite_options = {
                    **(suite_options or {}),
                    "mandatoryPointers": default_mandatory_pointers(credential),
                }
            enveloped: dict[str, Any] | None = None
            if jose:  # VC-JOSE-COSE: the credential itself is the JWS payload, no proof inside
                enveloped = envelope(sign_jose(credential, signer.key, signer.verification_method))
                signed = credential
            elif isinstance(signer.key, RsaKeyPair):  # pragma: no cover - only vc+jwt picks the RSA key
                raise DataModelError(["an RSA key signs vc+jwt credentials only"])
            else:
                try:
                    signed = add_proof(
                        credential, signer.key, signer.verification_method, suite=suite, options=suite_options
                    )
                except ProofError as exc:  # e.g. a mandatory pointer that selects nothing
                    raise DataModelError([str(exc)]) from None
            record = {
                "id": signed["id"],
                "achievement": achievement_uuid,
                "issuedAt": format_datetime(utc_now()),
                "status": status,
                "credential": signed,
            }
            if learner is None:
                subject = signed.get("credentialSubject")
                name = subject.get("name") if isinstance(subject, Mapping) else None
                learner = {"name": name} if isinstance(name, str) else None
            if learner is not None:
                record["learner"] = dict(learner)
            if enveloped is not None:
                record["envelope"] = enveloped
            await self.store.save_credential(
                record, idempotency=(key_hash, request_hash) if key_hash else None
            )
        except BaseException:
            if key_hash is not None:
                await self.store.abort_idempotent(key_hash)
            raise
        return IssueResult(enveloped or signed)
