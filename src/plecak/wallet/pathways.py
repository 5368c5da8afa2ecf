"""Pathways the learner follows, progress from the credentials held, and certificate claims.

A pathway is followed by its public URL (``https://issuer.example/pathways/{uuid}``, or
``…/programmes/{uuid}`` from issuers of before the rename): the wallet fetches the definition once,
checks its rule with :func:`plecak.core.pathways.normalise_rule`, and keeps it sealed like the
credentials (``wallet:programmes:{uid}``: hash sha256(url) -> sealed JSON; the key and the sealing
label keep the name "programme" they had before the rename, so followed pathways stay readable).
Progress is evaluated locally with :func:`plecak.core.pathways.evaluate`; revoked, suspended or expired
credentials do not count. Claiming asks the issuer for a challenge, signs a presentation of the
credentials that count with the holder key, posts it, and keeps the certificate that comes back
(verified like any other credential before it is stored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from plecak.core.errors import RuleError
from plecak.core.model.shown import read_shown
from plecak.core.pathways import Evaluation, Phrase, evaluate, normalise_rule, part_from_credential
from plecak.core.timeutil import utc_now
from plecak.core.verify.presentation import create_presentation

from .disclosure.selective import full_disclosure
from .exceptions import NotFound, UserError
from .ports import FetchError
from .service import StoredCredential, WalletService
from .store import digest
from .vault import HolderKey

__all__ = ["PathwayService", "Progress", "cited_parts"]

MAX_PATHWAYS = 50
PATHWAY_TYPES = ("Pathway", "Programme")  # Programme: what issuers published before the rename
LISTINGS = (("/pathways", "pathways"), ("/programmes", "programmes"))  # newer issuers first
MAX_DISCOVERY_ORIGINS = 10


@dataclass
class Progress:
    key: str
    pathway: dict[str, Any]
    evaluation: Evaluation
    certificate: StoredCredential | None
    titles: dict[str, str]

    @property
    def name(self) -> str:
        return str(self.pathway["name"])


def _what(key: str) -> str:
    return f"programme:{key}"  # the sealing label: unchanged, or followed pathways could not be opened


def _same_origin(a: str, b: Any) -> bool:
    if not isinstance(b, str):
        return False
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.netloc) == (pb.scheme, pb.netloc)


def _achievement_id(credential: Mapping[str, Any]) -> str | None:
    return part_from_credential(credential).achievement


def cited_parts(credential: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(name, credential id)`` of each part a stacked certificate cites in ``evidence``."""
    parts = [(e.name or e.id, e.id) for e in read_shown(credential).evidence if e.id and e.cites]
    return parts[:MAX_PATHWAYS]


