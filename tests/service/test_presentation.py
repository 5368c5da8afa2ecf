"""plecak.core.verify.presentation: presentations signed here by did:key holders, verified with holder binding.

Replay protection uses a tiny ChallengeStore on the test's real Redis (``SET key 1 NX EX``).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
from typing import Any

import pytest
from redis.asyncio import Redis

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import DidResolver, did_key
from plecak.core.integrity.proofs import add_proof
from plecak.core.verify.credential import Outcome, Verifier
from plecak.core.verify.presentation import create_presentation, verify_presentation
from support.redis_keys import keys_matching

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CHALLENGE = "c0ffee-4b1d-challenge-5e6f"
DOMAIN = "https://verifier.example.com"


def _key(label: str) -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(hashlib.sha256(f"plecak presentation key: {label}".encode()).digest())


def _did_and_vm(key: Ed25519KeyPair) -> tuple[str, str]:
    did = did_key(key)
    return did, f"{did}#{key.public_multibase}"


ISSUER_KEY = _key("issuer")
ISSUER, ISSUER_VM = _did_and_vm(ISSUER_KEY)
HOLDER_KEY = _key("holder")
HOLDER, HOLDER_VM = _did_and_vm(HOLDER_KEY)
STRANGER_KEY = _key("stranger")
STRANGER, STRANGER_VM = _did_and_vm(STRANGER_KEY)


def credential(
    subject: str | None = HOLDER, *, number: int = 1, issuer_key: Ed25519KeyPair = ISSUER_KEY
) -> dict[str, Any]:
    """An Open Badges 3.0 credential for ``subject`` (no subject id when ``None``), signed by the issuer."""
    issuer, vm = _did_and_vm(issuer_key)
    subject_doc: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": f"urn:uuid:0b7e3c55-1d2f-4a6b-8c9d-00000000000{number}",
            "type": ["Achievement"],
            "name": f"Module {number}",
            "description": "A short course.",
            "criteria": {"narrative": "Pass the exam."},
        },
    }
    if subject is not None:
        subject_doc = {"id": subject, **subject_doc}
    unsigned = {
        "@context": [VC_V2, OB_303],
        "id": f"urn:uuid:5d0c1e8a-9f3b-4e27-a1c4-00000000000{number}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Test University"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": f"Module {number}",
        "credentialSubject": subject_doc,
    }
    return add_proof(unsigned, issuer_key, vm)


def present(
    credentials: list[dict[str, Any]] | None = None,
    *,
    key: Ed25519KeyPair = HOLDER_KEY,
    vm: str = HOLDER_VM,
    holder: str = HOLDER,
    challenge: str | None = CHALLENGE,
    domain: str | None = DOMAIN,
) -> dict[str, Any]:
    creds = [credential()] if credentials is None else credentials
    return create_presentation(creds, key, holder, vm, challenge=challenge, domain=domain)


class RedisChallenges:
    """A ChallengeStore: the first use of a challenge (per domain) wins, atomically, in Redis."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def consume(self, challenge: str, domain: str | None) -> bool:
        key = f"test:challenge:{domain or ''}:{challenge}"
        return bool(await self.redis.set(key, b"1", nx=True, ex=600))


@pytest.fixture
def verifier() -> Verifier:
    return Verifier(DidResolver())


@pytest.fixture
def challenges(redis_client: Redis) -> RedisChallenges:
    return RedisChallenges(redis_client)


def outcomes(result: Any) -> dict[str, Outcome]:
    return {c.name: c.outcome for c in result.checks}


# --- valid presentations --------------------------------------------------------------------------


async def test_valid_signed_presentation_with_challenge_and_domain_is_verified(
    verifier: Verifier, challenges: RedisChallenges
) -> None:
    result = await verify_presentation(
        present(), verifier, challenge=CHALLENGE, domain=DOMAIN, challenges=challenges
    )
    assert [c.name for c in result.checks] == ["presentation", "holder", "replay", "binding"]
    assert all(c.outcome is Outcome.PASSED for c in result.checks), result.to_json()
    assert len(result.credentials) == 1
    assert result.credentials[0].verdict == "verified"
    assert result.verified
    assert result.verdict == "verified"
    holder = result.check("holder")
    assert holder is not None
    assert holder.details == {"holder": HOLDER}
    report = result.to_json()
    assert report["verified"] is True
    assert len(report["credentialResults"]) == 1


