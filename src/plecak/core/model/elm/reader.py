"""Reading a European Digital Credential (ELM 3, EDC JSON-LD) into a typed view of the Annex I elements.

:func:`read_elm_credential` expands the document in safe mode (:func:`plecak.core.jsonld.rdf.expand_safe`:
a term the contexts do not define is an error, nothing is dropped) and reads the expanded form by
IRI, so it does not depend on the document's term names. The view says what the credential
*states*; it checks no seal or signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plecak.core.errors import DataModelError
from plecak.core.jsonld.loader import DocumentLoader
from plecak.core.jsonld.rdf import expand_safe

from .expanded import ExpandedGraph, Node, ident, ids, literal, text, types
from .vocabulary import ADMS, CRED, DC, ECTS_FRAMEWORK, ELM, FOAF, NOTE_SUBJECTS, ROV, SKOS

__all__ = [
    "ElmAccreditation",
    "ElmConcept",
    "ElmCredentialView",
    "ElmCreditPoint",
    "ElmError",
    "ElmNote",
    "ElmOrganisation",
    "read_elm_credential",
]

EDC_TYPE = f"{ELM}EuropeanDigitalCredential"
VC_TYPE = f"{CRED}VerifiableCredential"


class ElmError(DataModelError):
    """The document is not a European Digital Credential (or lacks what makes one readable)."""

    def __init__(self, problem: str) -> None:
        super().__init__([problem])


@dataclass(frozen=True)
class ElmConcept:
    """A controlled-vocabulary concept: its IRI and its preferred label."""

    iri: str | None
    label: str | None = None


@dataclass(frozen=True)
class ElmOrganisation:
    id: str | None
    name: str | None
    """``legalName``."""
    country: ElmConcept | None = None
    """``location.address.countryCode`` (an EU country authority concept)."""
    homepage: str | None = None


@dataclass(frozen=True)
class ElmCreditPoint:
    framework: ElmConcept | None
    point: str

    @property
    def is_ects(self) -> bool:
        return self.framework is not None and self.framework.iri == ECTS_FRAMEWORK


@dataclass(frozen=True)
class ElmNote:
    """An ``elm:Note``: its text and, when it has one, the concept it is about (``dc:subject``)."""

    text: str
    subject: ElmConcept | None = None


@dataclass(frozen=True)
class ElmAccreditation:
    id: str | None
    title: str | None
    type: ElmConcept | None = None
    accrediting_agent: str | None = None


@dataclass(frozen=True)
class ElmCredentialView:
    """What an ELM credential states about a learning achievement, by Annex I element."""

    id: str | None
    types: tuple[str, ...]
    title: str | None
    description: str | None
    learner_name: str | None
    learner_id: str | None
    learner_identifiers: tuple[str, ...]
    """Notations of the learner's ``nationalId`` and ``identifier``s, and e-mail addresses."""
    issuer: ElmOrganisation | None
    awarding_bodies: tuple[ElmOrganisation, ...]
    issued: str | None
    """``issued``, else ``issuanceDate``, else ``validFrom``."""
    valid_from: str | None
    valid_until: str | None
    awarding_date: str | None
    learning_outcomes: tuple[str, ...]
    learning_outcome_summary: str | None
    credit_points: tuple[ElmCreditPoint, ...]
    volume_of_learning: str | None
    eqf_level: ElmConcept | None
    nqf_levels: tuple[ElmConcept, ...]
    type_of_assessment: str | None
    modes: tuple[ElmConcept, ...]
    learning_setting: ElmConcept | None
    accreditations: tuple[ElmAccreditation, ...]
    entry_requirements: tuple[str, ...]
    id_verification: ElmConcept | None
    grade: str | None
    is_partial_qualification: bool | None
    is_part_of: tuple[str, ...]
    notes: tuple[ElmNote, ...]
    """Additional notes of the achievement and of its specification."""
    supplementary_documents: tuple[str, ...]
    """URLs of supplementary documents (achievement, specification and credential)."""

    @property
    def ects(self) -> float | None:
        for point in self.credit_points:
            if point.is_ects:
                try:
                    return float(point.point)
                except ValueError:
                    return None
        return None

    @property
    def country(self) -> ElmConcept | None:
        """The awarding body's country, else the issuer's."""
        for org in (*self.awarding_bodies, self.issuer):
            if org is not None and org.country is not None:
                return org.country
        return None

    def note(self, key: str) -> str | None:
        """The text of the note about element ``key`` (:data:`NOTE_SUBJECTS`: ``qf_ehea``, ``quality``…)."""
        iri = NOTE_SUBJECTS[key][0]
        for note in self.notes:
            if note.subject is not None and note.subject.iri == iri:
                return note.text
        return None

    @property
    def form_of_participation(self) -> str | None:
        """The mode labels, else the note about the form of participation."""
        labels = [m.label or m.iri for m in self.modes if m.label or m.iri]
        return ", ".join(str(x) for x in labels) if labels else self.note("participation")

    @property
    def supervision(self) -> str | None:
        if self.id_verification is not None:
            return self.id_verification.label or self.id_verification.iri
        return self.note("supervision")

    @property
    def quality_assurance(self) -> str | None:
        titles = [a.title for a in self.accreditations if a.title]
        return "; ".join(titles) if titles else self.note("quality")

    @property
    def stackability(self) -> str | None:
        return self.note("stackability")

    @property
    def further_information(self) -> str | None:
        """The further-information note, else the notes not about any Annex I element of ours."""
        found = self.note("further")
        if found is not None:
            return found
        ours = {iri for iri, _ in NOTE_SUBJECTS.values()}
        other = [n.text for n in self.notes if n.subject is None or n.subject.iri not in ours]
        return "\n".join(other) if other else None


