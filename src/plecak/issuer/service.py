"""The issuer's domain logic: achievements, issuing, status changes, status list credentials.

No aiohttp here: handlers translate HTTP to these calls and the exceptions below to problem details.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets
import time
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plecak.core.disclosure import default_mandatory_pointers
from plecak.core.errors import DataModelError, ProofError
from plecak.core.integrity.ecdsa_sd import ECDSA_SD_2023
from plecak.core.integrity.proofs import EDDSA_RDFC_2022, add_proof
from plecak.core.integrity.suites import Cryptosuite, suite_named, suite_names
from plecak.core.jose_vc import envelope, sign_jose
from plecak.core.jsonld.loader import default_context_store
from plecak.core.jsonld.rdf import check_safe, expand_safe
from plecak.core.model.datamodel import (
    VC_V2_CONTEXT,
    credential_version,
    is_url,
    issuer_id,
    link_problems,
    validate_credential,
)
from plecak.core.model.relatedresource import digest_problems
from plecak.core.status.bitstring import Bitstring, status_list_credential
from plecak.core.timeutil import format_datetime, utc_now

from .achievements import AchievementProblems, build_achievement, normalise_input
from .jose import ISSUED_ALGORITHMS, jose_alg
from .profile import issuer_object, normalise_profile
from .signing import IssuerKeys, Signer
from .store import IssuerStore, index_entry

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
SL2021_CONTEXT = "https://w3id.org/vc/status-list/2021/v1"
STATUS_PURPOSES = ("revocation", "suspension")


class NotFound(LookupError):
    """The named achievement, credential or status list does not exist."""


class Conflict(Exception):
    """The request conflicts with the current state (e.g. reinstating a revoked credential)."""


@dataclass(frozen=True)
class IssueResult:
    credential: dict[str, Any]
    replayed: bool = False


def _request_hash(route: str, body: Any) -> str:
    canonical = json.dumps([route, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _hash_email(email: str) -> tuple[str, str]:
    salt = secrets.token_hex(8)
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}", salt


EMAIL_INDEX_LABEL = b"plecak issuer: learner e-mail index v1"
"""Derives the per-deployment e-mail index key from the key-encryption key (HMAC as a KDF)."""


def email_index_key(key_encryption_key: bytes) -> bytes:
    return hmac.new(key_encryption_key, EMAIL_INDEX_LABEL, hashlib.sha256).digest()


class IssuerService:
    def __init__(
        self,
        store: IssuerStore,
        keys: IssuerKeys,
        *,
        public_url: str,
        list_length: int,
        email_key: bytes | None = None,
    ) -> None:
        self.store = store
        self.keys = keys
        self.public_url = public_url.rstrip("/")
        self.list_length = list_length
        self._email_key = email_key if email_key is not None else secrets.token_bytes(32)

    # -- learners' e-mail addresses ------------------------------------------------------
    def email_index(self, email: str) -> str:
        """A keyed hash (HMAC-SHA-256, per-deployment secret) of a normalised e-mail address: the
        registrar can find a learner by the address they type, and Redis never holds it in clear."""
        normalised = email.strip().lower().encode()
        return "hmac-sha256:" + hmac.new(self._email_key, normalised, hashlib.sha256).hexdigest()

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
        existing = await self.store.get_achievement(achievement_uuid)
        if existing is None:
            raise NotFound(f"no achievement {achievement_uuid}")
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
            "version": (existing or {}).get("version", 0) + 1,
            "created": (existing or {}).get("created", format_datetime(utc_now())),
            "updated": format_datetime(utc_now()),
        }
        await self.store.save_achievement(achievement_uuid, record, created=now)
        return record

    async def achievement(self, achievement_uuid: str) -> dict[str, Any]:
        record = await self.store.get_achievement(achievement_uuid)
        if record is None:
            raise NotFound(f"no achievement {achievement_uuid}")
        return record

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
        subject: dict[str, Any] = {}
        if learner.get("did"):
            subject["id"] = learner["did"]
        subject["type"] = ["AchievementSubject"]
        subject["name"] = learner["name"]
        identifiers: list[dict[str, Any]] = [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": learner["name"],
            }
        ]
        email_identity = learner.get("emailIdentity")
        if learner.get("email"):
            digest, salt = _hash_email(str(learner["email"]))
            email_identity = {"identityHash": digest, "salt": salt}
        if isinstance(email_identity, Mapping):
            identifiers.append(
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": email_identity["identityHash"],
                    "salt": email_identity["salt"],
                }
            )
        subject["identifier"] = identifiers
        subject["achievement"] = dict(achievement)
        subject["creditsEarned"] = achievement.get("creditsAvailable")
        if grade is not None:
            descriptions = achievement.get("resultDescription") or []
            subject["result"] = [
                {"type": ["Result"], "resultDescription": descriptions[0]["id"], "value": grade}
            ]
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
        suite, suite_options = self._suite_choice({} if alg else options or {})
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
            signer=self.keys.signer_for((ISSUED_ALGORITHMS[alg],)) if alg else None,
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
        suite, suite_options = self._suite_choice({} if alg else options or {})
        key_types = (ISSUED_ALGORITHMS[alg],) if alg else suite.key_types
        # With did:key the credential's issuer picks the key (e.g. the P-384 did:key for ECDSA).
        wanted = issuer_id(credential) if "issuer" in credential else None
        signer = self.keys.signer_for(key_types, wanted) or self.keys.signer_for(key_types)
        assert signer is not None  # _suite_choice made sure
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

    def _suite_choice(self, options: Mapping[str, Any]) -> tuple[Cryptosuite, dict[str, Any]]:
        name = options.get("cryptosuite", EDDSA_RDFC_2022)
        if not isinstance(name, str):
            raise DataModelError(["options.cryptosuite must be a string"])
        suite = suite_named(name)
        if suite is None or self.keys.signer_for(suite.key_types) is None:
            usable = [n for n in suite_names() if (s := suite_named(n)) and self.keys.signer_for(s.key_types)]
            offered = ", ".join(usable)
            raise DataModelError([f"options.cryptosuite {name!r} is not offered here; use one of {offered}"])
        pointers = options.get("mandatoryPointers")
        suite_options: dict[str, Any] = {}
        if pointers is not None:
            if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
                raise DataModelError(["options.mandatoryPointers must be a list of JSON Pointer strings"])
            suite_options["mandatoryPointers"] = list(pointers)
        return suite, suite_options

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

    async def _add_status_entries(self, credential: dict[str, Any], status_format: str) -> dict[str, Any]:
        position = await self.store.allocate_status_index()
        list_no, index = position // self.list_length + 1, position % self.list_length
        if status_format == "default":
            v2 = credential_version(credential) == 2
        else:
            v2 = status_format == "bitstring"
        entries = []
        for purpose in STATUS_PURPOSES:
            url = self.status_list_url(purpose, list_no, legacy=not v2)
            entries.append(
                {
                    "id": f"{url}#{index}",
                    "type": "BitstringStatusListEntry" if v2 else "StatusList2021Entry",
                    "statusPurpose": purpose,
                    "statusListIndex": str(index),
                    "statusListCredential": url,
                }
            )
        if not v2:
            ctx = credential["@context"]
            credential["@context"] = [*(ctx if isinstance(ctx, list) else [ctx]), SL2021_CONTEXT]
        credential["credentialStatus"] = entries
        return {"list": list_no, "index": index, "format": "bitstring" if v2 else "statuslist2021"}

    # -- status --------------------------------------------------------------------------
    def status_list_url(self, purpose: str, list_no: int, *, legacy: bool = False) -> str:
        return f"{self.public_url}/status-lists/{'2021/' if legacy else ''}{purpose}-{list_no}"

    async def credential_record(self, credential_id: str) -> dict[str, Any]:
        record = await self.store.get_credential(credential_id)
        if record is None:
            raise NotFound(f"no credential {credential_id} was issued here")
        status = record.get("status")
        if status:
            record["currentStatus"] = {
                purpose: await self.store.get_status_bit(purpose, status["list"], status["index"])
                for purpose in STATUS_PURPOSES
            }
        return record

    async def update_status(self, credential_id: Any, purpose: Any, value: Any) -> dict[str, Any]:
        problems = []
        if not isinstance(credential_id, str) or not credential_id:
            problems.append("credentialId must be the credential's id")
        if purpose not in STATUS_PURPOSES:
            problems.append(f"credentialStatus.statusPurpose must be one of {', '.join(STATUS_PURPOSES)}")
        if not isinstance(value, bool):
            problems.append("status must be true (set: revoked/suspended) or false (clear)")
        if problems:
            raise DataModelError(problems)
        assert isinstance(credential_id, str) and isinstance(purpose, str) and isinstance(value, bool)
        record = await self.store.get_credential(credential_id)
        if record is None:
            raise NotFound(f"no credential {credential_id} was issued here")
        status = record.get("status")
        if not status:
            raise Conflict("this credential carries its own credentialStatus; its status is not managed here")
        from .store import RevocationIsPermanent

        try:
            previous = await self.store.set_status(
                purpose, status["list"], status["index"], value, credential_id
            )
        except RevocationIsPermanent:
            raise Conflict(
                "the credential is revoked; revocation is permanent and cannot be undone"
            ) from None
        if previous != value:
            event = {"at": format_datetime(utc_now()), "purpose": purpose, "status": value}
            await self.store.add_history(credential_id, event)
        return {
            "credentialId": credential_id,
            "statusPurpose": purpose,
            "status": value,
            "changed": previous != value,
            "statusListCredential": (
                f"{self.public_url}/status-lists/token/{status['list']}"  # an SD-JWT VC's Token Status List
                if status.get("format") == "token"
                else self.status_list_url(purpose, status["list"], legacy=status.get("format") != "bitstring")
            ),
            "statusListIndex": str(status["index"]),
        }

    # -- registrar: finding credentials, their history ---------------------------------
    async def search_credentials(
        self, query: str = "", achievement: str | None = None, *, limit: int = 100
    ) -> dict[str, Any]:
        """Issued credentials, newest first, whose learner name or title contains ``query`` (case,
        accents and ``ł`` ignored), or, when ``query`` is an e-mail address, whose learner had that
        address (matched by its keyed hash). ``achievement`` (a uuid) narrows to one achievement."""
        wanted = _fold(query.strip())
        email = self.email_index(query) if "@" in query else None
        found = []
        for entry in await self.store.credential_index():
            if achievement and entry.get("achievement") != achievement:
                continue
            if email is not None:
                if entry.get("emailIndex") != email:
                    continue
            elif (
                wanted
                and wanted not in _fold(entry.get("name") or "")
                and wanted not in _fold(entry.get("title") or "")
            ):
                continue
            found.append(entry)
        found.sort(key=lambda e: (str(e.get("issuedAt") or ""), str(e["id"])), reverse=True)
        shown = found[:limit]
        slots = [
            (purpose, int(e["status"][0]), int(e["status"][1]))
            for e in shown
            if e.get("status")
            for purpose in STATUS_PURPOSES
        ]
        bits = iter(await self.store.status_bits(slots))
        results = []
        for entry in shown:
            current = {p: next(bits) for p in STATUS_PURPOSES} if entry.get("status") else None
            results.append(_summary(entry, current))
        return {"credentials": results, "total": len(found), "shown": len(results)}

    async def credential_history(self, credential_id: str) -> dict[str, Any]:
        """The credential (as the search shows it) and what happened to it, oldest first."""
        record = await self.credential_record(credential_id)
        summary = _summary(index_entry(record), record.get("currentStatus"))
        events: list[dict[str, Any]] = [{"at": record.get("issuedAt", ""), "event": "issued"}]
        for change in await self.store.history(credential_id):
            purpose, value = change.get("purpose"), change.get("status")
            kind = "revoked" if purpose == "revocation" else "suspended" if value else "unsuspended"
            events.append({"at": change.get("at", ""), "event": kind})
        return {"credential": summary, "events": events}

    async def status_list(self, list_id: str, *, legacy: bool = False) -> tuple[bytes, str]:
        """The signed status list credential ``{purpose}-{n}`` as bytes, with a strong ETag."""
        purpose, _, number = list_id.rpartition("-")
        if purpose not in STATUS_PURPOSES or not number.isdigit() or number != str(int(number)):
            raise NotFound(f"no status list {list_id}")
        list_no = int(number)
        lists = max(1, math.ceil(await self.store.allocated_indices() / self.list_length))
        if not 1 <= list_no <= lists:
            raise NotFound(f"no status list {list_id}")
        cache_name = f"{'2021:' if legacy else ''}{purpose}"
        bits, version = await self.store.status_list_bits(purpose, list_no)
        cached = await self.store.cached_status_list(cache_name, list_no)
        if cached is not None and cached.get("version") == version:
            body = str(cached["body"]).encode()
        else:
            bitstring = Bitstring.from_bytes(bits, length=self.list_length)
            url = self.status_list_url(purpose, list_no, legacy=legacy)
            unsigned = (
                self._legacy_list(url, purpose, bitstring)
                if legacy
                else status_list_credential(
                    list_url=url,
                    issuer=self.keys.did,
                    purpose=purpose,
                    bitstring=bitstring,
                    valid_from=format_datetime(utc_now()),
                )
            )
            signed = add_proof(unsigned, self.keys.active, self.keys.verification_method)
            text = json.dumps(signed, separators=(",", ":"), ensure_ascii=False)
            await self.store.cache_status_list(cache_name, list_no, {"version": version, "body": text})
            body = text.encode()
        return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'

    def _legacy_list(self, url: str, purpose: str, bitstring: Bitstring) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/2018/credentials/v1", SL2021_CONTEXT],
            "id": url,
            "type": ["VerifiableCredential", "StatusList2021Credential"],
            "issuer": self.keys.did,
            "issuanceDate": format_datetime(utc_now()),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "StatusList2021",
                "statusPurpose": purpose,
                "encodedList": bitstring.encode()[1:],
            },
        }


def _fold(text: str) -> str:
    """``text`` for matching: case, accents and the Polish ``ł`` (no decomposition) ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ł", "l"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _summary(entry: Mapping[str, Any], current: Mapping[str, bool] | None) -> dict[str, Any]:
    """A search entry as the registrar API returns it: no e-mail hash, a readable status."""
    if current is None:
        state = "not managed here"
    elif current.get("revocation"):
        state = "revoked"
    elif current.get("suspension"):
        state = "suspended"
    else:
        state = "active"
    return {
        "id": entry["id"],
        "learner": entry.get("name") or "",
        "title": entry.get("title") or "",
        "achievement": entry.get("achievement"),
        "issuedAt": entry.get("issuedAt") or "",
        "format": entry.get("format") or "ldp_vc",
        "status": state,
    }


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
