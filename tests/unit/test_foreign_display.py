"""What the wallet's credential page and the verifier's result rows show for credentials not made by
our issuer, in English and Polish.

``tests/fixtures/foreign-display.json`` holds what both showed before they read through the typed
model (:mod:`plecak.core.model.shown`): each value shown then must still be shown, the same, so the
switch loses nothing (values may be added where the old readers showed nothing or less). One
recorded value was changed on purpose: a JSON ``true`` showed as English "yes" on the Polish page,
and now shows as "tak".
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from plecak.verifier.display import credential_view
from plecak.verifier.messages import messages
from plecak.wallet.credentials import view
from plecak.wallet.pathways import cited_parts
from support import FIXTURES
from support.foreign_credentials import foreign_credentials, two_subjects

EXPECTED = FIXTURES / "foreign-display.json"
FOREIGN = foreign_credentials()
LANGUAGES = ("en", "pl")


def wallet_shows(document: Any, lang: str) -> dict[str, Any]:
    """The wallet's credential page (and card) for ``document`` in ``lang``."""
    v = view(document)
    return {
        "title": v.title,
        "micro_credential": v.is_micro_credential,
        "issuer_name": v.issuer_name,
        "issued": v.issued,
        "country": v.country(lang),
        "fields": [[key, value] for key, value in v.fields(lang)],
        "issuer_id": v.issuer_id,
        "subject_id": v.subject_id,
        "credential_id": v.credential_id,
        "parts": [list(part) for part in cited_parts(document)],
    }


def verifier_shows(document: Any, lang: str) -> dict[str, Any]:
    """The verifier's result page for ``document`` in ``lang``: its title and element rows."""
    shown = credential_view(document, {}, messages(lang))
    return {
        "title": shown.title,
        "composition_rule": shown.composition_rule,
        "composition": [[p.name, p.credential_id, p.state] for p in shown.composition],
        "rows": [[r.key, r.label, r.value, r.not_shared, r.maybe_not_stated] for r in shown.rows],
    }


def shows(document: Any, lang: str) -> dict[str, Any]:
    return {"wallet": wallet_shows(document, lang), "verifier": verifier_shows(document, lang)}


def expected() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return found


def keeps(before: Any, now: Any) -> bool:
    """``now`` shows all that ``before`` showed: the same value, or a list (or a ``;``-joined text)
    holding every item it held."""
    if before == now:
        return True
    if isinstance(before, list) and isinstance(now, list):
        return all(item in now for item in before)
    if isinstance(before, str) and isinstance(now, str):
        return set(before.split("; ")) <= set(now.split("; "))
    return False


CASES = [(name, lang) for name in sorted(FOREIGN) for lang in LANGUAGES]


def test_every_foreign_credential_has_what_it_showed_recorded() -> None:
    assert sorted(expected()) == sorted(f"{name}/{lang}" for name, lang in CASES)


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_the_wallet_page_still_shows_every_element_it_showed(name: str, lang: str) -> None:
    before = expected()[f"{name}/{lang}"]["wallet"]
    now = wallet_shows(FOREIGN[name], lang)
    for key in ("title", "micro_credential", "issuer_id", "subject_id", "credential_id", "parts"):
        assert now[key] == before[key], key
    for key in ("issuer_name", "issued", "country"):
        if before[key] is not None:
            assert now[key] == before[key], key
    fields = {key: value for key, value in now["fields"]}
    for key, value in before["fields"]:
        assert keeps(value, fields.get(key)), key
    order = [key for key, _ in now["fields"]]
    assert [k for k in order if k in dict(before["fields"])] == [k for k, _ in before["fields"]]


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_the_verifier_rows_still_show_every_element_they_showed(name: str, lang: str) -> None:
    before = expected()[f"{name}/{lang}"]["verifier"]
    now = verifier_shows(FOREIGN[name], lang)
    assert now["title"] == before["title"]
    assert now["composition_rule"] == before["composition_rule"]
    assert now["composition"] == before["composition"]
    rows = {row[0]: row for row in now["rows"]}
    for key, label, value, not_shared, maybe in before["rows"]:
        assert key in rows, key
        assert rows[key][1] == label, key
        if value is not None:
            assert keeps(value, rows[key][2]), key
        assert rows[key][3:] == [not_shared, maybe], key
    before_keys = [row[0] for row in before["rows"]]
    assert [k for k in rows if k in before_keys] == before_keys


