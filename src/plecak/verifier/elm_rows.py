"""The EU elements of a European Digital Credential (ELM 3 / EDC), as the result page's rows.

The elements come from :func:`plecak.core.model.elm.read_elm_credential` (read by IRI from the
safe-mode expansion, concept labels in the reader's language where the document has them) and are
shown under the same keys and labels as our own micro-credentials (:func:`.rows.credential_rows`),
an absent one as "not stated". Values are plain text; the templates escape them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plecak.core.model.elm import ElmConcept, ElmCredentialView, read_elm_credential
from plecak.runtime.countries import country_code, country_name

from .rows import MAX_ITEMS, Row, _date, _hours, text_of

__all__ = ["elm_rows"]

_EQF = "http://data.europa.eu/snb/eqf/"


def _label(concept: ElmConcept | None) -> str | None:
    if concept is None:
        return None
    return text_of(concept.label) or text_of(concept.iri)


def _eqf(concept: ElmConcept | None) -> str | None:
    """The EQF level as a number (``…/eqf/6`` → ``6``), as for our credentials; else its label."""
    if concept is not None and concept.iri and concept.iri.startswith(_EQF):
        return text_of(concept.iri[len(_EQF) :]) or _label(concept)
    return _label(concept)


def _country(view: ElmCredentialView, language: str) -> str | None:
    """The awarding body's (else the issuer's) country: its label, in the reader's words when we know it."""
    label = _label(view.country)
    code = country_code(label)
    if code is None:
        return label
    if language != "en":
        return country_name(code, language)
    return f"{label} ({code})" if label and code.lower() not in label.lower() else label


def _texts(items: tuple[str, ...]) -> list[str] | None:
    texts = [t for t in (text_of(i) for i in items[:MAX_ITEMS]) if t]
    return texts or None


def _awarding_bodies(view: ElmCredentialView) -> str | None:
    names = [text_of(o.name) or text_of(o.id) for o in view.awarding_bodies]
    found = [n for n in names if n]
    if found:
        return "; ".join(found)
    issuer = view.issuer
    return (text_of(issuer.name) or text_of(issuer.id)) if issuer is not None else None


def _view_rows(view: ElmCredentialView, t: Mapping[str, str]) -> list[Row]:
    language = t.get("lang_code", "en")
    until = view.valid_until
    rows = [
        Row("title", t["el_title"], text_of(view.title)),
        Row("kind", t["el_kind"], t["kind_elm"]),
        Row("learner", t["el_learner"], text_of(view.learner_name)),
        Row("awarding_body", t["el_awarding_body"], _awarding_bodies(view)),
        Row("country", t["el_country"], _country(view, language)),
        Row("issued", t["el_issued"], _date(view.awarding_date or view.issued)),
        Row("valid_until", t["el_valid_until"], _date(until) if until else t["does_not_expire"]),
        Row("description", t["el_description"], text_of(view.description)),
        Row(
            "outcomes",
            t["el_outcomes"],
            _texts(view.learning_outcomes) or _texts((view.learning_outcome_summary or "",)),
        ),
        Row("ects", t["el_ects"], text_of(view.ects)),
        Row("workload_hours", t["el_workload_hours"], _hours(view.volume_of_learning, t)),
        Row("eqf", t["el_eqf"], _eqf(view.eqf_level)),
        Row("qf_ehea", t["el_qf_ehea"], text_of(view.note("qf_ehea"))),
        Row("assessment", t["el_assessment"], text_of(view.type_of_assessment)),
        Row("participation", t["el_participation"], text_of(view.form_of_participation)),
        Row("supervision", t["el_supervision"], text_of(view.supervision)),
        Row("quality", t["el_quality"], text_of(view.quality_assurance)),
        Row("prerequisites", t["el_prerequisites"], text_of(list(view.entry_requirements))),
        Row("stackability", t["el_stackability"], text_of(view.stackability)),
        Row("further", t["el_further"], text_of(view.further_information)),
    ]
    optional = [
        Row("grade", t["el_grade"], text_of(view.grade)),
        Row("nqf", t["el_nqf"], text_of([_label(c) for c in view.nqf_levels])),
        Row("part_of", t["el_part_of"], _texts(view.is_part_of)),
    ]
    rows += [row for row in optional if row.value is not None]
    rows.append(Row("issuer_id", t["el_issuer_id"], text_of(view.issuer.id) if view.issuer else None))
    rows.append(Row("credential_id", t["el_credential_id"], text_of(view.id)))
    return rows


def elm_rows(document: Any, t: Mapping[str, str]) -> list[Row]:
    """The rows of a European Digital Credential; only its id when it cannot be read (its format
    check says why: an undefined term, not an EDC credential …)."""
    try:
        view = read_elm_credential(document, language=t.get("lang_code", "en"))
    except (ValueError, TypeError):
        ident = document.get("id") if isinstance(document, Mapping) else None
        return [Row("credential_id", t["el_credential_id"], text_of(ident))]
    return _view_rows(view, t)
