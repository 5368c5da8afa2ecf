"""The European Learning Model (ELM 3 / EDC 3.2): its vocabulary, a reader of ELM credentials into
a typed view of the Annex I elements, and (:mod:`.export`) the export of our micro-credential.

Pure: no I/O (contexts come from the offline document loader)."""

from __future__ import annotations

from .export import UNSEALED_NOTICE, export_elm_credential
from .nodes import DisplayImage
from .reader import (
    ElmAccreditation,
    ElmConcept,
    ElmCredentialView,
    ElmCreditPoint,
    ElmError,
    ElmNote,
    ElmOrganisation,
    read_elm_credential,
)

__all__ = [
    "UNSEALED_NOTICE",
    "DisplayImage",
    "ElmAccreditation",
    "ElmConcept",
    "ElmCredentialView",
    "ElmCreditPoint",
    "ElmError",
    "ElmNote",
    "ElmOrganisation",
    "export_elm_credential",
    "read_elm_credential",
]
