"""The European Learning Model (ELM 3) IRIs our reader and export use, defined once.

Every concept IRI here appears in the European Commission's own Annex I micro-credential sample
(tests/vectors/elm/sample-mc-annex1-unsigned.jsonld) or in the EDC 3.2 shapes and context; nothing
is guessed. Where ELM has a controlled vocabulary whose other concepts we could not confirm offline
(onsite or work-based learning, supervised assessment with an ID check, the types of
accreditation), the export writes an ``elm:Note`` whose subject is a concept of our own namespace
(:data:`PMC`), never a made-up EU IRI (docs/elm.md).
"""

from __future__ import annotations

from plecak.core.model.vocabulary import ECTS_FRAMEWORK, EQF_PREFIX

__all__ = [
    "ADMS",
    "COUNTRIES",
    "COUNTRY_AUTHORITY",
    "COUNTRY_SCHEME",
    "CRED",
    "CREDENTIAL_PROFILE_GENERIC",
    "CREDENTIAL_PROFILE_SCHEME",
    "DC",
    "ECTS_FRAMEWORK",
    "EDC_CONTEXT",
    "EDC_SHACL_VALIDATOR",
    "EDUCATION_CREDIT_SCHEME",
    "ELM",
    "ENCODING_BASE64",
    "ENCODING_SCHEME",
    "ENUMERATION_LABELS",
    "EQF_PREFIX",
    "EQF_SCHEME",
    "FILE_TYPE_AUTHORITY",
    "FILE_TYPE_SCHEME",
    "FOAF",
    "KNOWN_MODES",
    "KNOWN_SUPERVISION",
    "LANGUAGES",
    "LANGUAGE_AUTHORITY",
    "LANGUAGE_SCHEME",
    "LEARNING_SETTING_NON_FORMAL",
    "LEARNING_SETTING_SCHEME",
    "MODE_BLENDED",
    "MODE_ONLINE",
    "MODE_SCHEME",
    "NOTE_SUBJECTS",
    "NQF_SCHEME",
    "PMC",
    "PMC_SCHEME",
    "ROV",
    "SKOS",
    "SUPERVISION_SCHEME",
    "SUPERVISION_UNSUPERVISED_NO_ID",
    "VC1_CONTEXT",
]

# -- namespaces -------------------------------------------------------------------------------
ELM = "http://data.europa.eu/snb/model/elm/"
CRED = "https://www.w3.org/2018/credentials#"
DC = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ADMS = "http://www.w3.org/ns/adms#"
ROV = "http://www.w3.org/ns/regorg#"
PMC = "https://w3id.org/plecak/mc#"
"""Our extension namespace (docs/datamodel.md §5): the subjects of the notes carrying the Annex I
elements ELM has no term or no confirmed concept for."""

# -- contexts and envelope --------------------------------------------------------------------
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
EDC_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
"""The EDC application-profile context (EDC 3.2 LTS), bundled in contexts/ (contexts/adopted.json)."""
EDC_SHACL_VALIDATOR = "http://data.europa.eu/snb/model/ap/edc-generic-full"
"""``credentialSchema`` id of a generic EDC (a ``ShaclValidator2017``), as in the Commission sample."""

# -- concept schemes and the concepts confirmed from the Commission's sample -----------------
CREDENTIAL_PROFILE_SCHEME = "http://data.europa.eu/snb/credential/25831c2"
CREDENTIAL_PROFILE_GENERIC = "http://data.europa.eu/snb/credential/e34929035b"
EDUCATION_CREDIT_SCHEME = "http://data.europa.eu/snb/education-credit/25831c2"
EQF_SCHEME = "http://data.europa.eu/snb/eqf/25831c2"
NQF_SCHEME = "http://data.europa.eu/snb/qdr/25831c2"
MODE_SCHEME = "http://data.europa.eu/snb/learning-assessment/25831c2"
MODE_ONLINE = "http://data.europa.eu/snb/learning-assessment/920fbb3cbe"
MODE_BLENDED = "http://data.europa.eu/snb/learning-assessment/e92d221e4d"
SUPERVISION_SCHEME = "http://data.europa.eu/snb/supervision-verification/25831c2"
SUPERVISION_UNSUPERVISED_NO_ID = "http://data.europa.eu/snb/supervision-verification/c598449d64"
LEARNING_SETTING_SCHEME = "http://data.europa.eu/snb/learning-setting/25831c2"
LEARNING_SETTING_NON_FORMAL = "http://data.europa.eu/snb/learning-setting/e207a81fc7"
COUNTRY_AUTHORITY = "http://publications.europa.eu/resource/authority/country/"
COUNTRY_SCHEME = "http://publications.europa.eu/resource/authority/country"
LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language/"
LANGUAGE_SCHEME = "http://publications.europa.eu/resource/authority/language"
PMC_SCHEME = f"{PMC}AnnexIElements"
"""The scheme of our own note subjects (:data:`NOTE_SUBJECTS`)."""

KNOWN_MODES: dict[str, tuple[str, str]] = {
    "Online": (MODE_ONLINE, "Online"),
    "Blended": (MODE_BLENDED, "Blended"),
}
"""Our ``formOfParticipation`` values with a confirmed ELM mode concept (IRI, English label)."""
KNOWN_SUPERVISION: dict[str, tuple[str, str]] = {
    "UnsupervisedNoIdVerification": (SUPERVISION_UNSUPERVISED_NO_ID, "Unsupervised without ID Verification"),
}
"""Our ``supervisionAndIdVerification`` values with a confirmed ELM concept (IRI, English label)."""