class _Reader:
    def __init__(self, graph: ExpandedGraph, language: str) -> None:
        self.g = graph
        self.lang = language

    def text(self, node: Node | None, iri: str) -> str | None:
        return text(node, iri, self.lang)

    def first_text(self, iri: str, *nodes: Node | None) -> str | None:
        return next((found for found in (self.text(n, iri) for n in nodes) if found), None)

    def learner_name(self, person: Node | None) -> str | None:
        names = (self.text(person, f"{FOAF}givenName"), self.text(person, f"{FOAF}familyName"))
        return self.text(person, f"{FOAF}fullName") or " ".join(x for x in names if x) or None

    def concept(self, node: Node | None) -> ElmConcept | None:
        if node is None:
            return None
        return ElmConcept(ident(node), self.text(node, f"{SKOS}prefLabel"))

    def concepts(self, node: Node | None, iri: str) -> tuple[ElmConcept, ...]:
        return tuple(c for c in (self.concept(n) for n in self.g.nodes(node, iri)) if c is not None)

    def note_text(self, node: Node | None) -> str | None:
        return self.text(node, f"{ELM}noteLiteral")

    def notes(self, node: Node | None, iri: str) -> tuple[ElmNote, ...]:
        out = []
        for n in self.g.nodes(node, iri):
            body = self.note_text(n)
            if body is not None:
                out.append(ElmNote(body, self.concept(self.g.node(n, f"{DC}subject"))))
        return tuple(out)

    def organisation(self, node: Node | None) -> ElmOrganisation | None:
        if node is None:
            return None
        address = self.g.path(node, f"{ELM}location", f"{ELM}address")
        homepage = self.g.node(node, f"{FOAF}homepage")
        url = literal(homepage, f"{ELM}contentUrl") if homepage is not None else None
        return ElmOrganisation(
            ident(node),
            self.text(node, f"{ROV}legalName") or self.text(node, f"{SKOS}prefLabel"),
            self.concept(self.g.node(address, f"{ELM}countryCode")),
            url if isinstance(url, str) else None,
        )

    def documents(self, *nodes: Node | None) -> tuple[str, ...]:
        urls = []
        for node in nodes:
            for doc in self.g.nodes(node, f"{ELM}supplementaryDocument"):
                url = literal(doc, f"{ELM}contentUrl")
                if isinstance(url, str):
                    urls.append(url)
        return tuple(urls)

    def learner_identifiers(self, person: Node | None) -> tuple[str, ...]:
        out = []
        for iri in (f"{ELM}nationalId", f"{ADMS}identifier"):
            for n in self.g.nodes(person, iri):
                notation = literal(n, f"{SKOS}notation")
                if isinstance(notation, str):
                    out.append(notation)
        for point in self.g.nodes(person, f"{ELM}contactPoint"):
            out.extend(i.removeprefix("mailto:") for i in ids(point, f"{ELM}emailAddress"))
        return tuple(out)

    def assessment_type(self, assessment: Node | None, spec: Node | None) -> str | None:
        for node in (self.g.node(assessment, f"{ELM}specifiedBy"), self.g.node(spec, f"{ELM}provenBy")):
            kind = self.concept(self.g.node(node, f"{DC}type"))
            found = (kind.label if kind else None) or self.text(node, f"{DC}title")
            if found:
                return found
        return None

    def grade(self, assessment: Node | None) -> str | None:
        for value in self.g.nodes(assessment, f"{ELM}grade"):
            found = self.note_text(value)
            if found:
                return found
        plain = literal(assessment, f"{ELM}grade")
        return plain if isinstance(plain, str) else None

    def accreditations(self, spec: Node | None) -> tuple[ElmAccreditation, ...]:
        out = []
        for n in self.g.nodes(spec, f"{ELM}accreditation"):
            agent = self.organisation(self.g.node(n, f"{ELM}accreditingAgent"))
            out.append(
                ElmAccreditation(
                    ident(n),
                    self.text(n, f"{DC}title"),
                    self.concept(self.g.node(n, f"{DC}type")),
                    agent.name if agent else None,
                )
            )
        return tuple(out)


