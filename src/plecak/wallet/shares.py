"""Share links: a presentation signed by the learner, served at an unguessable, expiring, revocable URL.

The link's token is 256 random bits; Redis keeps only its SHA-256, so the wallet cannot show a
link again (and nobody reading the database can open a share). The presentation is sealed at
rest like the credentials. A one-time link counts its uses atomically and stops after the first.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from plecak.core.sdjwt import SdJwtError
from plecak.core.timeutil import format_datetime
from plecak.core.verify.presentation import create_presentation

from .exceptions import Gone, NotFound, UserError
from .sdjwt import bind, envelope, sd_jwt_of
from .store import SHARE_GRACE_SECONDS, WalletStore, digest
from .vault import HolderKey, Vault

__all__ = ["DEFAULT_DAYS", "EXPIRY_DAYS", "Share", "ShareService"]

EXPIRY_DAYS = (1, 7, 30, 90, 365)
DEFAULT_DAYS = 30
MAX_CREDENTIALS = 20


@dataclass
class Share:
    hash: str
    created: float
    expires: float
    one_time: bool
    uses: int
    revoked: bool
    titles: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.revoked:
            return "revoked"
        if time.time() >= self.expires:
            return "expired"
        if self.one_time and self.uses >= 1:
            return "used"
        return "active"

    @property
    def created_text(self) -> str:
        return format_datetime_ts(self.created)

    @property
    def expires_text(self) -> str:
        return format_datetime_ts(self.expires)


def format_datetime_ts(seconds: float) -> str:
    from datetime import UTC, datetime

    return format_datetime(datetime.fromtimestamp(seconds, UTC)).replace("T", " ").removesuffix("Z") + " UTC"


def _what(share_hash: str) -> str:
    return f"share:{share_hash}"


class ShareService:
    def __init__(self, store: WalletStore, vault: Vault) -> None:
        self.store = store
        self.vault = vault

    async def create(
        self,
        uid: str,
        holder: HolderKey,
        credentials: Sequence[dict[str, Any]],
        titles: Sequence[str],
        *,
        days: int = DEFAULT_DAYS,
        one_time: bool = False,
        audience: str = "",
    ) -> tuple[str, Share]:
        """Present ``credentials`` (already disclosed: see :func:`wallet.disclosure.selective.disclose`) and
        store the presentation under a new token (returned once).

        W3C credentials go into one presentation signed by the holder key. An SD-JWT VC travels
        alone: the link then serves it as an ``EnvelopedVerifiableCredential`` whose SD-JWT ends
        with a key-binding JWT for ``audience`` (a W3C presentation cannot carry an SD-JWT VC to
        our verifier, so the two formats do not mix in one link).
        """
        if not credentials:
            raise UserError("share.none_chosen")
        if len(credentials) > MAX_CREDENTIALS:
            raise UserError("share.none_chosen")
        if days not in EXPIRY_DAYS:
            raise UserError("share.bad_expiry")
        if any(sd_jwt_of(c) is not None for c in credentials):
            if len(credentials) != 1:
                raise UserError("share.sd_jwt_alone")
            try:
                shown = bind(credentials[0], holder, nonce=secrets.token_urlsafe(16), audience=audience)
            except SdJwtError:
                raise UserError("share.bad_fields") from None
            return await self.create_document(uid, envelope(shown), titles, days=days, one_time=one_time)
        vp = create_presentation(
            credentials,
            holder.pair,
            holder.did,
            holder.verification_method,
            challenge=secrets.token_urlsafe(16),
            presentation_id=f"urn:uuid:{uuid.uuid4()}",
        )
        return await self.create_document(uid, vp, titles, days=days, one_time=one_time)

    async def create_document(
        self,
        uid: str,
        vp: dict[str, Any],
        titles: Sequence[str],
        *,
        days: int = DEFAULT_DAYS,
        one_time: bool = False,
    ) -> tuple[str, Share]:
        """Store an already made presentation (e.g. an enveloped SD-JWT VC) under a new token."""
        if days not in EXPIRY_DAYS:
            raise UserError("share.bad_expiry")
        token = secrets.token_urlsafe(32)
        share_hash = digest(token)
        now = time.time()
        expires = now + days * 86400
        sealed = self.vault.seal_json(uid, _what(share_hash), {"vp": vp, "titles": list(titles)})
        await self.store.save_share(
            uid,
            share_hash,
            {
                "uid": uid,
                "created": str(now),
                "expires": str(expires),
                "one_time": "1" if one_time else "0",
                "uses": "0",
                "revoked": "0",
                "sealed": sealed,
            },
            ttl=days * 86400 + SHARE_GRACE_SECONDS,
        )
        return token, Share(share_hash, now, expires, one_time, 0, False, list(titles))

    def _share(self, share_hash: str, record: dict[str, Any]) -> tuple[Share, dict[str, Any]]:
        content = self.vault.open_json(str(record["uid"]), _what(share_hash), record["sealed"])
        share = Share(
            hash=share_hash,
            created=float(record["created"]),
            expires=float(record["expires"]),
            one_time=record.get("one_time") == "1",
            uses=int(record.get("uses", 0)),
            revoked=record.get("revoked") == "1",
            titles=list(content.get("titles", [])),
        )
        return share, content

    async def open(self, token: str, *, count: bool = True) -> dict[str, Any]:
        """The presentation behind a share link; :class:`Gone` when revoked, expired or used up."""
        if not token or len(token) > 128:
            raise NotFound("share.not_found")
        share_hash = digest(token)
        record = await self.store.get_share(share_hash)
        if record is None:
            raise NotFound("share.not_found")
        share, content = self._share(share_hash, record)
        if share.state != "active":
            raise Gone(f"share.gone_{share.state}")
        if count:
            uses = await self.store.use_share(share_hash)
            if share.one_time and uses > 1:
                raise Gone("share.gone_used")
        vp: dict[str, Any] = content["vp"]
        return vp

    async def list(self, uid: str) -> list[Share]:
        shares, missing = [], []
        for share_hash in await self.store.share_hashes(uid):
            record = await self.store.get_share(share_hash)
            if record is None:
                missing.append(share_hash)
                continue
            shares.append(self._share(share_hash, record)[0])
        await self.store.forget_shares(uid, missing)
        return shares

    async def revoke(self, uid: str, share_hash: str) -> None:
        if len(share_hash) != 64 or not await self.store.revoke_share(uid, share_hash):
            raise NotFound("share.not_found")
