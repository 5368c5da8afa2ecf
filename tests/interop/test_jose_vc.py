"""VC-JOSE-COSE (``vc+jwt``/``vp+jwt``) in plecak.core: signing, the credential and presentation
pipelines, hostile JWS (wrong alg, ``alg: none``, foreign kid, tampering, expiry), and interop with an
independent JOSE implementation (panva's ``jose`` for Node, tests/reference_jose.py).

Hostile tokens are built here by hand (base64url JSON and our keys' raw signatures), never with the
library under test, so a bug in how we call PyJWT cannot hide in both the maker and the checker.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, KeyPair
from plecak.core.did import did_key, resolve_did_key
from plecak.core.encoding import b64url_decode, b64url_encode
from plecak.core.jose_vc import (
    envelope,
    envelope_of_text,
    enveloped_jws,
    parse_jws,
    secured_content,
    sign_jose,
    verify_jose,
)
from plecak.core.verify.credential import Outcome, Verifier
from plecak.core.verify.enveloped import is_enveloped_presentation, verify_enveloped_presentation
from plecak.core.verify.presentation import verify_presentation
from support.reference_jose import jose_peer, private_jwk, public_jwk, require_jose_peer
from support.secured_vc import V2, KeyResolver, credential, kid_of


def hand_made(header: dict[str, Any], payload: Any, key: KeyPair | None) -> str:
    """A compact JWS built without any JOSE library; ``key=None`` leaves the signature empty."""
    head = b64url_encode(json.dumps(header).encode())
    body = b64url_encode(json.dumps(payload).encode())
    signature = key.sign(f"{head}.{body}".encode()) if key is not None else b""
    return f"{head}.{body}.{b64url_encode(signature)}"


def verifier(**kwargs: Any) -> Verifier:
    return Verifier(KeyResolver(), **kwargs)


def outcomes(result: Any) -> dict[str, str]:
    return {c.name: c.outcome.value for c in result.checks}


@pytest.fixture(params=["ES256", "EdDSA"])
def issuer_key(request: pytest.FixtureRequest) -> KeyPair:
    return EcdsaKeyPair.generate("P-256") if request.param == "ES256" else Ed25519KeyPair.generate()


# -- signing ----------------------------------------------------------------------------------------
def test_signed_credential_is_a_compact_jws_whose_payload_is_the_credential_itself(issuer_key: KeyPair) -> None:
    vc = credential(did_key(issuer_key))
    jws = sign_jose(vc, issuer_key, kid_of(issuer_key))
    head, body, signature = jws.split(".")
    header = json.loads(b64url_decode(head))
    assert header == {
        "alg": "ES256" if isinstance(issuer_key, EcdsaKeyPair) else "EdDSA",
        "typ": "vc+jwt",
        "cty": "vc",
        "kid": kid_of(issuer_key),
    }
    assert json.loads(b64url_decode(body)) == vc  # no vc claim wrapping it, no proof added
    assert issuer_key.verify(b64url_decode(signature), f"{head}.{body}".encode())


def test_envelope_is_a_vc2_enveloped_credential_with_a_data_url() -> None:
    key = Ed25519KeyPair.generate()
    jws = sign_jose(credential(did_key(key)), key, kid_of(key))
    wrapped = envelope(jws)
    assert wrapped == {"@context": V2, "type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt," + jws}
    assert enveloped_jws(wrapped) == ("vc", jws)
    assert secured_content(wrapped) == credential(did_key(key))
    assert envelope_of_text("  " + jws + "\n") == wrapped


def test_a_credential_with_a_data_integrity_proof_is_not_signed_again() -> None:
    key = Ed25519KeyPair.generate()
    with pytest.raises(ValueError, match="already has a Data Integrity proof"):
        sign_jose({**credential(did_key(key)), "proof": {}}, key, kid_of(key))


# -- the credential pipeline ------------------------------------------------------------------------
async def test_enveloped_credential_passes_every_check(issuer_key: KeyPair) -> None:
    vc = credential(did_key(issuer_key))
    result = await verifier().verify(envelope(sign_jose(vc, issuer_key, kid_of(issuer_key))))
    assert result.verdict == "verified", result.to_json()
    assert outcomes(result) == {"format": "passed", "proof": "passed", "validity": "passed"}
    proof = result.check("proof")
    assert proof is not None
    assert proof.details["signers"] == [did_key(issuer_key)]
    assert proof.details["kid"] == kid_of(issuer_key)
    assert proof.details["securedWith"] == "jose"
    assert result.credential == vc


async def test_bare_compact_jws_verifies_like_its_envelope() -> None:
    key = EcdsaKeyPair.generate("P-256")
    jws = sign_jose(credential(did_key(key)), key, kid_of(key))
    assert (await verifier().verify(jws)).verdict == "verified"


async def test_relative_kid_is_resolved_against_the_issuer() -> None:
    key = EcdsaKeyPair.generate("P-256")
    vc = credential(did_key(key))
    jws = hand_made({"alg": "ES256", "typ": "vc+jwt", "kid": "#" + key.public_multibase}, vc, key)
    assert (await verifier().verify(envelope(jws))).verdict == "verified"


async def test_tampered_payload_fails_the_proof() -> None:
    key = EcdsaKeyPair.generate("P-256")
    head, _, signature = sign_jose(credential(did_key(key)), key, kid_of(key)).split(".")
    forged = credential(did_key(key), subject="did:example:mallory")
    tampered = f"{head}.{b64url_encode(json.dumps(forged).encode())}.{signature}"
    result = await verifier().verify(envelope(tampered))
    assert result.verdict == "failed"
    proof = result.check("proof")
    assert proof is not None
    assert proof.outcome is Outcome.FAILED
    assert proof.details["reason"] == "signature"


async def test_key_of_another_did_is_not_the_issuers() -> None:
    issuer, stranger = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    jws = sign_jose(credential(did_key(issuer)), stranger, kid_of(stranger))
    proof = (await verifier().verify(envelope(jws))).check("proof")
    assert proof is not None
    assert proof.outcome is Outcome.FAILED
    assert proof.details["reason"] == "issuer_key"
    assert "not sealed by its issuer" in proof.message


async def test_kid_naming_the_issuer_but_signed_by_another_key_fails() -> None:
    issuer, stranger = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    jws = hand_made({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid_of(issuer)}, credential(did_key(issuer)), stranger)
    proof = (await verifier().verify(envelope(jws))).check("proof")
    assert proof is not None
    assert proof.outcome is Outcome.FAILED
    assert proof.details["reason"] == "signature"


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ({"alg": "none", "typ": "vc+jwt"}, "alg"),
        ({"alg": "HS256", "typ": "vc+jwt"}, "alg"),
        ({"alg": "ES384", "typ": "vc+jwt"}, "alg"),  # accepted alg, but not for a P-256 key
        ({"alg": "ES256", "typ": "JWT"}, "typ"),
        ({"alg": "ES256", "typ": "dc+sd-jwt"}, "typ"),
        ({"alg": "ES256", "typ": "vc+jwt", "crit": ["exp"]}, "crit"),
        ({"alg": "ES256", "typ": "vc+jwt", "kid": None}, "kid"),
        ({"alg": "ES256", "typ": "vc+jwt", "kid": "https://uni.example/keys/1"}, "kid"),
    ],
)
async def test_hostile_headers_fail_the_proof(header: dict[str, Any], reason: str) -> None:
    key = EcdsaKeyPair.generate("P-256")
    full = {"kid": kid_of(key), **header}
    if full["kid"] is None:
        del full["kid"]
    signer = None if header["alg"] in ("none", "HS256") else key
    result = await verifier().verify(envelope(hand_made(full, credential(did_key(key)), signer)))
    proof = result.check("proof")
    assert result.verdict == "failed"
    assert proof is not None, proof
    assert proof.outcome is Outcome.FAILED, proof
    assert proof.details["reason"] == reason, proof


async def test_hmac_made_with_the_public_key_is_refused() -> None:
    """The classic algorithm confusion: HS256 keyed with the issuer's public key bytes."""
    import hashlib
    import hmac

    key = EcdsaKeyPair.generate("P-256")
    head = b64url_encode(json.dumps({"alg": "HS256", "typ": "vc+jwt", "kid": kid_of(key)}).encode())
    body = b64url_encode(json.dumps(credential(did_key(key))).encode())
    mac = hmac.new(key.public_multibase.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    result = await verifier().verify(f"{head}.{body}.{b64url_encode(mac)}")
    assert result.verdict == "failed"
    proof = result.check("proof")
    assert proof is not None
    assert proof.details["reason"] == "alg"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"vc": {"type": "VerifiableCredential"}}, "claims"),
        ({"iss": "did:example:someone-else"}, "claims"),
        ({"exp": 1_700_000_000}, "expired"),
        ({"nbf": 4_100_000_000}, "not_yet"),
        ({"exp": "tomorrow"}, "claims"),
    ],
)
async def test_jwt_claims_that_contradict_or_expire_are_refused(claims: dict[str, Any], reason: str) -> None:
    key = Ed25519KeyPair.generate()
    vc = {**credential(did_key(key)), **claims}
    jws = hand_made({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid_of(key)}, vc, key)
    checked = await verify_jose(jws, KeyResolver(), kind="vc", subject_id=did_key(key))
    assert checked.verified is False
    assert checked.reason == reason
    # in the pipeline: the proof fails (a "vc" claim is already an undefined term for the format check)
    result = await verifier().verify(envelope(jws))
    assert result.verdict == "failed"
    failed = {c.name for c in result.checks if c.outcome is Outcome.FAILED}
    assert failed == ({"format"} if "vc" in claims else {"proof"})