# -- what a reader sees, said plainly ------------------------------------------------------------
def test_an_unknown_vc_shows_its_types_issuer_and_dates_in_both_languages() -> None:
    for lang in LANGUAGES:
        wallet = wallet_shows(FOREIGN["vc2-unknown-subject"], lang)
        assert wallet["title"] == "VerifiableCredential, EmployeeCard"
        assert wallet["issuer_name"] == "did:example:acme"
        assert wallet["issued"] == "2025-03-01"
        assert wallet["subject_id"] == "did:example:bob"
        rows = {r[0]: r[2] for r in verifier_shows(FOREIGN["vc2-unknown-subject"], lang)["rows"]}
        assert rows["awarding_body"] == "did:example:acme"
        assert rows["issued"] == "2025-03-01"
        assert rows["title"] is None  # not stated


def test_a_vc11_credential_shows_its_issuance_and_expiration_dates() -> None:
    wallet = wallet_shows(FOREIGN["vc11-plain"], "pl")
    fields = dict(wallet["fields"])
    assert wallet["title"] == "Alumni of Example University"
    assert fields["field.issued"] == "2010-01-01"
    assert fields["field.valid_until"] == "2030-01-01"
    assert fields["field.description"] == "Holds a degree from Example University."
    rows = {r[0]: r[2] for r in verifier_shows(FOREIGN["vc11-plain"], "pl")["rows"]}
    assert rows["valid_until"] == "2030-01-01"
    assert rows["awarding_body"] == "Example University"


def test_odd_shapes_are_shown_as_text_on_both_pages() -> None:
    odd = FOREIGN["ob3-odd-shapes"]
    fields = dict(wallet_shows(odd, "pl")["fields"])
    assert fields["field.title"] == "Data stewardship (course)"
    assert fields["field.ects"] == "4.5"
    assert fields["field.learner"] == "Maria Nowak"
    assert fields["field.country"] == "Berlin, Berlin, Niemcy"
    assert fields["field.learning_outcomes"] == ["Plans how data are kept"]
    assert fields["field.skills"] == ["manage data", "Open Data Charter", "curate data"]
    rows = {r[0]: r[2] for r in verifier_shows(odd, "en")["rows"]}
    assert rows["eqf"] == "6"
    assert rows["assessment"] == "Exam; Project"
    assert rows["grade"] == "Distinction (Honours); 5 (Marks 1-5)"
    assert rows["skills"] == ["manage data", "curate data"]
    assert rows["awarding_body"] == "did:web:partner.example; Body B"
    assert rows["valid_until"] == "not a date"
    assert rows["prerequisites"] == "yes"  # a JSON true
    assert {r[0]: r[2] for r in verifier_shows(odd, "pl")["rows"]}["prerequisites"] == "tak"


def test_an_eqf_level_given_only_as_an_alignment_is_shown_by_the_verifier() -> None:
    rows = {r[0]: r[2] for r in verifier_shows(FOREIGN["ob3-eqf-alignment-only"], "pl")["rows"]}
    assert rows["eqf"] == "EQF 4"
    assert rows["workload_hours"] == "40 godzin"
    assert rows["country"] == "Polska"


def test_of_two_subjects_both_pages_show_the_one_with_an_achievement() -> None:
    # The wallet used to show the first subject; both pages now read the same subject.
    for lang in LANGUAGES:
        wallet = wallet_shows(two_subjects(), lang)
        assert wallet["title"] == "Second course"
        assert dict(wallet["fields"])["field.learner"] == "Ewa Maj"
        assert verifier_shows(two_subjects(), lang)["title"] == "Second course"
