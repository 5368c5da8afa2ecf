"""Status methods of credentials other platforms issue, with fixtures made by an independent signer
(tests/fixtures, see its README): StatusList2021Entry on an Open Badges 3.0.1 / VC 1.1 credential
signed by Digital Bazaar's reference stack, and the 1EdTech Revocation List Status Method.

The status lists are the fixture files, handed to the pipeline by a fetcher that serves them for the
URLs the credentials name (the HTTP client itself is tested in test_statusclient.py)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

import pytest

from plecak.core.did import DidResolver
from plecak.core.errors import StatusListError
from plecak.core.verify.credential import Outcome, Verifier
from support import TESTS

FIXTURES = TESTS / "fixtures"
SL2021_URL = "https://academy.example.org/status/2021/revocation-1"
EDTECH_URL = "https://academy.example.org/revocations/1"


def fixture(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return document


class Lists:
    """Serves fixture documents for the URLs the credentials name; counts requests."""

    def __init__(self, documents: Mapping[str, dict[str, Any]]) -> None:
        self.documents = dict(documents)
        self.requests: list[str] = []

    async def __call__(self, url: str) -> Mapping[str, Any]:
        self.requests.append(url)
        if url not in self.documents:
            raise StatusListError(f"HTTP 404 for {url}")
        return self.documents[url]


def status(result: Any) -> Any:
    check = result.check("status")
    assert check is not None
    return check


async def test_statuslist2021_credential_from_the_reference_verifies_with_status() -> None:
    lists = Lists({SL2021_URL: fixture("statuslist2021-revocation-1.json")})
    vc = fixture("ob3.0.1-vc11-eddsa-rdfc-2022-statuslist2021.json")
    assert vc["@context"][1].endswith("context-3.0.1.json")
    result = await Verifier(DidResolver(), status_fetcher=lists).verify(vc)
    assert result.verified, result.to_json()
    assert status(result).outcome is Outcome.PASSED
    assert lists.requests == [SL2021_URL]


async def test_statuslist2021_revoked_by_the_reference_list_is_revoked() -> None:
    lists = Lists({SL2021_URL: fixture("statuslist2021-revocation-1-revoked.json")})
    result = await Verifier(DidResolver(), status_fetcher=lists).verify(
        fixture("ob3.0.1-vc11-eddsa-rdfc-2022-statuslist2021.json")
    )
    assert status(result).outcome is Outcome.FAILED
    assert status(result).details["status"] == "revoked"
    assert not result.verified
    assert result.verdict == "failed"


async def test_statuslist2021_list_tampered_after_signing_makes_status_unknown() -> None:
    tampered = fixture("statuslist2021-revocation-1-revoked.json")
    tampered["credentialSubject"]["encodedList"] = fixture("statuslist2021-revocation-1.json")[
        "credentialSubject"
    ]["encodedList"]  # swaps in the clean bits under the revoked list's signature
    lists = Lists({SL2021_URL: tampered})
    result = await Verifier(DidResolver(), status_fetcher=lists).verify(
        fixture("ob3.0.1-vc11-eddsa-rdfc-2022-statuslist2021.json")
    )
    assert status(result).outcome is Outcome.UNKNOWN
    assert not result.verified


async def test_statuslist2021_credential_tampered_fails_proof() -> None:
    vc = fixture("ob3.0.1-vc11-eddsa-rdfc-2022-statuslist2021.json")
    vc["credentialStatus"]["statusListIndex"] = "8"  # point at another bit
    lists = Lists({SL2021_URL: fixture("statuslist2021-revocation-1-revoked.json")})
    result = await Verifier(DidResolver(), status_fetcher=lists).verify(vc)
    proof = result.check("proof")
    assert proof is not None
    assert proof.outcome is Outcome.FAILED
    assert lists.requests == []  # no status lookup for a credential whose seal is broken


def edtech_lists(name: str) -> Lists:
    return Lists({EDTECH_URL: fixture(name)})


async def test_1edtech_revocation_list_not_listing_the_credential_passes() -> None:
    vc = fixture("ob3.0.3-vc2-1edtech-revocation-unsigned.json")
    check = await Verifier(
        DidResolver(), status_fetcher=edtech_lists("1edtech-revocations-1.json")
    ).check_status(vc)
    assert check.outcome is Outcome.PASSED, check.message


async def test_1edtech_revocation_list_listing_the_credential_revokes_it() -> None:
    vc = fixture("ob3.0.3-vc2-1edtech-revocation-unsigned.json")
    verifier = Verifier(DidResolver(), status_fetcher=edtech_lists("1edtech-revocations-1-revoked.json"))
    check = await verifier.check_status(vc)
    assert check.outcome is Outcome.FAILED
    assert check.details["status"] == "revoked"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda listing, vc: listing.update(
                issuer="did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
            ),
            "issuer",
        ),
        (lambda listing, vc: listing.update(id="https://academy.example.org/revocations/2"), "says it is"),
        (lambda listing, vc: listing.update(revokedCredentials="all"), "not a list"),
        (lambda listing, vc: vc.pop("id"), "no id"),
        (
            lambda listing, vc: vc["credentialStatus"].update(id="http://academy.example.org/revocations/1"),
            "https",
        ),
    ],
)
async def test_1edtech_revocation_list_that_cannot_be_trusted_makes_status_unknown(
    change: Any, reason: str
) -> None:
    listing = fixture("1edtech-revocations-1-revoked.json")
    vc = fixture("ob3.0.3-vc2-1edtech-revocation-unsigned.json")
    change(listing, vc)
    check = await Verifier(DidResolver(), status_fetcher=Lists({EDTECH_URL: listing})).check_status(vc)
    assert check.outcome is Outcome.UNKNOWN
    assert reason in check.message


async def test_1edtech_revocation_list_unreachable_makes_status_unknown() -> None:
    vc = fixture("ob3.0.3-vc2-1edtech-revocation-unsigned.json")
    check = await Verifier(DidResolver(), status_fetcher=Lists({})).check_status(vc)
    assert check.outcome is Outcome.UNKNOWN
    assert "404" in check.message


async def test_1edtech_revocation_wins_over_another_entrys_unknown_status() -> None:
    vc = copy.deepcopy(fixture("ob3.0.3-vc2-1edtech-revocation-unsigned.json"))
    vc["credentialStatus"] = [
        {"id": "https://elsewhere.example/status", "type": "UnknownStatus2099"},
        vc["credentialStatus"],
    ]
    verifier = Verifier(DidResolver(), status_fetcher=edtech_lists("1edtech-revocations-1-revoked.json"))
    check = await verifier.check_status(vc)
    assert check.outcome is Outcome.FAILED
