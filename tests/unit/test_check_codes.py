"""Every code a check of the core can carry is listed in plecak.core.verify.codes and translated, in
English and Polish, in the verifier's and the wallet's catalogues; the verifier's page shows a row by
its code in the reader's language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from plecak.core.verify.checks import Check, Outcome, not_checked_after_seal
from plecak.core.verify.codes import CODES
from plecak.core.verify.steps import binding_check, status_withdrawn
from plecak.verifier import messages
from plecak.verifier.display import check_view
from plecak.wallet import i18n as wallet_i18n

SOURCES = [Path(messages.__file__).resolve().parents[1] / part for part in ("core", "verifier")]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def literal_codes() -> set[str]:
    """The string constants the core and the verifier pass as a Check's code (fifth argument or ``code=``),
    or as the code of ``failed(...)`` and ``passed(...)`` (first argument)."""
    found: set[str] = set()
    for path in (p for source in SOURCES for p in source.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id in ("failed", "passed"):
                args = node.args[:1]
            elif node.func.id == "Check":
                args = [*node.args[4:5], *(k.value for k in node.keywords if k.arg == "code")]
            else:
                continue
            found |= {a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def dynamic_codes() -> set[str]:
    """The codes the core builds from a name (status, not-checked rows, binding reasons)."""
    rows = [status_withdrawn(s, since) for s in ("revoked", "suspended") for since in (None, "2026-01-01")]
    rows += [not_checked_after_seal(name) for name in ("issuer", "status", "other")]
    credential = {"id": "urn:x", "credentialSubject": {"id": "did:example:learner"}}
    anonymous = {"id": "urn:y", "credentialSubject": {"name": "Anna"}}
    rows += [
        binding_check([credential], "did:example:learner"),
        binding_check([credential], "did:example:someone-else"),
        binding_check([anonymous], "did:example:learner"),
        binding_check([credential], None),
        binding_check([credential], None, holder_failed=True),
    ]
    return {r.code for r in rows}


def test_the_core_finds_codes_to_check() -> None:
    assert len(literal_codes()) > 50
    assert {"status.revoked_since", "not_checked.status", "binding.no_subject_id"} <= dynamic_codes()


def test_every_code_the_core_emits_is_listed() -> None:
    assert (literal_codes() | dynamic_codes()) - set(CODES) == set()
    assert {"request.empty", "request.mismatch", "binding.not_presented"} <= literal_codes()


@pytest.mark.parametrize(
    ("name", "texts"),
    [
        ("verifier en", messages.EN),
        ("verifier pl", messages.PL),
        ("wallet en", wallet_i18n.EN),
        ("wallet pl", wallet_i18n.PL),
    ],
)
def test_every_code_has_a_catalogue_entry_using_only_its_params(name: str, texts: object) -> None:
    missing, stray = [], []
    for code, params in CODES.items():
        text = texts.get(f"code.{code}")  # type: ignore[attr-defined]
        if not text:
            missing.append(code)
        elif not set(PLACEHOLDER.findall(text)) <= set(params):
            stray.append(code)
    assert (missing, stray) == ([], []), name


def test_polish_and_english_entries_differ_so_the_polish_is_a_translation() -> None:
    same = [c for c in CODES if messages.EN[f"code.{c}"] == messages.PL[f"code.{c}"]]
    assert same == []


def test_the_verifier_page_row_shows_the_code_in_polish_with_its_params() -> None:
    check = Check(
        "proof",
        Outcome.FAILED,
        "English sentence",
        {"reason": "issuer_key"},
        "proof.issuer_key",
        {"issuer": "did:web:uni.example", "signers": "did:key:z6Mk<b>"},
    ).to_json()
    view = check_view(check, messages.PL)
    assert "Poświadczenia nie opieczętował jego wystawca did:web:uni.example" in view.detail
    assert "did:key:z6Mk&lt;b&gt;" in view.detail  # params are escaped
    assert view.detail_lang == ""
    assert "English sentence" not in view.detail + view.summary


def test_english_params_of_a_translated_row_are_marked_english() -> None:
    check = Check("proof", Outcome.FAILED, "x", {}, "proof.signature", {"error": "bad signature"}).to_json()
    assert '<span lang="en">bad signature</span>' in check_view(check, messages.PL).detail


def test_a_row_without_a_code_keeps_its_english_sentence_as_detail() -> None:
    view = check_view(Check("request", Outcome.PASSED, "The answer is it.").to_json(), messages.PL)
    assert (view.detail, view.detail_lang) == ("The answer is it.", "en")


def test_reports_carry_code_and_params() -> None:
    row = Check("validity", Outcome.FAILED, "x", code="validity.expired", params={"end": "2026-01-01 00:00"}).to_json()
    assert row["code"] == "validity.expired"
    assert row["params"] == {"end": "2026-01-01 00:00"}
