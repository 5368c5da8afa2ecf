"""OpenID4VP answers in the wallet: which requested claims are required (DCQL ``values`` and
``claim_sets``), and matching a credential against a query with ``claim_sets``."""

from __future__ import annotations

from typing import Any

import pytest

from plecak.wallet.disclosure.selective import claim_is_required
from plecak.wallet.exceptions import UserError
from plecak.wallet.oid4vp.answer import CredentialQuery, _queries, credential_matches

CREDENTIAL: dict[str, Any] = {
    "type": ["VerifiableCredential"],
    "credentialSubject": {"achievement": {"achievementType": "MicroCredential", "name": "Course"}},
}


def test_claim_with_values_or_in_every_option_is_required() -> None:
    sets = [["a", "b", "c"], ["a", "c"]]
    assert claim_is_required({"id": "a", "path": ["x"]}, sets)
    assert claim_is_required({"id": "c", "path": ["x"]}, sets)
    assert not claim_is_required({"id": "b", "path": ["x"]}, sets)
    assert claim_is_required({"id": "b", "path": ["x"], "values": [1]}, sets)
    assert claim_is_required({"id": "b", "path": ["x"]}, [])  # no claim_sets: DCQL wants every claim


def _query(claims: list[dict[str, Any]], claim_sets: list[list[str]]) -> CredentialQuery:
    return CredentialQuery("q", "ldp_vc", claims=claims, claim_sets=claim_sets)


def test_credential_matches_when_some_claim_set_option_is_satisfied() -> None:
    kind = {"id": "kind", "path": ["credentialSubject", "achievement", "achievementType"]}
    grade = {"id": "grade", "path": ["credentialSubject", "result"]}
    assert credential_matches(_query([kind, grade], [["kind", "grade"], ["kind"]]), CREDENTIAL)
    assert not credential_matches(_query([kind, grade], [["kind", "grade"]]), CREDENTIAL)
    assert not credential_matches(_query([kind, grade], []), CREDENTIAL)  # every claim needed
    wrong = {**kind, "values": ["Diploma"]}
    assert not credential_matches(_query([wrong, grade], [["kind", "grade"], ["kind"]]), CREDENTIAL)


def test_claim_sets_must_name_the_querys_claim_ids() -> None:
    item = {
        "id": "q",
        "format": "ldp_vc",
        "claims": [{"id": "a", "path": ["name"]}, {"id": "b", "path": ["id"]}],
        "claim_sets": [["a", "b"], ["a"]],
    }
    assert _queries({"credentials": [item]})[0].claim_sets == [["a", "b"], ["a"]]
    bad_claim_sets: list[Any] = [[["a", "zzz"]], [[]], "a", [[1]]]
    for bad in bad_claim_sets:
        with pytest.raises(UserError):
            _queries({"credentials": [{**item, "claim_sets": bad}]})
