"""SD-JWT VC: issue, present with chosen disclosures and key binding, verify; every tampering case."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.sdjwt import (
    ALWAYS_DISCLOSED,
    SELECTIVELY_DISCLOSABLE,
    SdJwtError,
    SdJwtVerifier,
    holder_jwk,
    issue_sd_jwt_vc,
    micro_credential_claims,
    parse_sd_jwt,
    present,
)
from plecak.core.verify.credential import Outcome
from support.sdjwt import ISSUER_DID, KID, VERIFIER, Issuer, example_credential

NONCE = "n-0123456789"
SHARE = ["name", "credits_earned"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
def holder() -> Ed25519KeyPair:
    return Ed25519KeyPair.generate()


async def _verify(issuer: Issuer, presentation: str, **kwargs: object):  # type: ignore[no-untyped-def]
    options = {"nonce": NONCE, "audience": VERIFIER, **kwargs}
    return await SdJwtVerifier(issuer.resolver()).verify(presentation, **options)  # type: ignore[arg-type]


def test_issued_sd_jwt_vc_has_dc_sd_jwt_header_did_kid_and_holder_cnf(
    issuer: Issuer, holder: Ed25519KeyPair
) -> None:
    parsed = parse_sd_jwt(issuer.issue(holder))
    assert parsed.header["typ"] == "dc+sd-jwt"
    assert parsed.header["alg"] == "ES256"
    assert parsed.header["kid"] == KID
    assert parsed.payload["iss"] == ISSUER_DID
    assert parsed.payload["cnf"] == {"jwk": holder_jwk(holder)}
    # the grade and the learner's name are not readable without their disclosures
    assert "grade" not in parsed.payload
    assert "name" not in parsed.payload
    assert parsed.payload["title"] == "Data Literacy Compact Course"
    assert set(parsed.disclosable()) <= set(SELECTIVELY_DISCLOSABLE)
    assert {"grade", "name"} <= set(parsed.disclosable())
    assert parsed.key_binding_jwt is None


async def test_presentation_without_grade_verifies_and_marks_grade_not_shared(
    issuer: Issuer, holder: Ed25519KeyPair
) -> None:
    presentation = present(issuer.issue(holder), SHARE, holder_key=holder, nonce=NONCE, audience=VERIFIER)
    result = await _verify(issuer, presentation)
    assert result.verified, result.to_json()
    assert result.verdict == "verified"
    assert result.disclosed["name"] == "Anna Kowalska"
    assert result.disclosed["credits_earned"] == 3
    assert "grade" not in result.disclosed
    assert "grade" in result.undisclosed
    assert result.hidden_count == len(parse_sd_jwt(issuer.issue(holder)).disclosable()) - len(SHARE)
    # mandatory elements are always there
    for name in ("title", "ects", "eqf_level", "learning_outcomes", "issuer_country"):
        assert name in result.disclosed
    assert [c.name for c in result.checks] == ["format", "proof", "disclosures", "key_binding", "validity"]
    as_json = result.to_json()
    assert as_json["format"] == "dc+sd-jwt"
    assert "grade" in as_json["undisclosed"]


async def test_sharing_everything_leaves_nothing_marked_not_shared(
    issuer: Issuer, holder: Ed25519KeyPair
) -> None:
    issued = issuer.issue(holder)
    everything = list(parse_sd_jwt(issued).disclosable())
    result = await _verify(
        issuer, present(issued, everything, holder_key=holder, nonce=NONCE, audience=VERIFIER)
    )
    assert result.verified
    assert result.disclosed["grade"] == "4.5"
    assert result.undisclosed == []
    assert result.hidden_count == 0


def test_present_refuses_a_claim_the_credential_does_not_have(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    with pytest.raises(SdJwtError, match="no disclosable claim"):
        present(issuer.issue(holder), ["shoe_size"], holder_key=holder, nonce=NONCE, audience=VERIFIER)


def test_issuer_refuses_claims_without_a_disclosure_rule(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    claims = {**micro_credential_claims(example_credential()), "password": "x"}
    with pytest.raises(SdJwtError, match="no disclosure rule"):
        issuer.issue(holder, claims=claims)
    with pytest.raises(SdJwtError, match="registered claims"):
        issuer.issue(holder, claims={"iss": "did:web:evil.example"})


def test_disclosure_rules_do_not_overlap() -> None:
    assert not set(ALWAYS_DISCLOSED) & set(SELECTIVELY_DISCLOSABLE)


def _tamper_disclosure(presentation: str, name: str, value: object) -> str:
    parts = presentation.split("~")
    for i, part in enumerate(parts[1:-1], start=1):
        salt, claim, _ = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        if claim == name:
            parts[i] = _b64(json.dumps([salt, claim, value]).encode())
    return "~".join(parts)


async def test_verify_rejects_a_changed_disclosed_value(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    presentation = present(
        issuer.issue(holder), ["name", "grade"], holder_key=holder, nonce=NONCE, audience=VERIFIER
    )
    tampered = _tamper_disclosure(presentation, "grade", "5.0")
    result = await _verify(issuer, tampered)
    assert not result.verified
    assert result.verdict == "failed"
    check = result.check("disclosures")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert "do not match" in check.message
    assert "grade" not in result.disclosed


async def test_verify_rejects_a_disclosure_added_after_key_binding(
    issuer: Issuer, holder: Ed25519KeyPair
) -> None:
    issued = issuer.issue(holder)
    presentation = present(issued, ["name"], holder_key=holder, nonce=NONCE, audience=VERIFIER)
    grade = parse_sd_jwt(issued).disclosable()["grade"].encoded
    jwt_part, rest = presentation.split("~", 1)
    result = await _verify(issuer, f"{jwt_part}~{grade}~{rest}")
    check = result.check("key_binding")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert "sd_hash" in check.message


async def test_verify_rejects_a_changed_issuer_signed_payload(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    presentation = present(issuer.issue(holder), SHARE, holder_key=holder, nonce=NONCE, audience=VERIFIER)
    header, payload, sig = presentation.split("~", 1)[0].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["ects"] = 30
    forged = ".".join([header, _b64(json.dumps(claims).encode()), sig])
    result = await _verify(issuer, forged + "~" + presentation.split("~", 1)[1])
    check = result.check("proof")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert not result.verified


async def test_verify_rejects_wrong_nonce(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    presentation = present(issuer.issue(holder), SHARE, holder_key=holder, nonce="other", audience=VERIFIER)
    result = await _verify(issuer, presentation)
    check = result.check("key_binding")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert "nonce" in check.message


async def test_verify_rejects_wrong_audience(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    presentation = present(
        issuer.issue(holder), SHARE, holder_key=holder, nonce=NONCE, audience="https://other.example"
    )
    result = await _verify(issuer, presentation)
    check = result.check("key_binding")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert "another verifier" in check.message


async def test_verify_rejects_a_stale_key_binding(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    old = int(time.time()) - 3600
    presentation = present(
        issuer.issue(holder), SHARE, holder_key=holder, nonce=NONCE, audience=VERIFIER, iat=old
    )
    result = await _verify(issuer, presentation)
    check = result.check("key_binding")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert "stale" in check.message


async def test_verify_rejects_a_key_binding_from_the_future(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    later = int(time.time()) + 3600
    presentation = present(
        issuer.issue(holder), SHARE, holder_key=holder, nonce=NONCE, audience=VERIFIER, iat=later
    )
    check = (await _verify(issuer, presentation)).check("key_binding")
    assert check is not None
    assert check.outcome is Outcome.FAILED


async def test_verify_rejects_a_missing_key_binding_when_required(
    issuer: Issuer, holder: Ed25519KeyPair
) -> None:
    presentation = present(issuer.issue(holder), SHARE, holder_key=holder, nonce=NONCE, audience=VERIFIER)
    bare = presentation.rsplit("~", 1)[0] + "~"
    result = await _verify(issuer, bare)
    check = result.check("key_binding")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert not result.verified
    # without the requirement the same SD-JWT verifies with a warning, never as fully verified
    relaxed = await _verify(issuer, bare, require_key_binding=False)
    assert relaxed.verdict == "warnings"


async def test_verify_rejects_key_binding_signed_by_another_key(
    issuer: Issuer, holder: Ed25519KeyPair
) -> None:
    thief = Ed25519KeyPair.generate()
    presentation = present(issuer.issue(holder), SHARE, holder_key=thief, nonce=NONCE, audience=VERIFIER)
    check = (await _verify(issuer, presentation)).check("key_binding")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert "not sent by the holder" in check.message


async def test_verify_rejects_key_binding_with_wrong_sd_hash(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    presentation = present(issuer.issue(holder), SHARE, holder_key=holder, nonce=NONCE, audience=VERIFIER)
    shown = presentation.rsplit("~", 1)[0] + "~"
    kb = jwt.encode(
        {"iat": int(time.time()), "aud": VERIFIER, "nonce": NONCE, "sd_hash": _b64(b"\0" * 32)},
        holder.private_key,  # type: ignore[arg-type]
        algorithm="EdDSA",
        headers={"typ": "kb+jwt"},
    )
    check = (await _verify(issuer, shown + kb)).check("key_binding")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert "sd_hash" in check.message


async def test_verify_rejects_a_kid_of_another_did(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    other = Issuer(kid="did:web:evil.example#k")
    presentation = present(other.issue(holder), SHARE, holder_key=holder, nonce=NONCE, audience=VERIFIER)
    check = (await _verify(issuer, presentation)).check("proof")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert "does not belong" in check.message


async def test_verify_rejects_a_signature_by_a_key_not_in_the_did_document(holder: Ed25519KeyPair) -> None:
    published, impostor = Issuer(), Issuer()
    presentation = present(impostor.issue(holder), SHARE, holder_key=holder, nonce=NONCE, audience=VERIFIER)
    check = (await _verify(published, presentation)).check("proof")
    assert check is not None
    assert check.outcome is Outcome.FAILED


async def test_verify_rejects_an_expired_credential(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    issued = issuer.issue(holder, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
    result = await _verify(issuer, present(issued, SHARE, holder_key=holder, nonce=NONCE, audience=VERIFIER))
    check = result.check("validity")
    assert check is not None
    assert check.outcome is Outcome.FAILED
    assert "expired" in check.message


@pytest.mark.parametrize(
    "text",
    ["", "not an sd-jwt", "a.b.c", "e30.e30.sig~bm90IGpzb24~", "x" * 300_000, "e30.e30.sig~~"],
)
async def test_verify_reports_malformed_input_as_a_failed_format_check(issuer: Issuer, text: str) -> None:
    result = await _verify(issuer, text)
    assert [c.name for c in result.checks] == ["format"]
    assert result.checks[0].outcome is Outcome.FAILED


async def test_verify_rejects_wrong_typ(issuer: Issuer, holder: Ed25519KeyPair) -> None:
    from jwcrypto.jwk import JWK
    from sd_jwt.common import SDObj
    from sd_jwt.issuer import SDJWTIssuer

    made = SDJWTIssuer(
        {"iss": ISSUER_DID, "vct": "x", SDObj("name"): "A"},
        JWK.from_pyca(issuer.key),
        holder_key=JWK(**holder_jwk(holder)),
        sign_alg="ES256",
        extra_header_parameters={"typ": "example+sd-jwt", "kid": KID},
    ).sd_jwt_issuance
    result = await _verify(issuer, present(made, ["name"], holder_key=holder, nonce=NONCE, audience=VERIFIER))
    assert result.checks[0].outcome is Outcome.FAILED
    assert "typ" in result.checks[0].message


async def test_holder_may_bind_with_a_p256_key(issuer: Issuer) -> None:
    holder = ec.generate_private_key(ec.SECP256R1())
    presentation = present(issuer.issue(holder), SHARE, holder_key=holder, nonce=NONCE, audience=VERIFIER)
    result = await _verify(issuer, presentation)
    assert result.verified, result.to_json()


def test_issue_requires_a_p256_issuer_key(holder: Ed25519KeyPair) -> None:
    with pytest.raises(TypeError):
        issue_sd_jwt_vc(
            {},
            issuer=ISSUER_DID,
            kid=KID,
            signing_key=ec.generate_private_key(ec.SECP384R1()),
            holder=holder_jwk(holder),
        )


async def test_without_a_nonce_the_binding_is_checked_but_reported_as_not_fresh(
    issuer: Issuer, holder: Ed25519KeyPair
) -> None:
    old = int(time.time()) - 30 * 86400
    issued = issuer.issue(holder)
    shared = present(
        issued, SHARE, holder_key=holder, nonce="share-1", audience="https://wallet.example/s/1", iat=old
    )
    result = await SdJwtVerifier(issuer.resolver()).verify(shared, nonce=None, audience=None)
    check = result.check("key_binding")
    assert result.verified
    assert check is not None
    assert check.details["fresh"] is False
    thief = present(issued, SHARE, holder_key=Ed25519KeyPair.generate(), nonce="x", audience="y")
    stolen = await SdJwtVerifier(issuer.resolver()).verify(thief, nonce=None, audience=None)
    assert not stolen.verified


@pytest.mark.parametrize("exp", ["NaN", "1e300", "-5", "Infinity"])
async def test_verify_reports_absurd_dates_as_a_failed_format_check(issuer: Issuer, exp: str) -> None:
    header = _b64(json.dumps({"alg": "ES256", "typ": "dc+sd-jwt", "kid": KID}).encode())
    payload = _b64(f'{{"iss": "{ISSUER_DID}", "vct": "x", "iat": 1, "exp": {exp}}}'.encode())
    result = await _verify(issuer, f"{header}.{payload}.c2ln~", require_key_binding=False)
    assert [c.name for c in result.checks] == ["format"]
    message = result.checks[0].message
    # NaN and Infinity are not JSON: the payload is refused as it is parsed, naming the constant
    assert result.checks[0].outcome is Outcome.FAILED
    assert ("exp" in message or exp in message)