async def test_matching_iss_and_future_exp_pass() -> None:
    key = Ed25519KeyPair.generate()
    vc = {**credential(did_key(key)), "iss": did_key(key), "exp": 4_100_000_000, "iat": 1_700_000_000}
    jws = hand_made({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid_of(key)}, vc, key)
    assert (await verifier().verify(envelope(jws))).verdict == "verified"


async def test_expired_credential_fails_validity_while_its_seal_holds() -> None:
    key = EcdsaKeyPair.generate("P-256")
    vc = credential(did_key(key), validUntil="2026-02-01T00:00:00Z")
    now = datetime(2026, 6, 1, tzinfo=UTC)
    result = await verifier(now=lambda: now).verify(envelope(sign_jose(vc, key, kid_of(key))))
    assert outcomes(result) == {"format": "passed", "proof": "passed", "validity": "failed"}
    assert "expired on 2026-02-01" in result.checks[-1].message


@pytest.mark.parametrize(
    "text",
    [
        "eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.AAAA",  # payload is not JSON
        "eyJhbGciOiJFUzI1NiJ9.WzEsMl0.AAAA",  # payload is a JSON array
        "eyJhbGciOiJFUzI1NiJ9.e30.***",  # signature is not base64url
    ],
)
async def test_malformed_jws_fails_the_format_check_without_raising(text: str) -> None:
    result = await verifier().verify(envelope(text))
    assert outcomes(result) == {"format": "failed"}


