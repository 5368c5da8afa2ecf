"""What the verifier asks a wallet for (:class:`Ask`, as a DCQL query) and how a presentation is checked
against what was asked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from plecak.core import safejson
from plecak.core.did import did_web_base_url
from plecak.core.disclosure import ELEMENT_POINTERS, MANDATORY_ELEMENTS, SD_JWT_ELEMENT_CLAIMS, pointer_exists
from plecak.core.errors import DIDError, VCError
from plecak.core.jsonld.rdf import expand_safe
from plecak.core.model.datamodel import is_url, issuer_id
from plecak.core.sdjwt import SELECTIVELY_DISCLOSABLE, VCT_HOSTED_PATH, VCT_MICRO_CREDENTIAL, looks_like_sd_jwt
from plecak.runtime.oauth import OpenIdError

__all__ = [
    "ASKABLE_ELEMENTS",
    "MAX_VP_TOKEN",
    "OB_CREDENTIAL_TYPE",
    "QUERY_ID",
    "Ask",
    "dcql_query",
    "elements_shared",
    "hosted_vcts",
    "mismatches",
    "sd_jwt_claims_of",
    "sd_jwt_dcql_query",
]


QUERY_ID = "micro_credential"
OB_CREDENTIAL_TYPE = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
MAX_VP_TOKEN = 2_000_000
ASKABLE_ELEMENTS: tuple[str, ...] = tuple(k for k in ELEMENT_POINTERS if k not in MANDATORY_ELEMENTS)
"""EU elements an employer may ask for: the ones a holder may withhold (the issuer's mandatory
elements are always shared)."""


@dataclass(frozen=True)
class Ask:
    """What the employer asks for: any EU micro-credential, or one achievement; trusted issuers only?"""

    achievement_id: str | None = None
    trusted_only: bool = False
    format: str = "ldp_vc"
    """``ldp_vc`` (a signed W3C credential) or ``dc+sd-jwt`` (an SD-JWT VC: only ``claims`` are asked)."""
    claims: tuple[str, ...] = ()
    """For ``dc+sd-jwt``: the selectively disclosable claims asked for (the others stay hidden)."""
    elements: tuple[str, ...] = ()
    """For ``ldp_vc``: the EU elements asked for (:data:`ASKABLE_ELEMENTS`); an ``ecdsa-sd-2023``
    credential discloses only these beyond the issuer's mandatory ones."""

    def __post_init__(self) -> None:
        if self.achievement_id is not None and (not is_url(self.achievement_id) or len(self.achievement_id) > 2048):
            raise ValueError("the achievement id must be a URL (e.g. https://…/achievements/…)")
        if self.format not in ("ldp_vc", "dc+sd-jwt"):
            raise ValueError('the format must be "ldp_vc" or "dc+sd-jwt"')
        unknown = [c for c in self.claims if c not in SELECTIVELY_DISCLOSABLE]
        if unknown or (self.claims and self.format != "dc+sd-jwt"):
            raise ValueError(f"claims can be asked only of an SD-JWT VC, and only these: {unknown or ''}")
        odd = [e for e in self.elements if e not in ASKABLE_ELEMENTS]
        if odd or (self.elements and self.format != "ldp_vc"):
            raise ValueError(f"elements can be asked only of a W3C credential, and only these: {odd or ''}")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"achievementId": self.achievement_id, "trustedOnly": self.trusted_only}
        if self.format != "ldp_vc":
            out.update(format=self.format, claims=list(self.claims))
        if self.elements:
            out["elements"] = list(self.elements)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Ask:
        return cls(
            data.get("achievementId"),
            bool(data.get("trustedOnly")),
            str(data.get("format", "ldp_vc")),
            tuple(data.get("claims") or ()),
            tuple(data.get("elements") or ()),
        )

    @property
    def asked_elements(self) -> list[str]:
        """The EU elements asked for beyond the mandatory ones, in either format."""
        if self.format == "dc+sd-jwt":
            return [k for k, claims in SD_JWT_ELEMENT_CLAIMS.items() if set(claims) & set(self.claims)]
        return list(self.elements)


def sd_jwt_claims_of(elements: Any) -> tuple[str, ...]:
    """The SD-JWT VC claims that carry the EU ``elements`` (those the format has)."""
    return tuple(c for key in elements for c in SD_JWT_ELEMENT_CLAIMS.get(key, ()) if c in SELECTIVELY_DISCLOSABLE)


def hosted_vcts(dids: Iterable[str], insecure_hosts: Iterable[str] = ()) -> list[str]:
    """The ``vct`` each ``did:web`` issuer names its SD-JWT VC micro-credentials by by default: its own
    URL of the type metadata (``https://uni.example/vct/micro-credential/v1`` for
    ``did:web:uni.example``; ``http`` for the development ``insecure_hosts``, as the DID resolver
    fetches them). Other DIDs (``did:key``) name no URL and are left out."""
    insecure = set(insecure_hosts)
    found: list[str] = []
    for did in dids:
        if not did.startswith("did:web:"):
            continue
        host = unquote(did[len("did:web:") :].split(":", 1)[0])  # host%3Aport, as the resolver reads it
        try:
            scheme = "http" if host in insecure else "https"
            vct = did_web_base_url(did, scheme=scheme) + VCT_HOSTED_PATH
        except DIDError:
            continue
        if vct not in found:
            found.append(vct)
    return found


