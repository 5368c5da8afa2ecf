"""Every sentence the employer pages show, in one place: English here, Polish in ``messages_pl``.

Templates read them as ``t.key`` and Python as ``t["key"]``; ``{name}``-style placeholders are
filled with :func:`str.format` after escaping by the template. Check sentences are looked up as
``check.<name>.<outcome>`` (or ``check.status.revoked`` / ``check.status.suspended``).
"""

from __future__ import annotations

from collections.abc import Mapping

from .messages_pl import PL

__all__ = ["EN", "LANGUAGES", "messages", "pick_language"]

EN: Mapping[str, str] = {
    # layout
    "service_name": "Plecak verifier",
    "tagline": "Check an EU micro-credential in seconds.",
    "footer": "Plecak verifies W3C Verifiable Credentials and EU micro-credentials. "
    "Nothing you check is shared with anyone.",
    "back_home": "Check another credential",
    "skip": "Skip to content",
    "language": "Language",
    # home
    "home_title": "Check a micro-credential",
    "home_intro": "A learner can show you a credential as a QR code, a link or a file. "
    "Choose how you received it.",
    "scan_title": "Scan a QR code",
    "scan_intro": "Point your phone's camera at the learner's QR code.",
    "scan_start": "Start the camera",
    "scan_stop": "Stop the camera",
    "scan_waiting": "Looking for a QR code…",
    "scan_unsupported": "This browser cannot scan QR codes live. Take a photo of the QR code below, "
    "open it with your phone's camera app, or paste the link.",
    "scan_denied": "The camera could not be used. Allow camera access, or paste the link below.",
    "scan_not_link": "This QR code does not hold a link.",
    "scan_frame_missing": "No camera picture arrived. Start the camera again.",
    "scan_frame_too_large": "This camera picture is too large: at most {limit}.",
    "scan_frame_not_image": "This camera picture could not be read. Start the camera again, or take a "
    "photo of the QR code below.",
    "scan_frame_too_many": "The camera has sent many pictures in a short time. Live scanning goes on in "
    "{seconds} s; or take a photo of the QR code below.",
    "scan_frame_busy": "The verifier is busy reading other QR codes. Live scanning goes on in a moment.",
    "scan_frame_failed": "The camera picture could not be sent to the verifier. Check the connection; "
    "scanning goes on.",
    "scan_frame_expired": "Live scanning stopped because this page has expired. Reload the page and "
    "start the camera again.",
    "scan_nojs": "Live scanning needs JavaScript. Take a photo of the QR code below, open it with your "
    "phone's camera app, or paste the link.",
    "link_title": "Open a link",
    "link_intro": "Paste the link the learner sent you (it starts with https://).",
    "link_label": "Link to the credential",
    "link_button": "Check the link",
    "paste_title": "Paste the credential",
    "paste_intro": "Paste the credential's text (JSON), as the learner's wallet exported it.",
    "paste_label": "Credential (JSON)",
    "paste_button": "Check the credential",
    "upload_title": "Upload a file",
    "upload_intro": "Choose the credential file (.json) or the credential's PDF the learner gave you. At most {limit}.",
    "upload_label": "Credential file",
    "upload_button": "Check the file",
    "upload_photo_hint": "A photo or screenshot of the learner's QR code works here too.",
    "photo_intro": "No live camera scanner? Take a photo of the QR code (or choose a screenshot) "
    "and the verifier reads it.",
    "photo_label": "Photo of the QR code",
    "photo_button": "Read the QR code",
    "upload_not_accepted": "The verifier cannot read this file. It accepts a credential file (.json or "
    ".jsonld), an SD-JWT credential saved as text, a wallet's PDF of a credential, or a picture of a QR "
    "code (PNG, JPEG, GIF, WebP "
    "or BMP; an iPhone HEIC photo must be saved as JPEG first).",
    "upload_no_qr": "No QR code could be read in this picture. Take the photo again closer, straight on "
    "and in good light, or ask the learner for the link or the file.",
    "upload_qr_offer": "This QR code is a credential offer: it is for the learner's wallet, to receive a "
    "credential, not something to check. Ask the learner to share the credential from their wallet.",
    "upload_qr_unknown": "This QR code holds neither a link nor a credential, so there is nothing to check.",
    "upload_pdf_no_credential": "This PDF has no credential attached, so there is nothing to check in it. "
    "A PDF from the learner's wallet carries the credential (credential.json); for any other PDF, scan the QR "
    "code printed on it or ask the learner for the link or the file.",
    "upload_pdf_unreadable": "This PDF cannot be read: it is damaged or not really a PDF.",
    "upload_photo_too_large": "That picture is too large: at most {limit}.",
    "reason_not_json": "it is not valid JSON (the error is at line {line}, column {column})",
    "reason_not_utf8": "the text is not UTF-8",
    "reason_too_deep": "arrays and objects nest more than {depth} deep",
    "ask_title": "Ask a learner for a credential",
    "ask_intro": "Show a QR code the learner scans with their wallet; the answer appears here by itself.",
    "ask_any": "Any EU micro-credential",
    "ask_specific": "A specific micro-credential (its achievement id)",
    "ask_achievement_label": "Achievement id (https://…)",
    "ask_trusted_only": "Only from an issuer on my trusted list",
    "ask_button": "Create the request",
    # result page
    "result_title": "Verification result",
    "verdict_verified": "Verified",
    "verdict_verified_text": "Every check passed.",
    "verdict_warnings": "Verified with warnings",
    "verdict_warnings_text": "The credential is genuine, but read the warnings below.",
    "verdict_incomplete": "Could not check everything",
    "verdict_incomplete_text": "Some checks could not be completed, so this credential cannot be "
    "confirmed as valid right now.",
    "verdict_failed": "Not valid",
    "verdict_failed_text": "Do not rely on this credential: at least one check failed.",
    "checks_title": "Checks",
    "presentation_checks_title": "The presentation",
    "credential_checks_title": "The credential",
    "outcome_passed": "Passed",
    "outcome_warning": "Warning",
    "outcome_failed": "Failed",
    "outcome_unknown": "Not checked",
    "technical_detail": "Technical detail",
    "details_title": "What the credential says",
    "not_stated": "not stated",
    "not_shared": "not shared by the holder",
    "ask_format_legend": "Kind of credential",
    "ask_format_ldp": "W3C credential (selective disclosure with ecdsa-sd-2023: only what you tick "
    "below; other W3C credentials are shared whole)",
    "ask_format_sd_jwt": "SD-JWT VC (selective disclosure: only what you tick below)",
    "ask_claims_hint": "The title, awarding body, country, date, learning outcomes, ECTS, EQF level, "
    "assessment, form of participation and quality assurance are always shared. Ask also for "
    "(the holder may still decline; what is not shared is shown as such):",
    "el_credits_earned": "ECTS credits earned",
    "el_grading_scheme": "Grading scheme",
    "no_credentials": "The presentation holds no credentials.",
    "download_report": "Download JSON report",
    "report_note": "The result and the report stay available at this address for {hours} hours.",
    "checked_at": "Checked at {time} UTC",
    "source_paste": "pasted text",
    "source_upload": "uploaded file",
    "source_link": "link",
    "source_openid4vp": "answer to your request",
    "source_label": "Received as",
    # check names
    "check_format": "Format",
    "check_proof": "Seal (signature)",
    "check_issuer": "Issuer trust and accreditation",
    "check_status": "Revocation and suspension",
    "check_validity": "Validity dates",
    "check_presentation": "Presentation format",
    "check_holder": "Holder's signature",
    "check_replay": "Fresh answer (not replayed)",
    "check_binding": "Presented by the learner",
    "check_request": "Matches what you asked for",
    "check_disclosures": "Shared fields match the issuer's seal",
    "check_key_binding": "Presented by the holder",
    # check sentences
    "check.format.passed": "A well-formed credential.",
    "check.format.selective": "A well-formed credential, shared selectively: the holder chose which "
    "elements to show; what is shown is exactly what the issuer signed.",
    "check.format.warning": "An incomplete micro-credential: some EU mandatory elements are missing.",
    "check.format.failed": "This is not a readable credential.",
    "check.proof.passed": "The issuer's seal is intact: nothing was changed since it was issued.",
    "check.proof.failed": "The seal is broken: the credential was changed after issuing, "
    "or it was not sealed by its issuer.",
    "check.issuer.passed": "The issuer is on your trusted list.",
    "check.issuer.warning": "The seal is valid, but the issuer is not on your trusted list.",
    "check.status.passed": "Not revoked or suspended by the issuer.",
    "check.status.revoked": "Revoked by the issuer.",
    "check.status.suspended": "Suspended by the issuer.",
    "check.status.unknown": "Could not be checked: it is unknown whether the issuer revoked it.",
    "check.validity.passed": "Within its validity dates.",
    "check.validity.failed": "Outside its validity dates.",
    "check.presentation.passed": "A well-formed presentation.",
    "check.presentation.warning": "The presentation holds no credentials.",
    "check.presentation.failed": "This is not a readable presentation.",
    "check.holder.passed": "The holder signed this presentation for you.",
    "check.holder.warning": "The presentation is not signed, so it does not prove who is showing it.",
    "check.holder.failed": "The holder's signature is missing or not valid for this request.",
    "check.replay.passed": "This answer was made for your request and used only once.",
    "check.replay.failed": "This answer was already used: it may be a copy.",
    "check.binding.passed": "Shown by the learner the credential was issued to.",
    "check.binding.failed": "Shown by someone other than the learner it was issued to.",
    "check.request.passed": "This is the kind of credential you asked for.",
    "check.request.failed": "This is not the credential you asked for.",
    "check.disclosures.passed": "Every field the holder shared is exactly what the issuer sealed.",
    "check.disclosures.failed": "A shared field differs from what the issuer sealed: it was changed.",
    "check.key_binding.failed": "Not shown by the holder the credential was issued to, or not for you.",
    "check.key_binding.warning": "Not signed by the holder, so it does not prove who is showing it.",
    # EU elements
    "el_title": "Title",
    "el_kind": "Kind of credential",
    "el_description": "Description",
    "el_learner": "Learner",
    "el_awarding_body": "Awarding body",
    "lang_code": "en",  # country names in this language (plecak.runtime.countries)
    "el_country": "Country and region of the issuer",
    "el_issued": "Date of issuing",
    "el_valid_until": "Valid until",
    "el_outcomes": "Learning outcomes",
    "el_ects": "Notional workload (ECTS credits)",
    "el_workload_hours": "Workload in hours",
    "el_eqf": "Level (EQF)",
    "el_qf_ehea": "Cycle (QF-EHEA)",
    "el_nqf": "Level (national framework)",
    "el_assessment": "Type of assessment",
    "el_participation": "Form of participation",
    "el_supervision": "Supervision and identity check",
    "el_quality": "Quality assurance",
    "el_prerequisites": "Prerequisites",
    "el_grade": "Grade",
    "el_stackability": "Integration and stackability",
    "el_part_of": "Stacks towards",
    "el_skills": "Skills (ESCO)",
    "el_further": "Further information",
    "el_issuer_id": "Issuer identifier",
    "el_credential_id": "Credential identifier",
    # stacked certificates
    "composition_title": "Composition: the parts this certificate cites",
    "composition_rule": "Rule",
    "part_verified": "Presented and verified (same content as cited)",
    "part_changed": "Presented, but its content differs from what the certificate cites",
    "part_failed": "Presented with the cited content, but it does not verify now",
    "part_not_presented": "Not presented (ask the learner to share it to check it)",
    "kind_microcredential": "EU micro-credential",
    "does_not_expire": "does not expire",
    "hours": "{n} hours",
    "hours.one": "{n} hour",
    "hours.few": "{n} hours",
    "hours.many": "{n} hours",
    "hours.other": "{n} hours",
    # enumeration values (Plecak extension context)
    "Online": "online",
    "Onsite": "onsite",
    "Blended": "blended (online and onsite)",
    "Volunteering": "volunteering",
    "WorkExperience": "work experience",
    "ShortCycle": "short cycle",
    "FirstCycle": "first cycle (bachelor level)",
    "SecondCycle": "second cycle (master level)",
    "ThirdCycle": "third cycle (doctoral level)",
    "UnsupervisedNoIdVerification": "unsupervised, no identity check",
    "SupervisedNoIdVerification": "supervised, no identity check",
    "SupervisedOnlineWithIdVerification": "supervised online, with identity check",
    "SupervisedOnsiteWithIdVerification": "supervised onsite, with identity check",
    "StandAlone": "stand-alone",
    "Stackable": "stackable towards a larger credential",
    # presentation requests
    "request_title": "Ask for a credential",
    "request_scan": "Ask the learner to scan this code with their wallet app.",
    "request_qr_alt": "QR code of the credential request",
    "request_same_device": "On this phone? Open the request in your wallet",
    "request_asked": "You asked for",
    "request_expires": "The request expires at {time} UTC.",
    "request_waiting": "Waiting for the learner's answer…",
    "request_nojs": "This page cannot update itself without JavaScript. Reload it to see whether "
    "the answer has arrived.",
    "request_check_now": "Check for an answer",
    "request_expired": "This request has expired. Create a new one.",
    "request_declined": "The learner's wallet declined the request.",
    "request_new": "Create a new request",
    "request_elements": "Also asked for (the holder may decline)",
    "request_trusted_only": "from an issuer on your trusted list only",
    "request_done_title": "Answer sent",
    "request_done_text": "Your wallet's answer reached the verifier. The result is shown on the screen "
    "where the request was made.",
    # errors
    "error_title": "Something went wrong",
    "error_bad_json": "The text is not a credential: {reason}.",
    "error_empty": "Nothing was pasted or uploaded.",
    "error_too_large": "That is too large: credentials are at most {limit}.",
    "error_too_many_checks": "This verifier has started many checks from your network in the last "
    "minutes. Wait {minutes} min and try again.",
    "error_link": "The link could not be checked: {reason}.",
    "error_bad_form": "The form could not be read. Go back, reload the page and try again.",
    "error_form_expired": "This form has expired. Go back, reload the page and try again.",
    "error_not_found": "This page does not exist, or the result has expired.",
    "error_request_unknown": "This request does not exist or has expired.",
    # issue 15: verdicts that name their reason, holder binding, content the seal does not cover
    "headline.format": "Not a readable credential",
    "headline.format.text": "Do not rely on it: it is not a well-formed credential, so nothing in it could "
    "be checked.",
    "headline.presentation": "Not a readable presentation",
    "headline.presentation.text": "Do not rely on it: it is not a well-formed presentation.",
    "headline.altered": "The content was altered",
    "headline.altered.text": "Do not rely on this credential: what it says is not what the issuer sealed. "
    "The details below are shown only so you can see what was changed.",
    "headline.forged_issuer": "Not sealed by the issuer it names",
    "headline.forged_issuer.text": "Do not rely on this credential: it names an issuer, but was sealed with "
    "a key "
    "that issuer does not control. Anyone could have made it.",
    "headline.revoked": "Revoked by the issuer",
    "headline_by_date": "on or before {date}",
    "headline.revoked.text": "The issuer has withdrawn this credential: it no longer counts.",
    "headline.suspended": "Suspended by the issuer",
    "headline.suspended.text": "The issuer has suspended this credential: it does not count while suspended.",
    "headline.status": "Not valid",
    "headline.status.text": "Do not rely on this credential: its revocation status is not valid.",
    "headline.expired": "Expired",
    "headline.expired.text": "This credential is past its end of validity.",
    "headline.not_yet_valid": "Not valid yet",
    "headline.not_yet_valid.text": "This credential's validity has not started yet.",
    "headline.holder": "The presenter's signature is not valid",
    "headline.holder.text": "Do not rely on this answer: the presentation was not signed for your request "
    "by the person presenting it.",
    "headline.key_binding": "Not shown by the holder",
    "headline.key_binding.text": "Do not rely on this answer: it was not signed by the holder the credential "
    "was issued to, or not for your request.",
    "headline.other_subject": "Shown by someone else",
    "headline.other_subject.text": "Do not rely on this answer: the credential was issued to another learner "
    "than the person who presented it.",
    "headline.replay": "This answer was already used",
    "headline.replay.text": "Do not rely on this answer: it was made for an earlier request and may be a "
    "copy.",
    "headline.request": "Not what you asked for",
    "headline.request.text": "This is not the credential your request asked for.",
    "headline.issuer": "Issuer not accepted",
    "headline.issuer.text": "Do not rely on this credential: its issuer is not accepted.",
    "headline.unbound": "Genuine, but not tied to the person showing it",
    "headline.unbound.text": "The issuer's seal is intact, but the presenter could not be tied to the "
    "learner "
    "it was issued to: anyone who has a copy could show it. Check the person's identity another way.",
    "headline.bare": "Genuine, but the holder was not checked",
    "headline.bare.text": "The issuer's seal is intact, but this credential was not presented by its holder: "
    "anyone who has the file can show it. Ask for it through a request, or check the person's identity "
    "another way.",
    "check.not_checked_seal": "Not checked because the seal failed.",
    "check.proof.failed.issuer_not_did": "The seal does not prove who issued it: the named issuer is not a "
    "DID, so anyone could have sealed it in that issuer's name.",
    "check.proof.failed.issuer_key": "Sealed with a key the named issuer does not control: it was not "
    "sealed by its issuer.",
    "check.issuer.unconfirmed": "The issuer is unconfirmed: nothing ties the seal to it, so your trusted "
    "list does not apply.",
    "check.binding.warning.no_subject_id": "Not tied to the learner: the credential names no learner "
    "identifier the presenter could prove is theirs, so anyone with a copy could show it. Check their "
    "identity another way.",
    "check.binding.warning.unsigned": "Not tied to the learner: the presentation is not signed, so nobody "
    "proved they are the learner it was issued to.",
    "check.binding.warning.not_presented": "Holder not checked: the credential was not presented by its "
    "holder, so anyone holding the file can show it.",
    "check.binding.warning.other_subject": "Shown by someone other than the learner it was issued to.",
    "check.binding.unknown": "Not checked: the presenter's signature is not valid, so nobody was tied to "
    "the learner.",
    "unverified_title": "Unverified content.",
    "unverified_text": "The seal failed, so this is what the document says, not what the issuer said.",
    "not_shared_or_not_stated": "not shared by the holder, or not filled in by the issuer",
    "error_title_400": "This could not be checked",
    "error_title_403": "This form has expired",
    "error_title_404": "Not found",
    "error_title_410": "No longer available",
    "error_title_413": "Too large",
    "error_title_422": "This is not a credential",
    "error_title_502": "The link could not be opened",
    "error_title_504": "The link did not answer",
    "error_link_withdrawn": "The learner withdrew this link, or it expired or was already used. Ask the "
    "learner for a new link.",
    "error_link_missing": "This link does not exist or has expired. Check that it was copied whole, or ask "
    "the learner for a new link.",
    "error_link_refused": "The link's server refused to show it (it answered {status}). Ask the learner for "
    "a new link.",
    "error_link_broken": "The link's server could not answer right now (it answered {status}). Try again "
    "later.",
}

LANGUAGES: Mapping[str, Mapping[str, str]] = {"en": EN, "pl": PL}


def messages(language: str = "en") -> Mapping[str, str]:
    """The message table of ``language`` (English for an unknown language)."""
    return LANGUAGES.get(language, EN)


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language if we have it, else the best ``Accept-Language`` match, else English."""
    if cookie in LANGUAGES:
        return str(cookie)
    best, best_q = "en", 0.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().lower().split("-")[0]
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if language in LANGUAGES and q > best_q:
            best, best_q = language, q
    return best
