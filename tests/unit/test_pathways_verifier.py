"""Verifier display of a stacked certificate: its composition, with cited parts checked when presented."""

from __future__ import annotations

import copy
from typing import Any

from plecak.core.pathways import credential_digest
from plecak.verifier.display import composition, result_view
from plecak.verifier.messages import EN
from support.pathway_examples import PW, credential


def _certificate(parts: list[dict[str, Any]]) -> dict[str, Any]:
    cert = credential("dl-cert", PW, ects=11)
    cert["credentialSubject"]["achievement"]["achievementType"] = "Certificate"
    cert["credentialSubject"]["achievement"]["compositionRule"] = "Requires all of: A, B."
    cert["evidence"] = [
        {"id": p["id"], "type": ["Evidence"], "name": f"Part {i}", "digestMultibase": credential_digest(p)}
        for i, p in enumerate(parts)
    ]
    return cert


OK: dict[str, Any] = {"verified": True, "verdict": "verified", "results": []}
BAD: dict[str, Any] = {"verified": False, "verdict": "failed", "results": []}


def test_parts_are_listed_as_not_presented_when_shown_alone() -> None:
    parts = [credential("dl-basics", PW), credential("dl-stats", PW)]
    view = result_view({"kind": "credential", "document": _certificate(parts), "report": OK}, EN)
    (cred,) = view.credentials
    assert [p.state for p in cred.composition] == ["not_presented", "not_presented"]
    assert cred.composition_rule == "Requires all of: A, B."


def test_presented_parts_are_matched_by_digest_and_verification() -> None:
    good, revoked, changed = (credential(s, PW) for s in ("dl-basics", "dl-stats", "dl-viz"))
    cert = _certificate([good, revoked, changed])
    tampered = copy.deepcopy(changed)
    tampered["credentialSubject"]["achievement"]["creditsAvailable"] = 30
    document = {"type": ["VerifiablePresentation"], "verifiableCredential": [cert, good, revoked, tampered]}
    report = {"verified": False, "verdict": "failed", "results": [], "credentialResults": [OK, OK, BAD, OK]}
    view = result_view({"kind": "presentation", "document": document, "report": report}, EN)
    assert [p.state for p in view.credentials[0].composition] == ["verified", "failed", "changed"]
    assert view.credentials[1].composition == []  # a plain micro-credential cites nothing


def test_evidence_without_digest_or_id_is_ignored() -> None:
    cert = credential("dl-cert", PW)
    cert["evidence"] = [{"id": "urn:uuid:1", "name": "no digest"}, {"digestMultibase": "uX"}, "junk"]
    assert composition(cert, {}) == []
