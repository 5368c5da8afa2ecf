"""Safe-mode JSON-LD: nothing a credential says may silently fall out of what gets signed.

Undefined properties, undefined types, enumeration values a context does not define, relative
identifiers and unknown context URLs are errors that name the culprit. The offline loader
never reaches for the network.
"""

from __future__ import annotations

import copy
import json
import re
import socket
from typing import Any

import pytest

from plecak.core.errors import DocumentLoaderError, JsonLdError, UndefinedTermError, VCError
from plecak.core.jsonld.rdf import canonicalize, check_safe, expand_safe
from support import REPO, TESTS

EXAMPLES = TESTS / "vectors" / "examples"
SHARED_EXAMPLES = REPO.parent / "shared" / "examples"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture
def mc() -> dict[str, Any]:
    return load("microcredential-data-literacy.json")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record (and refuse) every attempt to open a network connection."""
    attempts: list[Any] = []

    def refuse_connect(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network access attempted in a test")

    def refuse_create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(address)
        raise OSError("network access attempted in a test")

    def refuse_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(host)
        raise OSError("name resolution attempted in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse_connect)
    monkeypatch.setattr(socket, "create_connection", refuse_create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_getaddrinfo)
    return attempts


# --- the examples -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "quads"),
    [("microcredential-data-literacy.json", 137), ("stackable-certificate-data-literacy.json", 141)],
)
def test_examples_canonicalise(name: str, quads: int, no_network: list[Any]) -> None:
    nquads = canonicalize(load(name))
    lines = nquads.splitlines()
    assert len(lines) == quads
    assert len(set(lines)) == quads
    assert nquads.endswith("\n")
    assert no_network == []


@pytest.mark.skipif(not SHARED_EXAMPLES.is_dir(), reason="../shared/examples is not present")
@pytest.mark.parametrize(
    "name", ["microcredential-data-literacy.json", "stackable-certificate-data-literacy.json"]
)
def test_examples_match_shared_copies(name: str) -> None:
    assert (EXAMPLES / name).read_bytes() == (SHARED_EXAMPLES / name).read_bytes()


def test_key_order_does_not_change_the_canonical_form(mc: dict[str, Any]) -> None:
    reordered = json.loads(json.dumps(mc, sort_keys=True))
    assert canonicalize(reordered) == canonicalize(mc)


def test_input_is_not_modified(mc: dict[str, Any]) -> None:
    before = copy.deepcopy(mc)
    canonicalize(mc)
    assert mc == before


# --- undefined properties and types -------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [
        (),
        ("credentialSubject",),
        ("credentialSubject", "achievement"),
        ("issuer", "address"),
    ],
    ids=["top", "subject", "achievement", "address"],
)
def test_undefined_property(mc: dict[str, Any], where: tuple[str, ...]) -> None:
    node = mc
    for key in where:
        node = node[key]
    node["favouriteColour"] = "blue"
    with pytest.raises(UndefinedTermError) as info:
        canonicalize(mc)
    assert info.value.term == "favouriteColour"
    assert "favouriteColour" in str(info.value)


def test_misspelt_property(mc: dict[str, Any]) -> None:
    achievement = mc["credentialSubject"]["achievement"]
    achievement["creditsAvialable"] = achievement.pop("creditsAvailable")
    with pytest.raises(UndefinedTermError) as info:
        canonicalize(mc)
    assert info.value.term == "creditsAvialable"


def test_undefined_type(mc: dict[str, Any]) -> None:
    mc["type"] = ["VerifiableCredential", "InvalidType"]
    with pytest.raises(UndefinedTermError) as info:
        canonicalize(mc)
    assert info.value.term == "InvalidType"
    assert "InvalidType" in str(info.value)


def test_undefined_nested_type(mc: dict[str, Any]) -> None:
    mc["credentialSubject"]["achievement"]["type"] = ["Achievement", "InvalidType"]
    with pytest.raises(UndefinedTermError) as info:
        expand_safe(mc)
    assert info.value.term == "InvalidType"


# --- enumerations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("formOfParticipation", "Hybrid"),
        ("formOfParticipation", "blended"),
        ("supervisionAndIdVerification", "Supervised"),
        ("integrationStackability", "Standalone"),
        ("qfEheaLevel", "Bachelor"),
    ],
)
def test_unknown_enumeration_value(mc: dict[str, Any], field: str, bad: str) -> None:
    mc["credentialSubject"]["achievement"][field] = bad
    with pytest.raises(UndefinedTermError) as info:
        canonicalize(mc)
    assert info.value.term == bad
    assert bad in str(info.value)


@pytest.mark.parametrize("value", ["Online", "Onsite", "Blended", "Volunteering", "WorkExperience"])
def test_known_enumeration_values(mc: dict[str, Any], value: str) -> None:
    mc["credentialSubject"]["achievement"]["formOfParticipation"] = value
    assert "https://w3id.org/plecak/mc#Participation" + value in canonicalize(mc)


# --- identifiers ------------------------------------------------------------------------------------


def test_relative_credential_id(mc: dict[str, Any]) -> None:
    mc["id"] = "credential-1"
    with pytest.raises(UndefinedTermError) as info:
        canonicalize(mc)
    assert info.value.term == "credential-1"


def test_relative_subject_id(mc: dict[str, Any]) -> None:
    mc["credentialSubject"]["id"] = "learners/anna"
    with pytest.raises(UndefinedTermError, match="learners/anna"):
        canonicalize(mc)


def test_relative_iri_value(mc: dict[str, Any]) -> None:
    mc["credentialSubject"]["achievement"]["image"]["id"] = "images/course.png"
    with pytest.raises(UndefinedTermError, match=re.escape("images/course.png")):
        canonicalize(mc)


def test_absolute_identifiers_are_fine(mc: dict[str, Any]) -> None:
    mc["id"] = "https://issuer.example.org/wut/credentials/1"
    mc["credentialSubject"]["id"] = "urn:example:learner:1"
    assert "<https://issuer.example.org/wut/credentials/1>" in canonicalize(mc)


# --- contexts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/contexts/unknown/v1",
        "http://www.w3.org/ns/credentials/v2",  # right path, wrong scheme: not the bundled URL
        "https://www.w3.org/ns/credentials/v2/",  # trailing slash
        "file:///etc/passwd",
        "https://w3id.org/plecak/mc/v2",
    ],
)
def test_unknown_context_url(mc: dict[str, Any], url: str, no_network: list[Any]) -> None:
    mc["@context"] = [*mc["@context"], url]
    with pytest.raises(DocumentLoaderError) as info:
        canonicalize(mc)
    assert info.value.url == url
    assert url in str(info.value)
    assert no_network == []


def test_unknown_context_url_replacing_the_base_context(no_network: list[Any]) -> None:
    doc = {"@context": "https://www.w3.org/2018/credentials/v2", "type": "VerifiableCredential"}
    with pytest.raises(DocumentLoaderError, match="2018/credentials/v2"):
        expand_safe(doc)
    assert no_network == []


def test_no_context() -> None:
    with pytest.raises(JsonLdError, match="@context"):
        canonicalize({"type": ["VerifiableCredential"]})


def test_not_an_object() -> None:
    with pytest.raises(TypeError):
        canonicalize([{"@context": VC_V2}])


def test_protected_term_cannot_be_redefined(mc: dict[str, Any]) -> None:
    mc["@context"] = [*mc["@context"], {"name": "https://example.org/my#name"}]
    with pytest.raises(JsonLdError, match="protected"):
        canonicalize(mc)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        (123, "@context must be an object (invalid local context): {'context': 123}"),
        ({"@version": 1.0}, "Unsupported JSON-LD version: 1.0 (invalid @version value)"),
        ({"@vocab": 5}, "must be a string or null (invalid vocab mapping)"),
    ],
)
def test_jsonld_syntax_errors_read_as_one_line_with_pyld_code(context: Any, expected: str) -> None:
    with pytest.raises(JsonLdError) as info:
        expand_safe({"@context": [VC_V2, context], "type": "VerifiableCredential"})
    message = str(info.value)
    assert expected in message
    assert "\n" not in message
    assert "Type:" not in message


def test_jsonld_error_details_are_shortened() -> None:
    """pyld's details echo the input: a huge context must not make a huge message."""
    context = {"@version": 1.0, "x": "https://example.org/" + "a" * 5000}
    with pytest.raises(JsonLdError) as info:
        expand_safe({"@context": [VC_V2, context], "type": "VerifiableCredential"})
    message = str(info.value)
    assert message.startswith("Unsupported JSON-LD version")
    assert message.endswith("…")
    assert len(message) < 400


