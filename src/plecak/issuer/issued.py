"""Issued credentials: status entries, status changes, the signed status list credentials, the registrar's
search and each credential's history."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import unicodedata
from collections.abc import Mapping
from typing import Any

from plecak.core.errors import DataModelError
from plecak.core.integrity.proofs import add_proof
from plecak.core.model.datamodel import credential_version
from plecak.core.status.bitstring import Bitstring, status_list_credential
from plecak.core.timeutil import format_datetime, utc_now

from .signing import IssuerKeys
from .store import IssuerStore, index_entry

__all__ = ["STATUS_PURPOSES", "Conflict", "IssuedCredentials", "NotFound", "found", "next_version"]


SL2021_CONTEXT = "https://w3id.org/vc/status-list/2021/v1"
STATUS_PURPOSES = ("revocation", "suspension")


class NotFound(LookupError):
    """The named achievement, credential or status list does not exist."""


def found(record: dict[str, Any] | None, what: str) -> dict[str, Any]:
    """``record``, or :class:`NotFound` saying there is ``no {what}``."""
    if record is None:
        raise NotFound(f"no {what}")
    return record


def next_version(existing: Mapping[str, Any] | None) -> dict[str, Any]:
    """The version members of an edited record (achievement, pathway): one more than ``existing``'s
    version, its creation time kept (now for a new record), and the time of this change."""
    now = format_datetime(utc_now())
    return {
        "version": (existing or {}).get("version", 0) + 1,
        "created": (existing or {}).get("created", now),
        "updated": now,
    }


class Conflict(Exception):
    """The request conflicts with the current state (e.g. reinstating a revoked credential)."""


class IssuedCredentials:
    """What happens to credentials once issued: their status entries and changes, the signed status
    lists, and the registrar's search; :class:`plecak.issuer.service.IssuerService` builds on it."""

    store: IssuerStore
    keys: IssuerKeys
    public_url: str
    list_length: int
    _email_key: bytes

    # -- learners' e-mail addresses ------------------------------------------------------
    def email_index(self, email: str) -> str:
        """A keyed hash (HMAC-SHA-256, per-deployment secret) of a normalised e-mail address: the
        registrar can find a learner by the address they type, and Redis never holds it in clear."""
        normalised = email.strip().lower().encode()
        return "hmac-sha256:" + hmac.new(self._email_key, normalised, hashlib.sha256).hexdigest()

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
        record = found(await self.store.get_credential(credential_id), f"credential {credential_id} was issued here")
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
        record = found(await self.store.get_credential(credential_id), f"credential {credential_id} was issued here")
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
            if "event" in change:  # verification links: made (for a PDF, in a language, or alone), withdrawn
                events.append({k: change[k] for k in ("at", "event", "link", "pdf", "expires") if k in change})
                continue
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