async def test_presentation_with_several_credentials_verifies_each(verifier: Verifier) -> None:
    vp = present([credential(number=1), credential(number=2), credential(number=3)])
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    assert [r.verdict for r in result.credentials] == ["verified"] * 3
    assert outcomes(result)["binding"] is Outcome.PASSED
    assert result.verdict == "verified", result.to_json()


async def test_one_unbound_credential_among_bound_ones_keeps_the_verdict_amber(verifier: Verifier) -> None:
    vp = present([credential(number=1), credential(None, number=3)])
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    binding = result.check("binding")
    assert binding is not None
    assert binding.outcome is Outcome.WARNING
    assert binding.details["credentials"] == ["urn:uuid:5d0c1e8a-9f3b-4e27-a1c4-000000000003"]
    assert result.verdict == "warnings"


async def test_holder_given_as_an_object_is_accepted(verifier: Verifier) -> None:
    unsigned = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": {"id": HOLDER},
        "verifiableCredential": [credential()],
    }
    vp = add_proof(unsigned, HOLDER_KEY, HOLDER_VM, proof_purpose="authentication", challenge=CHALLENGE)
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE)
    assert result.verdict == "verified", result.to_json()


# --- challenge, domain, replay --------------------------------------------------------------------


async def test_wrong_challenge_fails_holder_and_does_not_use_up_the_challenge(
    verifier: Verifier, challenges: RedisChallenges, redis_client: Redis
) -> None:
    vp = present(challenge="an-old-challenge")
    result = await verify_presentation(
        vp, verifier, challenge=CHALLENGE, domain=DOMAIN, challenges=challenges
    )
    holder = result.check("holder")
    assert holder is not None
    assert holder.outcome is Outcome.FAILED
    assert "challenge" in holder.message
    assert "replay" not in outcomes(result)
    # Nobody proved control of the learner's DID: binding is not checked, never "passed".
    assert outcomes(result)["binding"] is Outcome.UNKNOWN
    assert not result.verified
    assert result.verdict == "failed"
    assert await keys_matching(redis_client, "test:challenge:*") == []
    good = await verify_presentation(
        present(), verifier, challenge=CHALLENGE, domain=DOMAIN, challenges=challenges
    )
    assert good.verdict == "verified"


async def test_missing_challenge_fails_when_one_was_requested(verifier: Verifier) -> None:
    result = await verify_presentation(present(challenge=None), verifier, challenge=CHALLENGE, domain=DOMAIN)
    assert outcomes(result)["holder"] is Outcome.FAILED
    assert result.verdict == "failed"


async def test_wrong_domain_fails_holder(verifier: Verifier) -> None:
    vp = present(domain="https://evil.example")
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    holder = result.check("holder")
    assert holder is not None
    assert holder.outcome is Outcome.FAILED
    assert "domain" in holder.message
    assert result.verdict == "failed"


async def test_changed_challenge_in_the_proof_fails_the_signature(verifier: Verifier) -> None:
    vp = present(challenge="first")
    vp["proof"]["challenge"] = CHALLENGE
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    holder = result.check("holder")
    assert holder is not None
    assert holder.outcome is Outcome.FAILED
    assert "signature does not match" in holder.message


async def test_replayed_presentation_fails_replay(
    verifier: Verifier, challenges: RedisChallenges, redis_client: Redis
) -> None:
    vp = present()
    first = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN, challenges=challenges)
    assert first.verdict == "verified"
    again = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN, challenges=challenges)
    replay = again.check("replay")
    assert replay is not None
    assert replay.outcome is Outcome.FAILED
    assert "already used" in replay.message
    assert outcomes(again)["holder"] is Outcome.PASSED
    assert not again.verified
    assert again.verdict == "failed"
    assert await redis_client.exists(f"test:challenge:{DOMAIN}:{CHALLENGE}") == 1


async def test_concurrent_replays_let_exactly_one_through(
    verifier: Verifier, challenges: RedisChallenges
) -> None:
    vp = present()
    results = await asyncio.gather(
        *(
            verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN, challenges=challenges)
            for _ in range(5)
        )
    )
    assert sorted(r.verdict for r in results) == ["failed"] * 4 + ["verified"]


