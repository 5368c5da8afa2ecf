"""The wallet's keeping of credentials: verify before storing, list, delete, look up their status.

The base of :class:`~plecak.wallet.service.WalletService`, which adds receiving, presenting and backups.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from plecak.core import safejson
from plecak.core.disclosure import EcdsaSdAdapter, adapter_for
from plecak.core.errors import VCError
from plecak.core.integrity.ecdsa_sd import disclose_all
from plecak.core.integrity.proofs import DidDocumentResolver
from plecak.core.jose_vc import envelope_of_bytes, envelope_of_text, secured_content
from plecak.core.timeutil import format_datetime, utc_now
from plecak.core.verify.credential import Outcome, VerificationResult, Verifier

from . import backup, sdjwt
from .credentials import CredentialView, matches, subject_ids, view
from .exceptions import NotFound, Refused, UserError
from .ports import FetchError, HttpClient
from .store import WalletStore
from .vault import Vault

__all__ = ["MAX_CREDENTIAL_BYTES", "STATUSES", "CredentialKeeper", "StoredCredential", "credential_label"]

MAX_CREDENTIAL_BYTES = 1_000_000
STATUSES = ("valid", "revoked", "suspended", "expired", "unknown")


@dataclass
class StoredCredential:
    cid: str
    credential: dict[str, Any]
    added: str
    source: str
    view: CredentialView
    status: str = "unknown"
    status_message: str | None = None

    @property
    def json(self) -> str:
        return json.dumps(self.credential, indent=2, ensure_ascii=False)

    @property
    def selective(self) -> bool:
        """Whether the learner can share only some of its fields (selective disclosure)."""
        return adapter_for(self.credential) is not None


def credential_label(cid: str) -> str:
    return f"credential:{cid}"


class CredentialKeeper:
    """Keeps a learner's credentials sealed in Redis, each checked before it is stored."""

    def __init__(
        self,
        store: WalletStore,
        vault: Vault,
        http: HttpClient,
        resolver: DidDocumentResolver,
        *,
        status_cache_seconds: int = 60,
        backup_time_cost: int = 3,
        backup_memory_kib: int = 64 * 1024,
        verifier_trust_anchors: Sequence[x509.Certificate] = (),
    ) -> None:
        self.verifier_trust_anchors = tuple(verifier_trust_anchors)
        self.backup_time_cost = backup_time_cost
        self.backup_memory_kib = backup_memory_kib
        self.backup_limits = backup.KdfLimits.accepting(backup_time_cost, backup_memory_kib)
        # At most two backup key derivations (each up to backup_limits.memory_kib) run at once.
        self._kdf_slots = asyncio.Semaphore(2)
        self.store = store
        self.vault = vault
        self.http = http
        self.status_cache_seconds = status_cache_seconds
        self.resolver = resolver
        self.verifier = Verifier(resolver, status_fetcher=self.status_list)

    # -- status lists --------------------------------------------------------------------
    async def status_list(self, url: str) -> Mapping[str, Any]:
        """A status list credential, from a short cache or over HTTP (its proof is checked by the caller)."""
        cached = await self.store.cached_status_list(url)
        if isinstance(cached, Mapping):
            return cached
        try:
            document = await self.http.get_json(url)
        except FetchError as exc:
            raise LookupError(str(exc)) from None
        if not isinstance(document, Mapping):
            raise LookupError(f"{url} is not a status list credential")
        await self.store.cache_status_list(url, document, self.status_cache_seconds)
        return document

    # -- verification before storing -----------------------------------------------------
    async def check_before_storing(self, credential: Any, holder_did: str) -> VerificationResult:
        """Verify a credential; :class:`Refused` (nothing stored) unless it may be kept.

        Kept: the proof is valid, no check failed (a status that cannot be checked right now is
        a warning) and it was issued to this wallet's DID or to no DID at all.
        """
        to_verify = credential
        if EcdsaSdAdapter().handles(credential):
            # A verifier accepts only derived proofs: check the base proof by disclosing everything.
            assert isinstance(credential, Mapping)
            try:
                to_verify = await asyncio.to_thread(disclose_all, dict(credential))
            except VCError as exc:
                raise Refused("refused.not_verified", [], detail=str(exc)) from None
        result = await self.verifier.verify(to_verify)
        checks = [c.to_json() for c in result.checks]
        failed = [c for c in result.checks if c.outcome is Outcome.FAILED]
        if failed:
            key = "refused.revoked" if failed[0].name == "status" else "refused.not_verified"
            raise Refused(key, checks, detail=failed[0].message)
        assert isinstance(credential, Mapping)
        secured = result.credential or credential  # an enveloped (vc+jwt) credential: what it secures
        others = [s for s in subject_ids(secured) if s.startswith("did:") and s != holder_did]
        if others:
            raise Refused("refused.other_holder", checks, subject=others[0], did=holder_did)
        return result

    async def status_token(self, url: str) -> str:
        """A Token Status List JWT (for SD-JWT VCs); its signature is checked by the caller."""
        try:
            reply = await self.http.get(url)
        except FetchError as exc:
            raise LookupError(str(exc)) from None
        if reply.status != 200 or not reply.raw:
            raise LookupError(f"{url} answered HTTP {reply.status}")
        return reply.raw.decode("utf-8", "replace").strip()

    async def check_sd_jwt_before_storing(
        self, sd_jwt: str, holder_did: str, holder_jwks: Sequence[Mapping[str, str]] = ()
    ) -> VerificationResult:
        """Like :meth:`check_before_storing`, for an SD-JWT VC: valid, and bound to this wallet's key."""
        result, bound = await sdjwt.check_issued(
            sd_jwt, holder_did, self.resolver, self.status_token, holder_jwks
        )
        checks = [c.to_json() for c in result.checks]
        failed = [c for c in result.checks if c.outcome is Outcome.FAILED]
        if failed:
            key = "refused.revoked" if failed[0].name == "status" else "refused.not_verified"
            raise Refused(key, checks, detail=failed[0].message)
        if not bound:
            raise Refused("refused.other_holder", checks, subject="another key", did=holder_did)
        return result

    async def add_credential(
        self,
        uid: str,
        holder_did: str,
        credential: Any,
        source: str,
        holder_jwks: Sequence[Mapping[str, str]] = (),
    ) -> tuple[StoredCredential, VerificationResult]:
        """Verify and store one credential; refused credentials change nothing."""
        sd_jwt = sdjwt.sd_jwt_of(credential)
        if sd_jwt is not None:
            credential = sdjwt.envelope(sd_jwt)
            result: VerificationResult = await self.check_sd_jwt_before_storing(sd_jwt, holder_did, holder_jwks)
        elif not isinstance(credential, Mapping):
            raise Refused("refused.not_json_object", [])
        else:
            result = await self.check_before_storing(credential, holder_did)
        assert isinstance(credential, Mapping)
        existing = await self.credentials(uid)
        if credential.get("id") and any(s.credential.get("id") == credential.get("id") for s in existing):
            raise UserError("error.already_stored", title=view(credential).title)
        cid = uuid.uuid4().hex
        record = {"credential": dict(credential), "added": format_datetime(utc_now()), "source": source}
        sealed = self.vault.seal_json(uid, credential_label(cid), record)
        await self.store.add_credentials(uid, {cid: (sealed, time.time())})
        return self._stored(cid, record), result

    @staticmethod
    def parse_credential_text(text: str | bytes) -> Any:
        """A pasted or uploaded credential; :class:`Refused` if it is not a JSON object."""
        if len(text) > MAX_CREDENTIAL_BYTES:
            raise Refused("refused.too_large", [], max=MAX_CREDENTIAL_BYTES)
        if isinstance(text, bytes) and (cose := envelope_of_bytes(text)) is not None:
            return cose  # a binary vc+cose file, kept as an EnvelopedVerifiableCredential
        try:
            raw = text.decode("utf-8-sig") if isinstance(text, bytes) else text
            if sdjwt.sd_jwt_of(raw) is not None:
                return raw.strip()  # an SD-JWT VC (compact serialisation)
            if (enveloped := envelope_of_text(raw)) is not None:
                return enveloped  # a vc+jwt (compact JWS) or vc+cose, kept as an EnvelopedVerifiableCredential
            data = safejson.loads(raw)
        except (UnicodeDecodeError, ValueError) as exc:
            raise Refused("refused.not_json", [], detail=str(exc)) from None
        if isinstance(data, Mapping) and "verifiableCredential" in data and "proof" not in data:
            data = data["verifiableCredential"]  # a VC-API answer {"verifiableCredential": …}
        if not isinstance(data, Mapping):
            raise Refused("refused.not_json_object", [])
        return data

    # -- keep ----------------------------------------------------------------------------
    def _stored(self, cid: str, record: Mapping[str, Any]) -> StoredCredential:
        credential = dict(record["credential"])
        return StoredCredential(
            cid=cid,
            credential=credential,
            added=str(record.get("added", "")),
            source=str(record.get("source", "")),
            view=view(sdjwt.display_form(secured_content(credential))),
        )

    async def credentials(self, uid: str, query: str = "") -> list[StoredCredential]:
        items = []
        for cid, blob in await self.store.credential_blobs(uid):
            stored = self._stored(cid, self.vault.open_json(uid, credential_label(cid), blob))
            if matches(stored.view, query):
                items.append(stored)
        return items

    async def credential(self, uid: str, cid: str) -> StoredCredential:
        blob = await self.store.credential_blob(uid, cid) if cid.isalnum() else None
        if blob is None:
            raise NotFound("error.credential_not_found")
        return self._stored(cid, self.vault.open_json(uid, credential_label(cid), blob))

    async def delete_credential(self, uid: str, cid: str) -> None:
        if not cid.isalnum() or not await self.store.delete_credential(uid, cid):
            raise NotFound("error.credential_not_found")

    async def refresh_status(self, uid: str, items: list[StoredCredential]) -> None:
        """Fill in each credential's status from the issuers' status lists (cached briefly)."""
        await asyncio.gather(*(self._status(uid, s) for s in items))

    async def _status(self, uid: str, stored: StoredCredential) -> None:
        cached = await self.store.cached_status(uid, stored.cid)
        if cached is None:
            cached = await self.current_status(stored.credential)
            if cached["status"] != "unknown":
                await self.store.cache_status(uid, stored.cid, cached, self.status_cache_seconds)
        stored.status = str(cached["status"])
        stored.status_message = cached.get("message")

    async def current_status(self, credential: Mapping[str, Any]) -> dict[str, Any]:
        sd_jwt = sdjwt.sd_jwt_of(credential)
        if sd_jwt is not None:
            result, _ = await sdjwt.check_issued(sd_jwt, "", self.resolver, self.status_token)
            validity, status = result.check("validity"), result.check("status")
            if validity is not None and validity.outcome is Outcome.FAILED:
                return {"status": "expired", "message": validity.message}
            if status is None or status.outcome is Outcome.UNKNOWN:
                return {"status": "unknown", "message": status.message if status else None}
            state = status.details.get("status")
            if state in ("revoked", "suspended"):
                return {"status": state, "message": status.message}
            return {"status": "valid", "message": status.message}
        credential = secured_content(credential)  # vc+jwt: the dates and status entries it secures
        validity = self.verifier.check_validity(credential)
        if validity.outcome is Outcome.FAILED:
            return {"status": "expired", "message": validity.message}
        check = await self.verifier.check_status(credential)
        state = check.details.get("status")
        if check.outcome is Outcome.UNKNOWN or state is None:
            return {"status": "unknown", "message": check.message}
        if state in ("revoked", "suspended"):
            return {"status": state, "message": check.message}
        return {"status": "valid", "message": check.message}