def sd_jwt_dcql_query(ask: Ask, hosted: Sequence[str] = ()) -> dict[str, Any]:
    """One ``dc+sd-jwt`` micro-credential: claim paths for the always-shared title (and the named
    achievement) and for each selectively disclosable claim asked for, so a wallet discloses only those.

    ``vct_values`` lists the shared type name and the ``hosted`` names (:func:`hosted_vcts`): DCQL
    matches ``vct`` exactly, and issuers name the type by their own resolvable URL by default."""
    claims: list[dict[str, Any]] = [{"id": "title", "path": ["title"]}]
    if ask.achievement_id:
        claims.append({"id": "achievement", "path": ["achievement_id"], "values": [ask.achievement_id]})
    required = [c["id"] for c in claims]
    claims += [{"id": name, "path": [name]} for name in ask.claims]
    query: dict[str, Any] = {
        "id": QUERY_ID,
        "format": "dc+sd-jwt",
        "meta": {"vct_values": [VCT_MICRO_CREDENTIAL, *(v for v in hosted if v != VCT_MICRO_CREDENTIAL)]},
        "claims": claims,
    }
    if ask.claims:  # what the holder may withhold: any of it, none of it
        query["claim_sets"] = [[c["id"] for c in claims], required]
    return {"credentials": [query]}


def dcql_query(ask: Ask, *, hosted_vcts: Sequence[str] = ()) -> dict[str, Any]:
    """One ``ldp_vc`` Open Badges credential: a micro-credential, or the named achievement (or, for
    ``dc+sd-jwt``, :func:`sd_jwt_dcql_query` with the ``hosted_vcts``)."""
    if ask.format == "dc+sd-jwt":
        return sd_jwt_dcql_query(ask, hosted_vcts)
    claim: dict[str, Any]
    if ask.achievement_id:
        claim = {"path": ["credentialSubject", "achievement", "id"], "values": [ask.achievement_id]}
    else:
        claim = {
            "path": ["credentialSubject", "achievement", "achievementType"],
            "values": ["MicroCredential"],
        }
    query: dict[str, Any] = {
        "id": QUERY_ID,
        "format": "ldp_vc",
        "meta": {"type_values": [[OB_CREDENTIAL_TYPE]]},
        "claims": [claim],
    }
    if ask.elements:
        # one claim per place an element may live (an ecdsa-sd-2023 wallet discloses those the
        # credential has); the holder may withhold any of them: claim_sets [[all], [the match]]
        claim["id"] = "match"
        for key in ask.elements:
            for i, pointer in enumerate(ELEMENT_POINTERS[key]):
                path = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
                query["claims"].append({"id": key if i == 0 else f"{key}-{i}", "path": path})
        query["claim_sets"] = [[c["id"] for c in query["claims"]], ["match"]]
    return {"credentials": [query]}


def elements_shared(credential: Mapping[str, Any], elements: Any) -> list[str]:
    """Which of the EU ``elements`` ``credential`` discloses."""
    return [k for k in elements if any(pointer_exists(credential, p) for p in ELEMENT_POINTERS.get(k, ()))]


def _subject_achievements(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    subjects = credential.get("credentialSubject")
    found = []
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
        if isinstance(achievement, Mapping):
            found.append(achievement)
    return found


def _expanded_types(credential: Any) -> list[str]:
    try:
        nodes = expand_safe(credential)
    except (VCError, TypeError, ValueError):
        return []
    types: list[str] = []
    for node in nodes:
        if isinstance(node, Mapping):
            types += [t for t in node.get("@type", []) if isinstance(t, str)]
    return types


def mismatches(credential: Any, ask: Ask, trusted: Callable[[str], bool]) -> list[str]:
    """Why ``credential`` does not answer ``ask`` (empty: it does). The DCQL ``values`` are only a
    hint to the wallet, so everything is checked again here.
    """
    if not isinstance(credential, Mapping):
        return ["it is not a credential"]
    problems = []
    if ask.format != "ldp_vc":
        problems.append("you asked for an SD-JWT VC, not a W3C credential")
    if OB_CREDENTIAL_TYPE not in _expanded_types(credential):
        problems.append("it is not an Open Badges credential")
    achievements = _subject_achievements(credential)
    if ask.achievement_id:
        if not any(a.get("id") == ask.achievement_id for a in achievements):
            problems.append(f"it is not for the achievement {ask.achievement_id}")
    elif not any(a.get("achievementType") == "MicroCredential" for a in achievements):
        problems.append("it is not an EU micro-credential")
    if ask.trusted_only and not trusted(issuer_id(credential) or ""):
        problems.append("its issuer is not on your trusted list")
    return problems


def _json(text: str, refusal: str) -> Any:
    """``text`` parsed as JSON; not JSON, an ``invalid_request`` saying ``refusal``."""
    try:
        return safejson.loads(text)
    except ValueError:
        raise OpenIdError("invalid_request", refusal) from None


def _presentations(fields: Mapping[str, str]) -> list[Any]:
    """The one presentation in ``vp_token``: a JSON object (``ldp_vc``) or an SD-JWT string."""
    raw = fields.get("vp_token")
    if not raw:
        raise OpenIdError("invalid_request", "vp_token is missing")
    if len(raw) > MAX_VP_TOKEN:
        raise OpenIdError("invalid_request", "vp_token is too large")
    token = _json(raw, "vp_token must be a JSON object")
    if not isinstance(token, dict):
        raise OpenIdError("invalid_request", "vp_token must be a JSON object keyed by credential query id")
    items = token.get(QUERY_ID)
    if not isinstance(items, list) or len(items) != 1:
        raise OpenIdError("invalid_request", f'vp_token must hold exactly one presentation for "{QUERY_ID}"')
    presentation = items[0]
    if isinstance(presentation, str) and looks_like_sd_jwt(presentation):
        return [presentation.strip()]
    if isinstance(presentation, str):
        presentation = _json(presentation, "the presentation is not JSON")
    if not isinstance(presentation, dict):
        raise OpenIdError("invalid_request", "an ldp_vc presentation must be a JSON object")
    return [presentation]
