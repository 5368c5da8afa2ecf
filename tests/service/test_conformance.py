"""What the W3C VC test suites expect of our issuer and verifier, checked here without the suites
(docs/conformance.md runs the suites themselves): data-model validation at issue time
(relatedResource, credentialSchema), options.credentialStatus, the P-384 did:key, URL issuers,
the ``spec`` presentation policy, contexts resetting ``@vocab`` to null, and JSON-LD errors reported
in one line."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from plecak.core.did import DidResolver
from plecak.core.errors import UndefinedTermError
from plecak.core.integrity import sd_primitives
from plecak.core.integrity.proofs import verify_proofs
from plecak.core.jsonld import processor, rdf
from plecak.core.jsonld.loader import default_context_store
from plecak.core.model.relatedresource import digest_problems, related_resource_problems, unchecked_resources
from plecak.core.verify.credential import Outcome, Verifier
from plecak.issuer.app import create_app
from plecak.issuer.app_keys import SERVICE
from support import TESTS
from support.issuer import AUTH, issuer_settings, simple_credential_v2
from support.verifier import Holder, Stack, start_stack

ServerFactory = Callable[..., Awaitable[TestServer]]
ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]

V2 = "https://www.w3.org/ns/credentials/v2"
# The digests the VC 2.0 test suite uses: w3c/vc-data-model 8d0ee107 (2024-07-20) contexts/credentials/v2.
SUITE_SRI = "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"
SUITE_MULTIBASE = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"
WRONG_MULTIBASE = "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"
ECDSA_VECTORS = TESTS / "vectors" / "vc-di-ecdsa" / "TestVectors"


@pytest.fixture
async def client(aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path) -> TestClient[Any, Any]:
    return await aiohttp_client(create_app(issuer_settings(redis_url, tmp_path, did_method="key")))


def did_of(client: TestClient[Any, Any], curve: str) -> str:
    keys = client.app[SERVICE].keys
    return next(s.did for s in keys.signers() if s.key.key_type == curve)


async def issue(
    client: TestClient[Any, Any], credential: dict[str, Any], options: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"credential": credential}
    if options is not None:
        body["options"] = options
    resp = await client.post("/credentials/issue", json=body, headers=AUTH)
    return resp.status, await resp.json()


# --- relatedResource and credentialSchema at issue time ---------------------------------------
def our_v2_digests() -> tuple[str, str]:
    raw = default_context_store().raw(V2)
    sri = "sha256-" + base64.b64encode(hashlib.sha256(raw).digest()).decode()
    multibase = "u" + base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")
    return sri, multibase


@pytest.mark.parametrize(
    "related",
    [
        {"id": V2, "digestSRI": SUITE_SRI},
        {"id": V2, "digestMultibase": SUITE_MULTIBASE},
        [{"id": V2, "mediaType": "application/ld+json", "digestSRI": SUITE_SRI}],
        {"id": V2, "digestSRI": our_v2_digests()[0], "digestMultibase": our_v2_digests()[1]},
        {"id": "https://resources.example/unknown.png", "digestMultibase": WRONG_MULTIBASE},
    ],
)
async def test_issue_accepts_valid_related_resources(client: TestClient[Any, Any], related: Any) -> None:
    cred = simple_credential_v2(did_of(client, "Ed25519"))
    cred["relatedResource"] = related
    status, body = await issue(client, cred)
    assert status == 201, body
    assert body["verifiableCredential"]["relatedResource"] == related


@pytest.mark.parametrize(
    ("related", "problem"),
    [
        ([V2], "must be an object"),
        ([{"digestMultibase": SUITE_MULTIBASE}], "must have an id"),
        (
            [{"id": V2, "digestSRI": SUITE_SRI}, {"id": V2, "digestMultibase": SUITE_MULTIBASE}],
            "more than once",
        ),
        ([{"id": V2}], "digestSRI or a digestMultibase"),
        ([{"id": V2, "digestMultibase": WRONG_MULTIBASE}], "does not match"),
        ([{"id": V2, "digestSRI": "sha384-" + base64.b64encode(bytes(48)).decode()}], "does not match"),
        ([{"id": V2, "digestSRI": "md5-abc"}], "sha256-, sha384- or sha512-"),
        ([{"id": "not a url", "digestSRI": SUITE_SRI}], "must be a URL"),
    ],
)
async def test_issue_rejects_bad_related_resources(
    client: TestClient[Any, Any], related: Any, problem: str
) -> None:
    cred = simple_credential_v2(did_of(client, "Ed25519"))
    cred["relatedResource"] = related
    status, body = await issue(client, cred)
    assert status == 422
    assert problem in json.dumps(body)


def test_unchecked_resources_are_the_ones_we_do_not_hold() -> None:
    doc = {"relatedResource": [{"id": V2}, {"id": "https://elsewhere.example/x"}]}
    assert unchecked_resources(doc) == ["https://elsewhere.example/x"]
    assert related_resource_problems({}) == []
    assert digest_problems({}) == []


async def test_issue_rejects_credential_schema_without_id(client: TestClient[Any, Any]) -> None:
    cred = simple_credential_v2(did_of(client, "Ed25519"))
    cred["credentialSchema"] = {"type": "JsonSchema"}
    status, body = await issue(client, cred)
    assert status == 422
    assert "credentialSchema must have an id" in json.dumps(body)
    cred["credentialSchema"] = {"type": "JsonSchema", "id": "https://schemas.example/course.json"}
    status, body = await issue(client, cred)
    assert status == 201, body


# --- options.credentialStatus ------------------------------------------------------------------
async def test_issue_without_status_when_asked(client: TestClient[Any, Any], redis_client: Any) -> None:
    before = await redis_client.get("issuer:status:next")
    status, body = await issue(
        client, simple_credential_v2(did_of(client, "Ed25519")), {"credentialStatus": False}
    )
    assert status == 201, body
    assert "credentialStatus" not in body["verifiableCredential"]
    assert await redis_client.get("issuer:status:next") == before


async def test_issue_status_type_can_be_chosen(client: TestClient[Any, Any]) -> None:
    options = {"credentialStatus": {"type": "StatusList2021Entry"}}
    status, body = await issue(client, simple_credential_v2(did_of(client, "Ed25519")), options)
    assert status == 201, body
    vc = body["verifiableCredential"]
    assert {e["type"] for e in vc["credentialStatus"]} == {"StatusList2021Entry"}
    assert "https://w3id.org/vc/status-list/2021/v1" in vc["@context"]


@pytest.mark.parametrize(
    ("credential", "value"),
    [
        ("v2", {"type": "RevocationList2020Status"}),
        ("v2", True),
        ("v2", "none"),
        ("v1", {"type": "BitstringStatusListEntry"}),
    ],
)
async def test_issue_rejects_bad_status_option(
    client: TestClient[Any, Any], credential: str, value: Any
) -> None:
    cred = simple_credential_v2(did_of(client, "Ed25519"))
    if credential == "v1":
        cred["@context"] = ["https://www.w3.org/2018/credentials/v1"]
        cred["issuanceDate"] = "2026-01-01T00:00:00Z"
        cred.pop("name")
    status, body = await issue(client, cred, {"credentialStatus": value})
    assert status == 422, body


# --- P-384 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("suite", ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"])
@pytest.mark.parametrize("curve", ["P-256", "P-384"])
async def test_ecdsa_issuer_did_key_picks_the_curve(
    client: TestClient[Any, Any], suite: str, curve: str
) -> None:
    did = did_of(client, curve)
    assert did.startswith("did:key:" + ("zDna" if curve == "P-256" else "z82L"))
    status, body = await issue(client, simple_credential_v2(did), {"cryptosuite": suite})
    assert status == 201, body
    vc = body["verifiableCredential"]
    assert vc["proof"]["cryptosuite"] == suite
    assert vc["proof"]["verificationMethod"].startswith(did + "#")
    assert [c.verified for c in await verify_proofs(vc, DidResolver())] == [True]


async def test_ecdsa_issue_refuses_a_foreign_issuer(client: TestClient[Any, Any]) -> None:
    status, body = await issue(
        client,
        simple_credential_v2("did:key:zDnaeUKTWUXc1HDpGfKbEK31nKLN19yX5aunFd7VK1CUMeyJu"),
        {"cryptosuite": "ecdsa-rdfc-2019"},
    )
    assert status == 422
    assert "issuer must be" in json.dumps(body)


def test_eddsa_suites_never_pick_an_ecdsa_key(client: TestClient[Any, Any]) -> None:
    keys = client.app[SERVICE].keys
    p384 = did_of(client, "P-384")
    assert keys.signer_for({"Ed25519"}, p384) is None
    signer = keys.signer_for({"P-256", "P-384"})
    assert signer is not None
    assert signer.key.key_type == "P-256"


# --- verifier: URL issuers --------------------------------------------------------------------
class _TrustEverything:
    def lookup(self, issuer: str) -> Mapping[str, Any] | None:
        return {"name": "Anyone"}


async def test_url_issuer_fails_by_default() -> None:
    """Issue 15: nothing ties a URL issuer to the key that signed, so by default it is not verified."""
    vc = json.loads((ECDSA_VECTORS / "ecdsa-rdfc-2019-p256" / "signedECDSAP256.json").read_text())
    result = await Verifier(DidResolver(), trust=_TrustEverything()).verify(vc)
    proof = result.check("proof")
    assert proof is not None
    assert proof.outcome is Outcome.FAILED
    assert proof.details["reason"] == "issuer_not_did"
    assert "not a DID" in proof.message
    assert not result.verified
    assert result.verdict == "failed"


async def test_url_issuer_signed_by_a_did_key_verifies_with_unconfirmed_issuer_when_allowed() -> None:
    vc = json.loads((ECDSA_VECTORS / "ecdsa-rdfc-2019-p256" / "signedECDSAP256.json").read_text())
    assert vc["issuer"] == "https://vc.example/issuers/5678"
    verifier = Verifier(DidResolver(), trust=_TrustEverything(), url_issuers=True)
    result = await verifier.verify(vc)
    proof, issuer = result.check("proof"), result.check("issuer")
    assert proof is not None
    assert proof.outcome is Outcome.WARNING
    assert "unconfirmed" in proof.message
    assert proof.details["issuerConfirmed"] is False
    # A trusted-list entry for a URL never applies when nothing ties the signer to it.
    assert issuer is not None
    assert issuer.outcome is Outcome.WARNING
    assert result.verified
    assert result.verdict == "warnings"


async def test_did_issuer_signed_by_another_did_still_fails() -> None:
    vc = json.loads((ECDSA_VECTORS / "ecdsa-rdfc-2019-p256" / "signedECDSAP256.json").read_text())
    vc["issuer"] = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    result = await Verifier(DidResolver()).verify(vc)
    proof = result.check("proof")
    assert proof is not None
    assert proof.outcome is Outcome.FAILED
    assert not result.verified


async def test_url_issuer_signature_must_still_be_valid() -> None:
    vc = json.loads((ECDSA_VECTORS / "ecdsa-rdfc-2019-p256" / "signedECDSAP256.json").read_text())
    vc["credentialSubject"]["alumniOf"] = "Another School"
    result = await Verifier(DidResolver(), url_issuers=True).verify(vc)
    assert not result.verified


# --- verifier: relatedResource digests and the spec presentation policy -------------------------
@pytest.fixture
async def spec_stack(
    aiohttp_server: ServerFactory, aiohttp_client: ClientFactory, redis_url: str, tmp_path: Path
) -> Stack:
    return await start_stack(aiohttp_server, aiohttp_client, redis_url, tmp_path, vcapi_policy="spec")


async def test_verifier_rejects_a_wrong_related_resource_digest(spec_stack: Stack) -> None:
    cred = simple_credential_v2()
    cred["relatedResource"] = [{"id": V2, "digestSRI": SUITE_SRI}]
    signed = await spec_stack.issue_vcapi(cred)
    status, body = await spec_stack.verify(signed)
    assert status == 200, body
    signed["relatedResource"] = [{"id": V2, "digestMultibase": WRONG_MULTIBASE}]
    status, body = await spec_stack.verify(signed)
    assert status == 422
    assert "does not match" in json.dumps(body)


async def test_spec_policy_accepts_a_challenge_twice_and_unsigned_presentations(spec_stack: Stack) -> None:
    holder = Holder()
    vp = holder.present([await spec_stack.issue(did=holder.did)], challenge="suite-challenge")
    request = {"verifiablePresentation": vp, "options": {"challenge": "suite-challenge"}}
    for _ in range(2):
        resp = await spec_stack.verifier.post("/presentations/verify", json=request)
        assert resp.status == 200, await resp.text()
    credential = await spec_stack.issue(did=holder.did)
    unsigned = {"@context": [V2], "type": ["VerifiablePresentation"], "verifiableCredential": [credential]}
    resp = await spec_stack.verifier.post(
        "/presentations/verify", json={"verifiablePresentation": unsigned, "options": {"challenge": "x"}}
    )
    body = await resp.json()
    assert resp.status == 200, body
    assert body["verdict"] == "warnings", body
    # … but one that is neither signed nor holds a credential has nothing to verify
    empty = {"@context": [V2], "type": ["VerifiablePresentation"]}
    resp = await spec_stack.verifier.post(
        "/presentations/verify", json={"verifiablePresentation": empty, "options": {"challenge": "x"}}
    )
    assert resp.status == 422
    assert "nothing to verify" in await resp.text()
    wrong = {"verifiablePresentation": vp, "options": {"challenge": "another"}}
    resp = await spec_stack.verifier.post("/presentations/verify", json=wrong)
    assert resp.status == 422


async def test_spec_policy_makes_subject_binding_a_warning(spec_stack: Stack) -> None:
    holder, other = Holder(), Holder()
    vp = other.present([await spec_stack.issue(did=holder.did)], challenge="c")
    resp = await spec_stack.verifier.post(
        "/presentations/verify", json={"verifiablePresentation": vp, "options": {"challenge": "c"}}
    )
    body = await resp.json()
    assert resp.status == 200, body
    assert any(w["check"] == "binding" for w in body["warnings"])


def test_vcapi_policy_must_be_known() -> None:
    from plecak.verifier.config import Settings

    with pytest.raises(ValueError, match="PLECAK_VCAPI_POLICY"):
        Settings(admin_token="x" * 32, vcapi_policy="lenient")
    assert (
        Settings.from_env({"PLECAK_ADMIN_TOKEN": "x" * 32, "PLECAK_VCAPI_POLICY": "spec"}).vcapi_policy
        == "spec"
    )

# --- "@vocab": null (vc2.0 suite, 4.05-types: credential-type-unmapped-fail.json) ---------------
# pyld 3.3.0 deletes the active context's @vocab without checking it is there, so a context that
# resets an unset @vocab raised KeyError, a 500. JSON-LD 1.1 (and jsonld.js): removing nothing is
# a no-op, so such a credential is judged on its terms like any other.
VOCAB_RESET = [V2, {"@vocab": None}]


async def test_issue_refuses_an_unmapped_type_after_a_vocab_reset(client: TestClient[Any, Any]) -> None:
    cred = simple_credential_v2(did_of(client, "Ed25519"))
    cred["@context"] = VOCAB_RESET
    cred["type"] = ["VerifiableCredential", "ExampleTestCredential"]
    status, body = await issue(client, cred)
    assert status == 422, body
    assert "ExampleTestCredential" in json.dumps(body)


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "ecdsa-sd-2023"])
async def test_issue_signs_defined_terms_after_a_vocab_reset(client: TestClient[Any, Any], cryptosuite: str) -> None:
    curve = "Ed25519" if cryptosuite.startswith("eddsa") else "P-256"
    cred = simple_credential_v2(did_of(client, curve))
    cred["@context"] = [V2, {"@vocab": None, "@language": None, "@direction": None}]
    options: dict[str, Any] = {"cryptosuite": cryptosuite, "credentialStatus": False}
    if cryptosuite == "ecdsa-sd-2023":
        options["mandatoryPointers"] = ["/issuer"]
    status, body = await issue(client, cred, options)
    assert status == 201, body
    assert body["verifiableCredential"]["proof"]["cryptosuite"] == cryptosuite


@pytest.fixture
def cold_jsonld_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """No context processed before: pyld's shared cache and ours start empty."""
    from collections import OrderedDict

    from cachetools import LRUCache
    from pyld import jsonld as pyld_jsonld

    monkeypatch.setattr(pyld_jsonld, "_resolved_context_cache", LRUCache(maxsize=100))
    monkeypatch.setattr(processor.MemoProcessor, "_memo", OrderedDict())