async def test_payload_that_is_no_credential_fails_the_format_check() -> None:
    key = Ed25519KeyPair.generate()
    jws = sign_jose({"@context": [V2], "type": ["Something"]}, key, kid_of(key))
    result = await verifier().verify(envelope(jws))
    assert outcomes(result) == {"format": "failed"}
    assert result.checks[0].details["securedAs"] == "vc+jwt"


# -- presentations ----------------------------------------------------------------------------------
def vp_jwt(holder: KeyPair, credentials: list[Any], **claims: Any) -> dict[str, Any]:
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "holder": did_key(holder)}
    vp["verifiableCredential"] = credentials
    jws = sign_jose({**vp, **claims}, holder, kid_of(holder), kind="vp")
    return envelope(jws, kind="vp")


async def test_enveloped_presentation_of_an_enveloped_credential_binds_the_holder() -> None:
    issuer, holder = EcdsaKeyPair.generate("P-256"), Ed25519KeyPair.generate()
    vc = envelope(sign_jose(credential(did_key(issuer), subject=did_key(holder)), issuer, kid_of(issuer)))
    vp = vp_jwt(holder, [vc], nonce="n-123", aud="https://verifier.example")
    assert is_enveloped_presentation(vp)
    assert vp["type"] == "EnvelopedVerifiablePresentation"
    result = await verify_enveloped_presentation(vp, verifier(), challenge="n-123", domain="https://verifier.example")
    assert result.verdict == "verified", result.to_json()
    assert [c.name for c in result.checks] == ["presentation", "holder", "binding"]
    assert result.credentials[0].verdict == "verified"


