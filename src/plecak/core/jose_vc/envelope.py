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

from .cose import COSE_MEDIA, CoseError, SecuredCose, cose_base64, decode_base64, looks_like_cose_text, parse_cose

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
ENVELOPED_VC = "EnvelopedVerifiableCredential"
ENVELOPED_VP = "EnvelopedVerifiablePresentation"
MEDIA = {"vc": "vc+jwt", "vp": "vp+jwt"}
DATA_PREFIX = {kind: f"data:application/{media}," for kind, media in MEDIA.items()}
COSE_PREFIX = {kind: f"data:application/{media};base64," for kind, media in COSE_MEDIA.items()}
"""VC-JOSE-COSE §3.3: COSE-secured documents travel base64-encoded (RFC 2397)."""
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


def envelope_cose(message: bytes, *, kind: str = "vc") -> dict[str, Any]:
    """The VC 2.0 ``EnvelopedVerifiableCredential`` (``…Presentation``) carrying a COSE_Sign1."""
    return {
        "@context": VC_V2_CONTEXT,
        "type": ENVELOPED_VC if kind == "vc" else ENVELOPED_VP,
        "id": COSE_PREFIX[kind] + cose_base64(message),
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


def _enveloped(document: Any, prefixes: Mapping[str, tuple[str, ...]]) -> tuple[str, str] | None:
    """``(kind, what follows the prefix)`` of a VC 2.0 envelope whose data URL starts with one of
    ``prefixes[kind]``; else ``None``."""
    if not isinstance(document, Mapping):
        return None
    ident = document.get("id")
    context = document.get("@context")
    if not isinstance(ident, str) or VC_V2_CONTEXT not in (context if isinstance(context, list) else [context]):
        return None  # an envelope without the VC 2.0 context is no envelope (the data model check says why)
    types = _types(document)
    for kind, wanted in (("vc", ENVELOPED_VC), ("vp", ENVELOPED_VP)):
        if wanted in types:
            for prefix in prefixes[kind]:
                if ident.startswith(prefix):
                    return kind, unquote(ident[len(prefix) :]).strip()
    return None


def enveloped_jws(document: Any) -> tuple[str | None, str] | None:
    """``(kind, jws)`` for an enveloped credential (``"vc"``) or presentation (``"vp"``) secured with
    JOSE, or ``(None, jws)`` for a bare compact JWS (its header's ``typ`` tells); else ``None``."""
    if isinstance(document, str):
        return (None, document.strip()) if looks_like_jws(document) else None
    return _enveloped(document, {kind: (prefix, LEGACY_PREFIX) for kind, prefix in DATA_PREFIX.items()})


def enveloped_cose(document: Any) -> tuple[str, str] | None:
    """``(kind, base64 COSE_Sign1)`` for an envelope whose ``id`` is ``data:application/vc+cose;base64,…``
    (``vp+cose``); else ``None``."""
    return _enveloped(document, {kind: (prefix,) for kind, prefix in COSE_PREFIX.items()})


def is_enveloped(document: Any) -> bool:
    """A document secured by an envelope (JOSE or COSE), or a bare compact JWS."""
    return enveloped_jws(document) is not None or enveloped_cose(document) is not None


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


Secured = SecuredJws | SecuredCose
"""A JWS or a COSE_Sign1, split and decoded; both answer ``kind``, ``legacy()``, ``document()``."""


def open_envelope(document: Any, not_enveloped: str) -> tuple[str | None, Secured]:
    """``(kind, parsed JWS or COSE_Sign1)`` of an enveloped (JOSE or COSE) or bare JOSE-secured document
    (see :func:`enveloped_jws`, :func:`enveloped_cose`); :class:`JoseError` or :class:`CoseError`
    (``not_enveloped`` when it is no such document) if it cannot be read."""
    cose = enveloped_cose(document)
    if cose is not None:
        return cose[0], parse_cose(decode_base64(cose[1]))
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
    if not is_enveloped(document) or not isinstance(document, Mapping):
        return document
    try:
        kind, secured = open_envelope(document, "")
    except (JoseError, CoseError):
        return document
    return secured.document(kind or secured.kind or "vc")


def _cose_text_envelope(text: str) -> dict[str, Any] | None:
    """A pasted ``data:application/vc+cose;base64,…`` URL, or the base64 of a tagged COSE_Sign1,
    as its envelope (a credential unless the URL or the ``typ`` says ``vp+cose``)."""
    text = text.strip()
    for kind, prefix in COSE_PREFIX.items():
        if text.startswith(prefix):
            return {"@context": VC_V2_CONTEXT, "type": ENVELOPED_VC if kind == "vc" else ENVELOPED_VP, "id": text}
    if not looks_like_cose_text(text):
        return None
    try:
        message = decode_base64(text)
        kind = parse_cose(message).kind or "vc"
    except CoseError:
        return None
    return envelope_cose(message, kind=kind)


def envelope_of_bytes(data: bytes) -> dict[str, Any] | None:
    """An uploaded binary COSE_Sign1 (a ``.cose`` file: tagged ``0xd2 0x84…`` or an untagged array
    of four, ``0x84…``, neither of which starts UTF-8 text) as its envelope; ``None`` for other bytes."""
    if not data.startswith((b"\xd2\x84", b"\x84")):
        return None
    try:
        kind = parse_cose(data).kind or "vc"
    except CoseError:
        kind = "vc"  # the credential pipeline says why it is not one
    return envelope_cose(data, kind=kind)


def envelope_of_text(text: Any) -> dict[str, Any] | None:
    """A bare compact JWS (pasted, uploaded, posted) as the envelope its ``typ`` names
    (``vp+jwt``: a presentation, else a credential), or a COSE-secured one (a data URL or the
    base64 of a tagged COSE_Sign1); ``None`` when ``text`` is neither."""
    if isinstance(text, str) and (cose := _cose_text_envelope(text)) is not None:
        return cose
    if not looks_like_jws(text):
        return None
    try:
        kind = parse_jws(text).kind or "vc"
    except JoseError:
        kind = "vc"  # the credential pipeline says why it is not one
    return envelope(str(text).strip(), kind=kind)