@pytest.mark.usefixtures("cold_jsonld_caches")
def test_jsonld_expand_and_compact_accept_resetting_unset_defaults() -> None:
    context = [V2, {"@vocab": None}, {"@language": None, "@direction": None}]
    doc = {"@context": context, "type": "VerifiableCredential", "name": "Kurs"}
    expanded = rdf.expand_safe(doc)
    assert expanded[0]["@type"] == ["https://www.w3.org/2018/credentials#VerifiableCredential"]
    compacted = rdf.compact(expanded, context)
    assert compacted["type"] == "VerifiableCredential"
    assert compacted["name"] == "Kurs"
    with pytest.raises(UndefinedTermError, match="ExampleTestCredential"):
        rdf.expand_safe({**doc, "type": ["VerifiableCredential", "ExampleTestCredential"]})


async def test_sd_issue_by_the_spec_route_accepts_a_vocab_reset(
    client: TestClient[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The expand -> skolemize -> compact route compacts with the credential's own @context."""
    monkeypatch.setattr(sd_primitives, "_FAST_SKOLEMIZE", False)
    cred = simple_credential_v2(did_of(client, "P-256"))
    cred["@context"] = VOCAB_RESET
    options = {"cryptosuite": "ecdsa-sd-2023", "credentialStatus": False, "mandatoryPointers": ["/issuer"]}
    status, body = await issue(client, cred, options)
    assert status == 201, body
    assert body["verifiableCredential"]["proof"]["cryptosuite"] == "ecdsa-sd-2023"


async def test_verifier_judges_a_vocab_reset_credential_without_crashing(spec_stack: Stack) -> None:
    signed = await spec_stack.issue_vcapi(simple_credential_v2())
    status, body = await spec_stack.verify(signed)
    assert status == 200, body
    signed["@context"] = VOCAB_RESET  # the same RDF statements: the RDFC proof still holds
    status, body = await spec_stack.verify(signed)
    assert status == 200, body
    assert body["verified"], body
    signed["type"] = ["VerifiableCredential", "ExampleTestCredential"]
    status, body = await spec_stack.verify(signed)
    assert status == 422, body
    assert "ExampleTestCredential" in json.dumps(body), body


# --- pyld's errors in our answers (vc2.0 suite: a VP whose @context holds a number) --------------
# pyld's str() of its errors is a multi-line dump ("('message',)\nType: …\nCode: …\nDetails: …"),
# which reached the issuer's problem details and the verifier's check messages word for word.
def assert_one_line_jsonld_error(text: str, expected: str) -> None:
    assert expected in text, text
    assert "\n" not in text, text
    assert "Type:" not in text, text
    assert "('" not in text, text


async def test_issuer_reports_a_jsonld_syntax_error_in_one_line(client: TestClient[Any, Any]) -> None:
    cred = simple_credential_v2(did_of(client, "Ed25519"))
    cred["@context"] = [V2, 123192875]
    status, body = await issue(client, cred)
    assert status == 422, body
    assert_one_line_jsonld_error(body["detail"], "@context must be an object (invalid local context)")


async def test_verifier_reports_a_jsonld_syntax_error_in_the_holder_proof_in_one_line(spec_stack: Stack) -> None:
    holder = Holder()
    vp = holder.present([await spec_stack.issue(did=holder.did)], challenge="c")
    vp["@context"] = [*vp["@context"], {"@vocab": 5}]
    resp = await spec_stack.verifier.post(
        "/presentations/verify", json={"verifiablePresentation": vp, "options": {"challenge": "c"}}
    )
    body = await resp.json()
    assert resp.status == 422, body
    holder_errors = [e for e in body["errors"] if e["check"] == "holder"]
    assert holder_errors, body
    assert_one_line_jsonld_error(holder_errors[0]["message"], "must be a string or null (invalid vocab mapping)")


# An unsigned presentation is never expanded as JSON-LD, so a number in its @context went unnoticed
# (the suite's own test of this signs the presentation, where the holder proof fails instead).
@pytest.mark.parametrize("extra", [123, None, "not a url", ["https://example.org/ctx"]])
async def test_unsigned_presentation_with_a_context_that_is_no_url_or_object_fails(
    spec_stack: Stack, extra: Any
) -> None:
    credential = await spec_stack.issue(did=Holder().did)
    vp = {"@context": [V2, extra], "type": ["VerifiablePresentation"], "verifiableCredential": [credential]}
    resp = await spec_stack.verifier.post(
        "/presentations/verify", json={"verifiablePresentation": vp, "options": {"challenge": "c"}}
    )
    body = await resp.json()
    assert resp.status == 422, body
    assert [e["code"] for e in body["errors"]] == ["presentation.invalid"], body
    assert "@context may list only URLs and objects" in body["errors"][0]["message"]


async def test_unsigned_presentation_with_more_context_urls_and_objects_verifies(spec_stack: Stack) -> None:
    credential = await spec_stack.issue(did=Holder().did)
    context = [V2, "https://www.w3.org/ns/credentials/examples/v2", {"note": "https://example.org/vocab#note"}]
    vp = {"@context": context, "type": ["VerifiablePresentation"], "verifiableCredential": [credential]}
    resp = await spec_stack.verifier.post(
        "/presentations/verify", json={"verifiablePresentation": vp, "options": {"challenge": "c"}}
    )
    body = await resp.json()
    assert resp.status == 200, body
