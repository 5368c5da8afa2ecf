"""plecak.core.verify.credential.Verifier, check by check, on credentials signed here with did:key keys.

Status lists are real signed BitstringStatusListCredentials served by an aiohttp test server and
fetched through plecak.core.status.client.StatusListClient (plain http allowed for that server only).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import DidResolver, did_key
from plecak.core.integrity.proofs import add_proof
from plecak.core.status.bitstring import MIN_LIST_LENGTH, Bitstring, status_list_credential
from plecak.core.status.client import StatusListClient
from plecak.core.timeutil import format_datetime, utc_now
from plecak.core.verify.checks import Check
from plecak.core.verify.credential import Outcome, VerificationResult, VerifiedListCache, Verifier
from support import TESTS

ServerFactory = Callable[..., Awaitable[TestServer]]

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_300 = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EXAMPLE_MC = Path("/work/shared/examples/microcredential-data-literacy.json")


def _key(label: str) -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(hashlib.sha256(f"plecak test key: {label}".encode()).digest())


ISSUER_KEY = _key("issuer")
ISSUER = did_key(ISSUER_KEY)
ISSUER_VM = f"{ISSUER}#{ISSUER_KEY.public_multibase}"
OTHER_KEY = _key("someone else")
OTHER = did_key(OTHER_KEY)
OTHER_VM = f"{OTHER}#{OTHER_KEY.public_multibase}"
LEARNER = did_key(_key("learner"))

VALID_INDEX = 3
REVOKED_INDEX = 7
SUSPENDED_INDEX = 9


def ob_credential(*, issuer: str = ISSUER, version: int = 2) -> dict[str, Any]:
    """A small unsigned Open Badges 3.0 credential (VC 2.0, or VC 1.1 with the OB 3.0.0 context)."""
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_303] if version == 2 else [VC_V1, OB_300],
        "id": "urn:uuid:7f1d6c1e-5a0b-4c59-9f53-0c7d2b0e8a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Spreadsheet Basics",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Test University of Technology"},
    }
    if version == 2:
        credential["validFrom"] = "2025-01-01T00:00:00Z"
    else:
        credential["issuanceDate"] = "2025-01-01T00:00:00Z"
    credential["credentialSubject"] = {
        "id": LEARNER,
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "urn:uuid:2b2e0b8c-4f7e-4a53-b5c0-6f3f7a1d9e22",
            "type": ["Achievement"],
            "name": "Spreadsheet Basics",
            "description": "Formulas, references and charts in a spreadsheet.",
            "criteria": {"narrative": "Pass the final exercise."},
        },
    }
    return credential


def microcredential() -> dict[str, Any]:
    """The shared EU micro-credential example, issued by our did:key, without its status entry."""
    credential: dict[str, Any] = json.loads(EXAMPLE_MC.read_text(encoding="utf-8"))
    credential["issuer"]["id"] = ISSUER
    credential["credentialSubject"]["id"] = LEARNER
    del credential["credentialStatus"]
    return credential


def sign(
    credential: dict[str, Any], key: Ed25519KeyPair = ISSUER_KEY, vm: str = ISSUER_VM, **kwargs: Any
) -> dict[str, Any]:
    return add_proof(credential, key, vm, **kwargs)


class Registry:
    def __init__(self, trusted: dict[str, dict[str, Any]]) -> None:
        self.trusted = trusted

    def lookup(self, issuer: str) -> dict[str, Any] | None:
        return self.trusted.get(issuer)


@dataclass
class StatusHost:
    """A status list server: ``lists`` maps a path to the JSON it answers; ``hits`` counts requests."""

    server: TestServer
    lists: dict[str, Any]
    hits: Counter[str]

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    def entries(self, index: int, *, revocation: str = "/status/revocation") -> list[dict[str, Any]]:
        """A revocation and a suspension entry at ``index`` (the revocation list's path can change)."""
        return [
            {
                "id": f"{self.url(revocation)}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(index),
                "statusListCredential": self.url(revocation),
            },
            {
                "id": f"{self.url('/status/suspension')}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "suspension",
                "statusListIndex": str(index),
                "statusListCredential": self.url("/status/suspension"),
            },
        ]

    def status_list(
        self,
        path: str,
        purpose: str,
        set_bits: tuple[int, ...],
        *,
        issuer: str = ISSUER,
        key: Ed25519KeyPair = ISSUER_KEY,
        vm: str = ISSUER_VM,
    ) -> dict[str, Any]:
        bits = Bitstring(MIN_LIST_LENGTH)
        for index in set_bits:
            bits.set(index, True)
        unsigned = status_list_credential(
            list_url=self.url(path),
            issuer=issuer,
            purpose=purpose,
            bitstring=bits,
            valid_from=utc_now() - timedelta(days=1),
        )
        return add_proof(unsigned, key, vm)


async def _serve(host: StatusHost, request: web.Request) -> web.Response:
    host.hits[request.path] += 1
    document = host.lists.get(request.path)
    if document is None:
        return web.json_response({"error": "not found"}, status=404)
    if isinstance(document, str):
        return web.Response(text=document, content_type="text/html")
    return web.json_response(document, headers={"Cache-Control": "max-age=300"})


@pytest.fixture
async def status_host(aiohttp_server: ServerFactory) -> StatusHost:
    app = web.Application()
    hosts: list[StatusHost] = []

    async def handler(request: web.Request) -> web.Response:
        return await _serve(hosts[0], request)

    app.router.add_get("/status/{name}", handler)
    server = await aiohttp_server(app)
    host = StatusHost(server, {}, Counter())
    hosts.append(host)
    host.lists["/status/revocation"] = host.status_list("/status/revocation", "revocation", (REVOKED_INDEX,))
    host.lists["/status/suspension"] = host.status_list(
        "/status/suspension", "suspension", (SUSPENDED_INDEX,)
    )
    return host


@pytest.fixture
async def status_client(status_host: StatusHost) -> AsyncIterator[StatusListClient]:
    server = status_host.server
    async with StatusListClient(insecure_hosts=[f"{server.host}:{server.port}"]) as client:
        yield client


@pytest.fixture
def verifier(status_client: StatusListClient) -> Verifier:
    return Verifier(
        DidResolver(),
        status_fetcher=status_client.fetch,
        trust=Registry({ISSUER: {"name": "Test University of Technology", "country": "PL"}}),
    )


def with_status(credential: dict[str, Any], host: StatusHost, index: int, **kwargs: Any) -> dict[str, Any]:
    return {**credential, "credentialStatus": host.entries(index, **kwargs)}


def checked(result: VerificationResult, name: str) -> Check:
    """The check NAME of RESULT (which must have one)."""
    check = result.check(name)
    assert check is not None, f"no {name} check in {result.to_json()}"
    return check


def outcome(result: VerificationResult, name: str) -> Outcome:
    return checked(result, name).outcome


def message(result: VerificationResult, name: str) -> str:
    return checked(result, name).message


# --- valid credentials ----------------------------------------------------------------------------


async def test_valid_credential_passes_every_check(verifier: Verifier, status_host: StatusHost) -> None:
    vc = sign(with_status(ob_credential(), status_host, VALID_INDEX))
    result = await verifier.verify(vc)
    assert [c.name for c in result.checks] == ["format", "proof", "issuer", "status", "validity"]
    assert all(c.outcome is Outcome.PASSED for c in result.checks), result.to_json()
    assert result.verified
    assert result.verdict == "verified"
    status = checked(result, "status")
    assert status.details == {"status": "ok", "checked": ["revocation", "suspension"]}
    assert result.to_json()["errors"] == []
    assert result.to_json()["warnings"] == []


async def test_valid_credential_with_ed25519signature2020_passes(
    verifier: Verifier, status_host: StatusHost
) -> None:
    vc = sign(with_status(ob_credential(), status_host, VALID_INDEX), suite="Ed25519Signature2020")
    result = await verifier.verify(vc)
    assert result.verdict == "verified", result.to_json()


async def test_credential_without_status_passes_with_no_status_published(verifier: Verifier) -> None:
    result = await verifier.verify(sign(ob_credential()))
    assert result.verdict == "verified"
    status = checked(result, "status")
    assert status.outcome is Outcome.PASSED
    assert status.details == {"status": "none"}


async def test_verifier_without_fetcher_or_registry_skips_those_checks(status_host: StatusHost) -> None:
    vc = sign(with_status(ob_credential(), status_host, REVOKED_INDEX))
    result = await Verifier(DidResolver()).verify(vc)
    assert [c.name for c in result.checks] == ["format", "proof", "validity"]
    assert status_host.hits == Counter()


# --- proof ----------------------------------------------------------------------------------------


async def test_tampered_claim_fails_proof(verifier: Verifier, status_host: StatusHost) -> None:
    vc = sign(with_status(ob_credential(), status_host, VALID_INDEX))
    vc["credentialSubject"]["achievement"]["name"] = "Advanced Spreadsheets"
    result = await verifier.verify(vc)
    assert outcome(result, "format") is Outcome.PASSED
    assert outcome(result, "proof") is Outcome.FAILED
    assert "signature does not match" in message(result, "proof")
    # A list is never fetched for a forged credential, but the row stays and says why.
    status = checked(result, "status")
    assert status.outcome is Outcome.UNKNOWN
    assert status.message.startswith("Not checked because the seal failed")
    assert status_host.hits == Counter()
    assert not result.verified
    assert result.verdict == "failed"


async def test_tampered_issuer_name_fails_proof(verifier: Verifier) -> None:
    vc = sign(ob_credential())
    vc["issuer"]["name"] = "Harvard"
    result = await verifier.verify(vc)
    assert outcome(result, "proof") is Outcome.FAILED
    assert result.verdict == "failed"


async def test_tampered_proof_value_fails_proof(verifier: Verifier) -> None:
    vc = sign(ob_credential())
    value = vc["proof"]["proofValue"]
    vc["proof"]["proofValue"] = value[:10] + ("2" if value[10] != "2" else "3") + value[11:]
    result = await verifier.verify(vc)
    assert outcome(result, "proof") is Outcome.FAILED
    assert result.verdict == "failed"


async def test_truncated_proof_value_fails_proof(verifier: Verifier) -> None:
    vc = sign(ob_credential())
    vc["proof"]["proofValue"] = vc["proof"]["proofValue"][:40]
    result = await verifier.verify(vc)
    assert outcome(result, "proof") is Outcome.FAILED
    assert "64-byte" in message(result, "proof")


async def test_tampered_proof_options_fail_proof(verifier: Verifier) -> None:
    vc = sign(ob_credential(), created="2025-01-01T00:00:00Z")
    vc["proof"]["created"] = "2025-01-02T00:00:00Z"
    assert outcome(await verifier.verify(vc), "proof") is Outcome.FAILED


async def test_credential_signed_by_a_key_the_issuer_does_not_control_fails_proof(
    verifier: Verifier,
) -> None:
    vc = sign(ob_credential(issuer=ISSUER), OTHER_KEY, OTHER_VM)
    result = await verifier.verify(vc)
    assert outcome(result, "proof") is Outcome.FAILED
    assert f"not sealed by its issuer {ISSUER}" in message(result, "proof")
    assert result.verdict == "failed"


async def test_proof_naming_the_issuers_did_with_another_key_fails_proof(verifier: Verifier) -> None:
    vc = sign(ob_credential(), OTHER_KEY, f"{ISSUER}#{OTHER_KEY.public_multibase}")
    assert outcome(await verifier.verify(vc), "proof") is Outcome.FAILED


async def test_proof_for_another_purpose_fails_proof(verifier: Verifier) -> None:
    vc = sign(ob_credential(), proof_purpose="authentication")
    result = await verifier.verify(vc)
    assert outcome(result, "proof") is Outcome.FAILED
    assert "proofPurpose" in message(result, "proof")


async def test_unsigned_credential_fails_format(verifier: Verifier) -> None:
    result = await verifier.verify(ob_credential())
    assert [c.name for c in result.checks] == ["format"]
    assert outcome(result, "format") is Outcome.FAILED
    assert "no proof" in message(result, "format")


async def test_empty_proof_list_fails_proof(verifier: Verifier) -> None:
    result = await verifier.verify({**ob_credential(), "proof": []})
    assert outcome(result, "proof") is Outcome.FAILED
    assert "not signed" in message(result, "proof")


# --- validity -------------------------------------------------------------------------------------


async def test_expired_credential_fails_validity(verifier: Verifier) -> None:
    vc = ob_credential()
    vc["validUntil"] = format_datetime(utc_now() - timedelta(days=1))
    result = await verifier.verify(sign(vc))
    assert outcome(result, "proof") is Outcome.PASSED
    assert outcome(result, "validity") is Outcome.FAILED
    assert "expired" in message(result, "validity")
    assert not result.verified
    assert result.verdict == "failed"


async def test_credential_not_yet_valid_fails_validity(verifier: Verifier) -> None:
    vc = ob_credential()
    vc["validFrom"] = format_datetime(utc_now() + timedelta(days=1))
    result = await verifier.verify(sign(vc))
    assert outcome(result, "validity") is Outcome.FAILED
    assert "not valid yet" in message(result, "validity")
    assert result.verdict == "failed"


async def test_validity_allows_a_few_minutes_of_clock_skew(verifier: Verifier) -> None:
    vc = ob_credential()
    vc["validFrom"] = format_datetime(utc_now() + timedelta(minutes=2))
    vc["validUntil"] = format_datetime(utc_now() + timedelta(minutes=3))
    signed = sign(vc)
    assert outcome(await verifier.verify(signed), "validity") is Outcome.PASSED
    verifier.now = lambda: utc_now() + timedelta(minutes=7)  # 4 minutes after validUntil
    assert outcome(await verifier.verify(signed), "validity") is Outcome.PASSED
    verifier.now = lambda: utc_now() + timedelta(minutes=9)
    assert outcome(await verifier.verify(signed), "validity") is Outcome.FAILED


async def test_credential_in_its_validity_window_names_its_end(verifier: Verifier) -> None:
    vc = ob_credential()
    vc["validUntil"] = "2999-12-31T00:00:00Z"
    result = await verifier.verify(sign(vc))
    assert outcome(result, "validity") is Outcome.PASSED
    assert "2999-12-31" in message(result, "validity")


async def test_vc11_credential_past_its_expiration_date_fails_validity(verifier: Verifier) -> None:
    vc = ob_credential(version=1)
    vc["expirationDate"] = format_datetime(utc_now() - timedelta(days=1))
    result = await verifier.verify(sign(vc, suite="Ed25519Signature2020"))
    format_check = checked(result, "format")
    assert format_check.details["dataModel"] == "1.1"
    assert outcome(result, "proof") is Outcome.PASSED
    assert outcome(result, "validity") is Outcome.FAILED
    assert "expired" in message(result, "validity")
    assert result.verdict == "failed"


async def test_vc11_credential_before_its_expiration_date_is_verified(verifier: Verifier) -> None:
    vc = ob_credential(version=1)
    vc["expirationDate"] = format_datetime(utc_now() + timedelta(days=30))
    result = await verifier.verify(sign(vc, suite="Ed25519Signature2020"))
    assert result.verdict == "verified", result.to_json()


async def test_vc11_credential_issued_in_the_future_fails_validity(verifier: Verifier) -> None:
    vc = ob_credential(version=1)
    vc["issuanceDate"] = format_datetime(utc_now() + timedelta(days=2))
    result = await verifier.verify(sign(vc, suite="Ed25519Signature2020"))
    assert outcome(result, "validity") is Outcome.FAILED


# --- status ---------------------------------------------------------------------------------------


async def test_revoked_credential_fails_status(verifier: Verifier, status_host: StatusHost) -> None:
    result = await verifier.verify(sign(with_status(ob_credential(), status_host, REVOKED_INDEX)))
    status = checked(result, "status")
    assert status.outcome is Outcome.FAILED
    assert status.details["status"] == "revoked"
    assert "revoked" in status.message
    assert status.details["statusListValidFrom"] in status.message  # the list that says so, dated
    assert not result.verified
    assert result.verdict == "failed"


async def test_suspended_credential_fails_status(verifier: Verifier, status_host: StatusHost) -> None:
    result = await verifier.verify(sign(with_status(ob_credential(), status_host, SUSPENDED_INDEX)))
    status = checked(result, "status")
    assert status.outcome is Outcome.FAILED
    assert status.details["status"] == "suspended"
    assert "suspended" in status.message
    assert result.verdict == "failed"


async def verify_against_revocation_list(
    verifier: Verifier, status_host: StatusHost, path: str, document: Any, index: int = VALID_INDEX
) -> VerificationResult:
    """Verifies a credential whose revocation entry (at INDEX) names the list at PATH, served as DOCUMENT."""
    status_host.lists[path] = document
    return await verifier.verify(sign(with_status(ob_credential(), status_host, index, revocation=path)))


async def test_unreachable_status_list_makes_status_unknown(
    aiohttp_server: ServerFactory, status_host: StatusHost
) -> None:
    gone = await aiohttp_server(web.Application())
    gone_url = str(gone.make_url("/status/revocation"))
    insecure = [f"{s.host}:{s.port}" for s in (gone, status_host.server)]
    await gone.close()
    vc = with_status(ob_credential(), status_host, VALID_INDEX)
    vc["credentialStatus"][0]["statusListCredential"] = gone_url
    async with StatusListClient(insecure_hosts=insecure) as client:
        result = await Verifier(DidResolver(), status_fetcher=client.fetch).verify(sign(vc))
    assert outcome(result, "proof") is Outcome.PASSED
    assert outcome(result, "status") is Outcome.UNKNOWN
    assert "could not be checked" in message(result, "status")
    assert not result.verified
    assert result.verdict == "warnings"


async def test_missing_status_list_makes_status_unknown(verifier: Verifier, status_host: StatusHost) -> None:
    vc = sign(with_status(ob_credential(), status_host, VALID_INDEX, revocation="/status/nowhere"))
    result = await verifier.verify(vc)
    assert outcome(result, "status") is Outcome.UNKNOWN
    assert "HTTP 404" in message(result, "status")
    assert not result.verified


async def test_status_list_that_is_not_json_makes_status_unknown(
    verifier: Verifier, status_host: StatusHost
) -> None:
    result = await verify_against_revocation_list(verifier, status_host, "/status/html", "<html>maintenance</html>")
    assert outcome(result, "status") is Outcome.UNKNOWN
    assert not result.verified


async def test_status_list_issued_and_signed_by_someone_else_makes_status_unknown(
    verifier: Verifier, status_host: StatusHost
) -> None:
    foreign = status_host.status_list("/status/foreign", "revocation", (), issuer=OTHER, key=OTHER_KEY, vm=OTHER_VM)
    result = await verify_against_revocation_list(verifier, status_host, "/status/foreign", foreign)
    assert outcome(result, "status") is Outcome.UNKNOWN
    assert "not published by the credential's issuer" in message(result, "status")
    assert not result.verified
    assert result.verdict == "warnings"


async def test_status_list_naming_the_issuer_but_signed_by_another_key_makes_status_unknown(
    verifier: Verifier, status_host: StatusHost
) -> None:
    impostor = status_host.status_list(
        "/status/impostor", "revocation", (), issuer=ISSUER, key=OTHER_KEY, vm=OTHER_VM
    )
    result = await verify_against_revocation_list(verifier, status_host, "/status/impostor", impostor, REVOKED_INDEX)
    assert outcome(result, "status") is Outcome.UNKNOWN
    assert "signature is not valid" in message(result, "status")


async def test_status_list_with_bits_changed_after_signing_makes_status_unknown(
    verifier: Verifier, status_host: StatusHost
) -> None:
    forged = copy.deepcopy(status_host.lists["/status/revocation"])
    forged["credentialSubject"]["encodedList"] = Bitstring(MIN_LIST_LENGTH).encode()  # "nobody revoked"
    status_host.lists["/status/revocation"] = forged
    result = await verifier.verify(sign(with_status(ob_credential(), status_host, REVOKED_INDEX)))
    assert outcome(result, "status") is Outcome.UNKNOWN
    assert not result.verified


async def test_revocation_is_reported_even_when_the_suspension_list_is_unreachable(
    verifier: Verifier, status_host: StatusHost
) -> None:
    del status_host.lists["/status/suspension"]
    result = await verifier.verify(sign(with_status(ob_credential(), status_host, REVOKED_INDEX)))
    status = checked(result, "status")
    assert status.outcome is Outcome.FAILED
    assert status.details["status"] == "revoked"
    assert result.verdict == "failed"


async def test_revocation_in_any_of_several_revocation_entries_counts(
    verifier: Verifier, status_host: StatusHost
) -> None:
    status_host.lists["/status/second"] = status_host.status_list("/status/second", "revocation", ())
    revoked = status_host.entries(REVOKED_INDEX)[0]
    not_revoked = status_host.entries(REVOKED_INDEX, revocation="/status/second")[0]
    for entries in ([revoked, not_revoked], [not_revoked, revoked]):
        result = await verifier.verify(sign({**ob_credential(), "credentialStatus": entries}))
        status = result.check("status")
        assert status is not None, result.to_json()
        assert status.details["status"] == "revoked", result.to_json()


async def test_unsupported_status_type_makes_status_unknown(verifier: Verifier) -> None:
    vc = ob_credential()
    vc["credentialStatus"] = {"id": "https://status.example/1#5", "type": "https://status.example/Revocation"}
    result = await verifier.verify(sign(vc))
    assert outcome(result, "status") is Outcome.UNKNOWN
    assert "unsupported status type" in message(
        result, "status"
    )


async def test_status_lists_are_fetched_once_for_many_credentials(
    verifier: Verifier, status_host: StatusHost
) -> None:
    for index in range(20, 30):
        result = await verifier.verify(sign(with_status(ob_credential(), status_host, index)))
        assert result.verdict == "verified"
    assert status_host.hits == Counter({"/status/revocation": 1, "/status/suspension": 1})


# --- issuer trust ---------------------------------------------------------------------------------


async def test_issuer_not_in_trust_registry_warns_but_still_verifies(
    verifier: Verifier, status_host: StatusHost
) -> None:
    verifier.trust = Registry({})
    result = await verifier.verify(sign(with_status(ob_credential(), status_host, VALID_INDEX)))
    assert outcome(result, "issuer") is Outcome.WARNING
    assert "not in your trusted list" in message(result, "issuer")
    assert outcome(result, "proof") is Outcome.PASSED
    assert outcome(result, "status") is Outcome.PASSED
    assert result.verified
    assert result.verdict == "warnings"


async def test_trusted_issuer_check_names_the_registry_entry(verifier: Verifier) -> None:
    result = await verifier.verify(sign(ob_credential()))
    issuer = checked(result, "issuer")
    assert issuer.outcome is Outcome.PASSED
    assert "Test University of Technology" in issuer.message
    assert issuer.details["country"] == "PL"


# --- format ---------------------------------------------------------------------------------------


async def test_undefined_term_fails_format_and_names_it(verifier: Verifier) -> None:
    vc = sign(ob_credential())
    vc["credentialSubject"]["grade"] = "A+"
    result = await verifier.verify(vc)
    assert [c.name for c in result.checks] == ["format"]
    format_check = checked(result, "format")
    assert format_check.outcome is Outcome.FAILED
    assert format_check.details == {"term": "grade"}
    assert "grade" in format_check.message
    assert result.verdict == "failed"


async def test_undefined_type_fails_format(verifier: Verifier) -> None:
    vc = sign(ob_credential())
    vc["credentialSubject"]["achievement"]["type"] = ["Achievment"]
    result = await verifier.verify(vc)
    assert outcome(result, "format") is Outcome.FAILED
    assert result.verdict == "failed"


async def test_unknown_context_fails_format_and_names_it(verifier: Verifier) -> None:
    vc = ob_credential()
    unknown = "https://contexts.example.org/diplomas/v1"
    vc["@context"] = [*vc["@context"], unknown]
    result = await verifier.verify({**vc, "proof": sign(ob_credential())["proof"]})
    format_check = checked(result, "format")
    assert format_check.outcome is Outcome.FAILED
    assert format_check.details == {"url": unknown}
    assert unknown in format_check.message
    assert result.verdict == "failed"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"@context": ["https://www.w3.org/ns/credentials/examples/v2"]}, "first @context"),
        ({"type": ["OpenBadgeCredential"]}, "VerifiableCredential"),
        ({"issuer": "not a url"}, "issuer must be a URL"),
        ({"credentialSubject": []}, "credentialSubject must not be empty"),
        ({"validFrom": "yesterday"}, "validFrom must be an XML Schema dateTime"),
        ({"validUntil": "2020-01-01T00:00:00Z"}, "validFrom is after validUntil"),
    ],
)
async def test_malformed_credential_fails_format(
    verifier: Verifier, change: dict[str, Any], problem: str
) -> None:
    result = await verifier.verify({**sign(ob_credential()), **change})
    assert [c.name for c in result.checks] == ["format"]
    assert outcome(result, "format") is Outcome.FAILED
    assert problem in message(result, "format")


