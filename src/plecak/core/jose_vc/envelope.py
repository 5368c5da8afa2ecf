"""The envelopes of VC-JOSE-COSE: a compact JWS of a credential or presentation, carried in a VC 2.0
``EnvelopedVerifiableCredential`` (``…Presentation``) as a ``data:`` URL; reading one back (split
and decoded, **not verified**: :mod:`.verify` checks the signature)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from plecak.core.encoding import b64url_decode
from plecak.core.errors import VCError
from plecak.core.safejson import UnsafeJson, loads

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
ENVELOPED_VC = "EnvelopedVerifiableCredential"
ENVELOPED_VP = "EnvelopedVerifiablePresentation"
MEDIA = {"vc": "vc+jwt", "vp": "vp+jwt"}
DATA_PREFIX = {kind: f"data:application/{media}," for kind, media in MEDIA.items()}
LEGACY_PREFIX = "data:application/jwt,"
"""The generic JWT media type in a data URL: the envelope's type says credential or presentation."""
MAX_JWS_CHARS = 2 * 1024 * 1024
"""A secured credential larger than this is refused before any decoding."""


class JoseError(VCError, ValueError):
    """The text is not a compact JWS of a credential or presentation."""


def envelope(jws: str, *, kind: str = "vc") -> dict[str, Any]:
    """The VC 2.0 ``EnvelopedVerifiableCredential`` (or ``…Presentation``) carrying ``jws``."""
    return {
        "@context": VC_V2_CONTEXT,
        "type": ENVELOPED_VC if kind == "vc" else ENVELOPED_VP,
        "id": DATA_PREFIX[kind] + jws,
    }


def looks_like_jws(text: Any) -> bool:
    """A cheap test: three base64url parts, the first a JSON object (a pasted compact JWS)."""
    if not isinstance(text, str) or len(text) > MAX_JWS_CHARS:
        return False
    parts = text.strip().split(".")
    return len(parts) == 3 and parts[0].startswith("eyJ") and "~" not in text


def _types(document: Mapping[str, Any]) -> list[Any]:
    types = document.get("type")
    return types if isinstance(types, list) else [types]


def enveloped_jws(document: Any) -> tuple[str | None, str] | None:
    """``(kind, jws)`` for an enveloped credential (``"vc"``) or presentation (``"vp"``) secured with
    JOSE, or ``(None, jws)`` for a bare compact JWS (its header's ``typ`` tells); else ``None``."""
    if isinstance(document, str):
        return (None, document.strip()) if looks_like_jws(document) else None
    if not isinstance(document, Mapping):
        return None
    ident = document.get("id")
    context = document.get("@context")
    if not isinstance(ident, str) or VC_V2_CONTEXT not in (context if isinstance(context, list) else [context]):
        return None  # an envelope without the VC 2.0 context is no envelope (the data model check says why)
    types = _types(document)
    for kind, wanted in (("vc", ENVELOPED_VC), ("vp", ENVELOPED_VP)):
        if wanted in types:
            for prefix in (DATA_PREFIX[kind], LEGACY_PREFIX):
                if ident.startswith(prefix):
                    return kind, unquote(ident[len(prefix) :]).strip()
    return None


@dataclass(frozen=True)
class SecuredJws:
    """A compact JWS split and decoded, not yet verified."""

    text: str
    header: dict[str, Any]
    payload: dict[str, Any]

    @property
    def kind(self) -> str | None:
        """``vc`` or ``vp`` from ``typ`` (or ``cty``), ``None`` when neither says."""
        for name in ("typ", "cty"):
            value = self.header.get(name)
            if isinstance(value, str):
                value = value.lower().removeprefix("application/")
                for kind, media in MEDIA.items():
                    if value in (media, kind):
                        return kind
        if "@context" not in self.payload:  # VC 1.1 JWT encoding: the claim says
            for kind in MEDIA:
                if isinstance(self.payload.get(kind), dict):
                    return kind
        return None

    def legacy(self, kind: str) -> bool:
        """The VC Data Model 1.1 JWT encoding: no ``vc+jwt``/``vp+jwt`` type, the document under the
        ``vc`` (``vp``) claim."""
        typ = self.header.get("typ")
        return (
            (typ is None or (isinstance(typ, str) and typ.lower() == "jwt"))
            and "@context" not in self.payload
            and isinstance(self.payload.get(kind), dict)
        )

    def document(self, kind: str) -> dict[str, Any]:
        """The credential (``kind="vc"``) or presentation (``"vp"``) secured: the payload, or for
        the 1.1 encoding the claim's object with ``issuer`` (``holder``) taken from ``iss`` if absent."""
        if not self.legacy(kind):
            return self.payload
        document = dict(self.payload[kind])
        name = "issuer" if kind == "vc" else "holder"
        if name not in document and isinstance(self.payload.get("iss"), str):
            document[name] = self.payload["iss"]
        return document


def _json_part(text: str, what: str) -> dict[str, Any]:
    try:
        value = loads(b64url_decode(text))
    except (ValueError, UnsafeJson) as exc:
        raise JoseError(f"the JWS {what} is not base64url JSON: {exc}") from None
    if not isinstance(value, dict):
        raise JoseError(f"the JWS {what} is not a JSON object")
    return value


def open_envelope(document: Any, not_enveloped: str) -> tuple[str | None, SecuredJws]:
    """``(kind, parsed JWS)`` of an enveloped or bare JOSE-secured document (see :func:`enveloped_jws`);
    :class:`JoseError` (``not_enveloped`` when it is no such document) if it cannot be read."""
    found = enveloped_jws(document)
    if found is None:
        raise JoseError(not_enveloped)
    return found[0], parse_jws(found[1])


def parse_jws(text: Any) -> SecuredJws:
    """Split and decode a compact JWS (no signature check); :class:`JoseError` if it is not one."""
    if not isinstance(text, str):
        raise JoseError("a compact JWS is a string")
    text = text.strip()
    if len(text) > MAX_JWS_CHARS:
        raise JoseError(f"the JWS is longer than {MAX_JWS_CHARS} characters")
    parts = text.split(".")
    if len(parts) != 3:
        raise JoseError("a compact JWS has three parts separated by '.'")
    header = _json_part(parts[0], "header")
    payload = _json_part(parts[1], "payload")
    try:
        b64url_decode(parts[2])
    except ValueError:
        raise JoseError("the JWS signature is not base64url") from None
    return SecuredJws(text, header, payload)


def secured_content(document: Any) -> Any:
    """What an enveloped document secures (decoded, **not verified**: for showing and for finding
    subjects after the pipeline ran); any other document unchanged."""
    found = enveloped_jws(document)
    if found is None or not isinstance(document, Mapping):
        return document
    try:
        secured = parse_jws(found[1])
    except JoseError:
        return document
    return secured.document(found[0] or secured.kind or "vc")


def envelope_of_text(text: Any) -> dict[str, Any] | None:
    """A bare compact JWS (pasted, uploaded, posted) as the envelope its ``typ`` names
    (``vp+jwt``: a presentation, else a credential); ``None`` when ``text`` is no compact JWS."""
    if not looks_like_jws(text):
        return None
    try:
        kind = parse_jws(text).kind or "vc"
    except JoseError:
        kind = "vc"  # the credential pipeline says why it is not one
    return envelope(str(text).strip(), kind=kind)