async def test_without_a_challenge_store_there_is_no_replay_check(verifier: Verifier) -> None:
    vp = present()
    for _ in range(2):
        result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
        assert "replay" not in outcomes(result)
        assert result.verdict == "verified"


# --- holder proof ---------------------------------------------------------------------------------


async def test_unsigned_presentation_warns_but_verifies(verifier: Verifier) -> None:
    vp = {**present(), "proof": None}
    del vp["proof"]
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    holder = result.check("holder")
    assert holder is not None
    assert holder.outcome is Outcome.WARNING
    assert "not signed" in holder.message
    binding = result.check("binding")  # nobody proved who presents it
    assert binding is not None
    assert binding.outcome is Outcome.WARNING
    assert binding.details == {"bound": False, "reason": "unsigned"}
    assert "could not be tied to the learner" in binding.message
    assert result.verified
    assert result.verdict == "warnings"


async def test_unsigned_presentation_fails_when_a_holder_proof_is_required(verifier: Verifier) -> None:
    vp = {k: v for k, v in present().items() if k != "proof"}
    result = await verify_presentation(vp, verifier, require_holder_proof=True)
    assert outcomes(result)["holder"] is Outcome.FAILED
    assert not result.verified
    assert result.verdict == "failed"


async def test_presentation_signed_by_someone_other_than_its_holder_fails_holder(
    verifier: Verifier,
) -> None:
    vp = present(key=STRANGER_KEY, vm=STRANGER_VM, holder=HOLDER)
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    holder = result.check("holder")
    assert holder is not None
    assert holder.outcome is Outcome.FAILED
    assert f"signed by {STRANGER}, not by its holder {HOLDER}" in holder.message
    assert result.verdict == "failed"


async def test_presentation_signed_with_a_key_the_holder_does_not_control_fails_holder(
    verifier: Verifier,
) -> None:
    vp = present(key=STRANGER_KEY, vm=f"{HOLDER}#{STRANGER_KEY.public_multibase}")
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    assert outcomes(result)["holder"] is Outcome.FAILED


async def test_presentation_proof_with_assertion_purpose_fails_holder(verifier: Verifier) -> None:
    unsigned = {k: v for k, v in present().items() if k != "proof"}
    vp = add_proof(unsigned, HOLDER_KEY, HOLDER_VM, challenge=CHALLENGE, domain=DOMAIN)
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    holder = result.check("holder")
    assert holder is not None
    assert holder.outcome is Outcome.FAILED
    assert "proofPurpose" in holder.message


async def test_credential_added_after_the_holder_signed_fails_holder(verifier: Verifier) -> None:
    vp = present()
    vp["verifiableCredential"].append(credential(number=2))
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    assert outcomes(result)["holder"] is Outcome.FAILED
    assert result.verdict == "failed"


async def test_empty_proof_list_fails_holder_without_raising(verifier: Verifier) -> None:
    vp = {**present(), "proof": []}
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    holder = result.check("holder")
    assert holder is not None
    assert holder.outcome is Outcome.FAILED
    assert "empty" in holder.message
    assert result.verdict == "failed"


# --- credentials inside -------------------------------------------------------------------------


async def test_credential_issued_to_another_did_fails_binding(verifier: Verifier) -> None:
    theirs = credential(STRANGER, number=2)
    vp = present([credential(number=1), theirs])
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    binding = result.check("binding")
    assert binding is not None
    assert binding.outcome is Outcome.FAILED
    assert theirs["id"] in binding.message
    assert outcomes(result)["holder"] is Outcome.PASSED
    assert all(r.verdict == "verified" for r in result.credentials)  # each credential is itself fine
    assert not result.verified
    assert result.verdict == "failed"


async def test_credential_without_subject_id_is_not_bound_to_the_presenter(verifier: Verifier) -> None:
    """Issue 15: a credential issued by name only, presented by someone else, never passes binding."""
    result = await verify_presentation(present([credential(None)]), verifier, challenge=CHALLENGE)
    binding = result.check("binding")
    assert binding is not None
    assert binding.outcome is Outcome.WARNING
    assert binding.details["bound"] is False
    assert binding.details["reason"] == "no_subject_id"
    assert "could not be tied to the learner" in binding.message
    assert "Anyone who holds a copy" in binding.message
    assert result.verdict == "warnings"
    assert "binding" not in result.to_json()["checks"]