@pytest.mark.parametrize(("challenge", "domain"), [("other", None), (None, "https://elsewhere.example")])
async def test_presentation_made_for_another_request_fails_the_holder_check(
    challenge: str | None, domain: str | None
) -> None:
    issuer, holder = EcdsaKeyPair.generate("P-256"), Ed25519KeyPair.generate()
    vc = envelope(sign_jose(credential(did_key(issuer), subject=did_key(holder)), issuer, kid_of(issuer)))
    vp = vp_jwt(holder, [vc], nonce="n-123", aud="https://verifier.example")
    result = await verify_enveloped_presentation(vp, verifier(), challenge=challenge, domain=domain)
    assert result.check("holder").outcome is Outcome.FAILED  # type: ignore[union-attr]


async def test_presentation_signed_by_someone_other_than_its_holder_fails() -> None:
    holder, thief = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "holder": did_key(holder), "verifiableCredential": []}
    wrapped = envelope(sign_jose(vp, thief, kid_of(thief), kind="vp"), kind="vp")
    result = await verify_enveloped_presentation(wrapped, verifier())
    assert result.check("holder").outcome is Outcome.FAILED  # type: ignore[union-attr]


async def test_enveloped_presentation_is_not_accepted_as_a_credential() -> None:
    holder = Ed25519KeyPair.generate()
    result = await verifier().verify(vp_jwt(holder, []))
    assert outcomes(result) == {"format": "failed"}
    assert "presentation" in result.checks[0].message


async def test_json_presentation_binds_the_subject_inside_an_enveloped_credential() -> None:
    issuer, holder = EcdsaKeyPair.generate("P-256"), Ed25519KeyPair.generate()
    vc = envelope(sign_jose(credential(did_key(issuer), subject=did_key(holder)), issuer, kid_of(issuer)))
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "verifiableCredential": [vc]}
    result = await verify_presentation(vp, verifier())
    assert result.credentials[0].verdict == "verified"
    binding = result.check("binding")
    # unsigned: a warning saying so, not "the credential names no learner identifier"
    assert binding is not None
    assert binding.details["reason"] == "unsigned"


# -- an independent JOSE implementation --------------------------------------------------------------
async def test_independent_jose_verifies_our_vc_jwt(issuer_key: KeyPair) -> None:
    require_jose_peer()
    vc = credential(did_key(issuer_key))
    jws = sign_jose(vc, issuer_key, kid_of(issuer_key))
    alg = parse_jws(jws).header["alg"]
    answer = jose_peer({"action": "verify", "jws": jws, "jwk": public_jwk(issuer_key), "alg": alg})
    assert answer["verified"] is True, answer
    assert answer["payload"] == vc
    assert answer["header"]["typ"] == "vc+jwt"
    # … and it refuses the same token once a byte of the payload changed
    head, body, signature = jws.split(".")
    changed = b64url_encode(b64url_decode(body).replace(b"learner", b"mallory"))
    refused = jose_peer(
        {"action": "verify", "jws": f"{head}.{changed}.{signature}", "jwk": public_jwk(issuer_key), "alg": alg}
    )
    assert refused["verified"] is False
    assert "signature" in refused["error"].lower()


