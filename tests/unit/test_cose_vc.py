"""VC-JOSE-COSE with COSE (``application/vc+cose``) in plecak.core: signing, the envelope, the
credential pipeline, and hostile COSE_Sign1 messages (wrong alg, wrong key, wrong type or content
type, kid mismatches, tampering, broken CBOR).

Hostile messages are built here with cbor2 and our keys' raw signatures, not with :func:`sign_cose`,
so a bug in how we sign cannot hide in both the maker and the checker.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import cbor2
import pytest

from plecak.core.crypto.keys import EcdsaKeyPair, Ed25519KeyPair, KeyPair
from plecak.core.did import did_key
from plecak.core.jose_vc import (
    envelope_cose,
    envelope_of_bytes,
    envelope_of_text,
    enveloped_cose,
    is_enveloped,
    parse_cose,
    secured_content,
    sign_cose,
    verify_cose,
)
from plecak.core.verify.credential import Outcome, Verifier
from support.secured_vc import V2, KeyResolver, credential, key_for, kid_of

ALG = {"ES256": -7, "EdDSA": -8, "ES384": -35}


def hand_made(
    protected: dict[int, Any],
    payload: bytes,
    key: KeyPair | None,
    *,
    unprotected: dict[int, Any] | None = None,
    tagged: bool = True,
) -> bytes:
    """A COSE_Sign1 built without our signing code; ``key=None`` leaves the signature empty."""
    head = cbor2.dumps(protected)
    signed = cbor2.dumps(["Signature1", head, b"", payload])
    signature = key.sign(signed) if key is not None else b""
    body = [head, unprotected or {}, payload, signature]
    return cbor2.dumps(cbor2.CBORTag(18, body) if tagged else body)


def header(key: KeyPair, **changes: Any) -> dict[int, Any]:
    alg = "ES256" if isinstance(key, EcdsaKeyPair) else "EdDSA"
    base: dict[int, Any] = {1: ALG[alg], 3: "application/vc", 4: kid_of(key).encode(), 16: "application/vc+cose"}
    names = {"alg": 1, "cty": 3, "kid": 4, "typ": 16, "crit": 2, "cwt": 15}
    for name, value in changes.items():
        if value is None:
            base.pop(names[name], None)
        else:
            base[names[name]] = value
    return base


def body(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()


def verifier() -> Verifier:
    return Verifier(KeyResolver())


def outcomes(result: Any) -> dict[str, str]:
    return {c.name: c.outcome.value for c in result.checks}


@pytest.fixture(params=["ES256", "EdDSA"])
def issuer_key(request: pytest.FixtureRequest) -> KeyPair:
    return key_for(request.param)


# -- signing ----------------------------------------------------------------------------------------
def test_signed_credential_is_a_tagged_cose_sign1_whose_payload_is_the_credential(issuer_key: KeyPair) -> None:
    vc = credential(did_key(issuer_key))
    message = sign_cose(vc, issuer_key, kid_of(issuer_key))
    tag = cbor2.loads(message)
    assert isinstance(tag, cbor2.CBORTag)
    assert tag.tag == 18
    protected, unprotected, payload, signature = tag.value
    assert dict(cbor2.loads(protected)) == {
        1: -7 if isinstance(issuer_key, EcdsaKeyPair) else -8,
        3: "application/vc",
        4: kid_of(issuer_key).encode(),
        16: "application/vc+cose",
    }
    assert dict(unprotected) == {}
    assert json.loads(payload) == vc  # the credential itself, no proof added
    assert issuer_key.verify(signature, cbor2.dumps(["Signature1", protected, b"", payload]))


def test_envelope_is_a_vc2_enveloped_credential_with_a_base64_data_url() -> None:
    key = Ed25519KeyPair.generate()
    message = sign_cose(credential(did_key(key)), key, kid_of(key))
    wrapped = envelope_cose(message)
    assert wrapped["type"] == "EnvelopedVerifiableCredential"
    assert wrapped["id"] == "data:application/vc+cose;base64," + base64.b64encode(message).decode()
    assert enveloped_cose(wrapped) == ("vc", base64.b64encode(message).decode())
    assert is_enveloped(wrapped)
    assert secured_content(wrapped) == credential(did_key(key))
    # pasted text: the data URL, or the bare base64 of the message
    assert envelope_of_text(wrapped["id"]) == wrapped
    assert envelope_of_text(base64.b64encode(message).decode() + "\n") == wrapped


def test_binary_cose_tagged_or_untagged_is_read_as_its_envelope_and_other_bytes_are_not() -> None:
    key = Ed25519KeyPair.generate()
    message = sign_cose(credential(did_key(key)), key, kid_of(key))
    assert envelope_of_bytes(message) == envelope_cose(message)
    untagged = message[1:]
    assert envelope_of_bytes(untagged) == envelope_cose(untagged)
    assert envelope_of_bytes(b'{"@context": []}') is None
    assert envelope_of_bytes(b"%PDF-1.7") is None


def test_a_credential_with_a_data_integrity_proof_is_not_signed_again() -> None:
    key = Ed25519KeyPair.generate()
    with pytest.raises(ValueError, match="already has a Data Integrity proof"):
        sign_cose({**credential(did_key(key)), "proof": {}}, key, kid_of(key))


# -- the credential pipeline ------------------------------------------------------------------------
async def test_enveloped_cose_credential_passes_every_check(issuer_key: KeyPair) -> None:
    vc = credential(did_key(issuer_key))
    result = await verifier().verify(envelope_cose(sign_cose(vc, issuer_key, kid_of(issuer_key))))
    assert result.verdict == "verified", result.to_json()
    assert outcomes(result) == {"format": "passed", "proof": "passed", "validity": "passed"}
    assert result.checks[0].details["securedAs"] == "vc+cose"
    proof = result.check("proof")
    assert proof is not None
    assert proof.code == "proof.passed_cose"
    assert proof.details["securedWith"] == "cose"
    assert proof.details["signers"] == [did_key(issuer_key)]
    assert proof.details["kid"] == kid_of(issuer_key)
    assert result.credential == vc


async def test_untagged_message_and_kid_as_text_in_the_unprotected_header_verify() -> None:
    key = EcdsaKeyPair.generate("P-256")
    message = hand_made(
        header(key, kid=None), body(credential(did_key(key))), key, unprotected={4: kid_of(key)}, tagged=False
    )
    assert parse_cose(message).tagged is False
    assert (await verifier().verify(envelope_cose(message))).verdict == "verified"


async def test_relative_kid_is_resolved_against_the_issuer() -> None:
    key = Ed25519KeyPair.generate()
    message = hand_made(header(key, kid=b"#" + key.public_multibase.encode()), body(credential(did_key(key))), key)
    assert (await verifier().verify(envelope_cose(message))).verdict == "verified"


async def test_tampered_payload_fails_the_proof(issuer_key: KeyPair) -> None:
    message = sign_cose(credential(did_key(issuer_key)), issuer_key, kid_of(issuer_key))
    tampered = message.replace(b"did:example:learner", b"did:example:mallory")
    assert tampered != message
    result = await verifier().verify(envelope_cose(tampered))
    assert result.verdict == "failed"
    proof = result.check("proof")
    assert proof is not None
    assert proof.outcome is Outcome.FAILED
    assert proof.details["reason"] == "signature"


async def test_kid_naming_the_issuer_but_signed_by_another_key_fails() -> None:
    issuer, stranger = Ed25519KeyPair.generate(), Ed25519KeyPair.generate()
    message = hand_made(header(issuer), body(credential(did_key(issuer))), stranger)
    proof = (await verifier().verify(envelope_cose(message))).check("proof")
    assert proof is not None
    assert proof.details["reason"] == "signature"


async def test_key_of_another_did_is_not_the_issuers() -> None:
    issuer, stranger = EcdsaKeyPair.generate("P-256"), EcdsaKeyPair.generate("P-256")
    message = sign_cose(credential(did_key(issuer)), stranger, kid_of(stranger))
    proof = (await verifier().verify(envelope_cose(message))).check("proof")
    assert proof is not None
    assert proof.outcome is Outcome.FAILED
    assert proof.details["reason"] == "issuer_key"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"alg": None}, "alg"),  # no algorithm
        ({"alg": 5}, "alg"),  # HMAC 256/256
        ({"alg": -35}, "alg"),  # ES384: accepted, but not for a P-256 key
        ({"alg": -8}, "alg"),  # EdDSA named for a P-256 key
        ({"typ": "application/vp+cose"}, "typ"),
        ({"typ": "application/cwt"}, "typ"),
        ({"cty": "application/vp"}, "cty"),
        ({"cty": "text/plain"}, "cty"),
        ({"cty": 50}, "cty"),  # a CoAP content format number (application/json)
        ({"crit": [99]}, "crit"),
        ({"kid": None}, "kid"),
        ({"kid": b"https://uni.example/keys/1"}, "kid"),
        ({"kid": b"\xff\xfe"}, "kid"),
        ({"cwt": {1: "did:example:someone-else"}}, "claims"),
        ({"cwt": {4: 1_700_000_000}}, "expired"),
        ({"cwt": "not a map"}, "claims"),
    ],
)
async def test_hostile_protected_headers_fail(changes: dict[str, Any], reason: str) -> None:
    key = EcdsaKeyPair.generate("P-256")
    message = hand_made(header(key, **changes), body(credential(did_key(key))), key)
    checked = await verify_cose(message, KeyResolver(), kind="vc", subject_id=did_key(key))
    assert checked.verified is False
    assert checked.reason == reason, checked.error
    assert (await verifier().verify(envelope_cose(message))).verdict == "failed"


async def test_alg_only_in_the_unprotected_header_is_refused() -> None:
    key = EcdsaKeyPair.generate("P-256")
    message = hand_made(header(key, alg=None), body(credential(did_key(key))), key, unprotected={1: -7})
    checked = await verify_cose(message, KeyResolver(), kind="vc", subject_id=did_key(key))
    assert (checked.reason, "protected header" in checked.error) == ("alg", True)


async def test_matching_cwt_issuer_and_future_expiry_pass() -> None:
    key = Ed25519KeyPair.generate()
    cwt = {1: did_key(key), 4: 4_100_000_000, 6: 1_700_000_000}
    message = hand_made(header(key, cwt=cwt), body(credential(did_key(key))), key)
    assert (await verifier().verify(envelope_cose(message))).verdict == "verified"


async def test_presentation_secured_with_cose_is_not_accepted_as_a_credential() -> None:
    key = Ed25519KeyPair.generate()
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "holder": did_key(key)}
    message = sign_cose(vp, key, kid_of(key), kind="vp")
    result = await verifier().verify(envelope_cose(message, kind="vp"))
    assert outcomes(result) == {"format": "failed"}


@pytest.mark.parametrize(
    "data_url",
    [
        "data:application/vc+cose;base64,!!!not base64!!!",
        "data:application/vc+cose;base64," + base64.b64encode(b"\xff\x00garbage").decode(),
        "data:application/vc+cose;base64," + base64.b64encode(cbor2.dumps(cbor2.CBORTag(98, []))).decode(),
        "data:application/vc+cose;base64," + base64.b64encode(cbor2.dumps([b"", {}, b"x", b""])).decode(),
        "data:application/vc+cose;base64," + base64.b64encode(cbor2.dumps([b"", {}, None, b""])).decode(),
        "data:application/vc+cose;base64," + base64.b64encode(cbor2.dumps([b"\xa1", {}, b"{}", b""])).decode(),
        "data:application/vc+cose;base64," + base64.b64encode(b"\x81" * 5000 + b"\x80").decode(),
    ],
)
async def test_malformed_cose_fails_the_format_check_without_raising(data_url: str) -> None:
    document = {"@context": V2, "type": "EnvelopedVerifiableCredential", "id": data_url}
    result = await verifier().verify(document)
    assert outcomes(result) == {"format": "failed"}
    assert result.checks[0].code == "format.cose"
    assert secured_content(document) == document


async def test_payload_that_is_no_credential_fails_the_format_check() -> None:
    key = Ed25519KeyPair.generate()
    message = sign_cose({"@context": [V2], "type": ["Something"]}, key, kid_of(key))
    result = await verifier().verify(envelope_cose(message))
    assert outcomes(result) == {"format": "failed"}
    assert result.checks[0].details["securedAs"] == "vc+cose"


def _shared_bomb(levels: int = 40) -> list[Any]:
    """A list whose text form doubles with each level: small as CBOR with shared values (tags 28/29)."""
    bomb: list[Any] = []
    for _ in range(levels):
        bomb = [bomb, bomb]
    return bomb


def _referencing(value: Any, kind: str) -> bytes:
    """``value`` as CBOR with shared values (tags 28/29) or string references (tags 256/25)."""
    if kind == "shared":
        return cbor2.dumps(value, value_sharing=True)
    return cbor2.dumps(value, string_referencing=True)


@pytest.mark.parametrize("kind", ["shared", "string"])
@pytest.mark.parametrize("where", ["protected", "unprotected"])
def test_cbor_shared_values_and_string_references_are_refused_before_any_use(where: str, kind: str) -> None:
    # Shared values (tags 28/29) and string references (256/25) expand a few hundred bytes into a
    # structure whose text form or traversal is exponential: an error message naming it would hang.
    key = EcdsaKeyPair.generate("P-256")
    hostile = _shared_bomb() if kind == "shared" else ["did:example:" + "x" * 1000] * 3
    if where == "protected":
        head, unprotected = _referencing({1: hostile}, kind), b"\xa0"
    else:
        head, unprotected = cbor2.dumps(header(key)), _referencing({16: hostile}, kind)
    payload = body(credential(did_key(key)))
    message = b"\xd2\x84" + cbor2.dumps(head) + unprotected + cbor2.dumps(payload) + cbor2.dumps(b"")
    with pytest.raises(ValueError, match="not well-formed CBOR"):
        parse_cose(message)


def test_cbor_big_integers_are_refused_so_map_keys_cannot_share_one_hash() -> None:
    # Python hashes an integer modulo 2**61 - 1: big integers (tags 2/3) that differ by multiples
    # of it all collide, and a map of some 100,000 of them takes minutes to build.
    key = Ed25519KeyPair.generate()
    colliding = {n * (2**61 - 1): 0 for n in range(1, 200)}
    for protected in ({**header(key), 99: colliding}, {**header(key), 2**70: 0}):
        message = hand_made(protected, body(credential(did_key(key))), key)
        with pytest.raises(ValueError, match="not well-formed CBOR"):
            parse_cose(message)


@pytest.mark.parametrize(
    "value",
    [
        cbor2.CBORTag(35, "a|" * 1000),  # a regular expression, compiled while decoding (seconds when long)
        cbor2.CBORTag(36, "Subject: x\n\nbody"),  # a MIME message, parsed while decoding
        cbor2.CBORTag(4, [-1, 5]),  # a decimal fraction
        cbor2.CBORTag(258, [1, 2]),  # a set
        cbor2.CBORTag(1, 0),  # a date
    ],
    ids=["regex", "mime", "decimal", "set", "date"],
)
def test_cbor_tags_that_make_python_objects_are_refused_in_cose_headers(value: Any) -> None:
    # COSE headers are ints, text, bytes, arrays and maps: a tag cbor2 would turn into another
    # object (doing work to make it) has no place in them.
    key = Ed25519KeyPair.generate()
    message = hand_made({**header(key), 99: value}, body(credential(did_key(key))), key)
    with pytest.raises(ValueError, match="not well-formed CBOR"):
        parse_cose(message)


def test_a_self_described_cose_message_is_still_read() -> None:
    key = Ed25519KeyPair.generate()
    message = hand_made(header(key), body(credential(did_key(key))), key)
    assert parse_cose(cbor2.dumps(cbor2.CBORTag(55799, cbor2.loads(message)))).tagged is True