NOTE_SUBJECTS: dict[str, tuple[str, str]] = {
    "qf_ehea": (f"{PMC}qfEheaLevel", "Level (cycle) in the QF-EHEA"),
    "participation": (f"{PMC}formOfParticipation", "Form of participation"),
    "supervision": (f"{PMC}supervisionAndIdVerification", "Supervision and identity verification during assessment"),
    "quality": (f"{PMC}typeOfQualityAssurance", "Type of quality assurance"),
    "stackability": (f"{PMC}integrationStackability", "Integration and stackability options"),
    "further": (f"{PMC}furtherInformation", "Further information"),
    "unsealed": (f"{PMC}UnsealedCopy", "Unsealed copy"),
}
"""Element key -> (IRI, English label) of the concept an ``elm:Note`` carrying that element has as its
``dc:subject``. The IRIs are our extension context's (the same meaning as its terms)."""

ENCODING_SCHEME = "http://data.europa.eu/snb/encoding/25831c2"
ENCODING_BASE64 = "http://data.europa.eu/snb/encoding/6146cde7dd"
FILE_TYPE_AUTHORITY = "http://publications.europa.eu/resource/authority/file-type/"
FILE_TYPE_SCHEME = "http://publications.europa.eu/resource/authority/file-type"

# -- EU authority tables (Publications Office): only the rows the export needs ----------------
COUNTRIES: dict[str, tuple[str, str]] = {
    "AT": ("AUT", "Austria"), "BE": ("BEL", "Belgium"), "BG": ("BGR", "Bulgaria"),
    "HR": ("HRV", "Croatia"), "CY": ("CYP", "Cyprus"), "CZ": ("CZE", "Czechia"),
    "DK": ("DNK", "Denmark"), "EE": ("EST", "Estonia"), "FI": ("FIN", "Finland"),
    "FR": ("FRA", "France"), "DE": ("DEU", "Germany"), "GR": ("GRC", "Greece"),
    "HU": ("HUN", "Hungary"), "IE": ("IRL", "Ireland"), "IT": ("ITA", "Italy"),
    "LV": ("LVA", "Latvia"), "LT": ("LTU", "Lithuania"), "LU": ("LUX", "Luxembourg"),
    "MT": ("MLT", "Malta"), "NL": ("NLD", "Netherlands"), "PL": ("POL", "Poland"),
    "PT": ("PRT", "Portugal"), "RO": ("ROU", "Romania"), "SK": ("SVK", "Slovakia"),
    "SI": ("SVN", "Slovenia"), "ES": ("ESP", "Spain"), "SE": ("SWE", "Sweden"),
    "IS": ("ISL", "Iceland"), "LI": ("LIE", "Liechtenstein"), "NO": ("NOR", "Norway"),
    "CH": ("CHE", "Switzerland"), "GB": ("GBR", "United Kingdom"),
}  # fmt: skip
"""ISO 3166-1 alpha-2 -> (the country authority code, English name) for the EU and EEA countries,
Switzerland and the United Kingdom. The authority codes are the ISO alpha-3 codes; IRL, BEL and ITA
are confirmed by the Commission's sample, the others were not checked against the table offline."""

LANGUAGES: dict[str, tuple[str, str]] = {
    "bg": ("BUL", "Bulgarian"), "cs": ("CES", "Czech"), "da": ("DAN", "Danish"),
    "de": ("DEU", "German"), "el": ("ELL", "Greek"), "en": ("ENG", "English"),
    "es": ("SPA", "Spanish"), "et": ("EST", "Estonian"), "fi": ("FIN", "Finnish"),
    "fr": ("FRA", "French"), "ga": ("GLE", "Irish"), "hr": ("HRV", "Croatian"),
    "hu": ("HUN", "Hungarian"), "it": ("ITA", "Italian"), "lt": ("LIT", "Lithuanian"),
    "lv": ("LAV", "Latvian"), "mt": ("MLT", "Maltese"), "nl": ("NLD", "Dutch"),
    "pl": ("POL", "Polish"), "pt": ("POR", "Portuguese"), "ro": ("RON", "Romanian"),
    "sk": ("SLK", "Slovak"), "sl": ("SLV", "Slovenian"), "sv": ("SWE", "Swedish"),
}  # fmt: skip
"""ISO 639-1 -> (the language authority code, English name) for the 24 official EU languages. The
authority codes are ISO 639-2/T; ENG is confirmed by the Commission's sample."""

# -- English wording of our extension enumerations (as the notes write them) -----------------
ENUMERATION_LABELS: dict[str, str] = {
    "Online": "Online",
    "Onsite": "On-site",
    "Blended": "Blended",
    "Volunteering": "Volunteering",
    "WorkExperience": "Work experience",
    "ShortCycle": "Short cycle",
    "FirstCycle": "First cycle",
    "SecondCycle": "Second cycle",
    "ThirdCycle": "Third cycle",
    "UnsupervisedNoIdVerification": "Unsupervised without ID Verification",
    "SupervisedNoIdVerification": "Supervised without ID verification",
    "SupervisedOnlineWithIdVerification": "Supervised online with ID verification",
    "SupervisedOnsiteWithIdVerification": "Supervised on-site with ID verification",
    "StandAlone": "Stand-alone",
    "Stackable": "Stackable",
}
