"""OpenID for Verifiable Presentations 1.0, wallet side: DCQL requests answered with ``direct_post``.

The verifier's QR code or link carries ``request_uri`` (and ``client_id``). The wallet fetches the
request object, shows who asks and what, matches the DCQL credential queries against the
learner's credentials, and, once the learner approves, posts ``vp_token`` (a JSON object
``{query id: [presentation]}``) and ``state`` to ``response_uri``. Each presentation is signed by
the holder key with ``proofPurpose`` authentication, ``challenge`` = the request's ``nonce`` and
``domain`` = its ``client_id``.

Requests are unsigned JSON, so only ``redirect_uri:`` client identifiers are accepted: the
client identifier then *is* the address the answer goes to, which the learner is shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from plecak.core.errors import VCError
from plecak.core.jsonld.rdf import expand_safe
from plecak.core.sdjwt import VCT_MICRO_CREDENTIAL, SdJwtError, is_micro_credential_vct, parse_sd_jwt
from plecak.core.verify.presentation import create_presentation

from .exceptions import Gone, UserError
from .ports import FetchError, HttpClient
from .sdjwt import bind, sd_jwt_of
from .vault import HolderKey

__all__ = [
    "CredentialQuery",
    "PresentationRequest",
    "credential_matches",
    "load_request",
    "send_response",
    "vp_token",
]

CLIENT_ID_PREFIX = "redirect_uri:"
SUPPORTED_FORMATS = ("ldp_vc", "dc+sd-jwt")


@dataclass
class CredentialQuery:
    id: str
    format: str
    type_values: list[list[str]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    multiple: bool = False
    vct_values: list[str] = field(default_factory=list)
    """``dc+sd-jwt`` queries: the credential types asked for (``meta.vct_values``)."""
    claim_sets: list[list[str]] = field(default_factory=list)
    """DCQL ``claim_sets``: the combinations of claim ids the verifier accepts; a claim in every
    option is required, the others are optional (the learner may decline them)."""

    @property
    def type_names(self) -> list[str]:
        """Readable type names: the last segment of each expanded IRI."""
        names = []
        for group in self.type_values:
            for iri in group:
                names.append(iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
        return names

    @property
    def claim_texts(self) -> list[str]:
        texts = []
        for claim in self.claims:
            path = ".".join("*" if p is None else str(p) for p in claim.get("path", []))
            values = claim.get("values")
            texts.append(f"{path} = {' / '.join(map(str, values))}" if values else path)
        return texts


@dataclass
class PresentationRequest:
    client_id: str
    response_uri: str
    nonce: str
    state: str | None
    queries: list[CredentialQuery]

    @property
    def verifier_host(self) -> str:
        return urlsplit(self.response_uri).netloc

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PresentationRequest:
        return cls(
            client_id=str(data["client_id"]),
            response_uri=str(data["response_uri"]),
            nonce=str(data["nonce"]),
            state=data.get("state"),
            queries=[CredentialQuery(**q) for q in data["queries"]],
        )


def _invalid(detail: str) -> UserError:
    return UserError("present.invalid", detail=detail)


def _queries(dcql: Any) -> list[CredentialQuery]:
    if not isinstance(dcql, Mapping):
        raise _invalid("dcql_query is missing")
    items = dcql.get("credentials")
    if not isinstance(items, list) or not items or len(items) > 10:
        raise _invalid("dcql_query.credentials must list 1 to 10 credential queries")
    queries = []
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str) or not item["id"]:
            raise _invalid("every credential query needs an id")
        meta = item.get("meta") if isinstance(item.get("meta"), Mapping) else {}
        assert isinstance(meta, Mapping)
        type_values = meta.get("type_values", [])
        if not isinstance(type_values, list) or not all(
            isinstance(g, list) and all(isinstance(t, str) for t in g) for g in type_values
        ):
            raise _invalid("meta.type_values must be a list of lists of types")
        vct_values = meta.get("vct_values", [])
        if not isinstance(vct_values, list) or not all(isinstance(v, str) for v in vct_values):
            raise _invalid("meta.vct_values must be a list of types")
        claims = item.get("claims", [])
        if not isinstance(claims, list) or not all(
            isinstance(c, Mapping) and isinstance(c.get("path"), list) and c["path"] for c in claims
        ):
            raise _invalid("claims must be a list of objects with a path")
        claim_sets = item.get("claim_sets", [])
        ids = {c.get("id") for c in claims if isinstance(c.get("id"), str)}
        if not isinstance(claim_sets, list) or not all(
            isinstance(o, list) and o and all(isinstance(i, str) and i in ids for i in o) for o in claim_sets
        ):
            raise _invalid("claim_sets must list options of the ids of the query's claims")
        queries.append(
            CredentialQuery(
                id=item["id"],
                format=str(item.get("format", "")),
                type_values=[list(g) for g in type_values],
                claims=[dict(c) for c in claims],
                multiple=item.get("multiple") is True,
                vct_values=list(vct_values),
                claim_sets=[list(o) for o in claim_sets],
            )
        )
    if len({q.id for q in queries}) != len(queries):
        raise _invalid("credential query ids must be unique")
    return queries


async def load_request(http: HttpClient, params: Mapping[str, str]) -> PresentationRequest:
    """Fetch and check the request object behind ``request_uri``."""
    uri = params.get("request_uri")
    if not uri:
        raise UserError("present.bad_link")
    try:
        http.check_url(uri)
        reply = await http.get(uri)
    except FetchError as exc:
        raise UserError("present.unreachable", detail=str(exc)) from None
    if reply.status in (404, 410):
        description = reply.body.get("error_description") if isinstance(reply.body, Mapping) else None
        raise Gone("present.unreachable", detail=description or f"HTTP {reply.status}")
    if reply.status != 200 or not isinstance(reply.body, Mapping):
        raise UserError("present.unreachable", detail=f"{uri} answered HTTP {reply.status} without JSON")
    body = reply.body
    if body.get("response_type") != "vp_token":
        raise _invalid("response_type must be vp_token")
    if body.get("response_mode") != "direct_post":
        raise _invalid("only response_mode direct_post is supported")
    try:
        response_uri = http.check_url(body.get("response_uri"))
    except FetchError as exc:
        raise _invalid(f"response_uri: {exc}") from None
    client_id = body.get("client_id")
    if not isinstance(client_id, str) or client_id != CLIENT_ID_PREFIX + response_uri:
        raise _invalid("client_id must be redirect_uri:<response_uri> for an unsigned request")
    if params.get("client_id") and params["client_id"] != client_id:
        raise _invalid("the link's client_id is not the request's")
    nonce = body.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise _invalid("nonce is missing")
    state = body.get("state")
    if state is not None and not isinstance(state, str):
        raise _invalid("state must be text")
    return PresentationRequest(client_id, response_uri, nonce, state, _queries(body.get("dcql_query")))


def _types(credential: Mapping[str, Any]) -> set[str]:
    types = credential.get("type")
    found = {t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
    try:
        nodes = expand_safe(dict(credential))
    except (VCError, TypeError, ValueError):
        return found
    for node in nodes:
        node_types = node.get("@type", []) if isinstance(node, Mapping) else []
        found.update(t for t in node_types if isinstance(t, str))
    return found


def _resolve(value: Any, path: Sequence[Any]) -> list[Any]:
    """Every value at a DCQL claims path (``None`` selects all array elements)."""
    current = [value]
    for step in path:
        following: list[Any] = []
        for item in current:
            if step is None and isinstance(item, list):
                following.extend(item)
            elif isinstance(step, int) and isinstance(item, list) and 0 <= step < len(item):
                following.append(item[step])
            elif isinstance(step, str):
                for part in item if isinstance(item, list) else [item]:
                    if isinstance(part, Mapping) and step in part:
                        following.append(part[step])
        current = following
    return [v for c in current for v in (c if isinstance(c, list) else [c])]


def _sd_jwt_claims(credential: Mapping[str, Any]) -> dict[str, Any] | None:
    """Every claim of a stored SD-JWT VC (the holder has all disclosures), else ``None``."""
    sd_jwt = sd_jwt_of(credential)
    if sd_jwt is None:
        return None
    try:
        parsed = parse_sd_jwt(sd_jwt)
    except SdJwtError:
        return None
    claims = {k: v for k, v in parsed.payload.items() if k not in ("_sd", "_sd_alg")}
    claims.update({name: d.value for name, d in parsed.disclosable().items()})
    return claims


def credential_matches(query: CredentialQuery, credential: Mapping[str, Any]) -> bool:
    if query.format not in SUPPORTED_FORMATS:
        return False
    sd_claims = _sd_jwt_claims(credential)
    if (query.format == "dc+sd-jwt") != (sd_claims is not None):
        return False
    if sd_claims is not None:
        vct = sd_claims.get("vct")
        hosted = VCT_MICRO_CREDENTIAL in query.vct_values and is_micro_credential_vct(vct)
        if query.vct_values and vct not in query.vct_values and not hosted:
            return False
        credential = sd_claims
    if query.type_values:
        types = _types(credential)
        if not any(set(group) <= types for group in query.type_values):
            return False

    def satisfied(claim: Mapping[str, Any]) -> bool:
        found = _resolve(credential, claim["path"])
        values = claim.get("values")
        return bool(found) and not (isinstance(values, list) and not any(v in values for v in found))

    if query.claim_sets:  # some option the credential can answer in full
        return any(
            all(satisfied(c) for c in query.claims if c.get("id") in option) for option in query.claim_sets
        )
    return all(satisfied(c) for c in query.claims)


def vp_token(
    request: PresentationRequest, chosen: Mapping[str, Sequence[Mapping[str, Any]]], holder: HolderKey
) -> dict[str, list[Any]]:
    """One holder-signed presentation per credential query, bound to the request's nonce and client.

    ``chosen`` holds the credentials as disclosed (:func:`wallet.selective.disclose_for_claims`).
    A ``dc+sd-jwt`` query is answered with one SD-JWT per chosen credential, with the disclosures
    it kept and a key-binding JWT for the request's nonce and ``client_id``.
    """
    token: dict[str, list[Any]] = {}
    for query_id, credentials in chosen.items():
        if credentials and all(sd_jwt_of(c) is not None for c in credentials):
            token[query_id] = [
                bind(c, holder, nonce=request.nonce, audience=request.client_id) for c in credentials
            ]
    return token | {
        query_id: [
            create_presentation(
                credentials,
                holder.pair,
                holder.did,
                holder.verification_method,
                challenge=request.nonce,
                domain=request.client_id,
            )
        ]
        for query_id, credentials in chosen.items()
        if query_id not in token
    }


async def send_response(
    http: HttpClient, request: PresentationRequest, token: Mapping[str, Any] | None
) -> dict[str, Any]:
    """POST the answer (or, with ``token=None``, a refusal) to ``response_uri``; the verifier's reply."""
    form: dict[str, str] = {}
    if token is None:
        form["error"] = "access_denied"
        form["error_description"] = "The learner declined the request."
    else:
        form["vp_token"] = json.dumps(token, separators=(",", ":"), ensure_ascii=False)
    if request.state is not None:
        form["state"] = request.state
    try:
        reply = await http.post(request.response_uri, form=form)
    except FetchError as exc:
        raise UserError("present.verifier_error", detail=str(exc)) from None
    body = reply.body if isinstance(reply.body, Mapping) else {}
    if reply.status != 200:
        description = body.get("error_description") or body.get("detail") or body.get("error")
        raise UserError("present.verifier_error", detail=str(description or f"HTTP {reply.status}"))
    return dict(body)
