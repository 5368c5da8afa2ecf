"""The share screen's list of fields for credentials that allow selective disclosure.

Format-neutral: :func:`plecak.core.disclosure.adapter_for` finds the credential's format adapter
(``ecdsa-sd-2023`` today; SD-JWT VC can register its own), which lists the EU elements present,
which of them the issuer made mandatory, and makes the disclosure. This module only adds what the
wallet shows: the label and the value of each element as the learner sees it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plecak.core.disclosure import ELEMENT_POINTERS, ClaimPaths, EcdsaSdAdapter, adapter_for
from plecak.core.errors import VCError
from plecak.core.integrity.ecdsa_sd import disclose_all

from ..credentials import CredentialView
from ..exceptions import UserError

__all__ = [
    "RequestField",
    "ShareField",
    "claim_is_required",
    "disclose",
    "disclose_for_claims",
    "disclose_for_request",
    "full_disclosure",
    "request_fields",
    "share_fields",
]

# EU element key (plecak.core.disclosure) -> the wallet's field message keys (the first one labels it)
_WALLET_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("field.title",),
    "kind": ("field.kind",),
    "learner": ("field.learner",),
    "awarding_body": ("field.awarding_body",),
    "country": ("field.country",),
    "issued": ("field.issued",),
    "valid_until": ("field.valid_until",),
    "description": ("field.description",),
    "outcomes": ("field.learning_outcomes",),
    "ects": ("field.ects",),
    "credits_earned": ("field.credits_earned",),
    "workload_hours": ("field.workload",),
    "eqf": ("field.eqf",),
    "qf_ehea": ("field.qf_ehea",),
    "nqf": ("field.nqf",),
    "assessment": ("field.assessment",),
    "participation": ("field.participation",),
    "supervision": ("field.supervision",),
    "quality": ("field.quality_assurance",),
    "prerequisites": ("field.prerequisites",),
    "stackability": ("field.stackability",),
    "part_of": ("field.part_of",),
    "skills": ("field.skills",),
    "grade": ("field.grade", "field.grading_scheme"),
    "further": ("field.further_information",),
    "code": ("field.code",),
    "language": ("field.language",),
}
assert set(_WALLET_FIELDS) == set(ELEMENT_POINTERS)


@dataclass(frozen=True)
class ShareField:
    key: str
    """The EU element key (the form value of its switch)."""
    label: str
    """The message key of its label."""
    values: list[tuple[str, Any]]
    """``(message key, value)`` rows the employer sees when it is shared."""
    mandatory: bool

    @property
    def sent(self) -> bool:
        """Shared unless the learner switches it off (the preview starts with every field)."""
        return True


def share_fields(
    credential: Mapping[str, Any], view: CredentialView, lang: str = "en"
) -> list[ShareField] | None:
    """The fields the learner may switch off, mandatory ones first; ``None``: all or nothing.
    Country and language names are in ``lang``."""
    adapter = adapter_for(credential)
    if adapter is None:
        return None
    shown = dict(view.fields(lang))
    if view.achievement_type:
        shown["field.kind"] = view.achievement_type
    out = [
        ShareField(
            f.key,
            _WALLET_FIELDS[f.key][0],
            [(k, shown[k]) for k in _WALLET_FIELDS[f.key] if shown.get(k)],
            f.mandatory,
        )
        for f in adapter.fields(credential)
    ]
    return sorted(out, key=lambda f: not f.mandatory)


def claim_is_required(claim: Mapping[str, Any], claim_sets: Sequence[Sequence[str]]) -> bool:
    """Whether a DCQL claim must be sent: it constrains ``values`` (what makes the credential the
    one asked for), or every ``claim_sets`` option names it; without ``claim_sets`` DCQL asks for
    every claim. Any other requested claim is optional: the learner may decline it."""
    if claim.get("values"):
        return True
    if not claim_sets:
        return True
    return all(claim.get("id") in option for option in claim_sets)


@dataclass(frozen=True)
class RequestField:
    """One EU element on the OpenID4VP answer page."""

    field: ShareField
    state: str
    """``mandatory`` (the issuer), ``required`` (the verifier), ``optional`` (asked: a switch) or
    ``not_asked`` (never sent)."""

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def values(self) -> list[tuple[str, Any]]:
        return self.field.values

    @property
    def sent(self) -> bool:
        return self.state != "not_asked"


def _requested(
    credential: Mapping[str, Any], claims: Sequence[Mapping[str, Any]], claim_sets: Sequence[Sequence[str]]
) -> tuple[dict[str, bool], list[list[Any]]]:
    """EU element -> required?, for the claims that name an element; the paths of the others."""
    adapter = adapter_for(credential)
    elements: dict[str, bool] = {}
    other: list[list[Any]] = []
    for claim in claims:
        path = list(claim.get("path") or [])
        key = adapter.element_of_path(credential, path) if adapter else None
        if key is None:
            other.append(path)
        else:
            elements[key] = elements.get(key, False) or claim_is_required(claim, claim_sets)
    return elements, other


def request_fields(
    credential: Mapping[str, Any],
    view: CredentialView,
    claims: Sequence[Mapping[str, Any]],
    claim_sets: Sequence[Sequence[str]] = (),
    lang: str = "en",
) -> list[RequestField] | None:
    """The answer page's elements of one credential for one DCQL query (``None``: sent whole)."""
    fields = share_fields(credential, view, lang)
    if fields is None:
        return None
    asked, _ = _requested(credential, claims, claim_sets)
    order = {"mandatory": 0, "required": 1, "optional": 2, "not_asked": 3}
    out = []
    for f in fields:
        if f.mandatory:
            state = "mandatory"
        elif f.key in asked:
            state = "required" if asked[f.key] else "optional"
        else:
            state = "not_asked"
        out.append(RequestField(f, state))
    return sorted(out, key=lambda r: order[r.state])


