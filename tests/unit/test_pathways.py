"""plecak.core.pathways: rule validation and deterministic evaluation of the two example pathways."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from plecak.core.errors import RuleError
from plecak.core.pathways import (
    Part,
    credential_digest,
    describe_rule,
    evaluate,
    normalise_rule,
    part_from_credential,
)
from support.pathway_examples import (
    DL_ECTS,
    PW,
    TUM,
    UW,
    ach,
    climate_rule,
    credential,
    data_literacy_rule,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)
LEARNER = "did:key:z6MkLearner"


def dl(slug: str, **kw: Any) -> Part:
    issuer = TUM if slug == "dl-python" else PW
    return part_from_credential(credential(slug, issuer, ects=DL_ECTS[slug], **kw))


def run(rule: dict[str, Any], parts: list[Part], **kw: Any) -> Any:
    return evaluate(normalise_rule(rule), parts, now=NOW, holder=kw.pop("holder", LEARNER), **kw)


# -- Certificate in Data Literacy ----------------------------------------------------------
def test_data_literacy_met_with_both_mandatory_and_one_elective_of_3_ects() -> None:
    result = run(data_literacy_rule(), [dl("dl-basics"), dl("dl-stats"), dl("dl-viz")])
    assert result.met
    assert result.missing == []
    assert [role for _, role in result.used] == ["mandatory", "mandatory", "elective"]
    assert result.progress == (3, 3)


def test_data_literacy_missing_mandatory_names_it() -> None:
    result = run(data_literacy_rule(), [dl("dl-basics"), dl("dl-viz")])
    assert not result.met
    assert result.missing == ["Mandatory: Statistics for Decisions: missing"]


def test_data_literacy_elective_under_3_ects_does_not_count() -> None:
    result = run(data_literacy_rule(), [dl("dl-basics"), dl("dl-stats"), dl("dl-ethics")])
    assert not result.met
    (missing,) = result.missing
    assert "electives of at least 3 ECTS 0 of 1" in missing
    assert "Data Ethics" not in missing
    assert "dl-ethics (2)" in missing


def test_elective_ects_total_reports_ects_of_required() -> None:
    rule = data_literacy_rule()
    rule["electiveGroups"][0] = {
        "name": "Electives",
        "components": [ach("dl-viz"), ach("dl-ethics"), ach("dl-python")],
        "minEcts": 3,
    }
    result = run(rule, [dl("dl-basics"), dl("dl-stats"), dl("dl-ethics")])
    assert result.missing == ["Electives: elective ECTS 2 of 3"]
    assert run(rule, [dl("dl-basics"), dl("dl-stats"), dl("dl-ethics"), dl("dl-viz")]).met


def test_elective_from_other_university_counts_when_issued_by_the_named_issuer() -> None:
    assert run(data_literacy_rule(), [dl("dl-basics"), dl("dl-stats"), dl("dl-python")]).met


def test_component_from_a_different_issuer_does_not_count() -> None:
    fake = part_from_credential(credential("dl-python", UW, ects=5))  # same achievement id, wrong issuer
    result = run(data_literacy_rule(), [dl("dl-basics"), dl("dl-stats"), fake])
    assert not result.met
    assert "accepts it only from did:web:tum.example" in result.excluded[0][1]


# -- Certificate in Climate Action (and its mini-certificate) ------------------------------
def ca(slug: str, issuer: str, **kw: Any) -> Part:
    return part_from_credential(credential(slug, issuer, **kw))


FULL_CLIMATE = [
    ("ca-m1-science", PW),
    ("ca-m2-policy", UW),
    ("ca-m3-energy", TUM),
    ("ca-summer", PW),
]


def test_climate_met_with_one_course_per_module_summer_school_and_two_countries() -> None:
    result = run(climate_rule(), [ca(s, i) for s, i in FULL_CLIMATE])
    assert result.met, result.missing
    details = {r.key: r.detail for r in result.requirements}
    assert details["institutions"] == "3 institutions of 2"
    assert details["countries"] == "2 countries (DE, PL) of 2"


def test_climate_without_summer_school_is_missing_it() -> None:
    result = run(climate_rule(), [ca(s, i) for s, i in FULL_CLIMATE[:3]])
    assert result.missing == ["Mandatory: Climate Summer School: missing"]


def test_climate_module_not_covered_is_reported() -> None:
    result = run(climate_rule(), [ca(s, i) for s, i in FULL_CLIMATE if s != "ca-m2-policy"])
    assert result.missing == ["Module: Policy: 0 of 1 course"]


def test_climate_two_universities_in_one_country_fail_the_two_countries_rule() -> None:
    # Warsaw (PW) and the University of Warsaw (UW): two institutions, both in Poland.
    result = run(climate_rule(mini=True), [ca("ca-m1-science", PW), ca("ca-m2-policy", UW)])
    assert not result.met
    assert result.missing == ["Countries: 1 country (PL) of 2"]
    assert {r.key: r.met for r in result.requirements}["institutions"] is True


def test_climate_mini_certificate_needs_two_modules_only() -> None:
    result = run(climate_rule(mini=True), [ca("ca-m1-science", PW), ca("ca-m2-law", TUM)])
    assert result.met
    assert result.progress == (4, 4)


def test_climate_mini_certificate_from_one_university_fails_institutions_and_countries() -> None:
    result = run(climate_rule(mini=True), [ca("ca-m1-data", TUM), ca("ca-m2-law", TUM)])
    assert result.missing == [
        "Awarding institutions: 1 institution of 2",
        "Countries: 1 country (DE) of 2",
    ]


# -- parts that must not count -------------------------------------------------------------
def test_rejected_part_is_excluded_with_its_reason() -> None:
    revoked = part_from_credential(credential("dl-stats", PW, ects=4), rejected="revoked by its issuer")
    result = run(data_literacy_rule(), [dl("dl-basics"), revoked, dl("dl-viz")])
    assert not result.met
    assert result.excluded == [(revoked, "revoked by its issuer")]


def test_part_held_by_someone_else_is_excluded() -> None:
    other = dl("dl-stats", holder="did:key:z6MkSomeoneElse")
    result = run(data_literacy_rule(), [dl("dl-basics"), other, dl("dl-viz")])
    assert not result.met
    assert "issued to did:key:z6MkSomeoneElse" in result.excluded[0][1]


def test_duplicate_credential_counts_once() -> None:
    viz = dl("dl-viz")
    rule = data_literacy_rule()
    rule["electiveGroups"][0]["minCount"] = 2
    result = run(rule, [dl("dl-basics"), dl("dl-stats"), viz, viz])
    assert not result.met
    assert result.missing == ["Electives: electives of at least 3 ECTS 1 of 2"]
    assert [why for _, why in result.excluded] == ["the same credential was presented twice"]


def test_two_credentials_for_the_same_component_count_once() -> None:
    first = dl("dl-viz", awarded="2026-01-01T00:00:00Z")
    second = dl("dl-viz", awarded="2026-02-01T00:00:00Z")
    rule = data_literacy_rule()
    rule["electiveGroups"][0]["minCount"] = 2
    result = run(rule, [second, dl("dl-basics"), dl("dl-stats"), first])
    assert not result.met
    assert result.excluded == [(second, f"a duplicate of {first.credential_id}")]


def test_validity_window_excludes_old_and_late_parts() -> None:
    rule = data_literacy_rule(validity={"awardedAfter": "2026-01-01T00:00:00Z", "maxAgeDays": 365})
    old = dl("dl-basics", awarded="2025-06-01T00:00:00Z")
    result = run(rule, [old, dl("dl-stats"), dl("dl-viz")])
    assert not result.met
    assert "before 2026-01-01T00:00:00Z" in result.excluded[0][1]
    assert run(rule, [dl("dl-basics"), dl("dl-stats"), dl("dl-viz")]).met


def test_evaluation_is_deterministic_whatever_the_order() -> None:
    parts = [ca(s, i) for s, i in FULL_CLIMATE] + [ca("ca-m1-data", TUM), ca("ca-m1-data", TUM)]
    rule = normalise_rule(climate_rule())
    expected = evaluate(rule, parts, now=NOW).to_json()
    for seed in range(5):
        shuffled = list(parts)
        random.Random(seed).shuffle(shuffled)
        assert evaluate(rule, shuffled, now=NOW).to_json() == expected


def test_empty_holding_meets_nothing() -> None:
    result = run(data_literacy_rule(), [])
    assert not result.met
    assert result.progress == (0, 3)


# -- facts ----------------------------------------------------------------------------------
def test_part_reads_ects_country_issuer_and_date() -> None:
    part = part_from_credential(credential("dl-stats", TUM, ects=4.5))
    assert (part.ects, part.country, part.issuer, part.awarded) == (
        4.5,
        "DE",
        TUM,
        "2026-03-01T10:00:00Z",
    )
    assert part.digest is not None
    assert part.digest.startswith("u")


def test_digest_changes_when_the_credential_changes() -> None:
    cred = credential("dl-stats", PW)
    before = credential_digest(cred)
    assert credential_digest(dict(cred)) == before
    cred["name"] = "changed"
    assert credential_digest(cred) != before


def test_part_from_garbage_matches_nothing() -> None:
    part = part_from_credential({"credentialSubject": "x", "issuer": 5})
    assert part.achievement is None
    assert part.issuer is None
    assert not run(data_literacy_rule(), [part]).met


# -- rule validation ------------------------------------------------------------------------
def test_valid_rules_normalise() -> None:
    rule = normalise_rule(data_literacy_rule())
    assert rule["electiveGroups"][0]["minCount"] == 1
    assert normalise_rule(climate_rule(mini=True))["modules"][1]["minCount"] == 1
    assert "Data Literacy Basics" in describe_rule(rule)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"mandatory": [ach("nope")]}, "not one of the pathway's components"),
        ({"components": []}, "rule.components must be a non-empty list"),
        ({"minCountries": 0}, "rule.minCountries must be a whole number from 1"),
        ({"validity": {"awardedAfter": "yesterday"}}, "rule.validity.awardedAfter must be a date-time"),
        ({"extra": 1}, "rule.extra is not a known field"),
        (
            {"electiveGroups": [{"name": "E", "components": [ach("dl-viz")], "minCount": 2}]},
            "it can never be met",
        ),
        (
            {"mandatory": [ach("dl-basics"), ach("dl-stats"), ach("dl-viz")]},
            "is both mandatory and in elective group",
        ),
    ],
)
def test_invalid_rule_names_the_problem(change: dict[str, Any], problem: str) -> None:
    with pytest.raises(RuleError) as info:
        normalise_rule(data_literacy_rule(**change))
    assert any(problem in p for p in info.value.problems), info.value.problems


def test_component_needs_issuer_did_and_unused_component_is_rejected() -> None:
    rule = data_literacy_rule()
    rule["components"].append({"achievement": ach("x"), "issuer": "https://not-a-did", "name": "X"})
    rule["components"].append({"achievement": ach("y"), "issuer": PW, "name": "Y"})
    with pytest.raises(RuleError) as info:
        normalise_rule(rule)
    assert any("issuer must be the DID" in p for p in info.value.problems)
    assert any(f"component {ach('y')} is not used" in p for p in info.value.problems)


def test_rule_that_is_not_an_object_is_rejected() -> None:
    with pytest.raises(RuleError):
        normalise_rule([1, 2])


# --- citing a selectively disclosable part ------------------------------------------------------


def _sd_credential(key: Any, name: str) -> dict[str, Any]:
    from plecak.core.did import did_key
    from plecak.core.integrity.proofs import add_proof

    did = did_key(key)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"urn:uuid:{name}",
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": name, "description": "graded 5.0"},
    }
    return add_proof(
        credential,
        key,
        f"{did}#{key.public_multibase}",
        suite="ecdsa-sd-2023",
        options={"mandatoryPointers": ["/issuer", "/validFrom"]},
    )


def test_digest_of_an_sd_part_is_the_same_for_every_disclosure_of_it() -> None:
    from plecak.core.crypto.keys import EcdsaKeyPair
    from plecak.core.integrity.ecdsa_sd import derive

    key = EcdsaKeyPair.generate()
    base = _sd_credential(key, "Anna")
    everything = derive(base, ["/credentialSubject"])
    name_only = derive(base, ["/credentialSubject/name"])
    assert "description" not in name_only["credentialSubject"]
    assert credential_digest(base) == credential_digest(everything) == credential_digest(name_only)
    other = _sd_credential(key, "Anna")  # the same content issued again is another credential
    assert credential_digest(other) != credential_digest(base)


def test_digest_of_an_ordinary_credential_covers_every_byte_of_its_json() -> None:
    doc = {"id": "urn:uuid:1", "credentialSubject": {"name": "Anna"}, "proof": {"type": "X"}}
    changed = {**doc, "credentialSubject": {"name": "Anne"}}
    assert credential_digest(doc) != credential_digest(changed)
    assert credential_digest(doc) == credential_digest(dict(reversed(list(doc.items()))))


def test_verifier_composition_matches_a_partly_disclosed_sd_part() -> None:
    from plecak.core.crypto.keys import EcdsaKeyPair
    from plecak.core.integrity.ecdsa_sd import derive
    from plecak.verifier.display import composition

    base = _sd_credential(EcdsaKeyPair.generate(), "Ewa")
    certificate = {
        "evidence": [{"id": base["id"], "name": "Part", "digestMultibase": credential_digest(base)}]
    }
    shown = derive(base, ["/credentialSubject/name"])
    assert [p.state for p in composition(certificate, {base["id"]: (shown, {"verified": True})})] == [
        "verified"
    ]
    assert [p.state for p in composition(certificate, {base["id"]: (shown, {"verified": False})})] == [
        "failed"
    ]
    forged = {**shown, "proof": {**shown["proof"], "proofValue": "uAAAA"}}
    assert [p.state for p in composition(certificate, {base["id"]: (forged, {"verified": False})})] == [
        "changed"
    ]
