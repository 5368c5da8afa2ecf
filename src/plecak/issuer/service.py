"""The issuer's domain logic: achievements, issuing, status changes, status list credentials.

The issuer's keys, profile and achievements are its base, :class:`~plecak.issuer.catalogue.IssuerCatalogue`.
No aiohttp here: handlers translate HTTP to these calls and the exceptions below to problem details.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plecak.core.crypto.keys import RsaKeyPair
from plecak.core.disclosure import default_mandatory_pointers
from plecak.core.errors import DataModelError, ProofError
from plecak.core.integrity.ecdsa_sd import ECDSA_SD_2023
from plecak.core.integrity.proofs import EDDSA_RDFC_2022, add_proof
from plecak.core.integrity.suites import suite_named
from plecak.core.jose_vc import envelope, envelope_cose, sign_cose, sign_jose
from plecak.core.jsonld.rdf import check_safe
from plecak.core.model.datamodel import credential_version, issuer_id, link_problems, validate_credential
from plecak.core.model.relatedresource import digest_problems
from plecak.core.timeutil import format_datetime, utc_now

from .achievements import AchievementProblems
from .catalogue import OB_CONTEXT, PLECAK_CONTEXT, IssuerCatalogue, email_index_key
from .inputs import _grade as _grade
from .inputs import _key_hash as _key_hash
from .inputs import _learner as _learner
from .inputs import _request_hash as _request_hash
from .inputs import _status_choice, _suite_choice
from .issued import STATUS_PURPOSES, Conflict, NotFound
from .jose import jose_alg, secured_media
from .signing import Signer

__all__ = [
    "OB_CONTEXT",
    "PLECAK_CONTEXT",
    "STATUS_PURPOSES",
    "Conflict",
    "IssueResult",
    "IssuerService",
    "NotFound",
    "email_index_key",
]


@dataclass(frozen=True)
class IssueResult:
    credential: dict[str, Any]
    replayed: bool = False


class IssuerService(IssuerCatalogue):
    """The issuer: its catalogue (the base), issuing credentials and their envelopes."""

    # -- issuing -------------------------------------------------------------------------
    async def issue_for_learner(self, achievement_uuid: str, body: Any, idempotency_key: str | None) -> IssueResult:
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
            jose=secured_media(options) if alg else None,
        )

    def certificate_credential(
        self,
        achievement: Mapping[str, Any],
        learner: Mapping[str, Any],
        *,
        evidence: list[dict[str, Any]],
        profile: Mapping[str, Any],
    ) -> dict[str, Any]:
        """An unsigned stacked certificate: the pathway's achievement, citing its parts in ``evidence``."""
        credential = self._credential_skeleton(achievement, profile, learner, None)
        credential["evidence"] = evidence
        return credential

    async def issue_prepared(self, credential: dict[str, Any], achievement_uuid: str) -> dict[str, Any]:
        """Sign and store a credential built here (status entries added), no idempotency key."""
        result = await self._sign_and_store(credential, achievement_uuid, None, "")
        return result.credential

    async def issue_credential(self, credential: Any, options: Any, idempotency_key: str | None) -> IssueResult:
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
            jose=secured_media(options) if alg else None,
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
        jose: str | None = None,
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
            if jose == "vc+cose" and not isinstance(signer.key, RsaKeyPair):  # the payload of a COSE_Sign1
                enveloped = envelope_cose(sign_cose(credential, signer.key, signer.verification_method))
                signed = credential
            elif jose:  # VC-JOSE-COSE: the credential itself is the JWS payload, no proof inside
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
            await self.store.save_credential(record, idempotency=(key_hash, request_hash) if key_hash else None)
        except BaseException:
            if key_hash is not None:
                await self.store.abort_idempotent(key_hash)
            raise
        return IssueResult(enveloped or signed)
