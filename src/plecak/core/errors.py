"""Exceptions raised by the core library.

Every error the library raises on purpose derives from :class:`VCError`. Errors
about a *value* a caller passed also derive from :class:`ValueError` (and wrong
types raise plain :class:`TypeError`), following pyca/cryptography.

    VCError
    ├── DocumentLoaderError        a URL the offline loader will not serve
    ├── JsonLdError                JSON-LD processing failed
    │   └── UndefinedTermError     "safe mode": a term or type has no definition
    ├── DataModelError             a credential or presentation is not well formed
    ├── KeyFormatError             a key, multibase or multicodec value is malformed
    ├── DIDError                   a DID is malformed or cannot be resolved
    ├── ProofError                 a proof cannot be created (bad options, unsupported suite)
    ├── StatusListError            a status list or entry is malformed
    ├── RuleError                  a pathway (stacking) rule is malformed
    └── SecretBoxError             encrypted-at-rest data cannot be decrypted

Verification never raises for an invalid credential: :func:`plecak.core.verify.credential.verify_credential`
returns a result listing every check. These exceptions are for programming and input errors.
"""

from __future__ import annotations

__all__ = [
    "DIDError",
    "DataModelError",
    "DocumentLoaderError",
    "JsonLdError",
    "KeyFormatError",
    "ProofError",
    "RuleError",
    "SecretBoxError",
    "StatusListError",
    "UndefinedTermError",
    "VCError",
]


class VCError(Exception):
    """Base class of every error raised on purpose by :mod:`vc`."""


class DocumentLoaderError(VCError, ValueError):
    """The document loader refused a URL (not a bundled context, not a resolved DID)."""

    def __init__(self, url: str, reason: str = "not a bundled context") -> None:
        super().__init__(f"refusing to load {url!r}: {reason}")
        self.url = url


class JsonLdError(VCError, ValueError):
    """JSON-LD expansion or canonicalisation failed."""


class UndefinedTermError(JsonLdError):
    """A property, type or enumeration value is not defined by the document's contexts."""

    def __init__(self, term: str, detail: str) -> None:
        super().__init__(detail)
        self.term = term


class DataModelError(VCError, ValueError):
    """A document breaks the VC data model; ``problems`` lists every issue found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class KeyFormatError(VCError, ValueError):
    """A key, multibase or multicodec value is malformed."""


class DIDError(VCError, ValueError):
    """A DID is malformed, unsupported or could not be resolved."""


class ProofError(VCError, ValueError):
    """A proof could not be created with the given options."""


class StatusListError(VCError, ValueError):
    """A status list credential, bitstring or status entry is malformed."""


class SecretBoxError(VCError, ValueError):
    """Encrypted-at-rest data could not be decrypted (wrong key or tampered data)."""


class RuleError(VCError, ValueError):
    """A pathway's stacking rule is malformed; ``problems`` lists every issue found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