class PathwayService:
    def __init__(self, service: WalletService) -> None:
        self.service = service
        self.redis = service.store.redis

    def _key(self, uid: str) -> str:
        return f"wallet:programmes:{{{uid}}}"  # stored name kept; the user's hash tag, as in wallet.store

    async def follow(self, uid: str, url: str) -> dict[str, Any]:
        """Fetch a pathway definition and remember it; :class:`UserError` if it is not one."""
        url = url.strip()
        try:
            self.service.http.check_url(url)
            data = await self.service.http.get_json(url)
        except FetchError as exc:
            raise UserError("pathways.fetch_failed", detail=str(exc)) from None
        pathway = self._check(url, data)
        key = digest(pathway["id"])[:32]
        known = await self.redis.hexists(self._key(uid), key)
        if not known and await self.redis.hlen(self._key(uid)) >= MAX_PATHWAYS:
            raise UserError("pathways.too_many", max=MAX_PATHWAYS)
        sealed = self.service.vault.seal_json(uid, _what(key), pathway)
        await self.redis.hset(self._key(uid), key, sealed)
        return pathway

    @staticmethod
    def _check(url: str, data: Any) -> dict[str, Any]:
        if not isinstance(data, Mapping) or data.get("type") not in PATHWAY_TYPES:
            raise UserError("pathways.not_a_pathway")
        try:
            rule = normalise_rule(data.get("rule"))
        except RuleError as exc:
            raise UserError("pathways.not_a_pathway", detail=str(exc)) from None
        claim = data.get("claim")
        achievement = data.get("achievement")
        if (
            not isinstance(data.get("name"), str)
            or not _same_origin(url, data.get("id"))
            or not isinstance(claim, Mapping)
            or not _same_origin(url, claim.get("nonce"))
            or not _same_origin(url, claim.get("endpoint"))
            or not isinstance(achievement, Mapping)
            or not _same_origin(url, achievement.get("id"))
        ):
            raise UserError("pathways.not_a_pathway")
        return {
            "id": str(data["id"]),
            "name": str(data["name"])[:300],
            "description": str(data.get("description") or "")[:2000],
            "issuer": str(data.get("issuer") or ""),
            "achievementId": str(achievement["id"]),
            "rule": rule,
            "claim": {"nonce": str(claim["nonce"]), "endpoint": str(claim["endpoint"])},
        }

    async def discover(self, uid: str) -> list[dict[str, Any]]:
        """Pathways published by the issuers of held credentials (``{origin}/pathways``, else the older
        ``{origin}/programmes``) that use at least one held credential and are not followed yet;
        unreachable issuers are skipped."""
        held: set[tuple[str, str]] = set()
        origins: list[str] = []
        for stored in await self.service.credentials(uid):
            part = part_from_credential(stored.credential)
            if not part.achievement or not part.issuer:
                continue
            held.add((part.achievement, part.issuer))
            pieces = urlsplit(part.achievement)
            origin = f"{pieces.scheme}://{pieces.netloc}"
            if pieces.scheme in ("https", "http") and origin not in origins:
                origins.append(origin)
        followed = {p["id"] for p in (await self.pathways(uid)).values()}
        found: list[dict[str, Any]] = []
        for origin in origins[:MAX_DISCOVERY_ORIGINS]:
            for item in await self._listing(origin):
                url = item.get("id") if isinstance(item, Mapping) else None
                if not isinstance(url, str) or not _same_origin(origin, url) or url in followed:
                    continue
                try:
                    pathway = self._check(url, item)
                except UserError:
                    continue
                components = {(c["achievement"], c["issuer"]) for c in pathway["rule"]["components"]}
                uses = len(components & held)
                if uses:
                    found.append(
                        {"url": url, "name": pathway["name"], "uses": uses, "total": len(components)}
                    )
        return found

    async def _listing(self, origin: str) -> list[Any]:
        """The pathways an issuer publishes; ``[]`` if it publishes none or cannot be reached."""
        for path, member in LISTINGS:
            try:
                listing = await self.service.http.get_json(origin + path)
            except FetchError:
                continue
            items = listing.get(member) if isinstance(listing, Mapping) else None
            return items if isinstance(items, list) else []
        return []

    async def unfollow(self, uid: str, key: str) -> None:
        if not key.isalnum() or not await self.redis.hdel(self._key(uid), key):
            raise NotFound("pathways.not_found")

    async def pathways(self, uid: str) -> dict[str, dict[str, Any]]:
        raw = await self.redis.hgetall(self._key(uid))
        out = {}
        for k, blob in raw.items():
            key = k.decode() if isinstance(k, bytes) else str(k)
            out[key] = self.service.vault.open_json(
                uid, _what(key), blob if isinstance(blob, bytes) else blob.encode()
            )
        return dict(sorted(out.items(), key=lambda item: str(item[1]["name"])))

    async def progress(self, uid: str, holder_did: str) -> list[Progress]:
        pathways = await self.pathways(uid)
        if not pathways:
            return []
        items = await self.service.credentials(uid)
        await self.service.refresh_status(uid, items)
        parts = []
        for stored in items:
            rejected = None
            if stored.status in ("revoked", "suspended", "expired"):
                english = f"{stored.status}: {stored.status_message or ''}".strip(": ")
                rejected = Phrase(english, f"rejected_{stored.status}")
            part = part_from_credential(stored.credential, rejected=rejected)
            if part.subject is None and rejected is None:
                # The issuer only counts parts issued to the DID that presents them.
                unbound = Phrase("not issued to your wallet's DID", "not_bound")
                part = part_from_credential(stored.credential, rejected=unbound)
            parts.append(part)
        titles = {str(s.credential.get("id")): s.view.title for s in items}
        now = utc_now()
        result = []
        for key, pathway in pathways.items():
            evaluation = evaluate(pathway["rule"], parts, now=now, holder=holder_did)
            certificate = next(
                (
                    s
                    for s in items
                    if _achievement_id(s.credential) == pathway["achievementId"]
                    and s.status not in ("revoked", "suspended", "expired")
                ),
                None,
            )
            result.append(Progress(key, pathway, evaluation, certificate, titles))
        return result

    async def one(self, uid: str, holder_did: str, key: str) -> Progress:
        for item in await self.progress(uid, holder_did):
            if item.key == key:
                return item
        raise NotFound("pathways.not_found")

    async def claim(self, uid: str, holder: HolderKey, key: str) -> StoredCredential:
        """Present the counting credentials to the issuer and keep the certificate it returns."""
        item = await self.one(uid, holder.did, key)
        try:  # the issuer evaluates its current rule: refresh our copy first
            await self.follow(uid, item.pathway["id"])
            item = await self.one(uid, holder.did, key)
        except UserError:
            pass
        if not item.evaluation.met:
            raise UserError("pathways.not_met", detail="; ".join(item.evaluation.missing))
        ids = {p.credential_id for p, _ in item.evaluation.used}
        creds = [
            await full_disclosure(s.credential)
            for s in await self.service.credentials(uid)
            if str(s.credential.get("id")) in ids
        ]
        http = self.service.http
        claim = item.pathway["claim"]
        try:
            reply = await http.post(claim["nonce"], json_body={})
            body = reply.body if isinstance(reply.body, Mapping) else {}
            challenge, domain = body.get("challenge"), body.get("domain")
            if (
                reply.status not in (200, 201)
                or not isinstance(challenge, str)
                or not isinstance(domain, str)
            ):
                raise UserError("pathways.claim_failed", detail=f"HTTP {reply.status}")
            vp = create_presentation(
                creds, holder.pair, holder.did, holder.verification_method, challenge=challenge, domain=domain
            )
            reply = await http.post(claim["endpoint"], json_body={"presentation": vp})
        except FetchError as exc:
            raise UserError("pathways.claim_failed", detail=str(exc)) from None
        body = reply.body if isinstance(reply.body, Mapping) else {}
        if reply.status not in (200, 201) or not isinstance(body.get("verifiableCredential"), Mapping):
            detail = body.get("detail") if isinstance(body.get("detail"), str) else f"HTTP {reply.status}"
            raise UserError("pathways.claim_refused", detail=str(detail))
        credential = body["verifiableCredential"]
        for stored in await self.service.credentials(uid):
            if credential.get("id") and stored.credential.get("id") == credential.get("id"):
                return stored
        stored, _ = await self.service.add_credential(uid, holder.did, credential, "claim")
        return stored
