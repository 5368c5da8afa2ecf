"""OpenID for Verifiable Presentations 1.0, wallet side: DCQL requests answered with ``direct_post``
or ``direct_post.jwt``.

A verifier's QR code or link carries the request in one of three ways:

* by reference, ``request_uri`` (and ``client_id``, ``request_uri_method``): the wallet fetches it
  (``GET``, or ``POST`` with a ``wallet_nonce``) asking for ``application/oauth-authz-req+jwt``;
* as a signed JAR by value, ``request``;
* by value as plain parameters (``client_id``, ``response_type``, ``dcql_query``, ``nonce``, …).

A signed request is checked against its client identifier prefix before anything is shown
(:func:`plecak.core.jar.verify_request_object`): ``x509_san_dns`` (certificate chain in ``x5c``;
a certificate that does not end at a configured trust anchor is shown as unverified) or
``decentralized_identifier`` (the verifier's DID). Unsigned requests (plain JSON or parameters) are
accepted only with ``redirect_uri:`` client identifiers, which *are* the address the answer goes to.

The wallet shows who asks and what, matches the DCQL credential queries against the learner's
credentials (honouring the formats, cryptosuites and algorithms the verifier accepts) and, once
the learner approves, posts ``vp_token`` (``{query id: [presentation]}``) and ``state`` to
``response_uri``, encrypted to the verifier's key for ``direct_post.jwt``. Each presentation is
bound to the request: ``challenge``/``nonce`` = its ``nonce``, ``domain``/``aud`` = its ``client_id``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509

from plecak.core.errors import VCError
from plecak.core.jar import JAR_MEDIA_TYPE, JarError, encrypt_response, split_client_id, verify_request_object
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
RESPONSE_MODES = ("direct_post", "direct_post.jwt")
WALLET_METADATA = {
    "vp_formats_supported": {"ldp_vc": {}, "dc+sd-jwt": {}},
    "client_id_prefixes_supported": ["redirect_uri", "x509_san_dns", "x509_hash", "decentralized_identifier"],
    "request_object_signing_alg_values_supported": ["ES256"],
    "response_modes_supported": list(RESPONSE_MODES),
}
"""What this wallet tells a verifier when it fetches a request with ``request_uri_method=post``."""


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
    proof_type_values: list[str] | None = None
    """``ldp_vc``: the proof types the verifier accepts (``None``: it does not say)."""
    cryptosuite_values: list[str] | None = None
    """``ldp_vc``: the Data Integrity cryptosuites the verifier accepts."""
    alg_values: list[str] | None = None
    """``dc+sd-jwt``: the issuer signature algorithms the verifier accepts (``sd-jwt_alg_values``)."""
    kb_alg_values: list[str] | None = None
    """``dc+sd-jwt``: the key-binding algorithms the verifier accepts (``kb-jwt_alg_values``)."""

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
    response_mode: str = "direct_post"
    prefix: str = "redirect_uri"
    """The client identifier prefix the request was checked against."""
    verifier_name: str = ""
    """Who signed the request, as verified (certificate subject, DID); empty when unsigned."""
    certificate_trusted: bool | None = None
    """``x509_san_dns``: the certificate chain ends at a trust anchor (``False``: unverified)."""
    client_metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def verifier_host(self) -> str:
        return urlsplit(self.response_uri).netloc

    @property
    def client_identifier(self) -> str:
        return self.client_id.partition(":")[2]

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
            response_mode=str(data.get("response_mode", "direct_post")),
            prefix=str(data.get("prefix", "redirect_uri")),
            verifier_name=str(data.get("verifier_name", "")),
            certificate_trusted=data.get("certificate_trusted"),
            client_metadata=dict(data.get("client_metadata") or {}),
        )


def _invalid(detail: str) -> UserError:
    return UserError("present.invalid", detail=detail)


def _strings(value: Any) -> list[str] | None:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else None


def _narrowed(*sources: list[str] | None) -> list[str] | None:
    """The values every source that says something allows (``None``: nobody restricts)."""
    given = [s for s in sources if s is not None]
    if not given:
        return None
    return [v for v in given[0] if all(v in other for other in given[1:])]


def _queries(dcql: Any, formats: Mapping[str, Any] | None = None) -> list[CredentialQuery]:
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
        fmt = str(item.get("format", ""))
        accepted = (formats or {}).get(fmt)
        accepted = accepted if isinstance(accepted, Mapping) else {}
        queries.append(
            CredentialQuery(
                id=item["id"],
                format=fmt,
                type_values=[list(g) for g in type_values],
                claims=[dict(c) for c in claims],
                multiple=item.get("multiple") is True,
                vct_values=list(vct_values),
                claim_sets=[list(o) for o in claim_sets],
                proof_type_values=_narrowed(
                    _strings(accepted.get("proof_type_values")), _strings(meta.get("proof_type_values"))
                ),
                cryptosuite_values=_narrowed(
                    _strings(accepted.get("cryptosuite_values")), _strings(meta.get("cryptosuite_values"))
                ),
                alg_values=_narrowed(_strings(accepted.get("sd-jwt_alg_values")), _strings(meta.get("alg_values"))),
                kb_alg_values=_strings(accepted.get("kb-jwt_alg_values")),
            )
        )
    if len({q.id for q in queries}) != len(queries):
        raise _invalid("credential query ids must be unique")
    return queries


DidResolve = Callable[[str], Awaitable[Mapping[str, Any]]]


def _json_param(value: Any, name: str) -> Any:
    """A by-value parameter that holds JSON (``dcql_query``, ``client_metadata``)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise _invalid(f"{name} is not JSON") from None


