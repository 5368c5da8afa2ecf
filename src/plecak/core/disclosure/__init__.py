"""Selective disclosure of EU micro-credential elements, independent of the credential format.

An *element* is one of the EU micro-credential elements the verifier shows (title, awarding
body, ECTS, EQF level, grade, …), named by the same key as :mod:`plecak.verifier.display` rows. Where
an element lives in an Open Badges 3.0 credential is a list of JSON pointers
(:data:`ELEMENT_POINTERS`). A format adapter turns "the learner keeps these elements" into a
disclosure in its own terms:

* ``ecdsa-sd-2023`` (:class:`EcdsaSdAdapter`): selective JSON pointers for
  :func:`plecak.core.integrity.ecdsa_sd.derive`;
* SD-JWT VC (:class:`SdJwtAdapter`): the disclosures to keep (:data:`SD_JWT_ELEMENT_CLAIMS`);
* other formats plug in by implementing :class:`DisclosureAdapter` and registering with
  :func:`register_adapter`.

:data:`MANDATORY_ELEMENTS` is the one definition of what an issuer makes always disclosed, in
every format: the Annex I mandatory course elements (what was achieved, who awards it, where,
when, with what workload and level, how it was assessed and quality assured). The ecdsa-sd-2023
default mandatory pointers (:func:`default_mandatory_pointers`, adding the issuer, validity dates,
status and schema) and the SD-JWT VC claims issued in the clear (``plecak.core.sdjwt.ALWAYS_DISCLOSED``) are
both derived from it. The learner's name, grade, credits earned and the optional elements stay
the learner's choice.

The package: :mod:`.adapter` (the protocol, the fields, DCQL claim paths), one module per format
(:mod:`.ecdsa_sd`, :mod:`.sdjwt`) and :mod:`.registry`. The element lists are defined in
:mod:`plecak.core.model.elements` and re-exported here.
"""

from __future__ import annotations

from plecak.core.integrity.ecdsa_sd import is_derived_disclosure
from plecak.core.model.elements import (
    DEFAULT_MANDATORY_POINTERS,
    ELEMENT_POINTERS,
    MANDATORY_ELEMENTS,
    SD_JWT_ELEMENT_CLAIMS,
    default_mandatory_pointers,
    pointer_exists,
)

from .adapter import ClaimPaths, DisclosableField, DisclosureAdapter, pointers_for_claim_paths
from .ecdsa_sd import EcdsaSdAdapter
from .registry import adapter_for, register_adapter
from .sdjwt import SdJwtAdapter

__all__ = [
    "DEFAULT_MANDATORY_POINTERS",
    "ELEMENT_POINTERS",
    "MANDATORY_ELEMENTS",
    "SD_JWT_ELEMENT_CLAIMS",
    "ClaimPaths",
    "DisclosableField",
    "DisclosureAdapter",
    "EcdsaSdAdapter",
    "SdJwtAdapter",
    "adapter_for",
    "default_mandatory_pointers",
    "is_derived_disclosure",
    "pointer_exists",
    "pointers_for_claim_paths",
    "register_adapter",
]