async def test_we_verify_a_vc_jwt_made_by_the_independent_jose(issuer_key: KeyPair) -> None:
    require_jose_peer()
    vc = credential(did_key(issuer_key), validUntil="2099-01-01T00:00:00Z")
    alg = "ES256" if isinstance(issuer_key, EcdsaKeyPair) else "EdDSA"
    made = jose_peer(
        {"action": "sign", "payload": vc, "jwk": private_jwk(issuer_key), "alg": alg, "kid": kid_of(issuer_key)}
    )
    result = await verifier().verify(envelope(made["jws"]))
    assert result.verdict == "verified", result.to_json()
    assert result.credential == vc
    wrong = jose_peer(
        {
            "action": "sign",
            "payload": vc,
            "jwk": private_jwk(Ed25519KeyPair.generate()),
            "alg": "EdDSA",
            "kid": kid_of(issuer_key),
        }
    )
    assert (await verifier().verify(envelope(wrong["jws"]))).verdict == "failed"


# -- the VC Data Model 1.1 JWT encoding (read, never issued) ----------------------------------------
def legacy_envelope(text: str, kind: str = "vc") -> dict[str, Any]:
    kind_type = "EnvelopedVerifiableCredential" if kind == "vc" else "EnvelopedVerifiablePresentation"
    return {"@context": V2, "type": kind_type, "id": "data:application/jwt," + text}


async def test_vc_1_1_jwt_encoding_with_a_vc_claim_verifies() -> None:
    key = EcdsaKeyPair.generate("P-256")
    vc = credential(did_key(key))
    del vc["issuer"]  # VC 1.1 JWTs say it with iss
    claims = {"iss": did_key(key), "jti": vc["id"], "sub": "did:example:learner", "vc": vc}
    jws = hand_made({"alg": "ES256", "typ": "JWT", "kid": kid_of(key)}, claims, key)
    result = await verifier().verify(legacy_envelope(jws))
    assert result.verdict == "verified", result.to_json()
    assert result.credential == {**vc, "issuer": did_key(key)}
    assert result.check("proof").details["encoding"] == "VC Data Model 1.1 JWT"  # type: ignore[union-attr]
    assert secured_content(legacy_envelope(jws))["issuer"] == did_key(key)


@pytest.mark.parametrize("claim", ["jti", "sub", "iss"])
async def test_vc_1_1_jwt_claims_must_agree_with_the_credential(claim: str) -> None:
    key = EcdsaKeyPair.generate("P-256")
    vc = credential(did_key(key))
    claims = {"iss": did_key(key), "jti": vc["id"], "sub": "did:example:learner", "vc": vc}
    claims[claim] = "did:example:someone-else"
    jws = hand_made({"alg": "ES256", "typ": "JWT", "kid": kid_of(key)}, claims, key)
    proof = (await verifier().verify(legacy_envelope(jws))).check("proof")
    assert proof is not None
    assert proof.outcome is Outcome.FAILED
    assert proof.details["reason"] == "claims"


async def test_vc_1_1_presentation_jwt_answers_the_challenge_with_its_nonce_claim() -> None:
    issuer, holder = EcdsaKeyPair.generate("P-256"), Ed25519KeyPair.generate()
    vc = credential(did_key(issuer), subject=did_key(holder))
    inner = hand_made({"alg": "ES256", "typ": "JWT", "kid": kid_of(issuer)}, {"iss": did_key(issuer), "vc": vc}, issuer)
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "verifiableCredential": [legacy_envelope(inner)]}
    claims = {"iss": did_key(holder), "nonce": "n-1", "aud": "example.com", "vp": vp}
    outer = legacy_envelope(hand_made({"alg": "EdDSA", "typ": "JWT", "kid": kid_of(holder)}, claims, holder), "vp")
    result = await verify_enveloped_presentation(outer, verifier(), challenge="n-1", domain="example.com")
    assert result.verdict == "verified", result.to_json()
    refused = await verify_enveloped_presentation(outer, verifier(), challenge="n-2")
    assert refused.check("holder").outcome is Outcome.FAILED  # type: ignore[union-attr]


async def test_envelope_without_the_vc2_context_is_not_taken_for_one() -> None:
    key = Ed25519KeyPair.generate()
    wrapped = {**envelope(sign_jose(credential(did_key(key)), key, kid_of(key))), "@context": []}
    assert enveloped_jws(wrapped) is None
    assert (await verifier().verify(wrapped)).verdict == "failed"