async def _fetch_request(http: HttpClient, uri: str, method: str) -> tuple[Any, str | None]:
    """The request behind ``request_uri``: a JWT (text) or a JSON object; and the wallet_nonce sent."""
    headers = {"Accept": JAR_MEDIA_TYPE}
    wallet_nonce = None
    try:
        http.check_url(uri)
        if method == "post":
            wallet_nonce = secrets.token_urlsafe(16)
            form = {"wallet_metadata": json.dumps(WALLET_METADATA), "wallet_nonce": wallet_nonce}
            reply = await http.post(uri, form=form, headers=headers)
        else:
            reply = await http.get(uri, headers=headers)
    except FetchError as exc:
        raise UserError("present.unreachable", detail=str(exc)) from None
    if reply.status in (404, 410):
        description = reply.body.get("error_description") if isinstance(reply.body, Mapping) else None
        raise Gone("present.unreachable", detail=description or f"HTTP {reply.status}")
    if reply.status != 200:
        raise UserError("present.unreachable", detail=f"{uri} answered HTTP {reply.status}")
    if isinstance(reply.body, Mapping):
        return dict(reply.body), wallet_nonce
    text = reply.raw.decode("utf-8", "replace").strip()
    if text.count(".") == 2:
        return text, wallet_nonce
    raise UserError("present.unreachable", detail=f"{uri} answered neither a request object nor JSON")


# long: one check per OpenID4VP request rule (fetching, signature, client id, response mode), each with its own refusal
async def load_request(
    http: HttpClient,
    params: Mapping[str, str],
    *,
    resolve_did: DidResolve,
    now: datetime,
    trust_anchors: Sequence[x509.Certificate] = (),
) -> PresentationRequest:
    """The verifier's request (by reference, as a signed JAR by value, or as plain parameters),
    checked against its client identifier prefix."""
    wallet_nonce = None
    if params.get("request_uri"):
        method = (params.get("request_uri_method") or "get").lower()
        if method not in ("get", "post"):
            raise _invalid("request_uri_method must be get or post")
        body, wallet_nonce = await _fetch_request(http, params["request_uri"], method)
    elif params.get("request"):
        body = params["request"]
    elif params.get("client_id") and params.get("response_type"):
        body = {k: v for k, v in params.items() if k not in ("request_uri", "request_uri_method")}
        body["dcql_query"] = _json_param(body.get("dcql_query"), "dcql_query")
        body["client_metadata"] = _json_param(body.get("client_metadata") or "{}", "client_metadata")
    else:
        raise UserError("present.bad_link")
    name, trusted = "", None
    if isinstance(body, str):
        try:
            verified = await verify_request_object(
                body, resolve_did=resolve_did, trust_anchors=trust_anchors, now=now
            )
        except JarError as exc:
            raise UserError("present.bad_signature", detail=str(exc)) from None
        body, prefix = verified.claims, verified.prefix
        if prefix != "redirect_uri":
            name, trusted = verified.name, verified.trusted
    else:
        try:
            prefix = split_client_id(body.get("client_id"))[0]
        except JarError as exc:
            raise _invalid(str(exc)) from None
        if prefix != "redirect_uri":
            raise UserError(
                "present.bad_signature",
                detail=f"a request with the client identifier prefix {prefix} must be signed",
            )
    if body.get("response_type") != "vp_token":
        raise _invalid("response_type must be vp_token")
    response_mode = body.get("response_mode") or "fragment"
    if response_mode not in RESPONSE_MODES:
        raise _invalid("only response_mode direct_post or direct_post.jwt is supported")
    try:
        response_uri = http.check_url(body.get("response_uri"))
    except FetchError as exc:
        raise _invalid(f"response_uri: {exc}") from None
    client_id = str(body.get("client_id"))
    if prefix == "redirect_uri" and client_id != CLIENT_ID_PREFIX + response_uri:
        raise _invalid("client_id must be redirect_uri:<response_uri> for an unsigned request")
    if params.get("client_id") and params["client_id"] != client_id:
        raise _invalid("the link's client_id is not the request's")
    if wallet_nonce is not None and body.get("wallet_nonce") != wallet_nonce:
        raise _invalid("the request's wallet_nonce is not the one this wallet sent")
    nonce = body.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise _invalid("nonce is missing")
    state = body.get("state")
    if state is not None and not isinstance(state, str):
        raise _invalid("state must be text")
    metadata = body.get("client_metadata")
    metadata = dict(metadata) if isinstance(metadata, Mapping) else {}
    formats = metadata.get("vp_formats_supported")
    return PresentationRequest(
        client_id,
        response_uri,
        nonce,
        state,
        _queries(body.get("dcql_query"), formats if isinstance(formats, Mapping) else None),
        response_mode=response_mode,
        prefix=prefix,
        verifier_name=name,
        certificate_trusted=trusted,
        client_metadata=metadata,
    )


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