@pytest.mark.parametrize("value", [None, "a string", ["a", "list"], 42])
async def test_non_object_fails_format(verifier: Verifier, value: Any) -> None:
    result = await verifier.verify(value)
    assert outcome(result, "format") is Outcome.FAILED
    assert result.verdict == "failed"


async def test_complete_microcredential_passes_format(verifier: Verifier) -> None:
    result = await verifier.verify(sign(microcredential()))
    format_check = checked(result, "format")
    assert format_check.outcome is Outcome.PASSED
    assert format_check.details["microCredential"] is True
    assert result.verdict == "verified", result.to_json()


async def test_microcredential_missing_eu_elements_warns_incomplete(verifier: Verifier) -> None:
    vc = microcredential()
    achievement = vc["credentialSubject"]["achievement"]
    del achievement["eqfLevel"], achievement["typeOfQualityAssurance"]
    del vc["issuer"]["address"]
    result = await verifier.verify(sign(vc))
    format_check = checked(result, "format")
    assert format_check.outcome is Outcome.WARNING
    assert format_check.message.lower().startswith("incomplete micro-credential")
    assert format_check.details["missingElements"] == [
        "EQF level",
        "type of quality assurance",
        "issuer country",
    ]
    assert outcome(result, "proof") is Outcome.PASSED
    assert result.verified
    assert result.verdict == "warnings"