async def test_unsigned_presentation_without_credentials_fails() -> None:
    vp = {"@context": [V2], "type": ["VerifiablePresentation"]}
    result = await verify_presentation(vp, verifier())
    assert result.verdict == "failed"
    assert "nothing to verify" in result.checks[-1].message


# -- RS256 (Open Badges 3.0's minimum; the issuer signs it on request: tests/service/test_jose_vc_services.py) --
RSA_DID = "did:example:rsa-issuer"


def rsa_setup(bits: int = 2048) -> tuple[Any, dict[str, Any], Any]:
    """An RSA private key, its JWK (public), and a resolver knowing a DID document that lists it
    as a JsonWebKey (the verification method type VC-JOSE-COSE names)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    numbers = private.public_key().public_numbers()
    jwk = {
        "kty": "RSA",
        "n": b64url_encode(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
        "e": b64url_encode(numbers.e.to_bytes(3, "big")),
    }
    method = {"id": RSA_DID + "#rsa-1", "type": "JsonWebKey", "controller": RSA_DID, "publicKeyJwk": jwk}
    document = {"@context": ["https://www.w3.org/ns/did/v1"], "id": RSA_DID, "verificationMethod": [method]}
    document["assertionMethod"] = [method["id"]]

    class Resolver:
        async def resolve(self, did: str) -> dict[str, Any]:
            return document if did == RSA_DID else resolve_did_key(did)

    return private, jwk, Resolver()


def rs256(private: Any, header: dict[str, Any], payload: Any) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    head = b64url_encode(json.dumps(header).encode())
    body = b64url_encode(json.dumps(payload).encode())
    signature = private.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{b64url_encode(signature)}"


async def test_rs256_vc_jwt_with_a_json_web_key_verifies() -> None:
    private, _, resolver = rsa_setup()
    jws = rs256(private, {"alg": "RS256", "typ": "vc+jwt", "kid": RSA_DID + "#rsa-1"}, credential(RSA_DID))
    result = await Verifier(resolver).verify(envelope(jws))
    assert result.verdict == "verified", result.to_json()
    # the same key under another algorithm name is refused
    other = rs256(private, {"alg": "ES256", "typ": "vc+jwt", "kid": RSA_DID + "#rsa-1"}, credential(RSA_DID))
    assert (await Verifier(resolver).verify(envelope(other))).check("proof").details["reason"] == "alg"  # type: ignore[union-attr]


async def test_rsa_key_under_2048_bits_is_refused() -> None:
    private, _, resolver = rsa_setup(1024)
    jws = rs256(private, {"alg": "RS256", "typ": "vc+jwt", "kid": RSA_DID + "#rsa-1"}, credential(RSA_DID))
    proof = (await Verifier(resolver).verify(envelope(jws))).check("proof")
    assert proof is not None
    assert proof.details["reason"] == "key"
    assert "too small" in proof.message


async def test_we_verify_an_rs256_vc_jwt_made_by_the_independent_jose() -> None:
    require_jose_peer()
    from cryptography.hazmat.primitives.asymmetric import rsa

    private, jwk, resolver = rsa_setup()
    numbers = private.private_numbers()

    def b(value: int) -> str:
        return b64url_encode(value.to_bytes((value.bit_length() + 7) // 8, "big"))

    secret = {**jwk, "d": b(numbers.d), "p": b(numbers.p), "q": b(numbers.q)}
    secret |= {"dp": b(numbers.dmp1), "dq": b(numbers.dmq1), "qi": b(numbers.iqmp)}
    assert isinstance(private, rsa.RSAPrivateKey)
    vc = credential(RSA_DID)
    made = jose_peer({"action": "sign", "payload": vc, "jwk": secret, "alg": "RS256", "kid": RSA_DID + "#rsa-1"})
    result = await Verifier(resolver).verify(envelope(made["jws"]))
    assert result.verdict == "verified", result.to_json()
