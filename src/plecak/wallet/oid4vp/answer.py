"""OpenID for Verifiable Presentations 1.0, wallet side: DCQL requests answered with ``direct_post``
or ``direct_post.jwt``.

A verifier's QR code or link carries the request in one of three ways:

* by reference, ``request_uri`` (and ``client_id``, ``request_uri_method``): the wallet fetches it
  (``GET``, or ``POST`` with a ``wallet_nonce``) asking for ``application/oauth-authz-req+jwt``;
* as a signed JAR by value, ``request``;
* by value as plain parameters (``client_id``, ``response_type``, ``dcql_query``, ``nonce``, …).

A signed request is checked against its client identifier prefix before anything is shown
(:func:`plecak.core.oid4vp.jar.verify_request_object`): ``x509_san_dns`` (certificate chain in ``x5c``;
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

from plecak.core.oid4vp.jar import JAR_MEDIA_TYPE, JarError, encrypt_response, split_client_id, verify_request_object
from plecak.core.verify.presentation import create_presentation

from ..exceptions import Gone, UserError
from ..ports import FetchError, HttpClient
from ..sdjwt import bind, sd_jwt_of
from ..vault import HolderKey
from .dcql import CredentialQuery, _invalid, credential_matches
from .dcql import _queries as _queries

__all__ = [
    "CredentialQuery",
    "PresentationRequest",
    "credential_matches",
    "load_request",
    "send_response",
    "vp_token",
]

CLIENT_ID_PREFIX = "redirect_uri:"
RESPONSE_MODES = ("direct_post", "direct_post.jwt")
WALLET_METADATA = {
    "vp_formats_supported": {"ldp_vc": {}, "dc+sd-jwt": {}},
    "client_id_prefixes_supported": ["redirect_uri", "x509_san_dns", "x509_hash", "decentralized_identifier"],
    "request_object_signing_alg_values_supported": ["ES256"],
    "response_modes_supported": list(RESPONSE_MODES),
}
"""What this wallet tells a verifier when it fetches a request with ``request_uri_method=post``."""


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


def vp_token(
    request: PresentationRequest, chosen: Mapping[str, Sequence[Mapping[str, Any]]], holder: HolderKey
) -> dict[str, list[Any]]:
    """One holder-signed presentation per credential query, bound to the request's nonce and client.

    ``chosen`` holds the credentials as disclosed (:func:`wallet.disclosure.selective.disclose_for_claims`).
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