async def disclose_for_request(
    credential: Mapping[str, Any],
    claims: Sequence[Mapping[str, Any]],
    claim_sets: Sequence[Sequence[str]] = (),
    approved: Sequence[str] | None = None,
) -> dict[str, Any]:
    """For an OpenID4VP answer: the issuer's mandatory elements, the requested elements the
    verifier requires, and the optional requested elements in ``approved`` (``None``: all of
    them). A requested element is disclosed whole (e.g. the grade with its grading scheme), as
    the answer page shows it; claims that name no element are sent as asked."""
    adapter = adapter_for(credential)
    if adapter is None:
        return dict(credential)
    asked, other = _requested(credential, claims, claim_sets)
    keep = {k for k, required in asked.items() if required or approved is None or k in approved}
    paths = list(other)
    for f in adapter.fields(credential):
        if f.key in keep:
            paths += adapter.claim_paths(f)
    return await disclose_for_claims(credential, paths)


async def disclose(credential: Mapping[str, Any], keep: Sequence[str] | None) -> dict[str, Any]:
    """The credential to share: unchanged for all-or-nothing formats; else only the mandatory
    elements and ``keep`` (``None``: every element)."""
    adapter = adapter_for(credential)
    if adapter is None:
        return dict(credential)
    fields = adapter.fields(credential)
    wanted = [f.key for f in fields] if keep is None else [k for k in keep if k in _WALLET_FIELDS]
    try:
        disclosed: dict[str, Any] = await asyncio.to_thread(adapter.disclose, credential, wanted)
    except VCError as exc:
        raise UserError("share.disclosure_failed", detail=str(exc)) from None
    return disclosed


async def disclose_for_claims(credential: Mapping[str, Any], paths: ClaimPaths) -> dict[str, Any]:
    """For an OpenID4VP answer: the mandatory elements plus the DCQL claim ``paths`` (none: only
    the mandatory ones, as DCQL asks when a query names no claims)."""
    adapter = adapter_for(credential)
    if adapter is None:
        return dict(credential)
    try:
        disclosed: dict[str, Any] = await asyncio.to_thread(adapter.disclose_paths, credential, paths)
    except VCError as exc:
        raise UserError("share.disclosure_failed", detail=str(exc)) from None
    return disclosed


async def full_disclosure(credential: Mapping[str, Any]) -> dict[str, Any]:
    """What to present when everything is shown (e.g. claiming a pathway's certificate): an
    ecdsa-sd-2023 credential as a derived proof disclosing every field (a verifier refuses base
    proofs); any other credential unchanged."""
    if not EcdsaSdAdapter().handles(credential):
        return dict(credential)
    try:
        disclosed: dict[str, Any] = await asyncio.to_thread(disclose_all, credential)
    except VCError as exc:
        raise UserError("share.disclosure_failed", detail=str(exc)) from None
    return disclosed