async def test_forged_credential_fails_the_presentation_though_the_holder_signed_it(
    verifier: Verifier,
) -> None:
    forged = copy.deepcopy(credential())
    forged["credentialSubject"]["achievement"]["name"] = "Module 99"
    result = await verify_presentation(present([forged]), verifier, challenge=CHALLENGE, domain=DOMAIN)
    assert outcomes(result)["holder"] is Outcome.PASSED
    assert result.credentials[0].check("proof").outcome is Outcome.FAILED  # type: ignore[union-attr]
    assert not result.verified
    assert result.verdict == "failed"


async def test_credential_with_a_warning_makes_the_presentation_amber(verifier: Verifier) -> None:
    class NobodyTrusted:
        def lookup(self, issuer: str) -> dict[str, Any] | None:
            return None

    verifier.trust = NobodyTrusted()
    result = await verify_presentation(present(), verifier, challenge=CHALLENGE, domain=DOMAIN)
    assert result.verified
    assert result.verdict == "warnings"


async def test_presentation_without_credentials_warns(verifier: Verifier) -> None:
    result = await verify_presentation(present([]), verifier, challenge=CHALLENGE, domain=DOMAIN)
    assert outcomes(result)["holder"] is Outcome.PASSED
    assert any(c.name == "presentation" and c.outcome is Outcome.WARNING for c in result.checks)
    assert result.credentials == []
    assert result.verdict == "warnings"


# --- malformed presentations ----------------------------------------------------------------------


def _valid_shape() -> dict[str, Any]:
    return {k: v for k, v in present().items() if k != "proof"}


@pytest.mark.parametrize(
    ("vp", "problem"),
    [
        (None, "JSON object"),
        ("a presentation", "JSON object"),
        ([{"type": "VerifiablePresentation"}], "JSON object"),
        ({**_valid_shape(), "@context": ["https://www.w3.org/ns/did/v1"]}, "first @context"),
        ({**_valid_shape(), "@context": {"@vocab": "https://example.org/"}}, "first @context"),
        ({k: v for k, v in _valid_shape().items() if k != "@context"}, "first @context"),
        ({**_valid_shape(), "type": ["VerifiableCredential"]}, "VerifiablePresentation"),
        ({k: v for k, v in _valid_shape().items() if k != "type"}, "VerifiablePresentation"),
        ({**_valid_shape(), "id": "not a url"}, "id must be a URL"),
        ({**_valid_shape(), "holder": "Anna Kowalska"}, "holder must be a URL"),
        ({**_valid_shape(), "holder": {"name": "Anna"}}, "holder must be a URL"),
        ({**_valid_shape(), "verifiableCredential": ["eyJhbGciOi..."]}, "credential objects"),
        ({**_valid_shape(), "verifiableCredential": "eyJhbGciOi..."}, "credential objects"),
        ({**_valid_shape(), "verifiableCredential": [None]}, "credential objects"),
    ],
)
async def test_malformed_presentation_fails_presentation_check(
    verifier: Verifier, vp: Any, problem: str
) -> None:
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE)
    assert [c.name for c in result.checks] == ["presentation"]
    check = result.checks[0]
    assert check.outcome is Outcome.FAILED
    assert problem in check.message
    assert result.credentials == []
    assert not result.verified
    assert result.verdict == "failed"


@pytest.mark.parametrize("proof", ["z3FXQ", 42, {}, [{}], [None], {"type": "DataIntegrityProof"}])
async def test_malformed_holder_proof_fails_holder_without_raising(verifier: Verifier, proof: Any) -> None:
    vp = {**_valid_shape(), "proof": proof}
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE)
    assert outcomes(result)["holder"] is Outcome.FAILED
    assert result.verdict == "failed"


async def test_malformed_credential_inside_fails_that_credential(verifier: Verifier) -> None:
    no_issuer = {"@context": [VC_V2], "type": ["VerifiableCredential"], "credentialSubject": {"name": "A"}}
    vp = present([no_issuer])
    result = await verify_presentation(vp, verifier, challenge=CHALLENGE, domain=DOMAIN)
    assert outcomes(result)["holder"] is Outcome.PASSED
    format_check = result.credentials[0].check("format")
    assert format_check is not None
    assert format_check.outcome is Outcome.FAILED
    assert "issuer is missing" in format_check.message
    assert result.verdict == "failed"