def _date(node: Node | None, iri: str) -> str | None:
    value = literal(node, iri)
    return value if isinstance(value, str) else None


def _credential_node(graph: ExpandedGraph) -> Node:
    found = list(graph.typed(EDC_TYPE))
    if not found:
        raise ElmError("not a European Digital Credential: no node has the type EuropeanDigitalCredential")
    if len(found) > 1:
        raise ElmError("more than one European Digital Credential in one document")
    return found[0]


def read_elm_credential(
    document: Any, *, language: str = "en", loader: DocumentLoader | None = None
) -> ElmCredentialView:
    """The Annex I elements of an ELM credential document (a JSON object).

    Raises :class:`plecak.core.errors.JsonLdError` (its subclass ``UndefinedTermError`` for a term
    no context defines) when safe-mode expansion refuses the document, :class:`TypeError` when it is
    not a JSON object, and :class:`ElmError` when it is not a European Digital Credential. All are
    ``ValueError`` except ``TypeError``.
    """
    # long: one keyword per element of the view, each read where ELM puts it; splitting it would scatter the map
    graph = ExpandedGraph(expand_safe(document, loader))
    cred = _credential_node(graph)
    r = _Reader(graph, language)
    person = graph.node(cred, f"{CRED}credentialSubject")
    claim = graph.node(person, f"{ELM}hasClaim", f"{ELM}LearningAchievement")
    if claim is None:
        raise ElmError("the credential subject has no claim (hasClaim) to read")
    spec = graph.node(claim, f"{ELM}specifiedBy")
    awarding = graph.node(claim, f"{ELM}awardedBy")
    assessment = graph.node(claim, f"{ELM}provenBy")
    display = graph.node(cred, f"{ELM}displayParameter")
    partial = literal(spec, f"{ELM}isPartialQualification")
    return ElmCredentialView(
        id=ident(cred),
        types=types(cred),
        title=r.first_text(f"{DC}title", claim, spec),
        description=r.first_text(f"{DC}description", claim, spec, display),
        learner_name=r.learner_name(person),
        learner_id=ident(person),
        learner_identifiers=r.learner_identifiers(person),
        issuer=r.organisation(graph.node(cred, f"{CRED}issuer")),
        awarding_bodies=tuple(
            o for o in (r.organisation(n) for n in graph.nodes(awarding, f"{ELM}awardingBody")) if o is not None
        ),
        issued=_date(cred, f"{CRED}issued") or _date(cred, f"{CRED}issuanceDate") or _date(cred, f"{CRED}validFrom"),
        valid_from=_date(cred, f"{CRED}validFrom"),
        valid_until=_date(cred, f"{CRED}validUntil") or _date(cred, f"{CRED}expirationDate"),
        awarding_date=_date(awarding, f"{ELM}awardingDate"),
        learning_outcomes=tuple(
            t for t in (r.text(n, f"{DC}title") for n in graph.nodes(spec, f"{ELM}learningOutcome")) if t
        ),
        learning_outcome_summary=r.note_text(graph.node(spec, f"{ELM}learningOutcomeSummary")),
        credit_points=tuple(
            ElmCreditPoint(r.concept(graph.node(n, f"{ELM}framework")), str(literal(n, f"{ELM}point")))
            for n in graph.nodes(spec, f"{ELM}creditPoint")
            if literal(n, f"{ELM}point") is not None
        ),
        volume_of_learning=_date(spec, f"{ELM}volumeOfLearning"),
        eqf_level=r.concept(graph.node(spec, f"{ELM}EQFLevel")),
        nqf_levels=r.concepts(spec, f"{ELM}NQFLevel"),
        type_of_assessment=r.assessment_type(assessment, spec),
        modes=r.concepts(spec, f"{ELM}mode"),
        learning_setting=r.concept(graph.node(spec, f"{ELM}learningSetting")),
        accreditations=r.accreditations(spec),
        entry_requirements=tuple(n.text for n in r.notes(spec, f"{ELM}entryRequirement")),
        id_verification=r.concept(graph.node(assessment, f"{ELM}idVerification")),
        grade=r.grade(assessment),
        is_partial_qualification=partial if isinstance(partial, bool) else None,
        is_part_of=ids(claim, f"{ELM}isPartOf") + ids(spec, f"{ELM}isPartOf"),
        notes=r.notes(claim, f"{ELM}additionalNote") + r.notes(spec, f"{ELM}additionalNote"),
        supplementary_documents=r.documents(claim, spec, cred),
    )
