"""The ``status`` step of a credential's pipeline: Bitstring Status List, StatusList2021 and the
1EdTech Revocation List Status Method."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plecak.core.errors import StatusListError
from plecak.core.model.datamodel import issuer_id
from plecak.core.status.bitstring import parse_status_entry, read_status
from plecak.core.verify.checks import Check, Outcome
from plecak.core.verify.pipeline import Context, Unsealed
from plecak.core.verify.status_cache import VerifiedListCache
from plecak.core.verify.steps import status_none, status_ok, status_unreadable, status_withdrawn

__all__ = ["EDTECH_REVOCATION_LIST", "ProofChecker", "StatusListFetcher", "StatusStep"]

StatusListFetcher = Callable[[str], Awaitable[Mapping[str, Any]]]
ProofChecker = Callable[[Mapping[str, Any]], Awaitable[Check]]
EDTECH_REVOCATION_LIST = "1EdTechRevocationList"


@dataclass
class StatusStep:
    """``status``: every status entry of the credential, read from lists signed by its signer."""

    fetcher: StatusListFetcher
    check_proof: ProofChecker
    """Checks a status list's own proof (the list must be signed by one of the credential's signers)."""
    verified_lists: VerifiedListCache | None = None
    name: str = "status"
    if_unsealed: Unsealed = "row"

    async def run(self, context: Context) -> Check | None:
        return await self.check(context.subject, context.values.get("signers", []))

    # long: every status entry is read before one outcome is chosen (a revocation outweighs an unreadable list)
    async def check(self, credential: Mapping[str, Any], signers: Sequence[str] | None = None) -> Check:
        """``signers``: controllers of the credential's proofs; the status list must be signed by one
        of them (by default the issuer) and name the same issuer."""
        raw = credential.get("credentialStatus")
        if raw is None:
            return status_none()
        entries = raw if isinstance(raw, list) else [raw]
        found: dict[str, bool] = {}
        as_of: dict[str, str] = {}  # purpose -> validFrom of the list that says revoked/suspended
        # A status that cannot be read is reported only when no other entry shows a revocation
        # or suspension: a revoked credential stays "revoked" if its suspension list is down.
        unknown: Check | None = None
        for item in entries:
            if isinstance(item, Mapping) and item.get("type") == EDTECH_REVOCATION_LIST:
                try:
                    revoked = await self._edtech_revoked(item, credential)
                    found["revocation"] = found.get("revocation", False) or revoked
                except Exception as exc:  # as below: an unreadable list is "unknown", never "ok"
                    unknown = unknown or status_unreadable(exc)
                continue
            if not isinstance(item, Mapping) or item.get("type") not in (
                "BitstringStatusListEntry",
                "StatusList2021Entry",
            ):
                kind = item.get("type") if isinstance(item, Mapping) else None
                unknown = unknown or Check(
                    "status",
                    Outcome.UNKNOWN,
                    f"The status could not be checked: unsupported status type {kind!r}.",
                    code="status.unsupported",
                    params={"type": repr(kind)},
                )
                continue
            try:
                purpose, revoked, valid_from = await self._read_entry(item, credential, signers)
                found[purpose] = found.get(purpose, False) or revoked
                if revoked and valid_from is not None:
                    as_of[purpose] = valid_from
            except Exception as exc:  # network errors, bad lists: the status is unknown, never "ok"
                unknown = unknown or status_unreadable(exc)
        for purpose, status in (("revocation", "revoked"), ("suspension", "suspended")):
            if found.get(purpose):
                return status_withdrawn(status, as_of.get(purpose))
        return unknown or status_ok({"checked": sorted(found)})

    async def _read_entry(
        self, item: Mapping[str, Any], credential: Mapping[str, Any], signers: Sequence[str] | None
    ) -> tuple[str, bool, str | None]:
        """``(purpose, set?, validFrom of the list)`` of a Bitstring / StatusList2021 entry."""
        entry = parse_status_entry(item)
        list_vc = await self.fetcher(entry.list_url)
        list_signers = self.verified_lists.signers(list_vc) if self.verified_lists else None
        if list_signers is None:
            list_proof = await self.check_proof(list_vc)
            if list_proof.outcome is Outcome.FAILED:
                raise StatusListError("the status list's signature is not valid")
            list_signers = [str(s) for s in list_proof.details.get("signers", [])]
            if self.verified_lists is not None:
                self.verified_lists.remember(list_vc, list_signers)
        if issuer_id(list_vc) != issuer_id(credential):
            raise StatusListError("the status list was not published by the credential's issuer")
        allowed = set(signers or [str(issuer_id(credential))])
        if not allowed & set(list_signers):
            raise StatusListError("the status list was not signed by the credential's signer")
        revoked = read_status(list_vc, entry)
        valid_from = list_vc.get("validFrom")
        return entry.status_purpose, revoked, valid_from if isinstance(valid_from, str) else None

    async def _edtech_revoked(self, entry: Mapping[str, Any], credential: Mapping[str, Any]) -> bool:
        """1EdTech Revocation List Status Method: ``entry.id`` is a JSON list whose
        ``revokedCredentials`` name revoked credential ids. The list is not signed: it must come
        over https (the fetcher's rule), say it is that URL and name the credential's issuer."""
        url = entry.get("id")
        if not isinstance(url, str) or not url.startswith("https://"):
            raise StatusListError("a 1EdTechRevocationList id must be an https URL")
        credential_id = credential.get("id")
        if not isinstance(credential_id, str):
            raise StatusListError("the credential has no id, so no revocation list can name it")
        listing = await self.fetcher(url)
        if listing.get("id", url) != url:
            raise StatusListError(f"the revocation list at {url} says it is {listing.get('id')!r}")
        list_issuer = listing.get("issuer")
        if isinstance(list_issuer, Mapping):
            list_issuer = list_issuer.get("id")
        if list_issuer != issuer_id(credential):
            raise StatusListError("the revocation list does not name the credential's issuer")
        revoked = listing.get("revokedCredentials", [])
        if not isinstance(revoked, list):
            raise StatusListError("revokedCredentials is not a list")
        ids = {r.get("id") if isinstance(r, Mapping) else r for r in revoked}
        return credential_id in ids
