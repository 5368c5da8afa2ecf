"""The wallet's domain logic: keep, verify and look after a learner's credentials.

No aiohttp here: handlers translate HTTP to these calls. Receiving (OpenID4VCI), sharing,
presenting (OpenID4VP) and backups live in their own modules and use this service; keeping,
checking and listing credentials is its base, :class:`~plecak.wallet.keeping.CredentialKeeper`.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from plecak.core.disclosure import EcdsaSdAdapter
from plecak.core.errors import VCError
from plecak.core.integrity.ecdsa_sd import disclose_all
from plecak.core.timeutil import format_datetime, utc_now
from plecak.core.verify.credential import Outcome, VerificationResult

from . import backup, sdjwt
from .credentials import subject_ids, view
from .disclosure.selective import disclose_for_request
from .exceptions import UserError
from .keeping import MAX_CREDENTIAL_BYTES, CredentialKeeper, StoredCredential, credential_label
from .oid4vci import client as oid4vci
from .oid4vci.client import OfferPreview
from .oid4vp import answer as oid4vp
from .oid4vp.answer import PresentationRequest
from .ports import FetchError
from .vault import HolderKey

__all__ = ["MAX_CREDENTIAL_BYTES", "StoredCredential", "WalletService"]

_PENDING_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class WalletService(CredentialKeeper):
    """The learner's wallet: keeping credentials (the base), receiving, presenting and backups."""

    # -- receive (OpenID4VCI) ------------------------------------------------------------
    async def _new_pending(self, uid: str, kind: str, data: Mapping[str, Any]) -> str:
        pid = secrets.token_urlsafe(16)
        await self.store.save_pending(uid, pid, {"kind": kind, **data})
        return pid

    async def _pending(self, uid: str, pid: str, kind: str, expired_key: str) -> dict[str, Any]:
        data = await self.store.get_pending(uid, pid) if _PENDING_ID.match(pid) else None
        if data is None or data.get("kind") != kind:
            raise UserError(expired_key)
        return data

    async def preview_offer(
        self, uid: str, params: Mapping[str, str], lang: str = "en"
    ) -> tuple[str, OfferPreview]:
        """Read an offer for the learner to confirm; remembered for 15 minutes under a new id."""
        preview = await oid4vci.load_offer(self.http, params, lang)
        return await self._new_pending(uid, "offer", {"offer": preview.to_json()}), preview

    async def pending_offer(self, uid: str, pid: str) -> OfferPreview:
        data = await self._pending(uid, pid, "offer", "offer.expired_session")
        return OfferPreview.from_json(data["offer"])

    async def accept_offer(
        self, uid: str, holder: HolderKey, pid: str, tx_code: str | None
    ) -> tuple[StoredCredential, VerificationResult]:
        """Redeem a pending offer, verify the credential and store it (only if it verifies)."""
        offer = await self.pending_offer(uid, pid)
        credential = await oid4vci.redeem(self.http, offer, holder, tx_code)
        await self.store.take_pending(uid, pid)  # the code is spent, whatever happens next
        return await self.add_credential(uid, holder.did, credential, "offer", holder.public_jwks())

    # -- present (OpenID4VP) -------------------------------------------------------------
    async def _matches(self, uid: str, request: PresentationRequest) -> dict[str, list[StoredCredential]]:
        items = await self.credentials(uid)
        return {
            q.id: [c for c in items if oid4vp.credential_matches(q, c.credential)] for q in request.queries
        }

    async def preview_request(
        self, uid: str, params: Mapping[str, str]
    ) -> tuple[str, PresentationRequest, dict[str, list[StoredCredential]]]:
        """Fetch a verifier's request and find the learner's matching credentials."""
        request = await oid4vp.load_request(
            self.http,
            params,
            resolve_did=self.resolver.resolve,
            now=utc_now(),
            trust_anchors=self.verifier_trust_anchors,
        )
        pid = await self._new_pending(uid, "request", {"request": request.to_json()})
        return pid, request, await self._matches(uid, request)

    async def pending_request(
        self, uid: str, pid: str
    ) -> tuple[PresentationRequest, dict[str, list[StoredCredential]]]:
        data = await self._pending(uid, pid, "request", "present.expired_session")
        request = PresentationRequest.from_json(data["request"])
        return request, await self._matches(uid, request)

    async def answer_request(
        self,
        uid: str,
        holder: HolderKey,
        pid: str,
        choices: Mapping[str, list[str]],
        approved: Mapping[str, Mapping[str, list[str]]] | None = None,
    ) -> dict[str, Any]:
        """Send only the credentials the learner picked, each query answered by a signed presentation.

        ``approved[query id][cid]`` lists the optional requested elements the learner left switched
        on (a credential missing there: all of them); the issuer's mandatory elements and the
        claims the verifier requires are always sent, elements nobody asked for never are.
        """
        request, matches = await self.pending_request(uid, pid)
        chosen: dict[str, list[dict[str, Any]]] = {}
        for query in request.queries:
            if not matches[query.id]:
                raise UserError("present.none")
            picked = [c for c in matches[query.id] if c.cid in choices.get(query.id, [])]
            if not picked:
                raise UserError("present.nothing_chosen")
            picked = picked if query.multiple else picked[:1]
            allowed = (approved or {}).get(query.id, {})
            chosen[query.id] = [
                await disclose_for_request(c.credential, query.claims, query.claim_sets, allowed.get(c.cid))
                for c in picked
            ]
        reply = await oid4vp.send_response(self.http, request, oid4vp.vp_token(request, chosen, holder))
        await self.store.take_pending(uid, pid)
        return self._safe_reply(reply)

    async def decline_request(self, uid: str, pid: str) -> dict[str, Any]:
        request, _ = await self.pending_request(uid, pid)
        reply = await oid4vp.send_response(self.http, request, None)
        await self.store.take_pending(uid, pid)
        return self._safe_reply(reply)

    def _safe_reply(self, reply: Mapping[str, Any]) -> dict[str, Any]:
        """The verifier's reply, keeping ``redirect_uri`` only if it is a web address we would open."""
        redirect = reply.get("redirect_uri")
        try:
            return {"redirect_uri": self.http.check_url(redirect)} if redirect else {}
        except FetchError:
            return {}

    # -- backups -------------------------------------------------------------------------
    async def export_backup(self, uid: str, holder: HolderKey, passphrase: str, again: str) -> bytes:
        backup.check_passphrase(passphrase, again)
        records = [
            {"credential": s.credential, "added": s.added, "source": s.source}
            for s in await self.credentials(uid)
        ]
        async with self._kdf_slots:
            return await asyncio.to_thread(
                backup.write_backup,
                passphrase,
                holder,
                records,
                time_cost=self.backup_time_cost,
                memory_kib=self.backup_memory_kib,
            )

    async def import_backup(self, uid: str, current_did: str, data: bytes, passphrase: str) -> int:
        """Restore a backup into this account: all or nothing. Returns how many credentials were added.

        The account must be empty or already use the backup's key (credentials are bound to it).
        Each credential's format and signature are checked; its status is not (a revoked credential
        comes back and shows as revoked).
        """
        async with self._kdf_slots:
            restored = await asyncio.to_thread(backup.read_backup, data, passphrase, self.backup_limits)
        existing = await self.credentials(uid)
        if existing and restored.holder.did != current_did:
            raise UserError("backup.not_empty", count=len(existing))
        known = {s.credential.get("id") for s in existing if s.credential.get("id")}
        sealed: dict[str, tuple[bytes, float]] = {}
        now = time.time()
        for position, record in enumerate(restored.credentials):
            credential = record["credential"]
            if credential.get("id") and credential["id"] in known:
                continue
            problem = await self._import_problem(credential, restored.holder.did, restored.holder.public_jwks())
            if problem is not None:
                title = view(sdjwt.display_form(credential)).title
                raise UserError("backup.credential_refused", detail=problem, title=title)
            known.add(credential.get("id"))
            cid = uuid.uuid4().hex
            kept = {
                "credential": credential,
                "added": str(record.get("added") or format_datetime(utc_now())),
                "source": str(record.get("source") or "import"),
            }
            sealed[cid] = (self.vault.seal_json(uid, credential_label(cid), kept), now - position / 1000)
        key_fields = {"did": restored.holder.did, "key": self.vault.seal_key(uid, restored.holder).hex()}
        await self.store.replace_holder_key_and_add(uid, key_fields, sealed)
        return len(sealed)

    async def _import_problem(
        self, credential: Mapping[str, Any], holder_did: str, holder_jwks: Sequence[Mapping[str, str]] = ()
    ) -> str | None:
        sd_jwt = sdjwt.sd_jwt_of(credential)
        if sd_jwt is not None:  # format, signature and disclosures; not the status (as below)
            result, bound = await sdjwt.check_issued(sd_jwt, holder_did, self.resolver, None, holder_jwks)
            failed = [c for c in result.checks if c.outcome is Outcome.FAILED]
            if failed:
                return failed[0].message
            return None if bound else "bound to another key"
        fmt = self.verifier.check_format(credential)
        if fmt.outcome is Outcome.FAILED:
            return fmt.message
        to_check = credential
        if EcdsaSdAdapter().handles(credential):  # a base proof: checked through a full disclosure
            try:
                to_check = await asyncio.to_thread(disclose_all, dict(credential))
            except VCError as exc:
                return str(exc)
        proof = await self.verifier.check_proof(to_check)
        if proof.outcome is not Outcome.PASSED:
            return proof.message
        others = [s for s in subject_ids(credential) if s.startswith("did:") and s != holder_did]
        return f"issued to {others[0]}" if others else None