def test_errors_are_value_errors(mc: dict[str, Any]) -> None:
    """Callers can catch every safe-mode failure as ValueError."""
    mc["favouriteColour"] = "blue"
    with pytest.raises(ValueError, match="undefined term 'favouriteColour'"):
        canonicalize(mc)


def _break(mc: dict[str, Any], how: str) -> dict[str, Any]:
    if how == "undefined property":
        mc["credentialSubject"]["achievement"]["favouriteColour"] = "blue"
    elif how == "undefined type":
        mc["credentialSubject"]["achievement"]["type"] = ["Achievement", "InvalidType"]
    elif how == "relative id":
        mc["id"] = "credential-1"
    elif how == "relative IRI value":
        mc["credentialSubject"]["achievement"]["image"]["id"] = "images/course.png"
    elif how == "unknown context":
        mc["@context"] = [*mc["@context"], "https://example.org/unknown-context"]
    return mc


@pytest.mark.parametrize(
    "how", ["undefined property", "undefined type", "relative id", "relative IRI value", "unknown context"]
)
def test_check_safe_refuses_what_expand_safe_refuses(mc: dict[str, Any], how: str) -> None:
    broken = _break(mc, how)
    with pytest.raises(VCError) as expected:
        expand_safe(copy.deepcopy(broken))
    with pytest.raises(VCError) as got:
        check_safe(broken)
    assert type(got.value) is type(expected.value)
    assert str(got.value) == str(expected.value)


def test_check_safe_accepts_the_micro_credential_and_its_signed_copy(mc: dict[str, Any]) -> None:
    check_safe(mc)
    signed = json.loads((TESTS / "fixtures" / "ob3-vc2-eddsa-rdfc-2022.json").read_text())
    check_safe(signed)
    expand_safe(signed)


@pytest.mark.parametrize("where", ["credential id", "subject id", "IRI value"])
def test_identifiers_with_whitespace_are_refused_not_dropped(mc: dict[str, Any], where: str) -> None:
    # pyld's RDF conversion would leave such an IRI out of the canonical form without a word.
    if where == "credential id":
        mc["id"] = "urn:uuid:has space"
    elif where == "subject id":
        mc["credentialSubject"]["id"] = "did:example:tab\there"
    else:
        mc["credentialSubject"]["achievement"]["image"]["id"] = "https://example.org/a b.png"
    with pytest.raises(UndefinedTermError):
        canonicalize(mc)
    with pytest.raises(UndefinedTermError):
        check_safe(mc)
