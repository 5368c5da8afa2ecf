"""Each step of the verification pipeline on its own, with a context built by hand, and the pipeline's
rules (a failed structure ends the run, a failed seal turns trust and status into "not checked" rows, an
injected step runs and is listed)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plecak.core.crypto.keys import Ed25519KeyPair
from plecak.core.did import DidResolver, did_key
from plecak.core.errors import StatusListError
from plecak.core.integrity.proofs import add_proof
from plecak.core.sdjwt import parse_sd_jwt, present
from plecak.core.sdjwt.verify import (
    DisclosuresStep,
    KeyBindingStep,
    SdJwtFormatStep,
    SdJwtSignatureStep,
    SdJwtVerifier,
    TokenStatusStep,
)
from plecak.core.status.bitstring import MIN_LIST_LENGTH, Bitstring, status_list_credential
from plecak.core.timeutil import utc_now
from plecak.core.verify.checks import Check, Outcome
from plecak.core.verify.credential import Verifier
from plecak.core.verify.credential_steps import EnvelopeStep, FormatStep, ProofStep
from plecak.core.verify.pipeline import Context, Pipeline
from plecak.core.verify.presentation import (
    ContentsStep,
    CredentialsStep,
    HolderProofStep,
    ShapeStep,
    create_presentation,
    verify_presentation,
)
from plecak.core.verify.status_step import StatusStep
from plecak.core.verify.steps import BindingStep, ReplayStep, TrustStep, ValidityStep
from support.sdjwt import VERIFIER, Issuer

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
VC_V2 = "https://www.w3.org/ns/credentials/v2"


def _key(label: str) -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(hashlib.sha256(f"plecak step test key: {label}".encode()).digest())


ISSUER_KEY = _key("issuer")
ISSUER = did_key(ISSUER_KEY)
ISSUER_VM = f"{ISSUER}#{ISSUER_KEY.public_multibase}"
OTHER_KEY = _key("other")
OTHER_VM = f"{did_key(OTHER_KEY)}#{OTHER_KEY.public_multibase}"
LEARNER_KEY = _key("learner")
LEARNER = did_key(LEARNER_KEY)
LEARNER_VM = f"{LEARNER}#{LEARNER_KEY.public_multibase}"


def credential(**extra: Any) -> dict[str, Any]:
    return {
        "@context": [VC_V2],
        "id": "urn:uuid:0f6a8e34-7f1e-4d7b-9d43-5b0b7d2a7c10",
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": LEARNER, "name": "Anna"},
        **extra,
    }


def signed(document: dict[str, Any] | None = None, key: Ed25519KeyPair = ISSUER_KEY, vm: str = ISSUER_VM) -> Any:
    return add_proof(document or credential(), key, vm)


def now() -> datetime:
    return NOW


class Registry:
    def __init__(self, trusted: Mapping[str, Mapping[str, Any]]) -> None:
        self.trusted = trusted

    def lookup(self, issuer: str) -> Mapping[str, Any] | None:
        return self.trusted.get(issuer)


class Challenges:
    def __init__(self) -> None:
        self.seen: set[str] = set()

    async def consume(self, challenge: str, domain: str | None) -> bool:
        fresh = challenge not in self.seen
        self.seen.add(challenge)
        return fresh


def sealed(outcome: Outcome = Outcome.PASSED, **values: Any) -> Context:
    context = Context(None, values=dict(values))
    context.seal = Check("proof", outcome, "seal")
    return context


# -- the pipeline's rules ---------------------------------------------------------------------------
class Fixed:
    """A step that returns a fixed check (or ``None``) and records that it ran."""

    def __init__(self, name: str, outcome: Outcome | None, role: str = "check", if_unsealed: str = "run") -> None:
        self.name, self.outcome, self.role, self.if_unsealed = name, outcome, role, if_unsealed
        self.ran = False

    async def run(self, context: Context) -> Check | None:
        self.ran = True
        return None if self.outcome is None else Check(self.name, self.outcome, self.name, code=f"test.{self.name}")


async def test_a_failed_structure_step_ends_the_run() -> None:
    later = Fixed("proof", Outcome.PASSED)
    context = await Pipeline([Fixed("format", Outcome.FAILED, role="structure"), later]).run(Context(None))
    assert [c.name for c in context.checks] == ["format"]
    assert not later.ran


async def test_a_failed_seal_gives_not_checked_rows_skips_and_still_runs_what_does_not_need_it() -> None:
    skipped = Fixed("disclosures", Outcome.PASSED, if_unsealed="skip")
    steps = [
        Fixed("format", Outcome.PASSED, role="structure"),
        Fixed("proof", Outcome.FAILED, role="seal"),
        skipped,
        Fixed("issuer", Outcome.PASSED, if_unsealed="row"),
        Fixed("validity", Outcome.PASSED),
    ]
    context = await Pipeline(steps).run(Context(None))
    assert [(c.name, c.outcome) for c in context.checks] == [
        ("format", Outcome.PASSED),
        ("proof", Outcome.FAILED),
        ("issuer", Outcome.UNKNOWN),
        ("validity", Outcome.PASSED),
    ]
    assert context.checks[2].code == "not_checked.issuer"
    assert not skipped.ran


async def test_a_step_returning_none_adds_no_row_and_halt_stops_the_run() -> None:
    class Halting:
        name = "halting"

        async def run(self, context: Context) -> Check | None:
            context.halt()
            return None

    last = Fixed("last", Outcome.PASSED)
    context = await Pipeline([Fixed("quiet", None), Halting(), last]).run(Context(None))
    assert context.checks == []
    assert not last.ran


def test_customised_replaces_a_step_by_name_and_adds_a_new_name_at_the_end() -> None:
    mine, extra = Fixed("proof", Outcome.PASSED), Fixed("extra", Outcome.PASSED)
    pipeline = Pipeline([Fixed("format", Outcome.PASSED), Fixed("proof", Outcome.FAILED)])
    custom = pipeline.customised({"proof": mine, "extra": extra})
    assert custom.names == ["format", "proof", "extra"]
    assert custom.steps[1] is mine
    assert pipeline.customised(None) is pipeline


async def test_a_custom_step_injected_into_the_verifier_runs_and_is_listed_in_the_result() -> None:
    class Accreditation:
        name = "accreditation"

        async def run(self, context: Context) -> Check | None:
            return Check(
                "accreditation",
                Outcome.WARNING,
                "Not accredited.",
                code="test.accreditation",
                params={"issuer": context.values["issuer"]},
            )

    verifier = Verifier(DidResolver(), now=now, steps={"accreditation": Accreditation()})
    result = await verifier.verify(signed())
    assert [c.name for c in result.checks] == ["format", "proof", "validity", "accreditation"]
    assert result.verdict == "warnings"
    row = result.to_json()["results"][-1]
    assert row["code"] == "test.accreditation"
    assert row["params"] == {"issuer": ISSUER}


async def test_an_injected_step_replaces_the_default_one_of_the_same_name() -> None:
    verifier = Verifier(DidResolver(), now=now, steps={"validity": Fixed("validity", Outcome.FAILED)})
    result = await verifier.verify(signed())
    assert result.check("validity").outcome is Outcome.FAILED  # type: ignore[union-attr]
    assert result.verdict == "failed"


async def test_custom_steps_reach_presentations_and_sd_jwt_too() -> None:
    vp = create_presentation([signed()], LEARNER_KEY, LEARNER, LEARNER_VM)
    result = await verify_presentation(vp, Verifier(DidResolver(), now=now), steps={"x": Fixed("x", Outcome.PASSED)})
    assert result.checks[-1].name == "x"
    sd = await SdJwtVerifier(DidResolver(), steps={"x": Fixed("x", Outcome.PASSED)}).verify(
        "not an sd-jwt", nonce=None, audience=None
    )
    assert [c.name for c in sd.checks] == ["format"]  # the structure failed: nothing else ran


# -- trust ------------------------------------------------------------------------------------------
async def test_trust_step_passes_for_a_trusted_issuer_with_its_name() -> None:
    check = await TrustStep(Registry({ISSUER: {"name": "Uni"}})).run(sealed(issuer=ISSUER))
    assert check is not None
    assert (check.outcome, check.code, check.params) == (
        Outcome.PASSED,
        "issuer.trusted",
        {"issuer": ISSUER, "name": "Uni"},
    )


async def test_trust_step_warns_for_an_issuer_not_in_the_list() -> None:
    check = await TrustStep(Registry({})).run(sealed(issuer=ISSUER))
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.WARNING, "issuer.untrusted")


async def test_trust_step_leaves_an_issuer_unconfirmed_when_the_seal_only_warned() -> None:
    check = await TrustStep(Registry({ISSUER: {"name": "Uni"}})).run(sealed(Outcome.WARNING, issuer=ISSUER))
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.WARNING, "issuer.unconfirmed")


# -- validity ---------------------------------------------------------------------------------------
def window(start: str | None, end: str | None) -> ValidityStep:
    def read(_: Any) -> tuple[datetime | None, datetime | None]:
        return (
            datetime.fromisoformat(start) if start else None,
            datetime.fromisoformat(end) if end else None,
        )

    return ValidityStep(read, now)


@pytest.mark.parametrize(
    ("start", "end", "outcome", "code"),
    [
        ("2026-01-01T00:00:00+00:00", "2027-01-01T00:00:00+00:00", Outcome.PASSED, "validity.until"),
        ("2026-01-01T00:00:00+00:00", None, Outcome.PASSED, "validity.open"),
        ("2025-01-01T00:00:00+00:00", "2026-05-01T00:00:00+00:00", Outcome.FAILED, "validity.expired"),
        ("2026-07-01T00:00:00+00:00", None, Outcome.FAILED, "validity.not_yet_valid"),
        ("2026-06-01T12:04:00+00:00", None, Outcome.PASSED, "validity.open"),  # within the clock skew
    ],
)
async def test_validity_step_outcome_by_dates(start: str, end: str | None, outcome: Outcome, code: str) -> None:
    check = await window(start, end).run(Context(None))
    assert check is not None
    assert (check.outcome, check.code) == (outcome, code)


# -- replay and binding -----------------------------------------------------------------------------
async def test_replay_step_passes_once_then_fails_and_is_silent_without_a_presenter() -> None:
    step = ReplayStep(Challenges(), "c-1", "verifier.example")
    assert await step.run(Context(None)) is None
    first = await step.run(Context(None, values={"presenter": LEARNER}))
    again = await step.run(Context(None, values={"presenter": LEARNER}))
    assert first is not None
    assert again is not None
    assert (first.outcome, first.code) == (Outcome.PASSED, "replay.fresh")
    assert (again.outcome, again.code) == (Outcome.FAILED, "replay.replayed")


class Verified:
    credential = None


def bound_context(subject: str | None, presenter: str | None, holder: Outcome | None = Outcome.PASSED) -> Context:
    item = credential(credentialSubject={"id": subject} if subject else {"name": "Anna"})
    context = Context(None, values={"items": [item], "results": [Verified()], "presenter": presenter})
    if holder is not None:
        context.checks.append(Check("holder", holder, "holder"))
    return context


@pytest.mark.parametrize(
    ("subject", "presenter", "holder", "strict", "outcome", "code"),
    [
        (LEARNER, LEARNER, Outcome.PASSED, True, Outcome.PASSED, "binding.bound"),
        (LEARNER, ISSUER, Outcome.PASSED, True, Outcome.FAILED, "binding.other_subject"),
        (LEARNER, ISSUER, Outcome.PASSED, False, Outcome.WARNING, "binding.other_subject"),
        (None, LEARNER, Outcome.PASSED, True, Outcome.WARNING, "binding.no_subject_id"),
        (LEARNER, None, Outcome.WARNING, True, Outcome.WARNING, "binding.unsigned"),
        (LEARNER, LEARNER, Outcome.FAILED, True, Outcome.UNKNOWN, "binding.invalid_holder_proof"),
    ],
)
async def test_binding_step_outcome(
    subject: str | None, presenter: str | None, holder: Outcome, strict: bool, outcome: Outcome, code: str
) -> None:
    check = await BindingStep(strict=strict).run(bound_context(subject, presenter, holder))
    assert check is not None
    assert (check.outcome, check.code) == (outcome, code)


async def test_binding_step_adds_no_row_without_credentials() -> None:
    assert await BindingStep().run(Context(None, values={"items": []})) is None


# -- credential: format, proof, status --------------------------------------------------------------
async def test_format_step_passes_a_credential_and_records_its_issuer() -> None:
    context = Context(signed())
    check = await FormatStep().run(context)
    assert check is not None
    assert (check.outcome, check.code, check.params) == (Outcome.PASSED, "format.credential", {"version": "2.0"})
    assert context.values["issuer"] == ISSUER
    assert context.subject is context.document


async def test_format_step_fails_a_document_that_is_not_a_credential() -> None:
    context = Context({"hello": "world"})
    check = await FormatStep().run(context)
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.FAILED, "format.invalid")
    assert context.subject is None


async def test_format_step_warns_about_an_incomplete_micro_credential() -> None:
    achievement = {
        "id": "urn:uuid:9a3f0b52-8d0e-4f63-8a1a-2f1c2f0e4b11",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": "Course",
        "description": "A course.",
        "criteria": {"narrative": "Pass."},
    }
    subject = {"id": LEARNER, "type": ["AchievementSubject"], "achievement": achievement}
    document = credential(credentialSubject=subject)
    document["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
    check = await FormatStep().run(Context(signed(document)))
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.WARNING, "format.incomplete")
    assert "learning outcomes" in check.params["missing"]


async def test_envelope_step_fails_a_secured_presentation_and_garbage() -> None:
    garbage = await EnvelopeStep().run(
        Context(
            {"@context": [VC_V2], "type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,not-a-jws"}
        )
    )
    assert garbage is not None
    assert (garbage.outcome, garbage.code) == (Outcome.FAILED, "format.jws")


async def test_proof_step_passes_the_issuers_signature_and_records_the_signers() -> None:
    document = signed()
    context = Context(document, subject=document)
    check = await ProofStep(DidResolver()).run(context)
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.PASSED, "proof.passed")
    assert context.values["signers"] == [ISSUER]


async def test_proof_step_fails_a_changed_credential() -> None:
    document = signed()
    document["credentialSubject"]["name"] = "Mallory"
    check = await ProofStep(DidResolver()).run(Context(document, subject=document))
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.FAILED, "proof.signature")


async def test_proof_step_fails_a_credential_signed_by_someone_other_than_its_issuer() -> None:
    document = signed(key=OTHER_KEY, vm=OTHER_VM)
    check = await ProofStep(DidResolver()).run(Context(document, subject=document))
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.FAILED, "proof.issuer_key")
    assert check.params == {"issuer": ISSUER, "signers": did_key(OTHER_KEY)}


async def test_proof_step_warns_for_a_url_issuer_in_relaxed_mode_and_fails_it_otherwise() -> None:
    document = signed(credential(issuer="https://uni.example"))
    relaxed = await ProofStep(DidResolver(), url_issuers=True).run(Context(document, subject=document))
    strict = await ProofStep(DidResolver()).run(Context(document, subject=document))
    assert relaxed is not None
    assert strict is not None
    assert (relaxed.outcome, relaxed.code) == (Outcome.WARNING, "proof.issuer_unconfirmed")
    assert (strict.outcome, strict.code) == (Outcome.FAILED, "proof.issuer_not_did")


async def test_proof_step_fails_an_unsigned_credential() -> None:
    document = credential()
    check = await ProofStep(DidResolver()).run(Context(document, subject=document))
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.FAILED, "proof.unsigned")


LIST_URL = "https://uni.example/status/1"


def status_step(lists: Mapping[str, Any], list_proof: Outcome = Outcome.PASSED) -> StatusStep:
    async def fetch(url: str) -> Mapping[str, Any]:
        if url not in lists:
            raise StatusListError(f"HTTP 404 for {url}")
        return lists[url]

    async def check_proof(_: Mapping[str, Any]) -> Check:
        return Check("proof", list_proof, "list seal", {"signers": [ISSUER]})

    return StatusStep(fetch, check_proof)


def status_list(revoked_index: int | None) -> dict[str, Any]:
    bits = Bitstring(MIN_LIST_LENGTH)
    if revoked_index is not None:
        bits.set(revoked_index, True)
    return status_list_credential(
        list_url=LIST_URL, issuer=ISSUER, purpose="revocation", bitstring=bits, valid_from="2026-01-01T00:00:00Z"
    )


def with_status(index: int) -> dict[str, Any]:
    entry = {
        "id": f"{LIST_URL}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": LIST_URL,
    }
    return credential(credentialStatus=entry)


async def run_status(step: StatusStep, document: dict[str, Any]) -> Check:
    check = await step.run(Context(document, subject=document, values={"signers": [ISSUER]}))
    assert check is not None
    return check


async def test_status_step_passes_without_a_status_entry() -> None:
    check = await run_status(status_step({}), credential())
    assert (check.outcome, check.code) == (Outcome.PASSED, "status.none")


async def test_status_step_passes_a_credential_its_list_does_not_revoke() -> None:
    check = await run_status(status_step({LIST_URL: status_list(None)}), with_status(5))
    assert (check.outcome, check.code) == (Outcome.PASSED, "status.ok")


async def test_status_step_fails_a_revoked_credential() -> None:
    check = await run_status(status_step({LIST_URL: status_list(5)}), with_status(5))
    assert check.outcome is Outcome.FAILED
    assert check.code in ("status.revoked", "status.revoked_since")


async def test_status_step_is_unknown_when_the_list_cannot_be_read_or_its_seal_fails() -> None:
    missing = await run_status(status_step({}), with_status(5))
    forged = await run_status(status_step({LIST_URL: status_list(None)}, Outcome.FAILED), with_status(5))
    assert (missing.outcome, missing.code) == (Outcome.UNKNOWN, "status.unreadable")
    assert (forged.outcome, forged.code) == (Outcome.UNKNOWN, "status.unreadable")


async def test_status_step_is_unknown_for_a_status_type_it_does_not_know() -> None:
    check = await run_status(status_step({}), credential(credentialStatus={"type": "Mystery"}))
    assert (check.outcome, check.code) == (Outcome.UNKNOWN, "status.unsupported")


# -- presentations ----------------------------------------------------------------------------------
async def test_shape_step_passes_a_presentation_and_lists_its_credentials() -> None:
    vp = create_presentation([signed()], LEARNER_KEY, LEARNER, LEARNER_VM)
    context = Context(vp)
    check = await ShapeStep().run(context)
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.PASSED, "presentation.valid")
    assert len(context.values["items"]) == 1
    assert context.values["holder"] == LEARNER


async def test_shape_step_fails_what_is_not_a_presentation() -> None:
    check = await ShapeStep().run(Context({"type": "Nothing"}))
    assert check is not None
    assert (check.outcome, check.code) == (Outcome.FAILED, "presentation.invalid")


async def holder_check(vp: dict[str, Any], **options: Any) -> tuple[Check, Context]:
    context = Context(vp)
    await ShapeStep().run(context)
    check = await HolderProofStep(DidResolver(), **options).run(context)
    assert check is not None
    return check, context


async def test_holder_step_passes_the_holders_signature_and_names_the_presenter() -> None:
    vp = create_presentation([], LEARNER_KEY, LEARNER, LEARNER_VM, challenge="c-1", domain="v.example")
    check, context = await holder_check(vp, challenge="c-1", domain="v.example")
    assert (check.outcome, check.code) == (Outcome.PASSED, "holder.signed")
    assert context.values["presenter"] == LEARNER


async def test_holder_step_fails_a_signature_for_another_challenge() -> None:
    vp = create_presentation([], LEARNER_KEY, LEARNER, LEARNER_VM, challenge="c-1")
    check, context = await holder_check(vp, challenge="c-2")
    assert (check.outcome, check.code) == (Outcome.FAILED, "holder.signature")
    assert "presenter" not in context.values


async def test_holder_step_fails_a_presentation_signed_by_someone_other_than_its_holder() -> None:
    vp = create_presentation([], OTHER_KEY, LEARNER, OTHER_VM)
    check, _ = await holder_check(vp)
    assert (check.outcome, check.code) == (Outcome.FAILED, "holder.other_signer")


async def test_holder_step_warns_about_an_unsigned_presentation_unless_a_proof_is_required() -> None:
    vp = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "holder": LEARNER}
    warned, _ = await holder_check(vp)
    refused, _ = await holder_check(vp, required=True)
    assert (warned.outcome, warned.code) == (Outcome.WARNING, "holder.unsigned")
    assert (refused.outcome, refused.code) == (Outcome.FAILED, "holder.unsigned")


async def test_credentials_step_runs_the_credential_pipeline_for_each_and_adds_no_row() -> None:
    context = Context(None, values={"items": [signed(), {"not": "a credential"}]})
    assert await CredentialsStep(Verifier(DidResolver(), now=now)).run(context) is None
    assert [r.verdict for r in context.values["results"]] == ["verified", "failed"]


async def test_contents_step_fails_an_empty_unsigned_presentation_and_warns_about_an_empty_signed_one() -> None:
    empty_unsigned = await ContentsStep().run(Context(None, values={"items": []}))
    empty_signed = await ContentsStep().run(Context(None, values={"items": [], "presenter": LEARNER}))
    jose_empty = await ContentsStep(unsigned_fails=False).run(Context(None, values={"items": []}))
    assert empty_unsigned is not None
    assert empty_signed is not None
    assert jose_empty is not None
    assert (empty_unsigned.outcome, empty_unsigned.code) == (Outcome.FAILED, "presentation.nothing")
    assert (empty_signed.outcome, empty_signed.code) == (Outcome.WARNING, "presentation.empty")
    assert jose_empty.outcome is Outcome.WARNING
    assert await ContentsStep().run(Context(None, values={"items": [{}]})) is None


# -- SD-JWT VC --------------------------------------------------------------------------------------
NONCE = "n-1"


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


def sd_context(presentation: str) -> Context:
    return Context(presentation, subject=parse_sd_jwt(presentation))


async def test_sd_jwt_format_step_passes_a_micro_credential_and_fails_garbage(issuer: Issuer) -> None:
    holder = _key("sd holder")
    good = await SdJwtFormatStep().run(Context(issuer.issue(holder)))
    bad = await SdJwtFormatStep().run(Context("nonsense"))
    assert good is not None
    assert bad is not None
    assert (good.outcome, good.code) == (Outcome.PASSED, "format.sd_jwt_micro_credential")
    assert (bad.outcome, bad.code) == (Outcome.FAILED, "format.sd_jwt_parse")


async def test_sd_jwt_signature_step_passes_fails_and_halts_when_the_did_cannot_be_resolved(issuer: Issuer) -> None:
    token = issuer.issue(_key("sd holder"))
    good = await SdJwtSignatureStep(issuer.resolver()).run(sd_context(token))
    forged = await SdJwtSignatureStep(Issuer().resolver()).run(sd_context(token))  # another key, same DID

    class Down:
        async def resolve(self, did: str) -> dict[str, Any]:
            raise OSError("network down")

    context = sd_context(token)
    unknown = await SdJwtSignatureStep(Down()).run(context)
    assert good is not None
    assert forged is not None
    assert unknown is not None
    assert (good.outcome, good.code) == (Outcome.PASSED, "proof.passed")
    assert (forged.outcome, forged.code) == (Outcome.FAILED, "proof.sd_jwt_signature")
    assert (unknown.outcome, unknown.code) == (Outcome.UNKNOWN, "proof.unresolved")
    assert context.halted


async def test_disclosures_step_passes_matching_disclosures_and_fails_a_forged_one(issuer: Issuer) -> None:
    holder = _key("sd holder")
    presentation = present(issuer.issue(holder), ["name"], holder_key=holder, nonce=NONCE, audience=VERIFIER)
    good = await DisclosuresStep().run(sd_context(presentation))
    issuer_jwt = presentation.split("~")[0]
    forged_disclosure = "WyJzYWx0IiwgIm5hbWUiLCAiTWFsbG9yeSJd"  # ["salt", "name", "Mallory"]
    forged = await DisclosuresStep().run(sd_context("~".join([issuer_jwt, forged_disclosure, ""])))
    assert good is not None
    assert forged is not None
    assert (good.outcome, good.code) == (Outcome.PASSED, "disclosures.match")
    assert (forged.outcome, forged.code) == (Outcome.FAILED, "disclosures.mismatch")


async def test_key_binding_step_passes_fresh_binding_fails_wrong_nonce_and_warns_when_none_asked(
    issuer: Issuer,
) -> None:
    holder = _key("sd holder")
    token = issuer.issue(holder)
    bound = present(token, ["name"], holder_key=holder, nonce=NONCE, audience=VERIFIER)

    def step(nonce: str | None, required: bool = True) -> KeyBindingStep:
        return KeyBindingStep(nonce, VERIFIER, required, utc_now, timedelta(minutes=5), timedelta(minutes=5))

    fresh = await step(NONCE).run(sd_context(bound))
    replayed = await step("other").run(sd_context(bound))
    bare = bound.rsplit("~", 1)[0] + "~"  # the same presentation without its key-binding JWT
    missing = await step(None).run(sd_context(bare))
    optional = await step(None, required=False).run(sd_context(bare))
    assert fresh is not None
    assert replayed is not None
    assert missing is not None
    assert optional is not None
    assert (fresh.outcome, fresh.code) == (Outcome.PASSED, "key_binding.fresh")
    assert (replayed.outcome, replayed.code) == (Outcome.FAILED, "key_binding.nonce")
    assert (missing.outcome, missing.code) == (Outcome.FAILED, "key_binding.missing")
    assert (optional.outcome, optional.code) == (Outcome.WARNING, "key_binding.none")


async def test_token_status_step_passes_without_status_and_is_unknown_when_malformed_or_unreadable(
    issuer: Issuer,
) -> None:
    async def down(uri: str) -> str:
        raise OSError("status host down")

    step = TokenStatusStep(down, issuer.resolver(), now)
    plain = parse_sd_jwt(issuer.issue(_key("sd holder")))
    context = Context(None, subject=plain)
    none = await step.run(context)
    plain.payload["status"] = {"status_list": {"idx": -1, "uri": "https://uni.example/s"}}
    malformed = await step.run(context)
    plain.payload["status"] = {"status_list": {"idx": 3, "uri": "https://uni.example/s"}}
    unreadable = await step.run(context)
    assert none is not None
    assert malformed is not None
    assert unreadable is not None
    assert (none.outcome, none.code) == (Outcome.PASSED, "status.none")
    assert (malformed.outcome, malformed.code) == (Outcome.UNKNOWN, "status.malformed")
    assert (unreadable.outcome, unreadable.code) == (Outcome.UNKNOWN, "status.unreadable")