async def test_microcredential_without_learner_identification_warns(verifier: Verifier) -> None:
    vc = microcredential()
    subject = vc["credentialSubject"]
    del subject["id"], subject["identifier"]
    result = await verifier.verify(sign(vc))
    format_check = checked(result, "format")
    assert format_check.outcome is Outcome.WARNING
    assert format_check.details["missingElements"] == ["learner identification"]


# --- credentials signed by other implementations (tests/fixtures/, see its README) ----------------

FIXTURES = TESTS / "fixtures"
FIXTURE_MANIFEST: dict[str, Any] = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))


def fixture(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize("name", sorted(FIXTURE_MANIFEST["fixtures"]))
async def test_credential_signed_by_another_implementation_verifies(name: str) -> None:
    meta = FIXTURE_MANIFEST["fixtures"][name]
    signer = FIXTURE_MANIFEST["keys"][meta["key"]]
    vc = fixture(name)
    result = await Verifier(DidResolver()).verify(vc)
    assert outcome(result, "format") in (Outcome.PASSED, Outcome.WARNING), result.to_json()
    assert outcome(result, "proof") is Outcome.PASSED, result.to_json()
    proof = checked(result, "proof")
    (details,) = proof.details["proofs"]
    assert meta["suite"] in (details["type"], details["cryptosuite"])
    assert details["verificationMethod"] == signer["verificationMethod"]
    assert result.verified, result.to_json()


@pytest.mark.parametrize("name", sorted(FIXTURE_MANIFEST["fixtures"]))
@pytest.mark.parametrize("tamper", ["subject", "proof-created", "proof-value"])
async def test_tampered_credential_signed_by_another_implementation_fails_proof(
    name: str, tamper: str
) -> None:
    vc = fixture(name)
    if tamper == "subject":
        vc["credentialSubject"]["id"] = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
    elif tamper == "proof-created":
        vc["proof"]["created"] = "2024-01-01T00:00:00Z"
    else:
        value = vc["proof"]["proofValue"]
        vc["proof"]["proofValue"] = value[:-1] + ("2" if value[-1] != "2" else "3")
    result = await Verifier(DidResolver()).verify(vc)
    assert outcome(result, "proof") is Outcome.FAILED, result.to_json()
    assert result.verdict == "failed"


@pytest.mark.parametrize(
    "name", sorted(n for n, m in FIXTURE_MANIFEST["fixtures"].items() if m["key"] == "reference")
)
def test_our_signer_reproduces_the_reference_signature(name: str) -> None:
    """Ed25519 is deterministic: same key, document and proof options give the same proofValue."""
    signed = fixture(name)
    signer = FIXTURE_MANIFEST["keys"]["reference"]
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    suite = FIXTURE_MANIFEST["fixtures"][name]["suite"]
    ours = add_proof(
        unsigned,
        Ed25519KeyPair.from_seed(bytes.fromhex(signer["seed"])),
        signer["verificationMethod"],
        suite=suite,
        created=signed["proof"]["created"],
    )
    assert ours["@context"] == signed["@context"]
    assert ours["proof"]["proofValue"] == signed["proof"]["proofValue"]


# --- status lists whose proof already passed ------------------------------------------------------


class CountingResolver(DidResolver):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def resolve(self, did: str) -> dict[str, Any]:
        self.calls += 1
        return await super().resolve(did)


def cached_verifier(
    status_client: StatusListClient, cache: VerifiedListCache
) -> tuple[Verifier, CountingResolver]:
    resolver = CountingResolver()
    return Verifier(resolver, status_fetcher=status_client.fetch, verified_lists=cache), resolver


async def test_verified_status_lists_are_not_verified_again_while_remembered(
    status_client: StatusListClient, status_host: StatusHost
) -> None:
    verifier, resolver = cached_verifier(status_client, VerifiedListCache())
    vc = sign(with_status(ob_credential(), status_host, VALID_INDEX))
    assert (await verifier.verify(vc)).verdict == "verified"
    assert resolver.calls == 3  # the credential and its two lists
    assert (await verifier.verify(vc)).verdict == "verified"
    assert resolver.calls == 4  # only the credential this time
    revoked = await verifier.verify(sign(with_status(ob_credential(), status_host, REVOKED_INDEX)))
    assert outcome(revoked, "status") is Outcome.FAILED  # the bits are still read every time


async def test_a_changed_status_list_is_verified_afresh_and_a_forged_one_still_fails(
    status_client: StatusListClient, status_host: StatusHost
) -> None:
    cache = VerifiedListCache()
    verifier, _ = cached_verifier(status_client, cache)
    assert (
        await verifier.verify(sign(with_status(ob_credential(), status_host, REVOKED_INDEX)))
    ).verdict == ("failed")
    forged = copy.deepcopy(status_host.lists["/status/revocation"])
    forged["credentialSubject"]["encodedList"] = Bitstring(MIN_LIST_LENGTH).encode()
    assert cache.signers(forged) is None
    status_host.lists["/status/revocation"] = forged
    fresh_client = StatusListClient(insecure_hosts=[f"{status_host.server.host}:{status_host.server.port}"])
    async with fresh_client:
        verifier = Verifier(DidResolver(), status_fetcher=fresh_client.fetch, verified_lists=cache)
        result = await verifier.verify(sign(with_status(ob_credential(), status_host, REVOKED_INDEX)))
    assert outcome(result, "status") is Outcome.UNKNOWN
    assert not result.verified


def test_verified_list_cache_forgets_after_its_time_and_beyond_its_size() -> None:
    now = [0.0]
    cache = VerifiedListCache(seconds=10, size=2, clock=lambda: now[0])
    a, b, c = {"id": "a"}, {"id": "b"}, {"id": "c"}
    cache.remember(a, ["did:example:signer"])
    assert cache.signers(a) == ["did:example:signer"]
    assert cache.signers({"id": "a"}) == ["did:example:signer"]
    assert cache.signers(b) is None
    now[0] = 10.0
    assert cache.signers(a) is None
    for doc in (a, b, c):
        cache.remember(doc, [])
    assert cache.signers(a) is None
    assert cache.signers(b) == []
    assert cache.signers(c) == []


# --- one conversion of the credential for the format and proof checks -----------------------------


def _count_conversions(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts plecak.core.jsonld.rdf's direct conversions of documents (the real functions still run)."""
    import plecak.core.jsonld.rdf as jsonld

    calls: Counter[str] = Counter()
    for name in ("document_quads", "document_quads_split"):
        real = getattr(jsonld, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(jsonld, name, counted)
    return calls


async def test_format_and_proof_checks_convert_the_credential_once(monkeypatch: pytest.MonkeyPatch) -> None:
    vc = sign(microcredential())
    vc = sign(vc, OTHER_KEY, OTHER_VM)  # a proof set: both proofs sign the same unsecured document
    calls = _count_conversions(monkeypatch)
    result = await Verifier(DidResolver()).verify(vc)
    assert outcome(result, "format") is Outcome.PASSED
    proof = checked(result, "proof")
    assert proof.outcome is Outcome.PASSED
    assert [p["verified"] for p in proof.details["proofs"]] == [True, True]
    assert sum(calls.values()) == 1, calls


async def test_a_credential_changed_between_two_verifications_fails_the_second(verifier: Verifier) -> None:
    vc = sign(microcredential())
    assert (await verifier.verify(vc)).verdict == "verified"
    vc["credentialSubject"]["achievement"]["name"] = "Something else"  # in place, same objects
    result = await verifier.verify(vc)
    assert outcome(result, "format") is Outcome.PASSED
    assert outcome(result, "proof") is Outcome.FAILED