def _proofs_accepted(query: CredentialQuery, credential: Mapping[str, Any]) -> bool:
    """An ``ldp_vc`` credential has a proof of a type and cryptosuite the verifier accepts."""
    if query.proof_type_values is None and query.cryptosuite_values is None:
        return True
    proofs = credential.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if not isinstance(proof, Mapping):
            continue
        kind = proof.get("type")
        if query.proof_type_values is not None and kind not in query.proof_type_values:
            continue
        if kind == "DataIntegrityProof" and query.cryptosuite_values is not None:
            if proof.get("cryptosuite") not in query.cryptosuite_values:
                continue
        return True
    return False


def _sd_jwt_algs_accepted(query: CredentialQuery, credential: Mapping[str, Any]) -> bool:
    """An SD-JWT VC signed with, and bound to a key for, algorithms the verifier accepts."""
    sd_jwt = sd_jwt_of(credential)
    if sd_jwt is None:
        return False
    parsed = parse_sd_jwt(sd_jwt)
    if query.alg_values is not None and parsed.header.get("alg") not in query.alg_values:
        return False
    if query.kb_alg_values is not None:
        cnf = parsed.payload.get("cnf")
        key = cnf.get("jwk") if isinstance(cnf, Mapping) else None
        kty = key.get("kty") if isinstance(key, Mapping) else None
        crv = key.get("crv") if isinstance(key, Mapping) else None
        alg = "EdDSA" if (kty, crv) == ("OKP", "Ed25519") else "ES256" if (kty, crv) == ("EC", "P-256") else None
        if alg not in query.kb_alg_values:
            return False
    return True


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
        if not _sd_jwt_algs_accepted(query, credential):
            return False
        credential = sd_claims
    elif not _proofs_accepted(query, credential):
        return False
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
    """POST the answer (or, with ``token=None``, a refusal) to ``response_uri``; the verifier's reply.

    ``direct_post.jwt``: the same parameters, encrypted to the verifier's key, in ``response``."""
    params: dict[str, Any] = {}
    if token is None:
        params["error"] = "access_denied"
        params["error_description"] = "The learner declined the request."
    else:
        params["vp_token"] = dict(token)
    if request.state is not None:
        params["state"] = request.state
    if request.response_mode == "direct_post.jwt":
        try:
            form = {"response": encrypt_response(params, request.client_metadata, apv=request.nonce)}
        except JarError as exc:
            raise UserError("present.verifier_error", detail=str(exc)) from None
    else:
        form = {
            k: v if isinstance(v, str) else json.dumps(v, separators=(",", ":"), ensure_ascii=False)
            for k, v in params.items()
        }
    try:
        reply = await http.post(request.response_uri, form=form)
    except FetchError as exc:
        raise UserError("present.verifier_error", detail=str(exc)) from None
    body = reply.body if isinstance(reply.body, Mapping) else {}
    if reply.status != 200:
        description = body.get("error_description") or body.get("detail") or body.get("error")
        raise UserError("present.verifier_error", detail=str(description or f"HTTP {reply.status}"))
    return dict(body)
