"""Certificate claims: a learner asks for a pathway's certificate with a presentation of its components.

("Claim" here is the learner's request for the certificate; the claims of an SD-JWT VC are something
else and live in :mod:`plecak.core.sdjwt.claims`.)

1. The wallet asks for a challenge (``POST /pathways/{uuid}/claim-nonce``): a single-use nonce,
   bound to the pathway, valid five minutes; the ``domain`` is this issuer's public URL.
2. It posts a presentation signed by the holder key over that challenge and domain.
3. We verify the presentation (holder signature, challenge used once) and **each** component fully:
   format, signature, issuer (this issuer or a trusted institution), status (our own lists are read
   from Redis, other institutions' lists over HTTP), validity, and that it was issued to the holder.
4. The pathway rule (:mod:`plecak.core.pathways`) is evaluated over the parts that passed. If it is met we
   issue the certificate to the holder's DID, citing each part in ``evidence`` by credential id with
   its ``digestMultibase``; otherwise :class:`ClaimRefused` says what is missing and why.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from plecak.core.did import DidResolver
from plecak.core.model.datamodel import issuer_id
from plecak.core.pathways import Evaluation, Part, evaluate, part_from_credential
from plecak.core.status.client import StatusListClient
from plecak.core.timeutil import utc_now
from plecak.core.verify.credential import Check, Outcome, VerificationResult, Verifier
from plecak.core.verify.presentation import verify_presentation

from .pathways import PathwayService
from .service import IssuerService

__all__ = ["CertificateClaimService", "ClaimRefused"]


class ClaimRefused(Exception):
    """The presentation or the parts do not earn the certificate; ``body`` explains why."""

    def __init__(self, title: str, detail: str, body: dict[str, Any], status: int = 422) -> None:
        super().__init__(detail)
        self.title = title
        self.detail = detail
        self.body = body
        self.status = status


class _Nonces:
    """ChallengeStore for :func:`verify_presentation`: a challenge counts once, for one pathway."""

    def __init__(self, pathways: PathwayService, pathway_uuid: str) -> None:
        self.pathways = pathways
        self.pathway_uuid = pathway_uuid

    async def consume(self, challenge: str, domain: str | None) -> bool:
        return await self.pathways.store.consume_nonce(challenge) == self.pathway_uuid


class _Trusted:
    def __init__(self, entries: Mapping[str, Mapping[str, Any]]) -> None:
        self.entries = entries

    def lookup(self, issuer: str) -> Mapping[str, Any] | None:
        return self.entries.get(issuer)


def _rejection(result: VerificationResult) -> str | None:
    for check in result.checks:
        if check.outcome in (Outcome.FAILED, Outcome.UNKNOWN):
            return check.message
        if check.name == "issuer" and check.outcome is not Outcome.PASSED:
            issuer = check.details.get("issuer", "its issuer")
            return f"issued by {issuer}, which is not in this issuer's list of trusted institutions"
    return None


def _status_urls(vp: Any, trusted: set[str]) -> set[str]:
    items = vp.get("verifiableCredential") if isinstance(vp, Mapping) else None
    urls = set()
    for cred in items if isinstance(items, list) else [items]:
        if not isinstance(cred, Mapping) or issuer_id(cred) not in trusted:
            continue
        status = cred.get("credentialStatus")
        for entry in status if isinstance(status, list) else [status]:
            if isinstance(entry, Mapping) and isinstance(entry.get("statusListCredential"), str):
                urls.add(str(entry["statusListCredential"]))
    return urls


def _learner_name(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, Mapping):
        return None
    if isinstance(subject.get("name"), str) and subject["name"].strip():
        return str(subject["name"])
    for ident in subject.get("identifier") or []:
        if isinstance(ident, Mapping) and ident.get("identityType") == "name" and not ident.get("hashed"):
            return str(ident.get("identityHash"))
    return None


class CertificateClaimService:
    def __init__(
        self,
        issuer: IssuerService,
        pathways: PathwayService,
        *,
        insecure_hosts: frozenset[str] = frozenset(),
        timeout: float = 5.0,
    ) -> None:
        self.issuer = issuer
        self.pathways = pathways
        self.resolver = DidResolver(
            static={issuer.keys.did: issuer.keys.did_document()},
            insecure_hosts=insecure_hosts,
            timeout=timeout,
        )
        self.status_client = StatusListClient(insecure_hosts=insecure_hosts, timeout=timeout)

    async def close(self) -> None:
        await self.status_client.close()

    async def _status_list(self, url: str) -> Mapping[str, Any]:
        own = f"{self.issuer.public_url}/status-lists/"
        if url.startswith(own):
            rest = url.removeprefix(own)
            legacy = rest.startswith("2021/")
            body, _ = await self.issuer.status_list(rest.removeprefix("2021/"), legacy=legacy)
            result: Mapping[str, Any] = json.loads(body)
            return result
        return await self.status_client.fetch(url)

    async def nonce(self, pathway_uuid: str) -> dict[str, Any]:
        await self.pathways.get(pathway_uuid)
        challenge = secrets.token_urlsafe(24)
        await self.pathways.store.new_nonce(challenge, pathway_uuid)
        return {"challenge": challenge, "domain": self.issuer.public_url, "expiresIn": 300}

    # long: one refusal per reason a claim fails (challenge, presentation, trust, rule), in the order they are checked
    async def claim(self, pathway_uuid: str, body: Any) -> tuple[dict[str, Any], bool]:
        """``(certificate credential, newly issued)``; raises :class:`ClaimRefused`."""
        record = await self.pathways.get(pathway_uuid)
        vp = body.get("presentation") if isinstance(body, Mapping) and "presentation" in body else body
        proof = vp.get("proof") if isinstance(vp, Mapping) else None
        proof = proof[0] if isinstance(proof, list) and proof else proof
        challenge = proof.get("challenge") if isinstance(proof, Mapping) else None
        if not isinstance(challenge, str) or not challenge:
            raise ClaimRefused(
                "Presentation refused",
                "send a presentation signed over a challenge from this pathway's claim-nonce endpoint",
                {},
                status=400,
            )
        trusted = await self.pathways.trusted()
        trusted[self.issuer.keys.did] = {"name": (await self.issuer.profile()).get("name", "this issuer")}
        # Status lists are fetched only for credentials of trusted issuers: a stranger's credential
        # must not make this issuer fetch URLs of the stranger's choosing.
        allowed = _status_urls(vp, set(trusted))

        async def fetch(url: str) -> Mapping[str, Any]:
            if url not in allowed:
                raise LookupError("the status of a credential from an untrusted issuer is not fetched")
            return await self._status_list(url)

        verifier = Verifier(self.resolver, status_fetcher=fetch, trust=_Trusted(trusted))
        result = await verify_presentation(
            vp,
            verifier,
            challenge=challenge,
            domain=self.issuer.public_url,
            challenges=_Nonces(self.pathways, pathway_uuid),
            require_holder_proof=True,
        )
        own = [c for c in result.checks if c.name in ("presentation", "holder", "replay")]
        bad = [c for c in own if c.outcome is Outcome.FAILED]
        holder_check = result.check("holder")
        if bad or holder_check is None or result.check("replay") is None:
            first: Check | None = bad[0] if bad else None
            raise ClaimRefused(
                "Presentation refused",
                first.message if first else "the presentation could not be verified",
                {"verification": result.to_json()},
            )
        holder = str(holder_check.details["holder"])
        assert isinstance(vp, Mapping)
        items = vp.get("verifiableCredential")
        creds = [c for c in (items if isinstance(items, list) else [items]) if isinstance(c, Mapping)]
        parts: list[Part] = []
        for cred, checked in zip(creds, result.credentials, strict=True):
            reason = _rejection(checked)
            part = part_from_credential(cred, rejected=reason)
            if reason is None and part.subject is None:
                part = part_from_credential(cred, rejected="not issued to a learner DID")
            parts.append(part)
        evaluation = evaluate(record["rule"], parts, now=utc_now(), holder=holder)
        if not evaluation.met:
            raise ClaimRefused(
                "Pathway requirements not met",
                "Missing: " + "; ".join(evaluation.missing),
                {"evaluation": evaluation.to_json()},
            )
        store = self.pathways.store
        if not await store.begin_claim(pathway_uuid, holder):
            raise ClaimRefused(
                "Claim in progress", "another claim of this certificate is being issued", {}, 409
            )
        try:
            return await self._issue_once(record, pathway_uuid, evaluation, holder, creds)
        finally:
            await store.end_claim(pathway_uuid, holder)

    async def _issue_once(
        self,
        record: Mapping[str, Any],
        pathway_uuid: str,
        evaluation: Evaluation,
        holder: str,
        creds: list[Mapping[str, Any]],
    ) -> tuple[dict[str, Any], bool]:
        existing = await self.pathways.store.claimed(pathway_uuid, holder)
        if existing is not None:
            stored = await self.issuer.store.get_credential(existing)
            if stored is not None:
                return stored["credential"], False
        by_id = {str(c.get("id")): c for c in creds}
        name = next(
            (n for p, _ in evaluation.used if (n := _learner_name(by_id.get(p.credential_id, {})))),
            "Learner",
        )
        profile = await self.issuer.profile()
        credential = self._certificate(record, evaluation, holder, name, profile)
        # "programme:" is the stored label of certificates in the credential index (kept from before
        # the rename, so old and new certificates are found by the same filter).
        issued = await self.issuer.issue_prepared(credential, f"programme:{pathway_uuid}")
        await self.pathways.store.mark_claimed(pathway_uuid, holder, str(issued["id"]))
        return issued, True

    def _certificate(
        self,
        record: Mapping[str, Any],
        evaluation: Evaluation,
        holder: str,
        name: str,
        profile: Mapping[str, Any],
    ) -> dict[str, Any]:
        return self.issuer.certificate_credential(
            record["achievement"],
            {"name": name, "did": holder},
            profile=profile,
            evidence=[
                {
                    "id": part.credential_id,
                    "type": ["Evidence"],
                    "name": f"{part.name} ({_ects_text(part)}{role})",
                    "genre": "Micro-credential",
                    "description": f"Issued by {part.issuer_name or part.issuer}"
                    + (f" ({part.country})" if part.country else ""),
                    "digestMultibase": part.digest,
                }
                for part, role in evaluation.used
            ],
        )


def _ects_text(part: Part) -> str:
    if part.ects is None:
        return ""
    value = int(part.ects) if float(part.ects).is_integer() else part.ects
    return f"{value} ECTS, "
